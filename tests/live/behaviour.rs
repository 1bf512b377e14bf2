//! The behaviour proof of the call translation (issue 8): the pytest suite in
//! tests/python/behaviour/ drives the fixture backend's storage module through its public
//! functions and asserts exact results. Here it runs on the original fixture, whose boto3
//! client goes to moto. Each test of the suite leaves a dump of the stored objects (keys and
//! bytes of both buckets, S3 folder placeholders aside) for comparing with the run of the
//! migrated fixture against the Supabase Storage server.

use crate::common::moto::moto;
use crate::common::python::{manifest_dir, pytest_command, python_dir};
use std::collections::BTreeMap;
use std::path::Path;

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
    let backend = manifest_dir().join("fixtures/lms-backend/backend");
    let run = run_suite("s3", &backend, &moto_env());
    assert_eq!(run.passed, 59, "tests in tests/python/behaviour/");
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
