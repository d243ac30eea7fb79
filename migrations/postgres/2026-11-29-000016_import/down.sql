DROP TABLE imported_revisions;
DROP TABLE imported_pages;
