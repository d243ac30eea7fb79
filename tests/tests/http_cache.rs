//! HTTP caching (issue 9): validators and 304s on page views, the same bytes for every
//! anonymous reader (no token, no cookie, public `Cache-Control`), the in-process page
//! cache never serving a page another process changed, fingerprinted static assets.
//! On SQLite, and on PostgreSQL when `CARNET_TEST_DATABASE_URL` is set.

use std::time::Duration;

use carnet_core::Role;
use carnet_tests::{BytesReply, Reply, TestServer};

fn etag(reply: &Reply) -> String {
    reply
        .header("ETag")
        .unwrap_or_else(|| panic!("no ETag: {:?}", reply.headers))
        .to_owned()
}

fn get_if_none_match(server: &TestServer, path: &str, tag: &str) -> Reply {
    server.get_with(path, &[("If-None-Match", tag)])
}

#[test]
fn page_views_answer_conditional_requests() {
    let server = TestServer::start();
    server.put_page("Cache", "Un texte à garder.");
    let first = server.get("/wiki/Cache");
    first.assert_status(200);
    let tag = etag(&first);
    assert!(tag.starts_with('"') && tag.ends_with('"'), "strong: {tag}");
    assert_eq!(first.header("Cache-Control"), Some("public, no-cache"));
    let vary = first.header("Vary").unwrap_or_default().to_lowercase();
    assert!(
        vary.contains("cookie") && vary.contains("accept-language"),
        "{vary}"
    );

    // The same tag again (a second request is a cache hit): 304 without a body.
    let again = server.get("/wiki/Cache");
    assert_eq!(etag(&again), tag);
    assert_eq!(again.body, first.body);
    let not_modified = get_if_none_match(&server, "/wiki/Cache", &tag);
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());
    assert_eq!(not_modified.header("ETag"), Some(tag.as_str()));
    assert_eq!(
        not_modified.header("Cache-Control"),
        Some("public, no-cache")
    );
    // Lists and weak comparison.
    let listed = format!("\"nope\", W/{tag}");
    assert_eq!(
        get_if_none_match(&server, "/wiki/Cache", &listed).status,
        304
    );
    assert_eq!(
        get_if_none_match(&server, "/wiki/Cache", "\"nope\"").status,
        200
    );

    // Last-Modified once the last change's second is well over.
    std::thread::sleep(Duration::from_millis(3_100));
    let dated = server.get("/wiki/Cache");
    let modified = dated
        .header("Last-Modified")
        .unwrap_or_else(|| panic!("no Last-Modified: {:?}", dated.headers))
        .to_owned();
    assert_eq!(
        server
            .get_with("/wiki/Cache", &[("If-Modified-Since", &modified)])
            .status,
        304
    );
    assert_eq!(
        server
            .get_with(
                "/wiki/Cache",
                &[("If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT")]
            )
            .status,
        200
    );
    // If-None-Match takes precedence over If-Modified-Since.
    assert_eq!(
        server
            .get_with(
                "/wiki/Cache",
                &[
                    ("If-None-Match", "\"other\""),
                    ("If-Modified-Since", &modified)
                ]
            )
            .status,
        200
    );
    // An edit: the old tag and date no longer match.
    server.put_page("Cache", "Un texte changé.");
    let changed = get_if_none_match(&server, "/wiki/Cache", &tag);
    assert_eq!(changed.status, 200);
    assert!(changed.text().contains("Un texte changé."));
    assert_ne!(etag(&changed), tag);
    assert_eq!(
        server
            .get_with("/wiki/Cache", &[("If-Modified-Since", &modified)])
            .status,
        200
    );

    // History, diff and recent changes carry tags too, and answer 304.
    let history = server.get("/wiki/Cache?action=history");
    let history_tag = etag(&history);
    assert_eq!(
        get_if_none_match(&server, "/wiki/Cache?action=history", &history_tag).status,
        304
    );
    let changes = server.get("/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes");
    assert_eq!(changes.header("Cache-Control"), Some("public, no-cache"));
    let changes_tag = etag(&changes);
    assert_eq!(
        get_if_none_match(
            &server,
            "/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes",
            &changes_tag
        )
        .status,
        304
    );
}

