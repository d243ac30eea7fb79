//! Workshop event windows: a wiki-journée puts thirty newcomers behind one public
//! address, so an animateur opens a window (start, end, optional IP range) during which
//! the per-IP limits of the addresses it covers are relaxed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::IpAddr;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use ipnet::IpNet;

use crate::title::{Namespace, Title};

/// The longest event name, in characters.
pub const MAX_EVENT_NAME_CHARS: usize = 100;
/// The longest event: a window cannot turn per-IP limits off for good.
pub const MAX_EVENT_DAYS: i64 = 7;

/// An IPv4 or IPv6 network in CIDR notation (`192.0.2.0/24`, `2001:db8::/48`); a bare
/// address means that address alone. Host bits are cleared: `192.0.2.7/24` is
/// `192.0.2.0/24`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange(IpNet);

impl IpRange {
    pub fn parse(input: &str) -> Result<IpRange, EventError> {
        let input = input.trim();
        if let Ok(net) = input.parse::<IpNet>() {
            return Ok(IpRange(canonical(net.trunc())));
        }
        match input.parse::<IpAddr>() {
            Ok(ip) => Ok(IpRange(canonical(IpNet::from(ip)))),
            Err(_) => Err(EventError::BadIpRange),
        }
    }

    /// IPv4-mapped IPv6 addresses are matched as the IPv4 addresses they are.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
    }
}

/// `::ffff:192.0.2.0/120` is written `192.0.2.0/24`, so it matches IPv4 clients.
fn canonical(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) => match v6.addr().to_ipv4_mapped() {
            Some(v4) if v6.prefix_len() >= 96 => {
                ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96).map_or(net, IpNet::V4)
            }
            _ => net,
        },
        IpNet::V4(_) => net,
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("the event needs a name")]
    NameEmpty,
    #[error("the event name is longer than {MAX_EVENT_NAME_CHARS} characters")]
    NameTooLong,
    #[error("the event name contains a control character")]
    NameControl,
    #[error("the start is not a date and time")]
    BadStart,
    #[error("the end is not a date and time")]
    BadEnd,
    #[error("the end is not after the start")]
    EndBeforeStart,
    #[error("the end is already past")]
    EndInPast,
    #[error("an event lasts at most {MAX_EVENT_DAYS} days")]
    TooLong,
    #[error("the IP range is not an address or a CIDR network")]
    BadIpRange,
    #[error("the target is not a portal page or a category")]
    BadTarget,
}

/// When an event relaxes limits, and for which addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventWindow {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Set when an animateur ended the event before `ends_at`.
    pub ended_at: Option<DateTime<Utc>>,
    /// `None`: every address.
    pub ip_range: Option<IpRange>,
}

/// Where an event stands at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    Upcoming,
    Open,
    Past,
}

impl EventWindow {
    /// When the event stops relaxing limits: its planned end or when it was ended.
    pub fn effective_end(&self) -> DateTime<Utc> {
        match self.ended_at {
            Some(ended) if ended < self.ends_at => ended,
            _ => self.ends_at,
        }
    }

    pub fn status(&self, now: DateTime<Utc>) -> EventStatus {
        if now >= self.effective_end() {
            EventStatus::Past
        } else if now < self.starts_at {
            EventStatus::Upcoming
        } else {
            EventStatus::Open
        }
    }

    /// Whether this event relaxes the per-IP limits of `ip` at `now`.
    pub fn relaxes(&self, ip: IpAddr, now: DateTime<Utc>) -> bool {
        self.status(now) == EventStatus::Open
            && self.ip_range.is_none_or(|range| range.contains(ip))
    }
}

/// A new event, checked: a non-empty name, an end after the start and not yet past, at
/// most [`MAX_EVENT_DAYS`] long, a valid range if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDraft {
    name: String,
    window: EventWindow,
    target: Option<Title>,
}

