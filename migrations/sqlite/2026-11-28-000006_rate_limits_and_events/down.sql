DROP TABLE event_windows;
DROP TABLE rate_limit_secret;
DROP TABLE rate_limit_hits;
