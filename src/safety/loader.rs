//! Reading and validating a rule file: every field is checked, and the first
//! problem is reported with its rule and its exact JSON path.

use serde_json::{Map, Value};

use super::error::RuleSetError;
use super::level::RiskLevel;
use super::matcher::Vocabulary;
use super::flags::Source;
use super::json_path::JsonPath;
use super::rule::{AgeRange, Rule};
use super::text::Words;

// Limits that keep an operator's file, and so every evaluation, small.

/// Concepts per file.
const MAX_CONCEPTS: usize = 1_000;
/// Phrases per concept.
const MAX_PHRASES: usize = 200;
/// Characters per phrase (a symptom has at most 100).
const MAX_PHRASE_CHARS: usize = 100;
/// Normalised words per phrase.
const MAX_PHRASE_WORDS: usize = 12;
/// Rules per file.
const MAX_RULES: usize = 500;
/// Groups in `symptoms` or `history`.
const MAX_GROUPS: usize = 8;
/// Concepts per group.
const MAX_GROUP_CONCEPTS: usize = 32;
/// Characters of an id, a concept name or a version.
const MAX_NAME_CHARS: usize = 64;
/// Characters of a finding.
const MAX_FINDING_CHARS: usize = 300;
/// Characters of a source's organisation or title.
const MAX_SOURCE_CHARS: usize = 200;
/// Characters of a source's URL.
const MAX_URL_CHARS: usize = 500;
/// Characters of a reviewer's note.
const MAX_NOTE_CHARS: usize = 2_000;
/// The oldest age a rule may name.
const MAX_AGE_YEARS: f64 = 150.0;

const TOP_FIELDS: [&str; 3] = ["version", "concepts", "rules"];
const CONCEPT_FIELDS: [&str; 3] = ["name", "phrases", "except"];
const RULE_FIELDS: [&str; 9] = [
    "id",
    "finding",
    "source",
    "min_level",
    "symptoms",
    "history",
    "age_years",
    "negatable",
    "note",
];
const SOURCE_FIELDS: [&str; 3] = ["organisation", "title", "url"];
const AGE_FIELDS: [&str; 2] = ["at_least", "below"];

type Result<T> = std::result::Result<T, RuleSetError>;

/// What a rule file holds once validated: the parts of a rule set.
#[derive(Debug, Clone)]
pub(crate) struct LoadedRules {
    pub version: String,
    pub vocabulary: Vocabulary,
    pub rules: Vec<Rule>,
}

/// Reads a rule file; with a `base`, as an extension of it.
pub(crate) fn load(json: &str, base: Option<LoadedRules>) -> Result<LoadedRules> {
    let document: Value = serde_json::from_str(json)
        .map_err(|e| RuleSetError::new(None, "", format!("not valid JSON: {e}")))?;
    let root = JsonPath::Root;
    let top = object(&document, None, &root)?;
    known_fields(top, &TOP_FIELDS, None, &root)?;
    let version = version(top.get("version"))?;
    let (version, mut vocabulary, mut rules) = match base {
        Some(base) => (
            format!("{}+{version}", base.version),
            base.vocabulary,
            base.rules,
        ),
        None => (version, Vocabulary::default(), Vec::new()),
    };
    read_concepts(top.get("concepts"), &mut vocabulary)?;
    read_rules(top.get("rules"), &vocabulary, &mut rules)?;
    Ok(LoadedRules {
        version,
        vocabulary,
        rules,
    })
}

