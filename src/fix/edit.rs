//! `Edit` and `Fix`: the only way a rule changes a file.

use std::sync::Arc;

use ruff_text_size::{TextRange, TextSize};

use crate::finding::Finding;

/// Replace `range` with `content`. An insertion has an empty range; a deletion empty content.
/// Ordered by (start, end, content), so two identical edits compare equal and apply once.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replace(range: TextRange, content: impl Into<String>) -> Self {
        Edit { range, content: content.into() }
    }

    pub fn insert(at: TextSize, content: impl Into<String>) -> Self {
        Edit { range: TextRange::empty(at), content: content.into() }
    }

    pub fn delete(range: TextRange) -> Self {
        Edit { range, content: String::new() }
    }

    pub fn start(&self) -> TextSize {
        self.range.start()
    }

    pub fn end(&self) -> TextSize {
        self.range.end()
    }
}

impl Ord for Edit {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.start(), self.end(), &self.content).cmp(&(other.start(), other.end(), &other.content))
    }
}

impl PartialOrd for Edit {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// How sure a fix is. `DisplayOnly < Unsafe < Safe`, so "may it apply at level X" is one comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    DisplayOnly,
    Unsafe,
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// A set of edits applied together or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Sorted by `Edit`'s ordering. Shared: the findings of one file's single rewrite
    /// each carry the same edits, and a clone must not copy them (memory linear).
    pub edits: Arc<[Edit]>,
    pub applicability: Applicability,
    pub title: String,
    /// Findings the fix leaves once applied (a difference a translation keeps), at ranges
    /// of the text before it; `apply` reports them at their place in the rewritten text.
    /// Shared like `edits`.
    pub leaves: Arc<[Finding]>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, mut edits: Vec<Edit>) -> Self {
        edits.sort();
        edits.dedup();
        Fix {
            edits: edits.into(),
            applicability: Applicability::Safe,
            title: title.into(),
            leaves: Arc::from([]),
        }
    }

    /// The same fix, leaving `leaves` once applied.
    pub fn leaving(self, leaves: Vec<Finding>) -> Self {
        Fix { leaves: leaves.into(), ..self }
    }

    pub fn unsafe_edits(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix { applicability: Applicability::Unsafe, ..Fix::safe(title, edits) }
    }

    /// The same edits under another title (no copy of them).
    pub fn titled(&self, title: impl Into<String>) -> Self {
        Fix { title: title.into(), ..self.clone() }
    }

    /// A fix shown in the finding and never applied (the rewrite would lose something).
    pub fn display_only(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix { applicability: Applicability::DisplayOnly, ..Fix::safe(title, edits) }
    }

    /// Where the first edit starts; fixes are applied in this order.
    pub fn min_start(&self) -> TextSize {
        self.edits.first().map(Edit::start).unwrap_or_default()
    }
}
