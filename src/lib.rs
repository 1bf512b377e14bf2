//! s3-to-supabase: a codemod that migrates a Python backend from AWS S3 (boto3)
//! to Supabase Storage (supabase-py).
//!
//! A run is a chain of plain functions: discover paths → read `SourceFile`s →
//! build one `ProjectIndex` → rules produce `Finding`s (each may carry a `Fix`)
//! → apply non-overlapping fixes until nothing changes → re-parse → write, diff
//! or leave alone → render a report → exit code.

pub mod cli;
pub mod config;
pub mod config_discovery;
pub mod discover;
pub mod finding;
pub mod fix;
pub mod interactive;
pub mod interrupt;
pub mod migrate;
pub mod model;
pub mod nofollow;
pub mod pipeline;
pub mod prefilter;
pub mod project_index;
pub mod python_syntax;
pub mod range_set;
pub mod report;
pub mod rule;
pub mod rules;
pub mod scope;
pub mod source;
pub mod suppress;
pub mod write;

pub use cli::{run, ExitStatus};
