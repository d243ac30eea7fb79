#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

//! Real files, made here, each accepted or refused as the issue says.

use std::io::Cursor;
use std::time::{Duration, Instant};

use carnet_media::{
    MediaError, MediaInfo, MediaKind, MediaLimits, THUMB_WIDTHS, inspect, served_original,
    standard_width, thumbnail, without_trailing_data,
};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use img_parts::jpeg::{Jpeg, JpegSegment};
use img_parts::png::{Png, PngChunk};
use img_parts::{Bytes, ImageEXIF};

fn limits() -> MediaLimits {
    MediaLimits::default()
}

/// A picture whose left half is red and right half blue (to see rotations).
fn halves(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgb([250, 0, 0])
        } else {
            Rgb([0, 0, 250])
        }
    }))
}

/// Pseudo-random pixels: they do not compress.
fn noise(width: u32, height: u32) -> DynamicImage {
    let mut state = 12345u32;
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |_, _| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let [a, b, c, _] = state.to_le_bytes();
        Rgb([a, b, c])
    }))
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(&halves(width, height), ImageFormat::Jpeg)
}

fn png(width: u32, height: u32) -> Vec<u8> {
    encode(&halves(width, height), ImageFormat::Png)
}

fn info(kind: MediaKind, width: u32, height: u32, bytes: &[u8]) -> MediaInfo {
    MediaInfo {
        kind,
        width: Some(width),
        height: Some(height),
        bytes: bytes.len() as u64,
    }
}

/// A big-endian EXIF block: Orientation, and a GPS IFD with a latitude.
fn exif_with_gps(orientation: u8) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    // IFD0 at 8: two entries.
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
    // GPSInfo pointer (LONG) to offset 38.
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    assert_eq!(tiff.len(), 38);
    // GPS IFD: latitude reference "N", latitude 48° 51' 24" at offset 68.
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    assert_eq!(tiff.len(), 68);
    for value in [48u32, 51, 24] {
        tiff.extend_from_slice(&value.to_be_bytes());
        tiff.extend_from_slice(&1u32.to_be_bytes());
    }
    tiff
}

/// A 40×20 JPEG (red left, blue right) carrying orientation `orientation`, GPS, an XMP
/// packet and a comment.
fn camera_jpeg(orientation: u8) -> Vec<u8> {
    let mut jpeg = Jpeg::from_bytes(Bytes::from(jpeg(40, 20))).unwrap();
    jpeg.set_exif(Some(Bytes::from(exif_with_gps(orientation))));
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>48,51N</exif:GPSLatitude></x:xmpmeta>";
    let comment = b"Appareil n 12345, chez moi";
    let frame = jpeg
        .segments()
        .iter()
        .position(|s| s.marker() == 0xc0)
        .unwrap();
    jpeg.segments_mut().insert(
        frame,
        JpegSegment::new_with_contents(0xe1, Bytes::from_static(xmp)),
    );
    jpeg.segments_mut().insert(
        frame,
        JpegSegment::new_with_contents(0xfe, Bytes::from_static(comment)),
    );
    jpeg.encoder().bytes().to_vec()
}

