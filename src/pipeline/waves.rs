//! The order of the first pass. A file reads other files' exports (a factory function,
//! a bucket parameter, a client imported from `app.aws`); read before those files are
//! processed, they are "none", and the file is processed again once every file has been
//! seen. Processed in waves, each file after the files it imports from, it reads their
//! exports as they are and is processed once.
//!
//! The waves come from the import statements' text, before anything is parsed: a file
//! depends on every file whose module name (`aws` for `app/aws.py`) its import
//! statements hold as a word. That over-approximates (two packages' `utils` are one
//! name), so files may wait longer than they need to, or share a wave in a cycle; an
//! answer a file took before the file it asked was processed is still checked once
//! every file is done, so the order changes how often a file is processed, never its
//! result.

use crate::prefilter::{import_statements, Words};

use super::{module_name, sorted_words};

/// For each file (display path, bytes), the wave it goes in: 0 for a file that imports
/// none of the others' module names, then one more than the waves of those it imports.
/// The files of an import cycle go in one wave, after every wave that does not depend on
/// it.
pub fn waves(files: &[(&str, &[u8])]) -> Vec<usize> {
    let names = sorted_words(files.iter().map(|&(display, _)| module_name(display)));
    let place = |display: &str| names.binary_search(&module_name(display)).expect("each module name is in the list");
    let words = Words::new(&names);
    // What each module name's files import, by module name.
    let mut imports: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for &(display, bytes) in files {
        let own = place(display);
        for statement in import_statements(bytes) {
            words.each_held(statement, |name| {
                if name != own {
                    imports[own].push(name);
                }
            });
        }
    }
    for imported in &mut imports {
        imported.sort_unstable();
        imported.dedup();
    }
    let wave_of_name = layers(&imports);
    files.iter().map(|&(display, _)| wave_of_name[place(display)]).collect()
}

/// The layer of each node of a dependency graph: each node after every node it depends
/// on. Where none is ready (a cycle), the nodes that others left depend on go in the
/// next layer together (the cycle, and what it waits for alone), and the rest follow.
fn layers(depends_on: &[Vec<usize>]) -> Vec<usize> {
    let mut layer: Vec<Option<usize>> = vec![None; depends_on.len()];
    let mut left: Vec<usize> = (0..depends_on.len()).collect();
    let mut next = 0;
    while !left.is_empty() {
        let (mut ready, mut waiting): (Vec<usize>, Vec<usize>) =
            left.iter().partition(|&&node| depends_on[node].iter().all(|&on| layer[on].is_some()));
        if ready.is_empty() {
            let mut needed = vec![false; depends_on.len()];
            for &node in &left {
                for &on in &depends_on[node] {
                    needed[on] |= layer[on].is_none();
                }
            }
            (ready, waiting) = left.iter().partition(|&&node| needed[node]);
        }
        for &node in &ready {
            layer[node] = Some(next);
        }
        left = waiting;
        next += 1;
    }
    layer.into_iter().map(|layer| layer.expect("every node is placed")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_goes_after_the_files_it_imports_from() {
        let files: [(&str, &[u8]); 4] = [
            ("app/routes.py", b"from app.aws import s3\nfrom app import storage\n"),
            ("app/storage.py", b"from .aws import (\n    s3,\n)\n"),
            ("app/aws.py", b"import boto3\ns3 = boto3.client('s3')\n"),
            ("app/unrelated.py", b"import json\n# storage and aws are only words here\n"),
        ];
        assert_eq!(waves(&files), [2, 1, 0, 0]);
    }

    #[test]
    fn an_import_cycle_shares_one_wave_after_what_it_imports() {
        let files: [(&str, &[u8]); 4] = [
            ("pkg/a.py", b"from pkg import b\nfrom pkg import base\n"),
            ("pkg/b.py", b"from pkg.a import thing\n"),
            ("pkg/base.py", b"x = 1\n"),
            ("pkg/user.py", b"from pkg.b import thing\n"),
        ];
        assert_eq!(waves(&files), [1, 1, 0, 2]);
    }

    #[test]
    fn a_module_importing_its_own_name_elsewhere_does_not_wait_for_itself() {
        let files: [(&str, &[u8]); 2] = [("one/utils.py", b"from two.utils import f\n"), ("two/utils.py", b"def f(): pass\n")];
        assert_eq!(waves(&files), [0, 0]);
    }
}
