#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly"
)]

//! `carnet export html DIR`: a wiki written through the store (links, red links,
//! accented, slashed and hostile titles, a category, a portal with featured pages and a
//! section, a template, a redirect, a talk page, an uploaded picture shown as a
//! thumbnail) is exported, then every file is parsed, every `href`/`src`/`srcset` of
//! every file is followed to an existing file inside the folder, and the content is
//! checked. On SQLite, and on PostgreSQL when `CARNET_TEST_DATABASE_URL` is set.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use carnet_core::portal::SectionOrder;
use carnet_core::{Author, Comment, MergeLabels, PageText, Role, Title, UserName};
use carnet_store::testing::TestDb;
use carnet_store::{BlobStore, Edit, NewFile, PortalChange, Store};
use carnet_web::static_site::{ExportError, ExportOptions, MARKER, export_html};
use carnet_web::{AppState, Lang};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use sha2::{Digest, Sha256};

/// Titles meant to break file names: accents, slashes, `?`, `%`, dots, case twins,
/// Windows device names, backslashes, a very long title.
fn hostile_titles() -> Vec<String> {
    vec![
        "Lyon/Sud/Est".to_owned(),
        "..a/..b/..c".to_owned(),
        "Qui ? Quoi !".to_owned(),
        "100 % sûr".to_owned(),
        "Paris".to_owned(),
        "PARIS".to_owned(),
        "CON".to_owned(),
        "Lyon\\Sud".to_owned(),
        "~/.ssh/id_rsa".to_owned(),
        "東京".to_owned(),
        "Très long titre ".repeat(14).trim().to_owned(),
    ]
}

fn save(store: &Store, title: &str, text: &str) {
    let edit = Edit {
        title: Title::parse(title).unwrap(),
        text: PageText::new(text, 1 << 20).unwrap(),
        base: store
            .page(&Title::parse(title).unwrap())
            .unwrap()
            .map(|(summary, _)| summary.latest.id),
        author: Author::new("Camille").unwrap(),
        user: None,
        comment: Comment::new("").unwrap(),
        minor: false,
        labels: MergeLabels::default(),
    };
    store.save(&edit).unwrap();
}

