//! Uploaded files without I/O (issue 7): what a file is, whether it may be accepted,
//! its thumbnails, and the original as served.
//!
//! Accepted: JPEG, PNG, WebP and GIF images, PDF documents, MP3 and Ogg (Vorbis, Opus,
//! FLAC, Speex) audio. Everything here works on bytes in memory; storing, naming and
//! serving files is `carnet-web`'s and `carnet-store`'s business.
//!
//! # What [`inspect`] checks, in this order
//!
//! 1. Not empty, not over [`MediaLimits::max_bytes`] (20 MiB by default).
//! 2. **The type comes from the content alone** (its first bytes), never from the file
//!    name or the client's `Content-Type`. The seven signatures are checked by hand
//!    (`detect.rs`): it is a dozen lines, exact about what is accepted (an MP3 frame
//!    header is checked field by field, an Ogg stream must carry an audio codec), and
//!    a general sniffing crate would recognise hundreds of types only to refuse them.
//!    Anything else is [`MediaError::UnknownType`].
//! 3. **SVG is refused** ([`MediaError::Svg`]), and so is any XML or HTML: a text file
//!    starting with `<`. SVG can carry scripts and Carnet does not sanitise it; writers
//!    export a PNG instead.
//! 4. **No markup at the start** ([`MediaError::ScriptInside`]): the first 1024 bytes
//!    must not contain `<script`, `<html`, `<head`, `<body`, `<iframe`, `<svg`,
//!    `<!doctype`, `<a href`, `<img`, `<title`, `<pre`, `<table`, `<meta`, `<object`,
//!    `<embed` or `javascript:` in any case, NUL bytes ignored (UTF-16 text) — the bytes
//!    a browser sniffing HTML looks at; MediaWiki's rule.
//! 5. Images: **the dimensions are read from the header, before anything is decoded**,
//!    and refused over [`MediaLimits::max_width`], `max_height` or `max_pixels`
//!    ([`MediaError::TooManyPixels`]) — a 100 000 × 100 000 PNG header is 33 bytes.
//! 6. **The file's structure is walked to its end** (JPEG segments and entropy data to
//!    `EOI`, PNG chunks to `IEND`, GIF blocks to the trailer, RIFF chunks of WebP, Ogg
//!    pages, the MP3 frame chain's start, PDF's `%%EOF`): a cut file is
//!    [`MediaError::Truncated`], and **data after the end** (a ZIP appended to a JPEG,
//!    a GIFAR, an HTML page after `IEND`) is [`MediaError::TrailingData`] — only
//!    padding (NUL, `0xFF`, white space) may follow. Phones' "motion photos" (a video
//!    appended to a JPEG) are therefore refused: export the still picture — or cut
//!    such files first with [`without_trailing_data`].
//! 7. Images: **the whole image is decoded** under `image`'s [`image::Limits`] (width,
//!    height, and [`MediaLimits::max_decode_bytes`] of memory), so a file that does
//!    not decode is never accepted. Animated GIF and WebP: the first frame is decoded,
//!    the other frames' structure is walked. Audio is not decoded.
//!
//! [`MediaInfo::width`] and `height` are the *displayed* size: the EXIF orientation is
//! applied (a portrait photo stored landscape with orientation 6 is reported portrait).
//!
//! # Thumbnails
//!
//! [`thumbnail`] makes a picture `width` pixels wide (never wider than the original),
//! EXIF orientation applied, resized with a Lanczos3 filter by `fast_image_resize`
//! (SIMD, alpha-aware: with `image`'s own resize, a 1280-pixel thumbnail of a
//! 12-megapixel JPEG took 2.1 s on the shared development machine, 0.64 s now, of
//! which 0.38 s is decoding — `examples/thumb_bench.rs`), encoded as JPEG (quality 85) for JPEG input and opaque
//! WebP, PNG otherwise (GIF: the first frame). It carries no metadata at all.
//! Thumbnails are made only at [`THUMB_WIDTHS`] by the web layer (see
//! [`standard_width`]).
//!
//! # The original as served
//!
//! [`served_original`] removes metadata losslessly (the compressed image data is
//! copied byte for byte): for JPEG every `APPn` segment but JFIF (`APP0`), the ICC
//! profile (`APP2 ICC_PROFILE`) and Adobe's colour transform (`APP14`), and every
//! comment; for PNG every ancillary chunk but the colour and transparency ones
//! (`tRNS`, `gAMA`, `cHRM`, `sRGB`, `iCCP`, `sBIT`, `bKGD`, `pHYs`, `cICP`, `mDCv`,
//! `cLLi`) and APNG's animation chunks; for WebP the `EXIF` and `XMP ` chunks. So GPS
//! positions, camera serial numbers, XMP and IPTC are gone. When the picture had an
//! EXIF orientation other than "normal", a minimal EXIF holding only that Orientation
//! tag is written back, so browsers still show it upright. GIF, PDF and audio are served
//! unchanged.

mod detect;
mod metadata;
mod picture;
mod structure;

