#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

//! The wiki-journée dashboard through the real server: a scripted workshop (newcomers
//! joining through the sign-up link, a walk-in writer at the venue, a writer elsewhere)
//! whose figures are checked exactly on the page and in the CSV report; the sign-up
//! link's refusals; who sees what; and the live stream (server-sent events), across two
//! processes sharing the database. Client addresses come from `X-Forwarded-For` (the
//! servers here trust it, as behind a reverse proxy).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use carnet_core::{LimitPolicy, Role};
use carnet_tests::{Browser, TestServer};
use carnet_web::LimitConfig;
use chrono::Utc;

const EVENTS: &str = "/wiki/Sp%C3%A9cial:%C3%89v%C3%A9nements";
const PASSWORD: &str = "une phrase de passe";
const VENUE: &str = "192.0.2.0/24";
const ELSEWHERE: &str = "198.51.100.0/24";

fn server() -> TestServer {
    TestServer::start_with_limits(LimitConfig {
        policy: LimitPolicy::off(),
        trust_proxy: true,
    })
}

fn from<'a>(server: &'a TestServer, ip: &str) -> Browser<'a> {
    server.browser().with_header("X-Forwarded-For", ip)
}

/// `YYYY-MM-DDTHH:MM`, UTC, `minutes` from now.
fn utc_in(minutes: i64) -> String {
    (Utc::now() + chrono::Duration::minutes(minutes))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Opens an event starting this minute for two hours; returns its id.
fn open_event(
    server: &TestServer,
    animateur: &mut Browser<'_>,
    name: &str,
    range: &str,
    target: &str,
) -> i64 {
    let page = animateur.get(EVENTS);
    animateur
        .post_form(
            "/events",
            &[
                ("csrf_token", &page.field("csrf_token").unwrap()),
                ("name", name),
                ("starts_at", &utc_in(0)),
                ("ends_at", &utc_in(120)),
                ("ip_range", range),
                ("target", target),
            ],
        )
        .assert_status(303);
    server
        .store()
        .events(10)
        .unwrap()
        .into_iter()
        .find(|event| event.name == name)
        .unwrap()
        .id
}

fn dashboard(id: i64) -> String {
    format!("{EVENTS}/{id}")
}

/// The sign-up link as the animateur's dashboard shows it, as a local path.
fn join_link(server: &TestServer, animateur: &mut Browser<'_>, id: i64) -> String {
    let page = animateur.get(&dashboard(id));
    page.assert_status(200);
    let marker = "class=\"join-link\" href=\"";
    let at = page.body.find(marker).expect("no sign-up link") + marker.len();
    let link = &page.body[at..];
    let link = &link[..link.find('"').unwrap()];
    link.strip_prefix(&server.base).unwrap().to_owned()
}

/// A newcomer joining through the link from `ip`: one form, and they are logged in,
/// landing on their user page's edit form.
fn join<'a>(server: &'a TestServer, link: &str, name: &str, ip: &str) -> Browser<'a> {
    let mut browser = from(server, ip);
    let form = browser.get(link);
    form.assert_status(200);
    let reply = browser.post_form(
        link,
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", name),
            ("password", PASSWORD),
        ],
    );
    reply.assert_status(303);
    let location = reply.header("location").unwrap();
    assert_eq!(
        location,
        format!("/wiki/Utilisateur:{}?action=edit", encode_title(name)),
        "{name}"
    );
    assert!(browser.cookie("carnet_session").is_some());
    let landing = browser.get(location);
    assert!(
        matches!(landing.status, 200 | 404) && landing.body.contains("name=\"text\""),
        "{name} does not land editing: {}",
        landing.status
    );
    browser
}

/// A title as Carnet writes it in URLs (spaces as `_`, the rest percent-encoded but
/// for what `Title::url_encoded` keeps).
fn encode_title(name: &str) -> String {
    carnet_core::Title::parse(&format!("Utilisateur:{name}"))
        .unwrap()
        .url_encoded()
        .strip_prefix("Utilisateur:")
        .unwrap()
        .to_owned()
}

/// What the test expects, kept from the scripted saves alone.
#[derive(Default)]
struct Model {
    /// Current size of each page, whoever saved it.
    sizes: BTreeMap<String, i64>,
    /// Per counted writer: edits, pages created, pages edited, bytes added.
    per_user: BTreeMap<String, (u64, u64, BTreeSet<String>, i64)>,
    pages: BTreeSet<String>,
}

