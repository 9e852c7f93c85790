//! Normalised words: how a symptom, a history entry and a vocabulary phrase
//! are all split before they are compared.
//!
//! - Letters are lower-cased with Unicode's full mapping (`char::to_lowercase`).
//! - A word is a run of letters, digits and combining marks. Apostrophes join
//!   (`can't` → `cant`, `don’t` → `dont`); every other character separates
//!   words, so `short-of-breath` is `short of breath`.
//! - Clause breaks (`, ; . : ! ?`, brackets, dashes, line breaks and the words
//!   in [`BREAK_WORDS`]) end a clause: a phrase never spans two clauses and a
//!   negation never reaches into the next one.
//! - The determiners and possessives in [`FILLER_WORDS`] are dropped, so
//!   `pain in my chest`, `pain in the chest` and `pain in chest` are the same
//!   words.
//!
//! Not done: stemming (`pains` is not `pain`; vocabularies list inflections),
//! spelling correction and Unicode normalisation (a decomposed `é` is not a
//! composed one). The vocabulary is English.

/// Words that end a clause, like a comma: `no fever but chest pain`.
///
/// `and` is one on purpose: in `no fever and chest pain` the floor would
/// rather flag the chest pain than take it as denied (see `negation`).
pub const BREAK_WORDS: [&str; 7] = [
    "and", "but", "however", "although", "though", "except", "whereas",
];

/// Words dropped before matching.
pub const FILLER_WORDS: [&str; 10] = [
    "a", "an", "the", "my", "his", "her", "their", "your", "our", "its",
];

fn is_word_char(c: char) -> bool {
    // Combining diacritical marks keep `İ`'s lower case (`i` + U+0307) and
    // decomposed accents inside their word.
    c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c)
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' | '\u{00b4}'
    )
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | '.'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '\n'
            | '\r'
            | '\u{2013}' // en dash
            | '\u{2014}' // em dash
            | '\u{2026}' // ellipsis
            | '\u{3001}' // 、
            | '\u{3002}' // 。
            | '\u{ff0c}' // ，
            | '\u{ff1b}' // ；
            | '\u{ff1a}' // ：
            | '\u{ff01}' // ！
            | '\u{ff1f}' // ？
            | '\u{00a1}' // ¡
            | '\u{00bf}' // ¿
    )
}

/// One text's normalised words and the clause each belongs to. The buffers
/// are reused from text to text, so splitting allocates only while they grow.
#[derive(Debug, Default)]
pub(crate) struct Words {
    /// The kept words' lower-cased characters, back to back.
    text: String,
    /// Per word: start and end in `text`, and its clause number.
    spans: Vec<(usize, usize, u32)>,
}

impl Words {
    /// Splits `input`, replacing whatever this held.
    pub(crate) fn split(&mut self, input: &str) {
        self.text.clear();
        self.spans.clear();
        let mut clause = 0u32;
        let mut start: Option<usize> = None;
        for c in input.chars() {
            if is_apostrophe(c) {
                continue;
            }
            if is_word_char(c) {
                if start.is_none() {
                    start = Some(self.text.len());
                }
                if c.is_ascii() {
                    self.text.push(c.to_ascii_lowercase()); // the common case, much faster
                } else {
                    self.text.extend(c.to_lowercase());
                }
                continue;
            }
            self.end_word(&mut start, &mut clause);
            if is_clause_break(c) {
                clause = clause.saturating_add(1);
            }
        }
        self.end_word(&mut start, &mut clause);
    }

    fn end_word(&mut self, start: &mut Option<usize>, clause: &mut u32) {
        let Some(begin) = start.take() else {
            return;
        };
        let word = self.text.get(begin..).unwrap_or_default();
        if FILLER_WORDS.contains(&word) {
            self.text.truncate(begin);
        } else if BREAK_WORDS.contains(&word) {
            self.text.truncate(begin);
            *clause = clause.saturating_add(1);
        } else {
            self.spans.push((begin, self.text.len(), *clause));
        }
    }

    /// How many words were kept.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Word `i`, if there is one.
    pub(crate) fn word(&self, i: usize) -> Option<&str> {
        let &(start, end, _) = self.spans.get(i)?;
        self.text.get(start..end)
    }

    /// The clause of word `i`, if there is one.
    pub(crate) fn clause(&self, i: usize) -> Option<u32> {
        self.spans.get(i).map(|&(_, _, clause)| clause)
    }

    /// Whether the words `at..at + words.len()` are exactly `words`, all in
    /// one clause.
    pub(crate) fn has_at(&self, at: usize, words: &[impl AsRef<str>]) -> bool {
        let clause = self.clause(at);
        clause.is_some()
            && words.iter().enumerate().all(|(k, expected)| {
                at.checked_add(k).is_some_and(|i| {
                    self.clause(i) == clause && self.word(i) == Some(expected.as_ref())
                })
            })
    }

    /// Every kept word, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(|i| self.word(i))
    }

    /// The number of distinct clauses holding a word.
    pub(crate) fn clause_count(&self) -> usize {
        let mut count = 0;
        let mut last = None;
        for &(_, _, clause) in &self.spans {
            if last != Some(clause) {
                count += 1;
                last = Some(clause);
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::Words;

    fn split(input: &str) -> Vec<(String, u32)> {
        let mut words = Words::default();
        words.split(input);
        (0..words.len())
            .map(|i| (words.word(i).unwrap().to_owned(), words.clause(i).unwrap()))
            .collect()
    }

    fn words(input: &str) -> Vec<String> {
        split(input).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn splits_lower_cases_and_joins_apostrophes() {
        let cases: [(&str, &[&str]); 10] = [
            ("Crushing CHEST pain", &["crushing", "chest", "pain"]),
            ("can't breathe", &["cant", "breathe"]),
            ("don\u{2019}t want to live", &["dont", "want", "to", "live"]),
            ("short-of-breath", &["short", "of", "breath"]),
            ("  pain\tin   my chest ", &["pain", "in", "chest"]),
            ("the a an", &[]),
            ("", &[]),
            ("ÉTOURDI Straße", &["étourdi", "straße"]),
            ("İ", &["i\u{307}"]),
            ("38°C/100.4F", &["38", "c", "100", "4f"]),
        ];
        for (input, expected) in cases {
            assert_eq!(words(input), expected, "{input:?}");
        }
    }

    #[test]
    fn punctuation_and_break_words_start_a_new_clause() {
        let got = split("no fever, chest pain; cough but wheeze and rash.");
        let expected = [
            ("no", 0),
            ("fever", 0),
            ("chest", 1),
            ("pain", 1),
            ("cough", 2),
            ("wheeze", 3),
            ("rash", 4),
        ];
        let expected: Vec<(String, u32)> =
            expected.iter().map(|&(w, c)| (w.to_owned(), c)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn has_at_needs_the_exact_words_in_one_clause() {
        let mut words = Words::default();
        words.split("chest, pain in the chest");
        assert!(!words.has_at(0, &["chest", "pain"]));
        assert!(words.has_at(1, &["pain", "in", "chest"]));
        assert!(!words.has_at(1, &["pain", "in", "chest", "now"]));
        assert!(!words.has_at(9, &["pain"]));
        assert_eq!(words.clause_count(), 2);
        assert_eq!(
            words.iter().collect::<Vec<_>>(),
            ["chest", "pain", "in", "chest"]
        );
    }
}
