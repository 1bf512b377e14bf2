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
        let mut patterns: Vec<&str> = anywhere.iter().chain(&whole).copied().collect();
        // Longest first: leftmost-first prefers the earlier pattern at one position, and
        // `get_object` must not hide `get_object_acl` there.
        patterns.sort_by_key(|pattern| std::cmp::Reverse(pattern.len()));
        let whole_word = patterns.iter().map(|pattern| whole.contains(pattern)).collect();
        // Leftmost-first lets aho-corasick use its SIMD (Teddy) searcher; with the standard
        // match kind it walks the automaton byte by byte (14 instructions a byte here).
        let automaton = AhoCorasick::builder().match_kind(MatchKind::LeftmostFirst).build(patterns).expect("literal patterns build");
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
    fn bucket_names_and_keywords_trigger_inside_words() {
        let triggers = Triggers::new(&Config::defaults());
        for text in ["x = 'anantra-' 'lms-store'", "S3_BUCKET_NAME_OLD = 1", "import aioboto3", "def f(the_bucket): pass"] {
            assert!(triggers.found_in(text.as_bytes()), "{text}");
        }
    }
}
