//! Bounded property test: deterministic mutants of the fixture files, each
//! checked with the fuzz target's oracle (`fuzz/oracle.rs`): for every mutant
//! that parses, the rewrite's output parses and a second rewrite changes
//! nothing; bytes outside the edits are kept; no mutant makes anything panic.
//!
//! Mutations: delete, duplicate or swap lines; insert bucket literals in every
//! quote style, boto3 clients and imports, error handlers, suppressions,
//! indented like the line they go before. The sequence is fixed by `SEED`;
//! a failure names the mutant's number, so it reproduces exactly.
//! Budget: exactly `MUTANTS` mutants, whatever the machine's speed (a time budget would
//! make what is tested depend on the load).

#![allow(clippy::print_stderr)]

#[path = "../fuzz/oracle.rs"]
mod oracle;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const SEED: u64 = 0x5E_ED53_7050_BA5E;
const MUTANTS: usize = 3000;

/// splitmix64: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn fixtures() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "py") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths = Vec::new();
    walk(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| (path.strip_prefix(&root).unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()))
        .collect()
}

const QUOTES: &[(&str, &str)] =
    &[("\"", "\""), ("'", "'"), ("\"\"\"", "\"\"\""), ("'''", "'''"), ("r\"", "\""), ("u'", "'"), ("R'", "'"), ("b\"", "\""), ("f\"", "\"")];

fn insertion(rng: &mut Rng, n: usize) -> String {
    let (open, close) = QUOTES[rng.below(QUOTES.len())];
    let bucket = format!("{open}anantra-lms-store{close}");
    match rng.below(14) {
        0 => format!("BUCKET_{n} = {bucket}"),
        1 => format!("s3_utils.upload_file_to_s3({bucket}, \"k/{n}\", \"v\")"),
        2 => "client = boto3.client(\"s3\")".to_owned(),
        3 => "import boto3".to_owned(),
        4 => "from botocore.exceptions import ClientError".to_owned(),
        5 => format!("s3.put_object(Bucket={bucket}, Key=\"k\", Body=b\"\")"),
        6 => "x = (\"anantra-\" \"lms-store\")".to_owned(),
        7 => format!("y = f\"s3://{{{bucket}}}/{{key}}\""),
        8 => format!("cfg = {{\"bucket\": {bucket}, \"other\": \"anantra-lms-store-backup\"}}"),
        9 => format!("v = {bucket}  # s3-to-supabase: ignore"),
        10 => "from utils import s3_utils".to_owned(),
        11 => "from utils.s3_utils import S3_BUCKET_NAME, upload_file_to_s3".to_owned(),
        12 => format!("s3_client.get_object(Bucket=S3_BUCKET_NAME, Key={bucket})"),
        _ => "e.response[\"Error\"][\"Code\"] == \"NoSuchKey\"".to_owned(),
    }
}

/// One to three line-level mutations of `bytes`.
fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let newline: &[u8] = if bytes.windows(2).any(|w| w == b"\r\n") { b"\r\n" } else { b"\n" };
    let mut lines: Vec<Vec<u8>> = bytes.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    for _ in 0..=rng.below(3) {
        let len = lines.len();
        match rng.below(5) {
            0 if len > 0 => {
                lines.remove(rng.below(len));
            }
            1 if len > 0 => {
                let at = rng.below(len);
                let line = lines[at].clone();
                lines.insert(at, line);
            }
            2 if len > 1 => {
                let (a, b) = (rng.below(len), rng.below(len));
                lines.swap(a, b);
            }
            _ => {
                let at = rng.below(len + 1);
                let indent: Vec<u8> = lines
                    .get(at)
                    .map(|line| line.iter().take_while(|&&b| b == b' ' || b == b'\t').copied().collect())
                    .unwrap_or_default();
                let mut line = indent;
                line.extend_from_slice(insertion(rng, at).as_bytes());
                line.extend_from_slice(newline);
                lines.insert(at, line);
            }
        }
    }
    lines.concat()
}

#[test]
fn mutated_fixtures_rewrite_to_parsing_settled_output() {
    let bases = fixtures();
    assert!(bases.len() >= 20, "fixtures not found");
    let start = Instant::now();
    let next = AtomicUsize::new(0);
    let (parsed, changed, checked) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(4);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let worker = std::thread::Builder::new().stack_size(256 << 20).spawn_scoped(scope, || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= MUTANTS {
                    break;
                }
                // Each mutant has its own generator: the same index, the same mutant.
                let mut rng = Rng(SEED ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
                let (name, base) = &bases[rng.below(bases.len())];
                let mutant = mutate(&mut rng, base);
                let verdict = match std::panic::catch_unwind(|| oracle::check(&mutant)) {
                    Ok(verdict) => verdict,
                    Err(_) => panic!("mutant #{index} of {name} broke a property (message above)"),
                };
                checked.fetch_add(1, Ordering::Relaxed);
                parsed.fetch_add(usize::from(verdict.parsed), Ordering::Relaxed);
                changed.fetch_add(usize::from(verdict.changed), Ordering::Relaxed);
            });
            worker.expect("spawn a worker");
        }
    });
    let (parsed, changed, checked) = (parsed.into_inner(), changed.into_inner(), checked.into_inner());
    eprintln!("{checked} mutants checked in {:?}: {parsed} parsed, {changed} rewritten", start.elapsed());
    assert!(parsed * 3 >= checked, "too few mutants parse ({parsed} of {checked}): the mutations are too destructive");
    assert!(changed * 3 >= checked, "too few mutants were rewritten ({changed} of {checked})");
}

#[test]
fn fixtures_themselves_satisfy_the_properties() {
    for (name, bytes) in fixtures() {
        let verdict = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || oracle::check(&bytes))
            .unwrap()
            .join()
            .unwrap_or_else(|_| panic!("{name} broke a property (message above)"));
        let _ = verdict;
    }
}
