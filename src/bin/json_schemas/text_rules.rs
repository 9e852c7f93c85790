//! Patterns for the free-text fields and SageMaker names, built from the
//! rules in `healthnav_edge::request::fields` and `healthnav_edge::config::names`.

use healthnav_edge::request::fields::TextRule;
use healthnav_edge::text::is_forbidden_char;

use crate::char_set::CharSet;

/// The character classes of a trimmed text.
pub struct TextClasses {
    /// What `str::trim` removes (Unicode White_Space).
    pub trimmed: String,
    /// A character allowed inside the text.
    pub inner: String,
    /// A character allowed at either end of the trimmed text.
    pub edge: String,
}

/// The classes of [`healthnav_edge::request::fields::trimmed_text`]: the text is trimmed,
/// then may hold no character that `is_forbidden_char` refuses. Lone UTF-16
/// surrogates are refused too: the gateway's JSON reader rejects `"\ud800"`,
/// while a JavaScript `JSON.parse` keeps it.
pub fn text_classes() -> TextClasses {
    let trimmed = CharSet::of(char::is_whitespace);
    let refused = CharSet::of(is_forbidden_char).union(&CharSet::range(0xD800, 0xDFFF));
    TextClasses {
        trimmed: trimmed.class(),
        inner: refused.negated_class(),
        edge: refused.union(&trimmed).negated_class(),
    }
}

/// A string that `trimmed_text` accepts under `rule`: after trimming, 1 to
/// `max_chars` characters, none of them refused.
pub fn text_pattern(rule: TextRule) -> String {
    let TextClasses {
        trimmed,
        inner,
        edge,
    } = text_classes();
    let middle = rule.max_chars.saturating_sub(2);
    let body = if rule.max_chars >= 2 {
        format!("{edge}(?:{inner}{{0,{middle}}}{edge})?")
    } else {
        edge
    };
    format!("^{trimmed}*{body}{trimmed}*$")
}

/// `healthnav_edge::config::names::check_sagemaker_name`, as its documentation states
/// it: ASCII letters and digits with inner hyphens (the length is `maxLength`).
pub const SAGEMAKER_NAME_PATTERN: &str = "^[A-Za-z0-9](?:-*[A-Za-z0-9])*$";
