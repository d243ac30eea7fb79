//! "New section" (`?action=newsection`): a subject and a signed message added at the
//! end of a page — the way a discussion starts on a talk page.
//!
//! The section is appended to the text current *at save time*, inside the save's
//! transaction (`Store::save_extending`), so two newcomers opening a topic at the same
//! moment both get theirs in (an ordinary edit form would make them merge two additions
//! at the same place: a conflict).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use carnet_core::rights::Action;
use carnet_core::{Author, Comment, NewSection, PageText, Title};
use carnet_store::{Edit, SaveOutcome};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::csrf;
use crate::i18n::Tr;
use crate::paths;
use crate::problem::Problem;
use crate::templates::{Chrome, Tabs};
use crate::views::{Ctx, PageForm};

/// What a URL fragment may not hold as is (the WHATWG fragment set, and `%`).
const FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'%');

#[derive(Template)]
#[template(path = "newsection.html")]
struct NewSectionView<'a> {
    tr: Tr<'a>,
    chrome: Chrome,
    tabs: Tabs,
    heading: String,
    form_action: String,
    csrf: String,
    subject: String,
    text: String,
    problem: Option<String>,
    writing_as: Option<String>,
}

/// The form, empty or shown back with what was typed and why it was refused.
async fn form_view(
    ctx: &Ctx<'_>,
    title: &Title,
    subject: &str,
    text: &str,
    problem: Option<Problem>,
) -> HttpResponse {
    let status = problem
        .as_ref()
        .map_or(StatusCode::OK, |problem| problem.status());
    let heading = ctx
        .tr
        .t1("new-section-heading", "title", &title.to_string());
    let store = ctx.state.store.clone();
    let page_title = title.clone();
    let exists = matches!(
        web::block(move || store.page(&page_title)).await,
        Ok(Ok(Some(_)))
    );
    let view = NewSectionView {
        tr: ctx.tr,
        chrome: ctx.chrome_for(heading.clone()),
        tabs: Tabs::new(title, exists, "new-section"),
        heading,
        form_action: paths::action(title, "newsection"),
        csrf: ctx.csrf.value().to_owned(),
        subject: subject.to_owned(),
        text: text.to_owned(),
        problem: problem.map(|problem| problem.message(ctx.tr)),
        writing_as: ctx.user.as_ref().map(|user| {
            let key = if user.temporary {
                "edit-writing-as-temporary"
            } else {
                "edit-writing-as"
            };
            ctx.tr.t1(key, "name", user.name.as_str())
        }),
    };
    ctx.html_response(status, &view)
}

/// `GET ?action=newsection`.
pub async fn form(ctx: &Ctx<'_>, title: Title) -> Result<HttpResponse, Problem> {
    if !title.namespace().is_editable() {
        return Err(Problem::SpecialPage);
    }
    Ok(form_view(ctx, &title, "", "", None).await)
}

/// `POST ?action=newsection`. Whatever happens, the subject and message are saved or
/// shown back in the form.
pub async fn submit(ctx: &Ctx<'_>, title: Title, form: PageForm) -> HttpResponse {
    let subject = form.subject.clone().unwrap_or_default();
    let message = form.text.clone();
    match append(ctx, &title, &form.csrf_token, &subject, &message).await {
        Ok(response) => response,
        Err(problem) => form_view(ctx, &title, &subject, &message, Some(problem)).await,
    }
}

async fn append(
    ctx: &Ctx<'_>,
    title: &Title,
    csrf_token: &str,
    subject: &str,
    message: &str,
) -> Result<HttpResponse, Problem> {
    csrf::check_form(ctx.req, csrf_token)?;
    if !title.namespace().is_editable() {
        return Err(Problem::SpecialPage);
    }
    let section = NewSection::new(subject, message)?;
    let protection = ctx.protection_of(title).await?;
    ctx.require(Action::Edit, protection.as_ref())?;
    crate::limits::check_save(ctx.req, ctx.state, ctx.user.as_ref(), title).await?;
    let (signer, new_session) = ctx.signer().await?;
    let signed =
        carnet_core::expand_signatures(section.message(), signer.name.as_str(), chrono::Utc::now());
    let section = section.with_message(signed);
    let comment = Comment::new(
        &ctx.tr
            .t1("new-section-comment", "subject", section.subject()),
    )
    .or_else(|_| Comment::new(""))?;
    let author = Author::new(signer.name.as_str())?;
    let store = ctx.state.store.clone();
    let anchor = carnet_render::section_anchor(section.subject());
    let edit = Edit {
        title: title.clone(),
        text: PageText::from_stored(String::new()),
        base: None,
        author,
        user: Some(signer.id),
        comment,
        minor: false,
        labels: ctx.labels(),
    };
    let outcome =
        web::block(move || store.save_extending(&edit, &|existing| section.append_to(existing)))
            .await??;
    crate::ops::record_save("talk", &outcome);
    if let SaveOutcome::Conflict { .. } = outcome {
        return Err(Problem::Conflict);
    }
    ctx.state.live.revision_saved(title);
    let location = format!(
        "{}#{}",
        paths::with_notice(title, "section-added"),
        utf8_percent_encode(&anchor, FRAGMENT)
    );
    let mut response = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish();
    if let Some(cookie) = &new_session
        && let Err(error) = response.add_cookie(cookie)
    {
        log::error!("cannot set the session cookie: {error}");
    }
    Ok(response)
}
