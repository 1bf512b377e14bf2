//! The manifest: an append-only JSON Lines file, one record per event of one object, so a
//! run killed at any instant can be resumed. The first line names the run
//! (`{"manifest":"s3-to-supabase migrate-data","version":1,"from":..,"to":..}`); every later
//! line is a [`Record`], written with one `write` as the event happens (no buffering), so a
//! kill can at worst cut the last line short, and [`Manifest::open`] drops such a tail. The
//! last record of a key is its state. Nothing secret is ever written here.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const KIND: &str = "s3-to-supabase migrate-data";
const VERSION: u32 = 1;

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Writing to the destination began; a rerun re-checks it.
    Started,
    /// Uploaded, waiting for the size check of `--verify size`.
    Uploaded,
    /// Uploaded and checked (`check` says how).
    Verified,
    /// Uploaded with `--verify none`.
    Copied,
    /// Already at the destination with the same bytes (`check` says how that was decided).
    Present,
    /// At the destination with different bytes; left alone.
    Conflict,
    Failed,
    /// Deleted from the source by `--delete-source` after it was verified.
    Deleted,
}

/// How an object was found equal at the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Sha256,
    Size,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The source key.
    pub key: String,
    pub size: u64,
    /// The source ETag, as S3 gives it.
    pub etag: String,
    /// SHA-256 (hex) of the bytes read from S3, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    /// A `started` record of a write allowed to replace what the destination holds.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overwrite: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Record {
    pub fn new(key: &str, size: u64, etag: &str, outcome: Outcome) -> Record {
        Record { key: key.to_owned(), size, etag: etag.to_owned(), sha256: None, outcome, check: None, overwrite: false, error: None }
    }

    /// Verified (or found present) by bytes or size, not merely uploaded.
    pub fn is_verified(&self) -> bool {
        matches!(self.outcome, Outcome::Verified | Outcome::Present) && self.check.is_some()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    manifest: String,
    version: u32,
    from: String,
    to: String,
}

pub struct Manifest {
    file: File,
    path: PathBuf,
}

/// The last record of every key in a manifest and the length of its complete lines.
fn scan(reader: impl BufRead, shown: &str, from: &str, to: &str) -> Result<(BTreeMap<String, Record>, u64), String> {
    let mut reader = reader;
    let mut states = BTreeMap::new();
    let mut complete_len = 0u64;
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = reader.read_line(&mut line).map_err(|err| format!("cannot read {shown}: {err}"))?;
        if read == 0 || !line.ends_with('\n') {
            break; // the end, or a line a kill cut short: not a record
        }
        number += 1;
        complete_len += read as u64;
        if number == 1 {
            let header: Header = serde_json::from_str(&line).map_err(|_| format!("{shown}:1: not a migrate-data manifest"))?;
            if header.manifest != KIND || header.version != VERSION {
                return Err(format!("{shown}:1: not a version {VERSION} migrate-data manifest"));
            }
            if header.from != from || header.to != to {
                return Err(format!("{shown}: this manifest is for --from {} --to {}; name another with --manifest", header.from, header.to));
            }
            continue;
        }
        let record: Record = serde_json::from_str(&line).map_err(|err| format!("{shown}:{number}: not a manifest record: {err}"))?;
        states.insert(record.key.clone(), record);
    }
    Ok((states, complete_len))
}

/// The states a manifest records, without creating or changing it (for `--dry-run`).
pub fn read(path: &Path, from: &str, to: &str) -> Result<BTreeMap<String, Record>, String> {
    let shown = path.display().to_string();
    match File::open(path) {
        Ok(file) => Ok(scan(BufReader::new(file), &shown, from, to)?.0),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(err) => Err(format!("cannot open {shown}: {err}")),
    }
}

