//! `rules --format json`: the rules' metadata for tools, one array in `RuleId::ALL`
//! order (or the one rule asked for):
//! `[{"id", "severity", "fix": "always"|"sometimes"|"never", "summary", "docs"}]`.

use std::io::{self, Write};

use serde::Serialize;

use crate::rule::{RuleId, Severity};

#[derive(Serialize)]
struct RuleInfo {
    id: &'static str,
    /// The default severity; a project may change it in `[rules]`.
    severity: Severity,
    fix: &'static str,
    summary: &'static str,
    docs: &'static str,
}

pub fn render_json(rules: &[RuleId], out: &mut dyn Write) -> io::Result<()> {
    let infos: Vec<RuleInfo> = rules
        .iter()
        .map(|&rule| RuleInfo {
            id: rule.as_str(),
            severity: rule.default_severity(),
            fix: rule.fix_availability().as_str(),
            summary: rule.summary(),
            docs: rule.docs(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &infos)?;
    out.write_all(b"\n")
}
