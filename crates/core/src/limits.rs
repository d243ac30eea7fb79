//! Rate limits: which actions are counted, under which keys, over which windows, and
//! how an open workshop event relaxes the per-IP ones.
//!
//! Pure: the counting itself happens in the database (several processes share it); this
//! module says what to count and reads the counts back into a verdict.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use crate::ids::UserId;

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitedAction {
    Signup,
    /// Only failed logins count; past the limit every attempt is refused.
    LoginFailure,
    /// Every save, creations included.
    Save,
    /// Saves that create a page (counted as saves too).
    Creation,
}

impl LimitedAction {
    /// Part of the counter keys; also names the action in messages.
    pub fn code(self) -> &'static str {
        match self {
            LimitedAction::Signup => "signup",
            LimitedAction::LoginFailure => "login",
            LimitedAction::Save => "save",
            LimitedAction::Creation => "create",
        }
    }
}

/// Who is counted, besides the client's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account<'a> {
    /// A logged-in account or temporary identity.
    User(UserId),
    /// The name typed at login (whether or not the account exists).
    Name(&'a str),
}

/// At most `max` actions per `window_secs` seconds; `max == 0` turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_secs: u32,
}

impl Limit {
    pub const OFF: Limit = Limit {
        max: 0,
        window_secs: 60,
    };

    pub const fn new(max: u32, window_secs: u32) -> Limit {
        Limit { max, window_secs }
    }

    pub fn is_off(self) -> bool {
        self.max == 0 || self.window_secs == 0
    }

    /// The same window with `factor` times as many actions (events relax per-IP limits).
    pub fn times(self, factor: u32) -> Limit {
        Limit {
            max: self.max.saturating_mul(factor.max(1)),
            window_secs: self.window_secs,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a limit like 30/10m (count/duration, units s, m, h, d) or off")]
pub struct LimitSyntaxError;

/// `"30/10m"`, `"5/15m"`, `"100/1h"`, `"2/30s"`, `"10/1d"`; `"off"` or `"0"` for none.
impl FromStr for Limit {
    type Err = LimitSyntaxError;

    fn from_str(input: &str) -> Result<Limit, LimitSyntaxError> {
        let input = input.trim();
        if input.eq_ignore_ascii_case("off") || input == "0" {
            return Ok(Limit::OFF);
        }
        let (max, window) = input.split_once('/').ok_or(LimitSyntaxError)?;
        let max: u32 = max.trim().parse().map_err(|_| LimitSyntaxError)?;
        let window = window.trim();
        let unit_at = window
            .find(|c: char| !c.is_ascii_digit())
            .ok_or(LimitSyntaxError)?;
        let (number, unit) = window.split_at(unit_at);
        let number: u32 = number.parse().map_err(|_| LimitSyntaxError)?;
        let unit_secs = match unit {
            "s" => 1,
            "m" | "min" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(LimitSyntaxError),
        };
        let window_secs = number.checked_mul(unit_secs).ok_or(LimitSyntaxError)?;
        if window_secs == 0 {
            return Err(LimitSyntaxError);
        }
        Ok(Limit { max, window_secs })
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_off() {
            return f.write_str("off");
        }
        let secs = self.window_secs;
        let max = self.max;
        match secs {
            s if s % 86_400 == 0 => write!(f, "{max}/{}d", s / 86_400),
            s if s % 3600 == 0 => write!(f, "{max}/{}h", s / 3600),
            s if s % 60 == 0 => write!(f, "{max}/{}m", s / 60),
            s => write!(f, "{max}/{s}s"),
        }
    }
}

/// Every limit of the wiki. The defaults suit a community wiki where a library or a
/// school puts many honest people behind one address: per-IP figures are a few times
/// the per-account ones, and an event multiplies them by `event_factor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitPolicy {
    pub signups_per_ip: Limit,
    pub login_failures_per_account: Limit,
    pub login_failures_per_ip: Limit,
    pub saves_per_account: Limit,
    pub saves_per_ip: Limit,
    pub creations_per_account: Limit,
    pub creations_per_ip: Limit,
    /// How much an open event multiplies the per-IP limits of the addresses it covers.
    pub event_factor: u32,
}

impl Default for LimitPolicy {
    fn default() -> LimitPolicy {
        LimitPolicy {
            signups_per_ip: Limit::new(10, 3600),
            login_failures_per_account: Limit::new(10, 15 * 60),
            login_failures_per_ip: Limit::new(30, 15 * 60),
            saves_per_account: Limit::new(60, 10 * 60),
            saves_per_ip: Limit::new(120, 10 * 60),
            creations_per_account: Limit::new(20, 3600),
            creations_per_ip: Limit::new(40, 3600),
            event_factor: 30,
        }
    }
}

/// One counter to bump: its key and the limit that applies to it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitCheck {
    pub action: LimitedAction,
    /// e.g. `save:user:42`, `login:name:marie`, `save:ip:203.0.113.9`,
    /// `save:ip:2001:db8:1:2::/64`. The store keeps only a keyed hash of it.
    pub key: String,
    pub limit: Limit,
}

impl LimitPolicy {
    /// A policy that never refuses anything (tests that are not about limits).
    pub fn off() -> LimitPolicy {
        LimitPolicy {
            signups_per_ip: Limit::OFF,
            login_failures_per_account: Limit::OFF,
            login_failures_per_ip: Limit::OFF,
            saves_per_account: Limit::OFF,
            saves_per_ip: Limit::OFF,
            creations_per_account: Limit::OFF,
            creations_per_ip: Limit::OFF,
            event_factor: 1,
        }
    }

