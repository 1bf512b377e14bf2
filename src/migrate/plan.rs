//! The plan: what a run will do with each source object, decided before anything moves,
//! from the source listing, the manifest of earlier runs and the destination listing.
//! `--dry-run` prints it; a run executes its tasks.

use std::collections::{BTreeMap, BTreeSet};

use super::location::{invalid_key_reason, DestLocation, SourceLocation};
use super::manifest::{Outcome, Record};
use super::source::SourceObject;

/// One object to copy, re-check or compare.
#[derive(Debug, Clone)]
pub struct Task {
    pub object: SourceObject,
    pub dest_key: String,
    /// The size the destination lists under `dest_key`, if it lists it.
    pub at_destination: Option<u64>,
    /// Whether the copy may replace what the destination holds (`--overwrite`, or the
    /// resumption of a write an earlier run was allowed to make).
    pub overwrite: bool,
}

/// An object the plan refuses, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub key: String,
    pub size: u64,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Plan {
    /// Selected objects (placeholders aside): everything below is a part of them.
    pub planned: u64,
    pub planned_bytes: u64,
    pub tasks: Vec<Task>,
    /// Verified by an earlier run (the manifest), with the same size and ETag now.
    pub already_verified: Vec<SourceObject>,
    /// Keys ending in `/` with no bytes: S3 folder placeholders, which Supabase does not need.
    pub placeholders: u64,
    /// Keys Supabase would refuse or change.
    pub invalid: Vec<Refused>,
    /// Objects over the destination's upload limit.
    pub oversize: Vec<Refused>,
}

/// The parts of a plan that come before the destination is asked anything.
pub struct Selection {
    pub plan: Plan,
    /// Objects to act on, before the destination listing decides how.
    pending: Vec<(SourceObject, bool)>,
}

impl Plan {
    /// Tasks whose key the destination already lists (compared, or replaced with --overwrite).
    pub fn at_destination(&self) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(|task| task.at_destination.is_some())
    }

    /// Objects the plan refuses before any upload (reported as failures).
    pub fn refused(&self) -> impl Iterator<Item = &Refused> {
        self.invalid.iter().chain(&self.oversize)
    }
}

/// Picks the objects of this run from `listed` (in S3 key order): placeholders counted and
/// left out, the first `limit` others kept, the keys Supabase refuses and the objects over
/// `upload_limit` set aside, and what `earlier` (the manifest) verified skipped.
pub fn select(
    listed: Vec<SourceObject>,
    from: &SourceLocation,
    to: &DestLocation,
    limit: Option<usize>,
    upload_limit: Option<u64>,
    earlier: &BTreeMap<String, Record>,
    skip_copied: bool,
) -> Selection {
    let mut plan = Plan::default();
    let mut pending = Vec::new();
    let mut selected = 0usize;
    for object in listed {
        if object.key.ends_with('/') && object.size == 0 {
            plan.placeholders += 1;
            continue;
        }
        if limit.is_some_and(|limit| selected >= limit) {
            continue;
        }
        selected += 1;
        plan.planned += 1;
        plan.planned_bytes += object.size;
        let dest_key = to.key(from.relative(&object.key));
        let refusal = if object.key.ends_with('/') {
            Some(format!("ends in `/` but holds {} bytes: Supabase would store it as a folder placeholder", object.size))
        } else if from.relative(&object.key).is_empty() {
            Some("is the source folder itself".to_owned())
        } else {
            invalid_key_reason(&dest_key).map(|reason| if dest_key == object.key { reason } else { format!("(as `{dest_key}`) {reason}") })
        };
        if let Some(reason) = refusal {
            plan.invalid.push(Refused { key: object.key, size: object.size, reason });
            continue;
        }
        if let Some(limit) = upload_limit.filter(|limit| object.size > *limit) {
            let reason = format!("{} bytes is over the destination's upload limit of {limit} bytes", object.size);
            plan.oversize.push(Refused { key: object.key, size: object.size, reason });
            continue;
        }
        let state = earlier.get(&object.key).filter(|record| record.size == object.size && record.etag == object.etag);
        let done = state.is_some_and(|record| record.is_verified() || (skip_copied && record.outcome == Outcome::Copied));
        if done {
            plan.already_verified.push(object);
            continue;
        }
        // A write an earlier run was allowed to make may be finished now.
        let resumed_overwrite = state.is_some_and(|record| record.outcome == Outcome::Started && record.overwrite);
        pending.push((object, resumed_overwrite));
    }
    Selection { plan, pending }
}

