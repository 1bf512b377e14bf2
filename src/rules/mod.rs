//! Dispatch of one file to the rule families (the ids and their metadata are `crate::rule`).

pub mod boto3_call;
pub mod boto3_client;
pub mod bucket_constant;
pub mod bucket_literal;
pub mod client_error;
pub mod s3_calls;
pub mod setup_files;
pub mod storage_access;
#[cfg(test)]
pub mod testing;

use ruff_python_ast::token::Tokens;
use ruff_python_ast::ModModule;
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use std::cell::{Cell, RefCell};

use crate::config::Config;
use crate::finding::Finding;
use crate::model::{BucketMatcher, FileModel, S3Call, Scopes};
use crate::project_index::ProjectIndex;
use crate::range_set::RangeSet;
use crate::rule::RuleId;
use crate::source::{LineIndex, SourceFile};
use crate::suppress::Suppressions;

/// Everything a rule may read about the file it checks.
pub struct RuleContext<'a> {
    pub config: &'a Config,
    pub index: &'a ProjectIndex,
    pub file: &'a SourceFile,
    pub module: &'a ModModule,
    pub tokens: &'a Tokens,
    /// The file's S3 usage model: everything rules know about the file's code.
    pub model: &'a FileModel<'a>,
    /// The configured bucket names, one automaton for all of them.
    pub matcher: &'a BucketMatcher,
    pub is_storage_module: bool,
    /// The file's line index and suppression comments, built once per pass.
    pub lines: &'a LineIndex,
    pub suppressions: &'a Suppressions,
    /// Set by a rule that needed the repository's import style before the run had
    /// counted it: the file is processed again once it is known.
    pub import_style_wanted: &'a Cell<bool>,
    /// The names of this file whose importers a rule asked for before the run had read
    /// every file (each once): the file is processed again if one of them has one.
    pub importers_asked: &'a RefCell<Vec<String>>,
    /// Set by a rule that left something unrewritten because the storage module is
    /// not among the paths (the run says so once).
    pub storage_missing: &'a Cell<bool>,
    /// The storage module's functions whose S3 calls a pass planned to translate, with
    /// how those report a missing object (what the other files' handlers then catch).
    pub translated: &'a RefCell<Vec<(String, Vec<s3_calls::Missing>)>>,
}

impl RuleContext<'_> {
    /// The first other file of the run that imports `name` from this one (`from aws import
    /// s3`, `aws.s3`). Before every file is read the answer is "none": the file is
    /// processed again if the settled run knows one.
    pub fn importer_of(&self, name: &str) -> Option<&crate::project_index::Importer> {
        if !self.index.exports_final {
            let mut asked = self.importers_asked.borrow_mut();
            if !asked.iter().any(|asked| asked == name) {
                asked.push(name.to_owned());
            }
            return None;
        }
        self.index.importer_of(&self.file.display, name)
    }
}

/// All findings of all rule families for one parsed Python file, before suppression
/// and configured severities are applied.
pub fn check_python(ctx: &RuleContext) -> Vec<Finding> {
    let mut calls = s3_calls::check(ctx);
    let mut findings = bucket_literal::check(ctx, &calls.held);
    findings.extend(bucket_constant::check(ctx));
    // Inside the units the call translation covers, the S3 calls and the handlers of the
    // tries guarding them are its own: its fix (or what holds the unit back) speaks for them.
    let covered = RangeSet::new(calls.covered.iter().copied());
    let raises = RangeSet::new(calls.raises.iter().copied());
    let units: FxHashMap<TextRange, Option<TextRange>> = calls.tries.iter().copied().collect();
    // The module's own code is no function unit: there the call translation's finding at
    // a call speaks for it.
    let spoken_for = RangeSet::new(calls.covered.iter().copied().chain(calls.findings.iter().filter(|finding| finding.rule == RuleId::Boto3Call).map(|finding| finding.range)));
    findings.extend(boto3_client::check(ctx));
    let call_findings = boto3_call::check(ctx);
    // An s3fs call is s3fs-usage's alone: the call translation's "not translated" there
    // would say it twice.
    let s3fs_calls: FxHashSet<TextRange> = call_findings.iter().filter(|finding| finding.rule == RuleId::S3fsUsage).map(|finding| finding.range).collect();
    calls.findings.retain(|finding| finding.rule != RuleId::Boto3Call || !s3fs_calls.contains(&finding.range));
    findings.extend(call_findings.into_iter().filter(|finding| finding.rule != RuleId::Boto3Call || !spoken_for.contains_range(finding.range)));
    show_replacements(ctx, &mut calls.findings);
    findings.extend(client_error::check(ctx, &covered, &units).into_iter().filter(|finding| finding.rule != RuleId::ClientError || !raises.contains_range(finding.range)));
    findings.extend(calls.findings);
    findings
}

