//! Suppression comments, and which of them were used.
//!
//! `# s3-to-supabase: ignore` (every rule) or `# s3-to-supabase: ignore[rule-id, ...]`
//! covers the comment's own line; `# s3-to-supabase: ignore-next-line[...]` (or without
//! a list) covers the line after it, as ast-grep's `ast-grep-ignore` does, for calls too
//! long to take a trailing comment. Spaces around the `:` are optional
//! (`#s3-to-supabase:ignore`). A finding is suppressed when its first line is covered.
//!
//! Every query that answers "suppressed" marks the comment as used; after a pass,
//! [`Suppressions::problems`] reports each id that is no rule (`invalid-suppression`)
//! and each comment that suppressed nothing (`unused-suppression`).

use std::cell::Cell;
use std::collections::BTreeMap;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::finding::Finding;
use crate::rule::{RuleId, Severity};
use crate::source::LineIndex;

const TOOL: &str = "s3-to-supabase";

/// What a comment suppresses: every rule, or the listed ids (as written).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Scope {
    All,
    Rules(Vec<String>),
}

/// A parsed marker: its scope and whether it covers the next line.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Marker {
    scope: Scope,
    next_line: bool,
}

#[derive(Debug)]
struct Suppression {
    /// The comment, where problems with it are reported.
    range: TextRange,
    /// The line it covers.
    line: usize,
    scope: Scope,
    /// Per listed id (one entry for `All`): whether it suppressed something.
    used: Vec<Cell<bool>>,
}

#[derive(Debug, Default)]
pub struct Suppressions {
    entries: Vec<Suppression>,
    /// Covered line → indices into `entries`.
    by_line: BTreeMap<usize, Vec<usize>>,
}

impl Suppressions {
    /// From the comment tokens of parsed Python, so a marker inside a string does not count.
    pub fn from_python(text: &str, tokens: &Tokens, lines: &LineIndex) -> Suppressions {
        let comments = tokens
            .iter()
            .filter(|token| token.kind() == TokenKind::Comment)
            .map(|token| (token.range(), lines.line_of(token.start())));
        Suppressions::from_comments(text, comments)
    }

    /// From `#` comments of line-based files (requirements, .env): a `#` starts a comment.
    pub fn from_lines(text: &str) -> Suppressions {
        let mut comments = Vec::new();
        let mut offset = 0;
        for (index, line) in text.split_inclusive('\n').enumerate() {
            if let Some(at) = line.find('#') {
                let end = line.trim_end_matches(['\n', '\r']).len();
                let start = TextSize::try_from(offset + at).unwrap_or_default();
                let end = TextSize::try_from(offset + end.max(at)).unwrap_or_default();
                comments.push((TextRange::new(start, end), index + 1));
            }
            offset += line.len();
        }
        Suppressions::from_comments(text, comments)
    }

    fn from_comments(text: &str, comments: impl IntoIterator<Item = (TextRange, usize)>) -> Suppressions {
        let mut suppressions = Suppressions::default();
        for (range, line) in comments {
            let Some(marker) = parse_comment(&text[range]) else { continue };
            let line = if marker.next_line { line + 1 } else { line };
            let ids = match &marker.scope {
                Scope::All => 1,
                Scope::Rules(ids) => ids.len(),
            };
            suppressions.by_line.entry(line).or_default().push(suppressions.entries.len());
            suppressions.entries.push(Suppression {
                range,
                line,
                scope: marker.scope,
                used: (0..ids).map(|_| Cell::new(false)).collect(),
            });
        }
        suppressions
    }

    /// Whether `rule` is suppressed on `line`; a `true` marks the comment as used.
    pub fn is_suppressed(&self, rule: RuleId, line: usize) -> bool {
        let mut suppressed = false;
        for &index in self.by_line.get(&line).into_iter().flatten() {
            let entry = &self.entries[index];
            match &entry.scope {
                Scope::All => {
                    entry.used[0].set(true);
                    suppressed = true;
                }
                Scope::Rules(ids) => {
                    for (id, used) in ids.iter().zip(&entry.used) {
                        if id == rule.as_str() {
                            used.set(true);
                            suppressed = true;
                        }
                    }
                }
            }
        }
        suppressed
    }

    /// After every finding of a pass has been checked: a finding for each listed id that
    /// is no rule, and for each comment (or id in it) that suppressed nothing. Ids of
    /// rules that are not `enabled` (turned off) are never reported as unused.
    pub fn problems(&self, enabled: impl Fn(RuleId) -> bool) -> Vec<Finding> {
        let mut problems = Vec::new();
        let finding = |rule: RuleId, range: TextRange, message: String| Finding {
            rule,
            severity: Severity::Warning,
            range,
            message,
            fix: None,
        };
        for entry in &self.entries {
            match &entry.scope {
                Scope::All if !entry.used[0].get() => problems.push(finding(
                    RuleId::UnusedSuppression,
                    entry.range,
                    format!("unused suppression: no finding on line {} to ignore; remove the comment", entry.line),
                )),
                Scope::All => {}
                Scope::Rules(ids) => {
                    for (id, used) in ids.iter().zip(&entry.used) {
                        match RuleId::from_id(id) {
                            None => problems.push(finding(
                                RuleId::InvalidSuppression,
                                entry.range,
                                format!("suppression names an {}", RuleId::unknown_message(id)),
                            )),
                            Some(rule) if enabled(rule) && !used.get() => problems.push(finding(
                                RuleId::UnusedSuppression,
                                entry.range,
                                format!("unused suppression: no {id} finding on line {} to ignore; remove `{id}` from the comment", entry.line),
                            )),
                            Some(_) => {}
                        }
                    }
                }
            }
        }
        problems
    }
}