impl EventDraft {
    /// Reads the event form: times as `YYYY-MM-DDTHH:MM[:SS]` in UTC (what an HTML
    /// `datetime-local` field sends), an empty range for every address.
    pub fn parse(
        name: &str,
        starts_at: &str,
        ends_at: &str,
        ip_range: &str,
        now: DateTime<Utc>,
    ) -> Result<EventDraft, EventError> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(EventError::NameEmpty);
        }
        if name.chars().count() > MAX_EVENT_NAME_CHARS {
            return Err(EventError::NameTooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(EventError::NameControl);
        }
        let starts_at = parse_time(starts_at).ok_or(EventError::BadStart)?;
        let ends_at = parse_time(ends_at).ok_or(EventError::BadEnd)?;
        if ends_at <= starts_at {
            return Err(EventError::EndBeforeStart);
        }
        if ends_at <= now {
            return Err(EventError::EndInPast);
        }
        if ends_at - starts_at > Duration::days(MAX_EVENT_DAYS) {
            return Err(EventError::TooLong);
        }
        let ip_range = match ip_range.trim() {
            "" => None,
            range => Some(IpRange::parse(range)?),
        };
        Ok(EventDraft {
            name,
            window: EventWindow {
                starts_at,
                ends_at,
                ended_at: None,
                ip_range,
            },
            target: None,
        })
    }

    /// Sets what the event is about (see [`parse_target`]); empty: nothing.
    pub fn with_target(mut self, target: &str) -> Result<EventDraft, EventError> {
        self.target = parse_target(target)?;
        Ok(self)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The portal page or category the workshop works on, if any.
    pub fn target(&self) -> Option<&Title> {
        self.target.as_ref()
    }

    pub fn window(&self) -> &EventWindow {
        &self.window
    }
}

/// An event's target: a `Portail:` page or a `Catégorie:` (English names accepted);
/// empty input means none.
pub fn parse_target(input: &str) -> Result<Option<Title>, EventError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    match Title::parse(input) {
        Ok(title) if matches!(title.namespace(), Namespace::Portal | Namespace::Category) => {
            Ok(Some(title))
        }
        _ => Err(EventError::BadTarget),
    }
}

/// One revision of an event's window by one of its participants, as the dashboard
/// counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventEdit {
    pub page: i64,
    pub user: i64,
    /// The page's first revision.
    pub created: bool,
    /// Size change against the parent revision, in bytes (a creation: its size).
    pub delta: i64,
}

/// What a set of edits amounts to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Revisions saved.
    pub edits: u64,
    /// Pages whose first revision is among the edits.
    pub pages_created: u64,
    /// Distinct pages edited (created ones included).
    pub pages_edited: u64,
    /// Bytes added: the sum of the positive size changes (removals do not subtract).
    pub bytes_added: i64,
}

/// An event's figures: the whole and per participant (by user id). Participants who
/// made no edit have an empty tally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFigures {
    pub participants: usize,
    pub total: Tally,
    pub per_user: BTreeMap<i64, Tally>,
}

impl EventFigures {
    /// Adds up `edits` (of the window, by participants) for `participants`.
    pub fn tally(participants: &[i64], edits: &[EventEdit]) -> EventFigures {
        let mut per_user: BTreeMap<i64, Tally> = participants
            .iter()
            .map(|id| (*id, Tally::default()))
            .collect();
        let mut pages: BTreeSet<i64> = BTreeSet::new();
        let mut user_pages: BTreeSet<(i64, i64)> = BTreeSet::new();
        let mut total = Tally::default();
        for edit in edits {
            let tally = per_user.entry(edit.user).or_default();
            let added = edit.delta.max(0);
            tally.edits += 1;
            total.edits += 1;
            tally.bytes_added += added;
            total.bytes_added += added;
            if edit.created {
                tally.pages_created += 1;
                total.pages_created += 1;
            }
            if user_pages.insert((edit.user, edit.page)) {
                tally.pages_edited += 1;
            }
            if pages.insert(edit.page) {
                total.pages_edited += 1;
            }
        }
        EventFigures {
            participants: per_user.len(),
            total,
            per_user,
        }
    }
}

