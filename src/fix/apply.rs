//! Applying fixes: keep those allowed at the level, sort them by their first edit,
//! skip any that overlaps (or touches) an edit already applied; an edit identical to
//! one already applied (two rules adding the same import) counts once.
//! The caller re-runs the rules on the result until nothing applies.

use std::collections::{BTreeMap, BTreeSet};

use ruff_text_size::TextSize;

use crate::finding::Finding;
use crate::fix::edit::{Applicability, Edit};
use crate::rule::RuleId;

/// The text after one round of fixes.
#[derive(Debug, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    /// How many fixes of each rule were applied.
    pub fixed: BTreeMap<RuleId, usize>,
}

pub fn apply_fixes(text: &str, findings: &[Finding], level: Applicability) -> Applied {
    let mut fixes: Vec<_> = findings
        .iter()
        .filter_map(|finding| Some((finding.rule, finding.fix.as_ref()?)))
        .filter(|(_, fix)| fix.applicability >= level && fix.applicability > Applicability::DisplayOnly)
        .collect();
    // Findings that share one fix's edits apply it once (and count once), and are
    // neither sorted nor filtered edit by edit again: linear in the file's edits.
    let mut seen = std::collections::HashSet::new();
    fixes.retain(|(_, fix)| seen.insert(fix.edits.as_ptr()));
    fixes.sort_by(|a, b| (a.1.min_start(), &a.1.edits).cmp(&(b.1.min_start(), &b.1.edits)));

    let mut output = String::with_capacity(text.len());
    let mut copied_up_to = TextSize::default();
    let mut last_end: Option<TextSize> = None;
    let mut applied_edits: BTreeSet<&Edit> = BTreeSet::new();
    let mut fixed = BTreeMap::new();
    for (rule, fix) in fixes {
        let new_edits: Vec<&Edit> = fix.edits.iter().filter(|edit| !applied_edits.contains(edit)).collect();
        let overlaps = new_edits.iter().any(|edit| last_end.is_some_and(|end| edit.start() <= end));
        // A fix whose edits were all applied already (a twin) adds nothing; a fix whose own
        // edits overlap is malformed and never applies (its finding is still reported).
        let self_overlapping = new_edits.windows(2).any(|pair| pair[1].start() < pair[0].end());
        if overlaps || self_overlapping || new_edits.is_empty() {
            continue;
        }
        for edit in new_edits {
            output.push_str(&text[copied_up_to.to_usize()..edit.start().to_usize()]);
            output.push_str(&edit.content);
            copied_up_to = edit.end();
            last_end = Some(edit.end());
            applied_edits.insert(edit);
        }
        *fixed.entry(rule).or_insert(0) += 1;
    }
    output.push_str(&text[copied_up_to.to_usize()..]);
    Applied { text: output, fixed }
}

#[cfg(test)]
mod tests {
    use ruff_text_size::TextRange;

    use super::*;
    use crate::rule::Severity;
    use crate::fix::edit::Fix;

    fn finding(edits: Vec<Edit>) -> Finding {
        Finding {
            rule: RuleId::HardcodedBucket,
            severity: Severity::Error,
            range: TextRange::default(),
            message: String::new(),
            fix: Some(Fix::safe("fix", edits)),
        }
    }

    fn range(start: u32, end: u32) -> TextRange {
        TextRange::new(TextSize::new(start), TextSize::new(end))
    }

    #[test]
    fn no_fixes_changes_nothing() {
        let applied = apply_fixes("x = 1\n", &[], Applicability::Safe);
        assert_eq!(applied, Applied { text: "x = 1\n".to_owned(), fixed: BTreeMap::new() });
    }

    #[test]
    fn shared_import_edit_is_applied_once() {
        let text = "import os\na = 'b'\nc = 'b'\n";
        let import = Edit::insert(TextSize::new(10), "from utils import s3_utils\n");
        let findings = [
            finding(vec![import.clone(), Edit::replace(range(14, 17), "s3_utils.X")]),
            finding(vec![import, Edit::replace(range(22, 25), "s3_utils.X")]),
        ];
        let applied = apply_fixes(text, &findings, Applicability::Safe);
        assert_eq!(applied.text, "import os\nfrom utils import s3_utils\na = s3_utils.X\nc = s3_utils.X\n");
        assert_eq!(applied.fixed[&RuleId::HardcodedBucket], 2);
    }

    #[test]
    fn overlapping_fix_waits_for_the_next_pass() {
        let text = "abcdef";
        let findings = [
            finding(vec![Edit::replace(range(0, 3), "X")]),
            finding(vec![Edit::replace(range(2, 4), "Y")]),
            finding(vec![Edit::replace(range(4, 5), "Z")]),
        ];
        let applied = apply_fixes(text, &findings, Applicability::Safe);
        assert_eq!(applied.text, "XdZf");
        assert_eq!(applied.fixed[&RuleId::HardcodedBucket], 2);
    }

    #[test]
    fn a_fix_with_overlapping_edits_is_skipped_not_a_panic() {
        let text = "abcdef";
        let findings = [finding(vec![Edit::replace(range(0, 3), "X"), Edit::replace(range(1, 2), "Y")])];
        assert_eq!(apply_fixes(text, &findings, Applicability::Safe).text, "abcdef");
    }

    #[test]
    fn unsafe_fixes_need_the_unsafe_level() {
        let mut risky = finding(vec![Edit::replace(range(0, 1), "Q")]);
        risky.fix.as_mut().unwrap().applicability = Applicability::Unsafe;
        assert_eq!(apply_fixes("ab", std::slice::from_ref(&risky), Applicability::Safe).text, "ab");
        assert_eq!(apply_fixes("ab", &[risky], Applicability::Unsafe).text, "Qb");
    }
}
