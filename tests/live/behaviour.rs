//! The behaviour proof of the call translation (issue 8): the pytest suite in
//! tests/python/behaviour/ drives the fixture backend's storage module through its public
//! functions and asserts exact results. It runs twice: on the original fixture, whose boto3
//! client goes to moto, and on the fixture straight out of `apply` (a temporary copy, no hand
//! edits) against the real Supabase Storage server. Each test of the suite leaves a dump of
//! the stored objects (keys and bytes of both buckets, S3 folder placeholders aside); the two
//! runs' dumps must be identical.

use crate::common::moto::moto;
use crate::common::python::{manifest_dir, pytest_command, python_dir};
use crate::common::storage_server::server;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// One run of the suite: the test names that passed, and each test's dump (file name → bytes).
struct SuiteRun {
    passed: usize,
    dumps: BTreeMap<String, Vec<u8>>,
}

/// Runs the whole suite on the backend root `backend` with `env`; every test must pass (a
/// failure, an error, a skip or an empty run fails here with pytest's output).
fn run_suite(store: &str, backend: &Path, env: &[(String, String)]) -> SuiteRun {
    let dump_dir = tempfile::tempdir().expect("a temporary directory");
    let out = pytest_command(&python_dir().join("behaviour"))
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("BEHAVIOUR_STORE", store)
        .env("BEHAVIOUR_BACKEND_DIR", backend)
        .env("BEHAVIOUR_DUMP_DIR", dump_dir.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run pytest: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout.lines().last().unwrap_or_default();
    let Some(passed) = passed_count(summary).filter(|_| out.status.success()) else {
        panic!(
            "the behaviour suite failed on {store} ({}): {summary}\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let dumps: BTreeMap<String, Vec<u8>> = std::fs::read_dir(dump_dir.path())
        .expect("the suite wrote its dump directory")
        .map(|entry| {
            let path = entry.expect("a dump entry").path();
            let name = path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("a readable dump"))
        })
        .collect();
    assert_eq!(dumps.len(), passed, "one dump per test: {:?}", dumps.keys());
    SuiteRun { passed, dumps }
}

/// N from pytest's closing line `N passed[, M warnings] in T`: anything else there (failed,
/// error, skipped, xfailed, deselected, no tests) is `None`.
fn passed_count(summary: &str) -> Option<usize> {
    let counts = summary.trim_matches('=').trim().split(" in ").next()?;
    let mut passed = None;
    for count in counts.split(", ") {
        match count.split_once(' ')? {
            (n, "passed") => passed = n.parse().ok(),
            (_, "warning" | "warnings") => {}
            _ => return None,
        }
    }
    passed.filter(|&n| n > 0)
}

/// moto's variables for boto3, in the region the fixture's storage module defaults to (its
/// `create_bucket` names that region as the location, which us-east-1 may not be).
fn moto_env() -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = moto()
        .env()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    env.retain(|(k, _)| k != "AWS_REGION" && k != "AWS_DEFAULT_REGION");
    env.push(("AWS_REGION".into(), "ap-south-1".into()));
    env.push(("AWS_DEFAULT_REGION".into(), "ap-south-1".into()));
    env
}

/// The suite's run on the original fixture and moto, once per test process (both tests read it).
fn original_run() -> &'static SuiteRun {
    static RUN: OnceLock<SuiteRun> = OnceLock::new();
    RUN.get_or_init(|| {
        run_suite(
            "s3",
            &manifest_dir().join("fixtures/lms-backend/backend"),
            &moto_env(),
        )
    })
}

#[test]
fn pytest_summary_lines_are_read_strictly() {
    assert_eq!(passed_count("59 passed in 61.75s (0:01:01)"), Some(59));
    assert_eq!(
        passed_count("59 passed, 4 warnings in 72.41s (0:01:12)"),
        Some(59)
    );
    assert_eq!(
        passed_count("========= 3 passed, 1 warning in 1.00s ========="),
        Some(3)
    );
    for not_all_passed in [
        "1 failed, 58 passed in 9.00s",
        "58 passed, 1 skipped in 9.00s",
        "58 passed, 1 deselected in 9.00s",
        "1 error in 0.50s",
        "no tests ran in 0.01s",
        "0 passed in 0.01s",
        "",
    ] {
        assert_eq!(passed_count(not_all_passed), None, "{not_all_passed:?}");
    }
}

