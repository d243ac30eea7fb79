//! Who may do what — the one place Carnet decides it.
//!
//! Handlers describe the person ([`Actor`]), what they want ([`Action`]) and the page's
//! protection, and ask [`check`]; they never compare roles themselves. The answer is a
//! [`Denial`] that says why, so the person can be told (and the table of rights is
//! tested here, without a server).

use chrono::{DateTime, Utc};

use crate::account::Role;

/// Where a person stands with the wiki.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Logged out, with no temporary identity yet (a reader; writes if the wiki allows).
    Anonymous,
    /// Logged out, writing under a temporary identity (`~2026-42`).
    Temporary,
    /// A registered account.
    Registered(Role),
}

/// A block: the person may still read, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub reason: String,
    /// `None`: until lifted.
    pub expires: Option<DateTime<Utc>>,
}

impl Block {
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.expires.is_none_or(|expires| expires > now)
    }
}

/// Who edits a protected page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProtectionLevel {
    /// Registered accounts only (no temporary identities).
    Registered,
    Administrators,
}

impl ProtectionLevel {
    pub fn code(self) -> &'static str {
        match self {
            ProtectionLevel::Registered => "registered",
            ProtectionLevel::Administrators => "admin",
        }
    }

    pub fn parse(code: &str) -> Option<ProtectionLevel> {
        match code {
            "registered" => Some(ProtectionLevel::Registered),
            "admin" => Some(ProtectionLevel::Administrators),
            _ => None,
        }
    }
}

/// A page's protection against editing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protection {
    pub level: ProtectionLevel,
    pub reason: String,
    /// `None`: until lifted.
    pub expires: Option<DateTime<Utc>>,
}

impl Protection {
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.expires.is_none_or(|expires| expires > now)
    }
}

/// A person, as far as rights go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub standing: Standing,
    /// Their block, if any (expired ones are ignored).
    pub block: Option<Block>,
}

impl Actor {
    pub fn anonymous() -> Actor {
        Actor {
            standing: Standing::Anonymous,
            block: None,
        }
    }

    fn role(&self) -> Option<Role> {
        match self.standing {
            Standing::Registered(role) => Some(role),
            _ => None,
        }
    }
}

/// Everything a right is needed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    /// Change an existing page.
    Edit,
    /// Start a page (also one that was deleted).
    Create,
    /// Rename a page, leaving a redirect.
    Move,
    /// Revert the last edits of one author in one click.
    Rollback,
    Protect,
    Delete,
    Undelete,
    /// See deleted pages and revisions.
    ViewDeleted,
    /// Hide or show again a revision's text.
    HideRevision,
    /// Read a hidden revision's text.
    ViewHidden,
    /// Block or unblock someone.
    Block,
    ChangeRights,
    /// Open a workshop event window.
    CreateEvent,
    /// Curate a portal: featured pages, sections, article du jour (administrators, and
    /// the animateurs appointed to that portal: see [`check_portal`]).
    CuratePortal,
    /// Appoint or dismiss the animateurs of a portal.
    AppointAnimateurs,
    /// End a page's live session and lock its notes (protect it for administrators).
    LockLive,
    /// Upload a file, a new version of one, or restore an old version (issue 7): as
    /// for edits, and the file page's protection applies.
    Upload,
}

impl Action {
    pub const ALL: [Action; 18] = [
        Action::Read,
        Action::Edit,
        Action::Create,
        Action::Move,
        Action::Rollback,
        Action::Protect,
        Action::Delete,
        Action::Undelete,
        Action::ViewDeleted,
        Action::HideRevision,
        Action::ViewHidden,
        Action::Block,
        Action::ChangeRights,
        Action::CreateEvent,
        Action::CuratePortal,
        Action::AppointAnimateurs,
        Action::LockLive,
        Action::Upload,
    ];

    /// The least a person must be for this action, protections aside.
    fn needs(self) -> Needs {
        match self {
            Action::Read => Needs::Nothing,
            Action::Edit | Action::Create | Action::Upload => Needs::Writer,
            Action::Move => Needs::Role(Role::Writer),
            Action::Rollback | Action::CreateEvent | Action::LockLive => {
                Needs::Role(Role::Animateur)
            }
            Action::Protect
            | Action::Delete
            | Action::Undelete
            | Action::ViewDeleted
            | Action::HideRevision
            | Action::ViewHidden
            | Action::Block
            | Action::ChangeRights
            | Action::CuratePortal
            | Action::AppointAnimateurs => Needs::Role(Role::Administrator),
        }
    }

