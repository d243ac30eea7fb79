DROP TABLE temporary_names;
