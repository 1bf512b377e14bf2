//! The flags of `migrate-data` (flattened into the subcommand in `cli.rs`).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// How each copied object is checked at the destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Verify {
    /// SHA-256 of the bytes read from S3 against the bytes read back from Supabase.
    Full,
    /// The size Supabase lists for the object against the size read from S3.
    Size,
    /// Trust a successful upload.
    None,
}

impl Verify {
    pub fn as_str(self) -> &'static str {
        match self {
            Verify::Full => "full",
            Verify::Size => "size",
            Verify::None => "none",
        }
    }
}

#[derive(Debug, Args)]
pub struct MigrateDataArgs {
    /// The source: an S3 bucket and optional folder (`s3://BUCKET[/PREFIX]`).
    #[arg(long, value_name = "s3://BUCKET[/PREFIX]")]
    pub from: String,
    /// The destination Supabase bucket and optional folder; keys below the source folder
    /// keep their relative path. Default: `storage.default_bucket` of the configuration.
    #[arg(long, value_name = "BUCKET[/PREFIX]")]
    pub to: Option<String>,
    /// How each object is checked once copied.
    #[arg(long, value_enum, default_value_t = Verify::Full)]
    pub verify: Verify,
    /// Print the plan (objects, bytes, placeholders, oversize, invalid keys, already
    /// present) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Only the first N objects of the source (in key order): a trial subset.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Replace objects that exist at the destination with different bytes (default: report
    /// them as conflicts and leave them alone).
    #[arg(long)]
    pub overwrite: bool,
    /// After copying, delete from S3 the objects verified in this or an earlier run
    /// (batches of at most 1000; asks first on a terminal).
    #[arg(long)]
    pub delete_source: bool,
    /// Do not ask before `--delete-source` deletes.
    #[arg(long)]
    pub yes: bool,
    /// Objects copied at the same time.
    #[arg(long, short = 'j', default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Attempts of one request after the first, on 5xx, 429, timeouts and reset connections.
    #[arg(long, default_value_t = 6, value_name = "N")]
    pub retries: u32,
    /// Seconds a request may wait for the other side (connect, each read, each write)
    /// before it counts as timed out and is retried.
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// The manifest file. Default: `.s3-to-supabase/migrate-<from>--<to>.jsonl` in the
    /// current directory.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Without a terminal, print one progress line per this many objects.
    #[arg(long, default_value_t = 500, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub progress_every: u64,
}
