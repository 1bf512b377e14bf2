//! The words without which a Python file cannot hold anything to migrate: a file that has
//! none of them is never decoded or parsed. The prefilter must never change a result (the
//! tests compare every fixture with `--no-prefilter`), so a word is in when in doubt.

use aho_corasick::{AhoCorasick, Input, MatchKind};

use crate::config::Config;
use crate::model::calls::S3_OPERATIONS;

#[derive(Clone)]
pub struct Triggers {
    automaton: AhoCorasick,
    /// Per pattern: it counts only as a whole identifier (an S3 operation name: `.get_object(`
    /// is one, `gc.get_objects()` and `get_object_traceback` are not).
    whole_word: Vec<bool>,
}

impl Triggers {
    pub fn new(config: &Config) -> Triggers {
        // A bucket name split by implicit concatenation (`"anantra-" "lms-store"`) or
        // an escape still triggers: one of its pieces holds a third of the name.
        let mut anywhere: Vec<&str> = config.buckets.iter().flat_map(|name| bucket_pieces(name)).collect();
        anywhere.extend(config.storage.legacy_constants.iter().map(String::as_str));
        anywhere.extend([config.storage.module_name(), config.storage.constant.as_str()]);
        // Rule triggers: bucket keywords ("Bucket=", "bucket_name="), boto3/aioboto3/botocore,
        // s3fs, ClientError, modeled exceptions (`client.exceptions.NoSuchKey`), the
        // replacement exception (a half-migrated handler may still read `e.response`).
        let exception = config.errors.exception.rsplit('.').next().unwrap_or_default();
        anywhere.extend(["ucket", "boto", "s3fs", "ClientError", ".exceptions.", exception]);
        // The S3 operation names the model looks for on clients from elsewhere, as whole
        // words: a piece such as "_object" is in one stdlib file in ten, and `get_object`
        // is in `gc.get_objects`. One holding another trigger ("create_bucket") needs no entry.
        // Names share pieces (`course-bucket-00001`, `course-bucket-00002`): building the
        // automaton costs per copy of a pattern, so 10,000 names must not give 130,000.
        anywhere.sort_unstable();
        anywhere.dedup();
        let whole: Vec<&str> =
            S3_OPERATIONS.iter().copied().filter(|operation| !anywhere.iter().any(|word| !word.is_empty() && operation.contains(word))).collect();
        let patterns: Vec<&str> = anywhere.iter().chain(&whole).copied().collect();
        let (automaton, given) = longest_first(&patterns);
        let whole_word = given.iter().map(|&at| whole.contains(&patterns[at])).collect();
        Triggers { automaton, whole_word }
    }

    /// Whether `bytes` hold a trigger. A whole-word pattern inside a longer identifier does
    /// not count; the search goes on from the next byte, so a shorter pattern starting there
    /// (or a match overlapping it) is still found.
    pub fn found_in(&self, bytes: &[u8]) -> bool {
        let mut from = 0;
        while let Some(found) = self.automaton.find(Input::new(bytes).range(from..)) {
            if !self.whole_word[found.pattern().as_usize()] || stands_alone(bytes, found.start(), found.end()) {
                return true;
            }
            from = found.start() + 1;
        }
        false
    }
}

/// Words to look for as whole identifiers, telling which of them a text holds (the
/// names first passes asked the importers of, and their modules' names).
pub struct Words {
    automaton: AhoCorasick,
    /// Each pattern's place among the words given.
    given: Vec<usize>,
}

impl Words {
    pub fn new(words: &[&str]) -> Words {
        let (automaton, given) = longest_first(words);
        Words { automaton, given }
    }

    /// Mark in `held` (one place per word, in the order given) each word `bytes` hold as
    /// a whole identifier. The words are identifiers: one cannot stand alone inside a
    /// match of another, so the matches need not overlap.
    pub fn mark_held(&self, bytes: &[u8], held: &mut [bool]) {
        self.each_held(bytes, |word| held[word] = true);
    }

    /// Call `found` with the place of each word `bytes` hold as a whole identifier (once
    /// for each time it stands there).
    pub fn each_held(&self, bytes: &[u8], mut found: impl FnMut(usize)) {
        for matched in self.automaton.find_iter(bytes) {
            if stands_alone(bytes, matched.start(), matched.end()) {
                found(self.given[matched.pattern().as_usize()]);
            }
        }
    }
}

