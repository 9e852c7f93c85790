//! NegEx-style negation: whether a vocabulary phrase found in a text is
//! denied ("no chest pain", "denies chest pain", "not short of breath").
//!
//! The rule, in full:
//!
//! 1. A *cue* ([`CUES`]: `no`, `not`, `never`, `without`, `denies`, `dont`,
//!    …) negates a phrase that starts at most [`WINDOW`] words after the cue
//!    ends, in the same clause. Clauses end at punctuation and at `and`,
//!    `but`, `however`, … (see `text`), so `no fever or chest pain` denies
//!    both, while `no fever, chest pain`, `no fever but chest pain` and
//!    `no fever and chest pain` deny only the fever.
//! 2. A cue that opens a *pseudo-negation* ([`PSEUDO_NEGATIONS`]: `not sure`,
//!    `no relief`, `not only`, …) negates nothing: "no relief from chest pain"
//!    is chest pain.
//! 3. A cue inside a vocabulary phrase is part of that phrase, not a cue:
//!    `no reason to live` and `rash that does not fade` are findings, and
//!    their `no`/`not` deny nothing after them.
//! 4. A denied phrase followed in its clause by a comparison with the past
//!    ([`CANCELLERS`]: `before`, `until`, `like this`, `this bad`, …) counts as
//!    present: "never had chest pain like this" is new chest pain.
//!
//! The window is shorter than NegEx's five words, and `and` ends a scope, so
//! that in doubt the floor flags: a missed warning sign costs more than an
//! extra one. Not handled: negation after the phrase ("chest pain: none",
//! "chest pain is gone"), hypotheticals ("worried I might get chest pain"),
//! history ("chest pain last year"), double negatives and sarcasm; all of
//! these flag.

use super::text::Words;

/// How many words may stand between a cue's end and a phrase it negates.
pub const WINDOW: usize = 3;

/// Negation cues, as normalised words (apostrophes already removed).
pub const CUES: [&[&str]; 25] = [
    &["no"],
    &["not"],
    &["never"],
    &["without"],
    &["none"],
    &["neither"],
    &["nor"],
    &["deny"],
    &["denies"],
    &["denied"],
    &["denying"],
    &["dont"],
    &["doesnt"],
    &["didnt"],
    &["isnt"],
    &["arent"],
    &["wasnt"],
    &["werent"],
    &["havent"],
    &["hasnt"],
    &["hadnt"],
    &["negative", "for"],
    &["free", "of"],
    &["absence", "of"],
    &["ruled", "out"],
];

/// Phrases that start with a cue but negate nothing.
pub const PSEUDO_NEGATIONS: [&[&str]; 11] = [
    &["not", "only"],
    &["not", "sure"],
    &["not", "certain"],
    &["dont", "know"],
    &["not", "know"],
    &["no", "relief"],
    &["no", "improvement"],
    &["not", "improving"],
    &["no", "change"],
    &["not", "getting", "better"],
    &["not", "helping"],
];

/// Words after a denied phrase that make it a present one.
pub const CANCELLERS: [&[&str]; 9] = [
    &["before"],
    &["until"],
    &["till"],
    &["like", "this"],
    &["like", "that"],
    &["this", "bad"],
    &["so", "bad"],
    &["this", "severe"],
    &["so", "severe"],
];

const LONGEST_CUE: usize = 2;

/// Whether the phrase at words `start..end` of `words` is negated;
/// `in_phrase(i)` says whether word `i` lies inside any vocabulary phrase
/// found in the same text (rule 3).
pub(crate) fn is_negated(
    words: &Words,
    start: usize,
    end: usize,
    in_phrase: impl Fn(usize) -> bool,
) -> bool {
    let Some(clause) = words.clause(start) else {
        return false;
    };
    let first = start.saturating_sub(WINDOW + LONGEST_CUE);
    let has_cue = (first..start).any(|at| {
        words.clause(at) == Some(clause)
            && CUES.iter().any(|cue| {
                let cue_end = at + cue.len(); // one past the cue's last word
                cue_end <= start && start - cue_end <= WINDOW && words.has_at(at, cue)
            })
            && !in_phrase(at)
            && !PSEUDO_NEGATIONS.iter().any(|p| words.has_at(at, p))
    });
    has_cue && !cancelled(words, end, clause)
}