/// A call the translation holds back still shows the replacement its hint names, where
/// the arguments show all of it (a display-only fix: boto3-call's own finding there is
/// the translation's).
/// Names in a sentence: `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn show_replacements(ctx: &RuleContext, findings: &mut [Finding]) {
    let held: Vec<&mut Finding> = findings.iter_mut().filter(|finding| finding.rule == RuleId::Boto3Call && finding.fix.is_none()).collect();
    // The storage module still without its Supabase client: apply translates these calls.
    let setting_up = ctx.is_storage_module && ctx.model.scopes.local(Scopes::MODULE, &ctx.config.client.storage_name).is_none();
    if held.is_empty() || setting_up {
        return;
    }
    let calls: FxHashMap<TextRange, &S3Call> = ctx.model.calls.iter().map(|call| (call.call.range(), call)).collect();
    for finding in held {
        let Some((fix, why)) = calls.get(&finding.range).and_then(|call| boto3_call::shown_fix(ctx, call)) else { continue };
        finding.message = format!("{}; {why}", finding.message);
        finding.fix = Some(fix);
    }
}

/// What a rule on a setup file (requirements, .env example, pyproject) may read.
pub struct SetupContext<'a> {
    pub config: &'a Config,
    pub file: &'a SourceFile,
}

/// All findings for one setup file.
pub fn check_setup_file(ctx: &SetupContext) -> Vec<Finding> {
    setup_files::check(ctx)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::fix::edit::Applicability;
    use crate::rule::RuleId;
    use crate::rules::testing::findings_of;

    fn found(text: &str) -> Vec<String> {
        let mut all: Vec<String> = findings_of(super::check_python, &Config::defaults(), text, "backend/utils/other.py")
            .into_iter()
            .map(|finding| format!("{:?} {}", finding.range, finding.rule))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn a_module_level_s3_call_gets_one_boto3_call_finding() {
        let text = "import boto3\ns3 = boto3.client('s3')\ns3.delete_object(Bucket='b', Key='k')\n";
        assert_eq!(found(text).iter().filter(|finding| finding.ends_with(" boto3-call")).collect::<Vec<_>>(), ["37..74 boto3-call"]);
    }

    #[test]
    fn a_call_held_back_in_a_function_shows_its_replacement() {
        let text = "import boto3\ns3 = boto3.client('s3')\ndef names(bucket):\n    s3.put_object(Bucket=bucket, Key='k', Body=b'', ACL='public-read')\n    return s3.list_buckets()\n";
        let shown: Vec<(String, Option<Applicability>)> = findings_of(super::check_python, &Config::defaults(), text, "backend/utils/other.py")
            .into_iter()
            .filter(|finding| finding.rule == RuleId::Boto3Call)
            .map(|finding| (format!("{:?} {}", finding.range, finding.message), finding.fix.map(|fix| fix.applicability)))
            .collect();
        assert_eq!(
            shown,
            [
                ("108..125 not translated (`names` changes as one unit): argument `ACL`: Supabase has no object ACLs: make the bucket public or private, and control access with RLS policies on storage.objects".to_owned(), None),
                ("138..155 not translated (`names` changes as one unit): `list_buckets()` read other than as `[\"Buckets\"]` iterated with `[\"Name\"]`/`[\"CreationDate\"]`; rewrite it by hand against `list_buckets()` (a list of bucket objects); display-only fix (shown in the finding's fix, never applied): it returns bucket objects with `.name`, not a dict with \"Buckets\"".to_owned(), Some(Applicability::DisplayOnly)),
            ]
        );
    }

    /// A function the translation holds back keeps its handlers as they are: client-error
    /// says so at each handler, naming what holds the function back.
    #[test]
    fn a_handler_in_a_held_back_function_says_what_holds_it() {
        let text = "\
import boto3
from botocore.exceptions import ClientError
s3 = boto3.client('s3')
def publish(bucket, key):
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=b'', ACL='public-read')
    except ClientError:
        return False
    return True
";
        let handlers: Vec<String> = findings_of(super::check_python, &Config::defaults(), text, "backend/utils/other.py")
            .into_iter()
            .filter(|finding| finding.rule == RuleId::ClientError)
            .map(|finding| format!("{:?} {}", finding.range, finding.message))
            .collect();
        assert_eq!(
            handlers,
            ["202..213 `except ClientError` catches boto3's errors from S3 calls still made with boto3: `s3.put_object(...)` (line 6); it stays as it is and changes in the same fix that translates them, once what line 6:57 reports is resolved"]
        );
    }

    /// Module level code is a unit too: where its fix changes a handler, client-error has
    /// nothing of its own to say there.
    #[test]
    fn a_handler_the_module_level_fix_changes_is_the_translations_own() {
        let text = "import boto3\nfrom botocore.exceptions import ClientError\ns3 = boto3.client('s3')\ntry:\n    s3.delete_object(Bucket='anantra-lms-store', Key='k')\nexcept ClientError:\n    pass\n";
        let found: Vec<String> = findings_of(super::check_python, &Config::defaults(), text, "backend/utils/other.py")
            .into_iter()
            .filter(|finding| matches!(finding.rule, RuleId::ClientError | RuleId::Boto3Call))
            .map(|finding| format!("{:?} {} {}", finding.range, finding.rule, finding.fix.map_or("no fix".to_owned(), |fix| fix.title)))
            .collect();
        assert_eq!(found, ["90..143 boto3-call translate the S3 calls of module level code to Supabase Storage"]);
    }

    /// Code held back keeps calling S3, where the constant (the Supabase bucket's name,
    /// which a deployment may set to another) must not replace the S3 bucket it names.
    #[test]
    fn a_bucket_in_code_that_stays_on_s3_stays_as_written() {
        let text = "\
import boto3
s3 = boto3.client('s3')
def publish(key):
    s3.put_object(Bucket='anantra-lms-store', Key=key, Body=b'', ACL='public-read')
s3.put_object(Bucket='anantra-lms-store', Key='k', Body=b'', ACL='public-read')
def read(key):
    return s3.get_object(Bucket='anantra-lms-store', Key=key)['Body'].read()
";
        let buckets: Vec<String> = findings_of(super::check_python, &Config::defaults(), text, "backend/utils/other.py")
            .into_iter()
            .filter(|finding| finding.rule == RuleId::HardcodedBucket)
            .map(|finding| format!("{:?} {} {}", finding.range, finding.message, finding.fix.map_or("no fix".to_owned(), |fix| fix.title)))
            .collect();
        assert_eq!(
            buckets,
            [
                "80..99 hardcoded bucket \"anantra-lms-store\" left as written: `publish` stays on S3 this run (line 4 holds it back), and its S3 calls keep their S3 bucket; it becomes `s3_utils.SUPABASE_BUCKET_NAME` with their translation no fix",
                "160..179 hardcoded bucket \"anantra-lms-store\" left as written: module level code stays on S3 this run (line 5 holds it back), and its S3 calls keep their S3 bucket; it becomes `s3_utils.SUPABASE_BUCKET_NAME` with their translation no fix",
                "266..285 hardcoded bucket \"anantra-lms-store\"; use `s3_utils.SUPABASE_BUCKET_NAME` use the bucket constant",
            ]
        );
    }

    #[test]
    fn an_s3fs_call_is_reported_once_at_its_place() {
        let text = "import s3fs\nfs = s3fs.S3FileSystem(anon=False)\ndef files():\n    return fs.glob('data/*.parquet')\n";
        assert_eq!(found(text), ["12..46 s3fs-usage", "71..96 s3fs-usage"]);
    }
}
