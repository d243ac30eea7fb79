//! Portals in the front end: the curated blocks shown around a `Portail:` page's own
//! text (article du jour, featured pages, sections bound to categories, recent
//! activity), the curation page (`?action=curate`, plain forms), and the portal index
//! (`Spécial:Portails` / `Special:Portals`).
//!
//! The blocks are computed on every view from paged, indexed queries and are never put
//! in the render cache: the article du jour turns over at midnight UTC and activity
//! stays current, while the page's own wikitext keeps its cache.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use carnet_core::portal::{Blurb, SectionOrder, article_of_the_day, section_size};
use carnet_core::rights::Action;
use carnet_core::{LogAction, Namespace, Title};
use carnet_store::{
    CurateOutcome, Curation, LogEntry, LogTarget, PortalChange, PortalView, Store, User,
};
use chrono::Utc;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::csrf;
use crate::i18n::Tr;
use crate::paths;
use crate::problem::Problem;
use crate::templates::{ActionForm, ActionView, Field, FieldKind, LinkView};
use crate::views::{Ctx, PageForm, PageQuery};

/// Changes shown in a portal's activity block.
pub const ACTIVITY_LIMIT: usize = 10;
/// Portals per slice of the index.
const INDEX_PAGE_SIZE: usize = 200;
/// Curation log lines on the curation page.
const CURATION_LOG_LIMIT: usize = 30;

/// A featured page as shown.
pub struct FeaturedView {
    pub link: LinkView,
    pub blurb: String,
    pub picture: Option<LinkView>,
}

/// A section bound to a category.
pub struct SectionView {
    pub heading: String,
    pub pages: Vec<LinkView>,
    /// The category page (paged), for the rest.
    pub more: LinkView,
}

/// One change in the activity block.
pub struct ActivityRow {
    pub link: LinkView,
    pub date: String,
    pub author: String,
    pub author_href: String,
    pub diff_href: Option<String>,
    pub comment: String,
}

/// What a portal shows around its own text.
pub struct PortalPanel {
    pub today: Option<FeaturedView>,
    pub featured: Vec<FeaturedView>,
    pub sections: Vec<SectionView>,
    pub activity: Vec<ActivityRow>,
    pub changes_href: String,
    pub feed_href: String,
}

/// Whether a title is a portal page.
pub fn is_portal(title: &Title) -> bool {
    title.namespace() == Namespace::Portal
}

/// `?portal=Portail:X` for the recent changes page and the feed.
fn portal_query(title: &Title) -> String {
    format!(
        "portal={}",
        utf8_percent_encode(&title.to_string(), NON_ALPHANUMERIC)
    )
}

fn featured_view(feature: &carnet_store::Featured) -> FeaturedView {
    FeaturedView {
        link: LinkView::to(&feature.title, feature.exists),
        blurb: feature.blurb.clone(),
        picture: feature.picture.as_ref().map(|picture| LinkView {
            href: paths::page(picture),
            label: picture.name().to_owned(),
            missing: false,
        }),
    }
}

fn order_label(tr: Tr<'_>, order: SectionOrder) -> String {
    tr.t(&format!("portal-order-{}", order.code()))
}

