//! The HTML views' data, shaped for askama templates in `web/templates/`.
//!
//! Everything a template shows is computed here (URLs, translated labels), so templates
//! stay free of logic and of UI text.

use askama::Template;
use carnet_core::{Diff, DiffLine, LineKind, Title};

use crate::i18n::{Lang, Tr};
use crate::paths;

/// What every page's frame needs.
pub struct Chrome {
    pub page_title: String,
    /// The logged-in user, for the account menu.
    pub user_name: Option<String>,
    /// That user is a temporary identity: offer to log in or sign up, not a password.
    pub temporary: bool,
    /// The CSRF token of the logout form in the header.
    pub csrf: String,
    pub stylesheet_href: &'static str,
    /// The search box's suggestions script.
    pub search_script_href: &'static str,
    pub main_page_href: String,
    pub lang_links: Vec<LangLink>,
}

pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

impl Chrome {
    /// `return_to` is the local URL the language switcher comes back to.
    pub fn new(
        tr: Tr<'_>,
        main_page: &Title,
        page_title: String,
        return_to: &str,
        user_name: Option<&str>,
        csrf: &str,
    ) -> Chrome {
        let lang_links = Lang::ALL
            .iter()
            .map(|lang| LangLink {
                code: lang.code(),
                name: lang.native_name(),
                href: paths::language_switch(*lang, return_to),
                current: *lang == tr.lang(),
            })
            .collect();
        Chrome {
            page_title,
            user_name: user_name.map(str::to_owned),
            temporary: false,
            csrf: csrf.to_owned(),
            stylesheet_href: crate::STYLESHEET_HREF.as_str(),
            search_script_href: crate::search::SCRIPT_HREF.as_str(),
            main_page_href: main_page.url_encoded(),
            lang_links,
        }
    }
}

/// The Read / Edit / History tabs of a page.
pub struct Tabs {
    pub title: String,
    pub view_href: String,
    pub edit_href: String,
    pub history_href: String,
    pub links_here_href: String,
    pub exists: bool,
    pub editable: bool,
    pub active: &'static str,
    /// Moderation links this reader may use (protect, delete, move…).
    pub tools: Vec<LinkView>,
    /// The watchlist star, for people with an account or a temporary identity.
    pub watch: Option<crate::watch::WatchButton>,
    /// The talk page (or, on a talk page, the page it is about) and whether that is the
    /// talk side.
    pub talk_href: Option<String>,
    pub on_talk: bool,
    /// "Nouvelle section", on talk pages.
    pub new_section_href: Option<String>,
}

impl Tabs {
    pub fn new(title: &Title, exists: bool, active: &'static str) -> Tabs {
        Tabs {
            title: title.to_string(),
            view_href: paths::page(title),
            edit_href: paths::action(title, "edit"),
            history_href: paths::action(title, "history"),
            links_here_href: paths::links_here(title),
            exists,
            editable: title.namespace().is_editable(),
            active,
            tools: Vec::new(),
            watch: None,
            talk_href: title.namespace().is_editable().then(|| {
                if title.namespace() == carnet_core::Namespace::Talk {
                    paths::page(&title.subject())
                } else {
                    paths::page(&title.talk())
                }
            }),
            on_talk: title.namespace() == carnet_core::Namespace::Talk,
            new_section_href: (title.namespace() == carnet_core::Namespace::Talk)
                .then(|| paths::action(title, "newsection")),
        }
    }
}

#[derive(Template)]
#[template(path = "page.html")]
pub struct PageView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub tabs: Tabs,
    pub html: String,
    pub notice: Option<String>,
    /// The protection in force, if any.
    pub protection: Option<String>,
    pub last_modified: String,
    pub old: Option<OldRevision>,
    pub csrf: String,
    /// "(Redirigé depuis X)" with a link to X itself.
    pub redirected_from: Option<LinkView>,
    pub categories: Vec<LinkView>,
    pub category_listing: Option<CategoryListing>,
    /// A portal's curated blocks (`portals.rs`).
    pub portal: Option<crate::portals::PortalPanel>,
    /// A file page's file: picture, fields, history, pages using it (`media.rs`).
    pub file: Option<crate::media::FilePanel>,
}

/// A link to a page, red when the page does not exist.
#[derive(Clone)]
pub struct LinkView {
    pub href: String,
    pub label: String,
    pub missing: bool,
}

impl LinkView {
    pub fn to(title: &Title, exists: bool) -> LinkView {
        LinkView {
            href: if exists {
                paths::page(title)
            } else {
                paths::action(title, "edit")
            },
            label: title.to_string(),
            missing: !exists,
        }
    }
}