#[test]
fn the_tag_changes_with_everything_on_the_page() {
    let server = TestServer::start();
    server.put_page("Quartier", "Voir [[Lavoir]].\n\n[[Catégorie:Lieux]]");
    let red = server.get("/wiki/Quartier");
    assert!(red.text().contains("Lavoir?action=edit"), "{}", red.body);
    let red_tag = etag(&red);
    // Still cached, still the same.
    assert_eq!(etag(&server.get("/wiki/Quartier")), red_tag);

    // The linked page is created: the link turns blue, the tag changes.
    server.put_page("Lavoir", "Le lavoir.");
    let blue = get_if_none_match(&server, "/wiki/Quartier", &red_tag);
    assert_eq!(blue.status, 200);
    assert!(!blue.text().contains("Lavoir?action=edit"), "{}", blue.body);
    let blue_tag = etag(&blue);
    assert_ne!(blue_tag, red_tag);

    // A category page's members.
    server.put_page("Catégorie:Lieux", "Les lieux.");
    let category = server.get("/wiki/Cat%C3%A9gorie:Lieux");
    assert!(category.text().contains("Quartier"));
    let category_tag = etag(&category);
    server.put_page("Fontaine", "Une fontaine.\n\n[[Catégorie:Lieux]]");
    let grown = get_if_none_match(&server, "/wiki/Cat%C3%A9gorie:Lieux", &category_tag);
    assert_eq!(grown.status, 200);
    assert!(grown.text().contains("Fontaine"));

    // A protection notice.
    let mut admin = server.account("Admin", Role::Administrator);
    let form = admin.get("/wiki/Quartier?action=protect");
    let token = form.field("csrf_token").unwrap();
    admin
        .post_form(
            "/wiki/Quartier?action=protect",
            &[
                ("csrf_token", &token),
                ("level", "registered"),
                ("expiry", "1sem"),
                ("expiry_other", ""),
                ("reason", "Vandalisme"),
            ],
        )
        .assert_status(303);
    let protected = get_if_none_match(&server, "/wiki/Quartier", &blue_tag);
    assert_eq!(protected.status, 200);
    assert!(
        protected.text().contains("class=\"protection\""),
        "{}",
        protected.body
    );
    assert_ne!(etag(&protected), blue_tag);

    // The interface language is part of what is kept.
    let english = server.get_with("/wiki/Quartier", &[("Accept-Language", "en")]);
    assert_ne!(etag(&english), etag(&protected));
    assert!(english.text().contains("lang=\"en\""));
    let french = server.get("/wiki/Quartier");
    assert!(french.text().contains("lang=\"fr\""));

    // Logged in: private, and the chrome names the person.
    let logged_in = admin.get("/wiki/Quartier");
    assert_eq!(logged_in.header("Cache-Control"), Some("private, no-cache"));
    assert!(logged_in.text().contains("Admin"));
    assert_ne!(etag(&logged_in), etag(&french));
}

