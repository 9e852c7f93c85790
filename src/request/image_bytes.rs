//! Inline images: `data:` URLs and bare base64, with the real format detected
//! from the bytes' signature, never taken from what the client claims.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;

/// An image format the classifier accepts as raw bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// JPEG, `FF D8 FF`.
    Jpeg,
    /// PNG, the 8-byte signature `89 50 4E 47 0D 0A 1A 0A`.
    Png,
    /// DICOM Part 10, `DICM` after a 128-byte preamble.
    Dicom,
}

impl ImageFormat {
    /// Detects the format from the first bytes.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.get(128..132) == Some(b"DICM".as_slice()) {
            Some(Self::Dicom)
        } else {
            None
        }
    }

    /// The Content-Type sent to SageMaker.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Dicom => "application/dicom",
        }
    }

    fn from_mime(mime: &str) -> Option<Self> {
        match mime.to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "application/dicom" => Some(Self::Dicom),
            _ => None,
        }
    }
}

/// Decoded inline image bytes and their detected format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineImage {
    /// Raw image bytes.
    pub bytes: Vec<u8>,
    /// Format detected from the bytes.
    pub format: ImageFormat,
}

/// Decodes a `data:<mime>;base64,<data>` URL or bare base64.
pub fn decode_inline_image(image_data: &str) -> Result<InlineImage, (&'static str, String)> {
    let (claimed, encoded) = match image_data.strip_prefix("data:") {
        Some(rest) => {
            let (meta, data) = rest.split_once(',').ok_or((
                "invalid_data_url",
                "must be a data URL of the form data:image/png;base64,<data>".to_owned(),
            ))?;
            let mime = meta.strip_suffix(";base64").ok_or((
                "invalid_data_url",
                "must be a base64 data URL (data:<type>;base64,<data>)".to_owned(),
            ))?;
            let claimed = ImageFormat::from_mime(mime).ok_or((
                "unsupported_image_format",
                "must declare image/jpeg, image/png or application/dicom".to_owned(),
            ))?;
            (Some(claimed), data)
        }
        None => (None, image_data),
    };
    let bytes = decode_base64(encoded)?;
    let format = ImageFormat::detect(&bytes).ok_or((
        "unsupported_image_format",
        "must be a JPEG, PNG or DICOM image".to_owned(),
    ))?;
    if claimed.is_some_and(|claimed| claimed != format) {
        return Err((
            "image_type_mismatch",
            format!(
                "declares a different type than its bytes, which are {}",
                format.content_type()
            ),
        ));
    }
    Ok(InlineImage { bytes, format })
}

/// Standard base64, padded or not; whitespace (as in wrapped base64) is ignored.
fn decode_base64(encoded: &str) -> Result<Vec<u8>, (&'static str, String)> {
    let compact: String;
    let input = if encoded.bytes().any(|b| b.is_ascii_whitespace()) {
        compact = encoded
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        compact.as_str()
    } else {
        encoded
    };
    let engine = if input.ends_with('=') {
        &STANDARD
    } else {
        &STANDARD_NO_PAD
    };
    engine.decode(input).map_err(|_| {
        (
            "invalid_base64",
            "must be an s3:// URI, a data: URL or valid base64 image bytes".to_owned(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];

    fn dicom() -> Vec<u8> {
        let mut bytes = vec![0u8; 128];
        bytes.extend_from_slice(b"DICM\x02\x00");
        bytes
    }

    #[test]
    fn detects_formats_from_bytes() {
        assert_eq!(ImageFormat::detect(PNG), Some(ImageFormat::Png));
        assert_eq!(ImageFormat::detect(JPEG), Some(ImageFormat::Jpeg));
        assert_eq!(ImageFormat::detect(&dicom()), Some(ImageFormat::Dicom));
        assert_eq!(ImageFormat::detect(b"GIF89a"), None);
        assert_eq!(ImageFormat::detect(b""), None);
        assert_eq!(ImageFormat::detect(&dicom()[..130]), None);
    }

    #[test]
    fn decodes_data_urls_and_bare_base64() {
        let png64 = STANDARD.encode(PNG);
        let image = decode_inline_image(&format!("data:image/png;base64,{png64}")).unwrap();
        assert_eq!(
            (image.format, image.bytes.as_slice()),
            (ImageFormat::Png, PNG)
        );
        assert_eq!(
            decode_inline_image(&png64).unwrap().format,
            ImageFormat::Png
        );
        assert_eq!(
            decode_inline_image(png64.trim_end_matches('='))
                .unwrap()
                .format,
            ImageFormat::Png
        );
        let wrapped = format!("{}\n{}", &png64[..8], &png64[8..]);
        assert_eq!(
            decode_inline_image(&wrapped).unwrap().format,
            ImageFormat::Png
        );
        let dicom64 = STANDARD.encode(dicom());
        assert_eq!(
            decode_inline_image(&format!("data:application/dicom;base64,{dicom64}"))
                .unwrap()
                .format,
            ImageFormat::Dicom
        );
    }

    #[test]
    fn the_bytes_decide_not_the_claim() {
        let png64 = STANDARD.encode(PNG);
        let cases = [
            (
                format!("data:image/jpeg;base64,{png64}"),
                "image_type_mismatch",
            ),
            (
                format!("data:image/gif;base64,{png64}"),
                "unsupported_image_format",
            ),
            (format!("data:image/png,{png64}"), "invalid_data_url"),
            ("data:image/png;base64".to_owned(), "invalid_data_url"),
            (
                STANDARD.encode(b"<svg onload=alert(1)>"),
                "unsupported_image_format",
            ),
            ("not base64 at all!".to_owned(), "invalid_base64"),
            ("".to_owned(), "unsupported_image_format"),
        ];
        for (input, code) in cases {
            assert_eq!(decode_inline_image(&input).unwrap_err().0, code, "{input}");
        }
    }
}
