//! The manifest's states in key order, in memory that does not grow with the manifest: the
//! last record of each key among a [`Snapshot`]'s lines, by an external merge sort. Records
//! are sorted [`CHUNK`] at a time in memory; a full chunk goes to an unnamed temporary file
//! (gone with the process, even after a kill) as a sorted run; runs are merged [`FAN_IN`] at
//! a time, level by level. The manifest itself is only read.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use super::lookup::Stream;
use super::manifest::{Record, Snapshot};

/// Records sorted in memory at once (a few hundred bytes each).
const CHUNK: usize = 4096;
/// Runs merged into one; also the most open runs per level.
const FAN_IN: usize = 16;

/// A sorted run: the last record of each of its keys, in key order.
enum Run {
    Memory(std::vec::IntoIter<Record>),
    Disk(BufReader<File>),
}

impl Run {
    fn next(&mut self) -> Result<Option<Record>, String> {
        match self {
            Run::Memory(records) => Ok(records.next()),
            Run::Disk(reader) => {
                let mut line = String::new();
                if reader.read_line(&mut line).map_err(|err| format!("cannot read a temporary file: {err}"))? == 0 {
                    return Ok(None);
                }
                serde_json::from_str(&line).map(Some).map_err(|err| format!("a temporary file is damaged: {err}"))
            }
        }
    }
}

/// Runs merged: the smallest key next; of equal keys, the record of the latest run.
struct Merge {
    /// In manifest order: a later run holds later lines.
    runs: Vec<Run>,
    heads: Vec<Option<Record>>,
}

impl Merge {
    fn new(mut runs: Vec<Run>) -> Result<Merge, String> {
        let heads = runs.iter_mut().map(Run::next).collect::<Result<_, _>>()?;
        Ok(Merge { runs, heads })
    }

    fn next(&mut self) -> Result<Option<Record>, String> {
        let Some(smallest) = self.heads.iter().flatten().map(|record| record.key.as_str()).min().map(str::to_owned) else {
            return Ok(None);
        };
        let mut last = None;
        for (run, head) in self.runs.iter_mut().zip(&mut self.heads) {
            if head.as_ref().is_some_and(|record| record.key == smallest) {
                last = head.take();
                *head = run.next()?;
            }
        }
        Ok(last)
    }
}

/// Sorts one chunk and keeps the last record of each key (a stable sort keeps file order),
/// in place: a second vector of a chunk's records would double the memory a chunk costs.
fn sorted_chunk(mut chunk: Vec<Record>) -> Vec<Record> {
    chunk.sort_by(|a, b| a.key.cmp(&b.key));
    // `dedup_by` drops `later` when it answers true and keeps `kept`: so `kept` takes the
    // later record's place first.
    chunk.dedup_by(|later, kept| {
        let same = later.key == kept.key;
        if same {
            std::mem::swap(later, kept);
        }
        same
    });
    chunk
}

/// Writes a merge of `runs` to a temporary file: one run in their place.
fn spill(runs: Vec<Run>) -> Result<Run, String> {
    let io = |err: std::io::Error| format!("cannot write a temporary file: {err}");
    let mut file = BufWriter::new(tempfile::tempfile().map_err(io)?);
    let mut merge = Merge::new(runs)?;
    while let Some(record) = merge.next()? {
        serde_json::to_writer(&mut file, &record).map_err(|err| err.to_string())?;
        file.write_all(b"\n").map_err(io)?;
    }
    let mut file = file.into_inner().map_err(|err| io(err.into_error()))?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(Run::Disk(BufReader::new(file)))
}

/// Runs by level: level `n + 1` holds merges of [`FAN_IN`] runs of level `n`. Every run of
/// a higher level covers earlier lines than any of a lower one.
#[derive(Default)]
struct Levels(Vec<Vec<Run>>);

impl Levels {
    fn push(&mut self, run: Run) -> Result<(), String> {
        let mut run = run;
        for level in 0.. {
            if self.0.len() == level {
                self.0.push(Vec::new());
            }
            self.0[level].push(run);
            if self.0[level].len() < FAN_IN {
                return Ok(());
            }
            run = spill(std::mem::take(&mut self.0[level]))?;
        }
        unreachable!("the loop returns")
    }

    /// All runs, in manifest order.
    fn into_runs(self) -> Vec<Run> {
        self.0.into_iter().rev().flatten().collect()
    }
}

/// The last record of each key in `snapshot`, in key order.
pub fn sorted(snapshot: &Snapshot) -> Result<Stream<'static, Record>, String> {
    if snapshot.records.is_empty() {
        return Ok(Box::new(std::iter::empty()));
    }
    let shown = snapshot.path.display().to_string();
    let mut file = File::open(&snapshot.path).map_err(|err| format!("cannot open {shown}: {err}"))?;
    file.seek(SeekFrom::Start(snapshot.records.start)).map_err(|err| format!("cannot read {shown}: {err}"))?;
    let mut reader = BufReader::new(file.take(snapshot.records.end - snapshot.records.start));
    let mut levels = Levels::default();
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut line = String::new();
    let mut number = snapshot.first_line;
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(|err| format!("cannot read {shown}: {err}"))? == 0 {
            break;
        }
        let record: Record = serde_json::from_str(&line).map_err(|err| format!("{shown}:{number}: not a manifest record: {err}"))?;
        number += 1;
        chunk.push(record);
        if chunk.len() == CHUNK {
            // The full chunk is written out and freed before the next one is allocated.
            levels.push(spill(vec![Run::Memory(sorted_chunk(std::mem::take(&mut chunk)).into_iter())])?)?;
            chunk.reserve(CHUNK);
        }
    }
    let mut runs = levels.into_runs();
    runs.push(Run::Memory(sorted_chunk(chunk).into_iter()));
    let mut merge = Merge::new(runs)?;
    Ok(Box::new(std::iter::from_fn(move || merge.next().transpose()).map(|record| record.map(|r| (r.key.clone(), r)))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::manifest::{Manifest, Outcome};

    #[test]
    fn the_last_record_of_each_key_in_key_order_across_many_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let (mut manifest, _) = Manifest::open(&path, "s3://a/", "b/").unwrap();
        // Enough records for runs on two levels; every key written three times, the last
        // write (with its round in the size) winning wherever its lines fall.
        let keys = CHUNK * FAN_IN * 2 / 3 + 7;
        for round in 0..3u64 {
            for i in 0..keys {
                let key = format!("k{:06}", (i * 7919) % keys);
                manifest.append(&Record::new(&key, round, "e", if round == 2 { Outcome::Verified } else { Outcome::Started })).unwrap();
            }
        }
        let states: Vec<(String, Record)> = sorted(&manifest.records()).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(states.len(), keys);
        for (i, (key, record)) in states.iter().enumerate() {
            assert_eq!((key.as_str(), record.size, record.outcome), (format!("k{i:06}").as_str(), 2, Outcome::Verified));
        }
        // From an offset on: only the lines appended after it.
        let mark = manifest.mark();
        manifest.append(&Record::new("k000003", 9, "e", Outcome::Failed)).unwrap();
        let later: Vec<(String, Record)> = sorted(&manifest.since(mark)).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(later.iter().map(|(k, r)| (k.as_str(), r.size)).collect::<Vec<_>>(), [("k000003", 9)]);
    }
}
