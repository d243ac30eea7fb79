//! Portals: the curation vocabulary (featured pages, sections bound to categories) and
//! the rule that picks the "article du jour".
//!
//! A portal (`Portail:`/`Portal:`) is an ordinary page; what administrators and the
//! portal's animateurs curate around it is kept in tables by the store and described
//! here. Who may curate is `rights::check_portal`.

use chrono::NaiveDate;

/// Most featured pages a portal keeps.
pub const MAX_FEATURED: usize = 50;
/// Most category sections a portal shows.
pub const MAX_SECTIONS: usize = 12;
/// Items a section shows unless told otherwise, and the most it may show.
pub const DEFAULT_SECTION_SIZE: usize = 10;
pub const MAX_SECTION_SIZE: usize = 50;
/// Longest blurb of a featured page, in characters.
pub const MAX_BLURB_CHARS: usize = 300;

/// How a section orders its category's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SectionOrder {
    /// Most recently created first.
    Newest,
    /// Most recently changed first.
    RecentlyChanged,
    /// By sort key, the French way.
    Alphabetical,
}

impl SectionOrder {
    pub const ALL: [SectionOrder; 3] = [
        SectionOrder::Newest,
        SectionOrder::RecentlyChanged,
        SectionOrder::Alphabetical,
    ];

    /// The code stored in the database and used in forms.
    pub fn code(self) -> &'static str {
        match self {
            SectionOrder::Newest => "newest",
            SectionOrder::RecentlyChanged => "recent",
            SectionOrder::Alphabetical => "alpha",
        }
    }

    /// Reads a code, French or English (`nouveau`, `récent`, `alpha`…).
    pub fn parse(code: &str) -> Option<SectionOrder> {
        match code.trim().to_lowercase().as_str() {
            "newest" | "new" | "nouveau" | "nouveaux" | "nouvelles" | "création" => {
                Some(SectionOrder::Newest)
            }
            "recent" | "récent" | "changed" | "modifié" => Some(SectionOrder::RecentlyChanged),
            "alpha" | "alphabétique" | "alphabetical" => Some(SectionOrder::Alphabetical),
            _ => None,
        }
    }
}

/// Why a blurb is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BlurbError {
    #[error("the blurb is too long")]
    TooLong,
    #[error("the blurb holds a control character")]
    ControlCharacter,
}

/// The short text shown with a featured page: one paragraph of plain text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Blurb(String);

impl Blurb {
    /// Trims and checks a blurb; line breaks become spaces.
    ///
    /// ```
    /// use carnet_core::portal::Blurb;
    /// assert_eq!(Blurb::new("  Le plus grand parc\r\ndu quartier. ").unwrap().as_str(),
    ///            "Le plus grand parc du quartier.");
    /// assert!(Blurb::new(&"x".repeat(301)).is_err());
    /// ```
    pub fn new(text: &str) -> Result<Blurb, BlurbError> {
        let joined: String = text
            .split(['\r', '\n'])
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if joined.chars().any(char::is_control) {
            return Err(BlurbError::ControlCharacter);
        }
        if joined.chars().count() > MAX_BLURB_CHARS {
            return Err(BlurbError::TooLong);
        }
        Ok(Blurb(joined))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which of `count` featured pages is the article du jour on `day`: the day's number
/// (days since 1970-01-01) modulo the count, so every process agrees and the choice
/// turns over at midnight UTC, walking the featured pages in their order.
///
/// ```
/// use carnet_core::portal::article_of_the_day;
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
/// assert_eq!(article_of_the_day(0, day), None);
/// let today = article_of_the_day(3, day).unwrap();
/// let tomorrow = article_of_the_day(3, day.succ_opt().unwrap()).unwrap();
/// assert_eq!(tomorrow, (today + 1) % 3);
/// ```
pub fn article_of_the_day(count: usize, day: NaiveDate) -> Option<usize> {
    if count == 0 {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let days = day.signed_duration_since(epoch).num_days();
    let count = i64::try_from(count).ok()?;
    usize::try_from(days.rem_euclid(count)).ok()
}

/// Reads a section size typed in a form: empty for the default, else 1 to
/// [`MAX_SECTION_SIZE`].
pub fn section_size(input: &str) -> Option<usize> {
    let input = input.trim();
    if input.is_empty() {
        return Some(DEFAULT_SECTION_SIZE);
    }
    input
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_SECTION_SIZE).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_round_trip_and_read_french() {
        for order in SectionOrder::ALL {
            assert_eq!(SectionOrder::parse(order.code()), Some(order));
        }
        assert_eq!(
            SectionOrder::parse("Récent"),
            Some(SectionOrder::RecentlyChanged)
        );
        assert_eq!(SectionOrder::parse("nouveau"), Some(SectionOrder::Newest));
        assert_eq!(SectionOrder::parse("au hasard"), None);
    }

    #[test]
    fn article_of_the_day_turns_over_daily_and_covers_every_page() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        let mut day = start;
        for _ in 0..7 {
            let pick = article_of_the_day(7, day).unwrap();
            assert!(pick < 7);
            seen.insert(pick);
            day = day.succ_opt().unwrap();
        }
        assert_eq!(seen.len(), 7, "seven days show seven different pages");
        // The same day always gives the same page.
        assert_eq!(article_of_the_day(7, start), article_of_the_day(7, start));
        assert_eq!(article_of_the_day(1, start), Some(0));
        // Days before 1970 are fine too.
        let old = NaiveDate::from_ymd_opt(1969, 12, 31).unwrap();
        assert_eq!(article_of_the_day(3, old), Some(2));
    }

    #[test]
    fn blurbs_and_sizes() {
        assert_eq!(Blurb::new("").unwrap().as_str(), "");
        assert_eq!(Blurb::new("a\u{7}b"), Err(BlurbError::ControlCharacter));
        assert!(Blurb::new(&"é".repeat(MAX_BLURB_CHARS)).is_ok());
        assert_eq!(section_size(""), Some(DEFAULT_SECTION_SIZE));
        assert_eq!(section_size("5"), Some(5));
        assert_eq!(section_size("0"), None);
        assert_eq!(section_size("51"), None);
        assert_eq!(section_size("dix"), None);
    }
}
