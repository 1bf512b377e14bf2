//! `check --statistics`: how many findings each rule has, instead of the findings.
//!
//! Text, one line a rule, most findings first (then by rule id):
//! `{count:>5}  {severity}[{rule-id}]  {fixable} fixable`. JSON: an array of
//! `{"rule", "severity", "count", "fixable"}` in the same order.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::rule::{RuleId, Severity};

#[derive(Debug, PartialEq, Eq, Serialize)]
struct RuleCount {
    rule: &'static str,
    severity: Severity,
    count: usize,
    /// Findings that carry a fix.
    fixable: usize,
}

fn counts(report: &Report) -> Vec<RuleCount> {
    let mut by_rule: BTreeMap<(RuleId, Severity), (usize, usize)> = BTreeMap::new();
    for finding in report.findings() {
        let entry = by_rule.entry((finding.rule, finding.severity)).or_default();
        entry.0 += 1;
        entry.1 += usize::from(finding.fix.is_some());
    }
    let mut counts: Vec<RuleCount> = by_rule
        .into_iter()
        .map(|((rule, severity), (count, fixable))| RuleCount { rule: rule.as_str(), severity, count, fixable })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    counts
}

pub fn render_text(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for count in counts(report) {
        writeln!(out, "{:>5}  {}[{}]  {} fixable", count.count, count.severity.as_str(), count.rule, count.fixable)?;
    }
    Ok(())
}

pub fn render_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &counts(report))?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::text::fixtures::{sample, with_fix};
    use crate::report::Mode;

    #[test]
    fn counts_per_rule_most_first() {
        let mut report = sample(Mode::Check);
        report.files[1].findings.extend([with_fix(), with_fix()]);
        let mut text = Vec::new();
        render_text(&report, &mut text).unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "    3  error[hardcoded-bucket]  3 fixable\n    1  info[boto3-call]  0 fixable\n    1  warning[unlisted-bucket]  0 fixable\n"
        );
        let mut json = Vec::new();
        render_json(&report, &mut json).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value[0], serde_json::json!({"rule": "hardcoded-bucket", "severity": "error", "count": 3, "fixable": 3}));
        assert_eq!(value.as_array().unwrap().len(), 3);
    }
}