impl Selection {
    /// Whether deciding the tasks needs the destination listing.
    pub fn needs_destination(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Completes the plan with what the destination lists (`dest_key → size`).
    pub fn finish(self, from: &SourceLocation, to: &DestLocation, listed: &BTreeMap<String, u64>, overwrite: bool) -> Plan {
        let Selection { mut plan, pending } = self;
        plan.tasks = pending
            .into_iter()
            .map(|(object, resumed_overwrite)| {
                let dest_key = to.key(from.relative(&object.key));
                let at_destination = listed.get(&dest_key).copied();
                Task { object, dest_key, at_destination, overwrite: overwrite || resumed_overwrite }
            })
            .collect();
        plan
    }
}

/// Source keys that `--delete-source` may delete: verified (this run or earlier, per the
/// manifest) with the same size and ETag as S3 lists now, so nothing changed since.
pub fn deletable(selected: &[SourceObject], states: &BTreeMap<String, Record>) -> Vec<SourceObject> {
    let mut seen = BTreeSet::new();
    selected
        .iter()
        .filter(|object| {
            states.get(&object.key).is_some_and(|r| r.is_verified() && r.size == object.size && r.etag == object.etag) && seen.insert(&object.key)
        })
        .cloned()
        .collect()
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

    #[test]
    fn selects_skips_and_refuses() {
        let from = SourceLocation::parse("s3://src/media").unwrap();
        let to = DestLocation::parse("dst").unwrap();
        let listed = vec![
            object("media/", 0),
            object("media/a.txt", 5),
            object("media/dir/", 0),
            object("media/dir/b#1.txt", 1),
            object("media/big.bin", 100),
            object("media/done.txt", 2),
            object("media/c.txt", 3),
            object("media/d.txt", 4),
        ];
        let mut earlier = BTreeMap::new();
        earlier.insert("media/done.txt".to_owned(), verified(&listed[5]));
        let mut changed = verified(&listed[6]);
        changed.etag = "\"old\"".into();
        earlier.insert("media/c.txt".to_owned(), changed);
        let selection = select(listed, &from, &to, Some(5), Some(50), &earlier, false);
        assert!(selection.needs_destination());
        let dest: BTreeMap<String, u64> = [("c.txt".to_owned(), 3)].into();
        let plan = selection.finish(&from, &to, &dest, false);
        assert_eq!((plan.planned, plan.planned_bytes, plan.placeholders), (5, 111, 2));
        assert_eq!(plan.invalid.len(), 1);
        assert_eq!(plan.invalid[0].key, "media/dir/b#1.txt");
        assert_eq!(plan.invalid[0].reason, "(as `dir/b#1.txt`) contains `#`, which Supabase Storage does not allow in a key (InvalidKey)");
        assert_eq!(plan.oversize[0].reason, "100 bytes is over the destination's upload limit of 50 bytes");
        assert_eq!(plan.already_verified, [object("media/done.txt", 2)]);
        let tasks: Vec<(&str, &str, Option<u64>)> = plan.tasks.iter().map(|t| (t.object.key.as_str(), t.dest_key.as_str(), t.at_destination)).collect();
        assert_eq!(tasks, [("media/a.txt", "a.txt", None), ("media/c.txt", "c.txt", Some(3))]);
    }

    #[test]
    fn deletes_only_unchanged_verified_objects() {
        let a = object("a", 1);
        let b = object("b", 2);
        let c = object("c", 3);
        let mut states = BTreeMap::new();
        states.insert("a".to_owned(), verified(&a));
        states.insert("b".to_owned(), Record::new("b", 2, "\"b\"", Outcome::Copied));
        let mut stale = verified(&c);
        stale.size = 9;
        states.insert("c".to_owned(), stale);
        assert_eq!(deletable(&[a.clone(), b, c], &states), [a]);
    }
}