fn read_exif(bytes: &[u8]) -> Option<exif::Exif> {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn pictures_of_each_kind_are_accepted_with_their_size() {
    let picture = halves(7, 5);
    for (format, kind) in [
        (ImageFormat::Jpeg, MediaKind::Jpeg),
        (ImageFormat::Png, MediaKind::Png),
        (ImageFormat::WebP, MediaKind::WebP),
        (ImageFormat::Gif, MediaKind::Gif),
    ] {
        let bytes = encode(&picture, format);
        assert_eq!(
            inspect(&bytes, &limits()),
            Ok(info(kind, 7, 5, &bytes)),
            "{kind:?}"
        );
    }
}

#[test]
fn documents_and_sounds_are_accepted() {
    let pdf =
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
    assert_eq!(
        inspect(pdf, &limits()).map(|i| (i.kind, i.width)),
        Ok((MediaKind::Pdf, None))
    );
    assert_eq!(
        inspect(&mp3(), &limits()).map(|i| i.kind),
        Ok(MediaKind::Mp3)
    );
    // Without an ID3 tag, straight into frames.
    let frames = mp3().split_off(20);
    assert_eq!(
        inspect(&frames, &limits()).map(|i| i.kind),
        Ok(MediaKind::Mp3)
    );
    let ogg = ogg_page(b"\x01vorbis\0\0\0\0\x02\x44\xac\0\0");
    assert_eq!(inspect(&ogg, &limits()).map(|i| i.kind), Ok(MediaKind::Ogg));
    let opus = ogg_page(b"OpusHead\x01\x02\0\0\x80\xbb\0\0\0\0\0");
    assert_eq!(
        inspect(&opus, &limits()).map(|i| i.kind),
        Ok(MediaKind::Ogg)
    );
}

/// ID3v2.4 with one 10-byte frame, then two MPEG-1 layer III frames of 417 bytes.
fn mp3() -> Vec<u8> {
    let mut bytes = b"ID3\x04\x00\x00\x00\x00\x00\x0a".to_vec();
    bytes.extend_from_slice(b"TIT2\0\0\0\0\0\0");
    for _ in 0..2 {
        let mut frame = vec![0u8; 417];
        frame[..4].copy_from_slice(b"\xff\xfb\x90\x64");
        bytes.extend_from_slice(&frame);
    }
    bytes
}

/// One Ogg page beginning a stream, holding `packet`.
fn ogg_page(packet: &[u8]) -> Vec<u8> {
    let mut page = b"OggS\0\x02".to_vec();
    page.extend_from_slice(&[0; 8]); // granule position
    page.extend_from_slice(&1u32.to_le_bytes()); // serial
    page.extend_from_slice(&0u32.to_le_bytes()); // sequence
    page.extend_from_slice(&[0; 4]); // checksum (not checked)
    page.push(1);
    page.push(packet.len() as u8);
    page.extend_from_slice(packet);
    page
}

#[test]
fn the_name_does_not_matter_the_content_does() {
    // A text file renamed `photo.jpg`: no name reaches `inspect` at all.
    assert_eq!(
        inspect(b"Bonjour, ceci n'est pas une photo.\n", &limits()),
        Err(MediaError::UnknownType)
    );
    assert_eq!(inspect(b"", &limits()), Err(MediaError::Empty));
    assert_eq!(
        inspect(b"PK\x03\x04\x14\0\0\0", &limits()),
        Err(MediaError::UnknownType)
    );
    // A video in an Ogg container is not a sound.
    assert_eq!(
        inspect(&ogg_page(b"\x80theora\x03\x02\x01"), &limits()),
        Err(MediaError::UnknownType)
    );
}

#[test]
fn too_large_files_are_refused() {
    let bytes = png(50, 50);
    let small = MediaLimits {
        max_bytes: 100,
        ..limits()
    };
    assert_eq!(
        inspect(&bytes, &small),
        Err(MediaError::TooLarge {
            bytes: bytes.len() as u64,
            max: 100
        })
    );
    assert_eq!(MediaLimits::default().max_bytes, 20 * 1024 * 1024);
}

#[test]
fn svg_is_refused_with_or_without_script() {
    let svg = br#"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
  <script>alert(document.cookie)</script>
  <rect width="10" height="10"/>
</svg>"#;
    assert_eq!(inspect(svg, &limits()), Err(MediaError::Svg));
    assert_eq!(
        inspect(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", &limits()),
        Err(MediaError::Svg)
    );
    assert_eq!(
        inspect(b"<!DOCTYPE html><p>x", &limits()),
        Err(MediaError::Svg)
    );
}

#[test]
fn polyglots_are_refused() {
    // A GIF header followed by a script: an HTML page to a sniffing browser.
    let mut gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
    gif.extend_from_slice(b"<script>alert(1)</script>");
    assert_eq!(inspect(&gif, &limits()), Err(MediaError::ScriptInside));

    // A real PNG whose first text chunk holds HTML.
    let mut image = Png::from_bytes(Bytes::from(png(8, 8))).unwrap();
    image.chunks_mut().insert(
        1,
        PngChunk::new(
            *b"tEXt",
            Bytes::from_static(b"Comment\0<html><body onload=alert(1)>"),
        ),
    );
    let bytes = image.encoder().bytes().to_vec();
    assert_eq!(inspect(&bytes, &limits()), Err(MediaError::ScriptInside));

    // A JPEG with a ZIP archive appended (a JAR, a DOCX…).
    let mut bytes = jpeg(16, 16);
    bytes.extend_from_slice(b"PK\x03\x04\x14\0\0\0\x08\0payload");
    assert_eq!(inspect(&bytes, &limits()), Err(MediaError::TrailingData));

    // A JPEG with an HTML page appended past the first kilobyte.
    let mut bytes = encode(&noise(64, 64), ImageFormat::Jpeg);
    assert!(bytes.len() > 1024);
    bytes.extend_from_slice(b"<html><script>alert(1)</script></html>");
    assert_eq!(inspect(&bytes, &limits()), Err(MediaError::TrailingData));

    // A GIFAR: a GIF with a JAR after its trailer.
    let mut bytes = encode(&halves(4, 4), ImageFormat::Gif);
    bytes.extend_from_slice(b"PK\x03\x04\x14\0\0\0\x08\0META-INF/MANIFEST.MF");
    assert_eq!(inspect(&bytes, &limits()), Err(MediaError::TrailingData));

    // A PNG with data after IEND, and a WebP longer than its RIFF chunk.
    let mut bytes = png(4, 4);
    bytes.extend_from_slice(b"#!/bin/sh\necho hi\n");
    assert_eq!(inspect(&bytes, &limits()), Err(MediaError::TrailingData));
    let mut bytes = encode(&halves(4, 4), ImageFormat::WebP);
    bytes.extend_from_slice(b"PK\x03\x04 more");
    assert_eq!(inspect(&bytes, &limits()), Err(MediaError::TrailingData));

    // Padding after the end is harmless.
    let mut bytes = jpeg(16, 16);
    bytes.extend_from_slice(&[0, 0, 0, 0xff, b'\n']);
    assert!(inspect(&bytes, &limits()).is_ok());
}

#[test]
fn truncated_files_are_refused() {
    for (name, bytes) in [
        ("jpeg", jpeg(64, 64)),
        ("png", png(64, 64)),
        ("webp", encode(&halves(64, 64), ImageFormat::WebP)),
        ("gif", encode(&halves(64, 64), ImageFormat::Gif)),
    ] {
        let half = &bytes[..bytes.len() / 2];
        assert_eq!(
            inspect(half, &limits()),
            Err(MediaError::Truncated),
            "{name}"
        );
        // One byte short.
        let short = &bytes[..bytes.len() - 1];
        assert!(inspect(short, &limits()).is_err(), "{name}");
    }
    let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
    assert_eq!(inspect(pdf, &limits()), Err(MediaError::Truncated));
    let mp3 = mp3();
    assert_eq!(inspect(&mp3[..300], &limits()), Err(MediaError::Truncated));
    let ogg = ogg_page(b"\x01vorbis\0\0\0\0\x02\x44\xac\0\0");
    assert_eq!(
        inspect(&ogg[..ogg.len() - 3], &limits()),
        Err(MediaError::Truncated)
    );
}

#[test]
fn corrupt_pictures_are_refused() {
    let mut bytes = png(32, 32);
    // Flip bytes inside the IDAT chunk: the CRC (or the zlib stream) no longer holds.
    let idat = bytes.windows(4).position(|w| w == b"IDAT").unwrap();
    for byte in &mut bytes[idat + 6..idat + 14] {
        *byte ^= 0x5a;
    }
    assert!(inspect(&bytes, &limits()).is_err());
    // Frame sync, then nonsense where the second frame should be.
    let mut bytes = mp3();
    let second = 20 + 417;
    bytes[second] = 0x12;
    assert_eq!(inspect(&bytes, &limits()), Err(MediaError::Corrupt));
}

/// A PNG signature and an IHDR chunk claiming `width` × `height`, nothing else.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 6, 0, 0, 0]);
    bytes.extend_from_slice(&[0, 0, 0, 0]); // CRC, not even right
    bytes
}

#[test]
fn huge_dimensions_are_refused_from_the_header_alone() {
    let bytes = png_header(100_000, 100_000);
    let start = Instant::now();
    assert_eq!(
        inspect(&bytes, &limits()),
        Err(MediaError::TooManyPixels {
            width: 100_000,
            height: 100_000
        })
    );
    assert_eq!(
        thumbnail(&bytes, MediaKind::Png, 250, &limits()),
        Err(MediaError::TooManyPixels {
            width: 100_000,
            height: 100_000
        })
    );
    // 40 GB of pixels would take minutes to allocate and fill.
    assert!(start.elapsed() < Duration::from_millis(100));

    // Under the side limits but over the pixel count.
    let bytes = png_header(15_000, 15_000);
    assert!(matches!(
        inspect(&bytes, &limits()),
        Err(MediaError::TooManyPixels { .. })
    ));
    // A GIF whose second frame is huge, behind a small logical screen.
    let mut gif = b"GIF89a\x02\x00\x02\x00\x00\x00\x00".to_vec();
    gif.extend_from_slice(b"\x2c\0\0\0\0\x02\0\x02\0\0\x02\x02\x44\x01\0");
    gif.extend_from_slice(b"\x2c\0\0\0\0\xff\xff\xff\xff\0\x02\x02\x44\x01\0\x3b");
    assert_eq!(
        inspect(&gif, &limits()),
        Err(MediaError::TooManyPixels {
            width: 65535,
            height: 65535
        })
    );
}

#[test]
fn small_files_with_huge_pictures_are_refused() {
    // A real, complete PNG of 2 000 × 2 000 uniform pixels: 60 kB that would decode to
    // 12 MB. With a one-megapixel limit it is refused before decoding.
    let image = DynamicImage::ImageRgb8(RgbImage::new(2000, 2000));
    let bytes = encode(&image, ImageFormat::Png);
    assert!(bytes.len() < 100_000, "{}", bytes.len());
    let tight = MediaLimits {
        max_pixels: 1_000_000,
        ..limits()
    };
    assert_eq!(
        inspect(&bytes, &tight),
        Err(MediaError::TooManyPixels {
            width: 2000,
            height: 2000
        })
    );
    assert!(inspect(&bytes, &limits()).is_ok());
    // Deep colour: 16-bit RGBA needs 8 bytes a pixel.
    let deep = DynamicImage::ImageRgba16(image::ImageBuffer::new(400, 400));
    let bytes = encode(&deep, ImageFormat::Png);
    let memory = MediaLimits {
        max_decode_bytes: 1_000_000,
        ..limits()
    };
    assert_eq!(inspect(&bytes, &memory), Err(MediaError::DecodeLimit));
    assert!(inspect(&bytes, &limits()).is_ok());
}

#[test]
fn camera_jpeg_served_without_gps_but_upright() {
    let original = camera_jpeg(6);
    let exif = read_exif(&original).unwrap();
    assert!(
        exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some()
    );
    // Stored 40 × 20, shown turned a quarter: 20 × 40.
    assert_eq!(
        inspect(&original, &limits()),
        Ok(info(MediaKind::Jpeg, 20, 40, &original))
    );

    let served = served_original(&original, MediaKind::Jpeg).unwrap();
    let exif = read_exif(&served).unwrap();
    let orientation = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|field| field.value.get_uint(0));
    assert_eq!(orientation, Some(6));
    assert_eq!(exif.fields().count(), 1, "only the orientation is left");
    assert!(!contains(&served, b"GPSLatitude"), "XMP removed");
    assert!(!contains(&served, b"12345"), "comment removed");
    // The image data is untouched and still accepted, with the same displayed size.
    assert_eq!(
        inspect(&served, &limits()),
        Ok(info(MediaKind::Jpeg, 20, 40, &served))
    );
    let scan = |bytes: &[u8]| {
        let sos = bytes.windows(2).position(|w| w == [0xff, 0xda]).unwrap();
        bytes[sos..].to_vec()
    };
    assert_eq!(scan(&served), scan(&original));

    // Orientation 1: no EXIF at all.
    let served = served_original(&camera_jpeg(1), MediaKind::Jpeg).unwrap();
    assert!(read_exif(&served).is_none());
    assert!(!contains(&served, b"Exif\0\0"));
}