/// Whether a canceller follows `from` in `clause`.
fn cancelled(words: &Words, from: usize, clause: u32) -> bool {
    (from..words.len())
        .take_while(|&i| words.clause(i) == Some(clause))
        .any(|i| CANCELLERS.iter().any(|c| words.has_at(i, c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `phrase` (normalised words) is found in `text` and negated
    /// there, with no other phrases around.
    fn negated(text: &str, phrase: &[&str]) -> bool {
        let mut words = Words::default();
        words.split(text);
        let start = (0..words.len())
            .find(|&i| words.has_at(i, phrase))
            .unwrap_or_else(|| panic!("{phrase:?} not in {text:?}"));
        let end = start + phrase.len();
        is_negated(&words, start, end, |i| (start..end).contains(&i))
    }

    const CHEST_PAIN: &[&str] = &["chest", "pain"];

    #[test]
    fn cues_negate_within_the_window_and_the_clause() {
        let cases = [
            ("chest pain", false),
            ("no chest pain", true),
            ("No chest pain.", true),
            ("denies chest pain", true),
            ("without chest pain", true),
            ("never had chest pain", true),
            ("I don't have chest pain", true),
            ("do not have any chest pain", true),
            ("no fever or chest pain", true),
            ("negative for chest pain", true),
            ("free of chest pain", true),
            ("neither fever nor chest pain", true),
            ("no history of chest pain", true),
            // Four words between cue and phrase: outside the window.
            ("no sleep for three days chest pain", false),
            ("no fever but chest pain", false),
            ("no fever, chest pain", false),
            ("no fever; chest pain", false),
            ("no fever. chest pain", false),
            ("no fever and chest pain", false),
            ("no fever however chest pain", false),
            // After the phrase: not handled, so it flags.
            ("chest pain, no fever", false),
            ("chest pain not anxiety", false),
        ];
        for (text, expected) in cases {
            assert_eq!(negated(text, CHEST_PAIN), expected, "{text:?}");
        }
    }

    #[test]
    fn pseudo_negations_and_cancellers_keep_the_phrase() {
        let cases = [
            ("not sure if chest pain", false),
            ("no relief from chest pain", false),
            ("not only chest pain", false),
            ("not getting better chest pain", false),
            ("never had chest pain like this", false),
            ("never had chest pain before", false),
            ("no chest pain until today", false),
            ("never chest pain this bad", false),
            // A canceller in the next clause does not count.
            ("never had chest pain, like this", true),
        ];
        for (text, expected) in cases {
            assert_eq!(negated(text, CHEST_PAIN), expected, "{text:?}");
        }
    }

    #[test]
    fn a_cue_inside_another_phrase_is_not_a_cue() {
        let mut words = Words::default();
        words.split("not able to breathe chest pain");
        // "not able to breathe" is a phrase at 0..4; chest pain at 4..6.
        let in_phrases = |i: usize| i < 6;
        assert!(!is_negated(&words, 4, 6, in_phrases));
        // Were "not" a free cue, chest pain would be denied.
        assert!(is_negated(&words, 4, 6, |i| (4..6).contains(&i)));
    }

    #[test]
    fn every_cue_table_entry_is_already_normalised() {
        let tables: [&[&[&str]]; 3] = [&CUES, &PSEUDO_NEGATIONS, &CANCELLERS];
        for table in tables {
            for entry in table {
                let mut words = Words::default();
                words.split(&entry.join(" "));
                assert_eq!(words.iter().collect::<Vec<_>>(), *entry, "{entry:?}");
                assert!(entry.len() <= LONGEST_CUE || !CUES.contains(entry));
            }
        }
    }
}
