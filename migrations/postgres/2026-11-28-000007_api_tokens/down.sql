DROP INDEX api_tokens_user;
DROP TABLE api_tokens;
