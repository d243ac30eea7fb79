#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests"
)]

//! Uploaded files (issue 7), end to end on a real server and database (PostgreSQL when
//! `CARNET_TEST_DATABASE_URL` is set), with real files made here: each type accepted,
//! hostile files refused with their status and message and nothing written, the file
//! page (fields, history, restore, pages using it), serving headers, thumbnails made
//! once, `[[Fichier:…]]` in pages, the dashboard's photo count.

use std::io::Cursor;

use carnet_core::{Role, Title};
use carnet_tests::{Browser, Reply, TestServer};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

const UPLOAD: &str = "/wiki/Sp%C3%A9cial:T%C3%A9l%C3%A9verser";

/// A picture whose left half is red and right half blue.
fn picture(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        if x < width / 2 {
            Rgb([250, (y % 256) as u8, 0])
        } else {
            Rgb([0, 0, 250])
        }
    }))
}

fn encode(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    picture(width, height).write_to(&mut out, format).unwrap();
    out.into_inner()
}

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// ID3v2.4 with one frame, then two MPEG-1 layer III frames.
fn mp3() -> Vec<u8> {
    let mut bytes = b"ID3\x04\x00\x00\x00\x00\x00\x0a".to_vec();
    bytes.extend_from_slice(b"TIT2\0\0\0\0\0\0");
    for _ in 0..2 {
        let mut frame = vec![0u8; 417];
        frame[..4].copy_from_slice(b"\xff\xfb\x90\x64");
        bytes.extend_from_slice(&frame);
    }
    bytes
}

/// One Ogg page beginning a Vorbis stream.
fn ogg() -> Vec<u8> {
    let packet = b"\x01vorbis\0\0\0\0\x02\x44\xac\0\0";
    let mut page = b"OggS\0\x02".to_vec();
    page.extend_from_slice(&[0; 8]);
    page.extend_from_slice(&1u32.to_le_bytes());
    page.extend_from_slice(&0u32.to_le_bytes());
    page.extend_from_slice(&[0; 4]);
    page.push(1);
    page.push(packet.len() as u8);
    page.extend_from_slice(packet);
    page
}

/// A PNG header declaring `width` × `height` pixels, and nothing else.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

struct Upload<'a> {
    target: &'a str,
    file_name: &'a str,
    /// What the client claims; never trusted.
    content_type: &'a str,
    bytes: &'a [u8],
    description: &'a str,
    author: &'a str,
    source: &'a str,
    licence: &'a str,
    comment: &'a str,
}

impl Default for Upload<'_> {
    fn default() -> Self {
        Upload {
            target: "",
            file_name: "photo.jpg",
            content_type: "application/octet-stream",
            bytes: b"",
            description: "",
            author: "",
            source: "",
            licence: "",
            comment: "",
        }
    }
}

fn upload(browser: &mut Browser<'_>, upload: &Upload<'_>) -> Reply {
    let form = browser.get(UPLOAD);
    let token = form.field("csrf_token").unwrap();
    browser.post_multipart(
        UPLOAD,
        &[
            ("csrf_token", &token),
            ("target", upload.target),
            ("description", upload.description),
            ("author", upload.author),
            ("source", upload.source),
            ("licence", upload.licence),
            ("comment", upload.comment),
        ],
        &[("file", upload.file_name, upload.content_type, upload.bytes)],
    )
}

fn sha256_of(server: &TestServer, title: &str) -> String {
    server
        .store()
        .file_versions(&Title::parse(title).unwrap())
        .unwrap()
        .first()
        .unwrap()
        .sha256
        .clone()
}