impl Model {
    /// A save of `text` on `title` by `writer`, counted for the event or not.
    fn saved(&mut self, title: &str, text: &str, writer: Option<&str>) {
        let size = i64::try_from(text.trim_end().len()).unwrap();
        let before = self.sizes.insert(title.to_owned(), size);
        let Some(writer) = writer else { return };
        let entry = self.per_user.entry(writer.to_owned()).or_default();
        entry.0 += 1;
        if before.is_none() {
            entry.1 += 1;
        }
        entry.2.insert(title.to_owned());
        entry.3 += (size - before.unwrap_or(0)).max(0);
        self.pages.insert(title.to_owned());
    }

    fn forget(&mut self, title: &str, writer: &str) {
        let entry = self.per_user.get_mut(writer).unwrap();
        entry.0 -= 1;
        entry.1 -= 1;
        entry.2.remove(title);
        entry.3 -= self.sizes[title];
        self.pages.remove(title);
    }

    fn totals(&self) -> (u64, u64, u64, i64) {
        let edits = self.per_user.values().map(|e| e.0).sum();
        let created = self.per_user.values().map(|e| e.1).sum();
        let bytes = self.per_user.values().map(|e| e.3).sum();
        (edits, created, self.pages.len() as u64, bytes)
    }
}

/// `data-figure="key">N<` on a dashboard.
fn figure(page: &str, key: &str) -> i64 {
    let marker = format!("data-figure=\"{key}\">");
    let at = page.find(&marker).unwrap_or_else(|| panic!("no {key}")) + marker.len();
    page[at..page[at..].find('<').unwrap() + at]
        .parse()
        .unwrap()
}

/// The cells of a participant's row (unescaped text of the page).
fn row(page: &str, name: &str) -> [i64; 4] {
    let marker = format!("<tr data-participant=\"{name}\">");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no row for {name}"));
    let row = &page[at..at + page[at..].find("</tr>").unwrap()];
    ["edits", "pages-created", "pages-edited", "bytes-added"].map(|col| {
        let marker = format!("data-col=\"{col}\">");
        let at = row.find(&marker).unwrap() + marker.len();
        row[at..at + row[at..].find('<').unwrap()].parse().unwrap()
    })
}

