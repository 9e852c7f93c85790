//! The vocabulary: each concept's phrases, normalised once at load, and the
//! scan that finds them in a patient's texts.
//!
//! A phrase matches a text when its words appear there consecutively, whole
//! and in one clause (see `text`): `chest pain` is in "sharp chest pain now"
//! but not in "chest painful" nor "chest, pain", and `pain` is never found
//! inside `painting`. There is no stemming, so a vocabulary lists the forms
//! it means (`chest pain`, `chest pains`, `chest hurts`).
//!
//! A concept may list exceptions: longer phrases in which its phrases do not
//! count (`hay fever` and `fever blister` are not a fever).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::negation::is_negated;
use super::text::{word_hash, Words};

/// What a scan found for one concept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Hit {
    /// A phrase of the concept appears, negated or not.
    pub mentioned: bool,
    /// A phrase of the concept appears and is not negated.
    pub affirmed: bool,
}

#[derive(Debug, Clone)]
struct Phrase {
    concept: usize,
    /// An exception of the concept rather than one of its phrases.
    except: bool,
    /// Every word, the first included.
    words: Box<[Box<str>]>,
}

/// Concepts and their phrases, indexed by each phrase's first word.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocabulary {
    names: Vec<String>,
    /// Every word of a request is looked up here by its [`word_hash`]; the
    /// words are compared only when the hash matches.
    by_first_word: HashMap<u64, Vec<Phrase>, BuildHasherDefault<HashIsKey>>,
    /// The longest first word: a longer word of a request is not looked up.
    longest_first_word: usize,
}

/// The keys are [`word_hash`]es already: hashing them again would add
/// nothing. Deterministic, with no random keys: the keys are the operator's
/// vocabulary, and a caller's words are only looked up, so a crafted
/// collision costs one word comparison.
#[derive(Debug, Default)]
struct HashIsKey(u64);

impl Hasher for HashIsKey {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Buffers a scan reuses from text to text.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    words: Words,
    /// Phrases found in the current text.
    found: Vec<Found>,
}

#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    /// One past the last word.
    end: usize,
    concept: usize,
    except: bool,
}

