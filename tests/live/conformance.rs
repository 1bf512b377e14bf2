//! The real Supabase Storage server answers as storage-server-observed.md says, through the
//! real pinned supabase-py client and raw HTTP: pytest files under tests/python/conformance/,
//! each run against the shared server with a fresh bucket of its own.

use crate::common::python::{pytest_command, python_dir};
use crate::common::storage_server::server;
use serde_json::json;

/// Runs one pytest file of tests/python/conformance/ with the server's variables, a fresh
/// bucket in `CONFORMANCE_BUCKET` and `extra` variables; every test in it must pass (a skip
/// or an empty run fails).
fn pytest(file: &str, extra: &[(&str, &str)]) {
    pytest_in(file, &server().fresh_bucket("conformance"), extra);
}

/// [`pytest`] with a bucket the caller made (to name it in a fault plan).
pub(crate) fn pytest_in(file: &str, bucket: &str, extra: &[(&str, &str)]) {
    let s = server();
    let path = python_dir().join("conformance").join(file);
    let out = pytest_command(&path)
        .envs(s.env())
        .env("CONFORMANCE_BUCKET", bucket)
        .envs(extra.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run pytest: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        out.status.success() && summary.contains(" passed") && !summary.contains("skipped") && !summary.contains("xfail"),
        "pytest {file} against {} (server logs in {}): {}\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        s.url(),
        s.run_dir().display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn objects_errors_upsert_remove_signed_urls_size_limit() {
    pytest("test_objects.py", &[]);
}

#[test]
fn resumable_uploads_through_the_proxy() {
    // The second PATCH through this proxy is cut after 1 MiB of its body: the upload resumes.
    let proxy = server().faulty_proxy(&json!({"seed": 1, "rules": [
        {"method": "PATCH", "nth": [2], "fault": {"reset": "request", "after_bytes": 1048576}}
    ]}));
    pytest("test_tus.py", &[("FAULTY_URL_TUS", proxy.url())]);
    let faults: Vec<_> = proxy
        .decisions()
        .into_iter()
        .filter(|d| !d["fault"].is_null())
        .collect();
    assert_eq!(faults.len(), 1, "exactly one request was cut: {faults:?}");
    assert_eq!(
        (faults[0]["method"].as_str(), faults[0]["fault"].as_str()),
        (Some("PATCH"), Some("reset-request"))
    );
}

#[test]
fn listing_one_level_pages_prefixes_order() {
    pytest("test_list.py", &[]);
}

#[test]
fn s3_protocol_direct_and_through_the_gateway() {
    pytest("test_s3_protocol.py", &[]);
}

#[test]
fn copy_move_buckets_and_the_anon_key() {
    pytest("test_copy_buckets_anon.py", &[]);
}