/// Builds the blocks from what the store read; `today` picks the article du jour.
pub fn panel(
    tr: Tr<'_>,
    title: &Title,
    view: &PortalView,
    today: chrono::NaiveDate,
) -> PortalPanel {
    let featured: Vec<FeaturedView> = view.curation.featured.iter().map(featured_view).collect();
    // The article du jour is drawn among the featured pages that exist.
    let candidates: Vec<&carnet_store::Featured> = view
        .curation
        .featured
        .iter()
        .filter(|feature| feature.exists)
        .collect();
    let today = article_of_the_day(candidates.len(), today)
        .and_then(|index| candidates.get(index))
        .map(|feature| featured_view(feature));
    let sections = view
        .sections
        .iter()
        .map(|(section, pages)| SectionView {
            heading: tr.t_with(
                "portal-section-heading",
                &[
                    ("category", section.category.name().to_owned().into()),
                    ("order", order_label(tr, section.order).into()),
                ],
            ),
            pages: pages.iter().map(|page| LinkView::to(page, true)).collect(),
            more: LinkView {
                href: paths::page(&section.category),
                label: tr.t1("portal-section-more", "category", section.category.name()),
                missing: false,
            },
        })
        .collect();
    let activity = view
        .activity
        .iter()
        .map(|change| ActivityRow {
            link: LinkView::to(&change.title, true),
            date: tr.date(&change.timestamp),
            author: change.author.clone(),
            author_href: paths::contributions(&change.author),
            diff_href: change
                .parent
                .map(|parent| paths::diff(&change.title, parent.0, change.revision.0)),
            comment: change.comment.clone(),
        })
        .collect();
    PortalPanel {
        today,
        featured,
        sections,
        activity,
        changes_href: format!(
            "/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes?{}",
            portal_query(title)
        ),
        feed_href: format!("/feeds/changes.atom?{}", portal_query(title)),
    }
}

/// Reads and builds a portal's blocks (blocking: call inside `web::block`).
pub fn load_panel(
    store: &Store,
    tr: Tr<'_>,
    title: &Title,
) -> Result<Option<PortalPanel>, Problem> {
    let Some(view) = store.portal_view(title, ACTIVITY_LIMIT)? else {
        return Ok(None);
    };
    Ok(Some(panel(tr, title, &view, Utc::now().date_naive())))
}

/// Whether the person behind `ctx` is appointed to `portal`.
async fn appointed(ctx: &Ctx<'_>, portal: &Title) -> Result<bool, Problem> {
    let Some(user) = ctx.user.as_ref().filter(|user| !user.temporary) else {
        return Ok(false);
    };
    let store = ctx.state.store.clone();
    let portal = portal.clone();
    let id = user.id;
    Ok(web::block(move || store.is_portal_animateur(&portal, id)).await??)
}

/// Whether the reader may curate `portal` (for the tab).
pub async fn may_curate(ctx: &Ctx<'_>, portal: &Title) -> bool {
    if ctx.may_on_portal(Action::CuratePortal, false) {
        return true;
    }
    match appointed(ctx, portal).await {
        Ok(appointed) => appointed && ctx.may_on_portal(Action::CuratePortal, true),
        Err(_) => false,
    }
}

/// The curation tab of a portal, for those who may use it.
pub fn curate_tab(ctx: &Ctx<'_>, title: &Title) -> LinkView {
    LinkView {
        href: paths::action(title, "curate"),
        label: ctx.tr.t("portal-curate-tab"),
        missing: false,
    }
}

fn field(kind: FieldKind, name: &'static str, label: String, hint: String, value: &str) -> Field {
    Field {
        kind,
        name,
        label,
        hint,
        value: value.to_owned(),
        options: Vec::new(),
    }
}

fn hidden(name: &'static str, value: &str) -> Field {
    field(FieldKind::Hidden, name, String::new(), String::new(), value)
}

fn button(action: &str, fields: Vec<Field>, submit: String, danger: bool) -> ActionForm {
    ActionForm {
        action: action.to_owned(),
        fields,
        submit,
        danger,
    }
}

