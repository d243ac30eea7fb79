//! Walking each format's container to its end: cut files are `Truncated`, anything
//! after the end but padding is `TrailingData`. No pixel or sound is decoded here.

use crate::{MediaError, MediaKind, MediaLimits};

/// Checks the structure of a file already recognised as `kind`.
pub(crate) fn check(kind: MediaKind, bytes: &[u8], limits: &MediaLimits) -> Result<(), MediaError> {
    match kind {
        MediaKind::Jpeg => jpeg_end(bytes).and_then(|end| trailing(bytes, end)),
        MediaKind::Png => png_end(bytes).and_then(|end| trailing(bytes, end)),
        MediaKind::Gif => gif_end(bytes, limits).and_then(|end| trailing(bytes, end)),
        MediaKind::WebP => webp(bytes),
        MediaKind::Pdf => pdf(bytes),
        MediaKind::Mp3 => mp3(bytes),
        MediaKind::Ogg => ogg(bytes),
    }
}

/// Where the picture's container ends, when it is a picture whose structure holds.
pub(crate) fn picture_end(kind: MediaKind, bytes: &[u8], limits: &MediaLimits) -> Option<usize> {
    match kind {
        MediaKind::Jpeg => jpeg_end(bytes).ok(),
        MediaKind::Png => png_end(bytes).ok(),
        MediaKind::Gif => gif_end(bytes, limits).ok(),
        MediaKind::WebP => {
            let end = to_usize(le32(bytes, 4).ok()?).checked_add(8)?;
            (end <= bytes.len()).then_some(end)
        }
        MediaKind::Pdf | MediaKind::Mp3 | MediaKind::Ogg => None,
    }
}

/// Only padding may follow the end: NUL, `0xFF` and ASCII white space.
fn trailing(bytes: &[u8], end: usize) -> Result<(), MediaError> {
    let rest = bytes.get(end..).unwrap_or_default();
    if rest
        .iter()
        .all(|&byte| byte == 0 || byte == 0xff || byte.is_ascii_whitespace())
    {
        Ok(())
    } else {
        Err(MediaError::TrailingData)
    }
}

fn byte(bytes: &[u8], at: usize) -> Result<u8, MediaError> {
    bytes.get(at).copied().ok_or(MediaError::Truncated)
}

fn be16(bytes: &[u8], at: usize) -> Result<usize, MediaError> {
    Ok(usize::from(u16::from_be_bytes([
        byte(bytes, at)?,
        byte(bytes, at + 1)?,
    ])))
}

fn le16(bytes: &[u8], at: usize) -> Result<u32, MediaError> {
    Ok(u32::from(u16::from_le_bytes([
        byte(bytes, at)?,
        byte(bytes, at + 1)?,
    ])))
}

fn be32(bytes: &[u8], at: usize) -> Result<u32, MediaError> {
    Ok(u32::from_be_bytes([
        byte(bytes, at)?,
        byte(bytes, at + 1)?,
        byte(bytes, at + 2)?,
        byte(bytes, at + 3)?,
    ]))
}

fn le32(bytes: &[u8], at: usize) -> Result<u32, MediaError> {
    Ok(u32::from_le_bytes([
        byte(bytes, at)?,
        byte(bytes, at + 1)?,
        byte(bytes, at + 2)?,
        byte(bytes, at + 3)?,
    ]))
}

fn to_usize(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// The offset just after a JPEG's `EOI` marker: segments are skipped by their
/// length, entropy-coded data byte by byte to the next marker.
fn jpeg_end(bytes: &[u8]) -> Result<usize, MediaError> {
    let mut at = 2;
    let mut seen_frame = false;
    loop {
        if byte(bytes, at)? != 0xff {
            return Err(MediaError::Corrupt);
        }
        while byte(bytes, at)? == 0xff {
            at += 1;
        }
        let marker = byte(bytes, at)?;
        at += 1;
        match marker {
            0xd9 => {
                return if seen_frame {
                    Ok(at)
                } else {
                    Err(MediaError::Corrupt)
                };
            }
            0xd8 | 0x00 => return Err(MediaError::Corrupt),
            // Markers without a length.
            0x01 | 0xd0..=0xd7 => {}
            _ => {
                let length = be16(bytes, at)?;
                if length < 2 {
                    return Err(MediaError::Corrupt);
                }
                at += length;
                if at > bytes.len() {
                    return Err(MediaError::Truncated);
                }
                if matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc) {
                    seen_frame = true;
                }
                if marker == 0xda {
                    if !seen_frame {
                        return Err(MediaError::Corrupt);
                    }
                    at = entropy_end(bytes, at)?;
                }
            }
        }
    }
}

/// The offset of the marker ending entropy-coded data (`0xFF` not followed by a stuffed
/// zero, a restart marker or fill).
fn entropy_end(bytes: &[u8], mut at: usize) -> Result<usize, MediaError> {
    loop {
        let offset = bytes
            .get(at..)
            .and_then(|rest| rest.iter().position(|&b| b == 0xff))
            .ok_or(MediaError::Truncated)?;
        at += offset;
        match byte(bytes, at + 1)? {
            0x00 | 0xd0..=0xd7 => at += 2,
            0xff => at += 1,
            _ => return Ok(at),
        }
    }
}

