#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly"
)]

//! `carnet import mediawiki` on the real dumps of `shared/corpora/mediawiki-xml` and on
//! small written ones: exact page and revision counts, history order, authors, times,
//! summaries and minor flags kept, addresses never stored, re-runs adding nothing,
//! compressed dumps, refusals, a truncated dump. On SQLite, and on PostgreSQL when
//! `CARNET_TEST_DATABASE_URL` is set.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use carnet::import::{ImportError, ImportOptions, ImportSummary, ReportRow, import_dump};
use carnet_core::{
    Analyzer, Author, Comment, MergeLabels, PageText, RevisionMeta, SearchQuery, Title,
};
use carnet_store::testing::{TEST_DATABASE_URL, TestDb, fingerprint};
use carnet_store::{Edit, SaveOutcome, SearchFilter, Store};

fn corpus(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/mediawiki-xml")
        .join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is missing", path.display());
        None
    }
}

/// A store with the renderer as its analyzer, as `carnet import` and `serve` have it.
fn store(db: &TestDb) -> Store {
    carnet_web::AppState::new(db.store().unwrap())
        .unwrap()
        .store
}

fn import_file(
    store: &Store,
    path: &Path,
    options: ImportOptions,
) -> (Result<ImportSummary, ImportError>, Vec<ReportRow>) {
    let mut opened = carnet_mediawiki::dump::open(path).unwrap();
    let mut report = Vec::new();
    let result = import_dump(store, &mut opened.reader, options, &mut report, &mut |_| {});
    (result, report)
}

fn import_xml(store: &Store, xml: &str) -> (ImportSummary, Vec<ReportRow>) {
    let mut reader = carnet_mediawiki::dump::DumpReader::new(xml.as_bytes()).unwrap();
    let mut report = Vec::new();
    let summary = import_dump(
        store,
        &mut reader,
        ImportOptions::default(),
        &mut report,
        &mut |_| {},
    )
    .unwrap();
    (summary, report)
}

/// Every revision of a page, oldest first.
fn history(store: &Store, title: &str) -> Vec<RevisionMeta> {
    let title = Title::parse(title).unwrap();
    let page = store
        .history(&title, 100_000, None, true)
        .unwrap()
        .unwrap_or_else(|| panic!("no page {title}"));
    let mut metas: Vec<RevisionMeta> = page.entries.into_iter().map(|e| e.meta).collect();
    metas.reverse();
    metas
}

fn text_of(store: &Store, meta: &RevisionMeta) -> String {
    store
        .revision(meta.id)
        .unwrap()
        .unwrap()
        .revision
        .text
        .into_string()
}

/// A revision chain as a save makes it: each revision's parent is the one before, the
/// page's current revision is the last.
fn assert_chain(store: &Store, title: &str) -> Vec<RevisionMeta> {
    let metas = history(store, title);
    let mut parent = None;
    for meta in &metas {
        assert_eq!(meta.parent, parent, "{title}: revision {:?}", meta.id);
        parent = Some(meta.id);
    }
    let (summary, _) = store.page(&Title::parse(title).unwrap()).unwrap().unwrap();
    assert_eq!(Some(summary.latest.id), parent, "{title}: current revision");
    metas
}

/// The corpora's pages and revisions, counted with `grep -c '<revision>'`.
const CORPORA: [(&str, &[(&str, usize)]); 4] = [
    ("dewiktionary-Hallo-history.xml", &[("Hallo", 135)]),
    (
        "enwiki-pair-0.10.xml",
        &[("Çullu, Agdam", 2), ("Discussion:Çullu, Agdam", 2)],
    ),
    ("frwikiquote-Kaamelott.xml", &[("Kaamelott", 1)]),
    (
        "frwikiquote-Kaamelott_Perceval.xml",
        &[("Kaamelott/Perceval", 1)],
    ),
];

