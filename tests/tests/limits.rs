//! Rate limits and workshop event windows through the real server, with tiny limits.
//! Client addresses are set with `X-Forwarded-For` (the servers here trust it, as
//! behind a reverse proxy).

use carnet_core::{EventDraft, Limit, LimitPolicy, Role, UserName, parse_time};
use carnet_tests::{Browser, Reply, TestServer};
use carnet_web::LimitConfig;
use chrono::{Duration, Utc};

const EVENTS: &str = "/wiki/Sp%C3%A9cial:%C3%89v%C3%A9nements";
const PASSWORD: &str = "une phrase de passe";
const WORKSHOP_IP: &str = "203.0.113.50";

/// Every limit off but those `edit` sets; events multiply per-IP limits by 30.
fn config(edit: impl FnOnce(&mut LimitPolicy)) -> LimitConfig {
    let mut policy = LimitPolicy::off();
    policy.event_factor = 30;
    edit(&mut policy);
    LimitConfig {
        policy,
        trust_proxy: true,
    }
}

fn from<'a>(server: &'a TestServer, ip: &str) -> Browser<'a> {
    server.browser().with_header("X-Forwarded-For", ip)
}

#[track_caller]
fn assert_limited(reply: &Reply, message: &str) -> u64 {
    reply.assert_status(429);
    let wait: u64 = reply
        .header("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After: {:?}", reply.headers))
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "Retry-After: {wait}");
    assert!(reply.text().contains(message), "{}", reply.text());
    wait
}

fn signup(browser: &mut Browser<'_>, name: &str) -> Reply {
    let form = browser.get("/account/signup");
    browser.post_form(
        "/account/signup",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", name),
            ("password", PASSWORD),
        ],
    )
}

fn login(browser: &mut Browser<'_>, name: &str, password: &str) -> Reply {
    let form = browser.get("/account/login");
    browser.post_form(
        "/account/login",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", name),
            ("password", password),
        ],
    )
}

/// A logged-in browser whose account has `role`.
fn account<'a>(server: &'a TestServer, name: &str, role: Role, ip: &str) -> Browser<'a> {
    let mut browser = from(server, ip);
    signup(&mut browser, name).assert_status(303);
    assert!(
        server
            .store()
            .set_role(&UserName::parse(name).unwrap(), role, None, "test")
            .unwrap()
    );
    browser
}

/// `YYYY-MM-DDTHH:MM`, UTC, `minutes` from now.
fn utc_in(minutes: i64) -> String {
    (Utc::now() + Duration::minutes(minutes))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

fn post_event(browser: &mut Browser<'_>, name: &str, start: &str, end: &str, range: &str) -> Reply {
    let page = browser.get(EVENTS);
    page.assert_status(200);
    browser.post_form(
        "/events",
        &[
            ("csrf_token", &page.field("csrf_token").unwrap()),
            ("name", name),
            ("starts_at", start),
            ("ends_at", end),
            ("ip_range", range),
        ],
    )
}

fn page_text(server: &TestServer, title: &str) -> Option<String> {
    let reply = server.get(&format!("/api/v1/pages/{title}"));
    match reply.status {
        200 => Some(reply.json()["text"].as_str().unwrap().to_owned()),
        404 => None,
        other => panic!("status {other}: {}", reply.body),
    }
}

#[test]
fn saves_are_limited_per_address_in_html_and_json() {
    let server = TestServer::start_with_limits(config(|p| {
        p.saves_per_ip = Limit::new(3, 3600);
    }));
    let mut browser = from(&server, "198.51.100.7");
    for round in 1..=3 {
        browser
            .edit("Brouillon", &format!("version {round}"), "")
            .assert_status(303);
    }
    let refused = browser.edit("Brouillon", "version 4", "");
    assert_limited(&refused, "Trop de modifications en peu de temps");
    // The text is shown back, not lost, and nothing was saved.
    assert_eq!(refused.field("text").as_deref(), Some("version 4"));
    assert_eq!(
        page_text(&server, "Brouillon").as_deref(),
        Some("version 3")
    );

    let mut english = from(&server, "198.51.100.7").with_header("Accept-Language", "en");
    assert_limited(
        &english.edit("Brouillon", "version 5", ""),
        "Too many edits in a short time",
    );

    // The JSON API: same counter, a JSON error, Retry-After.
    let put = |language: &str| {
        server.send(
            "PUT",
            "/api/v1/pages/Brouillon",
            &[
                ("Content-Type", "application/json"),
                ("X-Forwarded-For", "198.51.100.7"),
                ("Accept-Language", language),
            ],
            &serde_json::json!({"text": "par l'API", "base_revision": null}).to_string(),
        )
    };
    let reply = put("fr");
    reply.assert_status(429);
    assert!(reply.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    let error = &reply.json()["error"];
    assert_eq!(error["code"], "rate_limited");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("Trop de modifications"),
        "{error}"
    );
    let reply = put("en");
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Too many edits"),
    );
    assert_eq!(
        page_text(&server, "Brouillon").as_deref(),
        Some("version 3")
    );

    // Another address has its own counter.
    from(&server, "198.51.100.8")
        .edit("Brouillon", "d'ailleurs", "")
        .assert_status(303);
}