/// `s3-to-supabase: ignore`, `:ignore-next-line`, each with an optional `[ids]`,
/// anywhere in the comment, spaces around the `:` optional.
fn parse_comment(comment: &str) -> Option<Marker> {
    let mut search = comment;
    while let Some(at) = search.find(TOOL) {
        let rest = search[at + TOOL.len()..].trim_start();
        if let Some(rest) = rest.strip_prefix(':') {
            if let Some(marker) = parse_directive(rest.trim_start()) {
                return Some(marker);
            }
        }
        search = &search[at + TOOL.len()..];
    }
    None
}

fn parse_directive(text: &str) -> Option<Marker> {
    let (next_line, rest) = match text.strip_prefix("ignore-next-line") {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix("ignore")?),
    };
    let scope = match rest.strip_prefix('[') {
        Some(list) => {
            let list = &list[..list.find(']')?];
            Scope::Rules(list.split(',').map(|id| id.trim().to_owned()).filter(|id| !id.is_empty()).collect())
        }
        None if rest.is_empty() || rest.starts_with(char::is_whitespace) => Scope::All,
        None => return None,
    };
    Some(Marker { scope, next_line })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_python;

    fn python(text: &str) -> Suppressions {
        let parsed = parse_python(text).unwrap();
        Suppressions::from_python(text, parsed.tokens(), &LineIndex::new(text))
    }

    #[test]
    fn python_comments_suppress_their_line_only() {
        let text = "a = 'x'  # s3-to-supabase: ignore\nb = 'y'  # s3-to-supabase: ignore[hardcoded-bucket, unlisted-bucket]\nc = '# s3-to-supabase: ignore'\n";
        let found = python(text);
        assert!(found.is_suppressed(RuleId::BucketInString, 1));
        assert!(found.is_suppressed(RuleId::HardcodedBucket, 2));
        assert!(found.is_suppressed(RuleId::UnlistedBucket, 2));
        assert!(!found.is_suppressed(RuleId::BucketInString, 2));
        assert!(!found.is_suppressed(RuleId::HardcodedBucket, 3));
    }

    #[test]
    fn a_longer_word_is_not_the_marker_and_spaces_are_optional() {
        assert_eq!(parse_comment("# s3-to-supabase: ignored"), None);
        let all = Some(Marker { scope: Scope::All, next_line: false });
        assert_eq!(parse_comment("# s3-to-supabase: ignore because"), all);
        assert_eq!(parse_comment("#s3-to-supabase:ignore"), all);
        assert_eq!(parse_comment("# noqa  # s3-to-supabase :  ignore"), all);
        assert_eq!(
            parse_comment("#s3-to-supabase:ignore-next-line[boto3-call]"),
            Some(Marker { scope: Scope::Rules(vec!["boto3-call".to_owned()]), next_line: true })
        );
    }

    #[test]
    fn ignore_next_line_covers_the_line_below() {
        let text = "# s3-to-supabase: ignore-next-line[boto3-call]\nclient.put_object(\n    Bucket=b,\n)\n";
        let found = python(text);
        assert!(!found.is_suppressed(RuleId::Boto3Call, 1));
        assert!(found.is_suppressed(RuleId::Boto3Call, 2));
    }

    #[test]
    fn line_files_use_hash_comments() {
        let found = Suppressions::from_lines("boto3==1.0  # s3-to-supabase: ignore[requirements]\nflask\n");
        assert!(found.is_suppressed(RuleId::Requirements, 1));
        assert!(!found.is_suppressed(RuleId::Requirements, 2));
    }

    #[test]
    fn unknown_ids_and_unused_comments_are_reported() {
        let text = "a = 1  # s3-to-supabase: ignore\nb = 2  # s3-to-supabase: ignore[hardcoded-buckets, bucket-in-text, boto3-call]\n";
        let found = python(text);
        assert!(found.is_suppressed(RuleId::BucketInText, 2));
        let problems = found.problems(|rule| rule != RuleId::Boto3Call);
        let summary: Vec<(RuleId, u32, &str)> =
            problems.iter().map(|p| (p.rule, u32::from(p.range.start()), p.message.as_str())).collect();
        assert_eq!(
            summary,
            [
                (RuleId::UnusedSuppression, 7, "unused suppression: no finding on line 1 to ignore; remove the comment"),
                (
                    RuleId::InvalidSuppression,
                    39,
                    "suppression names an unknown rule `hardcoded-buckets` (did you mean `hardcoded-bucket`?); `s3-to-supabase rules` lists them"
                ),
            ]
        );
    }
}
