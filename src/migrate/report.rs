//! What a person sees: the plan of `--dry-run`, progress while copying (a bar on a
//! terminal, one line per N objects otherwise), and the final table with the objects that
//! failed or conflict. The table goes to stdout (the product); progress and per-object
//! problems go to stderr. Only keys, sizes and server messages appear: never a secret.

use std::io::Write;
use std::time::{Duration, Instant};

use super::manifest::{Outcome, Record};
use super::plan::{Counts, Refused};

/// Counts for the final table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub planned: u64,
    pub copied: u64,
    pub present: u64,
    pub skipped: u64,
    pub conflicts: u64,
    pub failed: u64,
    pub deleted: u64,
    /// Bytes uploaded in this run.
    pub bytes: u64,
    /// `(kind, key, message)` of each failure and conflict.
    pub problems: Vec<(&'static str, String, String)>,
}

impl Tally {
    /// Adds what the plan settled without copying: planned, placeholders, done by an
    /// earlier run, refused (whose problems `refusals` are).
    pub fn add_plan(&mut self, counts: &Counts, refusals: Vec<Refused>) {
        self.planned += counts.planned;
        self.skipped += counts.placeholders;
        self.present += counts.done_earlier;
        self.failed += counts.invalid + counts.oversize;
        self.problems.extend(refusals.into_iter().map(|refused| ("failed", refused.key, refused.reason)));
    }

    /// Counts one object's final record.
    pub fn add(&mut self, record: &Record, uploaded: u64) {
        self.bytes += uploaded;
        let message = || record.error.clone().unwrap_or_default();
        match record.outcome {
            Outcome::Verified | Outcome::Copied => self.copied += 1,
            Outcome::Present => self.present += 1,
            Outcome::Conflict => {
                self.conflicts += 1;
                self.problems.push(("conflict", record.key.clone(), message()));
            }
            // `uploaded` is counted once its size is checked.
            Outcome::Uploaded => {}
            Outcome::Failed | Outcome::Started | Outcome::Deleted => {
                self.failed += 1;
                self.problems.push(("failed", record.key.clone(), message()));
            }
        }
    }

    pub fn is_clean(&self) -> bool {
        self.failed == 0 && self.conflicts == 0
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The `--dry-run` plan.
pub fn render_plan(counts: &Counts, from: &str, to: &str, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "plan: {from} -> {to} (nothing is written in a dry run)")?;
    writeln!(out, "  {:<34} {:>8}  {}", "objects", counts.planned, megabytes(counts.planned_bytes))?;
    writeln!(out, "  {:<34} {:>8}  {}", "to copy", counts.to_copy, megabytes(counts.to_copy_bytes))?;
    writeln!(out, "  {:<34} {:>8}", "at the destination, to compare", counts.to_compare)?;
    writeln!(out, "  {:<34} {:>8}  {}", "verified by an earlier run", counts.done_earlier, megabytes(counts.done_earlier_bytes))?;
    writeln!(out, "  {:<34} {:>8}", "placeholders skipped", counts.placeholders)?;
    writeln!(out, "  {:<34} {:>8}  {}", "over the upload limit", counts.oversize, megabytes(counts.oversize_bytes))?;
    writeln!(out, "  {:<34} {:>8}", "invalid keys", counts.invalid)?;
    Ok(())
}

/// A refused object, as the dry run shows it (and the table's problems list it).
pub fn render_refused(refused: &Refused, err: &mut dyn Write) -> std::io::Result<()> {
    writeln!(err, "failed: {}: {}", refused.key, refused.reason)
}

/// The refused objects of a plan, or the problems of a run, one line each, by key.
pub fn render_problems(tally: &Tally, err: &mut dyn Write) -> std::io::Result<()> {
    let mut problems: Vec<_> = tally.problems.iter().collect();
    problems.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
    for (kind, key, message) in problems {
        writeln!(err, "{kind}: {key}: {message}")?;
    }
    Ok(())
}

/// The table at the end of a run.
pub fn render_summary(tally: &Tally, elapsed: Duration, from: &str, to: &str, verify: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let seconds = elapsed.as_secs_f64().max(1e-3);
    writeln!(out, "migrate-data: {from} -> {to} (verify {verify})")?;
    let rows: [(&str, u64); 7] = [
        ("planned", tally.planned),
        ("copied", tally.copied),
        ("already present", tally.present),
        ("skipped (placeholders)", tally.skipped),
        ("conflicts", tally.conflicts),
        ("failed", tally.failed),
        ("deleted from the source", tally.deleted),
    ];
    for (label, value) in rows {
        writeln!(out, "  {label:<24} {value:>8}")?;
    }
    writeln!(out, "  {:<24} {:>8}", "bytes copied", megabytes(tally.bytes))?;
    writeln!(out, "  {:<24} {:>8}", "elapsed", format!("{seconds:.1} s"))?;
    writeln!(
        out,
        "  {:<24} {:>8}",
        "throughput",
        format!("{:.1} objects/s, {:.1} MB/s", tally.copied as f64 / seconds, tally.bytes as f64 / 1e6 / seconds)
    )?;
    Ok(())
}

/// Progress while copying: an indicatif bar on a terminal, else a line every `every` objects.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    every: u64,
    total: u64,
    done: u64,
    bytes: u64,
    started: Instant,
}

impl Progress {
    pub fn new(total: u64, every: u64, terminal: bool) -> Progress {
        let bar = terminal.then(|| {
            let bar = indicatif::ProgressBar::new(total);
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} objects {msg} {elapsed} (eta {eta})") {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, every, total, done: 0, bytes: 0, started: Instant::now() }
    }

    pub fn advance(&mut self, uploaded: u64, err: &mut dyn Write) {
        self.done += 1;
        self.bytes += uploaded;
        match &self.bar {
            Some(bar) => {
                bar.set_message(megabytes(self.bytes));
                bar.inc(1);
            }
            None if self.done.is_multiple_of(self.every) => {
                let _ = writeln!(
                    err,
                    "migrate-data: {}/{} objects, {} copied, {:.1} s",
                    self.done,
                    self.total,
                    megabytes(self.bytes),
                    self.started.elapsed().as_secs_f64()
                );
            }
            None => {}
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_problems() {
        let mut tally = Tally { planned: 4, skipped: 1, ..Tally::default() };
        let mut ok = Record::new("a", 5, "e", Outcome::Verified);
        ok.sha256 = Some("x".into());
        tally.add(&ok, 5_000_000);
        tally.add(&Record::new("b", 1, "e", Outcome::Present), 0);
        let mut bad = Record::new("c", 1, "e", Outcome::Conflict);
        bad.error = Some("differs".into());
        tally.add(&bad, 0);
        let mut failed = Record::new("a0", 1, "e", Outcome::Failed);
        failed.error = Some("HTTP 500".into());
        tally.add(&failed, 0);
        assert!(!tally.is_clean());
        let mut out = Vec::new();
        render_summary(&tally, Duration::from_secs(2), "s3://s/", "d/", "full", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "migrate-data: s3://s/ -> d/ (verify full)\n  planned                         4\n  copied                          1\n  already present                 1\n  skipped (placeholders)          1\n  conflicts                       1\n  failed                          1\n  deleted from the source         0\n  bytes copied               5.0 MB\n  elapsed                     2.0 s\n  throughput               0.5 objects/s, 2.5 MB/s\n"
        );
        let mut err = Vec::new();
        render_problems(&tally, &mut err).unwrap();
        assert_eq!(String::from_utf8(err).unwrap(), "failed: a0: HTTP 500\nconflict: c: differs\n");
    }
}