#[test]
fn each_type_is_accepted_and_its_page_made() {
    let server = TestServer::start();
    let mut camille = server.account("Camille", Role::Writer);
    let jpeg = encode(640, 480, ImageFormat::Jpeg);
    let png = encode(300, 200, ImageFormat::Png);
    let webp = encode(64, 32, ImageFormat::WebP);
    let gif = encode(20, 10, ImageFormat::Gif);
    let mp3 = mp3();
    let ogg = ogg();
    type Case<'a> = (&'a str, &'a [u8], &'a str, Option<(u32, u32)>);
    let cases: [Case<'_>; 7] = [
        ("Pont.jpg", &jpeg, "image/jpeg", Some((640, 480))),
        ("Plan.png", &png, "image/png", Some((300, 200))),
        ("Logo.webp", &webp, "image/webp", Some((64, 32))),
        ("Anim.gif", &gif, "image/gif", Some((20, 10))),
        ("Compte rendu.pdf", PDF, "application/pdf", None),
        ("Chant.mp3", &mp3, "audio/mpeg", None),
        ("Oiseau.ogg", &ogg, "audio/ogg", None),
    ];
    for (name, bytes, mime, size) in cases {
        let reply = upload(
            &mut camille,
            &Upload {
                file_name: name,
                // The client says HTML: the content decides.
                content_type: "text/html",
                bytes,
                description: "Une description.",
                author: "Camille Dupont",
                source: "Travail personnel",
                licence: "cc-by-4.0",
                comment: "premier envoi",
                ..Upload::default()
            },
        );
        reply.assert_status(303);
        let title = format!("Fichier:{name}");
        let location = reply.header("location").unwrap();
        assert!(location.contains("notice=uploaded"), "{location}");
        let page = camille.get(location);
        page.assert_status(200);
        let text = page.text();
        for expected in [
            "Une description.",
            "Camille Dupont",
            "Travail personnel",
            "Creative Commons Attribution 4.0 (CC BY 4.0)",
            "https://creativecommons.org/licenses/by/4.0/deed.fr",
            "Historique du fichier",
            "premier envoi",
            "Pages qui utilisent ce fichier",
            mime,
        ] {
            assert!(
                text.contains(expected),
                "{name}: no {expected:?} in the page"
            );
        }
        if let Some((width, height)) = size {
            assert!(
                text.contains(&format!("{width} × {height} pixels")),
                "{name}: no dimensions"
            );
            assert!(
                page.body.contains("<img src=\"/media/"),
                "{name}: no picture"
            );
        }
        // The page has a normal first revision, by the uploader.
        let history = server.history(&title);
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].meta.author.as_str(), "Camille");
        // Served with the type of its content.
        let sha = sha256_of(&server, &title);
        let served = server.get_bytes(&carnet_render::media_url(&sha, &title[8..]), &[]);
        assert_eq!(served.status, 200, "{name}");
        assert_eq!(served.header("content-type"), Some(mime), "{name}");
    }
    // The list of files, newest first.
    let list = camille.get("/wiki/Sp%C3%A9cial:Fichiers");
    list.assert_status(200);
    let text = list.text();
    let oiseau = text.find("Fichier:Oiseau.ogg").unwrap();
    let pont = text.find("Fichier:Pont.jpg").unwrap();
    assert!(oiseau < pont);
    // Statistics count them.
    let stats = camille.get("/wiki/Sp%C3%A9cial:Statistiques");
    assert!(stats.text().contains("7 fichiers"), "{}", stats.text());
}

