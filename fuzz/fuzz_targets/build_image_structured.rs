//! build_invocation(ImageAnalysis) on requests generated field by field.
//! `image_data` is an S3 URI from parts, an inline image (JPEG, PNG or DICOM
//! magic plus any bytes, as bare base64 or a data URL whose claimed type may
//! disagree, padded or not, line-wrapped or not), a marker-carrying string or
//! any JSON. Errors never repeat the marker; a request built only from valid
//! parts is accepted and the model receives exactly that image or URI.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use healthnav_edge::config::s3_location::S3Location;
use healthnav_edge::ModelFunction;
use healthnav_edge_fuzz::{
    check_structured, configs, keep_if_valid, text_value, Json, ObjectBuilder, Out, RoutingFields,
    Slot, Text, FUZZ_CALLER,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const IMAGE_TYPES: [&str; 5] = ["xray", "ct", "mri", "ultrasound", "skin_lesion"];
const ANALYSIS_TYPES: [&str; 1] = ["classification"];
const BUCKETS: [&str; 2] = ["healthnav-images", "my.bucket-1"];
const KEYS: [&str; 5] = [
    "patient-xray.jpg",
    "patients/fuzz-caller/scan.png",
    "scans/2024/ct 01.dcm",
    "a",
    "x:y//z?.png",
];
/// Claimed media types and the format each means (None: unsupported).
const CLAIMS: [(&str, Option<usize>); 7] = [
    ("image/jpeg", Some(0)),
    ("image/jpg", Some(0)),
    ("image/png", Some(1)),
    ("IMAGE/PNG", Some(1)),
    ("application/dicom", Some(2)),
    ("image/gif", None),
    ("", None),
];
const CONTENT_TYPES: [&str; 3] = ["image/jpeg", "image/png", "application/dicom"];

#[derive(Arbitrary, Debug)]
struct Inline {
    format: u8,
    tail: Vec<u8>,
    data_url: bool,
    claim: u8,
    padded: bool,
    wrap: u8,
    spaces: bool,
}

#[derive(Arbitrary, Debug)]
enum ImageData {
    S3 { bucket: Text, key: Text },
    Inline(Inline),
    Other(Text),
}

#[derive(Debug, PartialEq)]
enum Expected {
    S3(String),
    Inline(Vec<u8>, &'static str),
}

#[derive(Arbitrary, Debug)]
struct Input {
    config: u8,
    image_data: Slot<ImageData>,
    image_type: Slot<Text>,
    analysis_type: Slot<Text>,
    routing: RoutingFields,
    extras: Vec<(Text, Json)>,
}

fn render_image(data: &ImageData) -> (Out, Option<Expected>) {
    match data {
        ImageData::S3 { bucket, key } => {
            let ((bucket, bucket_ok), (key, key_ok)) = (bucket.render(&BUCKETS), key.render(&KEYS));
            let uri = format!("s3://{bucket}/{key}");
            (
                Out::Str(uri.clone()),
                (bucket_ok && key_ok).then_some(Expected::S3(uri)),
            )
        }
        ImageData::Inline(inline) => {
            let format = usize::from(inline.format) % 3;
            let mut bytes = match format {
                0 => vec![0xFF, 0xD8, 0xFF],
                1 => b"\x89PNG\r\n\x1a\n".to_vec(),
                _ => {
                    let mut dicom = vec![0; 128];
                    dicom.extend_from_slice(b"DICM");
                    dicom
                }
            };
            bytes.extend_from_slice(&inline.tail);
            let mut encoded = STANDARD.encode(&bytes);
            if !inline.padded {
                encoded = encoded.trim_end_matches('=').to_owned();
            }
            if inline.wrap > 0 {
                let width = usize::from(inline.wrap);
                let chars: Vec<char> = encoded.chars().collect();
                encoded = chars
                    .chunks(width)
                    .map(|c| c.iter().collect::<String>())
                    .collect::<Vec<_>>()
                    .join("\r\n");
            }
            let (claim, claimed) = CLAIMS[usize::from(inline.claim) % CLAIMS.len()];
            let mut text = if inline.data_url {
                format!("data:{claim};base64,{encoded}")
            } else {
                encoded
            };
            if inline.spaces {
                text = format!("  {text}\n");
            }
            let valid = !inline.data_url || claimed == Some(format);
            (
                Out::Str(text),
                valid.then_some(Expected::Inline(bytes, CONTENT_TYPES[format])),
            )
        }
        ImageData::Other(text) => (Out::Str(text.render(&[]).0), None),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let config = &configs()[usize::from(input.config) % 3];
    let mut top = ObjectBuilder::new();
    // A well-formed S3 URI is valid only where the configuration lets the
    // fuzz caller reach it (listed bucket, own folder under a prefix).
    let image = top.slot("image_data", &input.image_data, true, |data| {
        let (out, expected) = render_image(data);
        let reachable = match &expected {
            Some(Expected::S3(uri)) => S3Location::parse(uri)
                .is_ok_and(|location| config.s3_access.check(&location, Some(FUZZ_CALLER)).is_ok()),
            _ => true,
        };
        (out, expected.filter(|_| reachable))
    });
    let image_type = top.slot(
        "image_type",
        &input.image_type,
        true,
        text_value(&IMAGE_TYPES),
    );
    let analysis_type = top.slot(
        "analysis_type",
        &input.analysis_type,
        false,
        text_value(&ANALYSIS_TYPES),
    );
    let routing = input
        .routing
        .add(&mut top, config, ModelFunction::ImageAnalysis);
    top.extras(&input.extras);

    let body = Out::Obj(top.entries).to_json();
    let invocation = check_structured(
        config,
        ModelFunction::ImageAnalysis,
        body.as_bytes(),
        top.valid,
        &routing,
    );
    keep_if_valid(top.valid, data);
    if let (Some(invocation), true) = (invocation, top.valid) {
        let content_type = invocation
            .headers
            .iter()
            .find(|(n, _)| n == "content-type")
            .map(|(_, v)| v.as_str());
        let image_type = image_type.unwrap_or_default();
        let analysis_type = analysis_type.unwrap_or_else(|| "classification".to_owned());
        match image {
            Some(Expected::S3(uri)) => {
                assert_eq!(content_type, Some("application/json"));
                let sent: Value = serde_json::from_slice(&invocation.body).unwrap_or_default();
                let expected = serde_json::json!({"image_url": uri, "image_type": image_type, "analysis_type": analysis_type});
                assert_eq!(sent, expected);
            }
            Some(Expected::Inline(bytes, expected_type)) => {
                assert_eq!(content_type, Some(expected_type));
                assert!(
                    invocation.body == bytes,
                    "the model did not receive the decoded image"
                );
                let attributes = invocation
                    .headers
                    .iter()
                    .find(|(n, _)| n == "x-amzn-sagemaker-custom-attributes")
                    .map(|(_, v)| v.clone());
                assert_eq!(
                    attributes,
                    Some(format!(
                        "image_type={image_type},analysis_type={analysis_type}"
                    ))
                );
            }
            None => panic!("valid request without an image"),
        }
    }
});
