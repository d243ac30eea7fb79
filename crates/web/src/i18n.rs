//! UI strings in French (default) and English, through Fluent.
//!
//! The `.ftl` files live in `web/i18n/` and are compiled into the binary; templates ask
//! for messages by key through [`Tr`], never write UI text themselves.

use std::borrow::Cow;

use actix_web::HttpRequest;
use chrono::{DateTime, Datelike, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::{LanguageIdentifier, langid};

/// The cookie that keeps a reader's language choice.
pub const LANG_COOKIE: &str = "carnet_lang";

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Lang::Fr => langid!("fr"),
            Lang::En => langid!("en"),
        }
    }

    /// The reader's language: their saved choice, else their browser's
    /// `Accept-Language`, else French.
    pub fn of_request(req: &HttpRequest) -> Lang {
        if let Some(lang) = req
            .cookie(LANG_COOKIE)
            .and_then(|cookie| Lang::from_code(cookie.value()))
        {
            return lang;
        }
        let accepted = req
            .headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .map(fluent_langneg::accepted_languages::parse)
            .unwrap_or_default();
        let available: Vec<LanguageIdentifier> = Lang::ALL.iter().map(|l| l.langid()).collect();
        let default = Lang::Fr.langid();
        let chosen = fluent_langneg::negotiate_languages(
            &accepted,
            &available,
            Some(&default),
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|id| Lang::from_code(id.language.as_str()))
            .unwrap_or(Lang::Fr)
    }
}

/// The compiled message bundles of every language.
pub struct I18n {
    fr: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

const FR_FTL: &str = include_str!("../../../web/i18n/fr/carnet.ftl");
const EN_FTL: &str = include_str!("../../../web/i18n/en/carnet.ftl");

impl I18n {
    /// Parses the bundled `.ftl` files. They are part of the binary, so a syntax error
    /// is a build defect that the test suite catches; here it is reported, not panicked.
    pub fn new() -> Result<I18n, String> {
        Ok(I18n {
            fr: bundle(Lang::Fr, FR_FTL)?,
            en: bundle(Lang::En, EN_FTL)?,
        })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    /// The message `key` in `lang`, with arguments. A missing key yields the key itself
    /// (visible, never a crash) and is logged.
    pub fn message(&self, lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
            log::warn!("missing translation {key} for {}", lang.code());
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            log::warn!("translation {key} ({}): {errors:?}", lang.code());
        }
        text.into_owned()
    }
}

fn bundle(lang: Lang, source: &str) -> Result<FluentBundle<FluentResource>, String> {
    let resource = FluentResource::try_new(source.to_owned())
        .map_err(|(_, errors)| format!("{}: {errors:?}", lang.code()))?;
    let mut bundle = FluentBundle::new_concurrent(vec![lang.langid()]);
    // Unicode isolation marks would end up inside HTML attributes and plain text.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| format!("{}: {errors:?}", lang.code()))?;
    Ok(bundle)
}

/// A translator bound to one request's language: what templates call.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    i18n: &'a I18n,
    lang: Lang,
}

impl<'a> Tr<'a> {
    pub fn new(i18n: &'a I18n, lang: Lang) -> Tr<'a> {
        Tr { i18n, lang }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// A message without arguments.
    pub fn t(&self, key: &str) -> String {
        self.i18n.message(self.lang, key, None)
    }

    /// A message with named arguments.
    pub fn t_with<'v>(&self, key: &str, args: &[(&str, FluentValue<'v>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(Cow::Owned((*name).to_owned()), value.clone());
        }
        self.i18n.message(self.lang, key, Some(&fluent_args))
    }

    /// A message with one text argument (the common case in templates).
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.t_with(key, &[(name, FluentValue::from(value.to_owned()))])
    }

    /// A message with one number argument, so plural forms are chosen right.
    pub fn tn(&self, key: &str, name: &str, value: i64) -> String {
        self.t_with(key, &[(name, FluentValue::from(value))])
    }

    /// A day in the reader's language ("28 novembre 2026"), for lists grouped by day.
    pub fn day(&self, timestamp: &DateTime<Utc>) -> String {
        let month = self.t(&format!("month-{}", timestamp.month()));
        self.t_with(
            "day-format",
            &[
                ("day", FluentValue::from(timestamp.day().to_string())),
                ("month", FluentValue::from(month)),
                ("year", FluentValue::from(timestamp.year().to_string())),
            ],
        )
    }

    /// A timestamp in the reader's language ("28 novembre 2026 à 20:54 UTC").
    pub fn date(&self, timestamp: &DateTime<Utc>) -> String {
        let month = self.t(&format!("month-{}", timestamp.month()));
        self.t_with(
            "date-format",
            &[
                ("day", FluentValue::from(timestamp.day().to_string())),
                ("month", FluentValue::from(month)),
                ("year", FluentValue::from(timestamp.year().to_string())),
                (
                    "time",
                    FluentValue::from(timestamp.format("%H:%M").to_string()),
                ),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|line| !line.starts_with([' ', '#', '}']) && line.contains(" = "))
            .filter_map(|line| line.split(" = ").next().map(str::to_owned))
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        assert!(I18n::new().is_ok());
        let fr = keys(FR_FTL);
        let en = keys(EN_FTL);
        assert!(fr.len() > 100, "{} keys", fr.len());
        assert_eq!(
            fr.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new()
        );
    }

    /// Every `tr.t…("key"` in a template names a key that exists.
    #[test]
    fn templates_use_existing_keys() {
        let fr = keys(FR_FTL);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/templates");
        let mut used = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let source = std::fs::read_to_string(&path).unwrap();
            for part in source.split("tr.t").skip(1) {
                let Some(key) = part.split('"').nth(1) else {
                    continue;
                };
                assert!(fr.contains(key), "{}: unknown key {key}", path.display());
                used += 1;
            }
        }
        assert!(used > 50, "only {used} keys used in templates");
    }

    #[test]
    fn plurals_and_dates() {
        let i18n = I18n::new().unwrap();
        let fr = Tr::new(&i18n, Lang::Fr);
        let en = Tr::new(&i18n, Lang::En);
        assert_eq!(
            fr.t_with("history-bytes", &[("size", FluentValue::from(1))]),
            "1 octet"
        );
        assert_eq!(
            en.t_with("history-bytes", &[("size", FluentValue::from(12))]),
            "12 bytes"
        );
        let date = DateTime::parse_from_rfc3339("2026-11-28T20:54:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(fr.date(&date), "28 novembre 2026 à 20:54 UTC");
        assert_eq!(en.date(&date), "November 28, 2026 at 20:54 UTC");
    }

    #[test]
    fn missing_key_is_visible_not_fatal() {
        let i18n = I18n::new().unwrap();
        assert_eq!(Tr::new(&i18n, Lang::Fr).t("no-such-key"), "no-such-key");
    }
}
