use super::*;

#[test]
fn sha1_is_base36_like_mediawiki() {
    // MediaWiki's sha1 of the empty text.
    assert_eq!(mediawiki_sha1(b""), "phoiac9h4m842xq45sp7s6u21eteeq1");
    assert_eq!(mediawiki_sha1(b"").len(), 31);
}

/// Carriage returns, tabs and newlines in attributes, markup characters and
/// characters XML cannot carry all come back exactly; the MediaWiki reader reads the
/// same dump.
#[test]
fn odd_strings_come_back_exactly() {
    let at: DateTime<Utc> = "2026-11-29T09:21:50.123456789Z".parse().unwrap();
    let text = "a\r\nb <c> & ]]> \u{1}\u{ffff} \"d\"\te";
    let items = [
        ArchiveItem::User(ArchiveUser {
            id: 4,
            name: "Zoé \"Z\" <z>".to_owned(),
            role: "writer".to_owned(),
            created_at: at,
            temporary: false,
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned()),
        }),
        ArchiveItem::Page(ArchivePage {
            id: 9,
            title: Title::parse("Modèle:Été & co").unwrap(),
            created_at: at,
            touched_at: at,
            latest: Some(12),
            redirect: None,
            origins: vec![ArchiveOrigin {
                source: "a\tb\nc".to_owned(),
                id: 3,
            }],
        }),
        ArchiveItem::Revision(ArchiveRevision {
            id: 12,
            page_id: 9,
            parent_id: None,
            author: "Zoé \"Z\" <z>".to_owned(),
            user_id: Some(4),
            created_at: at,
            comment: "x\ty".to_owned(),
            minor: true,
            size: i64::try_from(text.len()).unwrap(),
            sha256: "00".to_owned(),
            text: text.to_owned(),
            text_hidden: true,
            deleted: false,
            origins: Vec::new(),
        }),
    ];
    let mut writer = CarnetWriter::new(Vec::new(), &ExportSite::default()).unwrap();
    for item in &items {
        writer.item(item, None).unwrap();
    }
    let xml = writer.finish().unwrap();
    let mut reader = CarnetReader::new(xml.as_slice()).unwrap();
    let mut read = Vec::new();
    while let Some(entry) = reader.next_entry().unwrap() {
        read.push(entry.item);
    }
    assert_eq!(read, items);
    let mut mediawiki = crate::dump::DumpReader::new(xml.as_slice()).unwrap();
    let counts = crate::dump::count(&mut mediawiki).unwrap();
    assert_eq!((counts.pages, counts.revisions), (1, 1));
}