/// A 600×400 PNG without metadata, made with the `image` crate.
fn picture() -> Vec<u8> {
    let image = image::RgbImage::from_fn(600, 400, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

struct Wiki {
    _db: TestDb,
    _data: tempfile::TempDir,
    data: PathBuf,
    url: String,
    state: AppState,
    upload: Vec<u8>,
}

/// The wiki every test exports.
fn wiki() -> Wiki {
    let db = TestDb::new();
    let data_dir = tempfile::tempdir().unwrap();
    let data = data_dir.path().to_owned();
    let mut state = AppState::new(db.store().unwrap()).unwrap();
    state.blobs = BlobStore::local(&data.join("media")).unwrap();
    let store = state.store.clone();
    carnet_web::seed_welcome_page(&store).unwrap();
    save(
        &store,
        "Accueil",
        "Bienvenue sur le carnet.\n\n* [[Parc de la Tête d'Or]]\n* [[Lyon/Nord|le nord]]\n\
         * [[Page absente]]\n* [[Portail:Patrimoine]]\n* [[:Catégorie:Parcs]]\n\
         * [[Tête d'Or]] (redirection)\n* [[Spécial:Modifications récentes]]\n\
         * [lien relatif](/account/login) et [externe](https://example.org/)\n",
    );
    save(&store, "Modèle:Infobox", "**Nom :** {{{nom}}}");
    save(
        &store,
        "Parc de la Tête d'Or",
        "{{Infobox|nom=Le grand parc}}\n\n[[Fichier:Pont sur le lac.png|vignette|Le pont]]\n\n\
         ## Histoire\n\nOuvert en 1857. Voir [[Lyon/Nord#Quartiers]] et [[Page absente]].\n\n\
         [[Catégorie:Parcs]]\n",
    );
    save(
        &store,
        "Lyon/Nord",
        "## Quartiers\n\nLe nord de [[Paris|Lyon]].\n\n[[Catégorie:Parcs]]\n",
    );
    save(&store, "Catégorie:Parcs", "Les parcs de la ville.");
    save(&store, "Tête d'Or", "#REDIRECTION [[Parc de la Tête d'Or]]");
    save(&store, "Discussion:Accueil", "Une question ? --Camille");
    save(&store, "Portail:Patrimoine", "Le portail du patrimoine.");
    for title in hostile_titles() {
        save(
            &store,
            &title,
            &format!("Page « {title} ». Retour à l'[[Accueil]]."),
        );
    }

    // The picture: blob first, then the file page and its version, as an upload does.
    let upload = picture();
    let info = carnet_media::inspect(&upload, &carnet_media::MediaLimits::default()).unwrap();
    let sha: String = Sha256::digest(&upload)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let runtime = actix_web::rt::Runtime::new().unwrap();
    runtime
        .block_on(
            state
                .blobs
                .put_original(&sha, bytes::Bytes::from(upload.clone())),
        )
        .unwrap();
    let camille = store
        .create_user(
            &UserName::parse("Camille").unwrap(),
            "x",
            Role::Administrator,
        )
        .unwrap()
        .unwrap();
    store
        .upload(
            &NewFile {
                title: Title::parse("Fichier:Pont sur le lac.png").unwrap(),
                sha256: sha,
                kind: info.kind.as_str().to_owned(),
                bytes: info.bytes,
                width: info.width,
                height: info.height,
                author: "Camille".to_owned(),
                source: "https://example.org/pont".to_owned(),
                licence: "cc-by-sa-4.0".to_owned(),
                comment: Comment::new("photo").unwrap(),
                description: PageText::new("Le pont, vu du quai.", 1 << 20).unwrap(),
            },
            &camille,
        )
        .unwrap();

    let portal = Title::parse("Portail:Patrimoine").unwrap();
    for change in [
        PortalChange::Feature {
            target: Title::parse("Parc de la Tête d'Or").unwrap(),
            blurb: "Le plus grand parc urbain.".to_owned(),
            picture: Some(Title::parse("Fichier:Pont sur le lac.png").unwrap()),
        },
        PortalChange::Feature {
            target: Title::parse("Page absente").unwrap(),
            blurb: String::new(),
            picture: None,
        },
        PortalChange::AddSection {
            category: Title::parse("Catégorie:Parcs").unwrap(),
            order: SectionOrder::Alphabetical,
            size: 10,
        },
    ] {
        store.curate(&portal, &change, &camille, "").unwrap();
    }
    let url = db.url().to_owned();
    Wiki {
        _db: db,
        _data: data_dir,
        data,
        url,
        state,
        upload,
    }
}

fn options(lang: Lang) -> ExportOptions {
    ExportOptions {
        lang,
        now: chrono::Utc::now(),
    }
}

/// Every file under `root`, as `/`-separated relative paths.
fn files(root: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            assert!(!kind.is_symlink(), "symlink {}", entry.path().display());
            if kind.is_dir() {
                walk(root, &entry.path(), out);
            } else {
                let rel = entry.path().strip_prefix(root).unwrap().to_owned();
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(root, root, &mut out);
    out
}

#[derive(Default)]
struct Parsed {
    errors: Vec<String>,
    /// (tag, attribute, value) of every URL attribute.
    urls: Vec<(String, String, String)>,
    ids: BTreeSet<String>,
    tags: BTreeSet<String>,
    /// Open elements, to check that every element is closed in order.
    stack: Vec<String>,
    text: String,
}

struct Sink(RefCell<Parsed>);

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut parsed = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                parsed.tags.insert(name.clone());
                if tag.kind == TagKind::StartTag {
                    for attr in &tag.attrs {
                        let attribute = attr.name.local.to_string();
                        if attribute == "id" {
                            parsed.ids.insert(attr.value.to_string());
                        }
                        if matches!(attribute.as_str(), "href" | "src" | "srcset" | "action")
                            || attribute.starts_with("on")
                        {
                            parsed
                                .urls
                                .push((name.clone(), attribute, attr.value.to_string()));
                        }
                    }
                    if !VOID.contains(&name.as_str()) && !tag.self_closing {
                        parsed.stack.push(name);
                    }
                } else {
                    match parsed.stack.pop() {
                        Some(open) if open == name => {}
                        other => parsed.errors.push(format!("</{name}> closes {other:?}")),
                    }
                }
            }
            Token::ParseError(error) => parsed.errors.push(error.to_string()),
            Token::CharacterTokens(text) => parsed.text.push_str(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn parse(html: &str) -> Parsed {
    let sink = Sink(RefCell::new(Parsed::default()));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let mut parsed = tokenizer.sink.0.into_inner();
    if !parsed.stack.is_empty() {
        let open = parsed.stack.clone();
        parsed.errors.push(format!("never closed: {open:?}"));
    }
    parsed
}

/// Parses every HTML file and follows every link; returns the parsed files. Fails on a
/// parse error, a script, a form, an event handler, or a link leading nowhere.
fn crawl(root: &Path) -> BTreeMap<String, Parsed> {
    let root = root.canonicalize().unwrap();
    let all = files(&root);
    let mut pages = BTreeMap::new();
    for rel in all.iter().filter(|rel| rel.ends_with(".html")) {
        let html = std::fs::read_to_string(root.join(rel)).unwrap();
        let parsed = parse(&html);
        assert!(parsed.errors.is_empty(), "{rel}: {:?}", parsed.errors);
        for banned in ["script", "form", "input", "button", "textarea", "iframe"] {
            assert!(!parsed.tags.contains(banned), "{rel} has <{banned}>");
        }
        pages.insert(rel.clone(), parsed);
    }
    let mut followed = 0;
    for (rel, parsed) in &pages {
        let dir = root.join(rel).parent().unwrap().to_owned();
        for (tag, attribute, value) in &parsed.urls {
            assert!(
                !attribute.starts_with("on") && attribute != "action",
                "{rel}: <{tag} {attribute}>"
            );
            let targets: Vec<&str> = if attribute == "srcset" {
                value
                    .split(',')
                    .map(|c| c.split_whitespace().next().unwrap())
                    .collect()
            } else {
                vec![value.as_str()]
            };
            for target in targets {
                if target.starts_with("https://") || target.starts_with("http://") {
                    continue;
                }
                assert!(!target.starts_with('/'), "{rel}: absolute {target}");
                assert!(!target.contains('?'), "{rel}: query in {target}");
                let (path, fragment) = match target.split_once('#') {
                    Some((path, fragment)) => (path, Some(fragment)),
                    None => (target, None),
                };
                let file = if path.is_empty() {
                    root.join(rel)
                } else {
                    let joined = dir.join(path);
                    let file = joined.canonicalize().unwrap_or_else(|_| {
                        panic!("{rel}: <{tag} {attribute}={target}> leads nowhere")
                    });
                    assert!(file.starts_with(&root), "{rel}: {target} leaves the folder");
                    assert!(file.is_file(), "{rel}: {target} is not a file");
                    file
                };
                if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                    let target_rel = file
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    if let Some(target) = pages.get(&target_rel) {
                        assert!(
                            target.ids.contains(fragment),
                            "{rel}: #{fragment} not in {target_rel}"
                        );
                    }
                }
                followed += 1;
            }
        }
    }
    assert!(followed > 50, "only {followed} links followed");
    pages
}

fn page_file(title: &str) -> String {
    carnet_core::export::page_path(&Title::parse(title).unwrap())
}

/// Every `href` of `parsed` as written.
fn hrefs(parsed: &Parsed) -> Vec<&str> {
    parsed
        .urls
        .iter()
        .filter(|(_, attribute, _)| attribute == "href")
        .map(|(_, _, value)| value.as_str())
        .collect()
}

#[test]
fn the_export_is_a_complete_static_site() {
    let wiki = wiki();
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("copie");
    let mut seen = Vec::new();
    let summary = export_html(&wiki.state, &out, &options(Lang::Fr), &mut |progress| {
        seen.push(progress.pages_done)
    })
    .unwrap();
    // Nothing but the export next to it (the building folder was renamed into place).
    let siblings: Vec<_> = std::fs::read_dir(out_parent.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(siblings, vec![std::ffi::OsString::from("copie")]);

    let pages_total = 9 + hostile_titles().len() as u64; // + the file page
    assert_eq!(summary.pages, pages_total, "{summary:?}");
    assert_eq!(summary.redirects, 1);
    assert!(summary.media_files >= 2, "{summary:?}");
    assert_eq!(seen.last().copied(), Some(pages_total));

    let all = files(&out);
    assert!(all.contains(MARKER));
    assert!(all.contains("index.html"));
    assert!(all.contains("all-pages.html"));
    assert!(all.contains("static/carnet.css"));
    for title in hostile_titles() {
        let file = page_file(&title);
        assert!(all.contains(&file), "{title}: {file} missing");
    }
    assert_ne!(page_file("Paris"), page_file("PARIS"));
    assert_ne!(
        page_file("Paris").to_lowercase(),
        page_file("PARIS").to_lowercase()
    );
    // Every file is under the folder with a tame name.
    for file in &all {
        assert!(
            file.bytes().all(|b| b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || matches!(b, b'_' | b'-' | b'.' | b'/')),
            "{file}"
        );
        assert!(
            file.split('/').all(|part| part != ".." && part.len() < 150),
            "{file}"
        );
    }

    let parsed = crawl(&out);

    // The welcome page is the index; a red link is text marked missing.
    let index = &parsed["index.html"];
    assert!(index.text.contains("Bienvenue sur le carnet."));
    assert!(index.text.contains("Page absente"));
    let index_html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index_html.contains(r#"class="new">Page absente</a>"#),
        "{index_html}"
    );
    assert!(!index_html.contains("action=edit"));
    assert!(!index_html.contains("/wiki/"));
    assert!(!index_html.contains("/account/"));
    assert!(hrefs(index).contains(&"https://example.org/"));
    assert!(hrefs(index).contains(&page_file("Lyon/Nord").as_str()));
    assert!(index.text.contains("CC BY-SA 4.0"), "licence in the footer");
    assert!(
        index.text.contains("exportée le"),
        "export date in the footer"
    );
    assert!(hrefs(index).contains(&"all-pages.html"));
    // No login, no edit, no history, no search.
    for page in parsed.values() {
        for href in hrefs(page) {
            assert!(
                !href.contains("account") && !href.contains("action="),
                "{href}"
            );
        }
    }

    // The article: template expanded, section anchor, thumbnail copied.
    let article_file = page_file("Parc de la Tête d'Or");
    let article = &parsed[&article_file];
    assert!(article.text.contains("Le grand parc"), "template expanded");
    assert!(article.ids.contains("Histoire"));
    let img = article
        .urls
        .iter()
        .find(|(tag, attribute, _)| tag == "img" && attribute == "src")
        .expect("the picture")
        .2
        .clone();
    assert!(
        img.starts_with("../../media/thumb/") && img.contains("-250."),
        "{img}"
    );
    let thumb =
        image::load_from_memory(&std::fs::read(out.join("pages/article").join(&img)).unwrap())
            .unwrap();
    assert_eq!(thumb.width(), 250);

    // The file page shows the picture and links the original: the bytes the server
    // serves (metadata removed), here the upload itself.
    let file_page = &parsed[&page_file("Fichier:Pont sur le lac.png")];
    let original = hrefs(file_page)
        .into_iter()
        .find(|href| href.starts_with("../../media/") && !href.contains("thumb"))
        .expect("a link to the original")
        .to_owned();
    let copied = std::fs::read(out.join("pages/fichier").join(&original)).unwrap();
    let served = carnet_media::served_original(&wiki.upload, carnet_media::MediaKind::Png).unwrap();
    assert_eq!(copied, served, "the original as served");
    assert_eq!(copied, wiki.upload, "the upload, byte for byte");
    assert!(file_page.text.contains("Camille"));
    assert!(
        hrefs(file_page).contains(&format!("../../{article_file}").as_str()),
        "used by"
    );

    // The category lists its members; the portal shows its curated blocks.
    let category = &parsed[&page_file("Catégorie:Parcs")];
    assert!(category.text.contains("Parc de la Tête d'Or"));
    assert!(category.text.contains("Lyon/Nord"));
    assert!(hrefs(category).contains(&format!("../../{article_file}").as_str()));
    let portal = &parsed[&page_file("Portail:Patrimoine")];
    assert!(portal.text.contains("Le plus grand parc urbain."));
    assert!(portal.text.contains("Parcs"), "the section");
    assert!(hrefs(portal).contains(&format!("../../{article_file}").as_str()));
    assert!(
        portal.text.contains("Page absente"),
        "a missing featured page as text"
    );

    // The redirect leads to its target without script.
    let redirect = std::fs::read_to_string(out.join(page_file("Tête d'Or"))).unwrap();
    assert!(
        redirect.contains(&format!(
            r#"<meta http-equiv="refresh" content="0; url=../../{article_file}">"#
        )),
        "{redirect}"
    );

    // The list of all pages names every page once.
    let list = &parsed["all-pages.html"];
    let listed: BTreeSet<&str> = hrefs(list)
        .into_iter()
        .filter(|href| href.starts_with("pages/"))
        .collect();
    assert_eq!(listed.len() as u64, pages_total, "{listed:?}");

    // The crawl does catch a link leading nowhere, and one leaving the folder.
    for broken in [
        "<a href=\"pages/article/nowhere.html\">x</a>",
        "<a href=\"../copie/../../etc/passwd\">x</a>",
        "<img src=\"media/thumb/missing-250.jpg\" alt=\"\">",
    ] {
        let html = std::fs::read_to_string(out.join("all-pages.html")).unwrap();
        let spoiled = html.replace("</main>", &format!("{broken}</main>"));
        std::fs::write(out.join("all-pages.html"), spoiled).unwrap();
        let caught = std::panic::catch_unwind(|| crawl(&out));
        assert!(caught.is_err(), "{broken} not caught");
        std::fs::write(out.join("all-pages.html"), html).unwrap();
    }
}

#[test]
fn re_export_replaces_and_strangers_are_refused() {
    let wiki = wiki();
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("copie");
    export_html(&wiki.state, &out, &options(Lang::Fr), &mut |_| {}).unwrap();
    std::fs::write(out.join("pages/article/stale.html"), "old").unwrap();
    let talk = out.join(page_file("Discussion:Accueil"));
    assert!(talk.is_file());
    wiki.state
        .store
        .delete_page(
            &Title::parse("Discussion:Accueil").unwrap(),
            &wiki.state.store.user_named("Camille").unwrap().unwrap(),
            "test",
        )
        .unwrap();
    export_html(&wiki.state, &out, &options(Lang::En), &mut |_| {}).unwrap();
    assert!(
        !out.join("pages/article/stale.html").exists(),
        "stale file removed"
    );
    assert!(!talk.exists(), "deleted page gone");
    assert!(out.join(MARKER).is_file());
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains(r#"<html lang="en">"#));
    assert!(index.contains("All pages"));
    assert!(index.contains("exported on"));
    crawl(&out);

    // A folder that is not an export is left alone.
    let stranger = out_parent.path().join("documents");
    std::fs::create_dir(&stranger).unwrap();
    std::fs::write(stranger.join("notes.txt"), "mine").unwrap();
    let refused = export_html(&wiki.state, &stranger, &options(Lang::Fr), &mut |_| {});
    assert!(
        matches!(refused, Err(ExportError::NotAnExport(_))),
        "{refused:?}"
    );
    assert_eq!(
        std::fs::read_to_string(stranger.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(files(&stranger).len(), 1);
    // Nor a file.
    let file = out_parent.path().join("file.txt");
    std::fs::write(&file, "x").unwrap();
    assert!(matches!(
        export_html(&wiki.state, &file, &options(Lang::Fr), &mut |_| {}),
        Err(ExportError::NotAFolder(_))
    ));
    // An empty folder is fine.
    let empty = out_parent.path().join("vide");
    std::fs::create_dir(&empty).unwrap();
    export_html(&wiki.state, &empty, &options(Lang::Fr), &mut |_| {}).unwrap();
    assert!(empty.join("index.html").is_file());
}

/// The real command, as an administrator runs it.
#[test]
fn the_command_exports() {
    let wiki = wiki();
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("site");
    let output = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["export", "html"])
        .arg(&out)
        .arg("--data")
        .arg(&wiki.data)
        .arg("--database-url")
        .arg(&wiki.url)
        .args(["--language", "en"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("pages"), "{stdout}");
    let pages = crawl(&out);
    assert!(pages["index.html"].text.contains("All pages"));
    // The picture came from the data folder's media.
    assert!(files(&out).iter().any(|f| f.starts_with("media/thumb/")));
    // Again into a folder that is not an export: refused, exit status 1.
    let stranger = out_parent.path().join("other");
    std::fs::create_dir(&stranger).unwrap();
    std::fs::write(stranger.join("x"), "y").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["export", "html"])
        .arg(&stranger)
        .arg("--database-url")
        .arg(&wiki.url)
        .arg("--data")
        .arg(&wiki.data)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a previous Carnet export"));
}

/// Figures for the report: `cargo test -p carnet --test export_html measure -- --ignored
/// --nocapture` (a debug build: a release build is faster).
#[test]
#[ignore = "a measurement, not a check"]
fn measure_export() {
    let pages: usize = std::env::var("EXPORT_PAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let wiki = wiki();
    let started = std::time::Instant::now();
    for n in 0..pages {
        save(
            &wiki.state.store,
            &format!("Page numéro {n}"),
            &format!(
                "## Section\n\nTexte de la page {n}, voir [[Page numéro {}]] et [[Absente {n}]].\n\n\
                 {}\n\n[[Catégorie:Parcs]]\n",
                (n + 1) % pages,
                if n % 2 == 0 {
                    "[[Fichier:Pont sur le lac.png|vignette|Le pont]]"
                } else {
                    ""
                }
            ),
        );
    }
    let written = started.elapsed();
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("copie");
    let started = std::time::Instant::now();
    let summary = export_html(&wiki.state, &out, &options(Lang::Fr), &mut |_| {}).unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|line| line.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?");
    println!(
        "{} pages written in {:.1} s; exported {} pages, {} files, {:.1} MB in {elapsed:.1} s ({:.0} pages/s); {peak}",
        pages,
        written.as_secs_f64(),
        summary.pages,
        summary.media_files,
        summary.bytes as f64 / 1e6,
        summary.pages as f64 / elapsed,
    );
    let started = std::time::Instant::now();
    let again = export_html(&wiki.state, &out, &options(Lang::Fr), &mut |_| {}).unwrap();
    println!(
        "re-export (render cache warm): {} pages in {:.1} s",
        again.pages,
        started.elapsed().as_secs_f64()
    );
    let started = std::time::Instant::now();
    crawl(&out);
    println!("crawl {:.1} s", started.elapsed().as_secs_f64());
}
