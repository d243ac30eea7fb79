//! Signatures on talk pages: `~~~~` becomes a link to the writer's page and the time,
//! when the text is saved (MediaWiki's habit), so the history keeps who said what.

use chrono::{DateTime, Utc};

/// Expands `~~~~~` (the time), `~~~~` (name and time) and `~~~` (name) in `text`, except
/// in code: fenced blocks, indented lines and `inline code` keep their tildes. A line of
/// tildes alone opens or closes a fenced block, as in Markdown, and is kept.
///
/// ```
/// use carnet_core::expand_signatures;
/// let at = "2026-11-28T20:54:00Z".parse().unwrap();
/// assert_eq!(
///     expand_signatures("D'accord. ~~~~", "Léa", at),
///     "D'accord. [[Utilisateur:Léa|Léa]] 28/11/2026 20:54 (UTC)"
/// );
/// ```
pub fn expand_signatures(text: &str, name: &str, now: DateTime<Utc>) -> String {
    if !text.contains("~~~") {
        return text.to_owned();
    }
    let link = format!("[[Utilisateur:{name}|{name}]]");
    let time = now.format("%d/%m/%Y %H:%M (UTC)").to_string();
    let mut out = String::with_capacity(text.len() + 64);
    let mut fence: Option<(char, usize)> = None;
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(marker) = marker {
            let run = trimmed.chars().take_while(|c| *c == marker).count();
            let rest = trimmed.chars().skip(run).collect::<String>();
            let is_fence = run >= 3 && (marker == '~' || !rest.contains('`'));
            match fence {
                None if is_fence && (marker == '`' || rest.trim().is_empty() || run == 3) => {
                    fence = Some((marker, run));
                    out.push_str(line);
                    continue;
                }
                Some((open, length))
                    if open == marker && run >= length && rest.trim().is_empty() =>
                {
                    fence = None;
                    out.push_str(line);
                    continue;
                }
                _ => {}
            }
        }
        if fence.is_some() || line.starts_with("    ") || line.starts_with('\t') {
            out.push_str(line);
            continue;
        }
        out.push_str(&expand_line(line, &link, &time));
    }
    out
}

/// Expands one line, leaving `inline code` spans alone.
fn expand_line(line: &str, link: &str, time: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for (index, part) in line.split('`').enumerate() {
        if index > 0 {
            out.push('`');
        }
        if in_code {
            out.push_str(part);
        } else {
            out.push_str(
                &part
                    .replace("~~~~~", "\u{0}T")
                    .replace("~~~~", "\u{0}S")
                    .replace("~~~", "\u{0}N")
                    .replace("\u{0}T", time)
                    .replace("\u{0}S", &format!("{link} {time}"))
                    .replace("\u{0}N", link),
            );
        }
        in_code = !in_code;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        "2026-03-07T09:05:00Z".parse().unwrap()
    }

    #[test]
    fn three_four_and_five_tildes() {
        assert_eq!(
            expand_signatures("a ~~~ b ~~~~ c ~~~~~", "Nour", at()),
            "a [[Utilisateur:Nour|Nour]] b [[Utilisateur:Nour|Nour]] 07/03/2026 09:05 (UTC) c 07/03/2026 09:05 (UTC)"
        );
        assert_eq!(expand_signatures("rien", "Nour", at()), "rien");
    }

    #[test]
    fn code_keeps_its_tildes() {
        let text =
            "`~~~~` et ~~~~\n\n```\n~~~~\n```\n\n    ~~~~ indenté\n\n~~~\nbloc ~~~~\n~~~\nfin ~~~~";
        let out = expand_signatures(text, "Nour", at());
        let sig = "[[Utilisateur:Nour|Nour]] 07/03/2026 09:05 (UTC)";
        assert_eq!(
            out,
            format!(
                "`~~~~` et {sig}\n\n```\n~~~~\n```\n\n    ~~~~ indenté\n\n~~~\nbloc ~~~~\n~~~\nfin {sig}"
            )
        );
    }
}
