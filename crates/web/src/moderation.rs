//! Moderation views: protect, delete and undelete, move, hide a revision's text,
//! rollback, block, and the public log (`Spécial:Journal`). Every form works without
//! JavaScript; every action asks `Ctx::require` first, and the store writes the log
//! entry in the same transaction as the action.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use carnet_core::rights::{Action, Protection, ProtectionLevel, parse_expiry};
use carnet_core::{Author, Comment, LogAction, MergeLabels, Namespace, RevisionId, Title, UserId};
use carnet_store::{
    Edit, HideOutcome, LogEntry, LogTarget, MoveOutcome, PageProtection, RollbackPlan, SaveOutcome,
    User,
};
use chrono::{DateTime, Utc};

use crate::csrf;
use crate::i18n::Tr;
use crate::paths;
use crate::problem::Problem;
use crate::templates::{ActionForm, ActionView, Field, FieldKind, LinkView, Tabs};
use crate::views::{Ctx, PageForm, PageQuery};

/// Log entries per page of `Spécial:Journal`.
const LOG_PAGE_SIZE: usize = 100;

/// The page tabs, with the moderation tools this reader may use.
pub fn tabs(ctx: &Ctx<'_>, title: &Title, exists: bool, active: &'static str) -> Tabs {
    let mut tabs = Tabs::new(title, exists, active);
    if !title.namespace().is_editable() {
        return tabs;
    }
    let mut tool = |action: &str, key: &str| {
        tabs.tools.push(LinkView {
            href: paths::action(title, action),
            label: ctx.tr.t(key),
            missing: false,
        });
    };
    if exists {
        if ctx.may(Action::Move, None) {
            tool("move", "tool-move");
        }
        if ctx.may(Action::Protect, None) {
            tool("protect", "tool-protect");
        }
        if ctx.may(Action::Delete, None) {
            tool("delete", "tool-delete");
        }
    }
    tabs
}

/// The tabs of a missing page: administrators may restore it if it was deleted.
pub fn tabs_for_missing(ctx: &Ctx<'_>, title: &Title, deleted: bool) -> Tabs {
    let mut tabs = tabs(ctx, title, false, "read");
    if deleted && ctx.may(Action::Undelete, None) {
        tabs.tools.push(LinkView {
            href: paths::action(title, "undelete"),
            label: ctx.tr.t("tool-undelete"),
            missing: false,
        });
    }
    tabs
}

fn until(tr: Tr<'_>, expires: Option<&DateTime<Utc>>) -> String {
    match expires {
        Some(at) => tr.t1("rights-until", "date", &tr.date(at)),
        None => tr.t("rights-indefinitely"),
    }
}

fn level_label(tr: Tr<'_>, level: ProtectionLevel) -> String {
    match level {
        ProtectionLevel::Registered => tr.t("protection-level-registered"),
        ProtectionLevel::Administrators => tr.t("protection-level-admin"),
    }
}

/// "Protected: only registered writers may edit, until …, reason …" for banners.
pub fn protection_notice(tr: Tr<'_>, found: &PageProtection) -> String {
    tr.t_with(
        "protection-notice",
        &[
            ("who", level_label(tr, found.protection.level).into()),
            ("until", until(tr, found.protection.expires.as_ref()).into()),
            ("reason", found.protection.reason.clone().into()),
            ("by", found.by.clone().into()),
        ],
    )
}