#[test]
fn corpora_import_with_exact_counts_and_again_adds_nothing() {
    for (name, pages) in CORPORA {
        let Some(path) = corpus(name) else { continue };
        let db = TestDb::new();
        let store = store(&db);
        let (result, report) = import_file(&store, &path, ImportOptions::default());
        let summary = result.unwrap();
        let revisions: usize = pages.iter().map(|(_, n)| n).sum();
        assert_eq!(summary.pages_read, pages.len() as u64, "{name}");
        assert_eq!(summary.pages_created, pages.len() as u64, "{name}");
        assert_eq!(summary.revisions_read, revisions as u64, "{name}");
        assert_eq!(summary.revisions_added, revisions as u64, "{name}");
        assert_eq!(summary.revisions_skipped, 0, "{name}: {report:?}");
        for (title, count) in pages.iter() {
            assert_eq!(assert_chain(&store, title).len(), *count, "{name}: {title}");
        }
        // No author is an address, nor contains one.
        for (title, _) in pages.iter() {
            for meta in history(&store, title) {
                let author = meta.author.as_str();
                assert!(author.ends_with(" (importé)"), "{author}");
                assert!(!author.contains("217.228"), "{author}");
                assert!(!author.to_lowercase().contains("2a01:cb09"), "{author}");
            }
        }

        let before = fingerprint(&store).unwrap();
        let (again, _) = import_file(&store, &path, ImportOptions::default());
        let again = again.unwrap();
        assert_eq!(again.revisions_added, 0, "{name}");
        assert_eq!(again.revisions_already, revisions as u64, "{name}");
        assert_eq!(
            fingerprint(&store).unwrap(),
            before,
            "{name}: a re-run changes nothing"
        );
    }
}

