//! SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! One run. `tool.driver.rules` lists every rule in `RuleId::ALL` order, and each
//! result points into it with `ruleIndex`. Columns are counted in characters, so
//! the run declares `columnKind: unicodeCodePoints` (the SARIF default would be
//! UTF-16 code units). Files that failed are not results: they are
//! `invocations[0].toolExecutionNotifications` at level `error`, and make
//! `executionSuccessful` false. A finding with a fix carries it as a SARIF `fix`
//! whose replacements use `byteOffset`/`byteLength` of the edit ranges counted in the
//! file's stored bytes (after a BOM, one byte per latin-1 character).
//!
//! No `informationUri` and no `helpUri`: SARIF 2.1.0 says each holds an absolute
//! URI (RFC 3986), and the project has no published address to give (a
//! `file://` path of this checkout would be wrong on every other machine, and a git
//! remote's address need not be a web page). Each rule's whole documentation, what
//! `rules <id>` prints, is its `help.text` and `fullDescription` instead, which code
//! scanning shows beside the alert.

use std::io::{self, Write};

use serde::Serialize;

use super::{FileOutcome, Report, ReportedFinding};
use crate::rule::Severity;
use crate::rule::RuleId;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Sarif<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation<'a>; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    short_description: Text<'static>,
    full_description: Text<'static>,
    help: Text<'static>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: ByteRegion,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ByteRegion {
    byte_offset: u32,
    byte_length: u32,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference for a `/`-separated relative path: every byte
/// outside the unreserved set, `/` and a few safe sub-delimiters is
/// percent-encoded (spaces, `%`, `#`, `?`, `:` so that no segment reads as a
/// scheme, non-ASCII, …).
fn uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

fn rule_index(rule: RuleId) -> usize {
    RuleId::ALL.iter().position(|&candidate| candidate == rule).unwrap_or_default()
}

fn rules() -> Vec<Rule> {
    RuleId::ALL
        .iter()
        .map(|&rule| Rule {
            id: rule.as_str(),
            short_description: Text { text: rule.summary() },
            full_description: Text { text: rule.docs() },
            help: Text { text: rule.docs() },
            default_configuration: Configuration { level: level(rule.default_severity()) },
        })
        .collect()
}

