//! `sign_request` against tests/fixtures/sigv4/recorded.json: every case,
//! signed once with the body and once with its precomputed SHA-256, must give
//! exactly the Authorization, x-amz-date, x-amz-security-token and
//! x-amz-content-sha256 that botocore and @smithy/signature-v4 agreed on.
//! Then the inputs `sign_request` must refuse, with the field that is wrong.

use std::panic::{catch_unwind, AssertUnwindSafe};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use healthnav_edge::{sign_request, Credentials, GatewayError, PayloadHash, SigningRequest};
use serde_json::Value;
use sha2::{Digest, Sha256};

const RECORDED: &str = include_str!("fixtures/sigv4/recorded.json");
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct Case {
    name: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    region: String,
    service: String,
    credentials: Credentials,
    time_ms: f64,
    expected: Value,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn body_of(body: &Value) -> Vec<u8> {
    match body["kind"].as_str().unwrap() {
        "empty" => Vec::new(),
        "utf8" => body["text"].as_str().unwrap().as_bytes().to_vec(),
        "base64" => STANDARD.decode(body["data"].as_str().unwrap()).unwrap(),
        "pattern" => (0..body["length"].as_u64().unwrap())
            .map(|i| (i % 251) as u8)
            .collect(),
        other => panic!("unknown body kind {other}"),
    }
}

fn cases() -> Vec<Case> {
    let fixture: Value = serde_json::from_str(RECORDED).unwrap();
    fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| Case {
            name: case["name"].as_str().unwrap().to_owned(),
            method: case["method"].as_str().unwrap().to_owned(),
            url: case["url"].as_str().unwrap().to_owned(),
            headers: serde_json::from_value(case["headers"].clone()).unwrap(),
            body: body_of(&case["body"]),
            region: case["region"].as_str().unwrap().to_owned(),
            service: case["service"].as_str().unwrap().to_owned(),
            credentials: serde_json::from_value(case["credentials"].clone()).unwrap(),
            time_ms: case["timeMs"].as_f64().unwrap(),
            expected: case["expected"].clone(),
        })
        .collect()
}

fn sign(case: &Case, payload: PayloadHash<'_>) -> Result<Vec<(String, String)>, GatewayError> {
    sign_request(&SigningRequest {
        method: &case.method,
        url: &case.url,
        headers: &case.headers,
        payload,
        region: &case.region,
        service: &case.service,
        credentials: &case.credentials,
        time_ms: case.time_ms,
    })
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
        .collect()
}

#[test]
fn the_fixture_file_is_complete_and_its_bodies_are_rebuilt_exactly() {
    let fixture: Value = serde_json::from_str(RECORDED).unwrap();
    assert_eq!(fixture["dropped"], Value::Array(Vec::new()));
    let cases = cases();
    assert_eq!(cases.len(), 28);
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 28, "case names must be unique");
    for case in &cases {
        // The last line of the recorded canonical request is the payload hash,
        // so this proves the body bytes (patterns, base64, UTF-8) are the recorded ones.
        let canonical = case.expected["canonicalRequest"].as_str().unwrap();
        assert_eq!(
            canonical.rsplit('\n').next().unwrap(),
            sha256_hex(&case.body),
            "{}",
            case.name
        );
    }
}

