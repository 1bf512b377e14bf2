//! `migrate-data`: copy the objects of an S3 bucket (or folder) into Supabase Storage,
//! verified and resumable. A run: resolve the settings → list the source → read the
//! manifest of earlier runs → list the destination → plan ([`plan`]) → `--dry-run` prints
//! it, or the copy engine ([`copy`]) runs it → the size check of `--verify size` →
//! `--delete-source` → the table ([`report`]). It shares `config` with the rest of the
//! crate and nothing else.

pub mod args;
mod copy;
mod credentials;
mod dest;
mod digest;
mod http;
mod location;
mod manifest;
mod plan;
mod report;
mod source;
mod tus;

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::Config;

pub use args::MigrateDataArgs;
use copy::{Done, Engine};
use dest::Destination;
use http::RetryPolicy;
use location::{file_name_part, DestLocation, SourceLocation};
use manifest::{Manifest, Outcome, Record};
use report::{Progress, Tally};
use source::{Source, SourceObject, DELETE_BATCH};

/// How a run ended, for `cli` to turn into an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// Everything planned is at the destination and checked (or the plan was printed).
    Complete,
    /// Some object failed, did not verify, or conflicts.
    Incomplete,
}

/// Runs `migrate-data`; `Err` is a usage, credential or global error (one line, no secret).
/// `config` is the global `--config`; without it the nearest configuration of the current
/// directory applies (for the default destination bucket and the Supabase variable names).
pub fn run(args: &MigrateDataArgs, config: Option<&Path>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<RunOutcome, String> {
    let started = Instant::now();
    let nearest = match config {
        Some(path) => Some(path.to_owned()),
        None => crate::config_discovery::ConfigFinder::default().nearest(Path::new(".")),
    };
    let config = Config::load(nearest.as_deref()).map_err(|err| err.to_string())?;
    let from = SourceLocation::parse(&args.from)?;
    let to = DestLocation::parse(args.to.as_deref().unwrap_or(&config.storage.default_bucket))?;
    if args.delete_source && !args.dry_run && !args.yes && !std::io::stdin().is_terminal() {
        return Err("--delete-source asks before deleting, and there is no terminal to ask on: add --yes".to_owned());
    }
    let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let settings = credentials::resolve(&env)?;
    let supabase_url = env(&config.client.url_env).ok_or_else(|| format!("{} is not set (the Supabase project URL)", config.client.url_env))?;
    let service_key = env(&config.client.key_env).ok_or_else(|| format!("{} is not set", config.client.key_env))?;
    let jobs = usize::from(args.jobs);
    let agent = http::agent(Duration::from_secs(args.timeout), jobs * 2);
    let policy = RetryPolicy::new(args.retries);
    let source = Source::new(&from, settings, agent.clone(), policy)?;
    let dest = Destination::new(&supabase_url, service_key, to.bucket.clone(), agent, policy);

    let bucket_limit = dest.check_bucket().map_err(|f| f.message)?;
    let upload_limit = match (dest.upload_limit().map_err(|f| f.message)?, bucket_limit) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let mut listed = Vec::new();
    source.list(|object| listed.push(object)).map_err(|f| f.message)?;
    let (from_shown, to_shown) = (from.display(), to.display());
    let manifest_path = args.manifest.clone().unwrap_or_else(|| default_manifest(&from_shown, &to_shown));
    let (manifest, mut states) = if args.dry_run {
        (None, manifest::read(&manifest_path, &from_shown, &to_shown)?)
    } else {
        let (manifest, states) = Manifest::open(&manifest_path, &from_shown, &to_shown)?;
        (Some(manifest), states)
    };
    let skip_copied = args.verify == args::Verify::None;
    let selection = plan::select(listed, &from, &to, args.limit, upload_limit, &states, skip_copied);
    let mut at_destination = BTreeMap::new();
    if selection.needs_destination() {
        dest.list_tree(&to.prefix, |key, size| {
            at_destination.insert(key, size);
        })
        .map_err(|f| f.message)?;
    }
    let plan = selection.finish(&from, &to, &at_destination, args.overwrite);
    drop(at_destination);

    let mut tally = Tally::from_plan(&plan);
    let Some(manifest) = manifest else {
        report::render_plan(&plan, &from_shown, &to_shown, stdout).map_err(|err| err.to_string())?;
        let _ = report::render_problems(&tally, stderr);
        return Ok(RunOutcome::Complete);
    };
    // Refusals are failures of this run, recorded so the manifest tells the whole story.
    let manifest = Mutex::new(manifest);
    let engine = Engine { source: &source, dest: &dest, policy, verify: args.verify, manifest: &manifest };
    for refused in plan.refused() {
        let object = SourceObject { key: refused.key.clone(), size: refused.size, etag: String::new() };
        let mut record = Record::new(&object.key, object.size, &object.etag, Outcome::Failed);
        record.error = Some(refused.reason.clone());
        engine.record(&record)?;
    }
    let mut progress = Progress::new(plan.tasks.len() as u64, args.progress_every, std::io::stderr().is_terminal());
    let mut awaiting_size = Vec::new();
    let mut finals = Vec::new();
    engine.run(&plan.tasks, jobs, |done: Done| {
        progress.advance(done.uploaded, stderr);
        if done.record.outcome == Outcome::Uploaded {
            awaiting_size.push(done);
        } else {
            finals.push(done);
        }
    })?;
    progress.finish();
    finals.extend(engine.verify_sizes(awaiting_size, &to.prefix)?);
    for done in finals {
        tally.add(&done.record, done.uploaded);
        states.insert(done.record.key.clone(), done.record);
    }

    if args.delete_source {
        let selected: Vec<SourceObject> = plan.already_verified.iter().cloned().chain(plan.tasks.iter().map(|t| t.object.clone())).collect();
        let deletable = plan::deletable(&selected, &states);
        let deleted = delete_source(&source, &engine, &deletable, &from_shown, args.yes, &mut tally, stderr)?;
        tally.deleted = deleted;
    }
    let _ = report::render_problems(&tally, stderr);
    report::render_summary(&tally, started.elapsed(), &from_shown, &to_shown, args.verify.as_str(), stdout).map_err(|err| err.to_string())?;
    Ok(if tally.is_clean() { RunOutcome::Complete } else { RunOutcome::Incomplete })
}

/// `.s3-to-supabase/migrate-<from>--<to>.jsonl` in the current directory.
fn default_manifest(from: &str, to: &str) -> PathBuf {
    let name = format!("migrate-{}--{}.jsonl", file_name_part(from.trim_start_matches("s3://")), file_name_part(to));
    Path::new(".s3-to-supabase").join(name)
}

/// Deletes `objects` from S3 in batches of at most 1000, after asking (unless `yes`);
/// records each deletion; returns how many were deleted.
fn delete_source(
    source: &Source,
    engine: &Engine,
    objects: &[SourceObject],
    from: &str,
    yes: bool,
    tally: &mut Tally,
    stderr: &mut dyn Write,
) -> Result<u64, String> {
    if objects.is_empty() {
        let _ = writeln!(stderr, "delete-source: no verified object to delete");
        return Ok(0);
    }
    let bytes: u64 = objects.iter().map(|o| o.size).sum();
    if !yes {
        let _ = write!(stderr, "Delete {} verified objects ({:.1} MB) from {from}? [y/N] ", objects.len(), bytes as f64 / 1e6);
        let _ = stderr.flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).map_err(|err| format!("cannot read the answer: {err}"))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            let _ = writeln!(stderr, "delete-source: nothing deleted");
            return Ok(0);
        }
    }
    let mut deleted = 0;
    for batch in objects.chunks(DELETE_BATCH) {
        let keys: Vec<String> = batch.iter().map(|o| o.key.clone()).collect();
        let (gone, refused) = match source.delete(&keys) {
            Ok(answer) => answer,
            Err(failure) => (Vec::new(), keys.iter().map(|key| format!("{key}: {failure}")).collect()),
        };
        let gone: std::collections::BTreeSet<String> = gone.into_iter().collect();
        for object in batch.iter().filter(|o| gone.contains(&o.key)) {
            engine.record(&Record::new(&object.key, object.size, &object.etag, Outcome::Deleted))?;
            deleted += 1;
        }
        for line in refused {
            let (key, message) = line.split_once(": ").unwrap_or((&line, ""));
            tally.problems.push(("not deleted", key.to_owned(), message.to_owned()));
            tally.failed += 1;
        }
    }
    Ok(deleted)
}