/// The offset just after a PNG's `IEND` chunk.
fn png_end(bytes: &[u8]) -> Result<usize, MediaError> {
    let mut at = 8;
    let mut first = true;
    loop {
        let length = to_usize(be32(bytes, at)?);
        if length > 0x7fff_ffff {
            return Err(MediaError::Corrupt);
        }
        let kind = bytes.get(at + 4..at + 8).ok_or(MediaError::Truncated)?;
        if first && kind != b"IHDR" {
            return Err(MediaError::Corrupt);
        }
        first = false;
        let end = at
            .checked_add(12)
            .and_then(|n| n.checked_add(length))
            .ok_or(MediaError::Corrupt)?;
        if end > bytes.len() {
            return Err(MediaError::Truncated);
        }
        if kind == b"IEND" {
            return Ok(end);
        }
        at = end;
    }
}

/// The offset just after a GIF's trailer; every frame's size is checked against the
/// limits on the way (the decoder only looks at the first one).
fn gif_end(bytes: &[u8], limits: &MediaLimits) -> Result<usize, MediaError> {
    let flags = byte(bytes, 10)?;
    let mut at = 13;
    if flags & 0x80 != 0 {
        at += 3 << ((flags & 7) + 1);
    }
    loop {
        match byte(bytes, at)? {
            0x3b => return Ok(at + 1),
            0x21 => at = sub_blocks(bytes, at + 2)?,
            0x2c => {
                let width = le16(bytes, at + 5)?;
                let height = le16(bytes, at + 7)?;
                check_pixels(width, height, limits)?;
                let flags = byte(bytes, at + 9)?;
                at += 10;
                if flags & 0x80 != 0 {
                    at += 3 << ((flags & 7) + 1);
                }
                // The LZW minimum code size, then the data.
                at = sub_blocks(bytes, at + 1)?;
            }
            _ => return Err(MediaError::Corrupt),
        }
    }
}

/// Skips GIF data sub-blocks (a length byte, then that many bytes) to the empty one.
fn sub_blocks(bytes: &[u8], mut at: usize) -> Result<usize, MediaError> {
    loop {
        let length = usize::from(byte(bytes, at)?);
        at += 1;
        if length == 0 {
            return Ok(at);
        }
        at += length;
    }
}

pub(crate) fn check_pixels(
    width: u32,
    height: u32,
    limits: &MediaLimits,
) -> Result<(), MediaError> {
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt);
    }
    if width > limits.max_width
        || height > limits.max_height
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(MediaError::TooManyPixels { width, height });
    }
    Ok(())
}

/// A WebP file is one RIFF chunk whose length is the file's; its chunks fill it.
fn webp(bytes: &[u8]) -> Result<(), MediaError> {
    let declared = to_usize(le32(bytes, 4)?);
    let end = declared.checked_add(8).ok_or(MediaError::Corrupt)?;
    if end > bytes.len() {
        return Err(MediaError::Truncated);
    }
    let mut at = 12;
    while at < end {
        let length = to_usize(le32(bytes, at + 4)?);
        let padded = length.checked_add(length & 1).ok_or(MediaError::Corrupt)?;
        at = at
            .checked_add(8)
            .and_then(|n| n.checked_add(padded))
            .ok_or(MediaError::Corrupt)?;
    }
    if at > end {
        return Err(if end == bytes.len() {
            MediaError::Truncated
        } else {
            MediaError::Corrupt
        });
    }
    trailing(bytes, end)
}

/// `%PDF-` then, at the end, `%%EOF` followed by white space only.
fn pdf(bytes: &[u8]) -> Result<(), MediaError> {
    let eof = bytes
        .windows(5)
        .rposition(|window| window == b"%%EOF")
        .ok_or(MediaError::Truncated)?;
    let rest = bytes.get(eof + 5..).unwrap_or_default();
    if rest
        .iter()
        .all(|&byte| byte == 0 || byte.is_ascii_whitespace())
    {
        Ok(())
    } else {
        Err(MediaError::TrailingData)
    }
}

/// An MPEG audio layer III frame header: its length in bytes when the bit rate is
/// given (`None` for "free format").
pub(crate) struct Mp3Frame {
    pub length: Option<usize>,
}

