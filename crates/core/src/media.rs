//! What the renderer and the media crate must agree on about files: the standard
//! thumbnail widths. Thumbnails are made only at these widths, so a page asking for
//! `217px` shares the cached 250 px thumbnail with every other page, and nobody can
//! make the server compute (and store) thousands of sizes of one picture.

/// Standard thumbnail widths, in CSS pixels, smallest first.
pub const THUMB_WIDTHS: &[u32] = &[120, 180, 250, 330, 500, 800, 1280, 1920];

/// The smallest standard width at least `requested` wide, clamped to the largest.
///
/// ```
/// assert_eq!(carnet_core::standard_width(200), 250);
/// assert_eq!(carnet_core::standard_width(250), 250);
/// assert_eq!(carnet_core::standard_width(0), 120);
/// assert_eq!(carnet_core::standard_width(5000), 1920);
/// ```
pub fn standard_width(requested: u32) -> u32 {
    THUMB_WIDTHS
        .iter()
        .copied()
        .find(|&width| width >= requested)
        .or_else(|| THUMB_WIDTHS.last().copied())
        .unwrap_or(requested)
}

/// Whether `width` is one of [`THUMB_WIDTHS`] (what a thumbnail URL may ask for).
pub fn is_standard_width(width: u32) -> bool {
    THUMB_WIDTHS.contains(&width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_sorted_and_standard() {
        assert!(THUMB_WIDTHS.windows(2).all(|pair| pair[0] < pair[1]));
        for &width in THUMB_WIDTHS {
            assert_eq!(standard_width(width), width);
            assert_eq!(standard_width(width - 1), width);
            assert!(is_standard_width(width));
        }
        assert_eq!(standard_width(1921), 1920);
        assert!(!is_standard_width(200));
    }
}
