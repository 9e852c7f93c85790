//! check_sagemaker_name, check_endpoint_names and FunctionEndpoints against
//! reference implementations. The first line of the input is a name, the
//! second a function's default endpoint, the others its extra endpoints.
#![no_main]

use healthnav_edge::config::names::{
    check_endpoint_names, check_sagemaker_name, FunctionEndpoints,
};
use healthnav_edge_fuzz::contains_marker;
use libfuzzer_sys::fuzz_target;

/// `^[A-Za-z0-9](-*[A-Za-z0-9])*$`, at most 63 characters, as a state machine.
fn reference_name(name: &str) -> bool {
    let mut after_hyphen = true; // a name may not start with '-'
    let mut chars = 0;
    for c in name.chars() {
        chars += 1;
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' => after_hyphen = false,
            '-' if chars > 1 => after_hyphen = true,
            _ => return false,
        }
    }
    chars > 0 && chars <= 63 && !after_hyphen
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let name = lines.next().unwrap_or_default();
    match check_sagemaker_name(name) {
        Ok(()) => assert!(reference_name(name), "{name:?} accepted"),
        Err((code, message)) => {
            assert!(!reference_name(name), "{name:?} refused");
            let expected = if name.is_empty() {
                "empty"
            } else if name.len() > 63 {
                "too_long"
            } else {
                "invalid_format"
            };
            assert_eq!(code, expected);
            assert!(!contains_marker(&message));
        }
    }
    let default = lines.next().unwrap_or("medical-triage-endpoint").to_owned();
    let extra: Vec<String> = lines.map(str::to_owned).collect();
    match check_endpoint_names(&extra) {
        Ok(()) => {
            assert!(
                extra.iter().all(|e| reference_name(e)),
                "{extra:?} accepted"
            );
            // Exact names only: the default or a listed name, nothing else.
            let endpoints = FunctionEndpoints::new(default.clone(), extra.clone());
            let allowed = name == default || extra.iter().any(|e| e == name);
            assert_eq!(endpoints.allows(name), allowed);
            let mut all = vec![default];
            all.extend(extra);
            assert_eq!(endpoints.describe(), all.join(", "));
        }
        Err(message) => {
            assert!(
                !extra.iter().all(|e| reference_name(e)),
                "{extra:?} refused"
            );
            assert!(!message.trim().is_empty());
            assert!(!contains_marker(&message));
        }
    }
});
