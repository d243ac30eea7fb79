DROP TABLE search_settings;
DROP TABLE search_documents;
DROP TABLE search_titles;
