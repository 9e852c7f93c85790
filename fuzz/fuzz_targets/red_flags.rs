//! The red-flag matcher: the embedded rule set's `evaluate` on arbitrary
//! text. The input's first line is the age in years (whatever `f64` parses,
//! else unknown), the next lines are symptoms up to an empty line, the rest
//! medical history (at most 30 entries of 120 characters each).
//!
//! Beyond "no panic": flags name rules of the set, each at most once and in
//! rule order; evaluation is deterministic; the floor is the highest flag
//! level; and four monotonicity laws that follow from how rules combine:
//! denying every symptom ("denies " before each) never adds a flag, dropping
//! a symptom (one chosen by a hash of the input) never adds one, forgetting
//! the age never adds one, and ASCII case (upper, lower or mixed) changes
//! nothing. (A "no " prefix is not such a law: the vocabulary
//! has "no reason to live", so "reason to live" gains a flag with it.)
#![no_main]

use healthnav_edge::safety::{floor, RedFlag, RuleSet};
use healthnav_edge_fuzz::evaluate;
use libfuzzer_sys::fuzz_target;

const MAX_ENTRIES: usize = 30;
const MAX_CHARS: usize = 120;

/// A change of a text's case.
type Recase = fn(&str) -> String;

fn swap_ascii_case(c: char) -> char {
    if c.is_ascii_uppercase() {
        c.to_ascii_lowercase()
    } else {
        c.to_ascii_uppercase()
    }
}

fn ids<'r>(flags: &[RedFlag<'r>]) -> Vec<&'r str> {
    flags.iter().map(|flag| flag.id).collect()
}

fn assert_subset(smaller: &[RedFlag<'_>], larger: &[RedFlag<'_>], law: &str) {
    let (smaller, larger) = (ids(smaller), ids(larger));
    assert!(
        smaller.iter().all(|id| larger.contains(id)),
        "{law}: {smaller:?} is not within {larger:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let age = lines
        .next()
        .and_then(|line| line.trim().parse::<f64>().ok());
    let clip = |line: &str| line.chars().take(MAX_CHARS).collect::<String>();
    let symptoms: Vec<String> = lines
        .by_ref()
        .take_while(|line| !line.is_empty())
        .take(MAX_ENTRIES)
        .map(clip)
        .collect();
    let history: Vec<String> = lines.take(MAX_ENTRIES).map(clip).collect();

    let rules = RuleSet::embedded();
    let all: Vec<&str> = rules.rule_ids().collect();
    let flags = evaluate(rules, &symptoms, age, &history);

    let positions: Vec<usize> = flags
        .iter()
        .map(|flag| {
            all.iter()
                .position(|id| *id == flag.id)
                .unwrap_or_else(|| panic!("{} is not a rule id", flag.id))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "not in rule order or repeated: {:?}",
        ids(&flags)
    );
    assert_eq!(
        flags,
        evaluate(rules, &symptoms, age, &history),
        "not deterministic"
    );
    assert_eq!(floor(&flags), flags.iter().map(|f| f.min_level).max());
    let json = serde_json::to_string(&flags).unwrap_or_else(|e| panic!("{e}"));
    assert!(json.starts_with('['));

    let denied: Vec<String> = symptoms.iter().map(|s| format!("denies {s}")).collect();
    assert_subset(&evaluate(rules, &denied, age, &history), &flags, "denied");
    if !symptoms.is_empty() {
        // Drop one symptom, chosen by a hash of the input (deterministic, so
        // a crash replays), not always the last.
        let hash = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| {
            (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        let dropped = usize::try_from(hash % symptoms.len() as u64).unwrap_or(0);
        let mut fewer = symptoms.clone();
        fewer.remove(dropped);
        assert_subset(
            &evaluate(rules, &fewer, age, &history),
            &flags,
            "fewer symptoms",
        );
    }
    assert_subset(
        &evaluate(rules, &symptoms, None, &history),
        &flags,
        "unknown age",
    );
    // ASCII case: all upper, all lower, and mixed (the case of every other
    // character swapped when it is an ASCII letter: "Chest" becomes "chEsT").
    let recase: [(&str, Recase); 3] = [
        ("upper", str::to_ascii_uppercase),
        ("lower", str::to_ascii_lowercase),
        ("mixed", |text| {
            text.chars()
                .enumerate()
                .map(|(i, c)| if i % 2 == 0 { swap_ascii_case(c) } else { c })
                .collect()
        }),
    ];
    for (name, change) in recase {
        let changed =
            |texts: &[String]| -> Vec<String> { texts.iter().map(|text| change(text)).collect() };
        assert_eq!(
            ids(&evaluate(
                rules,
                &changed(&symptoms),
                age,
                &changed(&history)
            )),
            ids(&flags),
            "ASCII case ({name}) changed the flags"
        );
    }
});