    /// Whether a page's edit protection applies to this action.
    fn changes_text(self) -> bool {
        matches!(
            self,
            Action::Edit | Action::Create | Action::Move | Action::Rollback | Action::Upload
        )
    }
}

enum Needs {
    Nothing,
    /// Anyone who may write: logged out (if the wiki allows) or not.
    Writer,
    /// A registered account with at least this role.
    Role(Role),
}

/// Site-wide settings that rights depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Logged-out people may write (under a temporary identity). On by default.
    pub anonymous_editing: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            anonymous_editing: true,
        }
    }
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    Blocked(Block),
    Protected(Protection),
    /// Log in (or sign up) first.
    AccountRequired,
    /// A registered account with this role (or above) is needed.
    RoleRequired(Role),
    /// Only administrators and the animateurs appointed to this portal may curate it.
    PortalCurators,
}

/// Decides whether `actor` may do `action` on a page with `protection`, at `now`.
///
/// ```
/// use carnet_core::rights::{check, Action, Actor, Policy};
/// let now = chrono::Utc::now();
/// assert!(check(&Actor::anonymous(), Action::Edit, None, Policy::default(), now).is_ok());
/// assert!(check(&Actor::anonymous(), Action::Delete, None, Policy::default(), now).is_err());
/// ```
pub fn check(
    actor: &Actor,
    action: Action,
    protection: Option<&Protection>,
    policy: Policy,
    now: DateTime<Utc>,
) -> Result<(), Denial> {
    if action == Action::Read {
        return Ok(());
    }
    if let Some(block) = actor.block.as_ref().filter(|block| block.is_active(now)) {
        return Err(Denial::Blocked(block.clone()));
    }
    let role = actor.role();
    match action.needs() {
        Needs::Nothing => {}
        Needs::Writer => {
            let logged_out = matches!(actor.standing, Standing::Anonymous | Standing::Temporary);
            if logged_out && !policy.anonymous_editing {
                return Err(Denial::AccountRequired);
            }
        }
        Needs::Role(needed) => match role {
            None => {
                return Err(if needed == Role::Writer {
                    Denial::AccountRequired
                } else {
                    Denial::RoleRequired(needed)
                });
            }
            Some(role) if role < needed => return Err(Denial::RoleRequired(needed)),
            Some(_) => {}
        },
    }
    if action.changes_text()
        && let Some(protection) = protection.filter(|p| p.is_active(now))
    {
        let allowed = match protection.level {
            ProtectionLevel::Registered => role.is_some(),
            ProtectionLevel::Administrators => role == Some(Role::Administrator),
        };
        if !allowed {
            return Err(Denial::Protected(protection.clone()));
        }
    }
    Ok(())
}

/// Decides an action on a portal, knowing whether the person is one of the animateurs
/// an administrator appointed to it (`appointed`). Appointed animateurs (registered
/// accounts, whatever their role) may curate that portal and no other; administrators
/// may curate every portal and appoint animateurs. The portal page's edit protection
/// does not apply: curation changes no text. Other actions are decided by [`check`].
///
/// ```
/// use carnet_core::rights::{check_portal, Action, Actor, Denial, Policy, Standing};
/// use carnet_core::Role;
/// let now = chrono::Utc::now();
/// let writer = Actor { standing: Standing::Registered(Role::Writer), block: None };
/// assert!(check_portal(&writer, Action::CuratePortal, true, Policy::default(), now).is_ok());
/// assert_eq!(check_portal(&writer, Action::CuratePortal, false, Policy::default(), now),
///            Err(Denial::PortalCurators));
/// ```
pub fn check_portal(
    actor: &Actor,
    action: Action,
    appointed: bool,
    policy: Policy,
    now: DateTime<Utc>,
) -> Result<(), Denial> {
    if action != Action::CuratePortal {
        return check(actor, action, None, policy, now);
    }
    if let Some(block) = actor.block.as_ref().filter(|block| block.is_active(now)) {
        return Err(Denial::Blocked(block.clone()));
    }
    if appointed && actor.role().is_some() {
        return Ok(());
    }
    match check(actor, action, None, policy, now) {
        Err(Denial::RoleRequired(_) | Denial::AccountRequired) => Err(Denial::PortalCurators),
        other => other,
    }
}

