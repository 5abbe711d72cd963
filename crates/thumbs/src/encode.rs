//! Re-encoding: any JPEG/PNG/WebP in, a small lossy WebP out, named by the hash of its bytes.

use image::imageops::FilterType;
use sha2::{Digest, Sha256};

use crate::{Result, ThumbsError};

/// Larger source pictures are refused before decoding (a decompression bomb guard): the
/// default of `[thumbnails] max_source_pixels`. Platform thumbnails are at most a few MP.
pub const MAX_SOURCE_PIXELS: u64 = 16_000_000;

/// A re-encoded image.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub webp: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Hex SHA-256 of `webp`: the object's name, so equal pictures are stored once.
    pub hash: String,
}

/// Decode `bytes`, scale to `width` (never up), encode as WebP at `quality` (0–100).
pub fn reencode(bytes: &[u8], width: u32, quality: f32) -> Result<Encoded> {
    reencode_within(bytes, width, quality, MAX_SOURCE_PIXELS)
}

/// [`reencode`] refusing pictures of more than `max_pixels` before decoding them; the decoder's
/// allocations are capped to match (a header can lie about what follows).
pub fn reencode_within(bytes: &[u8], width: u32, quality: f32, max_pixels: u64) -> Result<Encoded> {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ThumbsError::Decode(e.to_string()))?;
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| ThumbsError::Decode(e.to_string()))?;
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > max_pixels {
        return Err(ThumbsError::Decode(format!("unreasonable size {w}x{h}")));
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ThumbsError::Decode(e.to_string()))?;
    let mut limits = image::Limits::default();
    // RGBA at 16 bits per channel is the widest a decoder produces: 8 bytes a pixel.
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| ThumbsError::Decode(e.to_string()))?;
    let target = width.clamp(16, 4096);
    let img = if img.width() > target {
        let th = ((u64::from(img.height()) * u64::from(target)) / u64::from(img.width())).max(1);
        img.resize_exact(target, th as u32, FilterType::Triangle)
    } else {
        img
    };
    let rgba = img.to_rgba8();
    let (ow, oh) = rgba.dimensions();
    let webp = webp::Encoder::from_rgba(rgba.as_raw(), ow, oh)
        .encode(quality.clamp(0.0, 100.0))
        .to_vec();
    let hash = hex(&Sha256::digest(&webp));
    Ok(Encoded {
        webp,
        width: ow,
        height: oh,
        hash,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, Rgb, RgbImage};

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
        out.into_inner()
    }

    #[test]
    fn shrinks_to_width_keeping_aspect_and_writes_webp() {
        let src = jpeg(1280, 720);
        let e = reencode(&src, 320, 70.0).unwrap();
        assert_eq!((e.width, e.height), (320, 180));
        assert_eq!(&e.webp[0..4], b"RIFF");
        assert_eq!(&e.webp[8..12], b"WEBP");
        assert!(
            e.webp.len() < src.len(),
            "{} vs {}",
            e.webp.len(),
            src.len()
        );
        assert_eq!(e.hash.len(), 64);
        // Content-addressed: same input, same name.
        assert_eq!(reencode(&src, 320, 70.0).unwrap().hash, e.hash);
        let decoded = image::load_from_memory(&e.webp).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 180));
    }

    #[test]
    fn never_scales_up() {
        let e = reencode(&jpeg(100, 100), 320, 70.0).unwrap();
        assert_eq!((e.width, e.height), (100, 100));
    }

    #[test]
    fn garbage_and_html_are_refused() {
        assert!(matches!(
            reencode(b"<html>not found</html>", 320, 70.0),
            Err(ThumbsError::Decode(_))
        ));
        assert!(reencode(&[], 320, 70.0).is_err());
        let mut truncated = jpeg(64, 64);
        truncated.truncate(40);
        assert!(reencode(&truncated, 320, 70.0).is_err());
    }
}
