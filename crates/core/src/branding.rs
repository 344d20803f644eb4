//! Branding of the sign-in pages per studio and per client: a display name, a logo and an
//! accent colour, each checked before it is stored so that no page becomes unreadable or
//! unsafe.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The largest logo accepted, in bytes: a logo is a small mark, not a photograph.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;

/// The longest display name.
pub const MAX_DISPLAY_NAME_CHARS: usize = 80;

/// The contrast the accent colour must reach against white, the colour of the text on
/// accent-coloured buttons (WCAG 2.1 AA for normal text).
pub const MIN_CONTRAST: f64 = 4.5;

/// What a studio's or client's sign-in pages show instead of the instance's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Branding {
    /// Shown as the page's heading mark and the application's name.
    pub display_name: Option<String>,
    /// The digest of the stored logo (its address under `/branding/logos/`).
    pub logo: Option<String>,
    /// The colour of primary buttons and the brand mark.
    pub accent_color: Option<AccentColor>,
}

impl Branding {
    /// Whether there is nothing to show.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.display_name.is_none() && self.logo.is_none() && self.accent_color.is_none()
    }

    /// Each part from `self`, else from `fallback`.
    #[must_use]
    pub fn or(self, fallback: Branding) -> Branding {
        Branding {
            display_name: self.display_name.or(fallback.display_name),
            logo: self.logo.or(fallback.logo),
            accent_color: self.accent_color.or(fallback.accent_color),
        }
    }
}

/// Why a branding change was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BrandingError {
    /// Not `#rrggbb` or `#rgb`.
    #[error("the accent colour must be written #rrggbb")]
    MalformedColor,
    /// White text on it would be hard to read.
    #[error(
        "white text on {color} has a contrast of {ratio:.2}:1; at least {MIN_CONTRAST}:1 is needed (choose a darker colour)"
    )]
    LowContrast {
        /// The colour asked for.
        color: String,
        /// Its contrast with white.
        ratio: f64,
    },
    /// Empty, too long or with control characters.
    #[error("the display name must be 1 to {MAX_DISPLAY_NAME_CHARS} characters of text")]
    InvalidDisplayName,
    /// Bigger than [`MAX_LOGO_BYTES`].
    #[error("the logo is {size} bytes; at most {MAX_LOGO_BYTES} are accepted")]
    LogoTooLarge {
        /// Its size.
        size: usize,
    },
    /// Not a PNG, JPEG or WebP image, or not what its declared type says.
    #[error("the logo must be a PNG, JPEG or WebP image")]
    UnsupportedLogo,
}

/// An accent colour, `#rrggbb` in lower case, dark enough to carry white text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccentColor(String);

impl AccentColor {
    /// `#rrggbb`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six hex digits, without `#` (for addresses).
    #[must_use]
    pub fn hex(&self) -> &str {
        &self.0[1..]
    }
}

impl fmt::Display for AccentColor {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for AccentColor {
    type Err = BrandingError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let rgb = parse_rgb(text.trim()).ok_or(BrandingError::MalformedColor)?;
        let color = format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
        let ratio = contrast_ratio(rgb, [255, 255, 255]);
        if ratio < MIN_CONTRAST {
            return Err(BrandingError::LowContrast { color, ratio });
        }
        Ok(Self(color))
    }
}

impl Serialize for AccentColor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AccentColor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

fn parse_rgb(text: &str) -> Option<[u8; 3]> {
    let digits = text.strip_prefix('#')?;
    if !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |range: std::ops::Range<usize>| u8::from_str_radix(&digits[range], 16).ok();
    match digits.len() {
        6 => Some([channel(0..2)?, channel(2..4)?, channel(4..6)?]),
        3 => Some([
            channel(0..1)? * 17,
            channel(1..2)? * 17,
            channel(2..3)? * 17,
        ]),
        _ => None,
    }
}