#[test]
fn every_recorded_case_signs_exactly_with_the_body_and_with_its_precomputed_hash() {
    for case in cases() {
        let hash = sha256_hex(&case.body);
        for (mode, payload) in [
            ("body", PayloadHash::Body(&case.body)),
            ("precomputed", PayloadHash::Precomputed(&hash)),
        ] {
            let context = format!("{} ({mode})", case.name);
            let signed = sign(&case, payload).unwrap_or_else(|e| panic!("{context}: {e}"));
            let expected = &case.expected;

            assert_eq!(
                header(&signed, "authorization"),
                [expected["authorization"].as_str().unwrap()],
                "{context}"
            );
            assert_eq!(
                header(&signed, "x-amz-date"),
                [expected["x-amz-date"].as_str().unwrap()],
                "{context}"
            );
            let token: Vec<&str> = expected
                .get("x-amz-security-token")
                .and_then(Value::as_str)
                .into_iter()
                .collect();
            assert_eq!(header(&signed, "x-amz-security-token"), token, "{context}");

            // x-amz-content-sha256 is sent once: added by the signer for S3, or
            // passed in by the caller (sagemaker-explicit-content-sha256).
            let content_sha: Vec<&str> = expected
                .get("x-amz-content-sha256")
                .and_then(Value::as_str)
                .into_iter()
                .collect();
            let mut sent_sha = header(&case.headers, "x-amz-content-sha256");
            sent_sha.extend(header(&signed, "x-amz-content-sha256"));
            assert_eq!(sent_sha, content_sha, "{context}");

            // Exactly the headers the signer documents, all lower-case.
            let mut names: Vec<&str> = signed.iter().map(|(name, _)| name.as_str()).collect();
            names.sort_unstable();
            let mut wanted = vec!["authorization", "x-amz-date"];
            if !token.is_empty() {
                wanted.push("x-amz-security-token");
            }
            if case.service == "s3" {
                wanted.push("x-amz-content-sha256");
            }
            wanted.sort_unstable();
            assert_eq!(names, wanted, "{context}");
        }
    }
}

#[test]
fn s3_sends_the_precomputed_hash_or_unsigned_payload_in_x_amz_content_sha256() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "s3-getobject-async-output")
        .unwrap();
    let signed = sign(&case, PayloadHash::Precomputed("UNSIGNED-PAYLOAD")).unwrap();
    assert_eq!(
        header(&signed, "x-amz-content-sha256"),
        ["UNSIGNED-PAYLOAD"]
    );
    let authorization = header(&signed, "authorization")[0];
    assert_ne!(
        authorization,
        case.expected["authorization"].as_str().unwrap(),
        "the payload hash is part of the signature"
    );
    assert!(
        authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"),
        "{authorization}"
    );
    let signed = sign(&case, PayloadHash::Body(b"")).unwrap();
    assert_eq!(header(&signed, "x-amz-content-sha256"), [EMPTY_SHA256]);
}

#[test]
fn the_signing_time_drops_milliseconds_and_reaches_year_9999() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "sagemaker-json-basic")
        .unwrap();
    let at = |time_ms: f64| {
        let request = SigningRequest {
            method: &case.method,
            url: &case.url,
            headers: &case.headers,
            payload: PayloadHash::Body(&case.body),
            region: &case.region,
            service: &case.service,
            credentials: &case.credentials,
            time_ms,
        };
        sign_request(&request).unwrap()
    };
    let base = at(case.time_ms);
    assert_eq!(at(case.time_ms + 999.0), base);
    assert_eq!(at(case.time_ms + 0.5), base);
    assert_ne!(at(case.time_ms + 1000.0), base);
    assert_eq!(header(&at(0.0), "x-amz-date"), ["19700101T000000Z"]);
    assert_eq!(
        header(&at(253_402_300_799_999.0), "x-amz-date"),
        ["99991231T235959Z"]
    );
}

/// A valid request (sagemaker-json-basic) with one thing changed.
struct Mutation {
    what: &'static str,
    method: &'static str,
    url: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    payload: Option<&'static str>,
    region: &'static str,
    service: &'static str,
    credentials: (&'static str, &'static str, Option<&'static str>),
    time_ms: f64,
    paths: &'static [&'static str],
}

impl Default for Mutation {
    fn default() -> Self {
        Self {
            what: "",
            method: "POST",
            url: "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/medical-triage-endpoint/invocations",
            headers: vec![("Content-Type", "application/json"), ("Accept", "application/json")],
            payload: None,
            region: "us-east-1",
            service: "sagemaker",
            credentials: ("AKIDEXAMPLE", SECRET, None),
            time_ms: 1_795_773_600_000.0,
            paths: &[],
        }
    }
}

