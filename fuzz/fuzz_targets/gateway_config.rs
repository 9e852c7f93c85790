//! GatewayConfig::new with arbitrary settings (each one absent, a known-valid
//! value, a marker-carrying string or anything). A refusal is a 500
//! invalid_configuration naming every bad setting by its key; settings built
//! only from valid values are accepted. An accepted configuration must work:
//! the guide's requests (no endpoint named) build invocations on its base URL
//! that can be signed with its region, and its normaliser accepts well-formed
//! model output for its labels.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use healthnav_edge::config::labels::ScoreMeaning;
use healthnav_edge::config::{EndpointDefaults, EndpointLists};
use healthnav_edge::{GatewayConfig, GatewaySettings};
use healthnav_edge_fuzz::{
    check_config_error, check_config_works, contains_marker, keep_if_valid, Text, ENDPOINT_PICKS,
    VARIANT_PICKS,
};
use libfuzzer_sys::fuzz_target;

const REGIONS: [&str; 9] = [
    "us-east-1",
    "eu-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "ap-southeast-2",
    "il-central-1",
];
const URLS: [&str; 6] = [
    "http://127.0.0.1:54329",
    "http://localhost:8080/",
    "http://[::1]:9000",
    "https://vpce-1.runtime.sagemaker.us-east-1.vpce.amazonaws.com",
    "https://proxy.example.com/sagemaker/",
    "https://10.0.0.1:8443/a/b",
];
const SCHEMES: [&str; 4] = ["https", "http", "ftp", "HTTPS"];
const HOSTS: [&str; 7] = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "example.com",
    "[fe80::1]",
    "runtime.sagemaker.us-east-1.amazonaws.com",
    "127.1.2.3",
];
const PREFIXES: [&str; 3] = ["patients/{sub}/", "uploads/", "scans/{sub}/2026/"];
const BUCKETS: [&str; 3] = ["healthnav-images", "my.bucket-1", "a-b"];
const LABELS: [&str; 6] = [
    "normal",
    "pneumonia",
    "benign",
    "malignant",
    "pleural effusion",
    "発熱",
];

#[derive(Arbitrary, Debug)]
enum Url {
    Pick(u8),
    Built {
        scheme: Text,
        host: Text,
        port: Option<u16>,
        path: String,
    },
    Other(Text),
}

#[derive(Arbitrary, Debug)]
struct Input {
    region: Text,
    endpoint_url: Option<Url>,
    use_fips: bool,
    allowed_endpoints: [Option<Vec<Text>>; 3],
    allowed_buckets: Option<Vec<Text>>,
    s3_key_prefix: Option<Text>,
    client_variants: Option<Vec<Text>>,
    triage: Option<Text>,
    image_analysis: Option<Text>,
    risk_score: Option<Text>,
    image_labels: Option<Vec<Text>>,
    probability: Option<bool>,
}

fn list(items: &Option<Vec<Text>>, picks: &[&str]) -> (Option<Vec<String>>, bool) {
    match items {
        None => (None, true),
        Some(items) => {
            let rendered: Vec<(String, bool)> = items.iter().map(|t| t.render(picks)).collect();
            let valid = rendered.iter().all(|(_, v)| *v);
            (Some(rendered.into_iter().map(|(s, _)| s).collect()), valid)
        }
    }
}

fn name(item: &Option<Text>) -> (Option<String>, bool) {
    match item {
        None => (None, true),
        Some(text) => {
            let (name, valid) = text.render(&ENDPOINT_PICKS);
            (Some(name), valid)
        }
    }
}

/// The settings, and whether they are known to be valid.
fn settings(input: &Input) -> (GatewaySettings, bool) {
    let (region, mut valid) = input.region.render(&REGIONS);
    let endpoint_url = input.endpoint_url.as_ref().map(|url| match url {
        Url::Pick(n) => URLS[usize::from(*n) % URLS.len()].to_owned(),
        Url::Built {
            scheme,
            host,
            port,
            path,
        } => {
            valid = false;
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            format!(
                "{}://{}{port}{path}",
                scheme.render(&SCHEMES).0,
                host.render(&HOSTS).0
            )
        }
        Url::Other(text) => {
            valid = false;
            text.render(&[]).0
        }
    });
    valid &= !(input.use_fips && endpoint_url.is_some());
    let [triage_list, image_list, risk_list] = input
        .allowed_endpoints
        .each_ref()
        .map(|names| list(names, &ENDPOINT_PICKS));
    valid &= triage_list.1 && image_list.1 && risk_list.1;
    let (allowed_buckets, ok) = list(&input.allowed_buckets, &BUCKETS);
    valid &= ok;
    let s3_key_prefix = input.s3_key_prefix.as_ref().map(|text| {
        let (prefix, ok) = text.render(&PREFIXES);
        valid &= ok;
        prefix
    });
    let (client_variants, ok) = list(&input.client_variants, &VARIANT_PICKS);
    valid &= ok;
    let (triage, ok1) = name(&input.triage);
    let (image_analysis, ok2) = name(&input.image_analysis);
    let (risk_score, ok3) = name(&input.risk_score);
    valid &= ok1 && ok2 && ok3;
    let (image_labels, ok) = list(&input.image_labels, &LABELS);
    if let Some(labels) = &image_labels {
        let distinct = labels
            .iter()
            .enumerate()
            .all(|(i, l)| !labels[..i].contains(l));
        valid &= ok && distinct && (2..=1000).contains(&labels.len());
    }
    let settings = GatewaySettings {
        region,
        endpoint_url,
        use_fips: input.use_fips,
        allowed_endpoints: EndpointLists {
            triage: triage_list.0,
            image_analysis: image_list.0,
            risk_score: risk_list.0,
        },
        allowed_buckets,
        s3_key_prefix,
        client_variants,
        endpoints: EndpointDefaults {
            triage,
            image_analysis,
            risk_score,
        },
        image_labels,
        triage_score_meaning: input.probability.map(|p| {
            if p {
                ScoreMeaning::Probability
            } else {
                ScoreMeaning::ClassIndex
            }
        }),
        // Settings added later keep their defaults here.
        ..Default::default()
    };
    (settings, valid)
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let (settings, known_valid) = settings(&input);
    keep_if_valid(known_valid, data);
    match GatewayConfig::new(settings.clone()) {
        Ok(config) => check_config_works(&config, &settings),
        Err(error) => {
            check_config_error(&error);
            for field in &error.errors {
                let quoting = ["allowedBuckets", "imageLabels"];
                let known = [
                    "allowedEndpoints.triage",
                    "allowedEndpoints.imageAnalysis",
                    "allowedEndpoints.riskScore",
                    "s3KeyPrefix",
                    "clientVariants",
                    "endpointUrl",
                    "useFips",
                    "region",
                    "endpoints.triage",
                    "endpoints.imageAnalysis",
                    "endpoints.riskScore",
                ];
                assert!(
                    quoting.contains(&field.path.as_str()) || known.contains(&field.path.as_str()),
                    "{}",
                    field.path
                );
                // The list settings name the bad entry on purpose (operator data, not patient data).
                if !quoting.contains(&field.path.as_str()) {
                    assert!(!contains_marker(&field.message), "{field:?}");
                }
            }
            assert!(!contains_marker(&error.message));
            assert!(
                !known_valid,
                "valid settings refused: {error} ({settings:?})"
            );
        }
    }
});