/// One line of the public log, in the reader's language.
pub fn describe(tr: Tr<'_>, entry: &LogEntry) -> String {
    let target = match &entry.target {
        LogTarget::Page(title) => title.to_string(),
        LogTarget::User(name) => name.clone(),
    };
    let details = entry.details.as_str();
    let expiry = |text: &str| {
        let at = DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|at| at.with_timezone(&Utc));
        until(tr, at.as_ref())
    };
    let what = match entry.action {
        LogAction::Protect => {
            let (level, expires) = details.split_once(' ').unwrap_or((details, ""));
            let who = ProtectionLevel::parse(level)
                .map(|level| level_label(tr, level))
                .unwrap_or_default();
            tr.t_with(
                "log-protect",
                &[
                    ("target", target.into()),
                    ("who", who.into()),
                    ("until", expiry(expires).into()),
                ],
            )
        }
        LogAction::Unprotect => tr.t1("log-unprotect", "target", &target),
        LogAction::Delete => tr.t1("log-delete", "target", &target),
        LogAction::Undelete => tr.t_with(
            "log-undelete",
            &[
                ("target", target.into()),
                ("count", details.parse::<i64>().unwrap_or(0).into()),
            ],
        ),
        LogAction::HideRevision => tr.t_with(
            "log-hide",
            &[
                ("target", target.into()),
                ("revision", details.to_owned().into()),
            ],
        ),
        LogAction::UnhideRevision => tr.t_with(
            "log-unhide",
            &[
                ("target", target.into()),
                ("revision", details.to_owned().into()),
            ],
        ),
        LogAction::Block => tr.t_with(
            "log-block",
            &[("target", target.into()), ("until", expiry(details).into())],
        ),
        LogAction::Unblock => tr.t1("log-unblock", "target", &target),
        LogAction::Move => tr.t_with(
            "log-move",
            &[("target", target.into()), ("to", details.to_owned().into())],
        ),
        LogAction::Rights => tr.t_with(
            "log-rights",
            &[
                ("target", target.into()),
                ("change", details.to_owned().into()),
            ],
        ),
        LogAction::Curate | LogAction::PortalAnimateur => {
            crate::portals::describe_details(tr, entry.action, &target, details)
        }
        // `version=N;sha256=…[;restored=M]`
        LogAction::Upload => match details
            .split(';')
            .find_map(|part| part.strip_prefix("restored="))
        {
            Some(old) => tr.t_with(
                "log-upload-restore",
                &[
                    ("target", target.into()),
                    ("version", old.to_owned().into()),
                ],
            ),
            None => tr.t1("log-upload", "target", &target),
        },
    };
    let actor = entry.actor.clone().unwrap_or_else(|| tr.t("log-console"));
    let mut line = format!("{} — {actor} {what}", tr.date(&entry.timestamp));
    if !entry.reason.is_empty() {
        line.push_str(&tr.t1("log-reason", "reason", &entry.reason));
    }
    line
}

/// The logged-in moderator (rights were checked before; a moderator is never anonymous).
fn moderator<'c>(ctx: &'c Ctx<'_>) -> Result<&'c User, Problem> {
    ctx.user.as_ref().ok_or(Problem::LoginRequired)
}

fn text_field(name: &'static str, label: String, hint: String, value: &str) -> Field {
    Field {
        kind: FieldKind::Text,
        name,
        label,
        hint,
        value: value.to_owned(),
        options: Vec::new(),
    }
}

fn hidden_field(name: &'static str, value: &str) -> Field {
    Field {
        kind: FieldKind::Hidden,
        name,
        label: String::new(),
        hint: String::new(),
        value: value.to_owned(),
        options: Vec::new(),
    }
}

fn reason_field(tr: Tr<'_>, value: &str) -> Field {
    text_field("reason", tr.t("moderation-reason"), String::new(), value)
}

/// The expiry choices, and a free field for any other duration or date.
fn expiry_fields(tr: Tr<'_>, chosen: &str) -> [Field; 2] {
    let options = ["infini", "2h", "1j", "1sem", "1mois", "3mois", "1an"]
        .iter()
        .map(|code| ((*code).to_owned(), tr.t(&format!("expiry-{code}"))))
        .collect();
    [
        Field {
            kind: FieldKind::Select,
            name: "expiry",
            label: tr.t("moderation-expiry"),
            hint: String::new(),
            value: if chosen.is_empty() {
                "infini".to_owned()
            } else {
                chosen.to_owned()
            },
            options,
        },
        text_field(
            "expiry_other",
            tr.t("moderation-expiry-other"),
            tr.t("moderation-expiry-other-hint"),
            "",
        ),
    ]
}

/// The expiry a form asks for: the free field when filled, else the choice.
fn form_expiry(form: &PageForm) -> Result<Option<DateTime<Utc>>, Problem> {
    let typed = form.expiry_other.trim();
    let input = if typed.is_empty() {
        form.expiry.as_str()
    } else {
        typed
    };
    parse_expiry(input, Utc::now()).map_err(|_| Problem::BadExpiry(input.to_owned()))
}