impl Found {
    fn covers(&self, other: &Found) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl Vocabulary {
    /// Adds a concept whose phrases and exceptions are already normalised
    /// words; returns its index.
    pub(crate) fn add(
        &mut self,
        name: &str,
        phrases: Vec<Vec<String>>,
        excepts: Vec<Vec<String>>,
    ) -> usize {
        let concept = self.names.len();
        self.names.push(name.to_owned());
        let tagged = phrases.into_iter().map(|p| (p, false));
        for (words, except) in tagged.chain(excepts.into_iter().map(|p| (p, true))) {
            let Some(first) = words.first() else {
                continue; // refused by the loader before it gets here
            };
            self.longest_first_word = self.longest_first_word.max(first.len());
            let first = word_hash(first);
            let words = words.into_iter().map(String::into_boxed_str).collect();
            self.by_first_word.entry(first).or_default().push(Phrase {
                concept,
                except,
                words,
            });
        }
        concept
    }

    /// The index of the concept with this name.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// How many concepts there are.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Marks in `hits` (one per concept) every concept found in `texts`.
    pub(crate) fn scan(&self, texts: &[&str], scratch: &mut Scratch, hits: &mut [Hit]) {
        for text in texts {
            let Scratch { words, found } = &mut *scratch;
            words.split(text);
            found.clear();
            for start in 0..words.len() {
                // A word longer than every first word is not hashed.
                let Some(candidates) = words
                    .word(start)
                    .filter(|word| word.len() <= self.longest_first_word)
                    .and_then(|word| self.by_first_word.get(&word_hash(word)))
                else {
                    continue;
                };
                for phrase in candidates {
                    if words.has_at(start, &phrase.words) {
                        found.push(Found {
                            start,
                            end: start + phrase.words.len(),
                            concept: phrase.concept,
                            except: phrase.except,
                        });
                    }
                }
            }
            let found = &*found;
            let in_phrase = |i: usize| found.iter().any(|f| (f.start..f.end).contains(&i));
            let excepted = |f: &Found| {
                found
                    .iter()
                    .any(|e| e.except && e.concept == f.concept && e.covers(f))
            };
            for f in found.iter().filter(|f| !f.except && !excepted(f)) {
                let Some(hit) = hits.get_mut(f.concept) else {
                    continue;
                };
                hit.mentioned = true;
                if !hit.affirmed && !is_negated(words, f.start, f.end, in_phrase) {
                    hit.affirmed = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        let normalise = |phrases: &[&str]| -> Vec<Vec<String>> {
            phrases
                .iter()
                .map(|p| {
                    let mut words = Words::default();
                    words.split(p);
                    words.iter().map(str::to_owned).collect()
                })
                .collect()
        };
        let mut add = |name: &str, phrases: &[&str], excepts: &[&str]| {
            vocabulary.add(name, normalise(phrases), normalise(excepts))
        };
        assert_eq!(add("chest", &["chest pain", "pain in my chest"], &[]), 0);
        assert_eq!(add("pain", &["pain"], &["no pain no gain"]), 1);
        assert_eq!(
            add("breath", &["not able to breathe", "short of breath"], &[]),
            2
        );
        vocabulary
    }

    fn scan(texts: &[&str]) -> Vec<Hit> {
        let vocabulary = vocabulary();
        let mut hits = vec![Hit::default(); vocabulary.len()];
        vocabulary.scan(texts, &mut Scratch::default(), &mut hits);
        hits
    }

    const NONE: Hit = Hit {
        mentioned: false,
        affirmed: false,
    };
    const DENIED: Hit = Hit {
        mentioned: true,
        affirmed: false,
    };
    const PRESENT: Hit = Hit {
        mentioned: true,
        affirmed: true,
    };

    #[test]
    fn phrases_match_whole_words_in_one_clause() {
        let cases: [(&[&str], [Hit; 3]); 15] = [
            (&["chest pain"], [PRESENT, PRESENT, NONE]),
            (&["Sharp CHEST-PAIN!"], [PRESENT, PRESENT, NONE]),
            (&["pain in the chest"], [PRESENT, PRESENT, NONE]),
            (&["chest painful"], [NONE, NONE, NONE]),
            (&["painting my chest"], [NONE, NONE, NONE]),
            (&["chest, pain"], [NONE, PRESENT, NONE]),
            (&["chest", "pain"], [NONE, PRESENT, NONE]),
            (&["no chest pain"], [DENIED, DENIED, NONE]),
            (&["no chest pain", "chest pain"], [PRESENT, PRESENT, NONE]),
            (&["chest pain", "no chest pain"], [PRESENT, PRESENT, NONE]),
            (&["not able to breathe, no pain"], [NONE, DENIED, PRESENT]),
            (
                &["not able to breathe chest pain"],
                [PRESENT, PRESENT, PRESENT],
            ),
            // Exceptions hide their concept's phrases, and only those.
            (&["no pain no gain"], [NONE, NONE, NONE]),
            (&["no pain no gain, chest pain"], [PRESENT, PRESENT, NONE]),
            (&["short of breath no pain no gain"], [NONE, NONE, PRESENT]),
        ];
        for (texts, expected) in cases {
            assert_eq!(scan(texts), expected, "{texts:?}");
        }
    }

    #[test]
    fn unknown_words_and_empty_texts_find_nothing() {
        assert_eq!(scan(&[]), [NONE; 3]);
        assert_eq!(scan(&["", "   ", "?!"]), [NONE; 3]);
        assert_eq!(vocabulary().find("breath"), Some(2));
        assert_eq!(vocabulary().find("nope"), None);
    }
}