/// A refused upload: its status, a message in the uploader's language, the form shown
/// again with what was typed, and nothing written (no table, no blob).
#[test]
fn hostile_and_broken_files_are_refused_and_nothing_is_written() {
    let server = TestServer::start();
    let mut camille = server.account("Camille", Role::Writer);
    // Rate limit counters count every attempt (they are checked before the costly
    // decoding): everything else must stay as it was.
    let fingerprint = || {
        let mut tables = server.fingerprint();
        tables.remove("rate_limit_hits");
        tables
    };
    let before = fingerprint();
    let blobs_before = server.blob_keys();
    let mut truncated = encode(128, 128, ImageFormat::Png);
    truncated.truncate(truncated.len() / 2);
    let mut polyglot = encode(32, 32, ImageFormat::Jpeg);
    polyglot.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    let mut gif_script = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
    gif_script.extend_from_slice(b"<script>alert(1)</script>");
    let huge = png_header(100_000, 100_000);
    let svg = br#"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
  <script>alert(document.cookie)</script>
</svg>"#;
    let text = b"Bonjour, ceci n'est pas une photo.\n";
    let png = encode(16, 16, ImageFormat::Png);
    let cases: [(&str, &[u8], &str, u16, &str); 8] = [
        ("Coupee.png", &truncated, "png", 400, "incomplet (tronqué)"),
        // A small JPEG with an HTML page appended: the markup is found.
        (
            "Polyglotte.jpg",
            &polyglot,
            "jpeg",
            415,
            "du HTML ou du script",
        ),
        (
            "Script.gif",
            &gif_script,
            "gif",
            415,
            "du HTML ou du script",
        ),
        ("Immense.png", &huge, "png", 413, "100000 × 100000 pixels"),
        ("Dessin.svg", svg, "svg", 415, "Les fichiers SVG"),
        (
            "Photo.jpg",
            text,
            "jpeg",
            415,
            "n'est pas d'un type accepté",
        ),
        ("Vide.png", b"", "png", 400, "Le fichier est vide"),
        // A real PNG under a JPEG's name: refused for its name.
        ("Faux.jpg", &png, "png", 400, "l'extension .png"),
    ];
    for (name, bytes, _kind, status, message) in cases {
        let reply = upload(
            &mut camille,
            &Upload {
                target: name,
                file_name: name,
                content_type: "image/png",
                bytes,
                description: "Description gardée",
                author: "Auteur gardé",
                source: "Source gardée",
                licence: "cc0-1.0",
                comment: "résumé gardé",
            },
        );
        assert_eq!(reply.status, status, "{name}: {}", reply.body);
        let text = reply.text();
        assert!(text.contains(message), "{name}: no {message:?} in {text}");
        // The form again, with everything typed.
        assert_eq!(reply.field("target").as_deref(), Some(name), "{name}");
        assert_eq!(
            reply.field("description").as_deref(),
            Some("Description gardée")
        );
        assert_eq!(reply.field("author").as_deref(), Some("Auteur gardé"));
        assert_eq!(reply.field("source").as_deref(), Some("Source gardée"));
        assert_eq!(reply.field("comment").as_deref(), Some("résumé gardé"));
        assert!(reply.body.contains("<option value=\"cc0-1.0\" selected>"));
        assert_eq!(fingerprint(), before, "{name} changed the database");
        assert_eq!(server.blob_keys(), blobs_before, "{name} left a blob");
        assert_eq!(
            server.get(&format!("/wiki/Fichier:{name}")).status,
            404,
            "{name}"
        );
    }
    // In English too.
    let mut english = server.browser().with_header("Accept-Language", "en");
    let reply = upload(
        &mut english,
        &Upload {
            target: "Dessin.svg",
            bytes: svg,
            ..Upload::default()
        },
    );
    assert_eq!(reply.status, 415);
    assert!(
        reply
            .text()
            .contains("SVG files (and other XML or HTML documents)")
    );
    // No file at all.
    let form = camille.get(UPLOAD);
    let token = form.field("csrf_token").unwrap();
    let reply = camille.post_multipart(UPLOAD, &[("csrf_token", &token), ("target", "X.png")], &[]);
    assert_eq!(reply.status, 400);
    assert!(reply.text().contains("Aucun fichier"));
    assert_eq!(fingerprint(), before);
    assert_eq!(server.blob_keys(), blobs_before);
}

#[test]
fn oversized_files_are_refused_while_streaming() {
    let server = TestServer::start_with_media(carnet_media::MediaLimits {
        max_bytes: 2000,
        ..carnet_media::MediaLimits::default()
    });
    let mut camille = server.account("Camille", Role::Writer);
    let before = server.fingerprint();
    let big = vec![0xffu8; 50_000];
    let reply = upload(
        &mut camille,
        &Upload {
            target: "Gros.jpg",
            bytes: &big,
            author: "Auteur gardé",
            ..Upload::default()
        },
    );
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(
        reply.text().contains("Le fichier est trop gros"),
        "{}",
        reply.text()
    );
    assert!(reply.text().contains("2,0 Kio"), "{}", reply.text());
    assert_eq!(reply.field("author").as_deref(), Some("Auteur gardé"));
    assert_eq!(server.fingerprint(), before);
    assert!(server.blob_keys().is_empty());
    // A small one still goes through.
    let small = encode(8, 8, ImageFormat::Png);
    assert!(small.len() < 2000);
    upload(
        &mut camille,
        &Upload {
            target: "Petit.png",
            bytes: &small,
            ..Upload::default()
        },
    )
    .assert_status(303);
}