fn reason_of(form: &PageForm) -> Result<String, Problem> {
    // Reasons are stored like edit summaries, with the same limit.
    Ok(Comment::new(&form.reason)?.as_str().to_owned())
}

fn view(ctx: &Ctx<'_>, status: StatusCode, view: ActionView<'_>) -> HttpResponse {
    ctx.html_response(status, &view)
}

fn page_view<'a>(
    ctx: &Ctx<'a>,
    title: &Title,
    exists: bool,
    heading: String,
    intro: Vec<String>,
    forms: Vec<ActionForm>,
) -> ActionView<'a> {
    ActionView {
        tr: ctx.tr,
        chrome: ctx.chrome_for(heading.clone()),
        tabs: Some(tabs(ctx, title, exists, "")),
        heading,
        intro,
        problem: None,
        csrf: ctx.csrf.value().to_owned(),
        forms,
        entries: Vec::new(),
        filters: Vec::new(),
    }
}

/// `GET /wiki/{title}?action=protect|delete|undelete|move|hide`: the form.
pub async fn form(
    ctx: &Ctx<'_>,
    title: Title,
    action: &str,
    query: &PageQuery,
) -> Result<HttpResponse, Problem> {
    if !title.namespace().is_editable() {
        return Err(Problem::SpecialPage);
    }
    let store = ctx.state.store.clone();
    let page_title = title.clone();
    let (current, protection, deleted) = web::block(move || -> Result<_, Problem> {
        Ok((
            store.page(&page_title)?,
            store.protection(&page_title)?,
            store.deleted_page(&page_title)?,
        ))
    })
    .await??;
    let exists = current.is_some();
    let active = protection
        .as_ref()
        .filter(|found| found.protection.is_active(Utc::now()));
    let tr = ctx.tr;
    let name = title.to_string();
    let target = paths::action(&title, action);
    let mut intro = Vec::new();
    let (heading, forms) = match action {
        "protect" => {
            ctx.require(Action::Protect, None)?;
            if !exists {
                return Err(Problem::PageNotFound);
            }
            if let Some(found) = active {
                intro.push(protection_notice(tr, found));
            }
            intro.push(tr.t("protect-help"));
            let level = active
                .map(|found| found.protection.level.code())
                .unwrap_or("registered");
            let levels = vec![
                ("registered".to_owned(), tr.t("protect-level-registered")),
                ("admin".to_owned(), tr.t("protect-level-admin")),
                ("none".to_owned(), tr.t("protect-level-none")),
            ];
            let [expiry, other] = expiry_fields(tr, "");
            let fields = vec![
                Field {
                    kind: FieldKind::Select,
                    name: "level",
                    label: tr.t("protect-level"),
                    hint: String::new(),
                    value: level.to_owned(),
                    options: levels,
                },
                expiry,
                other,
                reason_field(tr, ""),
            ];
            (
                tr.t1("protect-heading", "title", &name),
                vec![ActionForm {
                    action: target,
                    fields,
                    submit: tr.t("protect-submit"),
                    danger: false,
                }],
            )
        }
        "delete" => {
            ctx.require(Action::Delete, None)?;
            if !exists {
                return Err(Problem::PageNotFound);
            }
            intro.push(tr.t("delete-help"));
            (
                tr.t1("delete-heading", "title", &name),
                vec![ActionForm {
                    action: target,
                    fields: vec![reason_field(tr, "")],
                    submit: tr.t("delete-submit"),
                    danger: true,
                }],
            )
        }
        "undelete" => {
            ctx.require(Action::Undelete, None)?;
            if deleted.is_none() && !exists {
                return Err(Problem::PageNotFound);
            }
            intro.push(tr.t("undelete-help"));
            (
                tr.t1("undelete-heading", "title", &name),
                vec![ActionForm {
                    action: target,
                    fields: vec![reason_field(tr, "")],
                    submit: tr.t("undelete-submit"),
                    danger: false,
                }],
            )
        }
        "move" => {
            ctx.require(Action::Move, active.map(|found| &found.protection))?;
            if !exists {
                return Err(Problem::PageNotFound);
            }
            intro.push(tr.t("move-help"));
            (
                tr.t1("move-heading", "title", &name),
                vec![ActionForm {
                    action: target,
                    fields: vec![
                        text_field("new_title", tr.t("move-new-title"), String::new(), &name),
                        reason_field(tr, ""),
                    ],
                    submit: tr.t("move-submit"),
                    danger: false,
                }],
            )
        }
        "hide" => {
            ctx.require(Action::HideRevision, None)?;
            let oldid = query
                .oldid
                .as_deref()
                .and_then(|id| id.trim().parse::<i64>().ok())
                .ok_or(Problem::BadParameter("oldid"))?;
            let store = ctx.state.store.clone();
            let found = web::block(move || store.revision(RevisionId(oldid)))
                .await??
                .filter(|found| found.title == title)
                .ok_or(Problem::RevisionNotFound(oldid))?;
            let meta = &found.revision.meta;
            intro.push(tr.t_with(
                "hide-revision",
                &[
                    ("revision", oldid.to_string().into()),
                    ("date", tr.date(&meta.timestamp).into()),
                    ("author", meta.author.as_str().to_owned().into()),
                ],
            ));
            intro.push(tr.t("hide-help"));
            let choice = if meta.text_hidden { "show" } else { "hide" };
            let fields = vec![
                hidden_field("oldid", &oldid.to_string()),
                Field {
                    kind: FieldKind::Select,
                    name: "hidden",
                    label: tr.t("hide-choice"),
                    hint: String::new(),
                    value: choice.to_owned(),
                    options: vec![
                        ("hide".to_owned(), tr.t("hide-choice-hide")),
                        ("show".to_owned(), tr.t("hide-choice-show")),
                    ],
                },
                reason_field(tr, ""),
            ];
            (
                tr.t1("hide-heading", "title", &name),
                vec![ActionForm {
                    action: target,
                    fields,
                    submit: tr.t("hide-submit"),
                    danger: false,
                }],
            )
        }
        other => return Err(Problem::UnknownAction(other.to_owned())),
    };
    let page = page_view(ctx, &title, exists, heading, intro, forms);
    Ok(view(ctx, StatusCode::OK, page))
}

