//! check_sagemaker_name and EndpointAllowList against reference
//! implementations. The first line of the input is a name, the other lines
//! are allow-list patterns.
#![no_main]

use healthnav_edge::names::{check_sagemaker_name, EndpointAllowList};
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

fn reference_pattern(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let stem = pattern.strip_suffix('*').unwrap_or(pattern);
    !stem.is_empty()
        && !stem.starts_with('-')
        && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
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
    let patterns: Vec<String> = lines.map(str::to_owned).collect();
    match EndpointAllowList::new(patterns.clone()) {
        Ok(list) => {
            assert!(
                patterns.iter().all(|p| reference_pattern(p)),
                "{patterns:?} accepted"
            );
            let allowed = patterns.iter().any(|p| match p.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == p,
            });
            assert_eq!(list.allows(name), allowed);
            assert_eq!(list.describe(), patterns.join(", "));
        }
        Err(message) => {
            assert!(
                !patterns.iter().all(|p| reference_pattern(p)),
                "{patterns:?} refused"
            );
            assert!(!message.trim().is_empty());
        }
    }
});
