-- Page creations clear the cache of pages showing the page count: find them by index.
CREATE INDEX pages_uses_page_count ON pages (uses_page_count);
