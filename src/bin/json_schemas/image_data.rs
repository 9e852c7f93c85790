//! Patterns for `image_data`: an `s3://bucket/key` URI, a base64 `data:` URL
//! or bare base64. The base64 alphabet, the whitespace the reader skips and
//! the allowed last characters are found by asking the crate's own decoder,
//! so they cannot drift from it. Only the decoded bytes' signature (JPEG,
//! PNG, DICOM) is left out: no pattern can see inside base64 well enough.

use healthnav_edge::image_bytes::{decode_inline_image, ImageFormat};
use healthnav_edge::limits::MAX_SAGEMAKER_HEADER_VALUE_CHARS;

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
    /// Any symbol of a full group of four.
    symbol: String,
    /// Whitespace the reader removes anywhere.
    skipped: String,
    /// The second of two symbols before the end (its low 4 bits must be 0).
    last_of_two: String,
    /// The third of three symbols before the end (its low 2 bits must be 0).
    last_of_three: String,
}

fn base64_classes() -> Base64Classes {
    assert!(accepted(JPEG_PROBE), "the JPEG probe must decode");
    let ascii = |test: &dyn Fn(char) -> bool| CharSet::of(|c| c.is_ascii() && test(c));
    let skipped = |c: char| accepted(&format!("{JPEG_PROBE}{c}AAAA"));
    let symbol = |c: char| {
        !skipped(c)
            && accepted(&format!("{JPEG_PROBE}{c}AAA"))
            && accepted(&format!("{JPEG_PROBE}AAA{c}"))
    };
    let last_of_two = |c: char| symbol(c) && accepted(&format!("{JPEG_PROBE}A{c}"));
    let last_of_three = |c: char| symbol(c) && accepted(&format!("{JPEG_PROBE}AA{c}"));
    // Padding is canonical: the same last symbols, then exactly the missing `=`.
    for c in (0..128u8).map(char::from).filter(|c| symbol(*c)) {
        assert_eq!(
            last_of_two(c),
            accepted(&format!("{JPEG_PROBE}A{c}==")),
            "{c:?}"
        );
        assert_eq!(
            last_of_three(c),
            accepted(&format!("{JPEG_PROBE}AA{c}=")),
            "{c:?}"
        );
    }
    Base64Classes {
        symbol: ascii(&symbol).class(),
        skipped: ascii(&skipped).class(),
        last_of_two: ascii(&last_of_two).class(),
        last_of_three: ascii(&last_of_three).class(),
    }
}

/// Base64 as `decode_inline_image` takes it: whitespace anywhere, padded
/// (canonically) or not, the last symbol's unused bits zero.
fn base64_body() -> String {
    let Base64Classes {
        symbol,
        skipped,
        last_of_two,
        last_of_three,
    } = base64_classes();
    let s = |class: &str| format!("{skipped}*{class}");
    let quads = format!("(?:{}){{4}}", s(&symbol));
    let two = format!("{}{}", s(&symbol), s(&last_of_two));
    let three = format!("{}{}{}", s(&symbol), s(&symbol), s(&last_of_three));
    let pad = s("=");
    format!("(?:{quads})*(?:{two}|{three}|{two}{pad}{pad}|{three}{pad})?{skipped}*")
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
    let symbol = base64_classes().symbol;
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
        assert_eq!(classes.symbol, "[\\u002B\\u002F-9A-Za-z]");
        assert_eq!(classes.skipped, "[\\u0009\\u000A\\u000C\\u000D\\u0020]");
        assert_eq!(classes.last_of_two, "[AQgw]");
        assert_eq!(classes.last_of_three, "[048AEIMQUYcgkosw]");
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
