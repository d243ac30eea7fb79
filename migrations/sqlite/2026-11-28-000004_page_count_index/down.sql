DROP INDEX pages_uses_page_count;
