//! Red-flag rule files: `RuleSet::from_json` and `RuleSet::extended_with`.
//!
//! 1. Every input, as a rule file and as an extension of the embedded rules:
//!    it never panics; an error that names a rule has a field path inside
//!    `rules[i]`, and the file's `rules[i]` has exactly that id (a rule
//!    without a string id is named by its index alone); an accepted set
//!    evaluates sample patients with flags of its rules, each once, in order,
//!    and an accepted extension has the version `<embedded>+<its own>` and
//!    the embedded rule ids followed by its own.
//! 2. Inputs not starting with `{`: a rule file generated from the input
//!    (`arbitrary`) over a small word pool, valid by construction or with one
//!    known fault injected. A valid file is accepted with its version and
//!    rule ids, a faulty one is refused naming exactly the injected fault's
//!    rule and field; the accepted set evaluates generated patients with
//!    flags from its rules, each once, in order, deterministically, and
//!    denying every symptom never adds a flag (unless a phrase starts with
//!    "denies"); it cannot be extended with itself (duplicate concept), and
//!    extending the embedded set with it appends its rules.
#![no_main]

use arbitrary::{Result, Unstructured};
use healthnav_edge::safety::{RedFlag, RuleSet, RuleSetError};
use healthnav_edge_fuzz::evaluate;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

/// Phrase words: none is a filler or clause-break word, so every phrase of
/// 1-3 of them is valid.
const WORDS: [&str; 16] = [
    "chest", "pain", "no", "not", "fever", "stiff", "neck", "can't", "breathe", "sudden", "denies",
    "like", "this", "before", "rash", "fade",
];
/// Extra tokens for patient texts: punctuation, fillers, break words, case.
const NOISE: [&str; 10] = [
    ",", ".", "and", "but", "my", "the", "CHEST", "Pain!", "\u{130}", "\u{2019}",
];
const LEVELS: [&str; 4] = ["low", "moderate", "high", "critical"];

/// The index of the rule a field path is inside: `rules[3].symptoms[0]` is 3.
fn rule_index(field: &str) -> Option<usize> {
    let (digits, after) = field.strip_prefix("rules[")?.split_once(']')?;
    if !(after.is_empty() || after.starts_with('.') || after.starts_with('[')) {
        return None;
    }
    digits.parse().ok()
}

/// A refusal has a message; a rule it names is the one its field path is
/// in: the rule at that index of `document` (the file as JSON, when it is
/// JSON) has exactly that id, and a rule without a string id is named by
/// its index alone.
fn check_error(error: &RuleSetError, document: Option<&Value>) {
    assert!(!error.message.is_empty());
    assert!(!error.to_string().is_empty());
    let index = rule_index(&error.field);
    if error.rule.is_some() {
        assert!(index.is_some(), "a rule is named outside rules[i]: {error}");
    }
    if let (Some(index), Some(document)) = (index, document) {
        let rule = document["rules"]
            .get(index)
            .unwrap_or_else(|| panic!("{error}: the file has no rules[{index}]"));
        assert_eq!(
            error.rule.as_deref(),
            rule["id"].as_str(),
            "{error}: rules[{index}] has the id {}",
            rule["id"]
        );
    }
}

fn check_flags(rules: &RuleSet, flags: &[RedFlag<'_>]) {
    let all: Vec<&str> = rules.rule_ids().collect();
    let mut last = None;
    for flag in flags {
        let position = all.iter().position(|id| *id == flag.id);
        assert!(position.is_some(), "{} is not a rule id", flag.id);
        assert!(position > last, "flags out of order or repeated");
        last = position;
    }
}

fn check_samples(rules: &RuleSet) {
    for (symptoms, age) in [
        (&["chest pain", "no fever"][..], Some(40.0)),
        (&["fever"], Some(0.1)),
        (&[""], None),
    ] {
        let symptoms: Vec<String> = symptoms.iter().map(|s| s.to_string()).collect();
        let flags = evaluate(rules, &symptoms, age, &symptoms);
        check_flags(rules, &flags);
    }
}

fn raw(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let document: Option<Value> = serde_json::from_str(text).ok();
    match RuleSet::from_json(text) {
        Ok(rules) => {
            assert!(!rules.version().is_empty());
            check_samples(&rules);
        }
        Err(error) => check_error(&error, document.as_ref()),
    }
    // The same file as an extension of the embedded rules (its rules may use
    // the embedded concepts; its paths are its own).
    let embedded = RuleSet::embedded();
    match embedded.extended_with(text) {
        Ok(extended) => {
            let own = extended.version().strip_prefix(embedded.version());
            assert!(
                own.is_some_and(|own| own.len() > 1 && own.starts_with('+')),
                "{}",
                extended.version()
            );
            let ids: Vec<&str> = extended.rule_ids().collect();
            assert!(ids.len() > embedded.rule_ids().len());
            assert!(ids.iter().zip(embedded.rule_ids()).all(|(a, b)| *a == b));
            check_samples(&extended);
        }
        Err(error) => check_error(&error, document.as_ref()),
    }
}

fn phrase(u: &mut Unstructured<'_>) -> Result<String> {
    let n = u.int_in_range(1..=3)?;
    let words: Result<Vec<&str>> = (0..n).map(|_| u.choose(&WORDS).copied()).collect();
    Ok(words?.join(" "))
}

fn text(u: &mut Unstructured<'_>) -> Result<String> {
    let n = u.int_in_range(0..=8)?;
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(if u.ratio(1, 4)? {
            *u.choose(&NOISE)?
        } else {
            *u.choose(&WORDS)?
        });
    }
    Ok(out.join(" "))
}