#[test]
fn original_fixture_passes_the_behaviour_suite_on_moto() {
    let run = original_run();
    assert_eq!(run.passed, 66, "tests in tests/python/behaviour/");
    // The dumps hold what the store holds: keys and bytes, a dropped bucket as absent.
    let dump = |name: &str| String::from_utf8(run.dumps[name].clone()).expect("UTF-8 JSON lines");
    assert_eq!(
        dump("test_delete_copy.test_move.jsonl"),
        "{\"bucket\": \"anantra-lms-store\", \"key\": \"done/a.bin\", \"base64\": \"AG1vdmUgbWU=\"}\n"
    );
    assert_eq!(
        dump("test_missing.test_main_bucket_gone.jsonl"),
        "{\"bucket\": \"anantra-lms-store\", \"absent\": true}\n"
    );
    // Placeholders are not objects to compare: the folder helpers' test stores nothing else.
    assert_eq!(
        dump("test_delete_copy.test_folder_helpers_return_their_keys.jsonl"),
        ""
    );
    let blob = dump("test_upload_read.test_five_megabyte_faiss_index.jsonl");
    let head = "{\"bucket\": \"anantra-lms-store\", \"key\": \"user_data/alice/cs101.v2/faiss/index.faiss\", \"base64\": \"";
    assert!(
        blob.starts_with(head) && blob.ends_with("\"}\n"),
        "{}",
        &blob[..200]
    );
    assert_eq!(
        blob.len(),
        head.len() + 5 * 1024 * 1024 / 3 * 4 + 4 + 3,
        "one 5 MiB object"
    );
}

/// `fixtures/lms-backend` copied to a temporary directory and migrated there by `apply`.
fn applied_fixture() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let copied = Command::new("cp")
        .arg("-R")
        .arg(manifest_dir().join("fixtures/lms-backend"))
        .arg(tmp.path())
        .status()
        .expect("cp runs");
    assert!(copied.success(), "cp -R fixtures/lms-backend: {copied}");
    let out = Command::new(env!("CARGO_BIN_EXE_s3-to-supabase"))
        .args(["apply", "lms-backend"])
        .current_dir(tmp.path())
        .output()
        .expect("the binary runs");
    // 0: nothing left; 1: findings left elsewhere in the tree. 2 is an error.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "apply on a copy of fixtures/lms-backend: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    tmp
}

/// Each dump as (bucket, key) → line, for saying which objects differ.
fn objects(dump: &[u8]) -> BTreeMap<String, String> {
    String::from_utf8_lossy(dump)
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            (
                format!("{} {}", value["bucket"], value["key"]),
                line.to_string(),
            )
        })
        .collect()
}

#[test]
fn applied_fixture_stores_what_the_original_stores_on_supabase() {
    let original = original_run();
    let applied = applied_fixture();
    let s = server();
    let mut env = s.env();
    env.push(("SUPABASE_BUCKET_NAME".into(), "anantra-lms-store".into()));
    // boto3 calls the migration left behind fail at once on a closed local port, never
    // reaching AWS; no credential lookup probes the instance metadata service.
    env.extend(
        [
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_ACCESS_KEY_ID", "not-used-after-the-migration"),
            ("AWS_SECRET_ACCESS_KEY", "not-used-after-the-migration"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let migrated = run_suite(
        "supabase",
        &applied.path().join("lms-backend/backend"),
        &env,
    );
    assert_eq!(migrated.passed, original.passed);
    let mut differences = Vec::new();
    for (name, dump) in &original.dumps {
        let Some(other) = migrated.dumps.get(name) else {
            differences.push(format!("{name}: no dump from the Supabase run"));
            continue;
        };
        if dump != other {
            let (before, after) = (objects(dump), objects(other));
            for (object, line) in &before {
                match after.get(object) {
                    None => differences.push(format!("{name}: {object} stored on S3 only")),
                    Some(l) if l != line => {
                        differences.push(format!("{name}: {object} has other bytes"))
                    }
                    Some(_) => {}
                }
            }
            for object in after.keys().filter(|o| !before.contains_key(*o)) {
                differences.push(format!("{name}: {object} stored on Supabase only"));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "the stored objects differ:\n{}",
        differences.join("\n")
    );
}