#[test]
fn history_keeps_order_authors_times_summaries_and_minor_flags() {
    let Some(path) = corpus("dewiktionary-Hallo-history.xml") else {
        return;
    };
    let db = TestDb::new();
    let store = store(&db);
    // Small batches: a page's history spread over many transactions.
    let options = ImportOptions {
        batch_revisions: 7,
        ..ImportOptions::default()
    };
    import_file(&store, &path, options).0.unwrap();
    let metas = assert_chain(&store, "Hallo");
    assert_eq!(metas.len(), 135);
    let first = &metas[0];
    assert_eq!(first.author.as_str(), "Wikinator (importé)");
    assert_eq!(first.timestamp.to_rfc3339(), "2004-04-16T10:03:25+00:00");
    assert_eq!(first.comment.as_str(), "Spielwiese verlinkt");
    assert!(first.minor);
    // Revision 7037, by 217.228.140.145: a pseudonym, no summary, not minor.
    let second = &metas[1];
    assert!(
        second.author.as_str().starts_with("Anonyme-"),
        "{:?}",
        second.author
    );
    assert_eq!(second.timestamp.to_rfc3339(), "2004-09-09T15:42:07+00:00");
    assert_eq!(second.comment.as_str(), "");
    assert!(!second.minor);
    let third = &metas[2];
    assert_eq!(third.author.as_str(), "Melancholie (importé)");
    assert_eq!(third.comment.as_str(), "ist zu überarbeiten");
    let last = metas.last().unwrap();
    assert_eq!(last.author.as_str(), "Zase Wieder (importé)");
    assert_eq!(last.timestamp.to_rfc3339(), "2023-02-13T13:32:53+00:00");
    assert_eq!(last.comment.as_str(), "/* {{Übersetzungen}} */ o → ô +form");
    assert!(last.minor);
    // In the dump's (chronological) order.
    assert!(metas.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
    // The same address gets the same pseudonym every time.
    let pseudonyms: std::collections::HashSet<&str> = metas
        .iter()
        .map(|m| m.author.as_str())
        .filter(|a| a.starts_with("Anonyme-"))
        .collect();
    assert!(
        pseudonyms.len() > 1 && pseudonyms.len() < 40,
        "{pseudonyms:?}"
    );
    let minors = metas.iter().filter(|m| m.minor).count();
    assert_eq!(minors, 70, "`grep -c '<minor'` in the dump");
}

#[test]
fn redirects_namespaces_render_and_search() {
    let (Some(pair), Some(kaamelott)) = (
        corpus("enwiki-pair-0.10.xml"),
        corpus("frwikiquote-Kaamelott.xml"),
    ) else {
        return;
    };
    let db = TestDb::new();
    let store = store(&db);
    import_file(&store, &pair, ImportOptions::default())
        .0
        .unwrap();
    import_file(&store, &kaamelott, ImportOptions::default())
        .0
        .unwrap();
    // The page's first revision was MediaWiki's move redirect, in Carnet's syntax now.
    let metas = history(&store, "Çullu, Agdam");
    assert_eq!(
        text_of(&store, &metas[0]),
        "#REDIRECTION [[Çullu, Quzanlı]]"
    );
    assert_eq!(
        metas[0].comment.as_str(),
        "moved [[Çullu, Agdam]] to [[Çullu, Quzanlı]]:&#32;dab"
    );
    let talk = history(&store, "Discussion:Çullu, Agdam");
    assert_eq!(
        text_of(&store, &talk[0]),
        "#REDIRECTION [[Discussion:Çullu, Quzanlı]]"
    );
    assert_eq!(text_of(&store, &talk[1]), "{{DisambigProject}}");

    // The imported pages render, with their links analysed like any save.
    let state = carnet_web::AppState::new(store.clone()).unwrap();
    let html = carnet_web::read_page_html(&state, &Title::parse("Kaamelott").unwrap(), false)
        .unwrap_or_else(|_| panic!("Kaamelott renders"));
    assert!(html.contains("Perceval"), "rendered text");
    // And search finds them.
    let query = SearchQuery::parse("Karadoc", &Analyzer::new(store.search_language())).unwrap();
    let found = store
        .search(
            &query,
            &SearchFilter {
                limit: 10,
                ..SearchFilter::default()
            },
        )
        .unwrap();
    let titles: Vec<String> = found.hits.iter().map(|h| h.title.to_string()).collect();
    assert_eq!(titles, ["Kaamelott"]);
}

fn dump(pages: &str) -> String {
    format!(
        r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="fr">
  <siteinfo>
    <sitename>Quartier</sitename>
    <dbname>quartierwiki</dbname>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Discussion</namespace>
      <namespace key="4" case="first-letter">Quartier</namespace>
    </namespaces>
  </siteinfo>
{pages}
</mediawiki>"#
    )
}

fn page(id: i64, title: &str, ns: i32, revisions: &[(i64, &str)]) -> String {
    let mut xml = format!("<page><title>{title}</title><ns>{ns}</ns><id>{id}</id>");
    for (rev, text) in revisions {
        xml.push_str(&format!(
            "<revision><id>{rev}</id><timestamp>2022-01-0{}T10:00:00Z</timestamp>\
             <contributor><username>Marie</username><id>1</id></contributor>\
             <comment>r{rev}</comment><model>wikitext</model><format>text/x-wiki</format>\
             <text bytes=\"{}\" xml:space=\"preserve\">{text}</text></revision>",
            rev % 9 + 1,
            text.len()
        ));
    }
    xml.push_str("</page>");
    xml
}

#[test]
fn newer_dumps_add_only_new_revisions_and_local_work_is_never_overwritten() {
    let db = TestDb::new();
    let store = store(&db);
    let v1 = dump(&page(1, "Marché", 0, &[(10, "un"), (11, "deux")]));
    let (summary, _) = import_xml(&store, &v1);
    assert_eq!(summary.revisions_added, 2);
    let v2 = dump(&page(
        1,
        "Marché",
        0,
        &[(10, "un"), (11, "deux"), (12, "trois")],
    ));
    let (summary, report) = import_xml(&store, &v2);
    assert_eq!((summary.revisions_added, summary.revisions_already), (1, 2));
    assert!(report.is_empty(), "{report:?}");
    let metas = assert_chain(&store, "Marché");
    assert_eq!(metas.len(), 3);
    assert_eq!(text_of(&store, &metas[2]), "trois");

    // Edited here since: a newer dump leaves the page alone and says so.
    let title = Title::parse("Marché").unwrap();
    let edit = Edit {
        title: title.clone(),
        text: PageText::new("trois, et une retouche locale", 1 << 20).unwrap(),
        base: Some(metas[2].id),
        author: Author::new("Local").unwrap(),
        user: None,
        comment: Comment::new("ici").unwrap(),
        minor: false,
        labels: MergeLabels::default(),
    };
    assert!(matches!(
        store.save(&edit).unwrap(),
        SaveOutcome::Saved { .. }
    ));
    let v3 = dump(&page(
        1,
        "Marché",
        0,
        &[(10, "un"), (11, "deux"), (12, "trois"), (13, "quatre")],
    ));
    let before = fingerprint(&store).unwrap();
    let (summary, report) = import_xml(&store, &v3);
    assert_eq!(summary.revisions_added, 0);
    assert_eq!(summary.revisions_skipped, 1);
    assert_eq!(
        report,
        [ReportRow {
            page: "Marché".to_owned(),
            construct: "refused:local-edits".to_owned(),
            count: 1
        }]
    );
    assert_eq!(fingerprint(&store).unwrap(), before);

    // A title taken by a page of this wiki's own: refused too.
    let local = Edit {
        title: Title::parse("Fontaine").unwrap(),
        base: None,
        ..edit
    };
    assert!(matches!(
        store.save(&local).unwrap(),
        SaveOutcome::Created(_)
    ));
    let other = dump(&page(2, "Fontaine", 0, &[(20, "importée")]));
    let (summary, report) = import_xml(&store, &other);
    assert_eq!(summary.revisions_added, 0);
    assert_eq!(report[0].construct, "refused:local-page");
    assert_eq!(history(&store, "Fontaine").len(), 1);
}

#[test]
fn unknown_namespaces_and_bad_titles_are_reported_not_dropped() {
    let db = TestDb::new();
    let store = store(&db);
    let pages = [
        page(1, "Quartier:Règles", 4, &[(10, "Les règles")]),
        page(2, "hallo", 0, &[(20, "klein")]),
        page(3, "Hallo", 0, &[(30, "groß")]),
        page(4, "Category:Pas une catégorie", 0, &[(40, "x")]),
        page(5, "Discussion:Marché", 1, &[(50, "#REDIRECT [[Marché]]")]),
    ]
    .join("\n");
    let (summary, report) = import_xml(&store, &dump(&pages));
    let rows: Vec<(String, String, usize)> = report
        .into_iter()
        .map(|r| (r.page, r.construct, r.count))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "Quartier:Règles".to_owned(),
                "namespace-kept-in-title:Quartier".to_owned(),
                1
            ),
            (
                "Category:Pas une catégorie".to_owned(),
                "ambiguous-title".to_owned(),
                1
            ),
            // "hallo" took the title first (titles start with a capital here).
            ("Hallo".to_owned(), "refused:title-taken".to_owned(), 1),
        ]
    );
    assert_eq!(summary.pages_reported, 3);
    assert_eq!(summary.revisions_added, 3);
    assert_eq!(summary.revisions_skipped, 2);
    assert_eq!(
        text_of(&store, &history(&store, "Quartier:Règles")[0]),
        "Les règles"
    );
    assert_eq!(text_of(&store, &history(&store, "Hallo")[0]), "klein");
    assert_eq!(
        text_of(&store, &history(&store, "Discussion:Marché")[0]),
        "#REDIRECTION [[Marché]]"
    );
}