#[test]
fn saves_are_limited_per_account_whatever_the_address() {
    let server = TestServer::start_with_limits(config(|p| {
        p.saves_per_account = Limit::new(2, 3600);
    }));
    let mut lea = account(&server, "Léa", Role::Writer, "192.0.2.1");
    lea.edit("Carnet_de_Lea", "un", "").assert_status(303);
    lea.edit("Carnet_de_Lea", "deux", "").assert_status(303);
    let mut lea_elsewhere = from(&server, "198.51.100.99");
    lea_elsewhere.set_cookie("carnet_session", lea.cookie("carnet_session").unwrap());
    assert_limited(
        &lea_elsewhere.edit("Carnet_de_Lea", "trois", ""),
        "Trop de modifications",
    );
    assert_eq!(page_text(&server, "Carnet_de_Lea").as_deref(), Some("deux"));
    // Someone else on Léa's connection is not affected.
    let mut paul = account(&server, "Paul", Role::Writer, "192.0.2.1");
    paul.edit("Carnet_de_Lea", "Paul passe", "")
        .assert_status(303);
}

#[test]
fn page_creations_are_limited_but_saves_to_existing_pages_go_on() {
    let server = TestServer::start_with_limits(config(|p| {
        p.creations_per_ip = Limit::new(2, 3600);
        p.creations_per_account = Limit::new(1, 3600);
    }));
    let mut anonymous = from(&server, "198.51.100.20");
    anonymous.edit("Page_A", "a", "").assert_status(303);
    anonymous.edit("Page_B", "b", "").assert_status(303);
    let refused = anonymous.edit("Page_C", "c", "");
    assert_limited(&refused, "Trop de pages créées en peu de temps");
    assert_eq!(page_text(&server, "Page_C"), None);
    anonymous
        .edit("Page_A", "a modifiée", "")
        .assert_status(303);

    let mut nora = account(&server, "Nora", Role::Writer, "198.51.100.21");
    nora.edit("Page_de_Nora", "1", "").assert_status(303);
    let mut english = from(&server, "198.51.100.22").with_header("Accept-Language", "en");
    english.set_cookie("carnet_session", nora.cookie("carnet_session").unwrap());
    assert_limited(
        &english.edit("Autre_page_de_Nora", "2", ""),
        "Too many pages created in a short time",
    );
    assert_eq!(page_text(&server, "Autre_page_de_Nora"), None);
}

#[test]
fn signups_are_limited_per_address() {
    let server = TestServer::start_with_limits(config(|p| {
        p.signups_per_ip = Limit::new(2, 3600);
    }));
    let mut browser = from(&server, "198.51.100.30");
    signup(&mut browser, "Une").assert_status(303);
    browser.forget_cookies();
    signup(&mut browser, "Deux").assert_status(303);
    browser.forget_cookies();
    let refused = signup(&mut browser, "Trois");
    assert_limited(
        &refused,
        "Trop de comptes ont été créés depuis cette connexion",
    );
    assert_eq!(refused.field("name").as_deref(), Some("Trois"));
    let mut english = from(&server, "198.51.100.30").with_header("Accept-Language", "en");
    assert_limited(
        &signup(&mut english, "Four"),
        "Too many accounts were created",
    );
    let names: Vec<String> = server
        .store()
        .users()
        .unwrap()
        .iter()
        .map(|user| user.name.to_string())
        .collect();
    assert_eq!(names, ["Deux", "Une"]);
    signup(&mut from(&server, "198.51.100.31"), "Trois").assert_status(303);
}

