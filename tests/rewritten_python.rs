//! The rewritten bundled fixture (`fixtures/expected/lms-backend`, which `tests/cli.rs`
//! proves is exactly what `apply` writes) against the real pinned packages: every
//! rewritten module compiles, every name the rewrite introduces (`supabase.create_client`,
//! `storage3.exceptions.StorageApiError`, `httpx.HTTPError`, ...) resolves, and the
//! migrated storage module imports and builds its Supabase client without network.

#[allow(dead_code)]
mod common;

use common::python::{check_rewritten_script, manifest_dir, run_python};

#[test]
fn rewritten_fixture_compiles_and_its_new_names_resolve() {
    let backend = manifest_dir().join("fixtures/expected/lms-backend/backend");
    let output = run_python([
        check_rewritten_script().as_os_str(),
        backend.as_os_str(),
        "--requires-py312".as_ref(),
        "api/course_generation.py".as_ref(),
        "--import-module".as_ref(),
        format!("{}:utils.s3_utils", backend.display()).as_ref(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    let expected = std::fs::read_to_string(manifest_dir().join("fixtures/expected/lms-backend.python-check.txt"))
        .unwrap_or_default();
    if std::env::var_os("S3TS_UPDATE_EXPECTED").is_some() {
        std::fs::write(manifest_dir().join("fixtures/expected/lms-backend.python-check.txt"), &stdout).unwrap();
    } else {
        assert_eq!(stdout, expected, "stderr: {}", String::from_utf8_lossy(&output.stderr));
    }
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    for needed in [
        "ok supabase.Client\n",
        "ok supabase.create_client\n",
        "ok storage3.exceptions.StorageApiError\n",
        "ok import utils.s3_utils\n",
    ] {
        assert!(stdout.contains(needed), "missing `{}` in:\n{stdout}", needed.trim());
    }
    assert!(stdout.ends_with(" 0 failed\n"), "{stdout}");
}