#[test]
fn thumbnails_are_turned_and_bare() {
    let original = camera_jpeg(6);
    let thumb = thumbnail(&original, MediaKind::Jpeg, 10, &limits()).unwrap();
    assert_eq!(
        (thumb.width, thumb.height, thumb.mime),
        (10, 20, "image/jpeg")
    );
    assert!(read_exif(&thumb.bytes).is_none(), "no EXIF in thumbnails");
    assert!(!contains(&thumb.bytes, b"Exif"));
    let decoded = image::load_from_memory(&thumb.bytes).unwrap().to_rgb8();
    assert_eq!(decoded.dimensions(), (10, 20));
    // Orientation 6 turns the picture a quarter clockwise: the red left half is on top.
    let top = decoded.get_pixel(5, 2);
    let bottom = decoded.get_pixel(5, 17);
    assert!(top[0] > 200 && top[2] < 60, "{top:?}");
    assert!(bottom[2] > 200 && bottom[0] < 60, "{bottom:?}");
}

#[test]
fn thumbnail_sizes_and_formats() {
    let bytes = png(400, 200);
    let thumb = thumbnail(&bytes, MediaKind::Png, 250, &limits()).unwrap();
    assert_eq!(
        (thumb.width, thumb.height, thumb.mime),
        (250, 125, "image/png")
    );
    let decoded = image::load_from_memory(&thumb.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (250, 125));
    // Never upscaled.
    let thumb = thumbnail(&bytes, MediaKind::Png, 1920, &limits()).unwrap();
    assert_eq!((thumb.width, thumb.height), (400, 200));
    // Strong reduction (box then Lanczos).
    let thumb = thumbnail(&png(1300, 7), MediaKind::Png, 120, &limits()).unwrap();
    assert_eq!((thumb.width, thumb.height), (120, 1));
    // GIF: the first frame, as PNG.
    let gif = encode(&halves(30, 30), ImageFormat::Gif);
    let thumb = thumbnail(&gif, MediaKind::Gif, 20, &limits()).unwrap();
    assert_eq!(
        (thumb.width, thumb.height, thumb.mime),
        (20, 20, "image/png")
    );
    // WebP: JPEG when opaque, PNG with transparency.
    let webp = encode(&halves(30, 30), ImageFormat::WebP);
    let thumb = thumbnail(&webp, MediaKind::WebP, 20, &limits()).unwrap();
    assert_eq!(thumb.mime, "image/jpeg");
    let clear = DynamicImage::ImageRgba8(RgbaImage::from_pixel(30, 30, Rgba([0, 0, 0, 0])));
    let webp = encode(&clear, ImageFormat::WebP);
    let thumb = thumbnail(&webp, MediaKind::WebP, 20, &limits()).unwrap();
    assert_eq!(thumb.mime, "image/png");
    // Not a picture.
    assert_eq!(
        thumbnail(b"%PDF-1.4\n%%EOF", MediaKind::Pdf, 250, &limits()),
        Err(MediaError::NotAnImage)
    );
    // Standard widths.
    assert_eq!(standard_width(200), 250);
    assert_eq!(THUMB_WIDTHS.last(), Some(&1920));
}

