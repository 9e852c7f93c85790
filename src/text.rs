//! The one character rule every text obeys, whoever sends it: the operator's
//! settings (labels, key prefixes) and the client's fields alike.

/// Control characters (C0, DEL, C1), Unicode line and paragraph separators,
/// and the bidirectional overrides that make text display differently from
/// what it says.
pub fn is_forbidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
