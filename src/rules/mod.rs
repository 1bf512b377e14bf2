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

use std::cell::Cell;

use crate::config::Config;
use crate::finding::Finding;
use crate::model::{BucketMatcher, FileModel};
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
    /// Set by a rule that left something unrewritten because the storage module is
    /// not among the paths (the run says so once).
    pub storage_missing: &'a Cell<bool>,
}

/// All findings of all rule families for one parsed Python file, before suppression
/// and configured severities are applied.
pub fn check_python(ctx: &RuleContext) -> Vec<Finding> {
    let mut findings = bucket_literal::check(ctx);
    findings.extend(bucket_constant::check(ctx));
    let calls = s3_calls::check(ctx);
    // Inside the units the call translation covers, the S3 calls and the handlers of the
    // tries guarding them are its own: its fix (or what holds the unit back) speaks for them.
    let covered = RangeSet::new(calls.covered.iter().copied());
    let raises = RangeSet::new(calls.raises.iter().copied());
    findings.extend(boto3_client::check(ctx));
    findings.extend(boto3_call::check(ctx).into_iter().filter(|finding| finding.rule != RuleId::Boto3Call || !covered.contains_range(finding.range)));
    findings.extend(client_error::check(ctx, &covered).into_iter().filter(|finding| finding.rule != RuleId::ClientError || !raises.contains_range(finding.range)));
    findings.extend(calls.findings);
    findings
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
