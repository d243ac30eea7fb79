//! Times `inspect`, `thumbnail` and `served_original` on a generated photo-like JPEG.
//!
//! `cargo run --release -p carnet-media --example thumb_bench [WIDTH HEIGHT]`
//! (default 4000 × 3000, a 12-megapixel phone photo).

use std::io::Cursor;
use std::time::Instant;

use carnet_media::{MediaKind, MediaLimits, inspect, served_original, thumbnail};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let width: u32 = args.next().map_or(Ok(4000), |a| a.parse())?;
    let height: u32 = args.next().map_or(Ok(3000), |a| a.parse())?;
    // Smooth gradients with grain: compresses like a photo (a few MB at quality 90).
    let mut state = 7u32;
    let picture = RgbImage::from_fn(width, height, |x, y| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let grain = (state >> 24) as u8 / 8;
        let r = (x * 255 / width) as u8;
        let g = (y * 255 / height) as u8;
        Rgb([
            r.saturating_add(grain),
            g.saturating_add(grain),
            128u8.saturating_add(grain),
        ])
    });
    let mut jpeg = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&DynamicImage::ImageRgb8(picture))?;
    let jpeg = jpeg.into_inner();
    let png = {
        let mut out = Cursor::new(Vec::new());
        image::load_from_memory(&jpeg)?.write_to(&mut out, ImageFormat::Png)?;
        out.into_inner()
    };
    println!(
        "{width} × {height}: JPEG {:.1} MB, PNG {:.1} MB",
        jpeg.len() as f64 / 1e6,
        png.len() as f64 / 1e6
    );
    let limits = MediaLimits {
        max_bytes: 200 * 1024 * 1024,
        ..MediaLimits::default()
    };
    for (name, bytes, kind) in [
        ("JPEG", &jpeg, MediaKind::Jpeg),
        ("PNG", &png, MediaKind::Png),
    ] {
        let start = Instant::now();
        inspect(bytes, &limits)?;
        println!("{name} inspect: {:?}", start.elapsed());
        for width in [250, 1280] {
            let start = Instant::now();
            let thumb = thumbnail(bytes, kind, width, &limits)?;
            println!(
                "{name} thumbnail {width}: {:?} ({} bytes)",
                start.elapsed(),
                thumb.bytes.len()
            );
        }
        let start = Instant::now();
        served_original(bytes, kind)?;
        println!("{name} served_original: {:?}", start.elapsed());
    }
    Ok(())
}
