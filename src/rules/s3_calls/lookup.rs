//! What the translation looks up per call or per handler (the call that is an expression,
//! the calls on a receiver, the uses inside a handler), indexed once per file: a file with
//! thousands of calls or handlers must cost time linear in them, not their square.

use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::model::{FileModel, Use, UseId};

pub struct Lookup {
    /// Indexes into `FileModel::calls`, by the range of the call expression, ascending.
    calls_by_range: FxHashMap<TextRange, Vec<usize>>,
    /// Indexes into `FileModel::calls`, by the range of the call's receiver, ascending.
    calls_by_receiver: FxHashMap<TextRange, Vec<usize>>,
    /// Every use, ordered by where its name starts (the walk records them in evaluation
    /// order, which is not source order).
    uses_by_start: Vec<UseId>,
}

impl Lookup {
    pub fn new(model: &FileModel) -> Lookup {
        let mut calls_by_range: FxHashMap<TextRange, Vec<usize>> = FxHashMap::default();
        let mut calls_by_receiver: FxHashMap<TextRange, Vec<usize>> = FxHashMap::default();
        for (index, call) in model.calls.iter().enumerate() {
            calls_by_range.entry(call.call.range()).or_default().push(index);
            calls_by_receiver.entry(call.receiver.range()).or_default().push(index);
        }
        let mut uses_by_start: Vec<UseId> = (0..model.uses.len()).map(|index| UseId(index as u32)).collect();
        uses_by_start.sort_by_key(|id| model.use_(*id).name.start());
        Lookup { calls_by_range, calls_by_receiver, uses_by_start }
    }

    /// The calls whose call expression is exactly `range`.
    pub fn calls_at(&self, range: TextRange) -> impl Iterator<Item = usize> + '_ {
        self.calls_by_range.get(&range).into_iter().flatten().copied()
    }

    /// The calls made on the receiver expression at exactly `range`.
    pub fn calls_on(&self, range: TextRange) -> impl Iterator<Item = usize> + '_ {
        self.calls_by_receiver.get(&range).into_iter().flatten().copied()
    }

    /// The uses whose name lies inside `range`, in source order.
    pub fn uses_in<'m, 'a>(&'m self, model: &'m FileModel<'a>, range: TextRange) -> impl Iterator<Item = &'m Use<'a>> + 'm {
        let first = self.uses_by_start.partition_point(|id| model.use_(*id).name.start() < range.start());
        self.uses_by_start[first..]
            .iter()
            .map(|id| model.use_(*id))
            .take_while(move |use_| use_.name.start() < range.end())
            .filter(move |use_| range.contains_range(use_.name.range))
    }
}