/// The members of a category, on the category's page.
pub struct CategoryListing {
    /// The loop of categories this one is part of (first repeated last), if any.
    pub cycle: Vec<LinkView>,
    /// This category's branch of the category tree.
    pub tree_href: String,
    pub subcategories: Vec<LinkView>,
    pub pages: Vec<LinkView>,
    pub next_href: Option<String>,
}

/// A list of pages produced by Carnet (wanted pages, what links here…).
#[derive(Template)]
#[template(path = "special.html")]
pub struct SpecialView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub heading: String,
    pub help: Option<String>,
    pub items: Vec<(LinkView, String)>,
    /// The next slice of a long list.
    pub next_href: Option<String>,
}

/// The banner and actions shown on an old revision.
pub struct OldRevision {
    pub banner: String,
    pub oldid: i64,
    pub current_href: String,
    pub diff_href: String,
    pub restore_action: Option<String>,
}

#[derive(Template)]
#[template(path = "missing.html")]
pub struct MissingView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub tabs: Tabs,
    /// When the page was deleted: its log entries (who, when, why).
    pub deletion_log: Vec<String>,
    /// A missing `Fichier:` page: "Téléverser ce fichier".
    pub upload_href: Option<String>,
}

#[derive(Template)]
#[template(path = "edit.html")]
pub struct EditView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub tabs: Tabs,
    pub heading: String,
    pub form_action: String,
    pub csrf: String,
    pub base_revision: String,
    pub text: String,
    pub summary: String,
    pub minor: bool,
    pub problem: Option<String>,
    pub preview_html: Option<String>,
    /// "Vous écrivez en tant que X" with a session (else the temporary identity notice).
    pub writing_as: Option<String>,
    pub old_warning: bool,
    pub conflict: Option<ConflictView>,
    /// What the live editor's script needs (`data-` attributes of the form).
    pub editor: crate::editor::EditorData,
    /// The "page changed since you opened it" event stream after the form's base
    /// revision, and the small script that listens to it.
    pub changes_href: String,
    pub stale_script_href: &'static str,
    /// Where animateurs and administrators end the live session and lock the notes.
    pub lock_action: Option<String>,
}

/// The conflict screen: what the others changed next to what the writer changed (both
/// from the writer's starting revision), above the merged text to correct and save.
pub struct ConflictView {
    pub explanation: String,
    /// The others' changes, then the writer's (or, when the starting revision cannot be
    /// shown, one diff from the saved revision to the writer's).
    pub sides: Vec<ConflictSide>,
    /// The comparison of the starting and the saved revisions on the diff page.
    pub diff_href: Option<String>,
    pub theirs_heading: String,
    pub theirs_text: String,
    pub mine_text: String,
}

pub struct ConflictSide {
    pub heading: String,
    pub diff: DiffView,
}

#[derive(Template)]
#[template(path = "history.html")]
pub struct HistoryView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub tabs: Tabs,
    pub heading: String,
    /// Protection in force, deletion: what moderators decided about the page.
    pub notices: Vec<String>,
    pub rows: Vec<HistoryRow>,
    pub older_href: Option<String>,
    pub newest_href: Option<String>,
    /// One-click rollback of the last author's edits (animateurs and administrators).
    pub rollback: Option<RollbackButton>,
    /// The page's entries in the public log (protection, deletion, moves).
    pub log: Vec<String>,
}

pub struct RollbackButton {
    pub action: String,
    pub csrf: String,
    pub author: String,
    pub label: String,
}

pub struct HistoryRow {
    pub id: i64,
    /// Whether this reader may open the revision (hidden text, deletion).
    pub readable: bool,
    pub hidden: bool,
    pub deleted: bool,
    /// Administrators: hide or show again the text.
    pub hide_href: Option<String>,
    /// Administrators: block the author.
    pub block_href: Option<String>,
    pub author_href: String,
    pub date: String,
    pub old_href: String,
    pub cur_href: Option<String>,
    pub prev_href: Option<String>,
    pub author: String,
    pub size_label: String,
    pub delta_label: String,
    pub delta_class: &'static str,
    pub minor: bool,
    pub comment: String,
    pub from_checked: bool,
    pub to_checked: bool,
}

