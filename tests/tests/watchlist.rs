//! Watchlists through the real server: the star, automatic watching of one's own
//! edits (a setting), and the changes since the last visit.

use carnet_core::Role;
use carnet_tests::TestServer;

const WATCHLIST: &str = "/wiki/Sp%C3%A9cial:Liste_de_suivi";

#[test]
fn star_own_edits_and_changes_since_last_visit() {
    let server = TestServer::start();
    let mut ines = server.account("Inès", Role::Writer);
    let mut other = server.browser();
    // Her own edit watches the page (the default).
    ines.edit("Jardin", "Le jardin partagé.", "")
        .assert_status(303);
    let page = ines.get("/wiki/Jardin");
    assert!(
        page.body.contains("action=unwatch"),
        "the star shows watched"
    );
    // The star on another page.
    other.edit("Piscine", "La piscine.", "").assert_status(303);
    let token = page.field("csrf_token").unwrap();
    ines.post_form("/wiki/Piscine?action=watch", &[("csrf_token", &token)])
        .assert_status(303);
    assert!(ines.get("/wiki/Piscine").body.contains("action=unwatch"));
    // A first visit lists the last week's changes of watched pages only.
    other
        .edit("Jardin", "Le jardin partagé, ouvert le samedi.", "horaires")
        .assert_status(303);
    other.edit("Gymnase", "Le gymnase.", "").assert_status(303);
    let list = ines.get(WATCHLIST);
    list.assert_status(200);
    let text = list.text();
    assert!(text.contains("horaires"), "{text}");
    assert!(!text.contains("Gymnase"));
    assert!(text.contains("Piscine") && text.contains("Jardin"));
    // The next visit shows only what changed since.
    let list = ines.get(WATCHLIST);
    assert!(list.text().contains("Rien de nouveau"), "{}", list.text());
    other
        .edit("Piscine", "La piscine, rouverte.", "réouverture")
        .assert_status(303);
    let list = ines.get(WATCHLIST);
    assert!(list.text().contains("réouverture") && !list.text().contains("horaires"));
    // Unwatching.
    ines.post_form("/wiki/Piscine?action=unwatch", &[("csrf_token", &token)])
        .assert_status(303);
    assert!(ines.get("/wiki/Piscine").body.contains("action=watch"));
    // The setting: her own edits no longer add pages.
    ines.post_form(WATCHLIST, &[("csrf_token", &token), ("do", "settings")])
        .assert_status(303);
    ines.edit("Biblioth%C3%A8que", "La bibliothèque.", "")
        .assert_status(303);
    assert!(
        ines.get("/wiki/Biblioth%C3%A8que")
            .body
            .contains("action=watch")
    );
    // Logged out: no star, and the watchlist asks to log in; forged posts are refused.
    let mut reader = server.browser();
    assert!(!reader.get("/wiki/Jardin").body.contains("action=watch"));
    reader.get(WATCHLIST).assert_status(401);
    let reply = ines.post_form("/wiki/Gymnase?action=watch", &[("csrf_token", "0000")]);
    reply.assert_status(403);
}
