//! The plan: what a run does with each source object, decided as the source listing streams
//! by, from the manifest of earlier runs and the destination listing, both looked up in key
//! order ([`super::lookup`]), so that nothing held grows with the object count. `--dry-run`
//! prints the [`Counts`]; a run counts its tasks first (for the progress), then walks again
//! and executes them as they are decided.

use super::location::{invalid_key_reason, DestLocation, SourceLocation};
use super::lookup::{Lookup, Stream};
use super::manifest::{Outcome, Record};
use super::source::SourceObject;

/// One object to copy, re-check or compare.
#[derive(Debug, Clone)]
pub struct Task {
    pub object: SourceObject,
    pub dest_key: String,
    /// The size the destination lists under `dest_key`, if it lists it (`None` also when
    /// the walk did not look at the destination).
    pub at_destination: Option<u64>,
    /// Whether the copy may replace what the destination holds (`--overwrite`, or the
    /// resumption of a write an earlier run was allowed to make).
    pub overwrite: bool,
    /// The resumable upload an earlier run left unfinished for this object (same size and
    /// ETag at the source), to continue from the offset the server holds.
    pub resume: Option<String>,
}

/// An object the plan refuses, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub key: String,
    pub size: u64,
    pub reason: String,
    /// Over the upload limit (else its key is one Supabase refuses or changes).
    pub oversize: bool,
}

/// What the plan does with one listed object.
#[derive(Debug)]
pub enum Item {
    /// A key ending in `/` with no bytes: an S3 folder placeholder, which Supabase does not need.
    Placeholder,
    Refused(Refused),
    /// Done by an earlier run (the manifest's last record of it), with the same size and
    /// ETag now.
    Done(SourceObject, Record),
    Task(Task),
}

/// The settings that decide the plan.
pub struct Selector<'a> {
    pub from: &'a SourceLocation,
    pub to: &'a DestLocation,
    pub limit: Option<usize>,
    pub upload_limit: Option<u64>,
    /// `--verify none`: an object an earlier run copied without checking counts as done.
    pub skip_copied: bool,
    pub overwrite: bool,
}

/// One walk over the source listing.
pub struct Walk<'s, 'a> {
    selector: &'s Selector<'a>,
    earlier: Lookup<'s, Record>,
    destination: Option<Lookup<'s, u64>>,
    selected: usize,
    previous: Option<String>,
}

impl<'a> Selector<'a> {
    /// A walk looking keys up in `earlier` (the manifest's states, sorted) and, if given,
    /// `destination` (its listing under the destination folder, sorted).
    pub fn walk<'s>(&'s self, earlier: Stream<'s, Record>, destination: Option<Stream<'s, u64>>) -> Walk<'s, 'a> {
        Walk {
            selector: self,
            earlier: Lookup::new("the manifest's sorted states", earlier),
            destination: destination.map(|listing| Lookup::new("the destination listing", listing)),
            selected: 0,
            previous: None,
        }
    }
}

impl Walk<'_, '_> {
    /// Decides the next object of the source listing (which must come in key order):
    /// placeholders are counted wherever they are, the first `limit` others decided, the
    /// rest passed over (`None`).
    pub fn decide(&mut self, object: SourceObject) -> Result<Option<Item>, String> {
        if let Some(previous) = self.previous.as_deref().filter(|previous| *previous >= object.key.as_str()) {
            return Err(format!("the S3 listing is not in key order (`{previous}` came before `{}`)", object.key));
        }
        self.previous = Some(object.key.clone());
        if object.key.ends_with('/') && object.size == 0 {
            return Ok(Some(Item::Placeholder));
        }
        let Selector { from, to, limit, upload_limit, skip_copied, overwrite } = self.selector;
        if limit.is_some_and(|limit| self.selected >= limit) {
            return Ok(None);
        }
        self.selected += 1;
        let dest_key = to.key(from.relative(&object.key));
        let refusal = if object.key.ends_with('/') {
            Some(format!("ends in `/` but holds {} bytes: Supabase would store it as a folder placeholder", object.size))
        } else if from.relative(&object.key).is_empty() {
            Some("is the source folder itself".to_owned())
        } else {
            invalid_key_reason(&dest_key).map(|reason| if dest_key == object.key { reason } else { format!("(as `{dest_key}`) {reason}") })
        };
        if let Some(reason) = refusal {
            return Ok(Some(Item::Refused(Refused { key: object.key, size: object.size, reason, oversize: false })));
        }
        if let Some(limit) = upload_limit.filter(|limit| object.size > *limit) {
            let reason = format!("{} bytes is over the destination's upload limit of {limit} bytes", object.size);
            return Ok(Some(Item::Refused(Refused { key: object.key, size: object.size, reason, oversize: true })));
        }
        let state = self.earlier.find(&object.key)?.filter(|record| record.size == object.size && record.etag == object.etag);
        if let Some(record) = state.as_ref().filter(|r| r.is_verified() || (*skip_copied && r.outcome == Outcome::Copied)) {
            return Ok(Some(Item::Done(object, record.clone())));
        }
        // A write an earlier run began may be finished now, or be continued.
        let in_flight = state.filter(|record| record.outcome == Outcome::Started);
        let resumed_overwrite = in_flight.as_ref().is_some_and(|record| record.overwrite);
        let resume = in_flight.and_then(|record| record.upload);
        let at_destination = match &mut self.destination {
            Some(listing) => listing.find(&dest_key)?,
            None => None,
        };
        Ok(Some(Item::Task(Task { object, dest_key, at_destination, overwrite: *overwrite || resumed_overwrite, resume })))
    }
}