#[test]
fn login_brute_force_is_throttled_per_account() {
    let server = TestServer::start_with_limits(config(|p| {
        p.login_failures_per_account = Limit::new(3, 15 * 60);
    }));
    let mut owner = from(&server, "192.0.2.40");
    signup(&mut owner, "Yann").assert_status(303);

    // Two failures, then the right password: the name's failures are forgotten.
    let mut attacker = from(&server, "198.51.100.41");
    login(&mut attacker, "Yann", "mauvais 1").assert_status(401);
    login(&mut attacker, "yann", "mauvais 2").assert_status(401);
    login(&mut from(&server, "192.0.2.40"), "Yann", PASSWORD).assert_status(303);

    // Three failures from three addresses (and both spellings of the name)…
    for (n, ip) in ["198.51.100.41", "198.51.100.42", "198.51.100.43"]
        .iter()
        .enumerate()
    {
        let name = if n % 2 == 0 { "Yann" } else { "yann" };
        login(&mut from(&server, ip), name, "mauvais").assert_status(401);
    }
    // …and the account is closed to logins for a while, even with the right password.
    let refused = login(&mut from(&server, "192.0.2.40"), "Yann", PASSWORD);
    assert_limited(&refused, "Trop de tentatives de connexion ont échoué");
    assert!(refused.set_cookie_line("carnet_session").is_none());
    let english = login(
        &mut from(&server, "192.0.2.40").with_header("Accept-Language", "en"),
        "Yann",
        PASSWORD,
    );
    assert_limited(&english, "Too many failed logins");
    // Other accounts are not affected.
    let mut other = from(&server, "198.51.100.41");
    signup(&mut other, "Zoé").assert_status(303);
    login(&mut from(&server, "198.51.100.41"), "Zoé", PASSWORD).assert_status(303);
}

#[test]
fn login_brute_force_is_throttled_per_address() {
    let server = TestServer::start_with_limits(config(|p| {
        p.login_failures_per_ip = Limit::new(3, 15 * 60);
    }));
    signup(&mut from(&server, "192.0.2.50"), "Maëlle").assert_status(303);
    let attacker = "198.51.100.50";
    for name in ["Maëlle", "Personne", "Quelqu'un"] {
        login(&mut from(&server, attacker), name, "devine").assert_status(401);
    }
    assert_limited(
        &login(&mut from(&server, attacker), "Maëlle", PASSWORD),
        "Trop de tentatives de connexion",
    );
    // The account itself is fine from elsewhere.
    login(&mut from(&server, "192.0.2.50"), "Maëlle", PASSWORD).assert_status(303);
}

/// Thirty newcomers behind the workshop's one public address each create a page.
fn workshop_round(server: &TestServer, round: &str) -> (usize, usize) {
    let (mut saved, mut refused) = (0, 0);
    for n in 1..=30 {
        let mut newcomer = from(server, WORKSHOP_IP);
        let reply = newcomer.edit(
            &format!("Atelier/{round}_{n}"),
            &format!("Je suis la personne {n}."),
            "",
        );
        match reply.status {
            303 => saved += 1,
            429 => refused += 1,
            other => panic!("status {other}: {}", reply.body),
        }
    }
    (saved, refused)
}

fn workshop_limits() -> LimitConfig {
    config(|p| {
        p.saves_per_ip = Limit::new(5, 3600);
        p.creations_per_ip = Limit::new(5, 3600);
        p.saves_per_account = Limit::new(3, 3600);
    })
}