#[test]
fn anonymous_readers_get_the_same_bytes() {
    let server = TestServer::start();
    server.put_page("Marché", "Version 1 du [[marché]].");
    server.put_page("Marché", "Version 2 du [[marché]].");
    let history = server.history("Marché");
    let (old, new) = (history[1].meta.id.0, history[0].meta.id.0);
    for path in [
        "/wiki/March%C3%A9".to_owned(),
        "/wiki/March%C3%A9?action=history".to_owned(),
        format!("/wiki/March%C3%A9?action=diff&from={old}&to={new}"),
        format!("/wiki/March%C3%A9?oldid={old}"),
        "/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes".to_owned(),
    ] {
        let one = server.get(&path);
        let two = server.get(&path);
        assert_eq!(one.status, 200, "{path}");
        assert!(one.set_cookies().is_empty(), "{path}: {:?}", one.headers);
        assert!(two.set_cookies().is_empty(), "{path}");
        assert!(!one.body.contains("csrf_token"), "{path}: {}", one.body);
        assert_eq!(one.body, two.body, "{path}");
        assert_eq!(one.header("ETag"), two.header("ETag"), "{path}");
        assert_eq!(
            one.header("Cache-Control"),
            Some("public, no-cache"),
            "{path}"
        );
    }
    // The old revision's restore button leads to the edit form with that text, which
    // hands out the token (and its cookie) — and saving it restores the revision.
    let old_view = server.get(&format!("/wiki/March%C3%A9?oldid={old}"));
    assert!(old_view.text().contains("name=\"action\" value=\"edit\""));
    let mut reader = server.browser();
    let form = reader.get(&format!("/wiki/March%C3%A9?action=edit&oldid={old}"));
    assert_eq!(form.status, 200);
    assert!(form.text().contains("Version 1 du [[marché]]."));
    assert!(reader.cookie("carnet_csrf").is_some());
    let token = form.field("csrf_token").unwrap();
    let base = form.field("base_revision").unwrap();
    reader
        .post_form(
            "/wiki/March%C3%A9?action=edit",
            &[
                ("csrf_token", &token),
                ("base_revision", &base),
                ("text", "Version 1 du [[marché]]."),
                ("summary", "restauration"),
                ("do", "save"),
            ],
        )
        .assert_status(303);
    assert!(
        server
            .get("/wiki/March%C3%A9")
            .text()
            .contains("Version 1 du")
    );
    // The edit form itself stays per reader (its token), and private.
    let edit = server.get("/wiki/March%C3%A9?action=edit");
    assert!(edit.body.contains("csrf_token"));
    assert_eq!(edit.header("Cache-Control"), Some("private, no-cache"));
    assert!(!edit.set_cookies().is_empty());
}

#[test]
fn a_page_is_never_served_stale_after_another_process_saved() {
    let a = TestServer::start();
    let b = a.start_sharing();
    a.put_page("Partagée", "Version 0.");
    for round in 1..=5 {
        // B keeps the page (two reads: the second is a cache hit).
        assert!(
            b.get("/wiki/Partag%C3%A9e")
                .text()
                .contains(&format!("Version {}.", round - 1))
        );
        assert!(
            b.get("/wiki/Partag%C3%A9e")
                .text()
                .contains(&format!("Version {}.", round - 1))
        );
        // A saves; B shows the new text at once.
        a.put_page("Partagée", &format!("Version {round}."));
        let fresh = b.get("/wiki/Partag%C3%A9e");
        assert!(
            fresh.text().contains(&format!("Version {round}.")),
            "round {round}: {}",
            fresh.body
        );
    }
}

#[test]
fn the_cache_serves_kept_bytes_until_the_generation_moves() {
    // Proof that the in-process cache is used at all: a change the triggers do not
    // see (the render cache rewritten by hand) is not shown while the generation stays,
    // and is shown once it moves.
    let server = TestServer::start();
    server.put_page("Gardée", "Texte d'origine.");
    assert!(
        server
            .get("/wiki/Gard%C3%A9e")
            .text()
            .contains("Texte d'origine.")
    );
    carnet_store::testing::execute(
        server.store(),
        "UPDATE render_cache SET html = '<p>Texte truqué.</p>'",
    )
    .unwrap();
    let kept = server.get("/wiki/Gard%C3%A9e");
    assert!(kept.text().contains("Texte d'origine."), "{}", kept.body);
    // Another language is another entry: it reads the (tampered) render cache.
    let english = server.get_with("/wiki/Gard%C3%A9e", &[("Accept-Language", "en")]);
    assert!(english.text().contains("Texte truqué."), "{}", english.body);
    carnet_store::testing::execute(
        server.store(),
        "UPDATE content_generation SET generation = generation + 1",
    )
    .unwrap();
    let moved = server.get("/wiki/Gard%C3%A9e");
    assert!(moved.text().contains("Texte truqué."), "{}", moved.body);
}

#[test]
fn reading_pages_does_not_move_the_generation() {
    let server = TestServer::start();
    server.put_page("Modèle:Lieu", "un lieu");
    server.put_page("Lue", "{{Lieu}} [[Ailleurs]] [[Catégorie:Lues]]");
    let generation = || server.store().content_generation().unwrap().generation;
    let before = generation();
    // A render cache miss renders again and refreshes the link rows: unchanged rows
    // are not rewritten.
    carnet_store::testing::execute(server.store(), "DELETE FROM render_cache").unwrap();
    assert!(server.get("/wiki/Lue").text().contains("un lieu"));
    server.get("/wiki/Lue?action=history");
    server.get("/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes");
    assert_eq!(generation(), before);
    // A save moves it.
    server.put_page("Lue", "changée");
    assert!(generation() > before);
}