pub use carnet_core::{THUMB_WIDTHS, is_standard_width, standard_width};
pub use metadata::served_original;
pub use picture::thumbnail;

/// The kinds of file Carnet accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Jpeg,
    Png,
    WebP,
    Gif,
    Pdf,
    Mp3,
    Ogg,
}

impl MediaKind {
    /// Every kind, images first.
    pub const ALL: [MediaKind; 7] = [
        MediaKind::Jpeg,
        MediaKind::Png,
        MediaKind::WebP,
        MediaKind::Gif,
        MediaKind::Pdf,
        MediaKind::Mp3,
        MediaKind::Ogg,
    ];

    /// The `Content-Type` to serve the file with.
    pub fn mime(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "image/jpeg",
            MediaKind::Png => "image/png",
            MediaKind::WebP => "image/webp",
            MediaKind::Gif => "image/gif",
            MediaKind::Pdf => "application/pdf",
            MediaKind::Mp3 => "audio/mpeg",
            MediaKind::Ogg => "audio/ogg",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "jpg",
            MediaKind::Png => "png",
            MediaKind::WebP => "webp",
            MediaKind::Gif => "gif",
            MediaKind::Pdf => "pdf",
            MediaKind::Mp3 => "mp3",
            MediaKind::Ogg => "ogg",
        }
    }

    /// The extensions a file name of this kind may end with (lower case, no dot).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            MediaKind::Jpeg => &["jpg", "jpeg", "jpe"],
            MediaKind::Png => &["png"],
            MediaKind::WebP => &["webp"],
            MediaKind::Gif => &["gif"],
            MediaKind::Pdf => &["pdf"],
            MediaKind::Mp3 => &["mp3"],
            MediaKind::Ogg => &["ogg", "oga", "opus"],
        }
    }

    /// Pictures: they have dimensions and thumbnails.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            MediaKind::Jpeg | MediaKind::Png | MediaKind::WebP | MediaKind::Gif
        )
    }

    /// Sound: played by an `<audio>` element.
    pub fn is_audio(self) -> bool {
        matches!(self, MediaKind::Mp3 | MediaKind::Ogg)
    }

    /// The stable name stored in the database (`"jpeg"`, `"png"`, `"webp"`, `"gif"`,
    /// `"pdf"`, `"mp3"`, `"ogg"`). Never change one: rows hold them.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "jpeg",
            MediaKind::Png => "png",
            MediaKind::WebP => "webp",
            MediaKind::Gif => "gif",
            MediaKind::Pdf => "pdf",
            MediaKind::Mp3 => "mp3",
            MediaKind::Ogg => "ogg",
        }
    }

    /// The kind named by [`MediaKind::as_str`].
    pub fn parse(name: &str) -> Option<MediaKind> {
        MediaKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

impl std::fmt::Display for MediaKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How big a file may be. The defaults suit a small server (2 cores, a few GiB).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaLimits {
    /// The largest file, in bytes: 20 MiB.
    pub max_bytes: u64,
    /// The widest picture, in pixels (as stored, before orientation): 20 000.
    pub max_width: u32,
    /// The tallest picture, in pixels: 20 000.
    pub max_height: u32,
    /// The most pixels in a picture: 50 million (a 8 660 × 5 773 photo).
    pub max_pixels: u64,
    /// The most memory the decoder may allocate for one picture: 256 MiB (50 million
    /// RGB pixels need 150 MB; a 16-bit RGBA PNG of that size would need 400 MB and is
    /// refused).
    pub max_decode_bytes: u64,
}

impl Default for MediaLimits {
    fn default() -> Self {
        MediaLimits {
            max_bytes: 20 * 1024 * 1024,
            max_width: 20_000,
            max_height: 20_000,
            max_pixels: 50_000_000,
            max_decode_bytes: 256 * 1024 * 1024,
        }
    }
}

/// What an accepted file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaInfo {
    pub kind: MediaKind,
    /// Displayed width (EXIF orientation applied); `None` for documents and audio.
    pub width: Option<u32>,
    /// Displayed height (EXIF orientation applied); `None` for documents and audio.
    pub height: Option<u32>,
    /// The file's size in bytes.
    pub bytes: u64,
}