/// An expiry that is neither a duration nor a date to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a duration nor a date to come")]
pub struct ExpiryError;

/// Reads an expiry typed or picked in a form: empty or `infini`/`never` for none, a
/// duration (`2h`, `3j`/`3d`, `1sem`/`1w`, `1mois`/`1mo`, `1an`/`1y`) or a date
/// (`2026-12-31`, `2026-12-31T18:00`, taken as UTC). `None` inside `Ok` means "until
/// lifted"; `Err` for anything else or a moment already past.
///
/// ```
/// use carnet_core::rights::parse_expiry;
/// let now = chrono::Utc::now();
/// assert_eq!(parse_expiry("infini", now), Ok(None));
/// assert_eq!(parse_expiry("3j", now), Ok(Some(now + chrono::Duration::days(3))));
/// assert!(parse_expiry("hier", now).is_err());
/// ```
pub fn parse_expiry(input: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, ExpiryError> {
    let input = input.trim().to_lowercase();
    if matches!(
        input.as_str(),
        "" | "infini" | "infinite" | "indefinite" | "never" | "jamais"
    ) {
        return Ok(None);
    }
    let digits: String = input.chars().take_while(char::is_ascii_digit).collect();
    let unit = input.get(digits.len()..).unwrap_or_default().trim();
    if !digits.is_empty() && !unit.is_empty() && !unit.starts_with('-') {
        let count: i64 = digits.parse().map_err(|_| ExpiryError)?;
        let duration = match unit {
            "h" | "heure" | "heures" | "hour" | "hours" => chrono::Duration::try_hours(count),
            "j" | "d" | "jour" | "jours" | "day" | "days" => chrono::Duration::try_days(count),
            "sem" | "w" | "semaine" | "semaines" | "week" | "weeks" => {
                chrono::Duration::try_weeks(count)
            }
            "mois" | "mo" | "month" | "months" => {
                chrono::Duration::try_days(count.saturating_mul(30))
            }
            "an" | "ans" | "y" | "year" | "years" => {
                chrono::Duration::try_days(count.saturating_mul(365))
            }
            _ => None,
        };
        let at = duration
            .and_then(|d| now.checked_add_signed(d))
            .ok_or(ExpiryError)?;
        return if count > 0 {
            Ok(Some(at))
        } else {
            Err(ExpiryError)
        };
    }
    let at = if let Ok(date) = chrono::NaiveDate::parse_from_str(&input, "%Y-%m-%d") {
        date.and_hms_opt(0, 0, 0).ok_or(ExpiryError)?
    } else {
        let formats = ["%Y-%m-%dt%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dt%H:%M:%S"];
        formats
            .iter()
            .find_map(|format| chrono::NaiveDateTime::parse_from_str(&input, format).ok())
            .ok_or(ExpiryError)?
    };
    let at = at.and_utc();
    if at <= now {
        Err(ExpiryError)
    } else {
        Ok(Some(at))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn actor(standing: Standing) -> Actor {
        Actor {
            standing,
            block: None,
        }
    }

    const ANON: Standing = Standing::Anonymous;
    const TEMP: Standing = Standing::Temporary;
    const WRITER: Standing = Standing::Registered(Role::Writer);
    const ANIM: Standing = Standing::Registered(Role::Animateur);
    const ADMIN: Standing = Standing::Registered(Role::Administrator);

    /// The table of rights on an unprotected page: one row per action, one column per
    /// standing (anonymous, temporary, writer, animateur, administrator).
    #[test]
    fn table_of_rights() {
        let table: [(Action, [bool; 5]); 18] = [
            (Action::Read, [true, true, true, true, true]),
            (Action::Edit, [true, true, true, true, true]),
            (Action::Create, [true, true, true, true, true]),
            (Action::Upload, [true, true, true, true, true]),
            (Action::Move, [false, false, true, true, true]),
            (Action::Rollback, [false, false, false, true, true]),
            (Action::CreateEvent, [false, false, false, true, true]),
            (Action::LockLive, [false, false, false, true, true]),
            (Action::Protect, [false, false, false, false, true]),
            (Action::Delete, [false, false, false, false, true]),
            (Action::Undelete, [false, false, false, false, true]),
            (Action::ViewDeleted, [false, false, false, false, true]),
            (Action::HideRevision, [false, false, false, false, true]),
            (Action::ViewHidden, [false, false, false, false, true]),
            (Action::Block, [false, false, false, false, true]),
            (Action::ChangeRights, [false, false, false, false, true]),
            (Action::CuratePortal, [false, false, false, false, true]),
            (
                Action::AppointAnimateurs,
                [false, false, false, false, true],
            ),
        ];
        assert_eq!(
            table.iter().map(|(a, _)| *a).collect::<Vec<_>>().len(),
            Action::ALL.len()
        );
        let now = Utc::now();
        for (action, expected) in table {
            for (standing, allowed) in [ANON, TEMP, WRITER, ANIM, ADMIN].into_iter().zip(expected) {
                let result = check(&actor(standing), action, None, Policy::default(), now);
                assert_eq!(
                    result.is_ok(),
                    allowed,
                    "{action:?} by {standing:?}: {result:?}"
                );
            }
        }
    }

    /// Portal curation: one column per standing, without and with an appointment to
    /// that portal.
    #[test]
    fn table_of_portal_rights() {
        let now = Utc::now();
        let table: [(Action, bool, [bool; 5]); 4] = [
            (
                Action::CuratePortal,
                false,
                [false, false, false, false, true],
            ),
            (Action::CuratePortal, true, [false, false, true, true, true]),
            (
                Action::AppointAnimateurs,
                false,
                [false, false, false, false, true],
            ),
            // Being animateur of a portal does not let one appoint others.
            (
                Action::AppointAnimateurs,
                true,
                [false, false, false, false, true],
            ),
        ];
        for (action, appointed, expected) in table {
            for (standing, allowed) in [ANON, TEMP, WRITER, ANIM, ADMIN].into_iter().zip(expected) {
                let result =
                    check_portal(&actor(standing), action, appointed, Policy::default(), now);
                assert_eq!(
                    result.is_ok(),
                    allowed,
                    "{action:?} by {standing:?} (appointed: {appointed}): {result:?}"
                );
                if !allowed && action == Action::CuratePortal {
                    assert_eq!(result, Err(Denial::PortalCurators));
                }
            }
        }
        // A temporary identity cannot be appointed in practice; even if it were, it
        // would not curate.
        assert!(
            check_portal(
                &actor(TEMP),
                Action::CuratePortal,
                true,
                Policy::default(),
                now
            )
            .is_err()
        );
        // A blocked animateur curates nothing.
        let block = Block {
            reason: "spam".into(),
            expires: None,
        };
        let blocked = Actor {
            standing: WRITER,
            block: Some(block.clone()),
        };
        assert_eq!(
            check_portal(&blocked, Action::CuratePortal, true, Policy::default(), now),
            Err(Denial::Blocked(block))
        );
        // Other actions go through the ordinary table.
        assert!(check_portal(&actor(WRITER), Action::Edit, false, Policy::default(), now).is_ok());
    }

    #[test]
    fn protection_levels() {
        let now = Utc::now();
        let registered = Protection {
            level: ProtectionLevel::Registered,
            reason: "vandalisme".into(),
            expires: None,
        };
        let admins = Protection {
            level: ProtectionLevel::Administrators,
            ..registered.clone()
        };
        for (protection, expected) in [
            (&registered, [false, false, true, true, true]),
            (&admins, [false, false, false, false, true]),
        ] {
            for (standing, allowed) in [ANON, TEMP, WRITER, ANIM, ADMIN].into_iter().zip(expected) {
                let result = check(
                    &actor(standing),
                    Action::Edit,
                    Some(protection),
                    Policy::default(),
                    now,
                );
                assert_eq!(result.is_ok(), allowed, "{standing:?} on {protection:?}");
                if !allowed {
                    assert_eq!(result, Err(Denial::Protected(protection.clone())));
                }
            }
            // Reading is never protected.
            assert!(
                check(
                    &actor(ANON),
                    Action::Read,
                    Some(protection),
                    Policy::default(),
                    now
                )
                .is_ok()
            );
        }
        // Rollback by an animateur respects an administrators-only protection.
        assert!(
            check(
                &actor(ANIM),
                Action::Rollback,
                Some(&admins),
                Policy::default(),
                now
            )
            .is_err()
        );
        assert!(
            check(
                &actor(ANIM),
                Action::Rollback,
                Some(&registered),
                Policy::default(),
                now
            )
            .is_ok()
        );
    }

    #[test]
    fn protection_expires() {
        let now = Utc::now();
        let protection = Protection {
            level: ProtectionLevel::Administrators,
            reason: String::new(),
            expires: Some(now + Duration::hours(1)),
        };
        assert!(
            check(
                &actor(WRITER),
                Action::Edit,
                Some(&protection),
                Policy::default(),
                now
            )
            .is_err()
        );
        let later = now + Duration::hours(2);
        assert!(
            check(
                &actor(WRITER),
                Action::Edit,
                Some(&protection),
                Policy::default(),
                later
            )
            .is_ok()
        );
    }

    #[test]
    fn blocked_people_read_and_nothing_else() {
        let now = Utc::now();
        let block = Block {
            reason: "spam".into(),
            expires: Some(now + Duration::days(1)),
        };
        for standing in [TEMP, WRITER, ANIM, ADMIN] {
            let blocked = Actor {
                standing,
                block: Some(block.clone()),
            };
            assert!(check(&blocked, Action::Read, None, Policy::default(), now).is_ok());
            for action in Action::ALL.into_iter().filter(|a| *a != Action::Read) {
                assert_eq!(
                    check(&blocked, action, None, Policy::default(), now),
                    Err(Denial::Blocked(block.clone())),
                    "{action:?} by blocked {standing:?}"
                );
            }
            // Once the block has expired, rights come back.
            let later = now + Duration::days(2);
            assert!(check(&blocked, Action::Edit, None, Policy::default(), later).is_ok());
        }
    }

    #[test]
    fn expiries() {
        let now = "2026-11-28T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(parse_expiry("", now), Ok(None));
        assert_eq!(parse_expiry(" Jamais ", now), Ok(None));
        assert_eq!(parse_expiry("2h", now), Ok(Some(now + Duration::hours(2))));
        assert_eq!(
            parse_expiry("1 sem", now),
            Ok(Some(now + Duration::weeks(1)))
        );
        assert_eq!(
            parse_expiry("1an", now),
            Ok(Some(now + Duration::days(365)))
        );
        assert_eq!(
            parse_expiry("2026-12-31", now),
            Ok(Some("2026-12-31T00:00:00Z".parse().unwrap()))
        );
        assert_eq!(
            parse_expiry("2026-12-31T18:30", now),
            Ok(Some("2026-12-31T18:30:00Z".parse().unwrap()))
        );
        for bad in [
            "demain",
            "0j",
            "2026-01-01",
            "3 siècles",
            "-2h",
            "99999999999999999999j",
        ] {
            assert_eq!(parse_expiry(bad, now), Err(ExpiryError), "{bad}");
        }
    }

    #[test]
    fn anonymous_editing_can_be_turned_off() {
        let now = Utc::now();
        let closed = Policy {
            anonymous_editing: false,
        };
        assert_eq!(
            check(&actor(ANON), Action::Edit, None, closed, now),
            Err(Denial::AccountRequired)
        );
        assert_eq!(
            check(&actor(ANON), Action::Create, None, closed, now),
            Err(Denial::AccountRequired)
        );
        assert_eq!(
            check(&actor(TEMP), Action::Edit, None, closed, now),
            Err(Denial::AccountRequired)
        );
        assert!(check(&actor(WRITER), Action::Edit, None, closed, now).is_ok());
        assert_eq!(
            check(&actor(ANON), Action::Move, None, Policy::default(), now),
            Err(Denial::AccountRequired)
        );
        assert_eq!(
            check(&actor(WRITER), Action::Delete, None, Policy::default(), now),
            Err(Denial::RoleRequired(Role::Administrator))
        );
    }
}
