//! The kind of a file from its first bytes, and the polyglot check.

use crate::structure::mp3_frame;
use crate::{MediaError, MediaKind};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The kind of file `bytes` start like. XML and HTML (SVG included) are
/// [`MediaError::Svg`]; anything else unknown is [`MediaError::UnknownType`].
pub(crate) fn sniff(bytes: &[u8]) -> Result<MediaKind, MediaError> {
    if bytes.starts_with(b"\xff\xd8\xff") {
        return Ok(MediaKind::Jpeg);
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        return Ok(MediaKind::Png);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(MediaKind::Gif);
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(MediaKind::WebP);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(MediaKind::Pdf);
    }
    if bytes.starts_with(b"OggS") {
        return Ok(MediaKind::Ogg);
    }
    if bytes.starts_with(b"ID3") || mp3_frame(bytes).is_some() {
        return Ok(MediaKind::Mp3);
    }
    if looks_like_markup(bytes) {
        return Err(MediaError::Svg);
    }
    Err(MediaError::UnknownType)
}

/// Text starting with `<` once byte-order marks, NUL bytes (UTF-16) and white space
/// are skipped: XML, SVG, HTML.
fn looks_like_markup(bytes: &[u8]) -> bool {
    let head = bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .or_else(|| bytes.strip_prefix(b"\xff\xfe"))
        .or_else(|| bytes.strip_prefix(b"\xfe\xff"))
        .unwrap_or(bytes);
    head.iter()
        .take(1024)
        .copied()
        .find(|&byte| byte != 0 && !byte.is_ascii_whitespace())
        == Some(b'<')
}

/// What a browser sniffing for HTML would react to (MediaWiki's list, plus a few).
const MARKERS: &[&[u8]] = &[
    b"<script",
    b"<html",
    b"<head",
    b"<body",
    b"<iframe",
    b"<svg",
    b"<!doctype",
    b"<img",
    b"<title",
    b"<pre",
    b"<table",
    b"<meta",
    b"<object",
    b"<embed",
    b"javascript:",
];

/// Whether the first 1024 bytes hold HTML or script markers, in any case, NUL bytes
/// ignored (so UTF-16 text is caught too), `<a href` with any white space between.
pub(crate) fn has_markup(bytes: &[u8]) -> bool {
    let head: Vec<u8> = bytes
        .iter()
        .take(1024)
        .filter(|&&byte| byte != 0)
        .map(u8::to_ascii_lowercase)
        .collect();
    if MARKERS.iter().any(|marker| contains(&head, marker)) {
        return true;
    }
    head.windows(2)
        .enumerate()
        .filter(|(_, pair)| *pair == b"<a")
        .any(|(at, _)| {
            let rest = head.get(at + 2..).unwrap_or_default();
            let spaces = rest
                .iter()
                .take_while(|byte| byte.is_ascii_whitespace())
                .count();
            spaces > 0 && rest.get(spaces..).is_some_and(|r| r.starts_with(b"href"))
        })
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert_eq!(sniff(b"\xff\xd8\xff\xe0rest"), Ok(MediaKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Ok(MediaKind::Png));
        assert_eq!(sniff(b"GIF89a...."), Ok(MediaKind::Gif));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Ok(MediaKind::WebP));
        assert_eq!(
            sniff(b"RIFF\x10\0\0\0WAVEfmt "),
            Err(MediaError::UnknownType)
        );
        assert_eq!(sniff(b"%PDF-1.7\n"), Ok(MediaKind::Pdf));
        assert_eq!(sniff(b"OggS\0\x02"), Ok(MediaKind::Ogg));
        assert_eq!(sniff(b"ID3\x04\0\0\0\0\0\0"), Ok(MediaKind::Mp3));
        // MPEG-1 layer III, 128 kbit/s, 44.1 kHz.
        assert_eq!(sniff(b"\xff\xfb\x90\x64\0\0"), Ok(MediaKind::Mp3));
        // Frame sync but a reserved layer.
        assert_eq!(sniff(b"\xff\xf9\x90\x64\0\0"), Err(MediaError::UnknownType));
        assert_eq!(sniff(b"PK\x03\x04"), Err(MediaError::UnknownType));
        assert_eq!(sniff(b"Bonjour"), Err(MediaError::UnknownType));
    }

    #[test]
    fn markup_is_svg() {
        assert_eq!(sniff(b"<svg xmlns=\"\">"), Err(MediaError::Svg));
        assert_eq!(
            sniff(b"\xef\xbb\xbf  <?xml version=\"1.0\"?>"),
            Err(MediaError::Svg)
        );
        assert_eq!(sniff(b"\xff\xfe<\0s\0v\0g\0"), Err(MediaError::Svg));
        assert_eq!(sniff(b"\n<!DOCTYPE html>"), Err(MediaError::Svg));
    }

    #[test]
    fn markers() {
        assert!(has_markup(b"GIF89a<SCRIPT>alert(1)</script>"));
        assert!(has_markup(b"xx<\0s\0c\0r\0i\0p\0t\0"));
        assert!(has_markup(b"x<a\n  HREF=x"));
        assert!(has_markup(b"x JavaScript:alert(1)"));
        assert!(!has_markup(b"x<a"));
        assert!(!has_markup(b"x<abbr href"));
        assert!(!has_markup(b"\xff\xd8\xff\xe0 plain bytes"));
        let mut late = vec![b' '; 1024];
        late.extend_from_slice(b"<script>");
        assert!(!has_markup(&late));
    }
}