/// Why a file is refused. Each variant is a distinct message for the uploader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The file has no bytes at all.
    #[error("the file is empty")]
    Empty,
    /// The file is bigger than [`MediaLimits::max_bytes`].
    #[error("the file has {bytes} bytes, more than the {max} allowed")]
    TooLarge { bytes: u64, max: u64 },
    /// The content is none of the accepted kinds (whatever its name says): a text
    /// file renamed `.jpg`, a ZIP, a video, TIFF, HEIC…
    #[error("the file's content is not an accepted kind of file")]
    UnknownType,
    /// SVG, or any other XML or HTML document: refused, as Carnet does not sanitise
    /// SVG (export the drawing as PNG).
    #[error("SVG and other XML or HTML files are not accepted")]
    Svg,
    /// The start of the file holds HTML or script markers (`<script`, `<html`,
    /// `javascript:`…), which a browser could run: a polyglot file.
    #[error("the file contains HTML or script markers")]
    ScriptInside,
    /// Something follows the end of the picture, document or sound (a ZIP archive
    /// appended to a JPEG, a GIFAR, a motion photo's video).
    #[error("the file has data after its end")]
    TrailingData,
    /// The file stops before its end: an interrupted upload or a cut file.
    #[error("the file is truncated")]
    Truncated,
    /// The file starts like an accepted kind but is damaged (bad structure, does not
    /// decode).
    #[error("the file is damaged")]
    Corrupt,
    /// The picture's header declares more than [`MediaLimits::max_width`],
    /// `max_height` or `max_pixels` (decompression bombs included). The size given is
    /// as stored, before orientation.
    #[error("the picture is {width}×{height} pixels, more than allowed")]
    TooManyPixels { width: u32, height: u32 },
    /// Decoding the picture would need more memory than
    /// [`MediaLimits::max_decode_bytes`] (very deep colour at a large size).
    #[error("the picture needs too much memory to decode")]
    DecodeLimit,
    /// A variant of the format the decoder cannot read (a lossless or arithmetic-coded
    /// JPEG, an unusual colour model): re-export the picture in a common form.
    #[error("this variant of the format is not supported")]
    Unsupported,
    /// A thumbnail was asked of a file that is not a picture (PDF, audio).
    #[error("the file is not a picture")]
    NotAnImage,
    /// The thumbnail could not be encoded (should not happen).
    #[error("the thumbnail could not be encoded")]
    Encode,
}

/// Decides whether `bytes` may be accepted, and what they are. See the crate
/// documentation for every check, in order.
pub fn inspect(bytes: &[u8], limits: &MediaLimits) -> Result<MediaInfo, MediaError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if size > limits.max_bytes {
        return Err(MediaError::TooLarge {
            bytes: size,
            max: limits.max_bytes,
        });
    }
    let kind = detect::sniff(bytes)?;
    if detect::has_markup(bytes) {
        return Err(MediaError::ScriptInside);
    }
    let (width, height) = if kind.is_image() {
        picture::header_dimensions(bytes, limits)?;
        structure::check(kind, bytes, limits)?;
        let (width, height) = picture::verify(bytes, kind, limits)?;
        (Some(width), Some(height))
    } else {
        structure::check(kind, bytes, limits)?;
        (None, None)
    };
    Ok(MediaInfo {
        kind,
        width,
        height,
        bytes: size,
    })
}

/// A picture cut at the end of its container (JPEG `EOI`, PNG `IEND`, GIF trailer, RIFF
/// length); anything else, or a picture whose structure does not hold, is returned whole.
///
/// [`inspect`] refuses data after the end ([`MediaError::TrailingData`]). Some phones
/// append their own records to every photo (Samsung's `SEFT` trailer, motion photos'
/// video): a caller who prefers keeping such photos passes them through this function
/// first and inspects (and stores) what it returns — the appended bytes are then gone,
/// so a polyglot is defused rather than refused. Carnet's upload does not do this by
/// default.
pub fn without_trailing_data(bytes: &[u8]) -> &[u8] {
    let Ok(kind) = detect::sniff(bytes) else {
        return bytes;
    };
    structure::picture_end(kind, bytes, &MediaLimits::default())
        .and_then(|end| bytes.get(..end))
        .unwrap_or(bytes)
}

/// A thumbnail, ready to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

/// The displayed size of a `width` × `height` picture given its EXIF orientation
/// (1 to 8): swapped for the four orientations that turn it a quarter.
pub fn displayed_size(width: u32, height: u32, exif_orientation: u8) -> (u32, u32) {
    if (5..=8).contains(&exif_orientation) {
        (height, width)
    } else {
        (width, height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in MediaKind::ALL {
            assert_eq!(MediaKind::parse(kind.as_str()), Some(kind));
            assert!(kind.extensions().contains(&kind.extension()));
        }
        assert_eq!(MediaKind::parse("svg"), None);
        assert_eq!(MediaKind::Jpeg.mime(), "image/jpeg");
        assert_eq!(MediaKind::Mp3.mime(), "audio/mpeg");
        assert!(MediaKind::Gif.is_image() && !MediaKind::Pdf.is_image());
        assert!(MediaKind::Ogg.is_audio() && !MediaKind::Png.is_audio());
    }

    #[test]
    fn displayed_sizes() {
        assert_eq!(displayed_size(40, 30, 1), (40, 30));
        assert_eq!(displayed_size(40, 30, 3), (40, 30));
        assert_eq!(displayed_size(40, 30, 6), (30, 40));
        assert_eq!(displayed_size(40, 30, 8), (30, 40));
    }

    #[test]
    fn empty_and_too_large() {
        let limits = MediaLimits {
            max_bytes: 4,
            ..MediaLimits::default()
        };
        assert_eq!(inspect(b"", &limits), Err(MediaError::Empty));
        assert_eq!(
            inspect(b"%PDF-1.4", &limits),
            Err(MediaError::TooLarge { bytes: 8, max: 4 })
        );
    }
}