/// Counts of a plan: what `--dry-run` prints and what the table starts from.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Selected objects (placeholders aside): everything below but placeholders is a part.
    pub planned: u64,
    pub planned_bytes: u64,
    pub placeholders: u64,
    pub tasks: u64,
    /// Tasks that upload (not at the destination, or replacing it).
    pub to_copy: u64,
    pub to_copy_bytes: u64,
    /// Tasks whose key the destination lists, to compare first.
    pub to_compare: u64,
    pub done_earlier: u64,
    pub done_earlier_bytes: u64,
    pub oversize: u64,
    pub oversize_bytes: u64,
    pub invalid: u64,
}

impl Counts {
    pub fn add(&mut self, item: &Item) {
        let size = match item {
            Item::Placeholder => {
                self.placeholders += 1;
                return;
            }
            Item::Refused(refused) if refused.oversize => {
                self.oversize += 1;
                self.oversize_bytes += refused.size;
                refused.size
            }
            Item::Refused(refused) => {
                self.invalid += 1;
                refused.size
            }
            Item::Done(object, _) => {
                self.done_earlier += 1;
                self.done_earlier_bytes += object.size;
                object.size
            }
            Item::Task(task) if task.at_destination.is_some() && !task.overwrite => {
                self.tasks += 1;
                self.to_compare += 1;
                task.object.size
            }
            Item::Task(task) => {
                self.tasks += 1;
                self.to_copy += 1;
                self.to_copy_bytes += task.object.size;
                task.object.size
            }
        };
        self.planned += 1;
        self.planned_bytes += size;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::manifest::Check;

    fn object(key: &str, size: u64) -> SourceObject {
        SourceObject { key: key.to_owned(), size, etag: format!("\"{key}\"") }
    }

    fn verified(object: &SourceObject) -> Record {
        let mut record = Record::new(&object.key, object.size, &object.etag, Outcome::Verified);
        record.check = Some(Check::Sha256);
        record
    }

    fn stream<V: 'static>(entries: Vec<(String, V)>) -> Stream<'static, V> {
        Box::new(entries.into_iter().map(Ok))
    }

    #[test]
    fn decides_skips_and_refuses_in_one_pass() {
        let from = SourceLocation::parse("s3://src/media").unwrap();
        let to = DestLocation::parse("dst").unwrap();
        let listed = vec![
            object("media/", 0),
            object("media/a.txt", 5),
            object("media/big.bin", 100),
            object("media/c.txt", 3),
            object("media/d.txt", 4),
            object("media/dir/", 0),
            object("media/dir/b#1.txt", 1),
            object("media/done.txt", 2),
            object("media/e.txt", 6),
        ];
        let mut changed = verified(&listed[3]);
        changed.etag = "\"old\"".into();
        let earlier = vec![("media/c.txt".to_owned(), changed), ("media/done.txt".to_owned(), verified(&listed[7]))];
        let selector = Selector { from: &from, to: &to, limit: Some(6), upload_limit: Some(50), skip_copied: false, overwrite: false };
        let mut walk = selector.walk(stream(earlier), Some(stream(vec![("c.txt".to_owned(), 3), ("zz".to_owned(), 1)])));
        let mut counts = Counts::default();
        let mut decided = Vec::new();
        for object in listed {
            if let Some(item) = walk.decide(object).unwrap() {
                counts.add(&item);
                decided.push(match item {
                    Item::Placeholder => "placeholder".to_owned(),
                    Item::Refused(r) => format!("refused {}: {}", r.key, r.reason),
                    Item::Done(o, _) => format!("done {}", o.key),
                    Item::Task(t) => format!("task {} -> {} {:?}", t.object.key, t.dest_key, t.at_destination),
                });
            }
        }
        assert_eq!(
            decided,
            [
                "placeholder",
                "task media/a.txt -> a.txt None",
                "refused media/big.bin: 100 bytes is over the destination's upload limit of 50 bytes",
                "task media/c.txt -> c.txt Some(3)",
                "task media/d.txt -> d.txt None",
                "placeholder",
                "refused media/dir/b#1.txt: (as `dir/b#1.txt`) contains `#`, which Supabase Storage does not allow in a key (InvalidKey)",
                "done media/done.txt",
            ]
        );
        let expected = Counts {
            planned: 6,
            planned_bytes: 115,
            placeholders: 2,
            tasks: 3,
            to_copy: 2,
            to_copy_bytes: 9,
            to_compare: 1,
            done_earlier: 1,
            done_earlier_bytes: 2,
            oversize: 1,
            oversize_bytes: 100,
            invalid: 1,
        };
        assert_eq!(counts, expected);
        let err = walk.decide(object("media/a.txt", 1)).unwrap_err();
        assert_eq!(err, "the S3 listing is not in key order (`media/e.txt` came before `media/a.txt`)");
    }
}
