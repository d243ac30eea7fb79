//! The front end's side of rights: who the request is ([`Ctx::actor`]) and the one
//! question every handler asks before acting ([`Ctx::require`]). The decisions
//! themselves are `carnet_core::rights`, tested there as a table.

use carnet_core::Title;
use carnet_core::rights::{self, Action, Actor, Protection, Standing};
use chrono::Utc;

use crate::problem::Problem;
use crate::views::Ctx;

impl Ctx<'_> {
    /// The person behind the request, with their block if one is in force.
    pub fn actor(&self) -> Actor {
        let standing = match &self.user {
            None => Standing::Anonymous,
            Some(user) if user.temporary => Standing::Temporary,
            Some(user) => Standing::Registered(user.role),
        };
        Actor {
            standing,
            block: self.block.clone(),
        }
    }

    /// Whether the request may do `action` on a page with `protection`.
    pub fn may(&self, action: Action, protection: Option<&Protection>) -> bool {
        self.require(action, protection).is_ok()
    }

    /// Refuses with the reason (blocked, protected, account or role needed) unless the
    /// request may do `action`.
    pub fn require(&self, action: Action, protection: Option<&Protection>) -> Result<(), Problem> {
        rights::check(
            &self.actor(),
            action,
            protection,
            self.state.policy,
            Utc::now(),
        )
        .map_err(Problem::Denied)
    }

    /// Whether the request may do `action` on a portal, `appointed` telling whether the
    /// person is one of its animateurs.
    pub fn may_on_portal(&self, action: Action, appointed: bool) -> bool {
        self.require_on_portal(action, appointed).is_ok()
    }

    /// Refuses portal curation (or appointments) with the reason, per
    /// `carnet_core::rights::check_portal`.
    pub fn require_on_portal(&self, action: Action, appointed: bool) -> Result<(), Problem> {
        rights::check_portal(
            &self.actor(),
            action,
            appointed,
            self.state.policy,
            Utc::now(),
        )
        .map_err(Problem::Denied)
    }

    /// The protection of a page, if one is in force.
    pub async fn protection_of(&self, title: &Title) -> Result<Option<Protection>, Problem> {
        let store = self.state.store.clone();
        let title = title.clone();
        let found = actix_web::web::block(move || store.protection(&title)).await??;
        Ok(found
            .map(|found| found.protection)
            .filter(|protection| protection.is_active(Utc::now())))
    }
}
