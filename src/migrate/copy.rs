//! The copy engine: `--jobs` workers take the tasks as the plan's walk decides them (a short
//! queue between, so nothing piles up); each streams its object from S3 into Supabase (a
//! standard upload up to 6 MiB, or when the cache-control is not a plain max-age; TUS in
//! 6 MiB chunks above), hashing the bytes as they pass, then checks
//! the result as `--verify` asks. Memory per worker is a few I/O buffers whatever the
//! object's size. Each object's `started` and final records go to the manifest as they
//! happen; results go to the caller's thread for the progress display and the table.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

use sha2::{Digest, Sha256};

use super::args::Verify;
use super::dest::{drain, Destination, Uploaded};
use super::digest::{hex, HashingReader, HashingSink};
use super::http::{stream_error, Attempt, Failure, RetryPolicy};
use super::lookup::{Lookup, Stream};
use super::manifest::{Check, Manifest, Outcome, Record};
use super::plan::Task;
use super::source::{ObjectStream, Source};
use super::tus::{self, tus_max_age, CHUNK};

pub struct Engine<'a> {
    pub source: &'a Source,
    pub dest: &'a Destination,
    pub policy: RetryPolicy,
    pub verify: Verify,
    pub manifest: &'a Mutex<Manifest>,
}

/// The end of one task.
pub struct Done {
    pub record: Record,
    /// Bytes uploaded for it in this run.
    pub uploaded: u64,
}

/// What an upload did.
struct Transfer {
    size: u64,
    etag: String,
    /// SHA-256 of the bytes read from S3 (None if the destination refused before any).
    sha256: Option<String>,
    /// The key existed already (409 without upsert).
    existed: bool,
    /// An earlier attempt of this upload may have landed before its answer was lost.
    retried: bool,
}

/// Whether the destination holds the source's bytes.
enum Comparison {
    Same { sha256: Option<String>, check: Check },
    Differs(String),
    Missing,
}

