//! The manifest: an append-only JSON Lines file, one record per event of one object, so a
//! run killed at any instant can be resumed. The first line names the run
//! (`{"manifest":"s3-to-supabase migrate-data","version":1,"from":..,"to":..}`); every later
//! line is a [`Record`], written with one `write` as the event happens (no buffering), so a
//! kill can at worst cut the last line short, and [`Manifest::open`] drops such a tail. The
//! last record of a key is its state. Nothing secret is ever written here.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const KIND: &str = "s3-to-supabase migrate-data";
const VERSION: u32 = 1;

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Writing to the destination began; a rerun re-checks it (and continues its resumable
    /// upload, if `upload` names one).
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
    /// A `started` record of a resumable (TUS) upload: the id the server gave it, so that a
    /// run killed mid-upload is continued from the server's offset by the next one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Record {
    pub fn new(key: &str, size: u64, etag: &str, outcome: Outcome) -> Record {
        Record { key: key.to_owned(), size, etag: etag.to_owned(), sha256: None, outcome, check: None, overwrite: false, upload: None, error: None }
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
    /// Where the records begin (after the header line).
    first: Mark,
    /// Where the next line goes.
    end: Mark,
}

/// A place in a manifest: a byte offset at the start of a line, and that line's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    offset: u64,
    line: usize,
}

/// Whole record lines of a manifest, to read states from ([`super::states::sorted`]).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub path: PathBuf,
    pub records: Range<u64>,
    /// The number of the first line of `records`, for messages.
    pub first_line: usize,
}

/// The end of the complete lines of `file` (a last line cut short by a kill is not one):
/// its length up to and including the last newline, and the number of the line after.
/// One pass, a buffer at a time.
fn complete_lines(file: &File, shown: &str) -> Result<Mark, String> {
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let (mut read, mut complete, mut lines) = (0u64, 0u64, 0usize);
    loop {
        let buffer = reader.fill_buf().map_err(|err| format!("cannot read {shown}: {err}"))?;
        if buffer.is_empty() {
            return Ok(Mark { offset: complete, line: lines + 1 });
        }
        for newline in memchr::memchr_iter(b'\n', buffer) {
            complete = read + newline as u64 + 1;
            lines += 1;
        }
        let length = buffer.len();
        read += length as u64;
        reader.consume(length);
    }
}

/// Checks the header of a manifest whose complete lines end at `end`; returns where its
/// records begin, or `None` when it has no complete line yet.
fn check_header(file: &File, end: Mark, shown: &str, from: &str, to: &str) -> Result<Option<Mark>, String> {
    if end.offset == 0 {
        return Ok(None);
    }
    let mut line = String::new();
    let mut reader = BufReader::new(file);
    reader.seek(SeekFrom::Start(0)).map_err(|err| format!("cannot read {shown}: {err}"))?;
    reader.read_line(&mut line).map_err(|err| format!("cannot read {shown}: {err}"))?;
    let header: Header = serde_json::from_str(&line).map_err(|_| format!("{shown}:1: not a migrate-data manifest"))?;
    if header.manifest != KIND || header.version != VERSION {
        return Err(format!("{shown}:1: not a version {VERSION} migrate-data manifest"));
    }
    if header.from != from || header.to != to {
        return Err(format!("{shown}: this manifest is for --from {} --to {}; name another with --manifest", header.from, header.to));
    }
    Ok(Some(Mark { offset: line.len() as u64, line: 2 }))
}

/// The records of a manifest, without creating or changing it (for `--dry-run`): none
/// when there is no manifest yet.
pub fn read(path: &Path, from: &str, to: &str) -> Result<Snapshot, String> {
    let shown = path.display().to_string();
    let nothing = Mark { offset: 0, line: 1 };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(snapshot(path, nothing, nothing)),
        Err(err) => return Err(format!("cannot open {shown}: {err}")),
    };
    let end = complete_lines(&file, &shown)?;
    Ok(match check_header(&file, end, &shown, from, to)? {
        Some(first) => snapshot(path, first, end),
        None => snapshot(path, nothing, nothing),
    })
}

fn snapshot(path: &Path, first: Mark, end: Mark) -> Snapshot {
    Snapshot { path: path.to_owned(), records: first.offset..end.offset, first_line: first.line }
}

