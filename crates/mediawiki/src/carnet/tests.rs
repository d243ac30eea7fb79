use super::*;

#[test]
fn sha1_is_base36_like_mediawiki() {
    // MediaWiki's sha1 of the empty text.
    assert_eq!(mediawiki_sha1(b""), "phoiac9h4m842xq45sp7s6u21eteeq1");
    assert_eq!(mediawiki_sha1(b"").len(), 31);
}