fn version(value: Option<&Value>) -> Result<String> {
    let path = JsonPath::Root.field("version");
    let version = required(value, None, &path)?;
    let Some(text) = version.as_str() else {
        return Err(RuleSetError::new(None, path, "must be a string"));
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if text.is_empty() || text.chars().count() > MAX_NAME_CHARS || !text.chars().all(allowed) {
        return Err(RuleSetError::new(
            None,
            path,
            format!("must be 1 to {MAX_NAME_CHARS} letters, digits, '.', '_' or '-'"),
        ));
    }
    Ok(text.to_owned())
}

fn read_concepts(value: Option<&Value>, vocabulary: &mut Vocabulary) -> Result<()> {
    // Optional: an extension may use only the base set's concepts.
    let Some(value) = value else {
        return Ok(());
    };
    let concepts_path = JsonPath::Root.field("concepts");
    let concepts = array(value, None, &concepts_path, MAX_CONCEPTS)?;
    let mut words = Words::default();
    for (i, concept) in concepts.iter().enumerate() {
        let path = concepts_path.item(i);
        let map = object(concept, None, &path)?;
        known_fields(map, &CONCEPT_FIELDS, None, &path)?;
        let name_path = path.field("name");
        let name = identifier(
            required(map.get("name"), None, &name_path)?,
            None,
            &name_path,
        )?;
        if vocabulary.find(name).is_some() {
            return Err(RuleSetError::new(
                None,
                name_path,
                format!("duplicate concept \"{name}\""),
            ));
        }
        let phrases_path = path.field("phrases");
        let phrases = required(map.get("phrases"), None, &phrases_path)?;
        let phrases = phrase_list(phrases, &phrases_path, &mut words)?;
        let except_path = path.field("except");
        let excepts = match map.get("except") {
            Some(value) => phrase_list(value, &except_path, &mut words)?,
            None => Vec::new(),
        };
        for (k, except) in excepts.iter().enumerate() {
            let inside = |phrase: &Vec<String>| {
                except
                    .windows(phrase.len().max(1))
                    .any(|window| window == phrase.as_slice())
            };
            if !phrases.iter().any(inside) {
                return Err(RuleSetError::new(
                    None,
                    except_path.item(k),
                    "contains none of the concept's phrases, so it excepts nothing",
                ));
            }
        }
        vocabulary.add(name, phrases, excepts);
    }
    Ok(())
}

/// A non-empty list of phrases, each normalised to 1 to [`MAX_PHRASE_WORDS`]
/// words in one clause, none repeated once normalised.
fn phrase_list(value: &Value, path: &JsonPath<'_>, words: &mut Words) -> Result<Vec<Vec<String>>> {
    let phrases = array(value, None, path, MAX_PHRASES)?;
    let mut normalised: Vec<Vec<String>> = Vec::with_capacity(phrases.len());
    for (k, phrase) in phrases.iter().enumerate() {
        let phrase_path = path.item(k);
        let text = text(phrase, None, &phrase_path, MAX_PHRASE_CHARS)?;
        words.split(text);
        let problem = if words.len() == 0 {
            Some(
                "normalises to no words (only punctuation, filler or clause-break words)"
                    .to_owned(),
            )
        } else if words.clause_count() > 1 {
            Some(
                "spans a clause break (punctuation or a word such as and/but), so it can never match"
                    .to_owned(),
            )
        } else if words.len() > MAX_PHRASE_WORDS {
            Some(format!("has more than {MAX_PHRASE_WORDS} words"))
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(RuleSetError::new(None, phrase_path, problem));
        }
        let phrase: Vec<String> = words.iter().map(str::to_owned).collect();
        if normalised.contains(&phrase) {
            return Err(RuleSetError::new(
                None,
                phrase_path,
                format!(
                    "repeats an earlier phrase once normalised (\"{}\")",
                    phrase.join(" ")
                ),
            ));
        }
        normalised.push(phrase);
    }
    Ok(normalised)
}

fn read_rules(value: Option<&Value>, vocabulary: &Vocabulary, rules: &mut Vec<Rule>) -> Result<()> {
    let path = JsonPath::Root.field("rules");
    let list = array(required(value, None, &path)?, None, &path, MAX_RULES)?;
    for (i, value) in list.iter().enumerate() {
        let rule = read_rule(value, &path.item(i), vocabulary)?;
        if rules.iter().any(|r| r.id == rule.id) {
            return Err(RuleSetError::new(
                Some(&rule.id),
                path.item(i).field("id"),
                format!("duplicate rule id \"{}\"", rule.id),
            ));
        }
        rules.push(rule);
    }
    Ok(())
}

fn read_rule(value: &Value, path: &JsonPath<'_>, vocabulary: &Vocabulary) -> Result<Rule> {
    let map = object(value, None, path)?;
    // Errors name the rule by its id whenever the id is at least a string.
    let rule = map.get("id").and_then(Value::as_str);
    known_fields(map, &RULE_FIELDS, rule, path)?;
    let field = |name| path.field(name);

    let id = identifier(
        required(map.get("id"), rule, &field("id"))?,
        rule,
        &field("id"),
    )?;
    let finding = text(
        required(map.get("finding"), rule, &field("finding"))?,
        rule,
        &field("finding"),
        MAX_FINDING_CHARS,
    )?;
    let source = read_source(
        required(map.get("source"), rule, &field("source"))?,
        rule,
        &field("source"),
    )?;

    let level_path = field("min_level");
    let level = required(map.get("min_level"), rule, &level_path)?;
    let Some(min_level) = level.as_str().and_then(RiskLevel::from_name) else {
        return Err(RuleSetError::new(
            rule,
            level_path,
            "must be one of \"low\", \"moderate\", \"high\", \"critical\"",
        ));
    };

    let symptoms = groups(
        required(map.get("symptoms"), rule, &field("symptoms"))?,
        rule,
        &field("symptoms"),
        vocabulary,
    )?;
    let history = match map.get("history") {
        Some(value) => groups(value, rule, &field("history"), vocabulary)?,
        None => Vec::new(),
    };
    let age = match map.get("age_years") {
        Some(value) => Some(age_range(value, rule, &field("age_years"))?),
        None => None,
    };
    let negatable = match map.get("negatable") {
        Some(Value::Bool(negatable)) => *negatable,
        Some(_) => {
            return Err(RuleSetError::new(
                rule,
                field("negatable"),
                "must be true or false",
            ));
        }
        None => true,
    };
    if let Some(note) = map.get("note") {
        text(note, rule, &field("note"), MAX_NOTE_CHARS)?;
    }
    Ok(Rule {
        id: id.to_owned(),
        finding: finding.to_owned(),
        source,
        min_level,
        symptoms,
        history,
        age,
        negatable,
    })
}

fn read_source(value: &Value, rule: Option<&str>, path: &JsonPath<'_>) -> Result<Source> {
    let map = object(value, rule, path)?;
    known_fields(map, &SOURCE_FIELDS, rule, path)?;
    let read = |name: &str, max: usize| -> Result<String> {
        let field = path.field(name);
        let value = required(map.get(name), rule, &field)?;
        Ok(text(value, rule, &field, max)?.to_owned())
    };
    let organisation = read("organisation", MAX_SOURCE_CHARS)?;
    let title = read("title", MAX_SOURCE_CHARS)?;
    let url = read("url", MAX_URL_CHARS)?;
    if !url.starts_with("https://")
        || url.len() <= "https://".len()
        || url.contains(char::is_whitespace)
    {
        return Err(RuleSetError::new(
            rule,
            path.field("url"),
            "must be an https:// address without spaces",
        ));
    }
    Ok(Source {
        organisation,
        title,
        url,
    })
}

/// `[["concept", …], …]`: every group must match, any concept in a group.
fn groups(
    value: &Value,
    rule: Option<&str>,
    path: &JsonPath<'_>,
    vocabulary: &Vocabulary,
) -> Result<Vec<Vec<usize>>> {
    let list = array(value, rule, path, MAX_GROUPS)?;
    let mut groups = Vec::with_capacity(list.len());
    for (g, group) in list.iter().enumerate() {
        let group_path = path.item(g);
        let names = array(group, rule, &group_path, MAX_GROUP_CONCEPTS)?;
        let mut concepts = Vec::with_capacity(names.len());
        for (c, name) in names.iter().enumerate() {
            let name_path = group_path.item(c);
            let Some(name) = name.as_str() else {
                return Err(RuleSetError::new(rule, name_path, "must be a concept name"));
            };
            let Some(concept) = vocabulary.find(name) else {
                return Err(RuleSetError::new(
                    rule,
                    name_path,
                    format!("unknown concept \"{name}\""),
                ));
            };
            concepts.push(concept);
        }
        groups.push(concepts);
    }
    Ok(groups)
}

fn age_range(value: &Value, rule: Option<&str>, path: &JsonPath<'_>) -> Result<AgeRange> {
    let map = object(value, rule, path)?;
    known_fields(map, &AGE_FIELDS, rule, path)?;
    let bound = |name: &str| -> Result<Option<f64>> {
        let Some(value) = map.get(name) else {
            return Ok(None);
        };
        match value.as_f64() {
            Some(years) if (0.0..=MAX_AGE_YEARS).contains(&years) => Ok(Some(years)),
            _ => Err(RuleSetError::new(
                rule,
                path.field(name),
                format!("must be a number of years from 0 to {MAX_AGE_YEARS}"),
            )),
        }
    };
    let range = AgeRange {
        at_least: bound("at_least")?,
        below: bound("below")?,
    };
    match (range.at_least, range.below) {
        (None, None) => Err(RuleSetError::new(
            rule,
            path,
            "needs at_least, below or both; leave age_years out for every age",
        )),
        (Some(min), Some(max)) if min >= max => Err(RuleSetError::new(
            rule,
            path,
            format!("at_least ({min}) must be less than below ({max})"),
        )),
        _ => Ok(range),
    }
}

fn required<'v>(value: Option<&'v Value>, rule: Option<&str>, path: &JsonPath<'_>) -> Result<&'v Value> {
    value.ok_or_else(|| RuleSetError::new(rule, path, "missing"))
}

fn object<'v>(
    value: &'v Value,
    rule: Option<&str>,
    path: &JsonPath<'_>,
) -> Result<&'v Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| RuleSetError::new(rule, path, "must be a JSON object"))
}

