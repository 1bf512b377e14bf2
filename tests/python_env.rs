//! The Python environment of the Python-side checks, and tests/python/check_rewritten.py
//! itself, proven on hand-made samples under tests/python/samples/.
//!
//! The venv (target/test-venv) is built on first use by `common::python::python()`.

#[allow(dead_code)]
mod common;

use common::python::{python_dir, run_python};
use std::process::Output;

const GOOD: &str = "tests/python/samples/good";
const BROKEN: &str = "tests/python/samples/broken";
const SCRIPT: &str = "tests/python/check_rewritten.py";

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

fn show(out: &Output) -> String {
    format!(
        "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// (major, minor) of the venv's interpreter.
fn python_version() -> (u32, u32) {
    let out = run_python(["-c", "import sys; print(sys.version_info[0], sys.version_info[1])"]);
    assert!(out.status.success(), "{}", show(&out));
    let s = stdout(&out);
    let mut it = s.split_whitespace().map(|n| n.parse::<u32>().unwrap());
    (it.next().unwrap(), it.next().unwrap())
}

fn check(args: &[&str]) -> Output {
    let mut all = vec![SCRIPT];
    all.extend_from_slice(args);
    run_python(all)
}

#[test]
fn venv_holds_exactly_the_pinned_versions() {
    let requirements = std::fs::read_to_string(python_dir().join("requirements.txt")).unwrap();
    let pins: Vec<(String, String)> = requirements
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('-'))
        .map(|l| {
            let (name, version) = l.split_once("==").unwrap_or_else(|| panic!("unpinned requirement: {l}"));
            let name = name.split('[').next().unwrap().trim();
            (name.to_string(), version.trim().to_string())
        })
        .collect();
    for (name, version) in [
        ("supabase", "2.34.1"),
        ("storage3", "2.34.1"),
        ("postgrest", "2.34.1"),
        ("supabase-auth", "2.34.1"),
        ("boto3", "1.44.8"),
        ("botocore", "1.44.8"),
        ("moto", "5.2.5"),
    ] {
        assert!(
            pins.iter().any(|(n, v)| n == name && v == version),
            "requirements.txt must pin {name}=={version}"
        );
    }

    let names: Vec<&str> = pins.iter().map(|(n, _)| n.as_str()).collect();
    let out = run_python([
        "-c",
        "import sys, importlib.metadata as m\nfor n in sys.argv[1:]: print(f'{n}=={m.version(n)}')",
    ]
    .into_iter()
    .chain(names.iter().copied()));
    assert!(out.status.success(), "{}", show(&out));
    let want: String = pins.iter().map(|(n, v)| format!("{n}=={v}\n")).collect();
    assert_eq!(stdout(&out), want);

    // The interpreter the checks run on: Python 3.11 (what the migrated backend targets).
    assert_eq!(python_version().0, 3);
}

#[test]
fn good_sample_passes() {
    let out = check(&[
        GOOD,
        "--requires-py312",
        "api/report.py",
        "--import-module",
        &format!("{GOOD}:utils.s3_utils"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let old_python = python_version() < (3, 12);
    let report_line = if old_python {
        "skip compile api/report.py: requires Python 3.12 (imports checked)"
    } else {
        "ok compile api/report.py"
    };
    let expected = format!(
        "ok compile api/__init__.py\n\
         {report_line}\n\
         ok compile utils/__init__.py\n\
         ok compile utils/s3_utils.py\n\
         ok httpx\n\
         ok postgrest.exceptions.APIError\n\
         ok storage3.exceptions.StorageApiError\n\
         ok supabase.Client\n\
         ok supabase.StorageException\n\
         ok supabase.create_client\n\
         ok import utils.s3_utils\n\
         {} passed, 0 failed\n",
        if old_python { 10 } else { 11 }
    );
    assert_eq!(stdout(&out), expected, "{}", show(&out));
}

#[test]
fn broken_sample_fails_on_each_bad_name_and_on_network_use() {
    let out = check(&[
        BROKEN,
        "--import-module",
        &format!("{BROKEN}:utils.s3_utils"),
        "--import-module",
        &format!("{BROKEN}:utils.eager"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    for want in [
        "ok compile utils/eager.py",
        "ok compile utils/s3_utils.py",
        "FAIL gotrue: ModuleNotFoundError: No module named 'gotrue' (utils/s3_utils.py:7)",
        "FAIL storage3.exceptions.NoSuchThing: no attribute 'NoSuchThing' in module storage3.exceptions (utils/s3_utils.py:6)",
        "ok storage3.exceptions.StorageApiError",
        "ok supabase.Client",
        "ok supabase.create_client",
        "FAIL import utils.eager: NetworkBlocked: network access attempted: create_connection ('127.0.0.1', 54321)",
        "6 passed, 4 failed",
    ] {
        assert!(lines.contains(&want), "missing line {want:?}\n{}", show(&out));
    }
    assert!(
        lines.iter().any(|l| l.starts_with(
            "FAIL import utils.s3_utils: ImportError: cannot import name 'NoSuchThing' from 'storage3.exceptions'"
        )),
        "{}",
        show(&out)
    );
    assert_eq!(lines.last(), Some(&"6 passed, 4 failed"));
}

#[test]
fn py312_only_file_must_be_declared() {
    let out = check(&[GOOD]);
    if python_version() < (3, 12) {
        assert_eq!(out.status.code(), Some(1), "{}", show(&out));
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines.contains(&"FAIL compile api/report.py: SyntaxError: f-string: unmatched '[' (line 11)"),
            "{}",
            show(&out)
        );
        // Undeclared, the file's imports go unchecked: only s3_utils.py's are listed.
        assert_eq!(lines.last(), Some(&"6 passed, 1 failed"), "{}", show(&out));
    } else {
        assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    }
}

#[test]
fn nothing_to_check_is_a_failure() {
    let empty = tempfile::tempdir().unwrap();
    let out = check(&[empty.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert_eq!(stdout(&out), "0 passed, 0 failed\n");
}

#[test]
fn create_client_needs_only_an_http_url_and_a_non_empty_key() {
    // What check_rewritten.py relies on for --import-module: supabase 2.34.1 builds its
    // client without network for any non-empty key, and refuses a missing URL or key.
    let out = run_python([
        "-c",
        r#"
from supabase import create_client
from supabase._sync.client import SupabaseException
c = create_client("http://127.0.0.1:54321", "any-non-empty-string")
print(type(c.storage).__name__)
for url, key in [("http://127.0.0.1:54321", None), (None, "k"), ("127.0.0.1:54321", "k")]:
    try:
        create_client(url, key)
        print("accepted", url, key)
    except SupabaseException as e:
        print("refused:", e.message)
"#,
    ]);
    assert!(out.status.success(), "{}", show(&out));
    assert_eq!(
        stdout(&out),
        "SyncStorageClient\n\
         refused: supabase_key is required\n\
         refused: supabase_url is required\n\
         refused: Invalid URL\n"
    );
}