/// `GET /wiki/Portail:X?action=curate`: the curation forms.
pub async fn form(ctx: &Ctx<'_>, title: Title, query: &PageQuery) -> Result<HttpResponse, Problem> {
    if !is_portal(&title) {
        return Err(Problem::NotAPortal);
    }
    let store = ctx.state.store.clone();
    let portal = title.clone();
    let found = web::block(move || -> Result<_, Problem> {
        let Some(curation) = store.curation(&portal)? else {
            return Ok(None);
        };
        let log = store.log(
            &[LogAction::Curate, LogAction::PortalAnimateur],
            Some(&LogTarget::Page(portal)),
            CURATION_LOG_LIMIT,
            None,
        )?;
        Ok(Some((curation, log.entries)))
    })
    .await??;
    let Some((curation, log)) = found else {
        return Err(Problem::PageNotFound);
    };
    let appointed = appointed(ctx, &title).await?;
    ctx.require_on_portal(Action::CuratePortal, appointed)?;
    let tr = ctx.tr;
    let mut intro = vec![tr.t("portal-curate-help")];
    if query.notice.as_deref() == Some("curated") {
        intro.insert(0, tr.t("portal-notice-curated"));
    }
    intro.push(if curation.animateurs.is_empty() {
        tr.t("portal-animateurs-none")
    } else {
        tr.t1(
            "portal-animateurs",
            "names",
            &curation.animateurs.join(", "),
        )
    });
    let forms = curation_forms(ctx, &title, &curation);
    let heading = tr.t1("portal-curate-heading", "title", &title.to_string());
    let view = ActionView {
        tr,
        chrome: ctx.chrome_for(heading.clone()),
        tabs: Some(crate::moderation::tabs(ctx, &title, true, "")),
        heading,
        intro,
        problem: None,
        csrf: ctx.csrf.value().to_owned(),
        forms,
        entries: log.iter().map(|entry| describe(tr, entry)).collect(),
        filters: vec![LinkView {
            href: "/wiki/Sp%C3%A9cial:Journal?type=portal".to_owned(),
            label: tr.t("log-filter-portal"),
            missing: false,
        }],
    };
    Ok(ctx.html_response(StatusCode::OK, &view))
}

fn curation_forms(ctx: &Ctx<'_>, title: &Title, curation: &Curation) -> Vec<ActionForm> {
    let tr = ctx.tr;
    let action = paths::action(title, "curate");
    let reason = || {
        field(
            FieldKind::Text,
            "reason",
            tr.t("moderation-reason"),
            String::new(),
            "",
        )
    };
    let mut forms = vec![button(
        &action,
        vec![
            hidden("do", "feature"),
            field(
                FieldKind::Text,
                "target",
                tr.t("portal-feature-target"),
                tr.t("portal-feature-target-hint"),
                "",
            ),
            field(
                FieldKind::Text,
                "blurb",
                tr.t("portal-feature-blurb"),
                tr.t("portal-feature-blurb-hint"),
                "",
            ),
            field(
                FieldKind::Text,
                "picture",
                tr.t("portal-feature-picture"),
                tr.t("portal-feature-picture-hint"),
                "",
            ),
            reason(),
        ],
        tr.t("portal-feature-submit"),
        false,
    )];
    for (index, feature) in curation.featured.iter().enumerate() {
        let name = feature.title.to_string();
        let target = || hidden("target", &name);
        if index > 0 {
            forms.push(button(
                &action,
                vec![hidden("do", "up"), target()],
                tr.t1("portal-feature-up", "title", &name),
                false,
            ));
        }
        if index + 1 < curation.featured.len() {
            forms.push(button(
                &action,
                vec![hidden("do", "down"), target()],
                tr.t1("portal-feature-down", "title", &name),
                false,
            ));
        }
        forms.push(button(
            &action,
            vec![hidden("do", "unfeature"), target(), reason()],
            tr.t1("portal-feature-remove", "title", &name),
            true,
        ));
    }
    let orders = SectionOrder::ALL
        .iter()
        .map(|order| (order.code().to_owned(), order_label(tr, *order)))
        .collect();
    forms.push(button(
        &action,
        vec![
            hidden("do", "section"),
            field(
                FieldKind::Text,
                "category",
                tr.t("portal-section-category"),
                tr.t("portal-section-category-hint"),
                "",
            ),
            Field {
                kind: FieldKind::Select,
                name: "sort",
                label: tr.t("portal-section-order"),
                hint: String::new(),
                value: SectionOrder::Newest.code().to_owned(),
                options: orders,
            },
            field(
                FieldKind::Text,
                "size",
                tr.t("portal-section-size"),
                tr.t("portal-section-size-hint"),
                "10",
            ),
            reason(),
        ],
        tr.t("portal-section-submit"),
        false,
    ));
    for section in &curation.sections {
        forms.push(button(
            &action,
            vec![
                hidden("do", "unsection"),
                hidden("category", section.category.name()),
                hidden("sort", section.order.code()),
                reason(),
            ],
            tr.t_with(
                "portal-section-remove",
                &[
                    ("category", section.category.name().to_owned().into()),
                    ("order", order_label(tr, section.order).into()),
                ],
            ),
            true,
        ));
    }
    if ctx.may_on_portal(Action::AppointAnimateurs, false) {
        forms.push(button(
            &action,
            vec![
                hidden("do", "appoint"),
                field(
                    FieldKind::Text,
                    "target",
                    tr.t("portal-appoint-target"),
                    tr.t("portal-appoint-hint"),
                    "",
                ),
                reason(),
            ],
            tr.t("portal-appoint-submit"),
            false,
        ));
        for name in &curation.animateurs {
            forms.push(button(
                &action,
                vec![hidden("do", "dismiss"), hidden("target", name), reason()],
                tr.t1("portal-dismiss", "name", name),
                true,
            ));
        }
    }
    forms
}