/// A non-empty array of at most `max` items.
fn array<'v>(
    value: &'v Value,
    rule: Option<&str>,
    path: &JsonPath<'_>,
    max: usize,
) -> Result<&'v [Value]> {
    match value.as_array() {
        Some(items) if items.is_empty() => Err(RuleSetError::new(rule, path, "must not be empty")),
        Some(items) if items.len() > max => Err(RuleSetError::new(
            rule,
            path,
            format!("must have at most {max} items"),
        )),
        Some(items) => Ok(items),
        None => Err(RuleSetError::new(rule, path, "must be an array")),
    }
}

fn known_fields(
    map: &Map<String, Value>,
    allowed: &[&str],
    rule: Option<&str>,
    path: &JsonPath<'_>,
) -> Result<()> {
    match map.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(RuleSetError::new(
            rule,
            path.field(key),
            format!("unknown field (expected {})", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

/// A string with visible text, no control characters, at most `max` chars.
fn text<'v>(
    value: &'v Value,
    rule: Option<&str>,
    path: &JsonPath<'_>,
    max: usize,
) -> Result<&'v str> {
    let Some(text) = value.as_str() else {
        return Err(RuleSetError::new(rule, path, "must be a string"));
    };
    if text.trim().is_empty() {
        return Err(RuleSetError::new(rule, path, "must not be blank"));
    }
    if text.chars().count() > max {
        return Err(RuleSetError::new(
            rule,
            path,
            format!("must be at most {max} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(RuleSetError::new(
            rule,
            path,
            "must not contain control characters",
        ));
    }
    Ok(text)
}

/// `[a-z][a-z0-9_]*`, at most [`MAX_NAME_CHARS`]: ids and concept names are
/// used in metrics and logs.
fn identifier<'v>(value: &'v Value, rule: Option<&str>, path: &JsonPath<'_>) -> Result<&'v str> {
    let valid = value.as_str().filter(|name| {
        name.len() <= MAX_NAME_CHARS
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    });
    valid.ok_or_else(|| {
        RuleSetError::new(
            rule,
            path,
            format!("must be a string of 1 to {MAX_NAME_CHARS} characters: a-z first, then a-z, 0-9 or _"),
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::{PatientFacts, RiskLevel, RuleSet, RuleSetError};

    fn valid() -> Value {
        json!({
            "version": "test.1",
            "concepts": [
                { "name": "fever", "phrases": ["fever", "high temperature"], "except": ["hay fever"] },
                { "name": "stiff_neck", "phrases": ["stiff neck"] }
            ],
            "rules": [
                {
                    "id": "fever_stiff_neck",
                    "finding": "A fever with a stiff neck needs care now.",
                    "source": { "organisation": "Org", "title": "Page", "url": "https://example.org/page" },
                    "min_level": "critical",
                    "symptoms": [["fever"], ["stiff_neck"]]
                },
                {
                    "id": "infant_fever",
                    "finding": "A fever in a young baby needs a doctor.",
                    "source": { "organisation": "Org", "title": "Page", "url": "https://example.org/baby" },
                    "min_level": "high",
                    "symptoms": [["fever"]],
                    "age_years": { "below": 0.25 },
                    "negatable": true,
                    "note": "a note for reviewers"
                }
            ]
        })
    }

    fn flags(
        rules: &RuleSet,
        symptoms: &[&str],
        age: Option<f64>,
        history: &[&str],
    ) -> Vec<String> {
        rules
            .evaluate(&PatientFacts {
                symptoms,
                age_years: age,
                medical_history: history,
            })
            .iter()
            .map(|f| f.id.to_owned())
            .collect()
    }

    #[test]
    fn a_replacement_set_is_what_evaluates() {
        let rules = RuleSet::from_json(&valid().to_string()).unwrap();
        assert_eq!(rules.version(), "test.1");
        assert_eq!(
            rules.rule_ids().collect::<Vec<_>>(),
            ["fever_stiff_neck", "infant_fever"]
        );
        assert_eq!(
            flags(&rules, &["fever", "stiff neck"], Some(30.0), &[]),
            ["fever_stiff_neck"]
        );
        assert_eq!(
            flags(&rules, &["high temperature"], Some(0.1), &[]),
            ["infant_fever"]
        );
        assert!(flags(&rules, &["hay fever", "stiff neck"], Some(30.0), &[]).is_empty());
        // The embedded rules are gone: chest pain is not in this set.
        assert!(flags(&rules, &["chest pain"], Some(30.0), &[]).is_empty());
    }

    #[test]
    fn an_extension_adds_rules_after_the_base_and_may_use_its_concepts() {
        let base = RuleSet::from_json(&valid().to_string()).unwrap();
        let extension = json!({
            "version": "acme.3",
            "concepts": [{ "name": "neck_pain", "phrases": ["neck pain", "sore neck"] }],
            "rules": [{
                "id": "acme_fever_neck_pain",
                "finding": "Fever with neck pain: call us.",
                "source": { "organisation": "Acme Health", "title": "Local protocol", "url": "https://acme.example/protocol" },
                "min_level": "moderate",
                "symptoms": [["fever"], ["neck_pain"]]
            }]
        });
        let extended = base.extended_with(&extension.to_string()).unwrap();
        assert_eq!(extended.version(), "test.1+acme.3");
        assert_eq!(
            extended.rule_ids().collect::<Vec<_>>(),
            ["fever_stiff_neck", "infant_fever", "acme_fever_neck_pain"]
        );
        assert_eq!(
            flags(
                &extended,
                &["fever", "sore neck", "stiff neck"],
                Some(0.1),
                &[]
            ),
            ["fever_stiff_neck", "infant_fever", "acme_fever_neck_pain"]
        );
        // The base is unchanged.
        assert_eq!(base.rule_ids().count(), 2);
        let flag = extended.evaluate(&PatientFacts {
            symptoms: &["fever", "neck pain"],
            age_years: Some(40.0),
            medical_history: &[],
        });
        assert_eq!(flag[0].min_level, RiskLevel::Moderate);
        assert_eq!(flag[0].source.organisation, "Acme Health");
    }

    #[test]
    fn the_embedded_set_can_be_extended() {
        let extension = json!({
            "version": "site-2",
            "rules": [{
                "id": "site_chest_pain_with_fever",
                "finding": "Chest pain with a fever.",
                "source": { "organisation": "Site", "title": "Protocol", "url": "https://site.example/" },
                "min_level": "high",
                "symptoms": [["chest_discomfort"], ["fever"]]
            }]
        });
        let extended = RuleSet::embedded()
            .extended_with(&extension.to_string())
            .unwrap();
        assert_eq!(extended.version(), "2026-12-06.1+site-2");
        assert_eq!(
            flags(&extended, &["chest pain", "fever"], Some(50.0), &[]),
            [
                "heart_attack_chest_discomfort",
                "site_chest_pain_with_fever"
            ]
        );
    }

    #[test]
    fn an_extension_may_not_reuse_a_rule_id_or_concept_name() {
        let base = RuleSet::from_json(&valid().to_string()).unwrap();
        let mut same_id = valid();
        same_id["concepts"] = json!([{ "name": "other", "phrases": ["other"] }]);
        same_id["rules"][0]["symptoms"] = json!([["other"]]);
        same_id["rules"].as_array_mut().unwrap().truncate(1);
        let error = base.extended_with(&same_id.to_string()).unwrap_err();
        assert_eq!(error.rule.as_deref(), Some("fever_stiff_neck"));
        assert_eq!(error.field, "rules[0].id");
        assert!(error.message.contains("duplicate"), "{error}");

        let error = base.extended_with(&valid().to_string()).unwrap_err();
        assert_eq!(
            (error.rule, error.field.as_str()),
            (None, "concepts[0].name")
        );
        assert!(error.message.contains("duplicate concept \"fever\""));
    }

    #[test]
    fn a_non_negatable_rule_counts_denied_mentions() {
        let mut doc = valid();
        doc["rules"][1]["negatable"] = json!(false);
        let rules = RuleSet::from_json(&doc.to_string()).unwrap();
        assert_eq!(
            flags(&rules, &["no fever"], Some(0.1), &[]),
            ["infant_fever"]
        );
        // The negatable rule still reads the denial.
        assert!(flags(&rules, &["no fever", "stiff neck"], Some(30.0), &[]).is_empty());
    }

    #[test]
    fn history_groups_are_matched_against_the_history() {
        let mut doc = valid();
        doc["concepts"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "name": "transplant", "phrases": ["kidney transplant"] }));
        doc["rules"][0]["symptoms"] = json!([["fever"]]);
        doc["rules"][0]["history"] = json!([["transplant"]]);
        let rules = RuleSet::from_json(&doc.to_string()).unwrap();
        let cases: [(&[&str], &[&str], bool); 5] = [
            (&["fever"], &["kidney transplant 2019"], true),
            (&["fever"], &[], false),
            (&["fever"], &["no kidney transplant"], false),
            (&["kidney transplant"], &["fever"], false),
            (&["no fever"], &["kidney transplant"], false),
        ];
        for (symptoms, history, expected) in cases {
            let got = flags(&rules, symptoms, Some(30.0), history);
            assert_eq!(
                got.contains(&"fever_stiff_neck".to_owned()),
                expected,
                "{symptoms:?} {history:?}"
            );
        }
    }

    /// Applies `change` to the valid document and loads it.
    fn load_changed(change: impl FnOnce(&mut Value)) -> RuleSetError {
        let mut doc = valid();
        change(&mut doc);
        RuleSet::from_json(&doc.to_string()).unwrap_err()
    }

    #[test]
    fn every_problem_is_named_by_rule_and_field() {
        type Change = Box<dyn FnOnce(&mut Value)>;
        let set = |pointer: &'static str, value: Value| -> Change {
            Box::new(move |doc: &mut Value| *doc.pointer_mut(pointer).unwrap() = value)
        };
        let remove = |pointer: &'static str, key: &'static str| -> Change {
            Box::new(move |doc: &mut Value| {
                doc.pointer_mut(pointer)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .remove(key);
            })
        };
        let insert = |pointer: &'static str, key: &'static str, value: Value| -> Change {
            Box::new(move |doc: &mut Value| {
                doc.pointer_mut(pointer)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .insert(key.to_owned(), value);
            })
        };
        let long = "x".repeat(301);
        let fever = Some("fever_stiff_neck");
        let infant = Some("infant_fever");
        // (change, rule, field, part of the message)
        let cases: Vec<(Change, Option<&str>, &str, &str)> = vec![
            (set("", json!([])), None, "", "must be a JSON object"),
            (
                insert("", "extra", json!(1)),
                None,
                "extra",
                "unknown field",
            ),
            (remove("", "version"), None, "version", "missing"),
            (
                set("/version", json!(3)),
                None,
                "version",
                "must be a string",
            ),
            (
                set("/version", json!("2026 12")),
                None,
                "version",
                "letters, digits",
            ),
            (
                set("/version", json!("")),
                None,
                "version",
                "letters, digits",
            ),
            (
                set("/concepts", json!({})),
                None,
                "concepts",
                "must be an array",
            ),
            (
                set("/concepts", json!([])),
                None,
                "concepts",
                "must not be empty",
            ),
            (
                set("/concepts/0", json!("fever")),
                None,
                "concepts[0]",
                "must be a JSON object",
            ),
            (
                insert("/concepts/0", "synonyms", json!([])),
                None,
                "concepts[0].synonyms",
                "unknown field",
            ),
            (
                remove("/concepts/1", "name"),
                None,
                "concepts[1].name",
                "missing",
            ),
            (
                set("/concepts/1/name", json!("Stiff-Neck")),
                None,
                "concepts[1].name",
                "a-z first",
            ),
            (
                set("/concepts/1/name", json!("fever")),
                None,
                "concepts[1].name",
                "duplicate concept",
            ),
            (
                remove("/concepts/1", "phrases"),
                None,
                "concepts[1].phrases",
                "missing",
            ),
            (
                set("/concepts/1/phrases", json!([])),
                None,
                "concepts[1].phrases",
                "must not be empty",
            ),
            (
                set("/concepts/1/phrases", json!("stiff neck")),
                None,
                "concepts[1].phrases",
                "must be an array",
            ),
            (
                set("/concepts/1/phrases/0", json!(5)),
                None,
                "concepts[1].phrases[0]",
                "must be a string",
            ),
            (
                set("/concepts/1/phrases/0", json!("   ")),
                None,
                "concepts[1].phrases[0]",
                "blank",
            ),
            (
                set("/concepts/1/phrases/0", json!("?!.")),
                None,
                "concepts[1].phrases[0]",
                "normalises to no words",
            ),
            (
                set("/concepts/1/phrases/0", json!("the my")),
                None,
                "concepts[1].phrases[0]",
                "normalises to no words",
            ),
            (
                set("/concepts/1/phrases/0", json!("stiff, neck")),
                None,
                "concepts[1].phrases[0]",
                "clause break",
            ),
            (
                set("/concepts/1/phrases/0", json!("stiff and sore neck")),
                None,
                "concepts[1].phrases[0]",
                "clause break",
            ),
            (
                set("/concepts/1/phrases/0", json!("b c d e f g h i j k l m n")),
                None,
                "concepts[1].phrases[0]",
                "more than 12 words",
            ),
            (
                set("/concepts/1/phrases/0", json!("n".repeat(101))),
                None,
                "concepts[1].phrases[0]",
                "at most 100",
            ),
            (
                set("/concepts/1/phrases/0", json!("stiff\u{7}neck")),
                None,
                "concepts[1].phrases[0]",
                "control",
            ),
            (
                set("/concepts/0/phrases/1", json!("FEVER!")),
                None,
                "concepts[0].phrases[1]",
                "repeats an earlier phrase",
            ),
            (
                set("/concepts/0/except", json!([])),
                None,
                "concepts[0].except",
                "must not be empty",
            ),
            (
                set("/concepts/0/except/0", json!("hay")),
                None,
                "concepts[0].except[0]",
                "excepts nothing",
            ),
            (remove("", "rules"), None, "rules", "missing"),
            (set("/rules", json!([])), None, "rules", "must not be empty"),
            (
                set("/rules/1", json!(7)),
                None,
                "rules[1]",
                "must be a JSON object",
            ),
            (
                insert("/rules/0", "severity", json!("high")),
                fever,
                "rules[0].severity",
                "unknown field",
            ),
            (remove("/rules/1", "id"), None, "rules[1].id", "missing"),
            (
                set("/rules/1/id", json!("Infant Fever")),
                Some("Infant Fever"),
                "rules[1].id",
                "a-z first",
            ),
            (
                set("/rules/1/id", json!("fever_stiff_neck")),
                fever,
                "rules[1].id",
                "duplicate rule id",
            ),
            (
                remove("/rules/1", "finding"),
                infant,
                "rules[1].finding",
                "missing",
            ),
            (
                set("/rules/1/finding", json!("")),
                infant,
                "rules[1].finding",
                "blank",
            ),
            (
                set("/rules/1/finding", json!(long)),
                infant,
                "rules[1].finding",
                "at most 300",
            ),
            (
                remove("/rules/0", "source"),
                fever,
                "rules[0].source",
                "missing",
            ),
            (
                set("/rules/0/source", json!("AHA")),
                fever,
                "rules[0].source",
                "must be a JSON object",
            ),
            (
                insert("/rules/0/source", "year", json!(2026)),
                fever,
                "rules[0].source.year",
                "unknown field",
            ),
            (
                remove("/rules/0/source", "title"),
                fever,
                "rules[0].source.title",
                "missing",
            ),
            (
                set("/rules/0/source/organisation", json!(" ")),
                fever,
                "rules[0].source.organisation",
                "blank",
            ),
            (
                set("/rules/0/source/url", json!("http://example.org")),
                fever,
                "rules[0].source.url",
                "https://",
            ),
            (
                set("/rules/0/source/url", json!("https://")),
                fever,
                "rules[0].source.url",
                "https://",
            ),
            (
                set("/rules/0/source/url", json!("https://a b")),
                fever,
                "rules[0].source.url",
                "https://",
            ),
            (
                remove("/rules/0", "min_level"),
                fever,
                "rules[0].min_level",
                "missing",
            ),
            (
                set("/rules/0/min_level", json!("severe")),
                fever,
                "rules[0].min_level",
                "must be one of",
            ),
            (
                set("/rules/0/min_level", json!("Critical")),
                fever,
                "rules[0].min_level",
                "must be one of",
            ),
            (
                set("/rules/0/min_level", json!(3)),
                fever,
                "rules[0].min_level",
                "must be one of",
            ),
            (
                remove("/rules/0", "symptoms"),
                fever,
                "rules[0].symptoms",
                "missing",
            ),
            (
                set("/rules/0/symptoms", json!([])),
                fever,
                "rules[0].symptoms",
                "must not be empty",
            ),
            (
                set("/rules/0/symptoms", json!(["fever"])),
                fever,
                "rules[0].symptoms[0]",
                "must be an array",
            ),
            (
                set("/rules/0/symptoms/1", json!([])),
                fever,
                "rules[0].symptoms[1]",
                "must not be empty",
            ),
            (
                set("/rules/0/symptoms/1", json!(["stiff_neck", "neck_stiff"])),
                fever,
                "rules[0].symptoms[1][1]",
                "unknown concept \"neck_stiff\"",
            ),
            (
                set("/rules/0/symptoms/1", json!([1])),
                fever,
                "rules[0].symptoms[1][0]",
                "concept name",
            ),
            (
                set("/rules/0/symptoms", Value::Array(vec![json!(["fever"]); 9])),
                fever,
                "rules[0].symptoms",
                "at most 8",
            ),
            (
                insert("/rules/0", "history", json!([])),
                fever,
                "rules[0].history",
                "must not be empty",
            ),
            (
                insert("/rules/0", "history", json!([["allergy"]])),
                fever,
                "rules[0].history[0][0]",
                "unknown concept",
            ),
            (
                set("/rules/1/age_years", json!({})),
                infant,
                "rules[1].age_years",
                "needs at_least, below or both",
            ),
            (
                set("/rules/1/age_years", json!([0.25])),
                infant,
                "rules[1].age_years",
                "must be a JSON object",
            ),
            (
                set(
                    "/rules/1/age_years",
                    json!({ "at_least": 1, "below": 0.25 }),
                ),
                infant,
                "rules[1].age_years",
                "must be less than below",
            ),
            (
                set("/rules/1/age_years", json!({ "at_least": 1, "below": 1 })),
                infant,
                "rules[1].age_years",
                "must be less than below",
            ),
            (
                set("/rules/1/age_years", json!({ "at_least": -1 })),
                infant,
                "rules[1].age_years.at_least",
                "from 0 to 150",
            ),
            (
                set("/rules/1/age_years", json!({ "below": 151 })),
                infant,
                "rules[1].age_years.below",
                "from 0 to 150",
            ),
            (
                set("/rules/1/age_years", json!({ "below": "3 months" })),
                infant,
                "rules[1].age_years.below",
                "from 0 to 150",
            ),
            (
                set("/rules/1/age_years", json!({ "max": 1 })),
                infant,
                "rules[1].age_years.max",
                "unknown field",
            ),
            (
                set("/rules/1/negatable", json!("yes")),
                infant,
                "rules[1].negatable",
                "true or false",
            ),
            (
                set("/rules/1/note", json!(5)),
                infant,
                "rules[1].note",
                "must be a string",
            ),
        ];
        for (change, rule, field, message) in cases {
            let error = load_changed(change);
            assert_eq!(
                (error.rule.as_deref(), error.field.as_str()),
                (rule, field),
                "{error}"
            );
            assert!(
                error.message.contains(message),
                "{error} (wanted {message:?})"
            );
        }
    }

    #[test]
    fn text_that_is_not_json_is_refused_as_a_whole() {
        for text in ["", "{", "not json", "{\"version\": \"1\",}"] {
            let error = RuleSet::from_json(text).unwrap_err();
            assert_eq!((error.rule, error.field.as_str()), (None, ""));
            assert!(
                error.message.starts_with("not valid JSON"),
                "{}",
                error.message
            );
        }
    }
}
