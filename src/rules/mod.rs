//! The rule ids, their metadata, and dispatch of one file to the rule families.

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

use crate::finding::Severity;

/// Every rule the tool knows. `as_str()` is the id used in output, config and
/// suppression comments; once shipped an id is never renamed or reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    HardcodedBucket,
    BucketInString,
    BucketEnvLookup,
    BucketConstant,
    BucketNeedsReview,
    BucketInText,
    UnlistedBucket,
    Boto3Client,
    Boto3Import,
    Boto3Call,
    ClientError,
    ErrorCodeCheck,
    Requirements,
    EnvExample,
}

/// Whether a rule's findings come with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    Always,
    Sometimes,
    Never,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Always => "always",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Never => "never",
        }
    }
}

impl RuleId {
    pub const ALL: [RuleId; 14] = [
        RuleId::HardcodedBucket,
        RuleId::BucketInString,
        RuleId::BucketEnvLookup,
        RuleId::BucketConstant,
        RuleId::BucketNeedsReview,
        RuleId::BucketInText,
        RuleId::UnlistedBucket,
        RuleId::Boto3Client,
        RuleId::Boto3Import,
        RuleId::Boto3Call,
        RuleId::ClientError,
        RuleId::ErrorCodeCheck,
        RuleId::Requirements,
        RuleId::EnvExample,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::HardcodedBucket => "hardcoded-bucket",
            RuleId::BucketInString => "bucket-in-string",
            RuleId::BucketEnvLookup => "bucket-env-lookup",
            RuleId::BucketConstant => "bucket-constant",
            RuleId::BucketNeedsReview => "bucket-needs-review",
            RuleId::BucketInText => "bucket-in-text",
            RuleId::UnlistedBucket => "unlisted-bucket",
            RuleId::Boto3Client => "boto3-client",
            RuleId::Boto3Import => "boto3-import",
            RuleId::Boto3Call => "boto3-call",
            RuleId::ClientError => "client-error",
            RuleId::ErrorCodeCheck => "error-code-check",
            RuleId::Requirements => "requirements",
            RuleId::EnvExample => "env-example",
        }
    }

    pub fn from_id(id: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|rule| rule.as_str() == id)
    }

    pub fn default_severity(self) -> Severity {
        match self {
            RuleId::UnlistedBucket | RuleId::BucketInText => Severity::Warning,
            _ => Severity::Error,
        }
    }

    pub fn fix_availability(self) -> FixAvailability {
        match self {
            RuleId::BucketEnvLookup | RuleId::BucketConstant | RuleId::EnvExample => {
                FixAvailability::Always
            }
            RuleId::BucketNeedsReview | RuleId::BucketInText | RuleId::UnlistedBucket | RuleId::Boto3Call => {
                FixAvailability::Never
            }
            _ => FixAvailability::Sometimes,
        }
    }

    /// One line for `rules` listings.
    pub fn summary(self) -> &'static str {
        self.docs().lines().next().unwrap_or_default()
    }

    /// The rule's documentation: a summary line, then the sections
    /// What it finds / Why / Before / After / Fix safety / Manual follow-up.
    pub fn docs(self) -> &'static str {
        match self {
            RuleId::HardcodedBucket => bucket_literal::HARDCODED_BUCKET_DOC,
            RuleId::BucketInString => bucket_literal::BUCKET_IN_STRING_DOC,
            RuleId::BucketEnvLookup => bucket_literal::BUCKET_ENV_LOOKUP_DOC,
            RuleId::BucketConstant => bucket_literal::BUCKET_CONSTANT_DOC,
            RuleId::BucketNeedsReview => bucket_literal::BUCKET_NEEDS_REVIEW_DOC,
            RuleId::BucketInText => bucket_literal::BUCKET_IN_TEXT_DOC,
            RuleId::UnlistedBucket => bucket_literal::UNLISTED_BUCKET_DOC,
            RuleId::ClientError => client_error::CLIENT_ERROR_DOC,
            RuleId::ErrorCodeCheck => client_error::ERROR_CODE_CHECK_DOC,
            RuleId::Boto3Client => boto3_client::BOTO3_CLIENT_DOC,
            RuleId::Boto3Import => boto3_client::BOTO3_IMPORT_DOC,
            RuleId::Boto3Call => boto3_client::BOTO3_CALL_DOC,
            RuleId::Requirements => setup_files::REQUIREMENTS_DOC,
            RuleId::EnvExample => setup_files::ENV_EXAMPLE_DOC,
        }
    }
}

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

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