#[test]
fn an_event_window_lets_a_workshop_write_from_one_address() {
    let server = TestServer::start_with_limits(workshop_limits());
    assert_eq!(workshop_round(&server, "avant"), (5, 25));

    let mut animatrice = account(&server, "Camille", Role::Animateur, "192.0.2.60");
    let opened = post_event(
        &mut animatrice,
        "Wiki-journée à la médiathèque",
        &utc_in(-1),
        &utc_in(8 * 60),
        "203.0.113.0/24",
    );
    opened.assert_status(303);
    assert_eq!(
        opened.header("location"),
        Some(format!("{EVENTS}?notice=created").as_str())
    );
    let listing = animatrice.get(EVENTS);
    assert!(listing.text().contains("Wiki-journée à la médiathèque"));
    assert!(listing.text().contains("203.0.113.0/24"));
    // Addresses are shown to those who manage events only.
    let public = server.get(EVENTS);
    assert!(public.text().contains("Wiki-journée à la médiathèque"));
    assert!(!public.text().contains("203.0.113"), "{}", public.text());

    assert_eq!(workshop_round(&server, "pendant"), (30, 0));
    assert_eq!(
        page_text(&server, "Atelier/pendant_30").as_deref(),
        Some("Je suis la personne 30.")
    );

    // Per-account limits still apply during the event.
    let mut lucas = account(&server, "Lucas", Role::Writer, WORKSHOP_IP);
    for n in 1..=3 {
        lucas
            .edit("Atelier/Lucas", &format!("essai {n}"), "")
            .assert_status(303);
    }
    assert_limited(
        &lucas.edit("Atelier/Lucas", "essai 4", ""),
        "Trop de modifications",
    );

    // Ended early, the event relaxes nothing any more.
    let page = animatrice.get(EVENTS);
    let id = server.store().events(10).unwrap()[0].id.to_string();
    let ended = animatrice.post_form(
        "/events/end",
        &[
            ("csrf_token", &page.field("csrf_token").unwrap()),
            ("id", &id),
        ],
    );
    ended.assert_status(303);
    assert!(animatrice.get(EVENTS).text().contains("(terminé le"));
    assert_eq!(workshop_round(&server, "apres").0, 0);
}

#[test]
fn an_event_for_other_addresses_or_already_over_does_not_relax() {
    let server = TestServer::start_with_limits(workshop_limits());
    let mut admin = account(&server, "Alix", Role::Administrator, "192.0.2.70");
    post_event(
        &mut admin,
        "Atelier au lycée",
        &utc_in(-5),
        &utc_in(60),
        "192.0.2.0/24",
    )
    .assert_status(303);
    // An event over by now (recorded directly: the form refuses ends in the past).
    let long_ago = parse_time("2020-01-01T08:00").unwrap();
    let expired = EventDraft::parse(
        "Atelier de 2020",
        "2020-01-01T09:00",
        "2020-01-01T17:00",
        "",
        long_ago,
    )
    .unwrap();
    let admin_id = server
        .store()
        .users()
        .unwrap()
        .into_iter()
        .find(|user| user.name.as_str() == "Alix")
        .unwrap()
        .id;
    server
        .store()
        .create_event(&expired, admin_id, long_ago)
        .unwrap();
    let listing = admin.get(EVENTS).text();
    assert!(listing.contains("Atelier de 2020") && listing.contains("Passés"));

    assert_eq!(workshop_round(&server, "dehors"), (5, 25));
    // From inside the range, the per-address limits are relaxed: twelve newcomers (each
    // a temporary identity, limited on its own too) all save.
    for n in 1..=12 {
        let mut newcomer = from(&server, "192.0.2.71");
        newcomer
            .edit(&format!("Lycee/{n}"), "texte", "")
            .assert_status(303);
    }
}