/// `2026-12-05T09:00`, with optional seconds, read as UTC. A trailing `Z` is accepted.
pub fn parse_time(input: &str) -> Option<DateTime<Utc>> {
    let input = input.trim().trim_end_matches('Z');
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(input, format).ok())
        .map(|naive| naive.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(input: &str) -> DateTime<Utc> {
        parse_time(input).unwrap()
    }

    fn ip(input: &str) -> IpAddr {
        input.parse().unwrap()
    }

    #[test]
    fn ranges_parse_and_match() {
        let range = IpRange::parse("192.0.2.7/24").unwrap();
        assert_eq!(range.to_string(), "192.0.2.0/24");
        assert!(range.contains(ip("192.0.2.200")));
        assert!(!range.contains(ip("192.0.3.1")));
        assert!(range.contains(ip("::ffff:192.0.2.9")));

        let single = IpRange::parse(" 203.0.113.9 ").unwrap();
        assert_eq!(single.to_string(), "203.0.113.9/32");
        assert!(single.contains(ip("203.0.113.9")));
        assert!(!single.contains(ip("203.0.113.10")));

        let v6 = IpRange::parse("2001:db8:abcd::/48").unwrap();
        assert!(v6.contains(ip("2001:db8:abcd:12::1")));
        assert!(!v6.contains(ip("2001:db8:abce::1")));
        assert!(!v6.contains(ip("192.0.2.1")));

        let mapped = IpRange::parse("::ffff:192.0.2.0/120").unwrap();
        assert_eq!(mapped.to_string(), "192.0.2.0/24");
        assert!(mapped.contains(ip("192.0.2.5")));

        for bad in [
            "",
            "192.0.2.0/33",
            "2001:db8::/129",
            "192.0.2",
            "le CDI",
            "10.0.0.0/8/8",
        ] {
            assert_eq!(IpRange::parse(bad), Err(EventError::BadIpRange), "{bad:?}");
        }
    }

    #[test]
    fn drafts_are_checked() {
        let now = at("2026-12-05T08:00");
        let ok = EventDraft::parse(
            "  Wiki-journée   au CDI ",
            "2026-12-05T09:00",
            "2026-12-05T17:30",
            "192.0.2.0/24",
            now,
        )
        .unwrap();
        assert_eq!(ok.name(), "Wiki-journée au CDI");
        assert_eq!(ok.window().starts_at, at("2026-12-05T09:00"));
        assert_eq!(ok.window().ip_range.unwrap().to_string(), "192.0.2.0/24");
        let open = EventDraft::parse("x", "2026-12-05T09:00", "2026-12-05T10:00", "", now);
        assert_eq!(open.unwrap().window().ip_range, None);

        let check = |name: &str, start: &str, end: &str, range: &str| {
            EventDraft::parse(name, start, end, range, now).unwrap_err()
        };
        let day = ("2026-12-05T09:00", "2026-12-05T17:00");
        assert_eq!(check(" ", day.0, day.1, ""), EventError::NameEmpty);
        assert_eq!(
            check(&"é".repeat(101), day.0, day.1, ""),
            EventError::NameTooLong
        );
        assert_eq!(check("a\u{7}b", day.0, day.1, ""), EventError::NameControl);
        assert_eq!(check("x", "demain", day.1, ""), EventError::BadStart);
        assert_eq!(
            check("x", day.0, "2026-13-01T00:00", ""),
            EventError::BadEnd
        );
        assert_eq!(check("x", day.1, day.0, ""), EventError::EndBeforeStart);
        assert_eq!(check("x", day.0, day.0, ""), EventError::EndBeforeStart);
        assert_eq!(
            check("x", "2026-12-01T09:00", "2026-12-01T17:00", ""),
            EventError::EndInPast
        );
        assert_eq!(
            check("x", day.0, "2026-12-12T09:01", ""),
            EventError::TooLong
        );
        assert_eq!(
            check("x", day.0, day.1, "10.0.0.0/40"),
            EventError::BadIpRange
        );
    }

    #[test]
    fn targets_are_portals_or_categories() {
        assert_eq!(parse_target("  "), Ok(None));
        let portal = parse_target("Portail:Patrimoine").unwrap().unwrap();
        assert_eq!(portal.namespace(), Namespace::Portal);
        let category = parse_target("Category:Parcs de Lyon").unwrap().unwrap();
        assert_eq!(category.to_string(), "Catégorie:Parcs de Lyon");
        for bad in ["Accueil", "Utilisateur:Zoé", "Portail:", "Catégorie:a[b"] {
            assert_eq!(parse_target(bad), Err(EventError::BadTarget), "{bad:?}");
        }
        let draft = EventDraft::parse(
            "x",
            "2026-12-05T09:00",
            "2026-12-05T10:00",
            "",
            at("2026-12-05T08:00"),
        )
        .unwrap()
        .with_target("Portail:Lyon")
        .unwrap();
        assert_eq!(draft.target().unwrap().to_string(), "Portail:Lyon");
    }

    #[test]
    fn figures_add_up_per_participant_and_in_total() {
        let edit = |user, page, created, delta| EventEdit {
            page,
            user,
            created,
            delta,
        };
        let edits = [
            edit(1, 10, true, 120),
            edit(1, 10, false, -20),
            edit(1, 11, false, 5),
            edit(2, 10, false, 30),
            edit(2, 12, true, 0),
            // A writer recorded as participant by an edit only.
            edit(4, 11, false, 7),
        ];
        let figures = EventFigures::tally(&[1, 2, 3], &edits);
        assert_eq!(figures.participants, 4);
        assert_eq!(
            figures.total,
            Tally {
                edits: 6,
                pages_created: 2,
                pages_edited: 3,
                bytes_added: 162,
            }
        );
        assert_eq!(
            figures.per_user[&1],
            Tally {
                edits: 3,
                pages_created: 1,
                pages_edited: 2,
                bytes_added: 125,
            }
        );
        assert_eq!(figures.per_user[&2].pages_edited, 2);
        assert_eq!(figures.per_user[&2].bytes_added, 30);
        assert_eq!(figures.per_user[&3], Tally::default());
        assert_eq!(EventFigures::tally(&[], &[]), EventFigures::default());
    }

    #[test]
    fn windows_open_close_and_cover() {
        let window = EventWindow {
            starts_at: at("2026-12-05T09:00"),
            ends_at: at("2026-12-05T17:00"),
            ended_at: None,
            ip_range: Some(IpRange::parse("192.0.2.0/24").unwrap()),
        };
        let inside = ip("192.0.2.50");
        let outside = ip("198.51.100.1");
        assert_eq!(window.status(at("2026-12-05T08:59")), EventStatus::Upcoming);
        assert!(!window.relaxes(inside, at("2026-12-05T08:59")));
        assert_eq!(window.status(at("2026-12-05T09:00")), EventStatus::Open);
        assert!(window.relaxes(inside, at("2026-12-05T12:00")));
        assert!(!window.relaxes(outside, at("2026-12-05T12:00")));
        assert_eq!(window.status(at("2026-12-05T17:00")), EventStatus::Past);
        assert!(!window.relaxes(inside, at("2026-12-05T17:00")));

        let ended = EventWindow {
            ended_at: Some(at("2026-12-05T11:00")),
            ip_range: None,
            ..window
        };
        assert!(ended.relaxes(outside, at("2026-12-05T10:59")));
        assert!(!ended.relaxes(outside, at("2026-12-05T11:00")));
        assert_eq!(ended.effective_end(), at("2026-12-05T11:00"));
    }
}