impl Manifest {
    /// Opens (or creates) the manifest for a run from `from` to `to`; returns it with the
    /// last record of every key. A manifest of another run, or a line that is not a record,
    /// is an error: a manifest is never silently reinterpreted. A last line cut short by a
    /// kill is removed.
    pub fn open(path: &Path, from: &str, to: &str) -> Result<(Manifest, BTreeMap<String, Record>), String> {
        let shown = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
        }
        let file = OpenOptions::new().read(true).append(true).create(true).open(path).map_err(|err| format!("cannot open {shown}: {err}"))?;
        let (states, complete_len) = scan(BufReader::new(&file), &shown, from, to)?;
        if file.metadata().map_err(|err| format!("cannot read {shown}: {err}"))?.len() != complete_len {
            file.set_len(complete_len).map_err(|err| format!("cannot repair the cut last line of {shown}: {err}"))?;
        }
        let mut manifest = Manifest { file, path: path.to_owned() };
        if complete_len == 0 {
            let header = Header { manifest: KIND.to_owned(), version: VERSION, from: from.to_owned(), to: to.to_owned() };
            manifest.write_line(&serde_json::to_string(&header).map_err(|err| err.to_string())?)?;
        }
        Ok((manifest, states))
    }

    pub fn append(&mut self, record: &Record) -> Result<(), String> {
        let line = serde_json::to_string(record).map_err(|err| err.to_string())?;
        self.write_line(&line)
    }

    /// One `write` per line on an `O_APPEND` file: the kernel has it once this returns, so
    /// a killed process loses nothing it recorded.
    fn write_line(&mut self, line: &str) -> Result<(), String> {
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        self.file.write_all(&bytes).map_err(|err| format!("cannot write the manifest {}: {err}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_the_last_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m").join("run.jsonl");
        let (mut manifest, states) = Manifest::open(&path, "s3://a/", "b/").unwrap();
        assert!(states.is_empty());
        manifest.append(&Record::new("k", 3, "\"e\"", Outcome::Started)).unwrap();
        let mut done = Record::new("k", 3, "\"e\"", Outcome::Verified);
        done.sha256 = Some("ab".into());
        done.check = Some(Check::Sha256);
        manifest.append(&done).unwrap();
        drop(manifest);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "{\"manifest\":\"s3-to-supabase migrate-data\",\"version\":1,\"from\":\"s3://a/\",\"to\":\"b/\"}\n\
             {\"key\":\"k\",\"size\":3,\"etag\":\"\\\"e\\\"\",\"outcome\":\"started\"}\n\
             {\"key\":\"k\",\"size\":3,\"etag\":\"\\\"e\\\"\",\"sha256\":\"ab\",\"outcome\":\"verified\",\"check\":\"sha256\"}\n"
        );
        let (_, states) = Manifest::open(&path, "s3://a/", "b/").unwrap();
        assert_eq!(states["k"], done);
        assert!(states["k"].is_verified());
    }

    #[test]
    fn a_cut_last_line_is_dropped_and_another_run_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let (mut manifest, _) = Manifest::open(&path, "s3://a/", "b/").unwrap();
        manifest.append(&Record::new("k", 3, "e", Outcome::Started)).unwrap();
        drop(manifest);
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, [&whole[..], b"{\"key\":\"x\",\"si"].concat()).unwrap();
        let (mut manifest, states) = Manifest::open(&path, "s3://a/", "b/").unwrap();
        assert_eq!(states.keys().collect::<Vec<_>>(), ["k"]);
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        manifest.append(&Record::new("x", 1, "e", Outcome::Failed)).unwrap();
        assert_eq!(Manifest::open(&path, "s3://a/", "b/").unwrap().1.len(), 2);
        let err = Manifest::open(&path, "s3://other/", "b/").err().unwrap();
        assert!(err.ends_with("this manifest is for --from s3://a/ --to b/; name another with --manifest"), "{err}");
        std::fs::write(&path, "garbage\n").unwrap();
        assert!(Manifest::open(&path, "s3://a/", "b/").err().unwrap().ends_with(":1: not a migrate-data manifest"));
    }
}
