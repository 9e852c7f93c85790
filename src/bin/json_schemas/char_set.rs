//! Sets of characters turned into ECMA-262 character classes (the regular
//! expressions JSON Schema's `pattern` uses, read with the `u` flag). The sets
//! are built from the crate's own predicates, so a pattern says exactly what
//! the Rust code checks.

/// A set of code points, as sorted, disjoint, inclusive ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharSet {
    ranges: Vec<(u32, u32)>,
}

impl CharSet {
    /// Every Unicode scalar value for which `test` holds.
    pub fn of(test: impl Fn(char) -> bool) -> Self {
        let codes = (0..=0x10_FFFF).filter(|code| char::from_u32(*code).is_some_and(&test));
        Self::from_codes(codes)
    }

    /// Every code point in `from..=to` (surrogates included).
    pub fn range(from: u32, to: u32) -> Self {
        Self {
            ranges: vec![(from, to)],
        }
    }

    /// The code points of either set.
    pub fn union(&self, other: &Self) -> Self {
        let mut ranges: Vec<(u32, u32)> =
            self.ranges.iter().chain(&other.ranges).copied().collect();
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (from, to) in ranges {
            match merged.last_mut() {
                Some((_, end)) if from <= end.saturating_add(1) => *end = (*end).max(to),
                _ => merged.push((from, to)),
            }
        }
        Self { ranges: merged }
    }

    /// `[…]`: one character of the set.
    pub fn class(&self) -> String {
        format!("[{}]", self.ranges_text())
    }

    /// `[^…]`: one character outside the set.
    pub fn negated_class(&self) -> String {
        format!("[^{}]", self.ranges_text())
    }

    fn from_codes(codes: impl Iterator<Item = u32>) -> Self {
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for code in codes {
            match ranges.last_mut() {
                Some((_, end)) if *end + 1 == code => *end = code,
                _ => ranges.push((code, code)),
            }
        }
        Self { ranges }
    }

    fn ranges_text(&self) -> String {
        self.ranges
            .iter()
            .map(|&(from, to)| match to - from {
                0 => escape(from),
                1 => format!("{}{}", escape(from), escape(to)),
                _ => format!("{}-{}", escape(from), escape(to)),
            })
            .collect()
    }
}

/// Letters and digits as themselves, everything else as `\uXXXX` (or
/// `\u{X}` beyond the BMP), so no character is special inside a class.
fn escape(code: u32) -> String {
    match char::from_u32(code) {
        Some(c) if c.is_ascii_alphanumeric() => c.to_string(),
        _ if code <= 0xFFFF => format!("\\u{code:04X}"),
        _ => format!("\\u{{{code:X}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_merged_and_escaped() {
        let digits = CharSet::of(|c| c.is_ascii_digit());
        assert_eq!(digits.class(), "[0-9]");
        let set = CharSet::of(|c| matches!(c, 'a' | 'b' | '\n' | '😀'));
        assert_eq!(set.class(), "[\\u000Aab\\u{1F600}]");
        assert_eq!(
            CharSet::range(0xD800, 0xDFFF)
                .union(&digits)
                .negated_class(),
            "[^0-9\\uD800-\\uDFFF]"
        );
        assert_eq!(
            CharSet::range(1, 3).union(&CharSet::range(4, 6)),
            CharSet::range(1, 6)
        );
    }
}
