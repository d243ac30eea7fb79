//! Every way a request can be refused, with its HTTP status and a message in the
//! reader's language. Handlers return `Result<_, Problem>`; the HTML views and the
//! JSON API each turn a `Problem` into their own response shape.

use actix_web::http::StatusCode;
use carnet_core::rights::{Denial, ProtectionLevel};
use carnet_core::{
    AuthorError, CommentError, EventError, LimitedAction, PasswordError, QueryError, Refusal, Role,
    SectionError, TextError, TitleError, TokenNameError, UserNameError,
};
use carnet_store::StoreError;
use fluent_bundle::FluentValue;

use crate::i18n::Tr;

#[derive(Debug)]
pub enum Problem {
    PageNotFound,
    RevisionNotFound(i64),
    BadTitle(TitleError),
    Text(TextError),
    Author(AuthorError),
    Comment(CommentError),
    ForeignBase(i64),
    Csrf,
    CrossOrigin,
    BadParameter(&'static str),
    UnknownAction(String),
    BadJson(String),
    ContentType,
    PayloadTooLarge(usize),
    SpecialPage,
    Busy,
    Conflict,
    MethodNotAllowed,
    WrongCredentials,
    NameTaken,
    BadUserName(UserNameError),
    Password(PasswordError),
    LoginRequired,
    /// The rights check said no (`carnet_core::rights`).
    Denied(Denial),
    RevisionHidden(i64),
    RevisionDeleted(i64),
    CannotHideCurrent,
    MoveTargetExists(String),
    SameTitle,
    RollbackNotLastAuthor(String),
    RollbackOnlyAuthor(String),
    UserNotFound(String),
    BadExpiry(String),
    /// An `Authorization` header without a live API token (unknown, revoked, malformed).
    BadToken,
    /// A read-only API token asked to write.
    TokenReadOnly,
    BadTokenName(TokenNameError),
    TokenNotFound,
    /// A form body of another type than `application/x-www-form-urlencoded`.
    FormContentType,
    /// A body that is not UTF-8 once decoded.
    BadEncoding,
    /// Over a rate limit (`limits.rs`); answered 429 with `Retry-After`.
    RateLimited(Refusal),
    /// Opening or ending event windows needs the animateur or admin role.
    EventForbidden,
    BadEvent(EventError),
    /// No such event, or it is already over.
    EventNotFound,
    /// A "new section" without subject or message.
    Section(SectionError),
    /// A search query that cannot be run (no word, too long).
    Search(QueryError),
    /// No event with this id (its dashboard, stream or report).
    EventMissing,
    /// A sign-up link with a wrong event or secret.
    BadJoinLink,
    /// A sign-up link of an event that is over.
    EventOver,
    /// `?action=curate` on a page that is not a portal.
    NotAPortal,
    /// The featured page, section or animateur named is not on the portal.
    NotOnPortal,
    /// The portal has as many featured pages (or sections) as it may.
    PortalFull,
    /// An uploaded file refused for what it is (`carnet_media::inspect`).
    Media(carnet_media::MediaError),
    /// An upload without a file.
    NoFile,
    /// An upload without a name, and a file without one either.
    NoFileName,
    /// The name's extension does not match the content (the extension it should have).
    FileNameMismatch(&'static str),
    /// No such file (served originals, thumbnails, a file page's actions).
    FileNotFound,
    /// No such version of the file (restore).
    FileVersionNotFound(i64),
    /// An API upload whose body is not `application/octet-stream`.
    OctetStreamRequired,
    /// Details are logged, never shown: they may reveal internals.
    Internal,
}

impl Problem {
    pub fn status(&self) -> StatusCode {
        match self {
            Problem::PageNotFound | Problem::RevisionNotFound(_) => StatusCode::NOT_FOUND,
            Problem::BadTitle(_)
            | Problem::Author(_)
            | Problem::Comment(_)
            | Problem::ForeignBase(_)
            | Problem::BadParameter(_)
            | Problem::UnknownAction(_)
            | Problem::BadJson(_) => StatusCode::BAD_REQUEST,
            Problem::Text(TextError::TooLarge { .. }) | Problem::PayloadTooLarge(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Problem::Text(TextError::NulCharacter) => StatusCode::BAD_REQUEST,
            Problem::Csrf | Problem::CrossOrigin | Problem::SpecialPage => StatusCode::FORBIDDEN,
            Problem::ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Problem::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Problem::Conflict => StatusCode::CONFLICT,
            Problem::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Problem::WrongCredentials | Problem::LoginRequired => StatusCode::UNAUTHORIZED,
            Problem::NameTaken => StatusCode::CONFLICT,
            Problem::BadUserName(_) | Problem::Password(_) => StatusCode::BAD_REQUEST,
            Problem::Denied(_) | Problem::RevisionHidden(_) | Problem::RevisionDeleted(_) => {
                StatusCode::FORBIDDEN
            }
            Problem::CannotHideCurrent
            | Problem::MoveTargetExists(_)
            | Problem::RollbackNotLastAuthor(_)
            | Problem::RollbackOnlyAuthor(_) => StatusCode::CONFLICT,
            Problem::SameTitle | Problem::BadExpiry(_) => StatusCode::BAD_REQUEST,
            Problem::UserNotFound(_) => StatusCode::NOT_FOUND,
            Problem::BadToken => StatusCode::UNAUTHORIZED,
            Problem::TokenReadOnly => StatusCode::FORBIDDEN,
            Problem::BadTokenName(_) | Problem::BadEncoding => StatusCode::BAD_REQUEST,
            Problem::TokenNotFound => StatusCode::NOT_FOUND,
            Problem::FormContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Problem::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Problem::EventForbidden => StatusCode::FORBIDDEN,
            Problem::BadEvent(_) => StatusCode::BAD_REQUEST,
            Problem::EventNotFound => StatusCode::NOT_FOUND,
            Problem::Section(_) | Problem::Search(_) => StatusCode::BAD_REQUEST,
            Problem::EventMissing | Problem::BadJoinLink => StatusCode::NOT_FOUND,
            Problem::EventOver => StatusCode::GONE,
            Problem::NotAPortal => StatusCode::BAD_REQUEST,
            Problem::NotOnPortal => StatusCode::NOT_FOUND,
            Problem::PortalFull => StatusCode::CONFLICT,
            Problem::Media(error) => media_status(error),
            Problem::NoFile | Problem::NoFileName | Problem::FileNameMismatch(_) => {
                StatusCode::BAD_REQUEST
            }
            Problem::FileNotFound | Problem::FileVersionNotFound(_) => StatusCode::NOT_FOUND,
            Problem::OctetStreamRequired => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Problem::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::PageNotFound => "page_not_found",
            Problem::RevisionNotFound(_) => "revision_not_found",
            Problem::BadTitle(_) => "bad_title",
            Problem::Text(TextError::TooLarge { .. }) => "text_too_large",
            Problem::Text(TextError::NulCharacter) => "bad_text",
            Problem::Author(_) => "bad_author",
            Problem::Comment(_) => "bad_comment",
            Problem::ForeignBase(_) => "bad_base_revision",
            Problem::Csrf => "csrf",
            Problem::CrossOrigin => "cross_origin",
            Problem::BadParameter(_) => "bad_parameter",
            Problem::UnknownAction(_) => "unknown_action",
            Problem::BadJson(_) => "bad_json",
            Problem::ContentType => "unsupported_media_type",
            Problem::PayloadTooLarge(_) => "payload_too_large",
            Problem::SpecialPage => "special_page",
            Problem::Busy => "busy",
            Problem::Conflict => "conflict",
            Problem::MethodNotAllowed => "method_not_allowed",
            Problem::WrongCredentials => "wrong_credentials",
            Problem::NameTaken => "name_taken",
            Problem::BadUserName(_) => "bad_user_name",
            Problem::Password(_) => "bad_password",
            Problem::LoginRequired => "login_required",
            Problem::Denied(Denial::Blocked(_)) => "blocked",
            Problem::Denied(Denial::Protected(_)) => "protected",
            Problem::Denied(Denial::AccountRequired) => "account_required",
            Problem::Denied(Denial::RoleRequired(_) | Denial::PortalCurators) => "forbidden",
            Problem::RevisionHidden(_) => "revision_hidden",
            Problem::RevisionDeleted(_) => "revision_deleted",
            Problem::CannotHideCurrent => "cannot_hide_current",
            Problem::MoveTargetExists(_) => "move_target_exists",
            Problem::SameTitle => "same_title",
            Problem::RollbackNotLastAuthor(_) => "rollback_not_last_author",
            Problem::RollbackOnlyAuthor(_) => "rollback_only_author",
            Problem::UserNotFound(_) => "user_not_found",
            Problem::BadExpiry(_) => "bad_expiry",
            Problem::BadToken => "invalid_token",
            Problem::TokenReadOnly => "token_read_only",
            Problem::BadTokenName(_) => "bad_token_name",
            Problem::TokenNotFound => "token_not_found",
            Problem::FormContentType => "unsupported_media_type",
            Problem::BadEncoding => "bad_encoding",
            Problem::RateLimited(_) => "rate_limited",
            Problem::EventForbidden => "event_forbidden",
            Problem::BadEvent(_) => "bad_event",
            Problem::EventNotFound => "event_not_found",
            Problem::Section(_) => "bad_section",
            Problem::Search(_) => "bad_query",
            Problem::EventMissing => "event_missing",
            Problem::BadJoinLink => "bad_join_link",
            Problem::EventOver => "event_over",
            Problem::NotAPortal => "not_a_portal",
            Problem::NotOnPortal => "not_on_portal",
            Problem::PortalFull => "portal_full",
            Problem::Media(error) => media_code(error),
            Problem::NoFile => "no_file",
            Problem::NoFileName => "no_file_name",
            Problem::FileNameMismatch(_) => "file_name_mismatch",
            Problem::FileNotFound => "file_not_found",
            Problem::FileVersionNotFound(_) => "file_version_not_found",
            Problem::OctetStreamRequired => "unsupported_media_type",
            Problem::Internal => "internal",
        }
    }

    /// What a person reads.
    pub fn message(&self, tr: Tr<'_>) -> String {
        match self {
            Problem::PageNotFound => tr.t("error-not-found"),
            Problem::RevisionNotFound(id) => {
                tr.t1("error-revision-not-found", "revision", &id.to_string())
            }
            Problem::BadTitle(error) => {
                let reason = match error {
                    TitleError::Empty => tr.t("title-error-empty"),
                    TitleError::TooLong => tr.t("title-error-too-long"),
                    TitleError::ForbiddenCharacter(c) => {
                        tr.t1("title-error-forbidden", "char", &c.to_string())
                    }
                    TitleError::ControlCharacter => tr.t("title-error-control"),
                    TitleError::RelativePath => tr.t("title-error-relative"),
                    TitleError::PercentEncoded => tr.t("title-error-percent"),
                };
                tr.t1("error-bad-title", "reason", &reason)
            }
            Problem::Text(TextError::TooLarge { size, limit }) => tr.t_with(
                "error-text-too-large",
                &[
                    ("size", FluentValue::from(size.to_string())),
                    ("limit", FluentValue::from(limit.to_string())),
                ],
            ),
            Problem::Text(TextError::NulCharacter) => tr.t("error-text-nul"),
            Problem::Author(AuthorError::TooLong) => tr.t("error-author-too-long"),
            Problem::Author(AuthorError::ForbiddenCharacter) => tr.t("error-author-forbidden"),
            Problem::Author(AuthorError::LooksLikeIpAddress) => tr.t("error-author-ip"),
            Problem::Comment(CommentError::TooLong) => tr.t("error-comment-too-long"),
            Problem::ForeignBase(id) => tr.t1("error-foreign-base", "revision", &id.to_string()),
            Problem::Csrf => tr.t("error-csrf"),
            Problem::CrossOrigin => tr.t("error-cross-origin"),
            Problem::BadParameter(name) => tr.t1("error-bad-parameter", "name", name),
            Problem::UnknownAction(action) => tr.t1("error-unknown-action", "action", action),
            Problem::BadJson(detail) => tr.t1("error-bad-json", "detail", detail),
            Problem::ContentType => tr.t("error-content-type"),
            Problem::PayloadTooLarge(limit) => {
                tr.t1("error-payload-too-large", "limit", &limit.to_string())
            }
            Problem::SpecialPage => tr.t("error-special-page"),
            Problem::Busy => tr.t("error-busy"),
            Problem::Conflict => tr.t("error-conflict"),
            Problem::MethodNotAllowed => tr.t("error-method"),
            Problem::WrongCredentials => tr.t("account-wrong-credentials"),
            Problem::NameTaken => tr.t("account-name-taken"),
            Problem::BadUserName(error) => {
                let reason = match error {
                    UserNameError::Empty => tr.t("account-name-empty"),
                    UserNameError::TooLong => tr.t("account-name-too-long"),
                    UserNameError::ForbiddenCharacter => tr.t("account-name-forbidden"),
                    UserNameError::LooksLikeIpAddress => tr.t("account-name-ip"),
                    UserNameError::Reserved => tr.t("account-name-reserved"),
                };
                tr.t1("account-bad-name", "reason", &reason)
            }
            Problem::Password(PasswordError::TooShort) => tr.t("account-password-too-short"),
            Problem::Password(PasswordError::TooLong) => tr.t("account-password-too-long"),
            Problem::Password(PasswordError::SameAsName) => tr.t("account-password-same-as-name"),
            Problem::LoginRequired => tr.t("account-login-required"),
            Problem::Denied(denial) => denial_message(tr, denial),
            Problem::RevisionHidden(id) => {
                tr.t1("error-revision-hidden", "revision", &id.to_string())
            }
            Problem::RevisionDeleted(id) => {
                tr.t1("error-revision-deleted", "revision", &id.to_string())
            }
            Problem::CannotHideCurrent => tr.t("error-hide-current"),
            Problem::MoveTargetExists(title) => tr.t1("error-move-target-exists", "title", title),
            Problem::SameTitle => tr.t("error-move-same-title"),
            Problem::RollbackNotLastAuthor(author) => {
                tr.t1("error-rollback-not-last", "author", author)
            }
            Problem::RollbackOnlyAuthor(author) => {
                tr.t1("error-rollback-only-author", "author", author)
            }
            Problem::UserNotFound(name) => tr.t1("error-user-not-found", "name", name),
            Problem::BadExpiry(input) => tr.t1("error-bad-expiry", "input", input),
            Problem::BadToken => tr.t("token-error-invalid"),
            Problem::TokenReadOnly => tr.t("token-error-read-only"),
            Problem::BadTokenName(error) => tr.t(match error {
                TokenNameError::Empty => "tokens-name-empty",
                TokenNameError::TooLong => "tokens-name-too-long",
                TokenNameError::ControlCharacter => "tokens-name-control",
            }),
            Problem::TokenNotFound => tr.t("tokens-not-found"),
            Problem::FormContentType => tr.t("error-form-content-type"),
            Problem::BadEncoding => tr.t("error-bad-encoding"),
            Problem::RateLimited(refusal) => {
                let key = match refusal.action {
                    LimitedAction::Signup => "limit-signup",
                    LimitedAction::LoginFailure => "limit-login",
                    LimitedAction::Save => "limit-save",
                    LimitedAction::Creation => "limit-create",
                };
                tr.t1(key, "wait", &wait(tr, refusal.retry_after_secs))
            }
            Problem::EventForbidden => tr.t("event-forbidden"),
            Problem::BadEvent(error) => tr.t(match error {
                EventError::NameEmpty => "event-error-name-empty",
                EventError::NameTooLong => "event-error-name-too-long",
                EventError::NameControl => "event-error-name-control",
                EventError::BadStart => "event-error-bad-start",
                EventError::BadEnd => "event-error-bad-end",
                EventError::EndBeforeStart => "event-error-end-before-start",
                EventError::EndInPast => "event-error-end-in-past",
                EventError::TooLong => "event-error-too-long",
                EventError::BadIpRange => "event-error-bad-range",
                EventError::BadTarget => "event-error-bad-target",
            }),
            Problem::EventNotFound => tr.t("event-not-found"),
            Problem::Section(SectionError::EmptySubject) => tr.t("error-section-subject-empty"),
            Problem::Section(SectionError::SubjectTooLong) => tr.tn(
                "error-section-subject-too-long",
                "limit",
                i64::try_from(carnet_core::MAX_SUBJECT_CHARS).unwrap_or(i64::MAX),
            ),
            Problem::Section(SectionError::EmptyMessage) => tr.t("error-section-message-empty"),
            Problem::Search(QueryError::NoWords) => tr.t("error-search-no-words"),
            Problem::Search(QueryError::TooLong) => tr.tn(
                "error-search-too-long",
                "limit",
                i64::try_from(carnet_core::MAX_QUERY_CHARS).unwrap_or(i64::MAX),
            ),
            Problem::Search(QueryError::TooManyTerms) => tr.tn(
                "error-search-too-many-terms",
                "limit",
                i64::try_from(carnet_core::MAX_QUERY_TERMS).unwrap_or(i64::MAX),
            ),
            Problem::EventMissing => tr.t("event-missing"),
            Problem::BadJoinLink => tr.t("event-bad-join-link"),
            Problem::EventOver => tr.t("event-over"),
            Problem::NotAPortal => tr.t("portal-error-not-a-portal"),
            Problem::NotOnPortal => tr.t("portal-error-not-on-portal"),
            Problem::PortalFull => tr.t("portal-error-full"),
            Problem::Media(error) => media_message(tr, error),
            Problem::NoFile => tr.t("upload-error-no-file"),
            Problem::NoFileName => tr.t("upload-error-no-name"),
            Problem::FileNameMismatch(extension) => {
                tr.t1("upload-error-extension", "extension", extension)
            }
            Problem::FileNotFound => tr.t("file-error-not-found"),
            Problem::FileVersionNotFound(id) => {
                tr.t1("file-error-version-not-found", "version", &id.to_string())
            }
            Problem::OctetStreamRequired => tr.t("upload-error-octet-stream"),
            Problem::Internal => tr.t("error-internal"),
        }
    }

    /// Logs an unexpected failure and hides its details from the reader.
    pub fn internal(error: impl std::fmt::Display) -> Problem {
        log::error!("internal error: {error}");
        Problem::Internal
    }
}

/// A refused file's status: too big 413, not an accepted type 415, damaged 400.
fn media_status(error: &carnet_media::MediaError) -> StatusCode {
    use carnet_media::MediaError as E;
    match error {
        E::TooLarge { .. } | E::TooManyPixels { .. } | E::DecodeLimit => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        E::UnknownType | E::Svg | E::ScriptInside | E::Unsupported | E::NotAnImage => {
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        }
        E::Empty | E::TrailingData | E::Truncated | E::Corrupt => StatusCode::BAD_REQUEST,
        E::Encode => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn media_code(error: &carnet_media::MediaError) -> &'static str {
    use carnet_media::MediaError as E;
    match error {
        E::Empty => "file_empty",
        E::TooLarge { .. } => "file_too_large",
        E::UnknownType => "file_type",
        E::Svg => "file_svg",
        E::ScriptInside => "file_script",
        E::TrailingData => "file_trailing_data",
        E::Truncated => "file_truncated",
        E::Corrupt => "file_corrupt",
        E::TooManyPixels { .. } => "file_too_many_pixels",
        E::DecodeLimit => "file_decode_limit",
        E::Unsupported => "file_unsupported",
        E::NotAnImage => "file_not_image",
        E::Encode => "internal",
    }
}

/// What the uploader reads about a refused file.
fn media_message(tr: Tr<'_>, error: &carnet_media::MediaError) -> String {
    use carnet_media::MediaError as E;
    match error {
        E::Empty => tr.t("media-error-empty"),
        E::TooLarge { max, .. } => tr.t1(
            "media-error-too-large",
            "limit",
            &crate::media::human_size(tr, *max),
        ),
        E::UnknownType => tr.t("media-error-unknown-type"),
        E::Svg => tr.t("media-error-svg"),
        E::ScriptInside => tr.t("media-error-script"),
        E::TrailingData => tr.t("media-error-trailing-data"),
        E::Truncated => tr.t("media-error-truncated"),
        E::Corrupt => tr.t("media-error-corrupt"),
        E::TooManyPixels { width, height } => tr.t_with(
            "media-error-too-many-pixels",
            &[
                ("width", FluentValue::from(*width)),
                ("height", FluentValue::from(*height)),
            ],
        ),
        E::DecodeLimit => tr.t("media-error-decode-limit"),
        E::Unsupported => tr.t("media-error-unsupported"),
        E::NotAnImage => tr.t("media-error-not-image"),
        E::Encode => tr.t("error-internal"),
    }
}

/// Why a right is refused, with the reason and expiry a moderator gave.
fn denial_message(tr: Tr<'_>, denial: &Denial) -> String {
    let until = |expires: &Option<chrono::DateTime<chrono::Utc>>| match expires {
        Some(at) => tr.t1("rights-until", "date", &tr.date(at)),
        None => tr.t("rights-indefinitely"),
    };
    match denial {
        Denial::Blocked(block) => tr.t_with(
            "rights-blocked",
            &[
                ("until", FluentValue::from(until(&block.expires))),
                ("reason", FluentValue::from(block.reason.clone())),
            ],
        ),
        Denial::Protected(protection) => {
            let who = match protection.level {
                ProtectionLevel::Registered => tr.t("protection-level-registered"),
                ProtectionLevel::Administrators => tr.t("protection-level-admin"),
            };
            tr.t_with(
                "rights-protected",
                &[
                    ("who", FluentValue::from(who)),
                    ("until", FluentValue::from(until(&protection.expires))),
                    ("reason", FluentValue::from(protection.reason.clone())),
                ],
            )
        }
        Denial::AccountRequired => tr.t("rights-account-required"),
        Denial::RoleRequired(Role::Administrator) => tr.t("rights-admins-only"),
        Denial::RoleRequired(_) => tr.t("rights-animateurs-only"),
        Denial::PortalCurators => tr.t("rights-portal-curators"),
    }
}

/// "45 secondes", "3 minutes": a wait as people say it, rounded up.
fn wait(tr: Tr<'_>, seconds: u64) -> String {
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX).max(1);
    if seconds < 60 {
        tr.tn("limit-wait-seconds", "count", seconds)
    } else {
        tr.tn("limit-wait-minutes", "count", (seconds + 59) / 60)
    }
}

impl From<StoreError> for Problem {
    fn from(error: StoreError) -> Problem {
        match error {
            StoreError::ForeignBase(id) => Problem::ForeignBase(id),
            StoreError::Text(error) => Problem::Text(error),
            StoreError::Busy => Problem::Busy,
            StoreError::Pool(error) => {
                log::warn!("database pool exhausted: {error}");
                Problem::Busy
            }
            other => Problem::internal(other),
        }
    }
}

impl From<actix_web::error::BlockingError> for Problem {
    fn from(error: actix_web::error::BlockingError) -> Problem {
        Problem::internal(error)
    }
}

impl From<TitleError> for Problem {
    fn from(error: TitleError) -> Problem {
        Problem::BadTitle(error)
    }
}

impl From<TextError> for Problem {
    fn from(error: TextError) -> Problem {
        Problem::Text(error)
    }
}

impl From<AuthorError> for Problem {
    fn from(error: AuthorError) -> Problem {
        Problem::Author(error)
    }
}

impl From<QueryError> for Problem {
    fn from(error: QueryError) -> Problem {
        Problem::Search(error)
    }
}

impl From<SectionError> for Problem {
    fn from(error: SectionError) -> Problem {
        Problem::Section(error)
    }
}

impl From<CommentError> for Problem {
    fn from(error: CommentError) -> Problem {
        Problem::Comment(error)
    }
}
