//! GitLab Code Quality (`--format gitlab`): the JSON array GitLab reads from a job's
//! `artifacts:reports:codequality`, one issue per finding and per failed file:
//!
//! `{"description", "check_name", "fingerprint", "severity", "location": {"path", "lines": {"begin"}}}`
//!
//! Severities: error → `major`, warning → `minor`, info → `info`, a file that could not
//! be processed → `blocker`. The fingerprint (unique in the report, stable across runs
//! while the finding stays) is a 64-bit FNV-1a hash of rule, path, message and the
//! occurrence's number among identical ones, so moving a finding to another line keeps it.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{FileOutcome, Report};
use crate::rule::Severity;

/// `check_name` of a file that could not be processed.
const FAILURE_CHECK: &str = "s3-to-supabase-error";

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in part.iter().chain(&[0u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut fingerprint = |check: &str, path: &str, message: &str| {
        let base = fnv1a(&[check.as_bytes(), path.as_bytes(), message.as_bytes()]);
        let occurrence = seen.entry(base).or_insert(0);
        *occurrence += 1;
        format!("{:016x}", fnv1a(&[&base.to_le_bytes(), &occurrence.to_le_bytes()]))
    };
    let mut issues = Vec::new();
    for file in &report.files {
        if let FileOutcome::Failed { position, message } = &file.outcome {
            issues.push(Issue {
                description: message,
                check_name: FAILURE_CHECK,
                fingerprint: fingerprint(FAILURE_CHECK, &file.path, message),
                severity: "blocker",
                location: Location { path: &file.path, lines: Lines { begin: position.map_or(1, |p| p.line) } },
            });
        }
        for finding in &file.findings {
            let check = finding.rule.as_str();
            issues.push(Issue {
                description: &finding.message,
                check_name: check,
                fingerprint: fingerprint(check, &finding.path, &finding.message),
                severity: severity(finding.severity),
                location: Location { path: &finding.path, lines: Lines { begin: finding.start.line } },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::text::fixtures::{sample, with_fix};
    use crate::report::Mode;

    #[test]
    fn issues_with_unique_fingerprints() {
        let mut report = sample(Mode::Check);
        report.files[1].findings.push(with_fix());
        let mut out = Vec::new();
        render(&report, &mut out).unwrap();
        let issues: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let issues = issues.as_array().unwrap();
        assert_eq!(issues.len(), 6);
        assert_eq!(issues[0]["check_name"], FAILURE_CHECK);
        assert_eq!(issues[0]["severity"], "blocker");
        assert_eq!(issues[0]["location"], serde_json::json!({"path": "app/broken.py", "lines": {"begin": 2}}));
        assert_eq!(issues[1]["severity"], "major");
        let fingerprints: std::collections::BTreeSet<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
        assert_eq!(fingerprints.len(), 6, "the repeated finding gets its own fingerprint");
    }
}
