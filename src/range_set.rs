//! "Does any of these ranges contain that one?" in O(log n), for the rules that ask it
//! once per finding, use or `try` (a linear scan there made a file of n handlers cost n²).

use ruff_text_size::{TextRange, TextSize};

/// A set of text ranges answering containment queries. Any ranges may go in (nested,
/// disjoint or overlapping): the ranges are sorted by start, and beside each start is the
/// furthest end among it and every range starting before it, so a range is contained
/// exactly when the furthest end reached by the ranges starting at or before it covers it.
#[derive(Debug, Default)]
pub struct RangeSet {
    starts: Vec<TextSize>,
    furthest_ends: Vec<TextSize>,
}

impl RangeSet {
    pub fn new(ranges: impl IntoIterator<Item = TextRange>) -> Self {
        let mut ranges: Vec<TextRange> = ranges.into_iter().collect();
        ranges.sort_unstable_by_key(|range| range.start());
        let starts = ranges.iter().map(|range| range.start()).collect();
        let furthest_ends = ranges
            .iter()
            .scan(TextSize::new(0), |furthest, range| {
                *furthest = (*furthest).max(range.end());
                Some(*furthest)
            })
            .collect();
        RangeSet { starts, furthest_ends }
    }

    /// Some range of the set contains `range` (as `TextRange::contains_range`: ends may touch).
    pub fn contains_range(&self, range: TextRange) -> bool {
        let starting_before = self.starts.partition_point(|&start| start <= range.start());
        starting_before > 0 && self.furthest_ends[starting_before - 1] >= range.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: u32, end: u32) -> TextRange {
        TextRange::new(TextSize::new(start), TextSize::new(end))
    }

    /// The set answers what a scan of every range answers, for every query over a small
    /// space and sets of every kind (nested, disjoint, overlapping, repeated, empty ranges).
    #[test]
    fn answers_what_a_linear_scan_answers() {
        let sets: [&[(u32, u32)]; 6] = [
            &[],
            &[(2, 5)],
            &[(0, 10), (2, 4), (6, 9)],
            &[(1, 3), (5, 7), (9, 12)],
            &[(1, 6), (4, 9), (4, 5), (3, 3)],
            &[(7, 8), (0, 2), (7, 8), (2, 7)],
        ];
        for set in sets {
            let ranges: Vec<TextRange> = set.iter().map(|&(start, end)| range(start, end)).collect();
            let range_set = RangeSet::new(ranges.iter().copied());
            for start in 0..13 {
                for end in start..13 {
                    let query = range(start, end);
                    let scanned = ranges.iter().any(|candidate| candidate.contains_range(query));
                    assert_eq!(range_set.contains_range(query), scanned, "set {set:?}, query {start}..{end}");
                }
            }
        }
    }

    #[test]
    fn a_range_contains_itself_and_not_one_reaching_past_either_end() {
        let set = RangeSet::new([range(10, 20)]);
        assert!(set.contains_range(range(10, 20)));
        assert!(set.contains_range(range(12, 12)));
        assert!(!set.contains_range(range(9, 20)));
        assert!(!set.contains_range(range(10, 21)));
    }
}