#[test]
fn new_versions_and_restoring_an_old_one() {
    let server = TestServer::start();
    let mut camille = server.account("Camille", Role::Writer);
    let first = encode(400, 300, ImageFormat::Png);
    let second = encode(200, 100, ImageFormat::Png);
    upload(
        &mut camille,
        &Upload {
            target: "Carte.png",
            bytes: &first,
            description: "La carte du quartier.",
            author: "Camille",
            comment: "première version",
            ..Upload::default()
        },
    )
    .assert_status(303);
    // The file page offers a new version; the form names the file.
    let page = camille.get("/wiki/Fichier:Carte.png");
    assert!(page.text().contains("Téléverser une nouvelle version"));
    let form = camille.get(&format!("{UPLOAD}?cible=Carte.png"));
    form.assert_status(200);
    assert!(form.text().contains("Nouvelle version du fichier"));
    let reply = upload(
        &mut camille,
        &Upload {
            target: "Carte.png",
            bytes: &second,
            author: "Dominique",
            comment: "recadrée",
            ..Upload::default()
        },
    );
    reply.assert_status(303);
    assert!(
        reply
            .header("location")
            .unwrap()
            .contains("uploaded-version")
    );
    // The description has one revision still; the file two versions.
    assert_eq!(server.history("Fichier:Carte.png").len(), 1);
    let title = Title::parse("Fichier:Carte.png").unwrap();
    let versions = server.store().file_versions(&title).unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].width, Some(200));
    let page = camille.get("/wiki/Fichier:Carte.png");
    let text = page.text();
    assert!(text.contains("200 × 100 pixels"));
    assert!(text.contains("400 × 300 pixels"));
    assert!(text.contains("Dominique"));
    assert!(text.contains("La carte du quartier."));
    // Restore the first version: a third one with its blob.
    let token = page.field("csrf_token").unwrap();
    let old = versions[1].id.to_string();
    let reply = camille.post_form(
        "/wiki/Fichier:Carte.png?action=restorefile",
        &[("csrf_token", &token), ("oldid", &old)],
    );
    reply.assert_status(303);
    let versions = server.store().file_versions(&title).unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[0].sha256, versions[2].sha256);
    assert_eq!(versions[0].width, Some(400));
    assert_eq!(versions[0].restored_from, Some(versions[2].id));
    // Logged.
    let log = camille.get("/wiki/Sp%C3%A9cial:Journal?type=upload");
    assert!(
        log.text().contains("a rétabli la version"),
        "{}",
        log.text()
    );
    // A version of another file, or none: 404.
    let reply = camille.post_form(
        "/wiki/Fichier:Carte.png?action=restorefile",
        &[("csrf_token", &token), ("oldid", "999999")],
    );
    assert_eq!(reply.status, 404);
    // An anonymous reader's file page carries no token (it is the same for every
    // anonymous reader): its restore button leads to a confirmation with one.
    let mut reader = server.browser();
    let page = reader.get("/wiki/Fichier:Carte.png");
    assert!(!page.body.contains("csrf_token"));
    assert!(page.set_cookies().is_empty());
    assert!(page.body.contains("name=\"action\" value=\"restorefile\""));
    let old = versions[1].id.to_string();
    let confirm = reader.get(&format!(
        "/wiki/Fichier:Carte.png?action=restorefile&oldid={old}"
    ));
    confirm.assert_status(200);
    let token = confirm.field("csrf_token").unwrap();
    assert_eq!(reader.cookie("carnet_csrf"), Some(token.as_str()));
    reader
        .post_form(
            "/wiki/Fichier:Carte.png?action=restorefile",
            &[("csrf_token", &token), ("oldid", &old)],
        )
        .assert_status(303);
    assert_eq!(server.store().file_versions(&title).unwrap().len(), 4);
    // Logged out and anonymous editing on: restoring is an upload, allowed (temporary
    // identity); a protected file page refuses it.
    let mut admin = server.account("Admin", Role::Administrator);
    let form = admin.get("/wiki/Fichier:Carte.png?action=protect");
    let token = form.field("csrf_token").unwrap();
    admin
        .post_form(
            "/wiki/Fichier:Carte.png?action=protect",
            &[
                ("csrf_token", &token),
                ("level", "admin"),
                ("expiry", "infini"),
                ("reason", "stable"),
            ],
        )
        .assert_status(303);
    let before = server.fingerprint();
    let reply = upload(
        &mut camille,
        &Upload {
            target: "Carte.png",
            bytes: &first,
            ..Upload::default()
        },
    );
    assert_eq!(reply.status, 403, "{}", reply.body);
    let page = camille.get("/wiki/Fichier:Carte.png");
    assert!(!page.text().contains("Téléverser une nouvelle version"));
    assert!(!page.body.contains("action=restorefile"));
    assert_eq!(server.fingerprint(), before);
}