#[test]
fn static_assets_are_fingerprinted_and_kept_a_year() {
    let server = TestServer::start();
    let page = server.get("/wiki/Accueil").text();
    let edit = server.get("/wiki/Accueil?action=edit").text();
    for (path, file) in [
        (
            "/static/carnet.css",
            include_str!("../../web/static/carnet.css"),
        ),
        (
            "/static/search.js",
            include_str!("../../web/static/search.js"),
        ),
        (
            "/static/editor.js",
            include_str!("../../web/static/editor.js"),
        ),
        (
            "/static/stale.js",
            include_str!("../../web/static/stale.js"),
        ),
        (
            "/static/editor-loader.js",
            include_str!("../../web/static/editor-loader.js"),
        ),
        (
            "/static/dashboard.js",
            include_str!("../../web/static/dashboard.js"),
        ),
    ] {
        let fingerprint: String = carnet_core::ContentHash::of(file)
            .as_str()
            .chars()
            .take(12)
            .collect();
        let href = format!("{path}?v={fingerprint}");
        if path != "/static/dashboard.js" {
            assert!(
                page.contains(&href) || edit.contains(&href),
                "{href} is not linked"
            );
        }
        let kept = server.get(&href);
        assert_eq!(kept.status, 200, "{href}");
        assert_eq!(
            kept.header("Cache-Control"),
            Some("public, max-age=31536000, immutable"),
            "{href}"
        );
        let tag = format!("\"{fingerprint}\"");
        assert_eq!(kept.header("ETag"), Some(tag.as_str()), "{href}");
        assert_eq!(kept.body, file, "{href}");
        assert_eq!(
            get_if_none_match(&server, &href, &tag).status,
            304,
            "{href}"
        );
        // The bare URL (and an old fingerprint): the same file, kept briefly.
        for other in [path.to_owned(), format!("{path}?v=000000000000")] {
            let short = server.get(&other);
            assert_eq!(short.status, 200, "{other}");
            assert_eq!(
                short.header("Cache-Control"),
                Some("public, max-age=300"),
                "{other}"
            );
            assert_eq!(short.body, file, "{other}");
        }
    }
}

/// A page view as raw bytes, asking for gzip like a browser.
fn get_gzip(server: &TestServer, path: &str, extra: &[(&str, &str)]) -> BytesReply {
    let mut headers = vec![("Accept-Encoding", "gzip")];
    headers.extend_from_slice(extra);
    carnet_tests::raw_get(&server.url(path), &headers)
}

#[test]
fn kept_pages_are_sent_compressed_to_browsers_and_inflated_to_others() {
    use std::io::Read as _;
    let server = TestServer::start();
    let text = "Une phrase qui se répète pour que la compression serve. ".repeat(200);
    server.put_page("Compressée", &text);
    // Built (and kept) on the first view, then answered from the cache, in both forms.
    for _ in 0..2 {
        let plain = server.get("/wiki/Compress%C3%A9e");
        plain.assert_status(200);
        assert_eq!(plain.header("Content-Encoding"), None);
        let plain_tag = etag(&plain);
        let compressed = get_gzip(&server, "/wiki/Compress%C3%A9e", &[]);
        assert_eq!(compressed.status, 200);
        assert_eq!(compressed.header("Content-Encoding"), Some("gzip"));
        assert!(
            compressed
                .header("Vary")
                .is_some_and(|v| v.contains("Accept-Encoding")),
            "{:?}",
            compressed.headers
        );
        assert_eq!(compressed.header("Cache-Control"), Some("public, no-cache"));
        // Two representations, two strong tags.
        let gzip_tag = compressed.header("ETag").unwrap().to_owned();
        assert_ne!(gzip_tag, plain_tag);
        assert!(
            gzip_tag.starts_with('"') && gzip_tag.ends_with("-gz\""),
            "{gzip_tag}"
        );
        let body = &compressed.body;
        assert!(
            body.len() * 4 < plain.body.len(),
            "{} of {}",
            body.len(),
            plain.body.len()
        );
        let mut inflated = String::new();
        flate2::read::GzDecoder::new(body.as_slice())
            .read_to_string(&mut inflated)
            .unwrap();
        assert_eq!(inflated, plain.body);
        // The compressed form's tag revalidates it.
        let revalidated = get_gzip(
            &server,
            "/wiki/Compress%C3%A9e",
            &[("If-None-Match", &gzip_tag)],
        );
        assert_eq!(revalidated.status, 304);
        assert!(revalidated.body.is_empty());
    }
}