#[test]
fn a_scripted_workshop_adds_up_on_the_page_and_in_the_csv() {
    let server = server();
    let mut animatrice = server.account("Animatrice", Role::Animateur);
    let event = open_event(
        &server,
        &mut animatrice,
        "Wiki-journée Lyon",
        VENUE,
        "Portail:Lyon",
    );
    let other = open_event(&server, &mut animatrice, "Ailleurs", ELSEWHERE, "");
    let link = join_link(&server, &mut animatrice, event);
    let mut model = Model::default();
    let accueil_before = server.get("/api/v1/pages/Accueil").json()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    model
        .sizes
        .insert("Accueil".into(), accueil_before.len() as i64);

    // N = 4 newcomers join through the link (one name needing CSV quoting), each
    // making M = 4 edits: create a page, shorten it, create another, edit a shared one.
    let names = ["Amina", "Bastien", "Chloé", "Élise \"Lili\", Dupont"];
    let mut newcomers: Vec<Browser<'_>> = names
        .iter()
        .enumerate()
        .map(|(n, name)| join(&server, &link, name, &format!("192.0.2.{}", n + 10)))
        .collect();
    for (n, browser) in newcomers.iter_mut().enumerate() {
        let name = names[n];
        let first = format!("Atelier/{n}");
        let second = format!("Atelier/{n}/Suite");
        let script = [
            (first.clone(), "x".repeat(100 + 10 * n)),
            (first.clone(), "x".repeat(80 + 10 * n)),
            (second.clone(), format!("Deuxième page de {name}.\n\n")),
            (
                "Accueil".to_owned(),
                format!(
                    "{}\n* {name} était là",
                    server.get("/api/v1/pages/Accueil").json()["text"]
                        .as_str()
                        .unwrap()
                ),
            ),
        ];
        for (title, text) in &script {
            browser
                .edit(title, text, &format!("atelier {n}"))
                .assert_status(303);
            model.saved(title, text, Some(name));
        }
    }
    // A walk-in at the venue, logged out: a temporary identity, counted.
    let mut walk_in = from(&server, "192.0.2.99");
    walk_in
        .edit("Lyon/Visite", "Une visite du quartier.", "")
        .assert_status(303);
    let walk_in_name = server.history("Lyon/Visite")[0]
        .meta
        .author
        .as_str()
        .to_owned();
    assert!(walk_in_name.starts_with('~'), "{walk_in_name}");
    model.saved(
        "Lyon/Visite",
        "Une visite du quartier.",
        Some(&walk_in_name),
    );
    // Someone elsewhere edits a workshop page: counted for the other event only, but
    // the page's size moves (the next delta is against their revision).
    let mut elsewhere = from(&server, "198.51.100.7");
    elsewhere
        .edit("Atelier/0", &"z".repeat(300), "ailleurs")
        .assert_status(303);
    model.saved("Atelier/0", &"z".repeat(300), None);
    newcomers[0]
        .edit("Atelier/0", &"x".repeat(310), "retour")
        .assert_status(303);
    model.saved("Atelier/0", &"x".repeat(310), Some(names[0]));
    // A page deleted by an administrator stops counting.
    newcomers[1]
        .edit("Atelier/Pub", "Achetez !", "")
        .assert_status(303);
    model.saved("Atelier/Pub", "Achetez !", Some(names[1]));
    let mut admin = server.account("Admin", Role::Administrator);
    let form = admin.get("/wiki/Atelier/Pub?action=delete");
    admin
        .post_form(
            "/wiki/Atelier/Pub?action=delete",
            &[
                ("csrf_token", &form.field("csrf_token").unwrap()),
                ("reason", "publicité"),
            ],
        )
        .assert_status(303);
    model.forget("Atelier/Pub", names[1]);

    // The page: exact figures, per participant and in total.
    let page = server.get(&dashboard(event));
    page.assert_status(200);
    let text = page.text();
    let (edits, created, edited, bytes) = model.totals();
    assert_eq!(
        (edits, created, edited),
        (18, 9, 10),
        "the script's own count"
    );
    assert_eq!(figure(&text, "participants"), 5);
    assert_eq!(figure(&text, "edits"), edits as i64);
    assert_eq!(figure(&text, "pages-created"), created as i64);
    assert_eq!(figure(&text, "pages-edited"), edited as i64);
    assert_eq!(figure(&text, "bytes-added"), bytes);
    assert_eq!(figure(&text, "photos"), 0);
    assert!(text.contains("images (JPEG, PNG, WebP, GIF) téléversées pendant l'événement"));
    for (name, (edits, created, pages, bytes)) in &model.per_user {
        assert_eq!(
            row(&text, name),
            [*edits as i64, *created as i64, pages.len() as i64, *bytes],
            "{name}"
        );
    }
    assert!(text.contains("lien d'inscription") && text.contains("modification sur place"));
    assert!(text.contains("Portail:Lyon"));
    // Latest edits, with diff links; the other writer's is not among them.
    let history = server.history("Atelier/0");
    let last = format!(
        "action=diff&from={}&to={}",
        history[1].meta.id.0, history[0].meta.id.0
    );
    assert!(text.contains(&last), "no diff link {last}");
    assert!(!text.contains("ailleurs"), "an uncounted edit is listed");
    // No address is shown, to anyone.
    assert!(!page.body.contains("192.0.2") && !page.body.contains("198.51.100"));

    // The other event counts only the writer from its range.
    let page = server.get(&dashboard(other)).text();
    assert_eq!(figure(&page, "participants"), 1);
    assert_eq!(figure(&page, "edits"), 1);
    // "Atelier/0" was 80 bytes long when they saved 300.
    assert_eq!(figure(&page, "bytes-added"), 220);

    // The CSV: parsed back, one row per participant and the totals.
    let csv = server.get(&format!("/events/{event}/report.csv"));
    csv.assert_status(200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "Participant ou participante",
            "Venu par",
            "Modifications",
            "Pages créées",
            "Pages modifiées",
            "Octets ajoutés"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 6, "{}", csv.body);
    for (name, (edits, created, pages, bytes)) in &model.per_user {
        let record = records.iter().find(|r| &r[0] == name).unwrap();
        assert_eq!(
            [&record[2], &record[3], &record[4], &record[5]],
            [
                edits.to_string().as_str(),
                &created.to_string(),
                &pages.len().to_string(),
                &bytes.to_string()
            ],
            "{name}"
        );
    }
    assert!(
        csv.body.contains("\"Élise \"\"Lili\"\", Dupont\""),
        "quoting: {}",
        csv.body
    );
    let total = records.last().unwrap();
    assert_eq!(
        total.iter().collect::<Vec<_>>(),
        [
            "Total",
            "5",
            &edits.to_string(),
            &created.to_string(),
            &edited.to_string(),
            &bytes.to_string()
        ]
    );
    let english = server.get_with(
        &format!("/events/{event}/report.csv"),
        &[("Accept-Language", "en")],
    );
    assert!(english.body.starts_with("Participant,Came through,Edits,"));

    // The same figures as JSON, for scripts.
    let json = server.get(&format!("/api/v1/events/{event}")).json();
    assert_eq!(json["status"], "open");
    assert_eq!(json["target"], "Portail:Lyon");
    assert_eq!(
        json["figures"],
        serde_json::json!({
            "participants": 5,
            "pages_created": created,
            "pages_edited": edited,
            "edits": edits,
            "bytes_added": bytes,
            "photos": 0,
        })
    );
    let listed = json["participants"].as_array().unwrap();
    assert_eq!(listed.len(), 5);
    for (name, (edits, created, pages, bytes)) in &model.per_user {
        let entry = listed.iter().find(|p| p["name"] == name.as_str()).unwrap();
        assert_eq!(entry["via_link"], !name.starts_with('~'), "{name}");
        let numbers = ["edits", "pages_created", "pages_edited", "bytes_added"]
            .map(|key| entry[key].as_i64().unwrap());
        assert_eq!(
            numbers,
            [*edits as i64, *created as i64, pages.len() as i64, *bytes],
            "{name}"
        );
    }
    let missing = server.get(&format!("/api/v1/events/{}", event + 9));
    missing.assert_status(404);
    assert_eq!(missing.json()["error"]["code"], "event_missing");

    // Ended, the event's page is its report: same figures, no stream, no sign-up link.
    let list = animatrice.get(EVENTS);
    animatrice
        .post_form(
            "/events/end",
            &[
                ("csrf_token", &list.field("csrf_token").unwrap()),
                ("id", &event.to_string()),
            ],
        )
        .assert_status(303);
    let report = animatrice.get(&dashboard(event)).text();
    assert!(report.contains("Wiki-journée Lyon : bilan"), "{report}");
    assert!(!report.contains("data-event-stream") && !report.contains("join-link"));
    assert_eq!(figure(&report, "edits"), edits as i64);
    // Edits after the end do not count.
    newcomers[2]
        .edit("Atelier/2", "après la fin", "")
        .assert_status(303);
    assert_eq!(
        figure(&server.get(&dashboard(event)).text(), "edits"),
        edits as i64
    );
}