#[test]
fn only_animateurs_and_administrators_manage_events() {
    let server = TestServer::start_with_limits(workshop_limits());
    let (start, end) = (utc_in(0), utc_in(120));

    let mut anonymous = from(&server, "192.0.2.80");
    let page = anonymous.get(EVENTS);
    page.assert_status(200);
    assert!(page.field("starts_at").is_none(), "no form for readers");
    assert!(page.text().contains("Seuls les animateurs"));
    let refused = anonymous.post_form(
        "/events",
        &[
            (
                "csrf_token",
                anonymous.cookie("carnet_csrf").unwrap().to_owned().as_str(),
            ),
            ("name", "Pirate"),
            ("starts_at", &start),
            ("ends_at", &end),
        ],
    );
    refused.assert_status(403);
    assert!(
        refused
            .text()
            .contains("Seuls les animateurs, animatrices et administrateurs peuvent ouvrir")
    );

    let mut writer = account(&server, "Rédactrice", Role::Writer, "192.0.2.81");
    writer.get(EVENTS);
    let refused = writer.post_form(
        "/events",
        &[
            (
                "csrf_token",
                writer.cookie("carnet_csrf").unwrap().to_owned().as_str(),
            ),
            ("name", "Pirate"),
            ("starts_at", &start),
            ("ends_at", &end),
        ],
    );
    refused.assert_status(403);
    let mut english =
        account(&server, "Writer", Role::Writer, "192.0.2.82").with_header("Accept-Language", "en");
    let refused = post_event(&mut english, "Pirate", &start, &end, "");
    refused.assert_status(403);
    assert!(
        refused
            .text()
            .contains("Only facilitators (animateurs) and administrators")
    );
    assert!(server.store().events(10).unwrap().is_empty());

    // Bad input: 400, a translated reason, what was typed kept, nothing saved.
    let mut animateur = account(&server, "Dominique", Role::Animateur, "192.0.2.83");
    for (name, from_time, to_time, range, message) in [
        (
            "Atelier",
            end.as_str(),
            start.as_str(),
            "",
            "La fin doit venir après le début",
        ),
        (
            "Atelier",
            start.as_str(),
            end.as_str(),
            "192.0.2.0/33",
            "La plage d'adresses n'est ni",
        ),
        (
            "Atelier",
            start.as_str(),
            end.as_str(),
            "le CDI",
            "La plage d'adresses n'est ni",
        ),
        (
            &"x".repeat(101),
            start.as_str(),
            end.as_str(),
            "",
            "trop long (100 caractères",
        ),
        ("", start.as_str(), end.as_str(), "", "Donnez un nom"),
        (
            "Atelier",
            "demain matin",
            end.as_str(),
            "",
            "Le début n'est pas une date",
        ),
        (
            "Atelier",
            start.as_str(),
            "2020-01-01T10:00",
            "",
            "La fin doit venir après",
        ),
    ] {
        let reply = post_event(&mut animateur, name, from_time, to_time, range);
        reply.assert_status(400);
        assert!(
            reply.text().contains(message),
            "{message}: {}",
            reply.text()
        );
        assert_eq!(reply.field("ip_range").as_deref(), Some(range));
    }
    let mut english = from(&server, "192.0.2.83").with_header("Accept-Language", "en");
    english.set_cookie(
        "carnet_session",
        animateur.cookie("carnet_session").unwrap(),
    );
    let reply = post_event(&mut english, "Workshop", &start, &end, "not a range");
    reply.assert_status(400);
    assert!(
        reply
            .text()
            .contains("neither an IP address nor a CIDR network")
    );
    assert!(server.store().events(10).unwrap().is_empty());

    post_event(&mut animateur, "Atelier", &start, &end, "2001:db8::/48").assert_status(303);
    let mut admin = account(&server, "Alix", Role::Administrator, "192.0.2.84");
    post_event(&mut admin, "Formation", &start, &end, "").assert_status(303);
    let events = server.store().events(10).unwrap();
    assert_eq!(events.len(), 2);

    // Ending one is also theirs alone; an unknown event is a 404.
    let id = events[0].id.to_string();
    let page = writer.get(EVENTS);
    assert!(!page.text().contains("Terminer maintenant"));
    writer
        .post_form(
            "/events/end",
            &[
                ("csrf_token", &page.field("csrf_token").unwrap()),
                ("id", &id),
            ],
        )
        .assert_status(403);
    let page = admin.get(EVENTS);
    assert!(page.text().contains("Terminer maintenant"));
    let token = page.field("csrf_token").unwrap();
    admin
        .post_form("/events/end", &[("csrf_token", &token), ("id", "999999")])
        .assert_status(404);
    admin
        .post_form("/events/end", &[("csrf_token", &token), ("id", &id)])
        .assert_status(303);
    assert!(
        server.store().events(10).unwrap()[0]
            .window
            .ended_at
            .is_some()
    );
}