fn run(mutation: &Mutation) -> Result<Vec<(String, String)>, GatewayError> {
    let headers: Vec<(String, String)> = mutation
        .headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    let credentials = Credentials {
        access_key_id: mutation.credentials.0.to_owned(),
        secret_access_key: mutation.credentials.1.to_owned(),
        session_token: mutation.credentials.2.map(str::to_owned),
    };
    let body = br#"{"symptoms":["fever","cough"],"age":42}"#;
    let request = SigningRequest {
        method: mutation.method,
        url: mutation.url,
        headers: &headers,
        payload: mutation
            .payload
            .map_or(PayloadHash::Body(body), PayloadHash::Precomputed),
        region: mutation.region,
        service: mutation.service,
        credentials: &credentials,
        time_ms: mutation.time_ms,
    };
    catch_unwind(AssertUnwindSafe(|| sign_request(&request)))
        .unwrap_or_else(|_| panic!("sign_request panicked: {}", mutation.what))
}

#[test]
fn the_unmutated_base_request_is_the_recorded_one() {
    let signed = run(&Mutation::default()).unwrap();
    let basic = cases()
        .into_iter()
        .find(|c| c.name == "sagemaker-json-basic")
        .unwrap();
    assert_eq!(
        header(&signed, "authorization"),
        [basic.expected["authorization"].as_str().unwrap()]
    );
}

