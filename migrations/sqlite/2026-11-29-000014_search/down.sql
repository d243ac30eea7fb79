DROP TABLE search_settings;
DROP TABLE search_index;
DROP TABLE search_titles;