#[test]
fn sign_up_links_refuse_wrong_tokens_and_events_over() {
    let server = server();
    let mut animatrice = server.account("Animatrice", Role::Animateur);
    let event = open_event(&server, &mut animatrice, "Atelier", "", "");
    let link = join_link(&server, &mut animatrice, event);
    let wrong = format!("/events/{event}/join/{}", "0".repeat(32));
    for (path, what) in [
        (wrong.clone(), "wrong token"),
        (
            format!("/events/{}/join/{}", event + 1, &link[link.len() - 32..]),
            "other event",
        ),
        (
            format!("/events/x/join/{}", &link[link.len() - 32..]),
            "bad id",
        ),
    ] {
        let reply = server.get(&path);
        assert_eq!(reply.status, 404, "{what}: {}", reply.body);
        assert!(
            reply
                .text()
                .contains("Ce lien d'inscription n'est pas valable"),
            "{what}: {}",
            reply.text()
        );
    }
    let english = server.get_with(&wrong, &[("Accept-Language", "en")]);
    assert!(english.text().contains("This sign-up link is not valid"));

    // A genuine form to a wrong link makes no account.
    let mut newcomer = server.browser();
    let form = newcomer.get(&link);
    let before = server.fingerprint();
    let reply = newcomer.post_form(
        &wrong,
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", "Intruse"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(reply.status, 404, "{}", reply.body);
    assert_eq!(server.fingerprint(), before);
    // Bad input comes back on the form with the reason; nothing is saved.
    let reply = newcomer.post_form(
        &link,
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", "Zoé"),
            ("password", "court"),
        ],
    );
    reply.assert_status(400);
    assert!(reply.text().contains("au moins 8 caractères") && reply.body.contains("value=\"Zoé\""));
    let taken = newcomer.post_form(
        &link,
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", "Animatrice"),
            ("password", PASSWORD),
        ],
    );
    taken.assert_status(409);
    assert_eq!(server.fingerprint(), before);

    // Someone logged in joins as themselves with one button.
    let mut member = server.account("Membre", Role::Writer);
    let form = member.get(&link);
    assert!(form.text().contains("Rejoindre en tant que Membre"));
    member
        .post_form(
            &link,
            &[
                ("csrf_token", &form.field("csrf_token").unwrap()),
                ("as_me", "1"),
            ],
        )
        .assert_status(303);
    let page = server.get(&dashboard(event)).text();
    assert_eq!(figure(&page, "participants"), 1);
    assert_eq!(row(&page, "Membre"), [0, 0, 0, 0]);
    // A name a spreadsheet would run as a formula is defused in the CSV.
    drop(join(&server, &link, "=SOMME(1;2)", "192.0.2.44"));
    let csv = server.get(&format!("/events/{event}/report.csv")).body;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|record| record.unwrap()[0].to_owned())
        .collect();
    assert_eq!(names, ["'=SOMME(1;2)", "Membre", "Total"], "{csv}");

    // Over, the link says so.
    let list = animatrice.get(EVENTS);
    animatrice
        .post_form(
            "/events/end",
            &[
                ("csrf_token", &list.field("csrf_token").unwrap()),
                ("id", &event.to_string()),
            ],
        )
        .assert_status(303);
    let reply = server.get(&link);
    assert_eq!(reply.status, 410);
    assert!(reply.text().contains("Cet événement est terminé"));
    // Unknown events: 404 on the page, the stream and the report.
    for path in [
        dashboard(event + 5),
        format!("/events/{}/live", event + 5),
        format!("/events/{}/report.csv", event + 5),
    ] {
        let reply = server.get(&path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(
            reply.text().contains("Cet événement n'existe pas"),
            "{path}"
        );
    }
}