/// WCAG 2.1 relative luminance of an sRGB colour.
fn luminance(rgb: [u8; 3]) -> f64 {
    let linear = |channel: u8| {
        let value = f64::from(channel) / 255.0;
        if value <= 0.040_45 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

/// WCAG 2.1 contrast ratio of two colours, from 1 to 21.
#[must_use]
pub fn contrast_ratio(first: [u8; 3], second: [u8; 3]) -> f64 {
    let (a, b) = (luminance(first), luminance(second));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// Checks a display name: trimmed, 1 to [`MAX_DISPLAY_NAME_CHARS`] characters, no control
/// characters.
pub fn check_display_name(text: &str) -> Result<String, BrandingError> {
    let name = text.trim();
    if name.is_empty()
        || name.chars().count() > MAX_DISPLAY_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(BrandingError::InvalidDisplayName);
    }
    Ok(name.to_owned())
}

/// The image types a logo may have. SVG is not among them: it can carry scripts and
/// external references, and a logo needs neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoType {
    /// `image/png`.
    Png,
    /// `image/jpeg`.
    Jpeg,
    /// `image/webp`.
    Webp,
}

impl LogoType {
    /// Its media type.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
        }
    }

    /// The type whose media type is `text`.
    #[must_use]
    pub fn from_media_type(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "image/png" => Some(Self::Png),
            "image/jpeg" | "image/jpg" => Some(Self::Jpeg),
            "image/webp" => Some(Self::Webp),
            _ => None,
        }
    }

    /// The type the bytes themselves say they are (their signature).
    #[must_use]
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(Self::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }
}

/// Checks an uploaded logo: its size, and that its bytes are the image type declared (when
/// one is). Returns the type to serve it as.
pub fn check_logo(bytes: &[u8], declared: Option<&str>) -> Result<LogoType, BrandingError> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(BrandingError::LogoTooLarge { size: bytes.len() });
    }
    let sniffed = LogoType::sniff(bytes).ok_or(BrandingError::UnsupportedLogo)?;
    match declared.filter(|declared| !declared.trim().is_empty()) {
        Some(declared) if LogoType::from_media_type(declared) != Some(sniffed) => {
            Err(BrandingError::UnsupportedLogo)
        }
        _ => Ok(sniffed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accent_colours_must_carry_white_text() {
        assert_eq!(
            "#0B5CAD"
                .parse::<AccentColor>()
                .map(|color| color.to_string()),
            Ok("#0b5cad".to_owned())
        );
        assert_eq!(
            "#036".parse::<AccentColor>().map(|color| color.to_string()),
            Ok("#003366".to_owned())
        );
        assert!(matches!(
            "#ffd700".parse::<AccentColor>(),
            Err(BrandingError::LowContrast { .. })
        ));
        for malformed in ["0b5cad", "#0b5ca", "#zzzzzz", "red", "#0b5cad00", ""] {
            assert_eq!(
                malformed.parse::<AccentColor>(),
                Err(BrandingError::MalformedColor),
                "{malformed}"
            );
        }
    }

    #[test]
    fn contrast_matches_wcag() {
        assert!((contrast_ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
        assert!((contrast_ratio([118, 118, 118], [255, 255, 255]) - 4.54).abs() < 0.01);
    }

    #[test]
    fn logos_are_small_images_of_the_declared_type() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert_eq!(check_logo(&png, Some("image/png")), Ok(LogoType::Png));
        assert_eq!(check_logo(&png, None), Ok(LogoType::Png));
        assert_eq!(
            check_logo(&png, Some("image/jpeg")),
            Err(BrandingError::UnsupportedLogo)
        );
        assert_eq!(
            check_logo(
                b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                Some("image/svg+xml")
            ),
            Err(BrandingError::UnsupportedLogo)
        );
        let mut huge = png.clone();
        huge.resize(MAX_LOGO_BYTES + 1, 0);
        assert_eq!(
            check_logo(&huge, None),
            Err(BrandingError::LogoTooLarge {
                size: MAX_LOGO_BYTES + 1
            })
        );
    }

    #[test]
    fn display_names_are_short_text() {
        assert_eq!(check_display_name("  FiinPro  "), Ok("FiinPro".to_owned()));
        assert!(check_display_name("").is_err());
        assert!(check_display_name("a\u{0}b").is_err());
        assert!(check_display_name(&"x".repeat(81)).is_err());
    }
}
