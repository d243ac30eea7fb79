DROP TABLE file_versions;