impl Manifest {
    /// Opens (or creates) the manifest for a run from `from` to `to`; returns it with its
    /// records so far. A manifest of another run is an error: a manifest is never silently
    /// reinterpreted (nor is a line that is not a record, found when the states are read).
    /// A last line cut short by a kill is removed.
    pub fn open(path: &Path, from: &str, to: &str) -> Result<(Manifest, Snapshot), String> {
        let shown = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
        }
        let file = OpenOptions::new().read(true).append(true).create(true).open(path).map_err(|err| format!("cannot open {shown}: {err}"))?;
        let end = complete_lines(&file, &shown)?;
        let first = check_header(&file, end, &shown, from, to)?;
        if file.metadata().map_err(|err| format!("cannot read {shown}: {err}"))?.len() != end.offset {
            file.set_len(end.offset).map_err(|err| format!("cannot repair the cut last line of {shown}: {err}"))?;
        }
        let mut manifest = Manifest { file, path: path.to_owned(), first: end, end };
        if first.is_none() {
            let header = Header { manifest: KIND.to_owned(), version: VERSION, from: from.to_owned(), to: to.to_owned() };
            manifest.write_line(&serde_json::to_string(&header).map_err(|err| err.to_string())?)?;
        }
        manifest.first = first.unwrap_or(manifest.end);
        let records = manifest.records();
        Ok((manifest, records))
    }

    pub fn append(&mut self, record: &Record) -> Result<(), String> {
        let line = serde_json::to_string(record).map_err(|err| err.to_string())?;
        self.write_line(&line)
    }

    /// Where the next record goes: [`Manifest::since`] a mark gives what was recorded after.
    pub fn mark(&self) -> Mark {
        self.end
    }

    /// All records so far.
    pub fn records(&self) -> Snapshot {
        snapshot(&self.path, self.first, self.end)
    }

    /// The records written since `mark`.
    pub fn since(&self, mark: Mark) -> Snapshot {
        snapshot(&self.path, mark, self.end)
    }

    /// One `write` per line on an `O_APPEND` file: the kernel has it once this returns, so
    /// a killed process loses nothing it recorded.
    fn write_line(&mut self, line: &str) -> Result<(), String> {
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        self.file.write_all(&bytes).map_err(|err| format!("cannot write the manifest {}: {err}", self.path.display()))?;
        self.end = Mark { offset: self.end.offset + bytes.len() as u64, line: self.end.line + 1 };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states(snapshot: &Snapshot) -> Vec<(String, Record)> {
        crate::migrate::states::sorted(snapshot).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn records_round_trip_and_the_last_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m").join("run.jsonl");
        let (mut manifest, records) = Manifest::open(&path, "s3://a/", "b/").unwrap();
        assert!(records.records.is_empty());
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
        let (_, records) = Manifest::open(&path, "s3://a/", "b/").unwrap();
        assert_eq!(states(&records), [("k".to_owned(), done.clone())]);
        assert!(done.is_verified());
        assert_eq!(read(&path, "s3://a/", "b/").unwrap().records, records.records);
        assert!(read(&dir.path().join("none.jsonl"), "s3://a/", "b/").unwrap().records.is_empty());
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
        let (mut manifest, records) = Manifest::open(&path, "s3://a/", "b/").unwrap();
        assert_eq!(states(&records).into_iter().map(|(k, _)| k).collect::<Vec<_>>(), ["k"]);
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        manifest.append(&Record::new("x", 1, "e", Outcome::Failed)).unwrap();
        assert_eq!(states(&Manifest::open(&path, "s3://a/", "b/").unwrap().1).len(), 2);
        let err = Manifest::open(&path, "s3://other/", "b/").err().unwrap();
        assert!(err.ends_with("this manifest is for --from s3://a/ --to b/; name another with --manifest"), "{err}");
        std::fs::write(&path, "garbage\n").unwrap();
        assert!(Manifest::open(&path, "s3://a/", "b/").err().unwrap().ends_with(":1: not a migrate-data manifest"));
        std::fs::write(&path, [&whole[..], b"garbage\n"].concat()).unwrap();
        let (_, records) = Manifest::open(&path, "s3://a/", "b/").unwrap();
        let err = crate::migrate::states::sorted(&records).err().unwrap();
        assert!(err.ends_with("run.jsonl:3: not a manifest record: expected value at line 1 column 1"), "{err}");
    }
}