/// `POST /wiki/{title}?action=protect|delete|undelete|move|hide|rollback`.
pub async fn submit(
    ctx: &Ctx<'_>,
    title: Title,
    action: &str,
    form: &PageForm,
) -> Result<HttpResponse, Problem> {
    csrf::check_form(ctx.req, &form.csrf_token)?;
    let store = ctx.state.store.clone();
    match action {
        "protect" => {
            ctx.require(Action::Protect, None)?;
            let by = moderator(ctx)?.clone();
            let reason = reason_of(form)?;
            let protection = match form.level.as_str() {
                "none" => None,
                level => Some(Protection {
                    level: ProtectionLevel::parse(level).ok_or(Problem::BadParameter("level"))?,
                    reason: reason.clone(),
                    expires: form_expiry(form)?,
                }),
            };
            let page_title = title.clone();
            let done =
                web::block(move || store.protect(&page_title, protection.as_ref(), &by, &reason))
                    .await??;
            if !done {
                return Err(Problem::PageNotFound);
            }
            Ok(see_other(&paths::with_notice(&title, "protected")))
        }
        "lock" => {
            // End the live session everywhere (a last revision keeps what was typed)
            // and protect the notes for administrators, in the public log.
            ctx.require(Action::LockLive, None)?;
            let by = moderator(ctx)?.clone();
            let reason = match form.reason.trim() {
                "" => ctx.tr.t("live-lock-default-reason"),
                typed => typed.to_owned(),
            };
            let reason = Comment::new(&reason)?.as_str().to_owned();
            let protection = Protection {
                level: ProtectionLevel::Administrators,
                reason: reason.clone(),
                expires: None,
            };
            let page_title = title.clone();
            let done =
                web::block(move || store.protect(&page_title, Some(&protection), &by, &reason))
                    .await??;
            if !done {
                return Err(Problem::PageNotFound);
            }
            let state = ctx
                .req
                .app_data::<web::Data<crate::AppState>>()
                .cloned()
                .ok_or_else(|| Problem::internal("no application state"))?;
            let summary = ctx.tr.t("live-lock-summary");
            state.live.end(&state, title.clone(), summary).await?;
            Ok(see_other(&paths::with_notice(&title, "locked")))
        }
        "delete" => {
            ctx.require(Action::Delete, None)?;
            let by = moderator(ctx)?.clone();
            let reason = reason_of(form)?;
            let page_title = title.clone();
            let done = web::block(move || store.delete_page(&page_title, &by, &reason)).await??;
            if !done {
                return Err(Problem::PageNotFound);
            }
            Ok(see_other(&paths::page(&title)))
        }
        "undelete" => {
            ctx.require(Action::Undelete, None)?;
            let by = moderator(ctx)?.clone();
            let reason = reason_of(form)?;
            let page_title = title.clone();
            let restored =
                web::block(move || store.undelete_page(&page_title, &by, &reason)).await??;
            if restored == 0 {
                return Err(Problem::PageNotFound);
            }
            Ok(see_other(&paths::with_notice(&title, "undeleted")))
        }
        "move" => {
            let protection = ctx.protection_of(&title).await?;
            ctx.require(Action::Move, protection.as_ref())?;
            let by = moderator(ctx)?.clone();
            let reason = reason_of(form)?;
            let to = Title::parse(&form.new_title)?;
            if to == title {
                return Err(Problem::SameTitle);
            }
            if !to.namespace().is_editable() {
                return Err(Problem::SpecialPage);
            }
            let target_protection = ctx.protection_of(&to).await?;
            ctx.require(Action::Create, target_protection.as_ref())?;
            let tr = ctx.tr;
            let moved_comment = comment_with_reason(
                tr.t_with(
                    "move-comment",
                    &[
                        ("from", title.to_string().into()),
                        ("to", to.to_string().into()),
                    ],
                ),
                &reason,
            )?;
            let redirect_comment =
                Comment::new(&tr.t1("move-redirect-comment", "to", &to.to_string()))?;
            let (from, target) = (title.clone(), to.clone());
            let outcome = web::block(move || {
                store.move_page(
                    &from,
                    &target,
                    &by,
                    &reason,
                    &moved_comment,
                    &redirect_comment,
                )
            })
            .await??;
            match outcome {
                MoveOutcome::Moved => Ok(see_other(&paths::with_notice(&to, "moved"))),
                MoveOutcome::SourceMissing => Err(Problem::PageNotFound),
                MoveOutcome::TargetExists => Err(Problem::MoveTargetExists(to.to_string())),
            }
        }
        "hide" => {
            ctx.require(Action::HideRevision, None)?;
            let by = moderator(ctx)?.clone();
            let reason = reason_of(form)?;
            let oldid = form
                .oldid
                .as_deref()
                .and_then(|id| id.trim().parse::<i64>().ok())
                .ok_or(Problem::BadParameter("oldid"))?;
            let hidden = match form.hidden.as_str() {
                "hide" => true,
                "show" => false,
                _ => return Err(Problem::BadParameter("hidden")),
            };
            let page_title = title.clone();
            let outcome = web::block(move || -> Result<_, Problem> {
                let found = store
                    .revision(RevisionId(oldid))?
                    .filter(|found| found.title == page_title)
                    .ok_or(Problem::RevisionNotFound(oldid))?;
                Ok(store.set_text_hidden(found.revision.meta.id, hidden, &by, &reason)?)
            })
            .await??;
            match outcome {
                HideOutcome::Done => Ok(see_other(&paths::action(&title, "history"))),
                HideOutcome::NotFound => Err(Problem::RevisionNotFound(oldid)),
                HideOutcome::IsCurrent => Err(Problem::CannotHideCurrent),
            }
        }
        "rollback" => rollback(ctx, title, form).await,
        other => Err(Problem::UnknownAction(other.to_owned())),
    }
}

