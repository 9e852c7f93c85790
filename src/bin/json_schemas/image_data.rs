//! Patterns for `image_data`: an `s3://bucket/key` URI, a base64 `data:` URL
//! or bare base64. The base64 alphabet and the whitespace the reader skips
//! are found by asking the crate's own decoder, so they cannot drift from it.
//! Left out, and listed as `image_bytes`: whether the base64 decodes (whole
//! groups, canonical padding, no stray bits) and what the bytes are (JPEG,
//! PNG, DICOM). Counting groups of four needs a regular expression that
//! backtracks once per group, and V8's runs out of stack on a 6 MB image.

use healthnav_edge::limits::MAX_SAGEMAKER_HEADER_VALUE_CHARS;
use healthnav_edge::request::image_bytes::{decode_inline_image, ImageFormat};

use crate::char_set::CharSet;
use crate::text_rules::{text_classes, TextClasses};

/// S3 keys are at most 1,024 bytes (`S3Location::parse`); the pattern can
/// only count characters, so multi-byte keys are bounded more loosely.
pub const MAX_S3_KEY: usize = 1024;

/// Base64 of FF D8 FF, the JPEG signature: a prefix every probe starts with,
/// so a probe fails only because of the characters under test.
const JPEG_PROBE: &str = "/9j/";

fn accepted(image_data: &str) -> bool {
    decode_inline_image(image_data).is_ok()
}

/// The base64 pieces, as the crate's reader decodes them.
struct Base64Classes {
    /// A symbol of the alphabet.
    symbol: CharSet,
    /// Whitespace the reader removes anywhere.
    skipped: CharSet,
}

fn base64_classes() -> Base64Classes {
    assert!(accepted(JPEG_PROBE), "the JPEG probe must decode");
    let skipped = |c: char| accepted(&format!("{JPEG_PROBE}{c}AAAA"));
    // A symbol completes a group of four, at its start and at its end.
    let symbol = |c: char| {
        !skipped(c)
            && accepted(&format!("{JPEG_PROBE}{c}AAA"))
            && accepted(&format!("{JPEG_PROBE}AAA{c}"))
    };
    Base64Classes {
        symbol: CharSet::of(|c| c.is_ascii() && symbol(c)),
        skipped: CharSet::of(|c| c.is_ascii() && skipped(c)),
    }
}

/// The base64 text: symbols and skipped whitespace, then at most two `=`.
fn base64_body() -> String {
    let Base64Classes { symbol, skipped } = base64_classes();
    let text = symbol.union(&skipped).class();
    let skipped = skipped.class();
    format!("{text}*(?:={skipped}*){{0,2}}")
}

/// Data URL types the reader takes: each format's Content-Type, and the alias
/// `image/jpg` (the generator's tests check each against the reader).
pub fn declared_types() -> Vec<&'static str> {
    let mut types: Vec<&str> = [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::Dicom]
        .map(ImageFormat::content_type)
        .to_vec();
    types.push("image/jpg");
    types
}

/// The reader compares declared types ASCII-case-insensitively.
fn ascii_case_insensitive(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            } else {
                format!("\\u{:04X}", u32::from(c))
            }
        })
        .collect()
}

/// `data:<type>;base64,<base64>`.
pub fn data_url_pattern() -> String {
    let trimmed = text_classes().trimmed;
    let types: Vec<String> = declared_types()
        .iter()
        .map(|t| ascii_case_insensitive(t))
        .collect();
    format!(
        "^{trimmed}*data:(?:{});base64,{}{trimmed}*$",
        types.join("|"),
        base64_body()
    )
}

/// Bare base64: at least one symbol.
pub fn bare_base64_pattern() -> String {
    let trimmed = text_classes().trimmed;
    let symbol = base64_classes().symbol.class();
    format!("^{trimmed}*(?={symbol}){}{trimmed}*$", base64_body())
}

/// `check_bucket_name`: 3 to 63 of `a-z 0-9 . -`, a letter or digit at each
/// end, no `..`, and not four dot-separated numbers of at most 255 (the
/// crate parses each part as a `u8`, so leading zeros count as numbers).
const BUCKET: &str = concat!(
    r"(?![a-z0-9.\-]*\.\.)",
    r"(?!(?:0*(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}",
    r"0*(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/)",
    r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]"
);

/// `s3://bucket/key` as `S3Location::parse` reads the trimmed string: a key of
/// 1 to 1,024 characters, none refused, with no `.` or `..` segment.
pub fn s3_uri_pattern() -> String {
    let TextClasses {
        trimmed,
        inner,
        edge,
    } = text_classes();
    let dot_segment = format!(r"(?!(?:[^/]*/)*\.\.?(?:/|{trimmed}*$))");
    let key = format!("{dot_segment}{inner}{{0,{}}}{edge}", MAX_S3_KEY - 1);
    format!("^{trimmed}*s3://{BUCKET}/{key}{trimmed}*$")
}

/// With `"async": true` the URI becomes the InputLocation header: ASCII and
/// at most `MAX_SAGEMAKER_HEADER_VALUE_CHARS` long.
pub fn async_s3_uri_pattern() -> String {
    let trimmed = text_classes().trimmed;
    let header = format!(r"(?=[\u0000-\u007F]{{1,{MAX_SAGEMAKER_HEADER_VALUE_CHARS}}}{trimmed}*$)");
    s3_uri_pattern().replacen(&format!("^{trimmed}*"), &format!("^{trimmed}*{header}"), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probes_find_the_standard_alphabet() {
        let classes = base64_classes();
        assert_eq!(classes.symbol.class(), "[\\u002B\\u002F-9A-Za-z]");
        assert_eq!(
            classes.skipped.class(),
            "[\\u0009\\u000A\\u000C\\u000D\\u0020]"
        );
    }

    #[test]
    fn every_declared_type_is_read_in_any_case() {
        let bytes = [
            ("image/jpeg", JPEG_PROBE),
            ("image/jpg", JPEG_PROBE),
            ("image/png", "iVBORw0KGgo="),
        ];
        for (declared, base64) in bytes {
            assert!(declared_types().contains(&declared));
            for written in [declared.to_owned(), declared.to_ascii_uppercase()] {
                assert!(
                    accepted(&format!("data:{written};base64,{base64}")),
                    "{written}"
                );
            }
        }
        assert!(declared_types().contains(&"application/dicom"));
        assert!(!accepted(&format!("data:image/gif;base64,{JPEG_PROBE}")));
    }
}