    fn per_account(&self, action: LimitedAction) -> Option<Limit> {
        match action {
            LimitedAction::Signup => None,
            LimitedAction::LoginFailure => Some(self.login_failures_per_account),
            LimitedAction::Save => Some(self.saves_per_account),
            LimitedAction::Creation => Some(self.creations_per_account),
        }
    }

    fn per_ip(&self, action: LimitedAction) -> Limit {
        match action {
            LimitedAction::Signup => self.signups_per_ip,
            LimitedAction::LoginFailure => self.login_failures_per_ip,
            LimitedAction::Save => self.saves_per_ip,
            LimitedAction::Creation => self.creations_per_ip,
        }
    }

    /// The counters one `action` bumps. Per-account limits always apply; per-IP ones are
    /// multiplied by `event_factor` when an open event covers the address (`relaxed`).
    /// Limits turned off yield no counter.
    pub fn checks(
        &self,
        action: LimitedAction,
        account: Option<Account<'_>>,
        ip: IpAddr,
        relaxed: bool,
    ) -> Vec<LimitCheck> {
        let mut checks = Vec::with_capacity(2);
        if let (Some(account), Some(limit)) = (account, self.per_account(action)) {
            checks.push(LimitCheck {
                action,
                key: account_key(action, account),
                limit,
            });
        }
        let mut ip_limit = self.per_ip(action);
        if relaxed {
            ip_limit = ip_limit.times(self.event_factor);
        }
        checks.push(LimitCheck {
            action,
            key: format!("{}:ip:{}", action.code(), ip_subject(ip)),
            limit: ip_limit,
        });
        checks.retain(|check| !check.limit.is_off());
        checks
    }
}

/// The key of an account's counter for `action` (`save:user:42`, `login:name:marie`).
pub fn account_key(action: LimitedAction, account: Account<'_>) -> String {
    let who = match account {
        Account::User(id) => format!("user:{}", id.0),
        Account::Name(name) => format!("name:{}", name.trim().to_lowercase()),
    };
    format!("{}:{who}", action.code())
}

/// The address a per-IP counter is kept for: an IPv4 address as is (IPv4-mapped IPv6
/// addresses included), an IPv6 address by its /64 network, since one household or
/// phone usually gets a whole /64 and could otherwise step around the limit.
pub fn ip_subject(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            format!("{}/64", std::net::Ipv6Addr::from(bits))
        }
    }
}

/// The start (Unix seconds) of the fixed window that contains `now`.
pub fn window_start(now_secs: i64, window_secs: u32) -> i64 {
    let window = i64::from(window_secs.max(1));
    now_secs.div_euclid(window) * window
}

/// A refusal: which action went over its limit and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub action: LimitedAction,
    /// Seconds until the window that refused ends (at least 1).
    pub retry_after_secs: u64,
}

