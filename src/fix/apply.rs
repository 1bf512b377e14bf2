//! Applying fixes: keep those allowed at the level, sort them by their first edit,
//! skip any that overlaps (or touches) an edit already applied; an edit identical to
//! one already applied (two rules adding the same import) counts once.
//! The caller re-runs the rules on the result until nothing applies. The findings an
//! applied fix leaves come back placed in the result.

use std::collections::{BTreeMap, BTreeSet};

use ruff_text_size::{TextRange, TextSize};

use crate::finding::Finding;
use crate::fix::edit::{Applicability, Edit};
use crate::rule::RuleId;

/// The text after one round of fixes.
#[derive(Debug, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    /// How many fixes of each rule were applied.
    pub fixed: BTreeMap<RuleId, usize>,
    /// The findings the applied fixes leave, at their ranges in `text`.
    pub left: Vec<Finding>,
    /// Each applied edit: its range before, and where its content stands in `text`.
    moves: Vec<(TextRange, TextRange)>,
}

impl Applied {
    /// Where a range of the text before stands in `text`: shifted by the edits before it;
    /// an end (or start) inside an edit goes to the end (start) of what replaced it.
    pub fn moved(&self, range: TextRange) -> TextRange {
        let start = self.moved_offset(range.start(), false);
        TextRange::new(start, self.moved_offset(range.end(), true).max(start))
    }

    fn moved_offset(&self, offset: TextSize, is_end: bool) -> TextSize {
        // The edits are sorted and apart, so their ends ascend: those ending at or before
        // `offset` precede it, and the last of them gives the shift.
        let before = self.moves.partition_point(|(old, _)| old.end() <= offset);
        if let Some((old, new)) = self.moves.get(before).filter(|(old, _)| old.start() < offset) {
            debug_assert!(old.contains(offset));
            return if is_end { new.end() } else { new.start() };
        }
        match before.checked_sub(1).map(|at| self.moves[at]) {
            Some((old, new)) => new.end() + (offset - old.end()),
            None => offset,
        }
    }
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
    let mut leaves: Vec<&Finding> = Vec::new();
    let mut moves = Vec::new();
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
            let new_start = TextSize::of(output.as_str());
            output.push_str(&edit.content);
            moves.push((edit.range, TextRange::new(new_start, TextSize::of(output.as_str()))));
            copied_up_to = edit.end();
            last_end = Some(edit.end());
            applied_edits.insert(edit);
        }
        *fixed.entry(rule).or_insert(0) += 1;
        leaves.extend(fix.leaves.iter());
    }
    output.push_str(&text[copied_up_to.to_usize()..]);
    let mut applied = Applied { text: output, fixed, left: Vec::new(), moves };
    applied.left = leaves.into_iter().map(|finding| Finding { range: applied.moved(finding.range), ..finding.clone() }).collect();
    applied
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
        assert_eq!(applied, Applied { text: "x = 1\n".to_owned(), fixed: BTreeMap::new(), left: Vec::new(), moves: Vec::new() });
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
    fn what_a_fix_leaves_is_placed_in_the_result() {
        let text = "a = 1\nb = 2\nc = 3\n";
        let left = |start, end| Finding { rule: RuleId::Boto3Call, severity: Severity::Warning, range: range(start, end), message: "kept".to_owned(), fix: None };
        // Line 2 becomes three lines; what it leaves points at them, the rest shifts.
        let fix = Fix::safe("fix", vec![Edit::insert(TextSize::new(0), "# top\n"), Edit::replace(range(10, 11), "2 +\\\n 0 +\\\n 0")])
            .leaving(vec![left(6, 11), left(8, 9), left(12, 17)]);
        let applied = apply_fixes(text, &[Finding { fix: Some(fix), ..finding(Vec::new()) }], Applicability::Safe);
        assert_eq!(applied.text, "# top\na = 1\nb = 2 +\\\n 0 +\\\n 0\nc = 3\n");
        let placed: Vec<&str> = applied.left.iter().map(|finding| &applied.text[finding.range]).collect();
        assert_eq!(placed, ["b = 2 +\\\n 0 +\\\n 0", "=", "c = 3"]);
        // Inside a replaced range: the whole replacement.
        assert_eq!(&applied.text[applied.moved(range(10, 11))], "2 +\\\n 0 +\\\n 0");
        assert_eq!(applied.moved(range(0, 0)), range(6, 6));
    }

    #[test]
    fn unsafe_fixes_need_the_unsafe_level() {
        let mut risky = finding(vec![Edit::replace(range(0, 1), "Q")]);
        risky.fix.as_mut().unwrap().applicability = Applicability::Unsafe;
        assert_eq!(apply_fixes("ab", std::slice::from_ref(&risky), Applicability::Safe).text, "ab");
        assert_eq!(apply_fixes("ab", &[risky], Applicability::Unsafe).text, "Qb");
    }
}
