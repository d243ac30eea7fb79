//! The public log: what moderators did, for everyone to see.

/// The kinds of logged actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogAction {
    Protect,
    Unprotect,
    Delete,
    Undelete,
    HideRevision,
    UnhideRevision,
    Block,
    Unblock,
    Move,
    Rights,
    /// Portal curation (featured pages, their order, blurbs and pictures, sections).
    Curate,
    /// An animateur appointed to a portal, or dismissed.
    PortalAnimateur,
    /// A file uploaded: a new file, a new version, or an old version restored.
    Upload,
}

impl LogAction {
    pub const ALL: [LogAction; 13] = [
        LogAction::Protect,
        LogAction::Unprotect,
        LogAction::Delete,
        LogAction::Undelete,
        LogAction::HideRevision,
        LogAction::UnhideRevision,
        LogAction::Block,
        LogAction::Unblock,
        LogAction::Move,
        LogAction::Rights,
        LogAction::Curate,
        LogAction::PortalAnimateur,
        LogAction::Upload,
    ];

    /// The code stored in the database and used in `?type=` filters.
    pub fn code(self) -> &'static str {
        match self {
            LogAction::Protect => "protect",
            LogAction::Unprotect => "unprotect",
            LogAction::Delete => "delete",
            LogAction::Undelete => "undelete",
            LogAction::HideRevision => "hide",
            LogAction::UnhideRevision => "unhide",
            LogAction::Block => "block",
            LogAction::Unblock => "unblock",
            LogAction::Move => "move",
            LogAction::Rights => "rights",
            LogAction::Curate => "curate",
            LogAction::PortalAnimateur => "animateur",
            LogAction::Upload => "upload",
        }
    }

    pub fn parse(code: &str) -> Option<LogAction> {
        LogAction::ALL
            .into_iter()
            .find(|action| action.code() == code)
    }

    /// The family shown together in the log's filter: protection, deletion, blocks,
    /// moves, rights, portals.
    pub fn family(self) -> &'static str {
        match self {
            LogAction::Protect | LogAction::Unprotect => "protect",
            LogAction::Delete
            | LogAction::Undelete
            | LogAction::HideRevision
            | LogAction::UnhideRevision => "delete",
            LogAction::Block | LogAction::Unblock => "block",
            LogAction::Move => "move",
            LogAction::Rights => "rights",
            LogAction::Curate | LogAction::PortalAnimateur => "portal",
            LogAction::Upload => "upload",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for action in LogAction::ALL {
            assert_eq!(LogAction::parse(action.code()), Some(action));
        }
        assert_eq!(LogAction::parse("explode"), None);
    }
}