#[test]
fn invalid_inputs_are_refused_with_the_field_that_is_wrong() {
    let hex63 = "1a21d6f7f105c3be6cfd446d439e1ba8ec9acffaaa79d82de40f446eec2f7fa";
    let upper = "1A21D6F7F105C3BE6CFD446D439E1BA8EC9ACFFAAA79D82DE40F446EEC2F7FAB";
    let table = vec![
        Mutation {
            what: "path only, no host",
            url: "/endpoints/x/invocations",
            paths: &["url"],
            ..Default::default()
        },
        Mutation {
            what: "empty URL",
            url: "",
            paths: &["url"],
            ..Default::default()
        },
        Mutation {
            what: "scheme without host",
            url: "https:///endpoints/x/invocations",
            paths: &["url"],
            ..Default::default()
        },
        Mutation {
            what: "host-relative",
            url: "//runtime.sagemaker.us-east-1.amazonaws.com/x",
            paths: &["url"],
            ..Default::default()
        },
        Mutation {
            what: "ftp scheme",
            url: "ftp://example.com/x",
            paths: &["url"],
            ..Default::default()
        },
        Mutation {
            what: "credentials in URL",
            url: "https://user:pw@example.com/x",
            paths: &["url"],
            ..Default::default()
        },
        Mutation {
            what: "raw space in URL",
            url: "https://example.com/a b",
            paths: &["url"],
            ..Default::default()
        },
        Mutation {
            what: "raw UTF-8 in URL",
            url: "https://example.com/\u{1234}",
            paths: &["url"],
            ..Default::default()
        },
        Mutation {
            what: "CR LF in URL",
            url: "https://example.com/\r\nx",
            paths: &["url"],
            ..Default::default()
        },
        Mutation {
            what: "unclosed IPv6 host",
            url: "https://[::1/x",
            paths: &["url"],
            ..Default::default()
        },
        Mutation {
            what: "CR LF in a header value",
            headers: vec![("Accept", "application/json\r\nX-Injected: 1")],
            paths: &["headers[0]"],
            ..Default::default()
        },
        Mutation {
            what: "LF in a header value",
            headers: vec![("Content-Type", "a"), ("Accept", "a\nb")],
            paths: &["headers[1]"],
            ..Default::default()
        },
        Mutation {
            what: "CR in a header value",
            headers: vec![("Accept", "a\rb")],
            paths: &["headers[0]"],
            ..Default::default()
        },
        Mutation {
            what: "NUL in a header value",
            headers: vec![("Accept", "a\0b")],
            paths: &["headers[0]"],
            ..Default::default()
        },
        Mutation {
            what: "DEL in a header value",
            headers: vec![("Accept", "a\u{7f}")],
            paths: &["headers[0]"],
            ..Default::default()
        },
        Mutation {
            what: "non-ASCII header value",
            headers: vec![("X-Amzn-SageMaker-Custom-Attributes", "note=fièvre")],
            paths: &["headers[0]"],
            ..Default::default()
        },
        Mutation {
            what: "header name with a space",
            headers: vec![("Content Type", "a")],
            paths: &["headers[0]"],
            ..Default::default()
        },
        Mutation {
            what: "header name with a colon",
            headers: vec![("Accept:", "a")],
            paths: &["headers[0]"],
            ..Default::default()
        },
        Mutation {
            what: "empty header name",
            headers: vec![("", "a")],
            paths: &["headers[0]"],
            ..Default::default()
        },
        Mutation {
            what: "service with spaces",
            service: "sage maker",
            paths: &["service"],
            ..Default::default()
        },
        Mutation {
            what: "empty service",
            service: "",
            paths: &["service"],
            ..Default::default()
        },
        Mutation {
            what: "upper-case service",
            service: "SageMaker",
            paths: &["service"],
            ..Default::default()
        },
        Mutation {
            what: "service with a slash",
            service: "sagemaker/aws4_request",
            paths: &["service"],
            ..Default::default()
        },
        Mutation {
            what: "made-up region",
            region: "moon",
            paths: &["region"],
            ..Default::default()
        },
        Mutation {
            what: "region with a slash",
            region: "us-east-1/x",
            paths: &["region"],
            ..Default::default()
        },
        Mutation {
            what: "lower-case method",
            method: "post",
            paths: &["method"],
            ..Default::default()
        },
        Mutation {
            what: "empty method",
            method: "",
            paths: &["method"],
            ..Default::default()
        },
        Mutation {
            what: "method with a space",
            method: "GET /",
            paths: &["method"],
            ..Default::default()
        },
        Mutation {
            what: "NaN time",
            time_ms: f64::NAN,
            paths: &["timeMs"],
            ..Default::default()
        },
        Mutation {
            what: "negative time",
            time_ms: -1.0,
            paths: &["timeMs"],
            ..Default::default()
        },
        Mutation {
            what: "infinite time",
            time_ms: f64::INFINITY,
            paths: &["timeMs"],
            ..Default::default()
        },
        Mutation {
            what: "time after year 9999",
            time_ms: 253_402_300_800_000.0,
            paths: &["timeMs"],
            ..Default::default()
        },
        Mutation {
            what: "bodySha256 not hex",
            payload: Some("xyz"),
            paths: &["bodySha256"],
            ..Default::default()
        },
        Mutation {
            what: "bodySha256 empty",
            payload: Some(""),
            paths: &["bodySha256"],
            ..Default::default()
        },
        Mutation {
            what: "bodySha256 63 digits",
            payload: Some(hex63),
            paths: &["bodySha256"],
            ..Default::default()
        },
        Mutation {
            what: "bodySha256 upper-case",
            payload: Some(upper),
            paths: &["bodySha256"],
            ..Default::default()
        },
        Mutation {
            what: "bodySha256 lower-case unsigned",
            payload: Some("unsigned-payload"),
            paths: &["bodySha256"],
            ..Default::default()
        },
        Mutation {
            what: "empty access key",
            credentials: ("", SECRET, None),
            paths: &["credentials.accessKeyId"],
            ..Default::default()
        },
        Mutation {
            what: "access key with a space",
            credentials: ("AKID EXAMPLE", SECRET, None),
            paths: &["credentials.accessKeyId"],
            ..Default::default()
        },
        Mutation {
            what: "empty secret",
            credentials: ("AKIDEXAMPLE", "", None),
            paths: &["credentials.secretAccessKey"],
            ..Default::default()
        },
        Mutation {
            what: "secret with a newline",
            credentials: ("AKIDEXAMPLE", "abc\ndef", None),
            paths: &["credentials.secretAccessKey"],
            ..Default::default()
        },
        Mutation {
            what: "empty session token",
            credentials: ("AKIDEXAMPLE", SECRET, Some("")),
            paths: &["credentials.sessionToken"],
            ..Default::default()
        },
        Mutation {
            what: "session token with CR LF",
            credentials: ("AKIDEXAMPLE", SECRET, Some("tok\r\nen")),
            paths: &["credentials.sessionToken"],
            ..Default::default()
        },
        Mutation {
            what: "everything at once, reported in a fixed order",
            method: "post",
            url: "/no-host",
            headers: vec![("bad name", "x"), ("x-a", "a\r\nb")],
            payload: Some("xyz"),
            region: "moon",
            service: "Sage Maker",
            credentials: ("", "", Some(" ")),
            time_ms: f64::NAN,
            paths: &[
                "method",
                "url",
                "headers[0]",
                "headers[1]",
                "region",
                "service",
                "credentials.accessKeyId",
                "credentials.secretAccessKey",
                "credentials.sessionToken",
                "timeMs",
                "bodySha256",
            ],
        },
    ];
    for mutation in &table {
        let error = run(mutation).expect_err(mutation.what);
        assert_eq!(
            (error.code.as_str(), error.status(), error.retryable()),
            ("invalid_signing_request", 400, false),
            "{}",
            mutation.what
        );
        assert_eq!(
            error.message, "The request to sign is invalid.",
            "{}",
            mutation.what
        );
        let paths: Vec<&str> = error.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, mutation.paths, "{}", mutation.what);
        assert!(
            error.errors.iter().all(|e| e.code == "invalid_value"),
            "{}",
            mutation.what
        );
        assert!(error.upstream.is_none());
        let printed = format!("{error} {error:?}");
        assert!(
            !printed.contains(SECRET) && !printed.contains("tok\r\nen"),
            "{}: {printed}",
            mutation.what
        );
    }
}

