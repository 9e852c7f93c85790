//! Table-driven tests of the embedded rules: every rule fires on each of its
//! phrases, stays silent on each negated form and on near-misses, and
//! realistic requests raise exactly the expected flags.

use serde_json::Value;

use super::rule_set::EMBEDDED_JSON;
use super::{floor, PatientFacts, RiskLevel, RuleSet};

/// Age and history under which each rule's phrases are tried: every rule
/// must have a row, so a new rule cannot go untested.
const CONTEXT: [(&str, f64, &[&str]); 13] = [
    ("heart_attack_chest_discomfort", 54.0, &[]),
    ("stroke_fast", 70.0, &[]),
    ("stroke_sudden_signs", 70.0, &[]),
    ("severe_breathing_difficulty", 30.0, &[]),
    ("anaphylaxis_airway", 25.0, &[]),
    (
        "anaphylaxis_known_allergy",
        25.0,
        &["anaphylaxis to peanuts"],
    ),
    ("severe_bleeding", 40.0, &[]),
    ("suicidal_intent", 19.0, &[]),
    ("infant_fever", 0.1, &[]),
    ("meningitis_fever_stiff_neck", 20.0, &[]),
    ("non_blanching_rash", 6.0, &[]),
    ("sepsis_signs", 80.0, &[]),
    ("unresponsive_or_seizure", 45.0, &[]),
];

/// Forms in which a phrase must raise its rule.
const AFFIRMED: [&str; 5] = [
    "{}",
    "since this morning: {}!",
    "no cough, {}",
    "no cough but {}",
    "{} (getting worse)",
];

/// Forms in which a phrase must not raise its rule.
const NEGATED: [&str; 7] = [
    "no {}",
    "denies {}",
    "without {}",
    "never had {}",
    "I don't have {}",
    "no cough or {}",
    "not {}",
];

fn ids(rules: &RuleSet, symptoms: &[&str], age: Option<f64>, history: &[&str]) -> Vec<String> {
    let patient = PatientFacts {
        symptoms,
        age_years: age,
        medical_history: history,
    };
    rules
        .evaluate(&patient)
        .iter()
        .map(|flag| flag.id.to_owned())
        .collect()
}

fn document() -> Value {
    serde_json::from_str(EMBEDDED_JSON).unwrap()
}

