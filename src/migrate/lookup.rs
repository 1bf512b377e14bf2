//! Looking keys up in a stream sorted by key, moving only forward, so that no listing is
//! held in memory: the source listing (S3 lists in UTF-8 byte order) drives a run, and for
//! each of its keys, in ascending order, the destination's listing (`list-v2`, ordered by
//! `name COLLATE "C"`, the same byte order) and the manifest's sorted states
//! ([`super::states`]) are asked what they hold under it. A stream found out of order is an
//! error, never a silently wrong answer.

/// A stream of `(key, value)` in ascending key order.
pub type Stream<'a, V> = Box<dyn Iterator<Item = Result<(String, V), String>> + 'a>;

pub struct Lookup<'a, V> {
    what: &'static str,
    stream: Stream<'a, V>,
    head: Option<(String, V)>,
    /// The key of the last entry taken from the stream, to check the order.
    previous: Option<String>,
    ended: bool,
}

impl<'a, V> Lookup<'a, V> {
    /// `what` names the stream in an error ("the destination listing").
    pub fn new(what: &'static str, stream: Stream<'a, V>) -> Lookup<'a, V> {
        Lookup { what, stream, head: None, previous: None, ended: false }
    }

    /// The value the stream holds under `key`. Keys must be asked in ascending order; the
    /// entries before `key` are passed over for good.
    pub fn find(&mut self, key: &str) -> Result<Option<V>, String> {
        loop {
            if self.head.is_none() && !self.ended {
                match self.stream.next().transpose()? {
                    Some((next, value)) => {
                        if let Some(previous) = self.previous.as_deref().filter(|previous| *previous >= next.as_str()) {
                            return Err(format!("{} is not in key order (`{previous}` came before `{next}`)", self.what));
                        }
                        self.previous = Some(next.clone());
                        self.head = Some((next, value));
                    }
                    None => self.ended = true,
                }
            }
            match &self.head {
                Some((head, _)) if head.as_str() < key => self.head = None,
                Some((head, _)) if head == key => return Ok(self.head.take().map(|(_, value)| value)),
                _ => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(entries: &[(&str, u64)]) -> Stream<'static, u64> {
        let owned: Vec<Result<(String, u64), String>> = entries.iter().map(|(k, v)| Ok(((*k).to_owned(), *v))).collect();
        Box::new(owned.into_iter())
    }

    #[test]
    fn finds_keys_in_ascending_order() {
        let mut lookup = Lookup::new("the listing", stream(&[("B", 1), ("a", 2), ("a/b", 3), ("c", 4)]));
        let found: Vec<Option<u64>> = ["A", "B", "a/b", "b", "c", "d"].iter().map(|k| lookup.find(k).unwrap()).collect();
        assert_eq!(found, [None, Some(1), Some(3), None, Some(4), None]);
    }

    #[test]
    fn a_stream_out_of_order_is_an_error() {
        let mut lookup = Lookup::new("the listing", stream(&[("b", 1), ("a", 2)]));
        assert_eq!(lookup.find("b"), Ok(Some(1)));
        assert_eq!(lookup.find("c"), Err("the listing is not in key order (`b` came before `a`)".to_owned()));
    }
}