/// A title typed in a form; `default` is the namespace of a bare name.
fn typed_title(input: &str, default: Namespace) -> Result<Title, Problem> {
    let input = input.trim();
    let title = Title::parse(input)?;
    if title.namespace() == Namespace::Main && default != Namespace::Main {
        return Ok(Title::from_parts(default, input)?);
    }
    Ok(title)
}

/// `POST /wiki/Portail:X?action=curate` with `do=feature|unfeature|up|down|section|
/// unsection|appoint|dismiss`.
pub async fn submit(ctx: &Ctx<'_>, title: Title, form: &PageForm) -> Result<HttpResponse, Problem> {
    csrf::check_form(ctx.req, &form.csrf_token)?;
    if !is_portal(&title) {
        return Err(Problem::NotAPortal);
    }
    let intent = form.intent.as_deref().unwrap_or_default();
    let appointing = matches!(intent, "appoint" | "dismiss");
    let action = if appointing {
        Action::AppointAnimateurs
    } else {
        Action::CuratePortal
    };
    let appointed = appointed(ctx, &title).await?;
    ctx.require_on_portal(action, appointed)?;
    let by: User = ctx.user.clone().ok_or(Problem::LoginRequired)?;
    let reason = carnet_core::Comment::new(&form.reason)?.as_str().to_owned();
    let target = || typed_title(&form.target, Namespace::Main);
    let section = || -> Result<(Title, SectionOrder), Problem> {
        let category = typed_title(
            form.category
                .trim()
                .trim_start_matches("Catégorie:")
                .trim_start_matches("Category:"),
            Namespace::Main,
        )
        .and_then(|t| Ok(Title::from_parts(Namespace::Category, t.name())?))?;
        let order = SectionOrder::parse(&form.sort).ok_or(Problem::BadParameter("sort"))?;
        Ok((category, order))
    };
    let store = ctx.state.store.clone();
    let change = match intent {
        "feature" => {
            let blurb = Blurb::new(&form.blurb).map_err(|_| Problem::BadParameter("blurb"))?;
            let picture = match form.picture.trim() {
                "" => None,
                picture => Some(typed_title(picture, Namespace::File)?),
            };
            PortalChange::Feature {
                target: target()?,
                blurb: blurb.as_str().to_owned(),
                picture,
            }
        }
        "unfeature" => PortalChange::Unfeature(target()?),
        "up" | "down" => PortalChange::MoveFeature {
            target: target()?,
            up: intent == "up",
        },
        "section" => {
            let (category, order) = section()?;
            let size = section_size(&form.size).ok_or(Problem::BadParameter("size"))?;
            PortalChange::AddSection {
                category,
                order,
                size,
            }
        }
        "unsection" => {
            let (category, order) = section()?;
            PortalChange::RemoveSection { category, order }
        }
        "appoint" | "dismiss" => {
            let name = form.target.trim().to_owned();
            let lookup = store.clone();
            let wanted = name.clone();
            let user = web::block(move || lookup.user_named(&wanted))
                .await??
                .filter(|user| !user.temporary)
                .ok_or(Problem::UserNotFound(name))?;
            if intent == "appoint" {
                PortalChange::Appoint(user)
            } else {
                PortalChange::Dismiss(user)
            }
        }
        other => return Err(Problem::UnknownAction(other.to_owned())),
    };
    let portal = title.clone();
    let outcome = web::block(move || store.curate(&portal, &change, &by, &reason)).await??;
    match outcome {
        CurateOutcome::Done | CurateOutcome::Unchanged => Ok(HttpResponse::SeeOther()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!("{}&notice=curated", paths::action(&title, "curate")),
            ))
            .finish()),
        CurateOutcome::PortalMissing => Err(Problem::PageNotFound),
        CurateOutcome::NotFound => Err(Problem::NotOnPortal),
        CurateOutcome::Full => Err(Problem::PortalFull),
    }
}