fn comment_with_reason(comment: String, reason: &str) -> Result<Comment, Problem> {
    let full = if reason.is_empty() {
        comment
    } else {
        format!("{comment} : {reason}")
    };
    // A long reason is cut rather than refused: the log keeps it whole.
    Ok(Comment::new(
        &full
            .chars()
            .take(carnet_core::MAX_COMMENT_CHARS)
            .collect::<String>(),
    )?)
}

/// Reverts the consecutive last edits of one author, in one click, as a new revision.
async fn rollback(ctx: &Ctx<'_>, title: Title, form: &PageForm) -> Result<HttpResponse, Problem> {
    let protection = ctx.protection_of(&title).await?;
    ctx.require(Action::Rollback, protection.as_ref())?;
    let by = moderator(ctx)?.clone();
    let author = form.author.trim().to_owned();
    if author.is_empty() {
        return Err(Problem::BadParameter("author"));
    }
    let store = ctx.state.store.clone();
    let page_title = title.clone();
    let wanted = author.clone();
    let plan = web::block(move || store.rollback_plan(&page_title, &wanted)).await??;
    let (target, text, current) = match plan {
        RollbackPlan::Restore {
            target,
            text,
            current,
            ..
        } => (target, text, current),
        RollbackPlan::NotLastAuthor => return Err(Problem::RollbackNotLastAuthor(author)),
        RollbackPlan::OnlyAuthor => return Err(Problem::RollbackOnlyAuthor(author)),
        RollbackPlan::PageMissing => return Err(Problem::PageNotFound),
    };
    let tr = ctx.tr;
    let comment = Comment::new(&tr.t_with(
        "rollback-comment",
        &[
            ("author", author.clone().into()),
            ("revision", target.id.0.to_string().into()),
            ("previous", target.author.as_str().to_owned().into()),
        ],
    ))?;
    let edit = Edit {
        title: title.clone(),
        text,
        base: Some(current),
        author: Author::new(by.name.as_str())?,
        user: Some(by.id),
        comment,
        minor: false,
        labels: MergeLabels {
            base: tr.t("merge-label-base"),
            theirs: tr.t("merge-label-theirs"),
            mine: tr.t("merge-label-mine"),
        },
    };
    let store = ctx.state.store.clone();
    let outcome = web::block(move || store.save(&edit)).await??;
    crate::ops::record_save("rollback", &outcome);
    match outcome {
        SaveOutcome::Saved { .. } | SaveOutcome::Created(_) | SaveOutcome::Unchanged(_) => {
            Ok(see_other(&paths::with_notice(&title, "rolledback")))
        }
        SaveOutcome::Conflict { .. } => Err(Problem::Conflict),
    }
}

