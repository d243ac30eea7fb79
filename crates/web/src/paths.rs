//! The URLs of Carnet, built in one place so links and routes agree.

use carnet_core::Title;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::i18n::Lang;

/// The title of the page `/` leads to.
pub const MAIN_PAGE: &str = "Accueil";

/// `/wiki/Title`.
pub fn page(title: &Title) -> String {
    format!("/wiki/{}", title.url_encoded())
}

/// `/wiki/Title?action=…`.
pub fn action(title: &Title, action: &str) -> String {
    format!("/wiki/{}?action={action}", title.url_encoded())
}

/// An old revision of a page.
pub fn old_revision(title: &Title, id: i64) -> String {
    format!("/wiki/{}?oldid={id}", title.url_encoded())
}

/// The diff between two revisions of a page.
pub fn diff(title: &Title, from: i64, to: i64) -> String {
    format!(
        "/wiki/{}?action=diff&from={from}&to={to}",
        title.url_encoded()
    )
}

/// The special page listing what links to a page.
pub fn links_here(title: &Title) -> String {
    format!(
        "/wiki/Sp%C3%A9cial:Pages_li%C3%A9es/{}",
        title.url_encoded()
    )
}

/// The live editing WebSocket of a page (y-websocket protocol).
pub fn live(title: &Title) -> String {
    format!("/api/v1/pages/{}/live", title.url_encoded())
}

/// The "page changed" event stream of a page, after revision `since` (none: a page
/// being created).
pub fn changes(title: &Title, since: Option<i64>) -> String {
    let stream = format!("/api/v1/pages/{}/changes", title.url_encoded());
    match since {
        Some(id) => format!("{stream}?since={id}"),
        None => stream,
    }
}

/// Where the editor asks for previews.
pub const RENDER: &str = "/api/v1/render";

/// The main page after following a redirect, saying where from.
pub fn redirected(target: &Title, fragment: Option<&str>, from: &Title) -> String {
    let fragment = fragment
        .map(|f| {
            format!(
                "#{}",
                utf8_percent_encode(&f.replace(' ', "_"), NON_ALPHANUMERIC)
            )
        })
        .unwrap_or_default();
    format!(
        "/wiki/{}?rdfrom={}{fragment}",
        target.url_encoded(),
        from.url_encoded()
    )
}

/// A page shown without following its redirect.
pub fn no_redirect(title: &Title) -> String {
    format!("/wiki/{}?redirect=no", title.url_encoded())
}

/// A page with a notice shown after a save.
pub fn with_notice(title: &Title, notice: &str) -> String {
    format!("/wiki/{}?notice={notice}", title.url_encoded())
}

/// The language switcher, coming back to `return_to`.
pub fn language_switch(lang: Lang, return_to: &str) -> String {
    format!(
        "/language/{}?return={}",
        lang.code(),
        utf8_percent_encode(return_to, NON_ALPHANUMERIC)
    )
}

/// Only local paths may be redirected to (no open redirect to another site).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

/// A person's contributions: `Spécial:Contributions/Name`.
pub fn contributions(name: &str) -> String {
    format!(
        "/wiki/Sp%C3%A9cial:Contributions/{}",
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
    )
}

/// An event's dashboard (and, once it is over, its report).
pub fn event(id: i64) -> String {
    Title::parse(&format!("Spécial:Événements/{id}"))
        .map(|title| page(&title))
        .unwrap_or_else(|_| "/".to_owned())
}

/// An event's sign-up link (relative: the page shows it with the site's address).
pub fn event_join(id: i64, token: &str) -> String {
    format!("/events/{id}/join/{token}")
}

/// An event's live figures (server-sent events).
pub fn event_stream(id: i64) -> String {
    format!("/events/{id}/live")
}

/// An event's report as CSV.
pub fn event_csv(id: i64) -> String {
    format!("/events/{id}/report.csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded() {
        let title = Title::parse("Café & co").unwrap();
        assert_eq!(page(&title), "/wiki/Caf%C3%A9_%26_co");
        assert_eq!(action(&title, "edit"), "/wiki/Caf%C3%A9_%26_co?action=edit");
        assert_eq!(event(12), "/wiki/Sp%C3%A9cial:%C3%89v%C3%A9nements/12");
        assert_eq!(
            language_switch(Lang::En, "/wiki/A?action=edit"),
            "/language/en?return=%2Fwiki%2FA%3Faction%3Dedit"
        );
    }

    #[test]
    fn only_local_redirects() {
        assert!(is_local_path("/wiki/Accueil"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/\\evil.example"));
    }
}