#[test]
fn field_messages_say_what_is_expected() {
    let messages = |mutation: Mutation| -> Vec<(String, String)> {
        run(&mutation)
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| (e.path, e.message))
            .collect()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(p, m)| ((*p).to_owned(), (*m).to_owned()))
            .collect()
    };
    assert_eq!(
        messages(Mutation {
            url: "/no-host",
            ..Default::default()
        }),
        pairs(&[(
            "url",
            "must be an absolute http(s) URL with a host and no credentials"
        )])
    );
    assert_eq!(
        messages(Mutation {
            url: "https://example.com/a b",
            ..Default::default()
        }),
        pairs(&[(
            "url",
            "must be an absolute, percent-encoded URL without spaces or a fragment"
        )])
    );
    assert_eq!(
        messages(Mutation {
            headers: vec![
                ("Accept", "a\r\nb"),
                ("Bad Name", "x"),
                ("X-Amz-Date", "x\u{7f}")
            ],
            ..Default::default()
        }),
        pairs(&[
            (
                "headers[0]",
                "has a value with control or non-ASCII characters"
            ),
            ("headers[1]", "has a header name that is not an HTTP token"),
            // A stale signing header is replaced, but its value is still checked.
            (
                "headers[2]",
                "has a value with control or non-ASCII characters"
            ),
        ])
    );
    assert_eq!(
        messages(Mutation {
            service: "sage maker",
            ..Default::default()
        }),
        pairs(&[(
            "service",
            "must be an AWS signing name such as sagemaker or s3"
        )])
    );
    assert_eq!(
        messages(Mutation {
            time_ms: -1.0,
            ..Default::default()
        }),
        pairs(&[("timeMs", "must be milliseconds since 1970 (Date.now())")])
    );
    assert_eq!(
        messages(Mutation {
            payload: Some("xyz"),
            ..Default::default()
        }),
        pairs(&[("bodySha256", "must be 64 lower-case hex digits")])
    );
}

