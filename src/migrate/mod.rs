//! `migrate-data`: copy the objects of an S3 bucket (or folder) into Supabase Storage,
//! verified and resumable. A run: resolve the settings → open the manifest → walk the
//! source listing beside the manifest's sorted states ([`states`]), counting the tasks →
//! walk it again beside them and the destination's listing ([`plan`]), the copy engine
//! ([`copy`]) running each task as it is decided (`--dry-run` prints the counts of one such
//! walk instead) → the size check of `--verify size` → `--delete-source` → the table
//! ([`report`]). Every listing streams in key order, so memory does not grow with the
//! object count. It shares `config` with the rest of the crate and nothing else.

pub mod args;
mod copy;
mod credentials;
mod dest;
mod digest;
mod http;
mod location;
mod lookup;
mod manifest;
mod plan;
mod report;
mod source;
mod states;
mod tus;

use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::Config;

pub use args::MigrateDataArgs;
use copy::{Done, Engine};
use dest::Destination;
use http::RetryPolicy;
use location::{file_name_part, DestLocation, SourceLocation};
use manifest::{Manifest, Outcome, Record, Snapshot};
use plan::{Counts, Item, Selector, Task};
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
    let (from_shown, to_shown) = (from.display(), to.display());
    let manifest_path = args.manifest.clone().unwrap_or_else(|| default_manifest(&from_shown, &to_shown));
    let selector = Selector {
        from: &from,
        to: &to,
        limit: args.limit,
        upload_limit,
        skip_copied: args.verify == args::Verify::None,
        overwrite: args.overwrite,
    };
    if args.dry_run {
        let earlier = manifest::read(&manifest_path, &from_shown, &to_shown)?;
        let mut counts = Counts::default();
        let mut walk = selector.walk(states::sorted(&earlier)?, Some(dest.list_sorted(&to.prefix)));
        source.list(|object| {
            if let Some(item) = walk.decide(object)? {
                counts.add(&item);
                if let Item::Refused(refused) = &item {
                    let _ = report::render_refused(refused, stderr);
                }
            }
            Ok(())
        })?;
        report::render_plan(&counts, &from_shown, &to_shown, stdout).map_err(|err| err.to_string())?;
        return Ok(RunOutcome::Complete);
    }

    let (manifest, earlier) = Manifest::open(&manifest_path, &from_shown, &to_shown)?;
    let started_at = manifest.mark();
    // A first walk counts the tasks for the progress, asking the destination nothing.
    let mut total = 0;
    let mut walk = selector.walk(states::sorted(&earlier)?, None);
    source.list(|object| {
        total += u64::from(matches!(walk.decide(object)?, Some(Item::Task(_))));
        Ok(())
    })?;
    drop(walk);

    let manifest = Mutex::new(manifest);
    let engine = Engine { source: &source, dest: &dest, policy, verify: args.verify, manifest: &manifest };
    let mut progress = Progress::new(total, args.progress_every, std::io::stderr().is_terminal());
    let mut tally = Tally::default();
    let produce = |send: &dyn Fn(Task) -> bool| {
        let mut counts = Counts::default();
        let mut refusals = Vec::new();
        let mut walk = selector.walk(states::sorted(&earlier)?, Some(dest.list_sorted(&to.prefix)));
        source.list(|object| {
            let Some(item) = walk.decide(object)? else { return Ok(()) };
            counts.add(&item);
            match item {
                Item::Task(task) => {
                    if !send(task) {
                        return Err("the copy stopped".to_owned());
                    }
                }
                Item::Refused(refused) => {
                    // Refusals are failures of this run, recorded so the manifest tells the whole story.
                    let mut record = Record::new(&refused.key, refused.size, "", Outcome::Failed);
                    record.error = Some(refused.reason.clone());
                    engine.record(&record)?;
                    refusals.push(refused);
                }
                Item::Placeholder | Item::Done(..) => {}
            }
            Ok(())
        })?;
        Ok((counts, refusals))
    };
    let (counts, refusals) = engine.run(jobs, produce, |done: Done| {
        progress.advance(done.uploaded, stderr);
        tally.add(&done.record, done.uploaded);
    })?;
    progress.finish();
    tally.add_plan(&counts, refusals);
    if args.verify == args::Verify::Size {
        let fresh = manifest.lock().unwrap_or_else(|e| e.into_inner()).since(started_at);
        let map_key = |key: &str| to.key(from.relative(key));
        engine.verify_sizes(states::sorted(&fresh)?, dest.list_sorted(&to.prefix), map_key, |record| tally.add(record, 0))?;
    }

    if args.delete_source {
        let records = manifest.lock().unwrap_or_else(|e| e.into_inner()).records();
        tally.deleted = delete_source(&source, &engine, &selector, &records, args.yes, &mut tally, stderr)?;
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

/// Deletes from S3 the selected objects the manifest (`records`, as it is now) says are
/// verified with the size and ETag S3 lists now, in batches of at most 1000, after asking
/// (unless `yes`); records each deletion; returns how many were deleted. They are found by
/// a walk first and kept in a temporary file, so the question can say how many.
fn delete_source(
    source: &Source,
    engine: &Engine,
    selector: &Selector,
    records: &Snapshot,
    yes: bool,
    tally: &mut Tally,
    stderr: &mut dyn Write,
) -> Result<u64, String> {
    let io = |err: std::io::Error| format!("cannot write a temporary file: {err}");
    let mut found = BufWriter::new(tempfile::tempfile().map_err(io)?);
    let (mut count, mut bytes) = (0u64, 0u64);
    let mut walk = selector.walk(states::sorted(records)?, None);
    source.list(|object| {
        if let Some(Item::Done(object, record)) = walk.decide(object)? {
            if record.is_verified() {
                serde_json::to_writer(&mut found, &object).map_err(|err| err.to_string())?;
                found.write_all(b"\n").map_err(io)?;
                count += 1;
                bytes += object.size;
            }
        }
        Ok(())
    })?;
    if count == 0 {
        let _ = writeln!(stderr, "delete-source: no verified object to delete");
        return Ok(0);
    }
    if !yes {
        let _ = write!(stderr, "Delete {count} verified objects ({:.1} MB) from {}? [y/N] ", bytes as f64 / 1e6, selector.from.display());
        let _ = stderr.flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).map_err(|err| format!("cannot read the answer: {err}"))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            let _ = writeln!(stderr, "delete-source: nothing deleted");
            return Ok(0);
        }
    }
    let mut found = found.into_inner().map_err(|err| io(err.into_error()))?;
    found.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut lines = BufReader::new(found).lines();
    let mut deleted = 0;
    loop {
        let batch: Vec<SourceObject> = lines
            .by_ref()
            .take(DELETE_BATCH)
            .map(|line| serde_json::from_str(&line.map_err(io)?).map_err(|err| format!("a temporary file is damaged: {err}")))
            .collect::<Result<_, String>>()?;
        if batch.is_empty() {
            return Ok(deleted);
        }
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
}