/// The layer III frame header at the start of `bytes`, if valid.
pub(crate) fn mp3_frame(bytes: &[u8]) -> Option<Mp3Frame> {
    let header = bytes.get(..4)?;
    let (&b0, &b1, &b2) = (header.first()?, header.get(1)?, header.get(2)?);
    if b0 != 0xff || b1 & 0xe0 != 0xe0 {
        return None;
    }
    // 0: MPEG 2.5, 1: reserved, 2: MPEG 2, 3: MPEG 1.
    let version = (b1 >> 3) & 3;
    let layer = (b1 >> 1) & 3;
    if version == 1 || layer != 1 {
        return None;
    }
    let bitrate_index = usize::from(b2 >> 4);
    let rate_index = usize::from((b2 >> 2) & 3);
    if bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    const MPEG1: [u32; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const MPEG2: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let (bitrates, rates, factor): (&[u32; 15], [u32; 3], u32) = match version {
        3 => (&MPEG1, [44_100, 48_000, 32_000], 144),
        2 => (&MPEG2, [22_050, 24_000, 16_000], 72),
        _ => (&MPEG2, [11_025, 12_000, 8_000], 72),
    };
    let bitrate = *bitrates.get(bitrate_index)?;
    let rate = *rates.get(rate_index)?;
    let padding = u32::from((b2 >> 1) & 1);
    let length = (bitrate != 0).then(|| to_usize(factor * bitrate * 1000 / rate + padding));
    Some(Mp3Frame { length })
}

/// An optional ID3v2 tag, optional zero padding, then a frame header; when the first
/// frame's length is known, a second frame (or an ID3v1 `TAG`, or the end) must follow.
fn mp3(bytes: &[u8]) -> Result<(), MediaError> {
    let mut at = 0;
    if bytes.starts_with(b"ID3") {
        let flags = byte(bytes, 5)?;
        let size = (1..=4).try_fold(0usize, |size, i| {
            Ok::<_, MediaError>((size << 7) | usize::from(byte(bytes, 5 + i)? & 0x7f))
        })?;
        at = 10 + size + if flags & 0x10 != 0 { 10 } else { 0 };
        if at > bytes.len() {
            return Err(MediaError::Truncated);
        }
        at += bytes
            .get(at..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| b == 0)
            .count();
    }
    let rest = bytes.get(at..).unwrap_or_default();
    if rest.len() < 4 {
        return Err(MediaError::Truncated);
    }
    let frame = mp3_frame(rest).ok_or(MediaError::Corrupt)?;
    if let Some(length) = frame.length {
        match rest.get(length..) {
            None => return Err(MediaError::Truncated),
            Some(next) if next.is_empty() || next.starts_with(b"TAG") => {}
            Some(next) if next.len() < 4 => return Err(MediaError::Truncated),
            Some(next) => {
                if mp3_frame(next).is_none() {
                    return Err(MediaError::Corrupt);
                }
            }
        }
    }
    Ok(())
}

/// Ogg pages from the first byte to the last; the first page must begin an audio
/// stream (Vorbis, Opus, FLAC or Speex: a video is not accepted).
fn ogg(bytes: &[u8]) -> Result<(), MediaError> {
    let mut at = 0;
    let mut first = true;
    while at < bytes.len() {
        let page = bytes.get(at..).unwrap_or_default();
        if !page.starts_with(b"OggS") {
            return Err(if page.len() < 4 && b"OggS".starts_with(page) {
                MediaError::Truncated
            } else {
                MediaError::TrailingData
            });
        }
        if byte(page, 4)? != 0 {
            return Err(MediaError::Corrupt);
        }
        let header_type = byte(page, 5)?;
        let segments = usize::from(byte(page, 26)?);
        let table = page.get(27..27 + segments).ok_or(MediaError::Truncated)?;
        let body_length: usize = table.iter().map(|&b| usize::from(b)).sum();
        let body_start = 27 + segments;
        let body = page
            .get(body_start..body_start + body_length)
            .ok_or(MediaError::Truncated)?;
        if first {
            if header_type & 2 == 0 {
                return Err(MediaError::Corrupt);
            }
            let audio = [&b"\x01vorbis"[..], b"OpusHead", b"\x7fFLAC", b"Speex   "];
            if !audio.iter().any(|codec| body.starts_with(codec)) {
                return Err(MediaError::UnknownType);
            }
            first = false;
        }
        at += body_start + body_length;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mp3_frame_lengths() {
        // MPEG-1 layer III 128 kbit/s 44.1 kHz: 417 bytes, 418 padded.
        assert_eq!(
            mp3_frame(b"\xff\xfb\x90\x64").and_then(|f| f.length),
            Some(417)
        );
        assert_eq!(
            mp3_frame(b"\xff\xfb\x92\x64").and_then(|f| f.length),
            Some(418)
        );
        assert!(mp3_frame(b"\xff\xfb\xf0\x64").is_none());
        assert!(mp3_frame(b"\xff\xfb\x9c\x64").is_none());
    }

    #[test]
    fn pdf_ends() {
        assert_eq!(pdf(b"%PDF-1.4\n...\n%%EOF\n"), Ok(()));
        assert_eq!(pdf(b"%PDF-1.4\n...\n"), Err(MediaError::Truncated));
        assert_eq!(
            pdf(b"%PDF-1.4\n...\n%%EOF\nPK\x03\x04"),
            Err(MediaError::TrailingData)
        );
    }
}