impl Engine<'_> {
    /// Runs the tasks `produce` hands to its `send` on `jobs` workers, calling `on_done` on
    /// this thread as each one ends. At most `2 × jobs` tasks wait at a time: `send` blocks
    /// until a worker is free, and answers `false` once the workers stopped. Stops early,
    /// with the error, if the manifest cannot be written; else returns what `produce` does.
    pub fn run<T: Send>(
        &self,
        jobs: usize,
        produce: impl FnOnce(&dyn Fn(Task) -> bool) -> Result<T, String> + Send,
        mut on_done: impl FnMut(Done),
    ) -> Result<T, String> {
        let stop = AtomicBool::new(false);
        let manifest_error = Mutex::new(None);
        let (task_sender, tasks) = mpsc::sync_channel::<Task>(jobs.max(1) * 2);
        let tasks = Mutex::new(tasks);
        let (sender, receiver) = mpsc::channel();
        let produced = std::thread::scope(|scope| {
            for _ in 0..jobs.max(1) {
                let sender = sender.clone();
                let (tasks, stop, manifest_error) = (&tasks, &stop, &manifest_error);
                scope.spawn(move || loop {
                    let next = tasks.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(task) = next else { break };
                    if stop.load(Ordering::Relaxed) {
                        continue; // drained, so that the producer is never left waiting
                    }
                    match self.process(&task) {
                        Ok(done) => {
                            let _ = sender.send(done);
                        }
                        Err(err) => {
                            stop.store(true, Ordering::Relaxed);
                            *manifest_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(err);
                        }
                    }
                });
            }
            drop(sender);
            let stop = &stop;
            let producer = scope.spawn(move || {
                let send = |task: Task| !stop.load(Ordering::Relaxed) && task_sender.send(task).is_ok();
                produce(&send)
            });
            for done in receiver {
                on_done(done);
            }
            producer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        match manifest_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(err) => Err(err),
            None => produced,
        }
    }

    pub fn record(&self, record: &Record) -> Result<(), String> {
        self.manifest.lock().unwrap_or_else(|e| e.into_inner()).append(record)
    }

    fn process(&self, task: &Task) -> Result<Done, String> {
        self.record(&started(task, task.resume.as_deref()))?;
        let (record, uploaded) = self.settle(task);
        self.record(&record)?;
        Ok(Done { record, uploaded })
    }

    /// Decides and does what `task` needs; returns its final record and the bytes uploaded.
    fn settle(&self, task: &Task) -> (Record, u64) {
        let object = &task.object;
        let failed = |failure: Failure| {
            let mut record = Record::new(&object.key, object.size, &object.etag, Outcome::Failed);
            record.error = Some(failure.message);
            (record, 0)
        };
        if task.at_destination.is_some() && !task.overwrite {
            match self.compare(task) {
                Ok(Comparison::Missing) => {}
                Ok(other) => return (self.compared(task, other, Outcome::Present), 0),
                Err(failure) => return failed(failure),
            }
        }
        let transfer = match self.upload(task) {
            Ok(transfer) => transfer,
            Err(failure) => return failed(failure),
        };
        if transfer.existed {
            // Ours if an earlier attempt landed unanswered; someone else's otherwise.
            let outcome = if transfer.retried { self.copied_outcome() } else { Outcome::Present };
            return match self.compare(task) {
                Ok(comparison) => (self.compared(task, comparison, outcome), 0),
                Err(failure) => failed(failure),
            };
        }
        let mut record = Record::new(&object.key, transfer.size, &transfer.etag, self.copied_outcome());
        record.sha256 = transfer.sha256;
        match self.verify {
            Verify::Full => match self.read_back(&task.dest_key) {
                Ok(Some((size, sha))) if size == transfer.size && Some(&sha) == record.sha256.as_ref() => record.check = Some(Check::Sha256),
                Ok(Some((size, sha))) => {
                    record.outcome = Outcome::Failed;
                    record.error = Some(format!(
                        "read back {size} bytes with SHA-256 {sha}, but S3 gave {} bytes with SHA-256 {}",
                        transfer.size,
                        record.sha256.as_deref().unwrap_or("?")
                    ));
                }
                Ok(None) => {
                    record.outcome = Outcome::Failed;
                    record.error = Some("uploaded, but the destination does not have it when read back".to_owned());
                }
                Err(failure) => {
                    record.outcome = Outcome::Failed;
                    record.error = Some(format!("uploaded, but reading it back failed: {failure}"));
                }
            },
            Verify::Size | Verify::None => {}
        }
        (record, transfer.size)
    }

    /// The outcome of a fresh upload before any check: `uploaded` waits for the size check.
    fn copied_outcome(&self) -> Outcome {
        match self.verify {
            Verify::Full => Outcome::Verified,
            Verify::Size => Outcome::Uploaded,
            Verify::None => Outcome::Copied,
        }
    }

    /// The record of a comparison: the same bytes as `outcome` (Present, or Verified for
    /// our own unanswered upload), different bytes a conflict.
    fn compared(&self, task: &Task, comparison: Comparison, outcome: Outcome) -> Record {
        let object = &task.object;
        let mut record = Record::new(&object.key, object.size, &object.etag, outcome);
        match comparison {
            Comparison::Same { sha256, check } => {
                record.sha256 = sha256;
                record.check = Some(check);
                if record.outcome != Outcome::Present {
                    record.outcome = Outcome::Verified;
                }
            }
            Comparison::Differs(why) => {
                record.outcome = Outcome::Conflict;
                record.error = Some(format!("`{}` exists at the destination with different bytes ({why}); --overwrite replaces it", task.dest_key));
            }
            Comparison::Missing => {
                record.outcome = Outcome::Failed;
                record.error = Some("the destination answered that the key exists, then that it does not".to_owned());
            }
        }
        record
    }

    /// Compares the destination's object with the source: by SHA-256 of both (reading
    /// both), or by size alone with `--verify none`.
    fn compare(&self, task: &Task) -> Attempt<Comparison> {
        if self.verify == Verify::None {
            return self.policy.run(|_| {
                Ok(match self.dest.download(&task.dest_key)? {
                    None => Comparison::Missing,
                    Some((size, _)) if size == task.object.size => Comparison::Same { sha256: None, check: Check::Size },
                    Some((size, _)) => Comparison::Differs(format!("{size} bytes, S3 has {}", task.object.size)),
                })
            });
        }
        let Some((dest_size, dest_sha)) = self.read_back(&task.dest_key)? else { return Ok(Comparison::Missing) };
        let (source_size, source_sha) = self.policy.run(|_| {
            let mut stream = self.source.open(&task.object.key, 0)?;
            let mut sink = HashingSink::default();
            drain("S3 get", &mut stream.body, &mut sink)?;
            Ok((sink.count, sink.hex()))
        })?;
        Ok(if (dest_size, &dest_sha) == (source_size, &source_sha) {
            Comparison::Same { sha256: Some(source_sha), check: Check::Sha256 }
        } else {
            Comparison::Differs(format!("{dest_size} bytes with SHA-256 {dest_sha}, S3 has {source_size} bytes with SHA-256 {source_sha}"))
        })
    }

    /// Size and SHA-256 of the destination's object, `None` if it has none.
    fn read_back(&self, key: &str) -> Attempt<Option<(u64, String)>> {
        self.policy.run(|_| {
            let Some((length, mut body)) = self.dest.download(key)? else { return Ok(None) };
            let mut sink = HashingSink::default();
            drain("Supabase download", &mut body, &mut sink)?;
            if sink.count != length {
                return Err(Failure::transient(format!("Supabase download: {} of {length} bytes", sink.count)));
            }
            Ok(Some((sink.count, sink.hex())))
        })
    }

    /// Uploads the object, by the standard or the resumable route.
    fn upload(&self, task: &Task) -> Attempt<Transfer> {
        let first = self.policy.run(|_| self.source.open(&task.object.key, 0))?;
        let max_age = tus_max_age(first.cache_control.as_deref()).map(|age| age.map(str::to_owned));
        match max_age {
            Ok(max_age) if first.length > CHUNK => self.upload_resumable(task, first, max_age.as_deref()),
            _ => self.upload_standard(task, first),
        }
    }

    fn upload_standard(&self, task: &Task, first: ObjectStream) -> Attempt<Transfer> {
        let mut first = Some(first);
        self.policy.run(|attempt| {
            let stream = match first.take() {
                Some(stream) => stream,
                None => self.source.open(&task.object.key, 0)?,
            };
            let ObjectStream { body, length, etag, content_type, cache_control } = stream;
            let mut hasher = Sha256::new();
            let mut reader = HashingReader::new(body.take(length), &mut hasher);
            let answer = self.dest.upload(&task.dest_key, content_type.as_deref(), cache_control.as_deref(), task.overwrite, length, &mut reader)?;
            let sent = reader.count;
            if answer == Uploaded::Created && sent != length {
                return Err(Failure::transient(format!("S3 get: the object ended after {sent} of {length} bytes")));
            }
            let sha256 = (answer == Uploaded::Created).then(|| hex(hasher));
            Ok(Transfer { size: length, etag, sha256, existed: answer == Uploaded::AlreadyExists, retried: attempt > 0 })
        })
    }

    /// TUS in 6 MiB chunks. The upload's id is recorded as soon as the server gives it; an
    /// upload an earlier run left unfinished (`task.resume`) is continued from the offset
    /// the server holds, if it still knows it and S3 still has the same object. A failed
    /// chunk resumes from the offset the server reports; if that fails too, the whole
    /// upload starts over. Resuming re-reads S3 from the start, hashing the bytes the server
    /// already has without sending them again.
    fn upload_resumable(&self, task: &Task, first: ObjectStream, max_age: Option<&str>) -> Attempt<Transfer> {
        let mut first = Some(first);
        let mut earlier = task.resume.as_deref();
        let key = &task.object.key;
        self.policy.run(|attempt| {
            let stream = match first.take() {
                Some(stream) => stream,
                None => self.source.open(key, 0)?,
            };
            let (length, etag) = (stream.length, stream.etag.clone());
            let continued = earlier.take().filter(|_| etag == task.object.etag).and_then(|id| tus::Upload::resume(self.dest, id, task.overwrite, length));
            let (upload, mut offset) = match continued {
                Some(continued) => continued,
                None => match tus::create(self.dest, &task.dest_key, length, stream.content_type.as_deref(), max_age, task.overwrite)? {
                    tus::Created::Upload(upload) => {
                        self.record(&started(task, Some(upload.id()))).map_err(Failure::fatal)?;
                        (upload, 0)
                    }
                    tus::Created::AlreadyExists => return Ok(Transfer { size: length, etag, sha256: None, existed: true, retried: attempt > 0 }),
                },
            };
            let mut hasher = Sha256::new();
            let mut body = stream.body.take(length);
            hash_unsent(&mut body, offset, &mut hasher)?;
            let mut resumes = 0;
            while offset < length {
                let chunk_start = offset;
                let chunk_end = ((offset / CHUNK + 1) * CHUNK).min(length);
                let snapshot = hasher.clone();
                let sent = {
                    let mut chunk = HashingReader::new((&mut body).take(chunk_end - offset), &mut hasher);
                    upload.patch(offset, chunk_end - offset, &mut chunk)
                };
                match sent {
                    Ok(new_offset) if new_offset == chunk_end => offset = new_offset,
                    Ok(new_offset) => return Err(Failure::transient(format!("Supabase resumable upload: offset {new_offset}, expected {chunk_end}"))),
                    Err(failure) if failure.retryable && resumes < self.policy.retries => {
                        std::thread::sleep(self.policy.backoff(resumes));
                        resumes += 1;
                        let server = upload.offset()?;
                        if !(chunk_start..=chunk_end).contains(&server) {
                            return Err(Failure::transient(format!("Supabase resumable upload: the server is at {server}, outside {chunk_start}..{chunk_end}")));
                        }
                        let again = self.source.open(key, chunk_start)?;
                        if again.etag != etag {
                            return Err(Failure::fatal("the S3 object changed while it was being copied"));
                        }
                        hasher = snapshot;
                        body = again.body.take(length - chunk_start);
                        hash_unsent(&mut body, server - chunk_start, &mut hasher)?;
                        offset = server;
                    }
                    Err(failure) => return Err(failure),
                }
            }
            Ok(Transfer { size: length, etag, sha256: Some(hex(hasher)), existed: false, retried: false })
        })
    }

    /// `--verify size`: the destination's listing, walked beside the states this run left
    /// (`fresh`, sorted), instead of a request per object; each object left `uploaded` gets
    /// its final record (in the manifest, and to `on_checked`).
    pub fn verify_sizes(
        &self,
        fresh: Stream<'_, Record>,
        listing: Stream<'_, u64>,
        map_key: impl Fn(&str) -> String,
        mut on_checked: impl FnMut(&Record),
    ) -> Result<(), String> {
        let mut listing = Lookup::new("the destination listing", listing);
        let mut listing_error = None;
        for state in fresh {
            let (_, mut record) = state?;
            if record.outcome != Outcome::Uploaded {
                continue;
            }
            let listed = match &listing_error {
                None => listing.find(&map_key(&record.key)).inspect_err(|err| listing_error = Some(err.clone())),
                Some(err) => Err(err.clone()),
            };
            match listed {
                Ok(Some(size)) if size == record.size => {
                    record.outcome = Outcome::Verified;
                    record.check = Some(Check::Size);
                }
                Ok(Some(size)) => {
                    record.outcome = Outcome::Failed;
                    record.error = Some(format!("the destination lists {size} bytes, S3 has {}", record.size));
                }
                Ok(None) => {
                    record.outcome = Outcome::Failed;
                    record.error = Some("uploaded, but the destination does not list it".to_owned());
                }
                Err(err) => {
                    record.outcome = Outcome::Failed;
                    record.error = Some(format!("uploaded, but listing the destination to check its size failed: {err}"));
                }
            }
            self.record(&record)?;
            on_checked(&record);
        }
        Ok(())
    }
}

/// The `started` record of `task`, naming the resumable upload it goes through, if any.
fn started(task: &Task, upload: Option<&str>) -> Record {
    let object = &task.object;
    let mut record = Record::new(&object.key, object.size, &object.etag, Outcome::Started);
    record.overwrite = task.overwrite;
    record.upload = upload.map(str::to_owned);
    record
}

/// Reads `count` bytes of `body` into `hasher` only: bytes the server has already.
fn hash_unsent(body: &mut impl Read, count: u64, hasher: &mut Sha256) -> Attempt<()> {
    let mut known = HashingReader::new(body.take(count), hasher);
    let hashed = std::io::copy(&mut known, &mut std::io::sink()).map_err(|err| stream_error("S3 get", &err))?;
    if hashed != count {
        return Err(Failure::transient("S3 get: the object ended early"));
    }
    Ok(())
}
