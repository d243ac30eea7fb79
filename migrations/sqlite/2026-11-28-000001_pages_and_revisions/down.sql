DROP INDEX revisions_page_id_id;
DROP TABLE revisions;
DROP TABLE pages;