#[test]
fn interwiki_links_follow_the_language_of_the_dump() {
    let db = TestDb::new();
    let store = store(&db);
    let fr = dump(&page(1, "Liens", 0, &[(10, "Voir [[w:Bonjour]].")]));
    import_xml(&store, &fr);
    let de = dump(&page(2, "Links", 0, &[(20, "Siehe [[w:Hallo]].")]))
        .replace("xml:lang=\"fr\"", "xml:lang=\"de\"")
        .replace("quartierwiki", "dorfwiki");
    import_xml(&store, &de);
    let liens = text_of(&store, &history(&store, "Liens")[0]);
    assert!(
        liens.contains("https://fr.wikipedia.org/wiki/Bonjour"),
        "{liens}"
    );
    let links = text_of(&store, &history(&store, "Links")[0]);
    assert!(
        links.contains("https://de.wikipedia.org/wiki/Hallo"),
        "{links}"
    );
}

#[test]
fn compressed_dumps_import_the_same() {
    let Some(path) = corpus("dewiktionary-Hallo-history.xml") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let gz = dir.path().join("dump.xml.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    encoder.write_all(&bytes).unwrap();
    encoder.finish().unwrap();
    let bz2 = dir.path().join("dump.xml.bz2");
    let mut encoder = bzip2::write::BzEncoder::new(
        std::fs::File::create(&bz2).unwrap(),
        bzip2::Compression::default(),
    );
    encoder.write_all(&bytes).unwrap();
    encoder.finish().unwrap();

    let imported = |file: &Path| {
        let db = TestDb::new();
        let store = store(&db);
        import_file(&store, file, ImportOptions::default())
            .0
            .unwrap();
        // Pseudonyms are keyed with each database's own secret: compared as such.
        history(&store, "Hallo")
            .into_iter()
            .map(|m| {
                let author = match m.author.as_str() {
                    a if a.starts_with("Anonyme-") => "Anonyme-… (importé)".to_owned(),
                    a => a.to_owned(),
                };
                (author, m.timestamp, m.comment, m.minor, m.hash)
            })
            .collect::<Vec<_>>()
    };
    let plain = imported(&path);
    assert_eq!(plain.len(), 135);
    assert_eq!(imported(&gz), plain);
    assert_eq!(imported(&bz2), plain);
}

#[test]
fn a_truncated_dump_stops_with_its_place_and_leaves_a_consistent_wiki() {
    let Some(path) = corpus("dewiktionary-Hallo-history.xml") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let cut = dir.path().join("cut.xml");
    std::fs::write(&cut, &bytes[..bytes.len() * 3 / 5]).unwrap();
    let db = TestDb::new();
    let store = store(&db);
    let options = ImportOptions {
        batch_revisions: 20,
        ..ImportOptions::default()
    };
    let (result, _) = import_file(&store, &cut, options);
    let Err(ImportError::Dump { error, summary }) = result else {
        panic!("a dump error: {result:?}");
    };
    assert!(error.to_string().contains("line"), "{error}");
    // Whole batches were committed; the page is a valid page with those revisions.
    assert!(summary.revisions_added > 0 && summary.revisions_added % 20 == 0);
    let metas = assert_chain(&store, "Hallo");
    assert_eq!(metas.len() as u64, summary.revisions_added);
    // The complete dump finishes the job, nothing twice.
    let (result, _) = import_file(&store, &path, options);
    let summary = result.unwrap();
    assert_eq!(summary.revisions_added, 135 - metas.len() as u64);
    assert_eq!(assert_chain(&store, "Hallo").len(), 135);
}

/// The real command: exit status, messages, the report file.
#[test]
fn the_command_imports_reports_and_refuses_what_is_not_a_dump() {
    let Some(path) = corpus("enwiki-pair-0.10.xml") else {
        return;
    };
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&std::ffi::OsStr]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_carnet"));
        command
            .args(["import", "mediawiki", "--data"])
            .arg(dir.path())
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("CARNET_DATA")
            .env("RUST_LOG", "warn");
        if std::env::var(TEST_DATABASE_URL).is_ok_and(|url| !url.is_empty()) {
            command.args(["--database-url", db.url()]);
        }
        command.output().unwrap()
    };
    let report = dir.path().join("rapport.csv");
    let output = run(&[path.as_os_str(), "--report".as_ref(), report.as_os_str()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("4 révisions importées"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&report).unwrap().lines().next(),
        Some("page,construct,count")
    );

    let broken = dir.path().join("broken.xml");
    let xml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&broken, xml.replace("</comment>", "</commentaire>")).unwrap();
    let output = run(&[broken.as_os_str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("invalid XML at line 53"), "{stderr}");

    let not_a_dump = dir.path().join("page.html");
    std::fs::write(&not_a_dump, "<html><body>x</body></html>").unwrap();
    let output = run(&[not_a_dump.as_os_str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("not a MediaWiki dump"), "{stderr}");

    let missing = dir.path().join("absent.xml");
    let output = run(&[missing.as_os_str()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("absent.xml"));
}
