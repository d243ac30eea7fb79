#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

//! File versions: an upload creates the file page and its first version in one
//! transaction, a re-upload adds a version without touching the page's text, a restore
//! adds a version naming an old blob; the renderer's lookup sees the current one; the
//! list, the statistics and the log follow. SQLite, and PostgreSQL when
//! `CARNET_TEST_DATABASE_URL` is set.

use carnet_core::{Comment, LogAction, PageText, Role, Title, UserName};
use carnet_store::testing::TestDb;
use carnet_store::{LogTarget, NewFile, UploadOutcome};

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn file(title: &Title, sha: &str, width: u32, comment: &str) -> NewFile {
    NewFile {
        title: title.clone(),
        sha256: sha.to_owned(),
        kind: "png".to_owned(),
        bytes: 1000 + u64::from(width),
        width: Some(width),
        height: Some(width / 2),
        author: "Camille".to_owned(),
        source: "travail personnel".to_owned(),
        licence: "cc-by-sa-4.0".to_owned(),
        comment: Comment::new(comment).unwrap(),
        description: PageText::new("Le pont, vu du quai.", 1 << 20).unwrap(),
    }
}

#[test]
fn versions_restore_and_lookup() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let user = store
        .create_user(&UserName::parse("Camille").unwrap(), "x", Role::Writer)
        .unwrap()
        .unwrap();
    let title = Title::parse("Fichier:Pont.png").unwrap();

    let first = store
        .upload(&file(&title, A, 800, "première"), &user)
        .unwrap();
    let UploadOutcome::Created(first) = first else {
        panic!("not created: {first:?}")
    };
    let (_, revision) = store.page(&title).unwrap().unwrap();
    assert_eq!(revision.text.as_str(), "Le pont, vu du quai.");
    assert_eq!(revision.meta.author.as_str(), "Camille");

    // A new version: the page text and its history stay as they were.
    let mut second = file(&title, B, 400, "recadrée");
    second.description = PageText::new("ignoré", 1 << 20).unwrap();
    let second = store.upload(&second, &user).unwrap();
    assert!(matches!(second, UploadOutcome::NewVersion(_)));
    let second = second.version().clone();
    assert_eq!(
        store
            .history(&title, 10, None, false)
            .unwrap()
            .unwrap()
            .entries
            .len(),
        1
    );
    let versions = store.file_versions(&title).unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| v.sha256.as_str())
            .collect::<Vec<_>>(),
        [B, A]
    );
    let lookup = store.lookup().unwrap();
    let current = lookup.files(std::slice::from_ref(&title));
    assert_eq!(current[&title].sha256, B);
    assert_eq!(current[&title].width, Some(400));
    let missing = Title::parse("Fichier:Absent.png").unwrap();
    assert!(lookup.files(std::slice::from_ref(&missing)).is_empty());
    drop(lookup);

    // Restore the first: a third version, with the first's blob and fields.
    let restored = store
        .restore_file_version(&title, first.id, &user, &Comment::new("retour").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(restored.sha256, A);
    assert_eq!(restored.width, Some(800));
    assert_eq!(restored.restored_from, Some(first.id));
    assert!(restored.id > second.id);
    let lookup = store.lookup().unwrap();
    assert_eq!(lookup.files(std::slice::from_ref(&title))[&title].sha256, A);
    drop(lookup);
    // Another file's version, or no such version: nothing.
    assert_eq!(
        store
            .restore_file_version(&missing, first.id, &user, &Comment::new("x").unwrap())
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .restore_file_version(&title, 999_999, &user, &Comment::new("x").unwrap())
            .unwrap(),
        None
    );

    assert_eq!(store.blob_kind(A).unwrap().as_deref(), Some("png"));
    assert_eq!(store.blob_kind(&"c".repeat(64)).unwrap(), None);
    let list = store.recent_uploads(2, None).unwrap();
    assert_eq!(list.files.len(), 2);
    assert_eq!(list.files[0].id, restored.id);
    let rest = store.recent_uploads(2, list.older).unwrap();
    assert_eq!(rest.files.len(), 1);
    assert_eq!(rest.older, None);
    let figures = store.media_statistics().unwrap();
    assert_eq!(figures.files, 1);
    assert_eq!(figures.bytes, 1800 + 1400);

    let log = store
        .log(
            &[LogAction::Upload],
            Some(&LogTarget::Page(title.clone())),
            10,
            None,
        )
        .unwrap();
    assert_eq!(log.entries.len(), 3);
    assert_eq!(log.entries[0].reason, "retour");
}
