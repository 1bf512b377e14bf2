//! Dispatch of one file to the rule families (the ids and their metadata are `crate::rule`).

pub mod boto3_client;
pub mod bucket_literal;
pub mod client_error;
pub mod setup_files;
pub mod storage_access;
#[cfg(test)]
pub mod testing;

use ruff_python_ast::token::Tokens;
use ruff_python_ast::ModModule;

use crate::config::Config;
use crate::finding::Finding;
use crate::project_index::{FileBindings, ProjectIndex};
use crate::source::{LineIndex, SourceFile};
use crate::suppress::Suppressions;


/// Everything a rule may read about the file it checks.
pub struct RuleContext<'a> {
    pub config: &'a Config,
    pub index: &'a ProjectIndex,
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
    findings.extend(boto3_client::check(ctx));
    findings.extend(client_error::check(ctx));
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