#[test]
fn blocked_people_cannot_upload() {
    let server = TestServer::start();
    let mut camille = server.account("Camille", Role::Writer);
    let mut admin = server.account("Admin", Role::Administrator);
    let form = admin.get("/wiki/Sp%C3%A9cial:Bloquer");
    let token = form.field("csrf_token").unwrap();
    admin
        .post_form(
            "/wiki/Sp%C3%A9cial:Bloquer",
            &[
                ("csrf_token", &token),
                ("do", "block"),
                ("target", "Camille"),
                ("expiry", "1j"),
                ("reason", "essai"),
            ],
        )
        .assert_status(303);
    let before = server.fingerprint();
    let png = encode(8, 8, ImageFormat::Png);
    let reply = upload(
        &mut camille,
        &Upload {
            target: "Bloque.png",
            bytes: &png,
            ..Upload::default()
        },
    );
    assert_eq!(reply.status, 403);
    assert_eq!(server.fingerprint(), before);
    assert!(server.blob_keys().is_empty());
}

#[test]
fn served_files_headers_and_thumbnails_made_once() {
    let server = TestServer::start();
    let mut camille = server.account("Camille", Role::Writer);
    let jpeg = encode(1000, 500, ImageFormat::Jpeg);
    upload(
        &mut camille,
        &Upload {
            target: "Grand pont.jpg",
            content_type: "text/html",
            bytes: &jpeg,
            ..Upload::default()
        },
    )
    .assert_status(303);
    upload(
        &mut camille,
        &Upload {
            target: "Compte rendu.pdf",
            bytes: PDF,
            ..Upload::default()
        },
    )
    .assert_status(303);
    let sha = sha256_of(&server, "Fichier:Grand_pont.jpg");
    let original = server.get_bytes(&format!("/media/{sha}/Grand_pont.jpg"), &[]);
    assert_eq!(original.status, 200);
    assert_eq!(original.header("content-type"), Some("image/jpeg"));
    assert_eq!(original.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        original.header("content-security-policy"),
        Some("default-src 'none'; sandbox")
    );
    let disposition = original.header("content-disposition").unwrap();
    assert!(disposition.starts_with("inline;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''Grand_pont.jpg"),
        "{disposition}"
    );
    assert!(
        original
            .header("cache-control")
            .unwrap()
            .contains("immutable")
    );
    let etag = original.header("etag").unwrap().to_owned();
    assert_eq!(
        server
            .get_bytes(
                &format!("/media/{sha}/Grand_pont.jpg"),
                &[("If-None-Match", &etag)]
            )
            .status,
        304
    );
    assert_eq!(
        image::load_from_memory(&original.body).unwrap().width(),
        1000
    );
    // Compressed already: a browser asking for gzip gets the file as it is.
    let to_browser = server.get_bytes(
        &format!("/media/{sha}/Grand_pont.jpg"),
        &[("Accept-Encoding", "gzip, deflate, br")],
    );
    assert_eq!(to_browser.header("content-encoding"), None);
    assert_eq!(to_browser.body, original.body);
    // A name asking for HTML gets the real kind's extension, still served as JPEG.
    let renamed = server.get_bytes(&format!("/media/{sha}/page.html"), &[]);
    assert_eq!(renamed.header("content-type"), Some("image/jpeg"));
    assert!(
        renamed
            .header("content-disposition")
            .unwrap()
            .contains("page.html.jpg")
    );
    // PDF: downloaded, never shown inline.
    let pdf_sha = sha256_of(&server, "Fichier:Compte_rendu.pdf");
    let pdf = server.get_bytes(&format!("/media/{pdf_sha}/Compte_rendu.pdf"), &[]);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(
        pdf.header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(pdf.body, PDF);
    // Unknown hashes, bad hashes, non-standard widths, thumbnails of a PDF: 404.
    let unknown = "0".repeat(64);
    for path in [
        format!("/media/{unknown}/x.jpg"),
        "/media/..%2F..%2Fetc/passwd".to_owned(),
        format!("/media/thumb/{sha}/200"),
        format!("/media/thumb/{sha}/abc"),
        format!("/media/thumb/{unknown}/250"),
        format!("/media/thumb/{pdf_sha}/250"),
    ] {
        let reply = server.get(&path);
        assert_eq!(reply.status, 404, "{path}");
    }
    assert!(
        server
            .get(&format!("/media/{unknown}/x.jpg"))
            .text()
            .contains("Ce fichier n'existe pas.")
    );

    // A thumbnail: made on the first request, stored, then served from the store.
    let key = format!("thumbs/{sha}/250");
    assert!(!server.blob_keys().contains(&key));
    let thumb = server.get_bytes(&format!("/media/thumb/{sha}/250"), &[]);
    assert_eq!(thumb.status, 200);
    assert_eq!(thumb.header("x-content-type-options"), Some("nosniff"));
    let made = image::load_from_memory(&thumb.body).unwrap();
    assert_eq!((made.width(), made.height()), (250, 125));
    assert!(server.blob_keys().contains(&key));
    // Replace the stored bytes: the next request serves them, so it did not make the
    // thumbnail again.
    let mut marker = encode(250, 125, ImageFormat::Png);
    marker.extend_from_slice(b"");
    server.overwrite_thumbnail(&sha, 250, &marker);
    let again = server.get_bytes(&format!("/media/thumb/{sha}/250"), &[]);
    assert_eq!(again.body, marker);
    assert_eq!(again.header("content-type"), Some("image/png"));
}

#[test]
fn pages_show_files_and_file_pages_list_their_users() {
    let server = TestServer::start();
    let mut camille = server.account("Camille", Role::Writer);
    // The page is written before the file exists: a red link, then the picture.
    server.put_page(
        "Quartier",
        "Voici le pont :\n\n[[Fichier:Pont.jpg|vignette|200px|Le pont au matin]]\n",
    );
    let page = camille.get("/wiki/Quartier");
    assert!(!page.body.contains("<img"));
    // A missing file page offers the upload.
    let missing = camille.get("/wiki/Fichier:Pont.jpg");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Téléverser ce fichier"));
    assert!(missing.body.contains("cible=Pont.jpg"));
    let jpeg = encode(1600, 1200, ImageFormat::Jpeg);
    upload(
        &mut camille,
        &Upload {
            target: "Pont.jpg",
            bytes: &jpeg,
            ..Upload::default()
        },
    )
    .assert_status(303);
    let sha = sha256_of(&server, "Fichier:Pont.jpg");
    let page = camille.get("/wiki/Quartier");
    let body = &page.body;
    assert!(body.contains("<img"), "{body}");
    assert!(
        body.contains(&format!("src=\"/media/thumb/{sha}/250\"")),
        "{body}"
    );
    assert!(body.contains("srcset=\""), "{body}");
    // Sharper thumbnails for denser screens (the descriptors are their width over the
    // 200 px shown).
    assert!(
        body.contains(&format!("/media/thumb/{sha}/330 1.65x")),
        "{body}"
    );
    assert!(
        body.contains(&format!("/media/thumb/{sha}/500 2.5x")),
        "{body}"
    );
    assert!(page.text().contains("Le pont au matin"));
    // Every URL the page names is served.
    for width in [250, 330, 500] {
        let thumb = server.get_bytes(&format!("/media/thumb/{sha}/{width}"), &[]);
        assert_eq!(thumb.status, 200);
        assert_eq!(image::load_from_memory(&thumb.body).unwrap().width(), width);
    }
    // The file page lists the page using it.
    let file_page = camille.get("/wiki/Fichier:Pont.jpg");
    let text = file_page.text();
    let users = text.find("Pages qui utilisent ce fichier").unwrap();
    assert!(text[users..].contains("Quartier"));
    // A new version: the page shows the new picture at once (its cached HTML is gone).
    let newer = encode(800, 400, ImageFormat::Jpeg);
    upload(
        &mut camille,
        &Upload {
            target: "Pont.jpg",
            bytes: &newer,
            ..Upload::default()
        },
    )
    .assert_status(303);
    let new_sha = sha256_of(&server, "Fichier:Pont.jpg");
    assert_ne!(new_sha, sha);
    let page = camille.get("/wiki/Quartier");
    assert!(page.body.contains(&format!("/media/thumb/{new_sha}/250")));
}

#[test]
fn the_dashboard_counts_photos_uploaded_during_an_event() {
    let server = TestServer::start();
    let mut animateur = server.account("Anima", Role::Animateur);
    let form = animateur.get("/wiki/Sp%C3%A9cial:%C3%89v%C3%A9nements");
    let token = form.field("csrf_token").unwrap();
    let now = chrono::Utc::now();
    let start = now.format("%Y-%m-%dT%H:%M").to_string();
    let end = (now + chrono::Duration::hours(2))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let reply = animateur.post_form(
        "/events",
        &[
            ("csrf_token", &token),
            ("name", "Atelier photo"),
            ("starts_at", &start),
            ("ends_at", &end),
            ("ip_range", "127.0.0.1/32"),
        ],
    );
    reply.assert_status(303);
    let id = server.store().events(10).unwrap()[0].id;
    let json = server.get(&format!("/api/v1/events/{id}")).json();
    assert_eq!(json["figures"]["photos"], 0, "{json}");
    // A participant (a writer from the event's address) uploads a photo and a PDF.
    let mut camille = server.account("Camille", Role::Writer);
    let jpeg = encode(64, 64, ImageFormat::Jpeg);
    upload(
        &mut camille,
        &Upload {
            target: "Atelier.jpg",
            bytes: &jpeg,
            ..Upload::default()
        },
    )
    .assert_status(303);
    upload(
        &mut camille,
        &Upload {
            target: "Notes.pdf",
            bytes: PDF,
            ..Upload::default()
        },
    )
    .assert_status(303);
    let json = server.get(&format!("/api/v1/events/{id}")).json();
    assert_eq!(json["figures"]["photos"], 1, "{json}");
    assert_eq!(json["figures"]["participants"], 1, "{json}");
}

#[test]
fn the_json_api_uploads_and_describes_files() {
    let server = TestServer::start();
    let png = encode(40, 20, ImageFormat::Png);
    let send = |path: &str, content_type: &str, body: &[u8]| {
        server.send_bytes("POST", path, &[("Content-Type", content_type)], body)
    };
    // Only the file itself, as octets.
    let reply = send("/api/v1/files/Robot.png", "image/png", &png);
    assert_eq!(reply.status, 415);
    assert_eq!(reply.json()["error"]["code"], "unsupported_media_type");
    let reply = send(
        "/api/v1/files/Robot.png?author=Un+robot&licence=cc0-1.0&comment=par+l%27API",
        "application/octet-stream",
        &png,
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let json = reply.json();
    assert_eq!(json["title"], "Fichier:Robot.png");
    assert_eq!(json["created"], true);
    assert_eq!(json["version"]["width"], 40);
    assert_eq!(json["version"]["mime"], "image/png");
    assert_eq!(json["version"]["licence"], "cc0-1.0");
    // A logged-out upload is signed by a temporary identity.
    assert!(
        json["version"]["uploader"]
            .as_str()
            .unwrap()
            .starts_with(&carnet_tests::temporary_prefix())
    );
    // Refusals are JSON with their code, and store nothing.
    let before = server.blob_keys();
    let reply = send(
        "/api/v1/files/Dessin.png",
        "application/octet-stream",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
    );
    assert_eq!(reply.status, 415);
    assert_eq!(reply.json()["error"]["code"], "file_svg");
    assert_eq!(server.blob_keys(), before);
    // A new version: 200.
    let newer = encode(80, 40, ImageFormat::Png);
    let reply = send(
        "/api/v1/files/Fichier:Robot.png",
        "application/octet-stream",
        &newer,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["created"], false);
    let described = server.get("/api/v1/files/Robot.png").json();
    assert_eq!(described["versions"].as_array().unwrap().len(), 2);
    assert_eq!(described["versions"][0]["width"], 80);
    assert_eq!(described["versions"][1]["author"], "Un robot");
    let url = described["versions"][0]["url"].as_str().unwrap();
    let served = server.get_bytes(url, &[]);
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert_eq!(server.get("/api/v1/files/Absent.png").status, 404);
}
