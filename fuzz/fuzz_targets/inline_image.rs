//! decode_inline_image (data: URLs and bare base64). Byte 0 chooses the mode:
//! even — the rest is the image_data text; odd — the rest is image bytes,
//! encoded here (padded or not, wrapped or not, bare or as a data URL with
//! the right type, per bits 1-3) and decoded back. Decoded images are what
//! their magic bytes say, agree with a claimed type, and round-trip;
//! refusals use the documented codes and do not repeat the input.
#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use healthnav_edge::request::image_bytes::{decode_inline_image, ImageFormat};
use healthnav_edge_fuzz::contains_marker;
use libfuzzer_sys::fuzz_target;

fn claimed(text: &str) -> Option<&'static str> {
    let meta = text
        .strip_prefix("data:")?
        .split_once(',')?
        .0
        .strip_suffix(";base64")?;
    match meta.to_ascii_lowercase().as_str() {
        "image/jpeg" | "image/jpg" => Some("image/jpeg"),
        "image/png" => Some("image/png"),
        "application/dicom" => Some("application/dicom"),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        let text = String::from_utf8_lossy(rest);
        match decode_inline_image(&text) {
            Ok(image) => {
                assert_eq!(ImageFormat::detect(&image.bytes), Some(image.format));
                assert!(image.bytes.len() <= text.len() * 3 / 4 + 3);
                if text.starts_with("data:") {
                    assert_eq!(
                        claimed(&text),
                        Some(image.format.content_type()),
                        "{text:?}"
                    );
                }
                let again = decode_inline_image(&STANDARD.encode(&image.bytes));
                assert_eq!(again.as_ref().ok(), Some(&image));
            }
            Err((code, message)) => {
                let codes = [
                    "invalid_data_url",
                    "unsupported_image_format",
                    "invalid_base64",
                    "image_type_mismatch",
                ];
                assert!(codes.contains(&code), "{code}");
                assert!(!message.trim().is_empty());
                assert!(!contains_marker(&message), "{message:?}");
            }
        }
    } else {
        let mut encoded = STANDARD.encode(rest);
        if mode & 2 != 0 {
            encoded = encoded.trim_end_matches('=').to_owned();
        }
        if mode & 4 != 0 {
            let chars: Vec<char> = encoded.chars().collect();
            encoded = chars
                .chunks(60)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("\n");
        }
        let format = ImageFormat::detect(rest);
        if mode & 8 != 0 {
            encoded = format!(
                "data:{};base64,{encoded}",
                format.map_or("image/png", ImageFormat::content_type)
            );
        }
        match (decode_inline_image(&encoded), format) {
            (Ok(image), Some(format)) => {
                assert_eq!((image.bytes.as_slice(), image.format), (rest, format))
            }
            (Err((code, _)), None) => assert_eq!(code, "unsupported_image_format"),
            (result, format) => panic!("{format:?} image decoded as {result:?}"),
        }
    }
});