#[test]
fn png_metadata_removed_orientation_kept() {
    let mut image = Png::from_bytes(Bytes::from(png(8, 4))).unwrap();
    image.set_exif(Some(Bytes::from(exif_with_gps(6))));
    image.chunks_mut().insert(
        1,
        PngChunk::new(*b"tEXt", Bytes::from_static(b"Author\0Jeanne Martin")),
    );
    let original = image.encoder().bytes().to_vec();
    assert_eq!(
        inspect(&original, &limits()),
        Ok(info(MediaKind::Png, 4, 8, &original))
    );
    let served = served_original(&original, MediaKind::Png).unwrap();
    assert!(!contains(&served, b"Jeanne"));
    let exif = read_exif(&served).unwrap();
    assert_eq!(exif.fields().count(), 1);
    assert!(
        exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
            .is_some()
    );
    assert!(inspect(&served, &limits()).is_ok());
    // GIF, PDF and sounds are served as they are.
    let gif = encode(&halves(4, 4), ImageFormat::Gif);
    assert_eq!(served_original(&gif, MediaKind::Gif).unwrap(), gif);
}

#[test]
fn trailing_data_can_be_cut_instead() {
    // A phone's trailer after the picture: refused as is, accepted once cut.
    let picture = jpeg(16, 16);
    let mut bytes = picture.clone();
    bytes.extend_from_slice(b"\0\0\0\0SEFHImage_UTC_Data1700000000000SEFT");
    assert_eq!(inspect(&bytes, &limits()), Err(MediaError::TrailingData));
    assert_eq!(without_trailing_data(&bytes), picture.as_slice());
    assert!(inspect(without_trailing_data(&bytes), &limits()).is_ok());
    // Each container, and what is left alone.
    for format in [ImageFormat::Png, ImageFormat::Gif, ImageFormat::WebP] {
        let picture = encode(&halves(4, 4), format);
        let mut bytes = picture.clone();
        bytes.extend_from_slice(b"PK\x03\x04 archive");
        assert_eq!(
            without_trailing_data(&bytes),
            picture.as_slice(),
            "{format:?}"
        );
    }
    let half = &picture[..picture.len() / 2];
    assert_eq!(without_trailing_data(half), half);
    assert_eq!(without_trailing_data(b"texte"), b"texte");
}

