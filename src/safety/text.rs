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

/// The longest of [`FILLER_WORDS`] and [`BREAK_WORDS`] ("although", "however").
const LONGEST_SKIPPED_WORD: usize = 8;

fn is_word_char(c: char) -> bool {
    // Combining diacritical marks keep `İ`'s lower case (`i` + U+0307) and
    // decomposed accents inside their word.
    c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c)
}

/// Whether a byte is an ASCII letter or digit: one load, where the
/// comparisons it replaces took most of the time a typical text is split in.
fn is_ascii_word_byte(byte: u8) -> bool {
    const TABLE: [bool; 256] = {
        let mut table = [false; 256];
        let mut byte = 0;
        while byte < 256 {
            // `byte < 256`, in a const block, where `get_mut` is not available.
            #[allow(clippy::indexing_slicing)]
            let slot = &mut table[byte];
            *slot = (byte as u8).is_ascii_alphanumeric();
            byte += 1;
        }
        table
    };
    TABLE.get(usize::from(byte)).copied().unwrap_or(false)
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

/// A normalised word's hash, for looking a word up in a vocabulary without
/// comparing text (the text is compared after, so a collision never makes a
/// match). It reads eight bytes per step, one multiply each, and mixes the
/// result so both its high and low bits spread, as a hash table needs.
pub(crate) fn word_hash(word: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let len = word.len() as u64;
    let mut hash = len.wrapping_mul(K);
    for chunk in word.as_bytes().chunks(8) {
        let mut bytes = [0u8; 8];
        for (to, from) in bytes.iter_mut().zip(chunk) {
            *to = *from;
        }
        hash = (hash ^ u64::from_le_bytes(bytes))
            .wrapping_mul(K)
            .rotate_left(31);
    }
    // MurmurHash3's finaliser.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// One kept word: where it is in `text`, and its clause.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    clause: u32,
}

/// One text's normalised words and the clause each belongs to. The buffers
/// are reused from text to text, so splitting allocates only while they grow.
#[derive(Debug, Default)]
pub(crate) struct Words {
    /// The kept words' lower-cased characters, back to back.
    text: String,
    spans: Vec<Span>,
}

impl Words {
    /// Splits `input`, replacing whatever this held.
    pub(crate) fn split(&mut self, input: &str) {
        self.text.clear();
        self.text.reserve(input.len());
        self.spans.clear();
        let mut clause = 0u32;
        let mut start: Option<usize> = None;
        let mut rest = input;
        while let Some(c) = rest.chars().next() {
            // A run of ASCII letters and digits, the common case, is copied
            // at once rather than character by character.
            let run = rest
                .bytes()
                .position(|b| !is_ascii_word_byte(b))
                .unwrap_or(rest.len());
            if run > 0 {
                start.get_or_insert(self.text.len());
                let (letters, after) = rest.split_at(run);
                let from = self.text.len();
                self.text.push_str(letters);
                if let Some(copied) = self.text.get_mut(from..) {
                    copied.make_ascii_lowercase();
                }
                rest = after;
                continue;
            }
            rest = rest.get(c.len_utf8()..).unwrap_or_default();
            if is_apostrophe(c) {
                continue;
            }
            if is_word_char(c) {
                start.get_or_insert(self.text.len());
                self.text.extend(c.to_lowercase());
                continue;
            }
            if let Some(begin) = start.take() {
                self.end_word(begin, &mut clause);
            }
            if is_clause_break(c) {
                clause = clause.saturating_add(1);
            }
        }
        if let Some(begin) = start {
            self.end_word(begin, &mut clause);
        }
    }

    /// Keeps the word `text[begin..]`, or drops a filler word, or takes a
    /// break word as the end of a clause.
    fn end_word(&mut self, begin: usize, clause: &mut u32) {
        let word = self.text.get(begin..).unwrap_or_default();
        // Filler and break words are short: a longer word is compared with none.
        let short = word.len() <= LONGEST_SKIPPED_WORD;
        if short && FILLER_WORDS.contains(&word) {
            self.text.truncate(begin);
        } else if short && BREAK_WORDS.contains(&word) {
            self.text.truncate(begin);
            *clause = clause.saturating_add(1);
        } else {
            let end = self.text.len();
            self.spans.push(Span {
                start: begin,
                end,
                clause: *clause,
            });
        }
    }

    /// How many words were kept.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Word `i`, if there is one.
    pub(crate) fn word(&self, i: usize) -> Option<&str> {
        let span = self.spans.get(i)?;
        self.text.get(span.start..span.end)
    }

    /// The clause of word `i`, if there is one.
    pub(crate) fn clause(&self, i: usize) -> Option<u32> {
        self.spans.get(i).map(|span| span.clause)
    }

    /// Whether the words `at..at + words.len()` are exactly `words`, all in
    /// one clause.
    pub(crate) fn has_at(&self, at: usize, words: &[impl AsRef<str>]) -> bool {
        let Some(clause) = self.clause(at) else {
            return false;
        };
        let spans = at
            .checked_add(words.len())
            .and_then(|end| self.spans.get(at..end));
        spans.is_some_and(|spans| {
            spans.iter().zip(words).all(|(span, word)| {
                span.clause == clause && self.text.get(span.start..span.end) == Some(word.as_ref())
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
        for &Span { clause, .. } in &self.spans {
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
