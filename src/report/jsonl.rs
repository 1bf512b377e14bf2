//! JSON Lines (`--format jsonl`): one compact JSON object per finding, then one per
//! failed file, each on its own line, for `jq -c`, log shippers and line-oriented tools.
//!
//! A finding is the same object as in the JSON report's `findings` (`"kind":
//! "finding"` added first); a failed file is `{"kind": "failure", "path", "line",
//! "column", "message"}` (line/column null when unknown).

use std::io::{self, Write};

use serde::Serialize;

use super::json::{finding_object, JsonFinding};
use super::{FileOutcome, Report};

#[derive(Serialize)]
struct Line<T: Serialize> {
    kind: &'static str,
    #[serde(flatten)]
    body: T,
}

#[derive(Serialize)]
struct Failure<'a> {
    path: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        if let FileOutcome::Failed { position, message } = &file.outcome {
            let failure = Failure { path: &file.path, line: position.map(|p| p.line), column: position.map(|p| p.column), message };
            serde_json::to_writer(&mut *out, &Line { kind: "failure", body: failure })?;
            out.write_all(b"\n")?;
        }
        for finding in &file.findings {
            let body: JsonFinding<'_> = finding_object(finding);
            serde_json::to_writer(&mut *out, &Line { kind: "finding", body })?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::text::fixtures::sample;
    use crate::report::Mode;

    #[test]
    fn one_object_per_line() {
        let mut out = Vec::new();
        render(&sample(Mode::Check), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        let kinds: Vec<(&str, &str)> =
            lines.iter().map(|line| (line["kind"].as_str().unwrap(), line["path"].as_str().unwrap())).collect();
        assert_eq!(
            kinds,
            [
                ("failure", "app/broken.py"),
                ("finding", "app/storage.py"),
                ("finding", "app/storage.py"),
                ("finding", "ok.py"),
                ("failure", "unreadable.py")
            ]
        );
        assert_eq!(lines[1]["rule"], "hardcoded-bucket");
        assert_eq!(lines[1]["start"], serde_json::json!({"line": 3, "column": 12}));
        assert_eq!(lines[4]["line"], serde_json::Value::Null);
    }
}