fn result(finding: &ReportedFinding) -> SarifResult<'_> {
    let fixes = finding
        .fix
        .iter()
        .map(|fix| SarifFix {
            description: Text { text: &fix.title },
            artifact_changes: [ArtifactChange {
                artifact_location: ArtifactLocation { uri: uri(&finding.path) },
                replacements: fix
                    .edits
                    .iter()
                    .zip(finding.fix_bytes.iter())
                    .map(|(edit, bytes)| Replacement {
                        deleted_region: ByteRegion { byte_offset: bytes.offset, byte_length: bytes.length },
                        inserted_content: Text { text: &edit.content },
                    })
                    .collect(),
            }],
        })
        .collect();
    SarifResult {
        rule_id: finding.rule.as_str(),
        rule_index: rule_index(finding.rule),
        level: level(finding.severity),
        message: Text { text: &finding.message },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(&finding.path) },
                region: Some(Region {
                    start_line: finding.start.line,
                    start_column: finding.start.column,
                    end_line: Some(finding.end.line),
                    end_column: Some(finding.end.column),
                }),
            },
        }],
        fixes,
    }
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let notifications: Vec<Notification<'_>> = report
        .files
        .iter()
        .filter_map(|file| match &file.outcome {
            FileOutcome::Failed { position, message } => Some(Notification {
                level: "error",
                message: Text { text: message },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: uri(&file.path) },
                        region: position.map(|position| Region {
                            start_line: position.line,
                            start_column: position.column,
                            end_line: None,
                            end_column: None,
                        }),
                    },
                }],
            }),
            _ => None,
        })
        .collect();
    let sarif = Sarif {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "s3-to-supabase",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: rules(),
                },
            },
            invocations: [Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results: report.findings().map(result).collect(),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::report::text::fixtures::sample;
    use crate::report::Mode;

    fn rendered(report: &Report) -> String {
        let mut out = Vec::new();
        render(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn rules_json() -> Value {
        Value::Array(
            RuleId::ALL
                .iter()
                .map(|&rule| {
                    json!({
                        "id": rule.as_str(),
                        "shortDescription": {"text": rule.summary()},
                        "fullDescription": {"text": rule.docs()},
                        "help": {"text": rule.docs()},
                        "defaultConfiguration": {"level": level(rule.default_severity())},
                    })
                })
                .collect(),
        )
    }

    /// The output with the rules array (whose text is the rules' docs) cut out.
    fn without_rules(text: &str) -> String {
        let open = text.find("\"rules\": [").expect("rules array") + "\"rules\": [".len();
        let close =
            open + text[open..].find("\n          ]\n        }\n      },").expect("end of rules");
        format!("{}<RULES>{}", &text[..open], &text[close..])
    }

    #[test]
    fn full_report() {
        let text = rendered(&sample(Mode::Check));
        let actual: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(actual["runs"][0]["tool"]["driver"]["rules"], rules_json());
        assert_eq!(
            without_rules(&text),
            r#"{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "s3-to-supabase",
          "version": "<VERSION>",
          "rules": [<RULES>
          ]
        }
      },
      "invocations": [
        {
          "executionSuccessful": false,
          "toolExecutionNotifications": [
            {
              "level": "error",
              "message": {
                "text": "unexpected indentation"
              },
              "locations": [
                {
                  "physicalLocation": {
                    "artifactLocation": {
                      "uri": "app/broken.py"
                    },
                    "region": {
                      "startLine": 2,
                      "startColumn": 7
                    }
                  }
                }
              ]
            },
            {
              "level": "error",
              "message": {
                "text": "cannot read: permission denied"
              },
              "locations": [
                {
                  "physicalLocation": {
                    "artifactLocation": {
                      "uri": "unreadable.py"
                    }
                  }
                }
              ]
            }
          ]
        }
      ],
      "columnKind": "unicodeCodePoints",
      "results": [
        {
          "ruleId": "hardcoded-bucket",
          "ruleIndex": 0,
          "level": "error",
          "message": {
            "text": "bucket name \"media\" is hard-coded"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "app/storage.py"
                },
                "region": {
                  "startLine": 3,
                  "startColumn": 12,
                  "endLine": 3,
                  "endColumn": 23
                }
              }
            }
          ],
          "fixes": [
            {
              "description": {
                "text": "Read the bucket from settings"
              },
              "artifactChanges": [
                {
                  "artifactLocation": {
                    "uri": "app/storage.py"
                  },
                  "replacements": [
                    {
                      "deletedRegion": {
                        "byteOffset": 3,
                        "byteLength": 0
                      },
                      "insertedContent": {
                        "text": "from app import settings\n"
                      }
                    },
                    {
                      "deletedRegion": {
                        "byteOffset": 43,
                        "byteLength": 11
                      },
                      "insertedContent": {
                        "text": "settings.MEDIA_BUCKET"
                      }
                    }
                  ]
                }
              ]
            }
          ]
        },
        {
          "ruleId": "unlisted-bucket",
          "ruleIndex": <UNLISTED>,
          "level": "warning",
          "message": {
            "text": "bucket \"logs\" is not in rules.toml; add it under [buckets]"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "app/storage.py"
                },
                "region": {
                  "startLine": 7,
                  "startColumn": 5,
                  "endLine": 8,
                  "endColumn": 2
                }
              }
            }
          ]
        },
        {
          "ruleId": "boto3-call",
          "ruleIndex": <CALL>,
          "level": "note",
          "message": {
            "text": "check this call by hand"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "ok.py"
                },
                "region": {
                  "startLine": 1,
                  "startColumn": 1,
                  "endLine": 1,
                  "endColumn": 5
                }
              }
            }
          ]
        }
      ]
    }
  ]
}
"#
            .replace("<VERSION>", env!("CARGO_PKG_VERSION"))
            .replace("<UNLISTED>", &rule_index(RuleId::UnlistedBucket).to_string())
            .replace("<CALL>", &rule_index(RuleId::Boto3Call).to_string())
        );
    }

    #[test]
    fn clean_run_is_successful_with_no_results() {
        let report = Report { mode: Mode::Check, files: Vec::new(), notes: Vec::new() };
        let actual: Value = serde_json::from_str(&rendered(&report)).unwrap();
        assert_eq!(
            actual["runs"][0]["invocations"],
            json!([{"executionSuccessful": true, "toolExecutionNotifications": []}])
        );
        assert_eq!(actual["runs"][0]["results"], json!([]));
        assert_eq!(
            actual["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(),
            RuleId::ALL.len()
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("app/storage.py"), "app/storage.py");
        assert_eq!(uri("my dir/50%#1?.py"), "my%20dir/50%25%231%3F.py");
        assert_eq!(uri("ünï/a.py"), "%C3%BCn%C3%AF/a.py");
        assert_eq!(uri("c:d/a.py"), "c%3Ad/a.py");
    }
}