/// The faults a generated file may carry, with the field they must be reported at.
#[derive(Debug, Clone, Copy)]
enum Fault {
    UnknownRuleField,
    BadLevel,
    InvertedAge,
    UnknownConcept,
    EmptyPhrases,
    FillerPhrase,
    DuplicateRuleId,
    HttpUrl,
}

const FAULTS: [Fault; 8] = [
    Fault::UnknownRuleField,
    Fault::BadLevel,
    Fault::InvertedAge,
    Fault::UnknownConcept,
    Fault::EmptyPhrases,
    Fault::FillerPhrase,
    Fault::DuplicateRuleId,
    Fault::HttpUrl,
];

struct Generated {
    document: Value,
    ids: Vec<String>,
    /// Whether some phrase starts with "denies" (then denying may add flags).
    denies_phrase: bool,
}

fn generate(u: &mut Unstructured<'_>) -> Result<Generated> {
    let mut concepts = Vec::new();
    let mut denies_phrase = false;
    for c in 0..u.int_in_range(1..=4)? {
        let mut phrases: Vec<String> = Vec::new();
        for _ in 0..u.int_in_range(1..=4)? {
            let p = phrase(u)?;
            if !phrases.contains(&p) {
                denies_phrase |= p.starts_with("denies");
                phrases.push(p);
            }
        }
        let mut concept = json!({ "name": format!("c{c}"), "phrases": phrases });
        if u.ratio(1, 4)? {
            let first = phrases.first().cloned().unwrap_or_default();
            concept["except"] = json!([format!("{first} {}", u.choose(&WORDS)?)]);
        }
        concepts.push(concept);
    }
    let concept_count = concepts.len();
    let concept = |u: &mut Unstructured<'_>| -> Result<String> {
        Ok(format!("c{}", u.int_in_range(0..=concept_count - 1)?))
    };
    let groups = |u: &mut Unstructured<'_>| -> Result<Value> {
        let mut groups = Vec::new();
        for _ in 0..u.int_in_range(1..=2)? {
            let mut group = Vec::new();
            for _ in 0..u.int_in_range(1..=2)? {
                group.push(concept(u)?);
            }
            groups.push(group);
        }
        Ok(json!(groups))
    };
    let mut rules = Vec::new();
    let mut ids = Vec::new();
    for r in 0..u.int_in_range(1..=4)? {
        let id = format!("r{r}");
        let mut rule = json!({
            "id": id,
            "finding": "A finding.",
            "source": { "organisation": "Org", "title": "Page", "url": "https://example.org/" },
            "min_level": u.choose(&LEVELS)?,
            "symptoms": groups(u)?,
            "negatable": u.arbitrary::<bool>()?,
        });
        if u.ratio(1, 4)? {
            rule["history"] = groups(u)?;
        }
        if u.ratio(1, 3)? {
            let at_least = f64::from(u.int_in_range(0u8..=20)?) / 4.0;
            rule["age_years"] = json!({ "at_least": at_least, "below": at_least + 0.25 + f64::from(u.int_in_range(0u8..=40)?) });
        }
        rules.push(rule);
        ids.push(id);
    }
    Ok(Generated {
        document: json!({ "version": format!("v{}", u.int_in_range(0u16..=999)?), "concepts": concepts, "rules": rules }),
        ids,
        denies_phrase,
    })
}

