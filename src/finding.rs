//! What a rule reports: a `Finding` at a byte range of one file, maybe with a `Fix`.

use ruff_text_size::TextRange;

use crate::fix::edit::Fix;
use crate::rule::{RuleId, Severity};

/// One thing a rule found in one file. Without a fix, `message` says what a person must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    pub fix: Option<Fix>,
}