/// `Spécial:Journal` (`Special:Log`): the public log, filtered by kind.
pub async fn journal(ctx: &Ctx<'_>, query: &PageQuery) -> Result<HttpResponse, Problem> {
    let family = query.kind.clone().unwrap_or_default();
    let actions: Vec<LogAction> = LogAction::ALL
        .into_iter()
        .filter(|action| family.is_empty() || action.family() == family)
        .collect();
    if actions.is_empty() {
        return Err(Problem::BadParameter("type"));
    }
    let before = match query.before.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) => Some(
            id.parse::<i64>()
                .map_err(|_| Problem::BadParameter("before"))?,
        ),
    };
    let store = ctx.state.store.clone();
    let filter = if family.is_empty() {
        Vec::new()
    } else {
        actions
    };
    let page = web::block(move || store.log(&filter, None, LOG_PAGE_SIZE, before)).await??;
    let tr = ctx.tr;
    let base = "/wiki/Sp%C3%A9cial:Journal";
    let mut filters: Vec<LinkView> = [
        "", "protect", "delete", "block", "move", "rights", "portal", "upload",
    ]
    .iter()
    .map(|family| LinkView {
        href: if family.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?type={family}")
        },
        label: tr.t(&format!(
            "log-filter-{}",
            if family.is_empty() { "all" } else { family }
        )),
        missing: false,
    })
    .collect();
    if let Some(older) = page.older {
        let mut href = format!("{base}?before={older}");
        if !family.is_empty() {
            href.push_str(&format!("&type={family}"));
        }
        filters.push(LinkView {
            href,
            label: tr.t("history-older"),
            missing: false,
        });
    }
    let heading = tr.t("log-heading");
    let entries: Vec<String> = page
        .entries
        .iter()
        .map(|entry| describe(tr, entry))
        .collect();
    let intro = if entries.is_empty() {
        vec![tr.t("log-help"), tr.t("special-none")]
    } else {
        vec![tr.t("log-help")]
    };
    let view_data = ActionView {
        tr,
        chrome: ctx.chrome_for(heading.clone()),
        tabs: None,
        heading,
        intro,
        problem: None,
        csrf: ctx.csrf.value().to_owned(),
        forms: Vec::new(),
        entries,
        filters,
    };
    Ok(view(ctx, StatusCode::OK, view_data))
}

