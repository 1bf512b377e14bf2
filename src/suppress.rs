//! `# s3-to-supabase: ignore` and `# s3-to-supabase: ignore[rule-id, ...]` comments,
//! turned into a per-line lookup. A finding is suppressed by a comment on its first line.

use std::collections::BTreeMap;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_text_size::Ranged;

use crate::rule::RuleId;
use crate::source::LineIndex;

const MARKER: &str = "s3-to-supabase: ignore";

/// What a line suppresses: every rule, or the listed ones.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Scope {
    All,
    Rules(Vec<String>),
}

#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    by_line: BTreeMap<usize, Scope>,
}

impl Suppressions {
    /// From the comment tokens of parsed Python, so a marker inside a string does not count.
    pub fn from_python(text: &str, tokens: &Tokens, lines: &LineIndex) -> Suppressions {
        let mut by_line = BTreeMap::new();
        for token in tokens.iter().filter(|token| token.kind() == TokenKind::Comment) {
            if let Some(scope) = parse_comment(&text[token.range()]) {
                by_line.insert(lines.line_of(token.start()), scope);
            }
        }
        Suppressions { by_line }
    }

    /// From `#` comments of line-based files (requirements, .env): a `#` starts a comment.
    pub fn from_lines(text: &str) -> Suppressions {
        let by_line = text
            .lines()
            .enumerate()
            .filter_map(|(index, line)| {
                let comment = &line[line.find('#')?..];
                Some((index + 1, parse_comment(comment)?))
            })
            .collect();
        Suppressions { by_line }
    }

    pub fn is_suppressed(&self, rule: RuleId, line: usize) -> bool {
        match self.by_line.get(&line) {
            None => false,
            Some(Scope::All) => true,
            Some(Scope::Rules(ids)) => ids.iter().any(|id| id == rule.as_str()),
        }
    }
}

fn parse_comment(comment: &str) -> Option<Scope> {
    let at = comment.find(MARKER)?;
    let rest = &comment[at + MARKER.len()..];
    match rest.strip_prefix('[') {
        Some(list) => {
            let list = &list[..list.find(']')?];
            Some(Scope::Rules(list.split(',').map(|id| id.trim().to_owned()).collect()))
        }
        None if rest.is_empty() || rest.starts_with(char::is_whitespace) => Some(Scope::All),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_python;

    #[test]
    fn python_comments_suppress_their_line_only() {
        let text = "a = 'x'  # s3-to-supabase: ignore\nb = 'y'  # s3-to-supabase: ignore[hardcoded-bucket, unlisted-bucket]\nc = '# s3-to-supabase: ignore'\n";
        let parsed = parse_python(text).unwrap();
        let found = Suppressions::from_python(text, parsed.tokens(), &LineIndex::new(text));
        assert!(found.is_suppressed(RuleId::BucketInString, 1));
        assert!(found.is_suppressed(RuleId::HardcodedBucket, 2));
        assert!(found.is_suppressed(RuleId::UnlistedBucket, 2));
        assert!(!found.is_suppressed(RuleId::BucketInString, 2));
        assert!(!found.is_suppressed(RuleId::HardcodedBucket, 3));
    }

    #[test]
    fn a_longer_word_is_not_the_marker() {
        assert_eq!(parse_comment("# s3-to-supabase: ignored"), None);
        assert_eq!(parse_comment("# s3-to-supabase: ignore because"), Some(Scope::All));
    }

    #[test]
    fn line_files_use_hash_comments() {
        let found = Suppressions::from_lines("boto3==1.0  # s3-to-supabase: ignore[requirements]\nflask\n");
        assert!(found.is_suppressed(RuleId::Requirements, 1));
        assert!(!found.is_suppressed(RuleId::Requirements, 2));
    }
}