/// Damaged copies of every kind of file: nothing panics, and whatever `inspect`
/// accepts, `served_original` and `thumbnail` handle, the served file being accepted
/// again.
#[test]
fn mutated_files_never_panic_and_accepted_ones_are_served() {
    let seeds: Vec<Vec<u8>> = vec![
        jpeg(24, 16),
        camera_jpeg(6),
        png(24, 16),
        encode(&halves(24, 16), ImageFormat::Gif),
        encode(&halves(24, 16), ImageFormat::WebP),
        b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n".to_vec(),
        mp3(),
        ogg_page(b"\x01vorbis\0\0\0\0\x02\x44\xac\0\0"),
    ];
    let mut state = 0x2545_f491u32;
    let mut next = move |below: usize| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state as usize % below.max(1)
    };
    let mut accepted = 0;
    for seed in &seeds {
        for round in 0..400 {
            let mut bytes = seed.clone();
            match round % 3 {
                0 => {
                    for _ in 0..1 + next(4) {
                        let at = next(bytes.len());
                        bytes[at] = next(256) as u8;
                    }
                }
                1 => bytes.truncate(next(bytes.len()) + 1),
                _ => {
                    let at = next(bytes.len());
                    let junk: Vec<u8> = (0..1 + next(8)).map(|_| next(256) as u8).collect();
                    bytes.splice(at..at, junk);
                }
            }
            let _ = without_trailing_data(&bytes);
            let Ok(info) = inspect(&bytes, &limits()) else {
                continue;
            };
            accepted += 1;
            let served = served_original(&bytes, info.kind)
                .unwrap_or_else(|e| panic!("{:?} accepted, not served: {e}", info.kind));
            let again = inspect(&served, &limits())
                .unwrap_or_else(|e| panic!("{:?} served, refused: {e}", info.kind));
            assert_eq!((again.width, again.height), (info.width, info.height));
            if info.kind.is_image() {
                let thumb = thumbnail(&bytes, info.kind, 10, &limits())
                    .unwrap_or_else(|e| panic!("{:?} accepted, no thumbnail: {e}", info.kind));
                assert_eq!(Some(thumb.width), info.width.map(|w| w.min(10)));
            }
        }
    }
    eprintln!("{accepted} damaged files accepted");
    // Some damage is harmless (a changed pixel, a byte in a PDF's body).
    assert!(accepted > 50, "{accepted}");
}