#[test]
fn other_views_are_compressed_with_a_weak_tag_that_still_revalidates() {
    use std::io::Read as _;
    let server = TestServer::start();
    let text = "Une phrase qui se répète pour que la compression serve. ".repeat(50);
    for round in 0..12 {
        server.put_page("Historique", &format!("{text} Version {round}."));
    }
    let path = "/wiki/Historique?action=history";
    let plain = carnet_tests::raw_get(&server.url(path), &[]);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("Content-Encoding"), None);
    let plain_tag = plain.header("ETag").unwrap().to_owned();
    assert!(plain_tag.starts_with('"'), "{plain_tag}");
    assert!(
        plain
            .header("Vary")
            .is_some_and(|v| v.contains("Accept-Encoding") && v.contains("Cookie")),
        "{:?}",
        plain.headers
    );

    let compressed = get_gzip(&server, path, &[]);
    assert_eq!(compressed.status, 200);
    assert_eq!(compressed.header("Content-Encoding"), Some("gzip"));
    // Another series of bytes for the same history: the same tag, weak.
    assert_eq!(
        compressed.header("ETag"),
        Some(format!("W/{plain_tag}").as_str())
    );
    assert_eq!(
        compressed.header("Content-Length"),
        Some(compressed.body.len().to_string().as_str())
    );
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(compressed.body.as_slice())
        .read_to_end(&mut inflated)
        .unwrap();
    assert_eq!(inflated, plain.body);
    assert!(compressed.body.len() * 3 < plain.body.len());

    // Either form of the tag revalidates either representation.
    for tag in [format!("W/{plain_tag}"), plain_tag.clone()] {
        let again = get_gzip(&server, path, &[("If-None-Match", &tag)]);
        assert_eq!(again.status, 304, "{tag}");
        assert!(again.body.is_empty());
    }
    // A new revision changes the tag: the old weak one no longer matches.
    server.put_page("Historique", "Tout autre chose.");
    let changed = get_gzip(
        &server,
        path,
        &[("If-None-Match", &format!("W/{plain_tag}"))],
    );
    assert_eq!(changed.status, 200);

    // The stylesheet is compressed once and kept, with a strong tag of its own.
    let css = get_gzip(&server, "/static/carnet.css", &[]);
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Encoding"), Some("gzip"));
    let css_tag = css.header("ETag").unwrap().to_owned();
    assert!(css_tag.ends_with("-gz\""), "{css_tag}");
    let again = get_gzip(&server, "/static/carnet.css", &[]);
    assert_eq!(again.body, css.body);
    let revalidated = get_gzip(
        &server,
        "/static/carnet.css",
        &[("If-None-Match", &css_tag)],
    );
    assert_eq!(revalidated.status, 304);
}

#[test]
fn a_reader_with_a_session_never_gets_the_anonymous_page() {
    let server = TestServer::start();
    server.put_page("Ouverte", "Pour tout le monde.");
    // Kept for anonymous readers.
    server.get("/wiki/Ouverte");
    let anonymous = server.get("/wiki/Ouverte");
    assert!(!anonymous.body.contains("Lectrice"));
    let mut reader = server.account("Lectrice", Role::Writer);
    let own = reader.get("/wiki/Ouverte");
    own.assert_status(200);
    assert!(own.body.contains("Lectrice"), "{}", own.body);
    assert_eq!(own.header("Cache-Control"), Some("private, no-cache"));
    // An expired or forged session cookie is an anonymous reader again.
    let forged = server.get_with(
        "/wiki/Ouverte",
        &[("Cookie", &format!("carnet_session={}", "0".repeat(64)))],
    );
    forged.assert_status(200);
    assert!(forged.body.contains("Pour tout le monde."));
    assert!(!forged.body.contains("Lectrice"));
}