/// Reads counts back: `counts[i]` is the count of `checks[i]` in its current window,
/// this request included (or excluded, for a look that bumps nothing: pass
/// `including_this = false`). The longest wait wins when several refuse.
pub fn verdict(
    checks: &[LimitCheck],
    counts: &[u64],
    now_secs: i64,
    including_this: bool,
) -> Result<(), Refusal> {
    let mut refusal: Option<Refusal> = None;
    for (check, count) in checks.iter().zip(counts) {
        let max = u64::from(check.limit.max);
        let over = if including_this {
            *count > max
        } else {
            *count >= max
        };
        if !over {
            continue;
        }
        let end =
            window_start(now_secs, check.limit.window_secs) + i64::from(check.limit.window_secs);
        let wait = u64::try_from(end.saturating_sub(now_secs))
            .unwrap_or(1)
            .max(1);
        if refusal.is_none_or(|r| r.retry_after_secs < wait) {
            refusal = Some(Refusal {
                action: check.action,
                retry_after_secs: wait,
            });
        }
    }
    match refusal {
        Some(refusal) => Err(refusal),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    const IP: IpAddr = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9));

    #[test]
    fn limits_parse_and_print() {
        for (input, max, secs, shown) in [
            ("30/10m", 30, 600, "30/10m"),
            ("5/15min", 5, 900, "5/15m"),
            (" 100 / 1h ", 100, 3600, "100/1h"),
            ("2/30s", 2, 30, "2/30s"),
            ("10/1d", 10, 86_400, "10/1d"),
            ("7/90s", 7, 90, "7/90s"),
        ] {
            let limit: Limit = input.parse().unwrap();
            assert_eq!((limit.max, limit.window_secs), (max, secs), "{input}");
            assert_eq!(limit.to_string(), shown);
        }
        assert!("off".parse::<Limit>().unwrap().is_off());
        assert!("0".parse::<Limit>().unwrap().is_off());
        assert_eq!("0/1h".parse::<Limit>().unwrap().to_string(), "off");
        for bad in [
            "",
            "30",
            "30/",
            "30/m",
            "x/1m",
            "30/1y",
            "30/0s",
            "-1/1m",
            "1/99999999d",
        ] {
            assert_eq!(bad.parse::<Limit>(), Err(LimitSyntaxError), "{bad:?}");
        }
    }

    #[test]
    fn keys_per_account_and_per_ip() {
        let policy = LimitPolicy::default();
        let checks = policy.checks(
            LimitedAction::Save,
            Some(Account::User(UserId(42))),
            IP,
            false,
        );
        let keys: Vec<&str> = checks.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["save:user:42", "save:ip:203.0.113.9"]);
        assert_eq!(checks[0].limit, policy.saves_per_account);
        assert_eq!(checks[1].limit, policy.saves_per_ip);

        let login = policy.checks(
            LimitedAction::LoginFailure,
            Some(Account::Name(" Marie ")),
            IP,
            false,
        );
        assert_eq!(login[0].key, "login:name:marie");
        // Sign-ups have no account yet: per IP only.
        let signup = policy.checks(LimitedAction::Signup, None, IP, false);
        assert_eq!(signup.len(), 1);
        assert_eq!(signup[0].key, "signup:ip:203.0.113.9");
    }

    #[test]
    fn events_relax_per_ip_limits_only() {
        let policy = LimitPolicy::default();
        let relaxed = policy.checks(
            LimitedAction::Creation,
            Some(Account::User(UserId(1))),
            IP,
            true,
        );
        assert_eq!(relaxed[0].limit, policy.creations_per_account);
        assert_eq!(relaxed[1].limit.max, policy.creations_per_ip.max * 30);
        assert_eq!(
            relaxed[1].limit.window_secs,
            policy.creations_per_ip.window_secs
        );
    }

    #[test]
    fn limits_turned_off_count_nothing() {
        assert!(
            LimitPolicy::off()
                .checks(
                    LimitedAction::Save,
                    Some(Account::User(UserId(1))),
                    IP,
                    true
                )
                .is_empty()
        );
    }

    #[test]
    fn ipv6_is_counted_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ip_subject(a), "2001:db8:1:2::/64");
        assert_eq!(ip_subject(a), ip_subject(b));
        assert_ne!(ip_subject(a), ip_subject(other));
        let mapped = IpAddr::V6(Ipv4Addr::new(203, 0, 113, 9).to_ipv6_mapped());
        assert_eq!(ip_subject(mapped), "203.0.113.9");
        assert_eq!(ip_subject(IpAddr::V6(Ipv6Addr::LOCALHOST)), "::/64");
    }

    #[test]
    fn verdicts_and_waits() {
        let checks = LimitPolicy {
            saves_per_account: Limit::new(2, 60),
            saves_per_ip: Limit::new(5, 600),
            ..LimitPolicy::default()
        }
        .checks(
            LimitedAction::Save,
            Some(Account::User(UserId(1))),
            IP,
            false,
        );
        // 10:00:30 into a minute window and a ten-minute window.
        let now = 36_030;
        assert_eq!(verdict(&checks, &[1, 1], now, true), Ok(()));
        assert_eq!(verdict(&checks, &[2, 5], now, true), Ok(()));
        assert_eq!(
            verdict(&checks, &[3, 1], now, true),
            Err(Refusal {
                action: LimitedAction::Save,
                retry_after_secs: 30
            })
        );
        // Both over: the longer wait (the ten-minute window ends at 36 600).
        assert_eq!(
            verdict(&checks, &[3, 6], now, true)
                .unwrap_err()
                .retry_after_secs,
            570
        );
        // Looking without counting: at the limit already means refused.
        assert!(verdict(&checks, &[2, 0], now, false).is_err());
        assert!(verdict(&checks, &[1, 4], now, false).is_ok());
    }

    #[test]
    fn windows_are_aligned() {
        assert_eq!(window_start(36_030, 60), 36_000);
        assert_eq!(window_start(36_000, 60), 36_000);
        assert_eq!(window_start(-1, 60), -60);
        assert_eq!(window_start(5, 0), 5);
    }
}