const BLOCK_PAGE: &str = "/wiki/Sp%C3%A9cial:Bloquer";

/// `Spécial:Bloquer` (`Special:Block`): block or unblock an account or a temporary
/// identity.
pub async fn block_form(ctx: &Ctx<'_>, query: &PageQuery) -> Result<HttpResponse, Problem> {
    ctx.require(Action::Block, None)?;
    let tr = ctx.tr;
    let target = query.target.clone().unwrap_or_default();
    let mut intro = vec![tr.t("block-help")];
    let mut forms = Vec::new();
    if !target.trim().is_empty() {
        let store = ctx.state.store.clone();
        let name = target.trim().to_owned();
        let found = web::block(move || -> Result<_, Problem> {
            let Some(user) = store.user_named(&name)? else {
                return Ok(None);
            };
            let block = store.active_block(user.id, Utc::now())?;
            Ok(Some((user, block)))
        })
        .await??;
        let (user, block) = found.ok_or_else(|| Problem::UserNotFound(target.clone()))?;
        if let Some(block) = block {
            intro.push(tr.t_with(
                "block-current",
                &[
                    ("name", user.name.as_str().to_owned().into()),
                    ("until", until(tr, block.expires.as_ref()).into()),
                    ("reason", block.reason.into()),
                ],
            ));
            forms.push(ActionForm {
                action: BLOCK_PAGE.to_owned(),
                fields: vec![
                    hidden_field("do", "unblock"),
                    hidden_field("target", user.name.as_str()),
                    reason_field(tr, ""),
                ],
                submit: tr.t("block-lift"),
                danger: false,
            });
        }
    }
    let [expiry, other] = expiry_fields(tr, "1j");
    forms.insert(
        0,
        ActionForm {
            action: BLOCK_PAGE.to_owned(),
            fields: vec![
                hidden_field("do", "block"),
                text_field(
                    "target",
                    tr.t("block-target"),
                    tr.t("block-target-hint"),
                    &target,
                ),
                expiry,
                other,
                reason_field(tr, ""),
            ],
            submit: tr.t("block-submit"),
            danger: true,
        },
    );
    let heading = tr.t("block-heading");
    let data = ActionView {
        tr,
        chrome: ctx.chrome_for(heading.clone()),
        tabs: None,
        heading,
        intro,
        problem: None,
        csrf: ctx.csrf.value().to_owned(),
        forms,
        entries: Vec::new(),
        filters: Vec::new(),
    };
    Ok(view(ctx, StatusCode::OK, data))
}

/// `POST Spécial:Bloquer`.
pub async fn block_submit(ctx: &Ctx<'_>, form: &PageForm) -> Result<HttpResponse, Problem> {
    csrf::check_form(ctx.req, &form.csrf_token)?;
    ctx.require(Action::Block, None)?;
    let by = moderator(ctx)?.clone();
    let reason = reason_of(form)?;
    let name = form.target.trim().to_owned();
    if name.is_empty() {
        return Err(Problem::BadParameter("target"));
    }
    let block = form.intent.as_deref() != Some("unblock");
    let expires = if block { form_expiry(form)? } else { None };
    let store = ctx.state.store.clone();
    let wanted = name.clone();
    let found = web::block(move || -> Result<_, Problem> {
        let Some(user) = store.user_named(&wanted)? else {
            return Ok(None);
        };
        if block {
            store.block_user(&user, &by, &reason, expires)?;
        } else {
            store.unblock_user(&user, &by, &reason)?;
        }
        Ok(Some(user.id))
    })
    .await??;
    let _: UserId = found.ok_or(Problem::UserNotFound(name))?;
    Ok(see_other("/wiki/Sp%C3%A9cial:Journal?type=block"))
}

/// Whether a special page's name is the log or the block form (French or English).
pub fn special_kind(title: &Title) -> Option<&'static str> {
    if title.namespace() != Namespace::Special {
        return None;
    }
    match title.name().to_lowercase().as_str() {
        "journal" | "log" => Some("journal"),
        "bloquer" | "block" => Some("block"),
        _ => None,
    }
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location.to_owned()))
        .finish()
}