/// Injects `fault` into the last rule (or the first concept); returns the
/// rule and field the error must name.
fn inject(document: &mut Value, fault: Fault) -> (Option<String>, String) {
    let rules = document["rules"]
        .as_array_mut()
        .unwrap_or_else(|| unreachable!());
    let last = rules.len() - 1;
    let rule = &mut rules[last];
    let id = rule["id"].as_str().map(str::to_owned);
    let path = |field: &str| format!("rules[{last}].{field}");
    match fault {
        Fault::UnknownRuleField => {
            rule["severity"] = json!("high");
            (id, path("severity"))
        }
        Fault::BadLevel => {
            rule["min_level"] = json!("severe");
            (id, path("min_level"))
        }
        Fault::InvertedAge => {
            rule["age_years"] = json!({ "at_least": 1, "below": 0.5 });
            (id, path("age_years"))
        }
        Fault::UnknownConcept => {
            rule["symptoms"] = json!([["nope"]]);
            (id, path("symptoms[0][0]"))
        }
        Fault::DuplicateRuleId if last > 0 => {
            rule["id"] = json!("r0");
            (Some("r0".to_owned()), path("id"))
        }
        Fault::HttpUrl | Fault::DuplicateRuleId => {
            rule["source"]["url"] = json!("http://example.org/");
            (id, path("source.url"))
        }
        Fault::EmptyPhrases => {
            document["concepts"][0]["phrases"] = json!([]);
            (None, "concepts[0].phrases".to_owned())
        }
        Fault::FillerPhrase => {
            document["concepts"][0]["phrases"] = json!(["the"]);
            (None, "concepts[0].phrases[0]".to_owned())
        }
    }
}

fn structured(u: &mut Unstructured<'_>) -> Result<()> {
    let Generated {
        mut document,
        ids,
        denies_phrase,
    } = generate(u)?;
    let fault = if u.ratio(1, 3)? {
        Some(*u.choose(&FAULTS)?)
    } else {
        None
    };
    if let Some(fault) = fault {
        let (rule, field) = inject(&mut document, fault);
        let error = RuleSet::from_json(&document.to_string()).err();
        let error = error.unwrap_or_else(|| panic!("{fault:?} accepted: {document}"));
        check_error(&error, Some(&document));
        assert_eq!((error.rule, error.field), (rule, field), "{fault:?}");
        return Ok(());
    }
    let json = document.to_string();
    let rules = RuleSet::from_json(&json).unwrap_or_else(|e| panic!("{e}: {document}"));
    assert_eq!(
        rules.version(),
        document["version"].as_str().unwrap_or_default()
    );
    assert_eq!(rules.rule_ids().collect::<Vec<_>>(), ids);

    for _ in 0..u.int_in_range(1..=3)? {
        let symptoms: Result<Vec<String>> = (0..u.int_in_range(0..=5)?).map(|_| text(u)).collect();
        let history: Result<Vec<String>> = (0..u.int_in_range(0..=2)?).map(|_| text(u)).collect();
        let (symptoms, history) = (symptoms?, history?);
        let age = if u.arbitrary::<bool>()? {
            Some(u.arbitrary::<f64>()?)
        } else {
            None
        };
        let flags = evaluate(&rules, &symptoms, age, &history);
        check_flags(&rules, &flags);
        assert_eq!(
            flags,
            evaluate(&rules, &symptoms, age, &history),
            "not deterministic"
        );
        if !denies_phrase {
            let denied: Vec<String> = symptoms.iter().map(|s| format!("denies {s}")).collect();
            let fewer: Vec<&str> = evaluate(&rules, &denied, age, &history)
                .iter()
                .map(|f| f.id)
                .collect();
            let all: Vec<&str> = flags.iter().map(|f| f.id).collect();
            assert!(
                fewer.iter().all(|id| all.contains(id)),
                "denying added a flag: {symptoms:?}"
            );
        }
    }

    let error = rules.extended_with(&json).err();
    let error = error.unwrap_or_else(|| panic!("a set extended with itself: {document}"));
    assert_eq!(
        (error.rule.as_deref(), error.field.as_str()),
        (None, "concepts[0].name")
    );

    // The generated names (c0…, r0…) are not the embedded set's.
    let embedded = RuleSet::embedded();
    let extended = embedded
        .extended_with(&json)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        extended.version(),
        format!("{}+{}", embedded.version(), rules.version())
    );
    let expected: Vec<&str> = embedded.rule_ids().chain(rules.rule_ids()).collect();
    assert_eq!(extended.rule_ids().collect::<Vec<_>>(), expected);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    raw(data);
    // Inputs that look like JSON are left to `raw`: the generator would
    // spend them on one small file each.
    if data.first() != Some(&b'{') {
        let _ = structured(&mut Unstructured::new(data));
    }
});
