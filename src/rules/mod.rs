//! Dispatch of one file to the rule families (the ids and their metadata are `crate::rule`).

pub mod boto3_client;
pub mod bucket_literal;
pub mod client_error;
pub mod s3_calls;
pub mod setup_files;
pub mod storage_access;
#[cfg(test)]
pub mod testing;

use ruff_python_ast::token::Tokens;
use ruff_python_ast::ModModule;

use crate::config::Config;
use crate::finding::Finding;
use crate::model::FileModel;
use crate::project_index::{FileBindings, ProjectIndex};
use crate::source::{LineIndex, SourceFile};
use crate::suppress::Suppressions;


/// Everything a rule may read about the file it checks.
pub struct RuleContext<'a> {
    pub config: &'a Config,
    pub index: &'a ProjectIndex,
    /// The file's S3 usage model (built once per pass).
    pub model: &'a FileModel<'a>,
    pub file: &'a SourceFile,
    pub module: &'a ModModule,
    pub tokens: &'a Tokens,
    pub bindings: &'a FileBindings,
    pub is_storage_module: bool,
    /// The file's line index and suppression comments, built once per pass.
    pub lines: &'a LineIndex,
    pub suppressions: &'a Suppressions,
}

/// All findings of all rule families for one parsed Python file, before suppression
/// and configured severities are applied.
pub fn check_python(ctx: &RuleContext) -> Vec<Finding> {
    let mut findings = bucket_literal::check(ctx);
    let calls = s3_calls::check(ctx);
    // `boto3-call` belongs to the call translation inside the units it covers.
    findings.extend(boto3_client::check(ctx).into_iter().filter(|finding| {
        finding.rule != crate::rule::RuleId::Boto3Call || !calls.covered.iter().any(|unit| unit.contains_range(finding.range))
    }));
    findings.extend(calls.findings);
    findings.extend(client_error::check(ctx).into_iter().filter(|finding| {
        finding.rule != crate::rule::RuleId::ClientError || !calls.raises.iter().any(|raise| raise.contains_range(finding.range))
    }));
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