fn phrases(document: &Value, concept: &str) -> Vec<String> {
    let concepts = document["concepts"].as_array().unwrap();
    let concept = concepts.iter().find(|c| c["name"] == concept).unwrap();
    concept["phrases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect()
}

fn groups(rule: &Value) -> Vec<Vec<String>> {
    rule["symptoms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            group
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn the_embedded_file_loads_and_is_the_embedded_set() {
    let parsed = RuleSet::from_json(EMBEDDED_JSON).unwrap();
    let embedded = RuleSet::embedded();
    assert_eq!(embedded.version(), "2026-12-06.1");
    assert_eq!(parsed.version(), embedded.version());
    let expected: Vec<&str> = CONTEXT.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(embedded.rule_ids().collect::<Vec<_>>(), expected);
    assert!(std::ptr::eq(embedded, RuleSet::embedded()), "parsed once");
}

/// `fires(rule id, text)`: see [`for_every_phrase`].
type Check<'a> = dyn FnMut(&str, &str) -> bool + 'a;

/// Calls `check(rule id, phrase, fires)` for every phrase of every concept of
/// every rule. `fires(id, text)` says whether the rule fires when `text`
/// stands for the phrase's group and each other group of the rule is met by
/// its first concept's first phrase (age and history from [`CONTEXT`]).
fn for_every_phrase(mut check: impl FnMut(&str, &str, &mut Check<'_>)) {
    let document = document();
    let rules = RuleSet::embedded();
    for rule in document["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        let (_, age, history) = CONTEXT.iter().find(|(r, _, _)| *r == id).unwrap();
        let groups = groups(rule);
        for (g, group) in groups.iter().enumerate() {
            let others: Vec<String> = (groups.iter().enumerate())
                .filter(|&(h, _)| h != g)
                .map(|(_, other)| phrases(&document, &other[0])[0].clone())
                .collect();
            let mut fires = |rule: &str, text: &str| {
                let mut symptoms: Vec<&str> = vec![text];
                symptoms.extend(others.iter().map(String::as_str));
                let flags = ids(rules, &symptoms, Some(*age), history);
                flags.iter().any(|f| f == rule)
            };
            for concept in group {
                for phrase in phrases(&document, concept) {
                    check(id, &phrase, &mut fires);
                }
            }
        }
    }
}

#[test]
fn every_rule_fires_on_every_phrase_of_every_concept() {
    let mut tried = 0;
    for_every_phrase(|id, phrase, fires| {
        for form in AFFIRMED {
            let text = form.replace("{}", phrase);
            assert!(fires(id, &text), "{id}: {text:?}");
            tried += 1;
        }
        let upper = phrase.to_uppercase();
        assert!(fires(id, &upper), "{id}: {upper:?}");
    });
    assert!(tried > 1_000, "{tried}");
}

#[test]
fn no_rule_fires_on_a_negated_phrase() {
    for_every_phrase(|id, phrase, fires| {
        for form in NEGATED {
            let text = form.replace("{}", phrase);
            assert!(!fires(id, &text), "{id}: {text:?}");
        }
    });
}

#[test]
fn near_misses_raise_nothing() {
    let rules = RuleSet::embedded();
    let cases: [(&[&str], Option<f64>, &[&str]); 31] = [
        (&["painting the fence", "sore arms"], Some(40.0), &[]),
        (&["chest infection", "cough"], Some(40.0), &[]),
        (&["heartburn after meals"], Some(40.0), &[]),
        (&["sore throat", "throat is sore"], Some(20.0), &[]),
        (&["hay fever"], Some(0.1), &[]),
        (&["fever blister on my lip"], Some(0.1), &[]),
        (&["hay fever", "stiff neck"], Some(30.0), &[]),
        (&["fever"], Some(30.0), &[]),
        (&["fever"], Some(0.25), &[]),
        (&["fever"], None, &[]),
        (&["fever", "neck pain"], Some(30.0), &[]),
        (&["stiff back", "runny nose"], Some(30.0), &[]),
        (&["arm pain after my vaccine"], Some(30.0), &[]),
        (&["weak arms after the gym"], Some(30.0), &[]),
        (&["I feel weak", "headache"], Some(30.0), &[]),
        (&["speech therapy follow up"], Some(5.0), &[]),
        (&["this headache is killing me"], Some(30.0), &[]),
        (&["dead tired", "dying for a coffee"], Some(30.0), &[]),
        (&["bleeding gums", "small cut"], Some(30.0), &[]),
        (&["the bleeding stopped"], Some(30.0), &[]),
        (&["dizzy", "wheezing"], Some(30.0), &[]),
        (&["wheezing"], Some(30.0), &["asthma", "hay fever"]),
        (&["wheezing"], Some(30.0), &["no history of anaphylaxis"]),
        (&["short of breath climbing stairs"], Some(60.0), &[]),
        (&["confused", "no shivering"], Some(80.0), &[]),
        (&["no fever", "confused"], Some(80.0), &[]),
        (&["rash", "itchy skin"], Some(6.0), &[]),
        (&["I can breathe fine"], Some(30.0), &[]),
        (&["no chest pain, no fever, no cough"], Some(30.0), &[]),
        (&["denies suicidal thoughts"], Some(30.0), &[]),
        (&["not suicidal"], Some(30.0), &[]),
    ];
    for (symptoms, age, history) in cases {
        assert_eq!(
            ids(rules, symptoms, age, history),
            Vec::<String>::new(),
            "{symptoms:?} {age:?} {history:?}"
        );
    }
}

#[test]
fn realistic_requests_raise_exactly_the_expected_flags() {
    let rules = RuleSet::embedded();
    let adult = Some(45.0);
    // (symptoms, age, history, expected flags in rule order)
    type Case = (
        &'static [&'static str],
        Option<f64>,
        &'static [&'static str],
        &'static [&'static str],
    );
    let cases: [Case; 30] = [
        (
            &["crushing chest pain radiating to my left arm"],
            adult,
            &[],
            &["heart_attack_chest_discomfort"],
        ),
        (
            &["Sweating", "CHEST PAIN!!!"],
            adult,
            &[],
            &["heart_attack_chest_discomfort"],
        ),
        (
            &["chest pain", "crushing chest pain", "pain in my chest"],
            adult,
            &[],
            &["heart_attack_chest_discomfort"],
        ),
        (
            &["no fever but chest pain"],
            adult,
            &[],
            &["heart_attack_chest_discomfort"],
        ),
        (
            &["no fever and chest pain"],
            adult,
            &[],
            &["heart_attack_chest_discomfort"],
        ),
        (&["no fever or chest pain"], adult, &[], &[]),
        (
            &["never had chest pain like this before"],
            adult,
            &[],
            &["heart_attack_chest_discomfort"],
        ),
        (
            &["no relief from the chest pain"],
            adult,
            &[],
            &["heart_attack_chest_discomfort"],
        ),
        (
            &["chest\u{2010}pain"],
            adult,
            &[],
            &["heart_attack_chest_discomfort"],
        ),
        (
            &["my face is drooping on one side"],
            Some(70.0),
            &[],
            &["stroke_fast"],
        ),
        (
            &["Dad's speech is slurred and his arm is weak"],
            Some(70.0),
            &[],
            &["stroke_fast"],
        ),
        (
            &["worst headache of my life"],
            adult,
            &[],
            &["stroke_sudden_signs"],
        ),
        (
            &["Can\u{2019}t Breathe"],
            adult,
            &[],
            &["severe_breathing_difficulty"],
        ),
        (
            &["throat is closing up after eating peanuts"],
            Some(20.0),
            &[],
            &["anaphylaxis_airway"],
        ),
        (
            &["wheezing", "hives"],
            Some(20.0),
            &["anaphylaxis to peanuts"],
            &["anaphylaxis_known_allergy"],
        ),
        (
            &["feeling faint"],
            Some(9.0),
            &["carries an EpiPen"],
            &["anaphylaxis_known_allergy"],
        ),
        (
            &["cut my leg and the bleeding won't stop"],
            adult,
            &[],
            &["severe_bleeding"],
        ),
        (
            &["I want to kill myself"],
            Some(17.0),
            &[],
            &["suicidal_intent"],
        ),
        (
            &["I don't want to live anymore"],
            Some(17.0),
            &[],
            &["suicidal_intent"],
        ),
        (
            &["I have no fever and no reason to live"],
            Some(17.0),
            &[],
            &["suicidal_intent"],
        ),
        (&["fever"], Some(0.1), &[], &["infant_fever"]),
        (
            &["feels hot to the touch", "not feeding"],
            Some(0.2),
            &[],
            &["infant_fever"],
        ),
        (
            &["high temperature", "stiff neck"],
            Some(20.0),
            &[],
            &["meningitis_fever_stiff_neck"],
        ),
        (
            &["fever", "rash that doesn't fade under a glass"],
            Some(4.0),
            &[],
            &["non_blanching_rash"],
        ),
        (
            &["fever", "confused", "heart racing"],
            Some(80.0),
            &[],
            &["sepsis_signs"],
        ),
        (
            &["UTI", "very confused today"],
            Some(80.0),
            &[],
            &["sepsis_signs"],
        ),
        (&["fever", "not short of breath"], Some(80.0), &[], &[]),
        (
            &["he is unconscious"],
            adult,
            &[],
            &["unresponsive_or_seizure"],
        ),
        (
            &["severe bleeding", "chest pain"],
            adult,
            &[],
            &["heart_attack_chest_discomfort", "severe_bleeding"],
        ),
        (
            &["fever", "stiff neck", "can't breathe", "confused"],
            Some(0.1),
            &[],
            &[
                "severe_breathing_difficulty",
                "infant_fever",
                "meningitis_fever_stiff_neck",
                "sepsis_signs",
            ],
        ),
    ];
    for (symptoms, age, history, expected) in cases {
        assert_eq!(
            ids(rules, symptoms, age, history),
            expected,
            "{symptoms:?} {age:?} {history:?}"
        );
    }
}

#[test]
fn age_conditions_bound_the_infant_fever_rule() {
    let rules = RuleSet::embedded();
    let cases = [
        (Some(0.0), true),
        (Some(0.1), true),
        (Some(0.249), true),
        (Some(0.25), false),
        (Some(2.0), false),
        (Some(40.0), false),
        (None, false),
        (Some(f64::NAN), false),
    ];
    for (age, expected) in cases {
        let flags = ids(rules, &["feverish"], age, &[]);
        assert_eq!(
            flags.iter().any(|f| f == "infant_fever"),
            expected,
            "{age:?}"
        );
    }
}

#[test]
fn history_conditions_need_an_affirmed_history_entry() {
    let rules = RuleSet::embedded();
    let cases: [(&[&str], bool); 7] = [
        (&["anaphylaxis"], true),
        (&["diabetes", "severe allergy to bee stings"], true),
        (&["prescribed an epi-pen"], true),
        (&[], false),
        (&["asthma"], false),
        (&["no history of anaphylaxis"], false),
        (&["denies severe allergies"], false),
    ];
    for (history, expected) in cases {
        let flags = ids(rules, &["wheezy"], Some(30.0), history);
        assert_eq!(
            flags.iter().any(|f| f == "anaphylaxis_known_allergy"),
            expected,
            "{history:?}"
        );
    }
}

#[test]
fn the_floor_is_the_highest_min_level_of_the_flags() {
    let rules = RuleSet::embedded();
    // (symptoms, age, floor)
    let cases: [(&[&str], f64, Option<RiskLevel>); 4] = [
        (&["runny nose"], 30.0, None),
        (&["fever"], 0.1, Some(RiskLevel::High)),
        (&["fever", "confused"], 80.0, Some(RiskLevel::High)),
        (
            &["fever", "confused", "chest pain"],
            80.0,
            Some(RiskLevel::Critical),
        ),
    ];
    for (symptoms, age, expected) in cases {
        let flags = rules.evaluate(&PatientFacts {
            symptoms,
            age_years: Some(age),
            medical_history: &[],
        });
        assert_eq!(floor(&flags), expected, "{symptoms:?}");
    }
}

#[test]
fn flags_serialise_with_their_source() {
    let rules = RuleSet::embedded();
    let flags = rules.evaluate(&PatientFacts {
        symptoms: &["slurred speech"],
        age_years: Some(70.0),
        medical_history: &[],
    });
    let json = serde_json::to_value(flags).unwrap();
    assert_eq!(json[0]["id"], "stroke_fast");
    assert_eq!(json[0]["min_level"], "critical");
    assert_eq!(
        json[0]["source"]["organisation"],
        "American Stroke Association"
    );
    assert!(json[0]["source"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert!(json[0]["finding"].as_str().unwrap().contains("stroke"));
}

#[test]
fn the_readme_lists_every_rule_with_its_source() {
    let readme = include_str!("README.md");
    let document = document();
    for rule in document["rules"].as_array().unwrap() {
        for text in [
            &rule["id"],
            &rule["source"]["url"],
            &rule["source"]["title"],
        ] {
            let text = text.as_str().unwrap();
            assert!(readme.contains(text), "README.md does not mention {text}");
        }
        assert!(readme.contains(rule["min_level"].as_str().unwrap()));
    }
}
