//! The original as served: metadata removed losslessly, orientation kept.

use image::metadata::Orientation;
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};

use crate::{MediaError, MediaKind};

/// PNG ancillary chunks kept: colour, transparency, pixel size and APNG animation.
/// Every other ancillary chunk (`eXIf`, `tEXt`, `zTXt`, `iTXt`, `tIME`, unknown ones)
/// is dropped; critical chunks (upper-case first letter) are all kept.
const PNG_KEPT: [&[u8; 4]; 14] = [
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs", b"cICP", b"mDCv",
    b"cLLi", b"acTL", b"fcTL", b"fdAT",
];

/// The file as it should be served: for JPEG, PNG and WebP, every metadata segment or
/// chunk removed (EXIF with its GPS position, XMP, IPTC, comments, texts) without
/// touching the compressed image, then a minimal EXIF holding only the orientation
/// written back when it is not "normal". GIF, PDF and audio are returned unchanged.
///
/// Expects a file accepted by [`crate::inspect`]; anything it cannot parse is
/// [`MediaError::Corrupt`].
pub fn served_original(bytes: &[u8], kind: MediaKind) -> Result<Vec<u8>, MediaError> {
    let data = Bytes::copy_from_slice(bytes);
    let out = match kind {
        MediaKind::Jpeg => {
            let mut jpeg = Jpeg::from_bytes(data).map_err(|_| MediaError::Corrupt)?;
            let orientation = orientation(jpeg.exif());
            jpeg.segments_mut().retain(|segment| {
                let contents = segment.contents();
                match segment.marker() {
                    // JFIF, JFXX.
                    0xe0 => true,
                    0xe2 => contents.starts_with(b"ICC_PROFILE\0"),
                    // Adobe: tells how colours were transformed; decoding needs it.
                    0xee => contents.starts_with(b"Adobe"),
                    0xe1 | 0xe3..=0xed | 0xef | 0xfe => false,
                    _ => true,
                }
            });
            jpeg.set_exif(orientation_exif(orientation));
            jpeg.encoder().bytes()
        }
        MediaKind::Png => {
            let mut png = Png::from_bytes(data).map_err(|_| MediaError::Corrupt)?;
            let orientation = orientation(png.exif());
            png.chunks_mut().retain(|chunk| {
                let kind = chunk.kind();
                kind.first().is_some_and(u8::is_ascii_uppercase) || PNG_KEPT.contains(&&kind)
            });
            png.set_exif(orientation_exif(orientation));
            png.encoder().bytes()
        }
        MediaKind::WebP => {
            let mut webp = WebP::from_bytes(data).map_err(|_| MediaError::Corrupt)?;
            let orientation = orientation(webp.exif());
            webp.remove_chunks_by_id(*b"XMP ");
            // Also recomputes the VP8X flags (EXIF, XMP present or not).
            webp.set_exif(orientation_exif(orientation));
            webp.encoder().bytes()
        }
        MediaKind::Gif | MediaKind::Pdf | MediaKind::Mp3 | MediaKind::Ogg => data,
    };
    Ok(out.to_vec())
}

/// The EXIF orientation (1 to 8) in a raw EXIF block, 1 when absent.
fn orientation(exif: Option<Bytes>) -> u8 {
    exif.as_deref()
        .map(|exif| exif.strip_prefix(b"Exif\0\0").unwrap_or(exif))
        .and_then(Orientation::from_exif_chunk)
        .map_or(1, Orientation::to_exif)
}

/// A minimal big-endian EXIF (TIFF header, one IFD, one entry: Orientation) for
/// orientations other than 1; `None` for 1 (nothing to keep).
fn orientation_exif(orientation: u8) -> Option<Bytes> {
    if !(2..=8).contains(&orientation) {
        return None;
    }
    let mut tiff = Vec::with_capacity(26);
    // Byte order, magic 42, offset of the first IFD.
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    // One entry: tag 0x0112 (Orientation), type 3 (SHORT), count 1, value, padding.
    tiff.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
    // No next IFD.
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    Some(Bytes::from(tiff))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_exif_is_read_back() {
        for value in 2..=8 {
            let exif = orientation_exif(value);
            assert_eq!(orientation(exif), value);
        }
        assert!(orientation_exif(1).is_none());
        assert_eq!(orientation(None), 1);
    }
}