#[test]
fn a_caller_supplied_x_amz_content_sha256_must_match_the_payload() {
    let body_hash = "1a21d6f7f105c3be6cfd446d439e1ba8ec9acffaaa79d82de40f446eec2f7fab";
    let base = || Mutation {
        headers: vec![
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
            ("x-amz-content-sha256", body_hash),
        ],
        ..Default::default()
    };
    // Matching the body, or the precomputed hash: signed as an ordinary header (sagemaker-explicit-content-sha256).
    let recorded = cases()
        .into_iter()
        .find(|c| c.name == "sagemaker-explicit-content-sha256")
        .unwrap();
    let expected = [recorded.expected["authorization"].as_str().unwrap()];
    assert_eq!(header(&run(&base()).unwrap(), "authorization"), expected);
    assert_eq!(
        header(
            &run(&Mutation {
                payload: Some(body_hash),
                ..base()
            })
            .unwrap(),
            "authorization"
        ),
        expected
    );
    let unsigned = Mutation {
        headers: vec![("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")],
        payload: Some("UNSIGNED-PAYLOAD"),
        ..Default::default()
    };
    let signed = run(&unsigned).unwrap();
    assert!(header(&signed, "authorization")[0]
        .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"));
    assert!(
        header(&signed, "x-amz-content-sha256").is_empty(),
        "the caller already sends it"
    );

    // A value that disagrees with the payload would be signed but refused by AWS.
    let refused = [
        Mutation {
            headers: vec![("x-amz-content-sha256", EMPTY_SHA256)],
            ..Default::default()
        },
        Mutation {
            headers: vec![("x-amz-content-sha256", body_hash)],
            payload: Some(EMPTY_SHA256),
            ..Default::default()
        },
        Mutation {
            headers: vec![
                ("Accept", "a"),
                ("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"),
            ],
            ..Default::default()
        },
    ];
    for (index, mutation) in refused.iter().enumerate() {
        let error = run(mutation).unwrap_err();
        let found: Vec<(&str, &str, &str)> = error
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.code.as_ref(), e.message.as_str()))
            .collect();
        let path = if index == 2 {
            "headers[1]"
        } else {
            "headers[0]"
        };
        assert_eq!(found, [(path, "invalid_value", "x-amz-content-sha256 must be the payload's SHA-256 (or UNSIGNED-PAYLOAD when bodySha256 is)")], "{index}");
    }

    // For S3 the signer adds it itself, so a second copy is refused.
    let s3 = Mutation {
        url: "https://my-bucket.s3.us-east-1.amazonaws.com/async-out/abc.out",
        method: "GET",
        service: "s3",
        headers: vec![("x-amz-content-sha256", body_hash)],
        ..Default::default()
    };
    let error = run(&s3).unwrap_err();
    assert_eq!(error.errors[0].path, "headers[0]");
    assert_eq!(
        error.errors[0].message,
        "names a header the signer adds itself"
    );
}

#[test]
fn odd_but_valid_urls_sign_without_panicking() {
    let urls = [
        "http://[::1]/x",
        "http://127.0.0.1:54329/endpoints/x/invocations",
        "https://h/%zz?%zz=%zz",
        "https://h/?a=%ff",
        "https://h/../../x",
        "https://h//x",
        "https://h?",
        "https://h/?=",
        "https://h/?&&",
        "https://h/%",
        "https://h/%00",
        "https://h",
        "HTTPS://H/X",
        "https://h/?a=1&a=1&a",
        "https://h/?a+b=c+d",
        "http://h./~",
    ];
    for url in urls {
        let signed = run(&Mutation {
            url,
            method: "GET",
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(header(&signed, "authorization").len(), 1, "{url}");
    }
}
