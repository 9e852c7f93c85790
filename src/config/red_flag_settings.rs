//! The operator's say over the clinical red-flag floor: on by default with
//! the embedded rules; a rule file may replace them or add to them, and the
//! floor may be switched off. A bad file is refused at start, naming the
//! rule and the field at fault.

use std::sync::Arc;

use serde::Deserialize;

use crate::safety::{RuleSet, RuleSetError};

/// `redFlags` in the settings (camelCase keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedFlagSettings {
    /// `false` switches the floor off (`RED_FLAG_FLOOR=off`). Default: on.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// A rule file that replaces the embedded rules (`RED_FLAG_RULES`).
    #[serde(default)]
    pub rules: Option<String>,
    /// A rule file of extra rules added to the base (`RED_FLAG_RULES_EXTRA`).
    #[serde(default)]
    pub extra_rules: Option<String>,
}

/// The rules in force, or `None` when the floor is off; otherwise every
/// problem as `(setting, message)`. The embedded rules are shared, not
/// copied, by every gateway that uses them.
pub fn red_flag_rules(
    settings: Option<&RedFlagSettings>,
) -> Result<Option<Arc<RuleSet>>, Vec<(&'static str, String)>> {
    let settings = settings.cloned().unwrap_or_default();
    if settings.enabled == Some(false) {
        return Ok(None);
    }
    let base = match &settings.rules {
        Some(json) => Arc::new(
            RuleSet::from_json(json)
                .map_err(|error| vec![("redFlags.rules", problem(&error))])?,
        ),
        None => RuleSet::embedded_shared(),
    };
    match &settings.extra_rules {
        Some(json) => base
            .extended_with(json)
            .map(|extended| Some(Arc::new(extended)))
            .map_err(|error| vec![("redFlags.extraRules", problem(&error))]),
        None => Ok(Some(base)),
    }
}

/// The rule and the JSON path at fault, unquoted: they are the operator's own
/// names, and a quoted value is withheld from answers.
fn problem(error: &RuleSetError) -> String {
    let rule = error
        .rule
        .as_deref()
        .map(|rule| format!("rule {rule}, "))
        .unwrap_or_default();
    let field = if error.field.is_empty() {
        String::new()
    } else {
        format!("{}: ", error.field)
    };
    format!("is not a valid rule file: {rule}{field}{}", error.message)
}