#[test]
fn only_animateurs_see_the_sign_up_link_and_the_report_is_public() {
    let server = server();
    let mut animatrice = server.account("Animatrice", Role::Animateur);
    let event = open_event(
        &server,
        &mut animatrice,
        "Atelier",
        VENUE,
        "Catégorie:Parcs",
    );
    let link = join_link(&server, &mut animatrice, event);
    let token = &link[link.len() - 32..];
    let mut admin = server.account("Admin", Role::Administrator);
    assert!(admin.get(&dashboard(event)).body.contains(token));
    let mut writer = server.account("Plume", Role::Writer);
    for (who, reply) in [
        ("anonymous", server.get(&dashboard(event))),
        ("writer", writer.get(&dashboard(event))),
    ] {
        reply.assert_status(200);
        assert!(!reply.body.contains(token), "{who} sees the sign-up link");
        assert!(!reply.body.contains("192.0.2"), "{who} sees the range");
        assert!(reply.text().contains("Catégorie:Parcs"));
        assert!(reply.body.contains("data-event-stream=\"/events/"));
    }
    assert!(!server.get(EVENTS).body.contains(token));
    // A bad target is refused with the reason, and nothing saved.
    let page = animatrice.get(EVENTS);
    let before = server.store().events(10).unwrap().len();
    let reply = animatrice.post_form(
        "/events",
        &[
            ("csrf_token", &page.field("csrf_token").unwrap()),
            ("name", "Mauvaise cible"),
            ("starts_at", &utc_in(0)),
            ("ends_at", &utc_in(60)),
            ("ip_range", ""),
            ("target", "Accueil"),
        ],
    );
    reply.assert_status(400);
    assert!(
        reply
            .text()
            .contains("La cible doit être une page du portail")
    );
    assert_eq!(server.store().events(10).unwrap().len(), before);
    // A writer still cannot open events.
    let page = writer.get(EVENTS);
    writer
        .post_form(
            "/events",
            &[
                ("csrf_token", &page.field("csrf_token").unwrap()),
                ("name", "Pirate"),
                ("starts_at", &utc_in(0)),
                ("ends_at", &utc_in(60)),
            ],
        )
        .assert_status(403);
}

/// A server-sent events client over a plain socket: collects what arrives.
struct Stream {
    reader: BufReader<TcpStream>,
    seen: String,
}

impl Stream {
    fn open(server: &TestServer, path: &str) -> Stream {
        let address = server.base.strip_prefix("http://").unwrap();
        let mut socket = TcpStream::connect(address).unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        write!(
            socket,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\nAccept-Encoding: gzip\r\n\r\n"
        )
        .unwrap();
        Stream {
            reader: BufReader::new(socket),
            seen: String::new(),
        }
    }

