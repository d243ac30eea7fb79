//! Pictures: header dimensions, full decoding under limits, thumbnails.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::metadata::Orientation;
use image::{ColorType, DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use crate::structure::check_pixels;
use crate::{MediaError, MediaKind, MediaLimits, Thumbnail, displayed_size};

/// JPEG thumbnails' quality.
const JPEG_QUALITY: u8 = 85;

/// The size declared by the picture's header, read without decoding anything, and
/// checked against the limits.
pub(crate) fn header_dimensions(
    bytes: &[u8],
    limits: &MediaLimits,
) -> Result<(u32, u32), MediaError> {
    let size = imagesize::blob_size(bytes).map_err(|error| match error {
        imagesize::ImageError::IoError(_) => MediaError::Truncated,
        _ => MediaError::Corrupt,
    })?;
    let width = u32::try_from(size.width).unwrap_or(u32::MAX);
    let height = u32::try_from(size.height).unwrap_or(u32::MAX);
    check_pixels(width, height, limits)?;
    Ok((width, height))
}

/// Decodes the whole picture (first frame of an animation): its displayed size.
pub(crate) fn verify(
    bytes: &[u8],
    kind: MediaKind,
    limits: &MediaLimits,
) -> Result<(u32, u32), MediaError> {
    let (image, orientation) = decode(bytes, kind, limits)?;
    Ok(displayed_size(
        image.width(),
        image.height(),
        orientation.to_exif(),
    ))
}

fn format(kind: MediaKind) -> Result<ImageFormat, MediaError> {
    match kind {
        MediaKind::Jpeg => Ok(ImageFormat::Jpeg),
        MediaKind::Png => Ok(ImageFormat::Png),
        MediaKind::WebP => Ok(ImageFormat::WebP),
        MediaKind::Gif => Ok(ImageFormat::Gif),
        MediaKind::Pdf | MediaKind::Mp3 | MediaKind::Ogg => Err(MediaError::NotAnImage),
    }
}

fn decoder_limits(limits: &MediaLimits) -> image::Limits {
    let mut decoder = image::Limits::default();
    decoder.max_image_width = Some(limits.max_width);
    decoder.max_image_height = Some(limits.max_height);
    decoder.max_alloc = Some(limits.max_decode_bytes);
    decoder
}

fn decode_error(error: ImageError) -> MediaError {
    match error {
        ImageError::Limits(_) => MediaError::DecodeLimit,
        ImageError::IoError(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => {
            MediaError::Truncated
        }
        ImageError::Unsupported(_) => MediaError::Unsupported,
        ImageError::Encoding(_) => MediaError::Encode,
        ImageError::IoError(_) | ImageError::Decoding(_) | ImageError::Parameter(_) => {
            MediaError::Corrupt
        }
    }
}

/// The decoded picture (first frame) and its EXIF orientation, under the limits.
fn decode(
    bytes: &[u8],
    kind: MediaKind,
    limits: &MediaLimits,
) -> Result<(DynamicImage, Orientation), MediaError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format(kind)?);
    reader.limits(decoder_limits(limits));
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    check_pixels(width, height, limits)?;
    if decoder.total_bytes() > limits.max_decode_bytes {
        return Err(MediaError::DecodeLimit);
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    Ok((image, orientation))
}

/// `image` resized to `width` × `height` with a Lanczos3 filter (fast_image_resize:
/// SIMD, and transparent edges weighted by their alpha, so no dark fringes).
fn resize(image: &DynamicImage, width: u32, height: u32) -> Result<DynamicImage, MediaError> {
    let mut resized = DynamicImage::new(width, height, image.color());
    fast_image_resize::Resizer::new()
        .resize(image, &mut resized, None)
        .map_err(|_| MediaError::Encode)?;
    Ok(resized)
}

/// A thumbnail `width` pixels wide (never wider than the original: then the original
/// size, re-encoded), EXIF orientation applied, without any metadata. JPEG for JPEG
/// input and for WebP without transparency (photos), PNG otherwise; GIF and animated
/// WebP: the first frame.
pub fn thumbnail(
    bytes: &[u8],
    kind: MediaKind,
    width: u32,
    limits: &MediaLimits,
) -> Result<Thumbnail, MediaError> {
    format(kind)?;
    header_dimensions(bytes, limits)?;
    let (mut image, orientation) = decode(bytes, kind, limits)?;
    // Sizes as displayed; the picture is resized as stored, then turned (cheaper).
    let turned = displayed_size(1, 2, orientation.to_exif()) == (2, 1);
    let (full_width, full_height) =
        displayed_size(image.width(), image.height(), orientation.to_exif());
    let target_width = width.clamp(1, full_width.max(1));
    let target_height = u32::try_from(
        (u64::from(full_height) * u64::from(target_width) + u64::from(full_width) / 2)
            / u64::from(full_width.max(1)),
    )
    .unwrap_or(full_height)
    .max(1);
    let photo = kind == MediaKind::Jpeg || (kind == MediaKind::WebP && !image.color().has_alpha());
    // Eight bits a channel; no transparency in a JPEG.
    image = match image.color() {
        ColorType::L8 | ColorType::Rgb8 => image,
        ColorType::La8 | ColorType::Rgba8 if !photo => image,
        ColorType::L16 | ColorType::La8 | ColorType::La16 if photo => {
            DynamicImage::ImageLuma8(image.to_luma8())
        }
        ColorType::L16 => DynamicImage::ImageLuma8(image.to_luma8()),
        ColorType::La16 => DynamicImage::ImageLumaA8(image.to_luma_alpha8()),
        color if color.has_alpha() && !photo => DynamicImage::ImageRgba8(image.to_rgba8()),
        _ => DynamicImage::ImageRgb8(image.to_rgb8()),
    };
    if target_width < full_width {
        image = if turned {
            resize(&image, target_height, target_width)?
        } else {
            resize(&image, target_width, target_height)?
        };
    }
    image.apply_orientation(orientation);
    let mut out = Vec::new();
    let mime = if photo {
        JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
            .encode_image(&image)
            .map_err(|_| MediaError::Encode)?;
        "image/jpeg"
    } else {
        let encoder =
            PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive);
        image
            .write_with_encoder(encoder)
            .map_err(|_| MediaError::Encode)?;
        "image/png"
    };
    Ok(Thumbnail {
        bytes: out,
        mime,
        width: target_width,
        height: target_height,
    })
}
