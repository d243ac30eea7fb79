//! MediaWiki XML export dumps, read as a stream.