    /// Reads until `until` holds on what has arrived, for at most `timeout`.
    fn wait(&mut self, timeout: Duration, until: impl Fn(&str) -> bool) -> bool {
        let started = Instant::now();
        while started.elapsed() < timeout {
            if until(&self.seen) {
                return true;
            }
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return until(&self.seen),
                Ok(_) => self.seen.push_str(&line),
                Err(error)
                    if matches!(
                        error.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(error) => panic!("stream: {error}"),
            }
        }
        until(&self.seen)
    }

    /// The value of `key` in the last `figures` event received.
    fn last_figure(&self, key: &str) -> Option<i64> {
        last_figure(&self.seen, key)
    }
}

fn last_figure(seen: &str, key: &str) -> Option<i64> {
    let at = seen.rfind("event: figures")?;
    let event = &seen[at..];
    let marker = format!("data-figure=\"{key}\">");
    let start = event.find(&marker)? + marker.len();
    event[start..start + event[start..].find('<')?].parse().ok()
}

#[test]
fn the_live_stream_follows_edits_across_processes_and_ends_with_the_event() {
    let server = server();
    let second = server.start_sharing();
    let mut animatrice = server.account("Animatrice", Role::Animateur);
    let event = open_event(&server, &mut animatrice, "Atelier en direct", "", "");
    let link = join_link(&server, &mut animatrice, event);
    let mut amina = join(&server, &link, "Amina", "192.0.2.10");

    // The stream is served by the other process: only the database is shared.
    let mut stream = Stream::open(&second, &format!("/events/{event}/live"));
    assert!(stream.wait(Duration::from_secs(10), |seen| {
        last_figure(seen, "photos").is_some()
    }));
    let head = &stream.seen[..stream.seen.find("\r\n\r\n").unwrap()].to_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-type: text/event-stream"), "{head}");
    assert!(!head.contains("content-encoding: gzip"), "{head}");
    assert_eq!(stream.last_figure("edits"), Some(0), "{}", stream.seen);
    assert_eq!(stream.last_figure("participants"), Some(1));

    let started = Instant::now();
    amina
        .edit("Atelier/Direct", "Écrit pendant l'atelier.", "")
        .assert_status(303);
    assert!(
        stream.wait(Duration::from_secs(10), |seen| last_figure(seen, "edits")
            == Some(1)),
        "{}",
        stream.seen
    );
    assert_eq!(stream.last_figure("pages-created"), Some(1));
    eprintln!(
        "an edit reached the other process's live dashboard in {:.1?}",
        started.elapsed()
    );

    // Ending the event ends the stream, with the final figures.
    let list = animatrice.get(EVENTS);
    animatrice
        .post_form(
            "/events/end",
            &[
                ("csrf_token", &list.field("csrf_token").unwrap()),
                ("id", &event.to_string()),
            ],
        )
        .assert_status(303);
    assert!(
        stream.wait(Duration::from_secs(10), |seen| seen.contains("event: end")),
        "{}",
        stream.seen
    );
    assert!(stream.seen.contains("data-status=\"past\""));
    // A stream for an event that is over sends the report once and ends.
    let mut again = Stream::open(&server, &format!("/events/{event}/live"));
    assert!(again.wait(Duration::from_secs(10), |seen| {
        seen.contains("event: end\n")
    }));
    assert_eq!(again.last_figure("edits"), Some(1));
}

#[test]
fn the_live_stream_tells_when_the_event_starts() {
    let server = server();
    drop(server.account("Animatrice", Role::Animateur));
    let now = Utc::now();
    let second = |at: chrono::DateTime<Utc>| at.format("%Y-%m-%dT%H:%M:%S").to_string();
    let draft = carnet_core::EventDraft::parse(
        "Bientôt",
        &second(now + chrono::Duration::seconds(3)),
        &second(now + chrono::Duration::hours(1)),
        "",
        now,
    )
    .unwrap();
    let animatrice = server.store().users().unwrap()[0].id;
    let event = server
        .store()
        .create_event(&draft, animatrice, now)
        .unwrap();
    let mut stream = Stream::open(&server, &format!("/events/{event}/live"));
    assert!(
        stream.wait(Duration::from_secs(10), |seen| seen
            .contains("data-status=\"upcoming\"")),
        "{}",
        stream.seen
    );
    // Nothing is saved: the start alone changes what the page says.
    assert!(
        stream.wait(Duration::from_secs(15), |seen| seen
            .contains("data-status=\"open\"")),
        "{}",
        stream.seen
    );
}