#[derive(Template)]
#[template(path = "diff.html")]
pub struct DiffPageView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub tabs: Tabs,
    pub heading: String,
    pub from_label: String,
    pub from_href: String,
    pub from_comment: Option<String>,
    pub to_label: String,
    pub to_href: String,
    pub to_comment: Option<String>,
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
    pub side_href: String,
    pub inline_href: String,
    pub diff: DiffView,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    /// "signup", "login" or "password".
    pub mode: &'static str,
    pub heading: String,
    pub intro: Option<String>,
    pub problem: Option<String>,
    pub notice: Option<String>,
    pub show_form: bool,
    pub action: &'static str,
    pub csrf: String,
    pub name: String,
    pub return_to: String,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub message: String,
}

/// A diff ready to print, in one of the two layouts.
#[derive(Clone)]
pub struct DiffView {
    pub side_by_side: bool,
    /// The column headings of the side-by-side layout.
    pub old_label: String,
    pub new_label: String,
    pub counts: String,
    pub hunks: Vec<HunkView>,
}

#[derive(Clone)]
pub struct HunkView {
    pub label: String,
    /// Side-by-side rows.
    pub rows: Vec<RowView>,
    /// Inline lines.
    pub lines: Vec<LineView>,
}

#[derive(Clone)]
pub struct RowView {
    pub left: Option<LineView>,
    pub right: Option<LineView>,
}

#[derive(Clone)]
pub struct LineView {
    pub old_number: String,
    pub new_number: String,
    pub class: &'static str,
    pub marker: &'static str,
    pub segments: Vec<SegmentView>,
}

#[derive(Clone)]
pub struct SegmentView {
    pub text: String,
    pub emphasized: bool,
}

impl DiffView {
    pub fn new(tr: Tr<'_>, diff: &Diff, side_by_side: bool) -> DiffView {
        let (inserted, deleted) = diff.line_counts();
        let counts = tr.t_with(
            "diff-counts",
            &[
                ("inserted", fluent_bundle::FluentValue::from(inserted)),
                ("deleted", fluent_bundle::FluentValue::from(deleted)),
            ],
        );
        let hunks = diff
            .hunks
            .iter()
            .map(|hunk| HunkView {
                label: tr.t_with(
                    "diff-hunk",
                    &[
                        ("old", fluent_bundle::FluentValue::from(hunk.old_start)),
                        ("new", fluent_bundle::FluentValue::from(hunk.new_start)),
                    ],
                ),
                rows: if side_by_side {
                    hunk.side_by_side()
                        .iter()
                        .map(|row| RowView {
                            left: row.left.as_ref().map(LineView::new),
                            right: row.right.as_ref().map(LineView::new),
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                lines: if side_by_side {
                    Vec::new()
                } else {
                    hunk.lines.iter().map(LineView::new).collect()
                },
            })
            .collect();
        DiffView {
            side_by_side,
            old_label: tr.t("diff-old"),
            new_label: tr.t("diff-new"),
            counts,
            hunks,
        }
    }

    /// The same diff with other column headings.
    pub fn labelled(mut self, old_label: String, new_label: String) -> DiffView {
        self.old_label = old_label;
        self.new_label = new_label;
        self
    }
}

impl LineView {
    fn new(line: &DiffLine) -> LineView {
        let (class, marker) = match line.kind {
            LineKind::Context => ("context", " "),
            LineKind::Deleted => ("deleted", "−"),
            LineKind::Inserted => ("inserted", "+"),
        };
        let number = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
        LineView {
            old_number: number(line.old_number),
            new_number: number(line.new_number),
            class,
            marker,
            segments: line
                .segments
                .iter()
                .map(|segment| SegmentView {
                    text: segment.text.clone(),
                    emphasized: segment.emphasized,
                })
                .collect(),
        }
    }
}

/// A moderation page: forms (protect, delete, move, block…), and log lines.
#[derive(Template)]
#[template(path = "action.html")]
pub struct ActionView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub tabs: Option<Tabs>,
    pub heading: String,
    pub intro: Vec<String>,
    pub problem: Option<String>,
    pub csrf: String,
    pub forms: Vec<ActionForm>,
    pub entries: Vec<String>,
    /// Filter and paging links (the log).
    pub filters: Vec<LinkView>,
}

pub struct ActionForm {
    pub action: String,
    pub fields: Vec<Field>,
    pub submit: String,
    /// Deletion and blocks look different from harmless buttons.
    pub danger: bool,
}

pub enum FieldKind {
    Hidden,
    Text,
    Select,
}

pub struct Field {
    pub kind: FieldKind,
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub value: String,
    pub options: Vec<(String, String)>,
}