/// A curation log line, in the reader's language (`details` are tab-separated: the
/// verb, then its objects).
pub fn describe_details(tr: Tr<'_>, action: LogAction, target: &str, details: &str) -> String {
    let mut parts = details.split('\t');
    let verb = parts.next().unwrap_or_default();
    let object = parts.next().unwrap_or_default().to_owned();
    let extra = parts.next().unwrap_or_default().to_owned();
    let key = match (action, verb) {
        (LogAction::PortalAnimateur, "appoint") => "log-portal-appoint",
        (LogAction::PortalAnimateur, _) => "log-portal-dismiss",
        (_, "feature") => "log-portal-feature",
        (_, "update") => "log-portal-update",
        (_, "unfeature") => "log-portal-unfeature",
        (_, "up") => "log-portal-up",
        (_, "down") => "log-portal-down",
        (_, "section") => "log-portal-section",
        (_, _) => "log-portal-unsection",
    };
    let order = SectionOrder::parse(&extra)
        .map(|order| order_label(tr, order))
        .unwrap_or_default();
    tr.t_with(
        key,
        &[
            ("target", target.to_owned().into()),
            ("object", object.into()),
            ("order", order.into()),
        ],
    )
}

fn describe(tr: Tr<'_>, entry: &LogEntry) -> String {
    crate::moderation::describe(tr, entry)
}

/// `Spécial:Portails` (`Special:Portals`): every portal with its page count and last
/// activity, in name order, `INDEX_PAGE_SIZE` at a time.
pub async fn index(ctx: &Ctx<'_>) -> Result<HttpResponse, Problem> {
    let query = web::Query::<PageQuery>::from_query(ctx.req.query_string())
        .map_err(|_| Problem::BadParameter("query"))?
        .into_inner();
    let after = query
        .pagefrom
        .clone()
        .filter(|from| !from.trim().is_empty());
    let store = ctx.state.store.clone();
    let portals =
        web::block(move || store.portal_index(after.as_deref(), INDEX_PAGE_SIZE + 1)).await??;
    let tr = ctx.tr;
    let more = portals.len() > INDEX_PAGE_SIZE;
    let shown: Vec<_> = portals.into_iter().take(INDEX_PAGE_SIZE).collect();
    let next_href = if more {
        shown.last().map(|last| {
            format!(
                "/wiki/Sp%C3%A9cial:Portails?pagefrom={}",
                utf8_percent_encode(last.title.name(), NON_ALPHANUMERIC)
            )
        })
    } else {
        None
    };
    let items = shown
        .iter()
        .map(|portal| {
            let pages = tr.tn("portal-index-pages", "count", portal.pages);
            let extra = match &portal.last_activity {
                Some(at) => tr.t_with(
                    "portal-index-line",
                    &[("pages", pages.into()), ("date", tr.date(at).into())],
                ),
                None => pages,
            };
            (LinkView::to(&portal.title, true), extra)
        })
        .collect();
    let heading = tr.t("portal-index-heading");
    let view = crate::templates::SpecialView {
        tr,
        chrome: ctx.chrome_for(heading.clone()),
        heading,
        help: Some(tr.t("portal-index-help")),
        items,
        next_href,
    };
    Ok(ctx.html_response(StatusCode::OK, &view))
}