/// The text of each statement that may be an import (`import x`, `from x import (y,
/// z)`): the line around each `import` word, with the lines it continues or that continue
/// it (a backslash, an open parenthesis). A word in a string or a comment only adds text
/// to look at; an import is never left out.
pub fn import_statements(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    const IMPORT: &[u8] = b"import";
    memchr::memmem::find_iter(bytes, IMPORT).filter(move |&at| stands_alone(bytes, at, at + IMPORT.len())).map(move |at| {
        let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |newline| newline + 1);
        let continues = |newline: usize| bytes[..newline].strip_suffix(b"\r").unwrap_or(&bytes[..newline]).ends_with(b"\\");
        let mut start = line_start(at);
        while start > 0 && continues(start - 1) {
            start = line_start(start - 1);
        }
        let mut end = at + IMPORT.len();
        let mut depth = 0usize;
        while let Some(&byte) = bytes.get(end) {
            match byte {
                b'(' => depth += 1,
                b')' if depth <= 1 => {
                    end += 1;
                    break;
                }
                b')' => depth -= 1,
                b'\n' if depth == 0 && !continues(end) => break,
                _ => {}
            }
            end += 1;
        }
        &bytes[start..end]
    })
}

/// One automaton finding `patterns`, and for each of its patterns the place of that
/// pattern among those given. Longest first: leftmost-first prefers the earlier pattern
/// at one position, and `get_object` must not hide `get_object_acl` there (nor `aws`
/// `aws_client`). Leftmost-first lets aho-corasick use its SIMD (Teddy) searcher; with
/// the standard match kind it walks the automaton byte by byte (14 instructions a byte).
fn longest_first(patterns: &[&str]) -> (AhoCorasick, Vec<usize>) {
    let mut given: Vec<usize> = (0..patterns.len()).collect();
    given.sort_by_key(|&at| std::cmp::Reverse(patterns[at].len()));
    let automaton = AhoCorasick::builder().match_kind(MatchKind::LeftmostFirst).build(given.iter().map(|&at| patterns[at])).expect("literal patterns build");
    (automaton, given)
}

fn stands_alone(bytes: &[u8], start: usize, end: usize) -> bool {
    let identifier = |byte: &u8| byte.is_ascii_alphanumeric() || *byte == b'_';
    !start.checked_sub(1).and_then(|before| bytes.get(before)).is_some_and(identifier) && !bytes.get(end).is_some_and(identifier)
}

/// Every run of a third of `name`'s characters (at least 4; all of a shorter name).
fn bucket_pieces(name: &str) -> Vec<&str> {
    let bounds: Vec<usize> = name.char_indices().map(|(at, _)| at).chain([name.len()]).collect();
    let chars = bounds.len() - 1;
    let width = chars.div_ceil(3).max(4).min(chars);
    (0..=chars - width).map(|start| &name[bounds[start]..bounds[start + width]]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_count_only_as_whole_words() {
        let triggers = Triggers::new(&Config::defaults());
        for text in ["r = s3.get_object(Bucket=b)", "x.put_object_acl(ACL=a)", "getattr(c, \"head_object\")", "s3.list_objects_v2(Prefix=p)"] {
            assert!(triggers.found_in(text.as_bytes()), "{text}");
        }
        for text in ["gc.get_objects()", "tracemalloc.get_object_traceback(o)", "my_delete_object_helper()", "plain text"] {
            assert!(!triggers.found_in(text.as_bytes()), "{text}");
        }
        // A longer identifier first, the whole word later in the same text.
        assert!(triggers.found_in(b"gc.get_objects(); s3.get_object(Key=k)"));
    }

    #[test]
    fn words_count_only_as_whole_identifiers() {
        let words = Words::new(&["s3", "TransferConfig", "aws", "aws_client"]);
        let held = |text: &[u8]| {
            let mut held = [false; 4];
            words.mark_held(text, &mut held);
            held
        };
        assert_eq!(held(b"from app.aws import s3\n"), [true, false, true, false]);
        assert_eq!(held(b"x = aws.TransferConfig()"), [false, true, true, false]);
        assert_eq!(held(b"s3_client = MyTransferConfigs; boto3; xs3 s3"), [true, false, false, false]);
        assert_eq!(held(b"aws_client.x"), [false, false, false, true]);
    }

    #[test]
    fn import_statements_span_their_continued_lines() {
        let text = b"import os\nx = 1; from app.aws import (\n    s3,\n    TransferConfig,\n)\nfrom app \\\r\n    import aws\nreimported = 2\nprint('import')\n";
        let found: Vec<&[u8]> = import_statements(text).collect();
        assert_eq!(
            found,
            [&b"import os"[..], b"x = 1; from app.aws import (\n    s3,\n    TransferConfig,\n)", b"from app \\\r\n    import aws", b"print('import')"]
        );
    }

    #[test]
    fn bucket_names_and_keywords_trigger_inside_words() {
        let triggers = Triggers::new(&Config::defaults());
        for text in ["x = 'anantra-' 'lms-store'", "S3_BUCKET_NAME_OLD = 1", "import aioboto3", "def f(the_bucket): pass"] {
            assert!(triggers.found_in(text.as_bytes()), "{text}");
        }
    }
}
