//! The binary as a user runs it: the bundled fixture against its checked-in expected
//! outputs, `git apply` of the diff, idempotence, the prefilter's neutrality, exit
//! codes, output formats, stdin and configuration errors.
//!
//! Set `S3TS_UPDATE_EXPECTED=1` to rewrite `fixtures/expected/` from the current
//! binary; review the change with `git diff` before committing it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[allow(dead_code)]
mod common;

use common::tree::{copy_tree, tree};

const BIN: &str = env!("CARGO_BIN_EXE_s3-to-supabase");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn expected_dir() -> PathBuf {
    repo().join("fixtures/expected")
}

fn updating() -> bool {
    std::env::var_os("S3TS_UPDATE_EXPECTED").is_some()
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Copy `fixtures/<name>` to `<tmp>/<name>`; returns the temp root.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("fixtures").join(name), &tmp.path().join(name));
    tmp
}

/// Compare `actual` with the checked-in `fixtures/expected/<name>`, or write it when updating.
fn assert_expected(name: &str, actual: impl AsRef<[u8]>) {
    let actual = actual.as_ref();
    let path = expected_dir().join(name);
    if updating() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read(&path).unwrap_or_else(|_| panic!("missing {}", path.display()));
    assert_eq!(
        String::from_utf8_lossy(actual),
        String::from_utf8_lossy(&expected),
        "output differs from {}",
        path.display()
    );
    assert!(actual == expected.as_slice(), "bytes differ from {}", path.display());
}

fn assert_tree_expected(name: &str, root: &Path) {
    let expected_root = expected_dir().join(name);
    if updating() {
        let _ = fs::remove_dir_all(&expected_root);
        copy_tree(root, &expected_root);
        return;
    }
    let actual = tree(root);
    let expected = tree(&expected_root);
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|(name, _)| name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&actual), names(&expected));
    for ((name, actual), (_, expected)) in actual.iter().zip(&expected) {
        assert!(actual == expected, "{name} differs from fixtures/expected/{}/{name}", expected_root.display());
    }
}

#[test]
fn diff_of_the_bundled_fixture_matches_and_applies_with_git() {
    let tmp = copy_fixture("lms-backend");
    let output = run_in(tmp.path(), &["diff", "lms-backend"]);
    assert_eq!(code(&output), 0, "stderr: {}", stderr(&output));
    assert_expected("lms-backend.diff", stdout(&output));
    assert_expected("lms-backend.diff.stderr", stderr(&output));

    // The patch applies with git exactly to the expected tree.
    let patch = tmp.path().join("migration.patch");
    fs::write(&patch, &output.stdout).unwrap();
    let git = Command::new("git")
        .args(["apply", "--verbose"])
        .arg(&patch)
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(git.status.success(), "git apply: {}", String::from_utf8_lossy(&git.stderr));
    fs::remove_file(&patch).unwrap();
    if !updating() {
        assert_tree_expected("lms-backend", &tmp.path().join("lms-backend"));
    }
}

#[test]
fn apply_writes_the_expected_tree_and_a_second_apply_changes_nothing() {
    let tmp = copy_fixture("lms-backend");
    let first = run_in(tmp.path(), &["apply", "lms-backend"]);
    assert_eq!(code(&first), 1, "findings for a person remain: {}", stderr(&first));
    assert_expected("lms-backend.apply.stdout", stdout(&first));
    assert_tree_expected("lms-backend", &tmp.path().join("lms-backend"));

    let before = tree(&tmp.path().join("lms-backend"));
    let second = run_in(tmp.path(), &["apply", "lms-backend"]);
    assert_eq!(tree(&tmp.path().join("lms-backend")), before);
    assert!(stderr(&second).contains(": 0 changed,"), "{}", stderr(&second));
    let diff = run_in(tmp.path(), &["diff", "--exit-code", "lms-backend"]);
    assert_eq!((code(&diff), stdout(&diff)), (0, String::new()));
}

#[test]
fn check_lists_every_finding_and_fails() {
    let tmp = copy_fixture("lms-backend");
    let output = run_in(tmp.path(), &["check", "lms-backend"]);
    assert_eq!(code(&output), 1);
    assert_expected("lms-backend.check.txt", stdout(&output));
}

#[test]
fn the_prefilter_never_changes_a_result() {
    for fixture in ["lms-backend", "edge-cases"] {
        let tmp = copy_fixture(fixture);
        for command in ["diff", "check"] {
            let with = run_in(tmp.path(), &[command, fixture]);
            let without = run_in(tmp.path(), &[command, "--no-prefilter", fixture]);
            assert_eq!(code(&with), code(&without), "{command} {fixture}");
            assert_eq!(stdout(&with), stdout(&without), "{command} {fixture}");
            assert_eq!(stderr(&with), stderr(&without), "{command} {fixture}");
        }
    }
}

#[test]
fn edge_cases_are_reported_and_the_rest_processed() {
    let tmp = copy_fixture("edge-cases");
    let output = run_in(tmp.path(), &["diff", "edge-cases"]);
    assert_eq!(code(&output), 2);
    assert_expected("edge-cases.diff", &output.stdout);
    assert_expected("edge-cases.diff.stderr", stderr(&output));
}

/// A small project for the format tests: one rewrite, one manual finding, one warning.
fn small_project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    fs::create_dir_all(app.join("utils")).unwrap();
    fs::write(app.join("utils/s3_utils.py"), "import os\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n").unwrap();
    fs::write(
        app.join("routes.py"),
        "from utils import s3_utils\n\nBUCKET = \"anantra-lms-store\"\nRAW = b\"anantra-lms-store\"\nOLD = s3.get_object(Bucket=\"old-bucket\", Key=\"k\")\n",
    )
    .unwrap();
    tmp
}

#[test]
fn check_formats_text_json_jsonl_github_gitlab_sarif_junit() {
    let tmp = small_project();
    for (format, name) in [
        ("text", "small.check.txt"),
        ("json", "small.check.json"),
        ("jsonl", "small.check.jsonl"),
        ("github", "small.check.github"),
        ("gitlab", "small.check.gitlab.json"),
        ("sarif", "small.check.sarif"),
        ("junit", "small.check.junit.xml"),
    ] {
        let output = run_in(tmp.path(), &["check", "--format", format, "app"]);
        assert_eq!(code(&output), 1, "{format}");
        assert_expected(name, stdout(&output));
    }
    let summary = stderr(&run_in(tmp.path(), &["check", "app"]));
    assert_eq!(summary, "2 files checked: 1 error, 2 warnings in 1 file; 0 skipped, 0 failed\n");
}

#[test]
fn color_only_when_asked_or_on_a_terminal() {
    let tmp = small_project();
    let plain = run_in(tmp.path(), &["check", "app"]);
    assert!(!stdout(&plain).contains('\u{1b}'));
    let colored = run_in(tmp.path(), &["check", "--color", "always", "app"]);
    assert!(stdout(&colored).contains("\u{1b}["));
    // FORCE_COLOR colours without a terminal; NO_COLOR wins over it; --color beats both.
    let with_env = |vars: &[(&str, &str)], args: &[&str]| {
        let mut command = Command::new(BIN);
        command.args([&["check"], args, &["app"]].concat()).current_dir(tmp.path()).env_remove("NO_COLOR").env_remove("FORCE_COLOR");
        for (name, value) in vars {
            command.env(name, value);
        }
        let output = command.stdin(Stdio::null()).output().unwrap();
        stdout(&output).contains("\u{1b}[")
    };
    assert!(with_env(&[("FORCE_COLOR", "1")], &[]));
    assert!(!with_env(&[("FORCE_COLOR", "")], &[]), "an empty FORCE_COLOR is unset");
    assert!(!with_env(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], &[]));
    assert!(with_env(&[("NO_COLOR", "1")], &["--color", "always"]));
    assert!(!with_env(&[("FORCE_COLOR", "1")], &["--color", "never"]));
}

#[test]
fn exit_codes() {
    let tmp = small_project();
    // diff: 0 without --exit-code, 1 with it when there are changes.
    assert_eq!(code(&run_in(tmp.path(), &["diff", "app"])), 0);
    assert_eq!(code(&run_in(tmp.path(), &["app", "--exit-code"])), 1, "diff is the default command");
    // A clean tree.
    let clean = tempfile::tempdir().unwrap();
    fs::write(clean.path().join("ok.py"), "print('hello')\n").unwrap();
    assert_eq!(code(&run_in(clean.path(), &["check", "."])), 0);
    assert_eq!(code(&run_in(clean.path(), &["diff", "--exit-code", "."])), 0);
    // Warnings alone do not fail check.
    fs::write(clean.path().join("warn.py"), "s3.get_object(Bucket=\"other\", Key=\"k\")\n").unwrap();
    assert_eq!(code(&run_in(clean.path(), &["check", "."])), 0);
    // Usage error.
    let usage = run_in(clean.path(), &["check", "--format", "xml"]);
    assert_eq!(code(&usage), 2);
    assert!(stderr(&usage).contains("invalid value 'xml'"));
    // A relevant file that does not parse: reported with its place, others still processed.
    fs::write(clean.path().join("bad.py"), "x = (\"anantra-lms-store\"\n").unwrap();
    fs::write(clean.path().join("lit.py"), "BUCKET = \"anantra-lms-store\"\n").unwrap();
    let output = run_in(clean.path(), &["check", "."]);
    assert_eq!(code(&output), 2);
    assert!(stdout(&output).starts_with("bad.py:2:1: error: syntax error: "), "{}", stdout(&output));
    // A file with no trigger word is not parsed at all (it cannot hold anything to migrate).
    fs::write(clean.path().join("unrelated.py"), "def broken(:\n").unwrap();
    assert!(!stdout(&run_in(clean.path(), &["check", "."])).contains("unrelated.py"));
    assert!(stdout(&output).contains("lit.py:1:10: error[hardcoded-bucket] "), "{}", stdout(&output));
}

#[test]
fn help_teaches_and_rules_explain() {
    let help = run_in(&repo(), &["--help"]);
    assert_eq!(code(&help), 0);
    for needle in ["diff", "apply", "check", "rules", "Exit codes: 0 clean", "s3-to-supabase: ignore[rule-id]"] {
        assert!(stdout(&help).contains(needle), "--help lacks {needle}");
    }
    let list = run_in(&repo(), &["rules"]);
    assert_eq!(code(&list), 0);
    assert!(stdout(&list).contains("hardcoded-bucket       error    sometimes  A string literal holding a configured bucket name, used as a bucket."));
    let one = run_in(&repo(), &["rules", "hardcoded-bucket"]);
    for heading in ["## What it finds", "## Why", "## Before", "## After", "## Fix safety", "## Manual follow-up"] {
        assert!(stdout(&one).contains(heading));
    }
    let unknown = run_in(&repo(), &["rules", "nope"]);
    assert_eq!((code(&unknown), stderr(&unknown)), (2, "error: unknown rule `nope`; `s3-to-supabase rules` lists them\n".to_owned()));
}

#[test]
fn every_rule_documents_every_heading() {
    let list = stdout(&run_in(&repo(), &["rules"]));
    for line in list.lines().skip(1) {
        let id = line.split_whitespace().next().unwrap();
        let docs = stdout(&run_in(&repo(), &["rules", id]));
        for heading in ["## What it finds", "## Why", "## Before", "## After", "## Fix safety", "## Manual follow-up"] {
            assert!(docs.contains(heading), "rule {id} lacks {heading}");
        }
    }
}

#[test]
fn stdin_in_stdout_out() {
    let mut child = Command::new(BIN)
        .args(["apply", "-", "--stdin-filename", "backend/utils/s3_utils.py"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .current_dir(tempfile::tempdir().unwrap().path())
        .spawn()
        .unwrap();
    use std::io::Write;
    // The storage module itself: the one file whose rewrites need no other file.
    child.stdin.take().unwrap().write_all(b"import os\nS3_BUCKET_NAME = 'anantra-lms-store'\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "import os\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\nS3_BUCKET_NAME = SUPABASE_BUCKET_NAME\n"
    );
}

#[test]
fn configuration_errors_name_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("rules.toml"), "[buckets]\nnames = []\n").unwrap();
    fs::write(tmp.path().join("a.py"), "x = 1\n").unwrap();
    let output = run_in(tmp.path(), &["check", "."]);
    assert_eq!(code(&output), 2);
    let rules = tmp.path().join("rules.toml");
    assert_eq!(
        stderr(&output),
        format!("error: {}:2:9: buckets.names is empty: list at least one bucket name\n", std::path::absolute(&rules).unwrap().display())
    );
    fs::write(&rules, "[storage]\nconstnat = \"X\"\n").unwrap();
    let output = run_in(tmp.path(), &["check", "--config", "rules.toml", "."]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).starts_with("error: rules.toml:2:1: unknown field `constnat`"), "{}", stderr(&output));
}

#[test]
fn apply_refuses_nothing_it_should_not_and_keeps_modes() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = small_project();
    let routes = tmp.path().join("app/routes.py");
    fs::set_permissions(&routes, fs::Permissions::from_mode(0o640)).unwrap();
    let output = run_in(tmp.path(), &["apply", "app"]);
    // Only warnings are left (the bytes literal, the unlisted bucket).
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(fs::metadata(&routes).unwrap().permissions().mode() & 0o777, 0o640);
    assert!(fs::read_to_string(&routes).unwrap().contains("BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n"));
    let leftovers: Vec<_> = fs::read_dir(tmp.path().join("app"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn global_options_stand_before_or_after_the_command() {
    let tmp = small_project();
    let before = run_in(tmp.path(), &["-q", "--format", "json", "check", "app"]);
    let after = run_in(tmp.path(), &["check", "app", "--format", "json", "-q"]);
    assert_eq!(code(&before), 1, "{}", stderr(&before));
    assert_eq!((code(&before), stdout(&before), stderr(&before)), (code(&after), stdout(&after), stderr(&after)));
    assert_expected("small.check.json", stdout(&before));
    assert_eq!(stderr(&before), "");

    // `-q apply .` applies: nothing is taken as a path named `apply`.
    let apply = run_in(tmp.path(), &["-q", "--color", "never", "apply", "app"]);
    assert_eq!((code(&apply), stderr(&apply)), (0, String::new()));
    assert!(fs::read_to_string(tmp.path().join("app/routes.py")).unwrap().contains("BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n"));
    assert_eq!(
        stdout(&apply),
        "app/routes.py:4:7: warning[bucket-needs-review] \"anantra-lms-store\" equals the bucket name, but nothing shows it is used as a bucket here (it stands in a bytes literal): not rewritten; if it is the bucket, use `s3_utils.SUPABASE_BUCKET_NAME`\n\
         app/routes.py:5:28: warning[unlisted-bucket] unlisted bucket literal \"old-bucket\" as `Bucket=`; add it to buckets.names if it moves to Supabase too\n"
    );
}

#[test]
fn diff_is_the_default_for_a_path_or_nothing_and_a_typo_gets_a_suggestion() {
    let tmp = small_project();
    let explicit = run_in(tmp.path(), &["diff", "app"]);
    for args in [&["app"][..], &["-q", "app"], &["./app"], &["--exit-code", "app"]] {
        let output = run_in(tmp.path(), args);
        assert_eq!(stdout(&output), stdout(&explicit), "{args:?}");
    }
    assert!(stdout(&explicit).starts_with("--- a/app/routes.py\n"), "{}", stdout(&explicit));
    let in_app = run_in(&tmp.path().join("app"), &[]);
    assert_eq!((code(&in_app), stdout(&in_app).lines().next()), (0, Some("--- a/routes.py")));

    let typo = run_in(tmp.path(), &["chek", "app"]);
    assert_eq!(code(&typo), 2);
    assert_eq!(stdout(&typo), "");
    assert_eq!(
        stderr(&typo),
        "error: unrecognized subcommand 'chek'\n\n  tip: a similar subcommand exists: 'check'\n\nUsage: s3-to-supabase [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n"
    );
    let global_then_typo = run_in(tmp.path(), &["--format", "json", "aply", "app"]);
    assert_eq!(code(&global_then_typo), 2);
    assert!(stderr(&global_then_typo).contains("tip: a similar subcommand exists: 'apply'"), "{}", stderr(&global_then_typo));
}

#[test]
fn text_output_escapes_control_characters() {
    let tmp = tempfile::tempdir().unwrap();
    // A literal that would clear the screen and one that would split the line, both unlisted buckets.
    fs::write(
        tmp.path().join("evil.py"),
        "s3.get_object(Bucket=\"\\x1b[2J\\x1b[31mred\", Key=\"k\")\ns3.get_object(Bucket=\"a\\r\\nb\", Key=\"k\")\n",
    )
    .unwrap();
    let output = run_in(tmp.path(), &["check", "--color", "never", "."]);
    assert_eq!(code(&output), 0, "warnings only: {}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "evil.py:1:22: warning[unlisted-bucket] unlisted bucket literal \"\\x1b[2J\\x1b[31mred\" as `Bucket=`; add it to buckets.names if it moves to Supabase too\n\
         evil.py:2:22: warning[unlisted-bucket] unlisted bucket literal \"a\\r\\nb\" as `Bucket=`; add it to buckets.names if it moves to Supabase too\n"
    );
}

#[test]
fn check_is_a_gate_that_does_not_pass_what_it_did_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("ok.py"), "print('hello')\n").unwrap();
    // A file that cannot be decoded is a failure of its own (cp1252 is decoded since issue 12).
    fs::write(tmp.path().join("utf16.py"), "# -*- coding: utf-16 -*-\nB = 'anantra-lms-store'\n").unwrap();
    let output = run_in(tmp.path(), &["check", "--color", "never", "."]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stdout(&output),
        "utf16.py:1:1: error: declared encoding `utf-16` cannot be decoded (UTF-8, latin-1 and Python's single-byte codecs such as cp1252 can); convert the file to UTF-8, or list it in files.exclude\n"
    );

    // A missing path is a failure, and nothing counts as checked.
    let missing = run_in(tmp.path(), &["check", "--color", "never", "missing.py"]);
    assert_eq!(code(&missing), 2);
    assert_eq!(stdout(&missing), "missing.py: error: No such file or directory\n");
    assert_eq!(stderr(&missing), "0 files checked: no errors or warnings; 0 skipped, 1 failed\n");

    // An empty tree says so, without the storage-module note.
    let empty = tempfile::tempdir().unwrap();
    for command in ["check", "diff", "apply"] {
        let output = run_in(empty.path(), &[command, "--color", "never", "."]);
        assert_eq!((code(&output), stdout(&output), stderr(&output)), (0, String::new(), "warning: no Python files found\n".to_owned()), "{command}");
    }
}

#[test]
fn the_storage_module_note_only_when_a_rewrite_needs_it() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("ok.py"), "print('hello')\n").unwrap();
    fs::write(tmp.path().join("requirements.txt"), "boto3==1.34.0\n").unwrap();
    for command in ["check", "diff"] {
        let output = run_in(tmp.path(), &[command, "."]);
        assert!(!stderr(&output).contains("note:"), "{command}: {}", stderr(&output));
    }
    fs::write(tmp.path().join("lit.py"), "BUCKET = 'anantra-lms-store'\n").unwrap();
    let note = "note: the storage module `utils.s3_utils` is not among the paths, so nothing that refers to it was rewritten; include its file in the paths, or set `storage.module` to its dotted path\n";
    for command in ["check", "diff"] {
        let output = run_in(tmp.path(), &[command, "--color", "never", "."]);
        assert_eq!(stderr(&output).matches(note).count(), 1, "{command}: {}", stderr(&output));
    }
}

#[test]
fn diff_refuses_a_patch_for_files_outside_the_current_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let (here, other) = (tmp.path().join("here"), tmp.path().join("other"));
    fs::create_dir_all(&here).unwrap();
    fs::create_dir_all(&other).unwrap();
    fs::write(here.join("a.py"), "from utils import s3_utils\nBUCKET = 'anantra-lms-store'\n").unwrap();
    fs::create_dir_all(here.join("utils")).unwrap();
    fs::write(here.join("utils/s3_utils.py"), "import os\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n").unwrap();
    fs::write(other.join("b.py"), "from utils import s3_utils\nBUCKET = 'anantra-lms-store'\n").unwrap();
    let absolute = other.join("b.py").display().to_string();
    let output = run_in(&here, &["diff", "--color", "never", "-q", "a.py", "utils/s3_utils.py", "../other/b.py", &absolute]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stdout(&output),
        "--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n from utils import s3_utils\n-BUCKET = 'anantra-lms-store'\n+BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n"
    );
    let refusal = "outside the current directory, so no patch for it could be applied with `git apply` or `patch -p1`; run `diff` from a directory that contains it";
    // The absolute path names the same file: processed once (deduplicated by identity).
    assert_eq!(stderr(&output), format!("../other/b.py: error: {refusal}\n"));
}

#[test]
fn diff_of_a_path_that_climbs_out_and_back_in_is_a_patch_git_and_patch_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let fo = repo.join("fo");
    fs::create_dir_all(fo.join("app")).unwrap();
    let git_init = Command::new("git").args(["init", "-q", "."]).current_dir(&repo).output().expect("git (a prerequisite of the tests) runs");
    assert!(git_init.status.success(), "git init: {}", String::from_utf8_lossy(&git_init.stderr));
    fs::write(fo.join("app/a.py"), "from utils import s3_utils\nBUCKET = 'anantra-lms-store'\n").unwrap();
    // The storage module is among the paths (a rewrite that needs it is made only then) and
    // already migrated, so the patch is a.py's alone.
    fs::create_dir_all(fo.join("utils")).unwrap();
    fs::write(fo.join("utils/s3_utils.py"), "import os\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n").unwrap();
    let output = run_in(&fo, &["diff", "--color", "never", "-q", "../fo/app/a.py", "../fo/utils/s3_utils.py"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let patch = "--- a/app/a.py\n+++ b/app/a.py\n@@ -1,2 +1,2 @@\n from utils import s3_utils\n-BUCKET = 'anantra-lms-store'\n+BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n";
    assert_eq!(stdout(&output), patch);
    assert_eq!(stderr(&output), "");
    let patch_file = tmp.path().join("a.patch");
    fs::write(&patch_file, patch).unwrap();
    // From the directory the diff ran in, as a reviewer applies it.
    let git = Command::new("git").args(["apply", "--check"]).arg(&patch_file).current_dir(&fo).output().unwrap();
    assert!(git.status.success(), "git apply --check: {}", String::from_utf8_lossy(&git.stderr));
    let dry_run = Command::new("patch")
        .args(["-p1", "--dry-run", "-i"])
        .arg(&patch_file)
        .current_dir(&fo)
        .output()
        .expect("patch (a prerequisite of the tests) runs");
    assert_eq!(String::from_utf8_lossy(&dry_run.stdout), "checking file app/a.py\n");
    assert!(dry_run.status.success(), "patch -p1 --dry-run: {}", String::from_utf8_lossy(&dry_run.stderr));
}

#[test]
fn each_file_takes_its_nearest_configuration_inside_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    // A parent project's unrelated rules.toml and a config above the repository never apply.
    fs::write(tmp.path().join("rules.toml"), "[lint]\nstrict = true\n").unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    fs::create_dir_all(repo.join("svc/utils")).unwrap();
    fs::create_dir_all(repo.join("legacy")).unwrap();
    fs::write(repo.join("app.py"), "BUCKET = 'anantra-lms-store'\nBUCKET_B = 'other-bucket'\n").unwrap();
    fs::write(repo.join("legacy/old.py"), "BUCKET = 'anantra-lms-store'\nBUCKET_B = 'other-bucket'\n").unwrap();
    fs::write(repo.join("svc/.s3-to-supabase.toml"), "[buckets]\nnames = [\"other-bucket\"]\n").unwrap();
    fs::write(repo.join("svc/job.py"), "BUCKET = 'anantra-lms-store'\nBUCKET_B = 'other-bucket'\n").unwrap();
    let output = run_in(&repo, &["check", "--color", "never", "."]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "app.py:1:10: error[hardcoded-bucket] hardcoded bucket \"anantra-lms-store\" not rewritten: the storage module `utils.s3_utils` is not among the paths (see the note)\n\
         legacy/old.py:1:10: error[hardcoded-bucket] hardcoded bucket \"anantra-lms-store\" not rewritten: the storage module `utils.s3_utils` is not among the paths (see the note)\n\
         svc/job.py:2:12: error[hardcoded-bucket] hardcoded bucket \"other-bucket\" not rewritten: the storage module `utils.s3_utils` is not among the paths (see the note)\n"
    );
    // The same from inside: the path given first does not decide for the others.
    let reversed = run_in(&repo, &["check", "--color", "never", "svc", "app.py", "legacy"]);
    assert_eq!(stdout(&reversed), stdout(&output));

    // From the parent directory, outside any repository, the unrelated rules.toml is
    // ignored with a note, not an error.
    let outer = tempfile::tempdir().unwrap();
    fs::write(outer.path().join("rules.toml"), "[lint]\nstrict = true\n").unwrap();
    fs::write(outer.path().join("a.py"), "print('hi')\n").unwrap();
    let ignored = run_in(outer.path(), &["check", "--color", "never", "."]);
    assert_eq!(code(&ignored), 0, "{}", stderr(&ignored));
    let rules = std::path::absolute(outer.path().join("rules.toml")).unwrap();
    assert_eq!(
        stderr(&ignored),
        format!(
            "note: ignored {}: not an s3-to-supabase configuration (it has none of the tables [buckets], [storage], [client], [errors], [setup] or a [rules] table of this tool's rule ids)\n\
             1 file checked: no errors or warnings; 0 skipped, 0 failed\n",
            rules.display()
        )
    );
}

#[test]
fn show_settings_names_the_file_and_every_value() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join(".git")).unwrap();
    fs::create_dir_all(tmp.path().join("svc")).unwrap();
    fs::write(tmp.path().join("svc/s3-to-supabase.toml"), "[buckets]\nnames = [\"x-bucket\"]\n[rules]\nbucket-in-text = \"off\"\n").unwrap();
    let output = run_in(tmp.path(), &["check", "--show-settings", "svc/a.py", "b.py"]);
    assert_eq!((code(&output), stderr(&output)), (0, String::new()));
    let text = stdout(&output);
    let config = std::path::absolute(tmp.path().join("svc/s3-to-supabase.toml")).unwrap();
    let (svc, root) = text.split_once("# settings for b.py\n").expect("one block per path");
    assert!(svc.starts_with(&format!("# settings for svc/a.py\n# from {}\n[buckets]\n", config.display())), "{text}");
    assert!(root.starts_with("# from built-in defaults\n[buckets]\n"), "{text}");
    for line in ["names = [\"x-bucket\"]\n", "bucket-in-text = \"off\"\n", "hardcoded-bucket = \"error\"\n", "unlisted-bucket = \"warning\"\n", "module = \"utils.s3_utils\"\n"] {
        assert!(svc.contains(line), "{line} missing:\n{svc}");
    }
    assert!(root.contains("names = [\"anantra-lms-store\"]\n") && root.contains("bucket-in-text = \"warning\"\n"), "{root}");
}

#[test]
fn show_settings_prints_every_value_and_the_command_line_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join(".git")).unwrap();
    fs::create_dir_all(tmp.path().join("svc")).unwrap();
    let config = "[buckets]\nnames = [\"x-bucket\"]\n[storage]\nimport_style = \"from-module\"\n[files]\nexclude = [\"gen/**\"]\n[rules]\nbucket-in-text = \"off\"\n";
    fs::write(tmp.path().join("svc/s3-to-supabase.toml"), config).unwrap();
    let args = ["check", "--show-settings", "--extend-exclude", "vendor/**", "--select", "hardcoded-bucket,bucket-in-text", "--force-exclude", "svc/a.py"];
    let output = run_in(tmp.path(), &args);
    assert_eq!((code(&output), stderr(&output)), (0, String::new()));
    let origin = std::path::absolute(tmp.path().join("svc/s3-to-supabase.toml")).unwrap();
    // [rules] is the file's levels with --select applied; [command-line] the run's own options.
    let expected = format!(
        "# settings for svc/a.py\n# from {}\n[buckets]\n\
         keywords = [\"Bucket\", \"bucket\", \"bucket_name\", \"bucket_id\"]\n\
         names = [\"x-bucket\"]\n\
         \n\
         [client]\n\
         client_name = \"supabase\"\n\
         keep_aws_credentials = true\n\
         key_env = \"SUPABASE_SERVICE_ROLE_KEY\"\n\
         storage_name = \"storage\"\n\
         url_env = \"SUPABASE_URL\"\n\
         \n\
         [command-line]\n\
         extend-exclude = [\"vendor/**\"]\n\
         force-exclude = true\n\
         ignore = []\n\
         select = [\"hardcoded-bucket\", \"bucket-in-text\"]\n\
         unsafe-fixes = false\n\
         \n\
         [errors]\n\
         exception = \"storage3.exceptions.StorageApiError\"\n\
         \n\
         [errors.exceptions]\n\
         BotoCoreError = \"httpx.HTTPError\"\n\
         ConnectTimeoutError = \"httpx.ConnectTimeout\"\n\
         EndpointConnectionError = \"httpx.ConnectError\"\n\
         NoCredentialsError = \"httpx.HTTPError\"\n\
         ReadTimeoutError = \"httpx.ReadTimeout\"\n\
         \n\
         [errors.status]\n\
         400 = \"400\"\n\
         403 = \"403\"\n\
         404 = \"404\"\n\
         AccessDenied = \"403\"\n\
         BucketAlreadyExists = \"409\"\n\
         BucketAlreadyOwnedByYou = \"409\"\n\
         EntityTooLarge = \"413\"\n\
         InvalidAccessKeyId = \"403\"\n\
         InvalidRequest = \"400\"\n\
         NoSuchBucket = \"404\"\n\
         NoSuchKey = \"404\"\n\
         NotFound = \"404\"\n\
         PreconditionFailed = \"412\"\n\
         SignatureDoesNotMatch = \"403\"\n\
         \n\
         [files]\n\
         env_example = [\".env.example\"]\n\
         exclude = [\"gen/**\"]\n\
         \n\
         [rules]\n\
         boto3-call = \"off\"\n\
         boto3-client = \"off\"\n\
         boto3-import = \"off\"\n\
         bucket-constant = \"off\"\n\
         bucket-env-lookup = \"off\"\n\
         bucket-in-string = \"off\"\n\
         bucket-in-text = \"off\"\n\
         bucket-needs-review = \"off\"\n\
         client-error = \"off\"\n\
         env-example = \"off\"\n\
         error-code-check = \"off\"\n\
         hardcoded-bucket = \"error\"\n\
         invalid-suppression = \"off\"\n\
         requirements = \"off\"\n\
         s3fs-usage = \"off\"\n\
         translation-difference = \"off\"\n\
         unlisted-bucket = \"off\"\n\
         unresolved-s3-call = \"off\"\n\
         unused-suppression = \"off\"\n\
         \n\
         [setup]\n\
         remove_boto3 = false\n\
         requirement = \"supabase==2.34.1\"\n\
         \n\
         [storage]\n\
         constant = \"SUPABASE_BUCKET_NAME\"\n\
         default_bucket = \"x-bucket\"\n\
         env_var = \"SUPABASE_BUCKET_NAME\"\n\
         import_style = \"from-module\"\n\
         legacy_constants = [\"S3_BUCKET_NAME\"]\n\
         module = \"utils.s3_utils\"\n\
         \n\
         ",
        origin.display()
    );
    assert_eq!(stdout(&output), expected);
}

#[test]
fn select_ignore_exit_zero_statistics_and_did_you_mean() {
    let tmp = small_project();
    let select = run_in(tmp.path(), &["check", "--color", "never", "--select", "hardcoded-bucket,unlisted-bucket", "app"]);
    assert_eq!(code(&select), 1);
    assert_eq!(
        stdout(&select),
        "app/routes.py:3:10: error[hardcoded-bucket] hardcoded bucket \"anantra-lms-store\"; use `s3_utils.SUPABASE_BUCKET_NAME`\n\
         app/routes.py:5:28: warning[unlisted-bucket] unlisted bucket literal \"old-bucket\" as `Bucket=`; add it to buckets.names if it moves to Supabase too\n"
    );
    let ignore = run_in(tmp.path(), &["check", "--color", "never", "--ignore", "hardcoded-bucket", "--ignore", "bucket-needs-review", "app"]);
    assert_eq!(code(&ignore), 0, "only a warning is left");
    assert_eq!(stdout(&ignore).lines().count(), 1);
    let zero = run_in(tmp.path(), &["check", "--exit-zero", "app"]);
    assert_eq!((code(&zero), stdout(&zero).lines().count()), (0, 3));

    let statistics = run_in(tmp.path(), &["check", "--statistics", "app"]);
    assert_eq!(code(&statistics), 1);
    assert_eq!(
        stdout(&statistics),
        "    1  warning[bucket-needs-review]  0 fixable\n    1  error[hardcoded-bucket]  1 fixable\n    1  warning[unlisted-bucket]  0 fixable\n"
    );
    let json = run_in(tmp.path(), &["--format", "json", "check", "--statistics", "app"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value[1], serde_json::json!({"rule": "hardcoded-bucket", "severity": "error", "count": 1, "fixable": 1}));

    let typo = run_in(tmp.path(), &["check", "--select", "hardcoded-buckets", "app"]);
    assert_eq!(code(&typo), 2);
    assert!(
        stderr(&typo).starts_with("error: invalid value 'hardcoded-buckets' for '--select <RULE>': unknown rule `hardcoded-buckets` (did you mean `hardcoded-bucket`?)"),
        "{}",
        stderr(&typo)
    );
    let rules = run_in(tmp.path(), &["rules", "boto3-clint"]);
    assert_eq!(
        (code(&rules), stderr(&rules)),
        (2, "error: unknown rule `boto3-clint` (did you mean `boto3-client`?); `s3-to-supabase rules` lists them\n".to_owned())
    );
}

#[test]
fn suppressions_next_line_no_spaces_unknown_ids_and_unused_ones() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("s.py"),
        "from utils import s3_utils\n\
         BUCKET_A = 'anantra-lms-store'  #s3-to-supabase:ignore\n\
         # s3-to-supabase: ignore-next-line[hardcoded-bucket]\n\
         BUCKET_B = 'anantra-lms-store'\n\
         BUCKET_C = 'anantra-lms-store'  # s3-to-supabase: ignore[hardcoded-buckets]\n\
         D = 1  # s3-to-supabase: ignore[hardcoded-bucket]\n",
    )
    .unwrap();
    let output = run_in(tmp.path(), &["check", "--color", "never", "s.py"]);
    assert_eq!(code(&output), 1);
    assert_eq!(
        stdout(&output),
        "s.py:5:12: error[hardcoded-bucket] hardcoded bucket \"anantra-lms-store\" not rewritten: the storage module `utils.s3_utils` is not among the paths (see the note)\n\
         s.py:5:33: warning[invalid-suppression] suppression names an unknown rule `hardcoded-buckets` (did you mean `hardcoded-bucket`?); `s3-to-supabase rules` lists them\n\
         s.py:6:8: warning[unused-suppression] unused suppression: no hardcoded-bucket finding on line 6 to ignore; remove `hardcoded-bucket` from the comment\n"
    );
    // A rule turned off: its listed suppressions are not reported as unused (a bare
    // `ignore` that now suppresses nothing still is).
    let off = run_in(tmp.path(), &["check", "--color", "never", "--ignore", "hardcoded-bucket", "s.py"]);
    assert_eq!(
        stdout(&off),
        "s.py:2:33: warning[unused-suppression] unused suppression: no finding on line 2 to ignore; remove the comment\n\
         s.py:5:33: warning[invalid-suppression] suppression names an unknown rule `hardcoded-buckets` (did you mean `hardcoded-bucket`?); `s3-to-supabase rules` lists them\n"
    );
}

#[test]
fn a_translation_difference_is_suppressed_at_its_call_like_other_findings() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("utils")).unwrap();
    let storage = "import os\n\nimport boto3\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\ns3_client = boto3.client(\"s3\")\n\n\n\
         def save(key, data):\n    \
         s3_client.put_object(Bucket=SUPABASE_BUCKET_NAME, Key=key, Body=data, ContentType=\"text/plain\")  # s3-to-supabase: ignore[translation-difference]\n\n\n\
         def save_other(key, data):\n    \
         # s3-to-supabase: ignore-next-line[translation-difference]\n    \
         s3_client.put_object(Bucket=SUPABASE_BUCKET_NAME, Key=key, Body=data, ContentType=\"text/plain\")\n\n\n\
         def save_reported(key, data):\n    \
         s3_client.put_object(Bucket=SUPABASE_BUCKET_NAME, Key=key, Body=data, ContentType=\"text/plain\")\n";
    fs::write(tmp.path().join("utils/s3_utils.py"), storage).unwrap();
    // Only the unsuppressed call's difference is reported, and both comments are in use.
    let diff = run_in(tmp.path(), &["diff", "--color", "never", "utils"]);
    assert_eq!(code(&diff), 0);
    assert_eq!(
        stderr(&diff),
        "utils/s3_utils.py:36:5: warning[translation-difference] translated with the other S3 calls of `save_reported`, one difference remains: no CacheControl was given: Supabase stores `max-age=3600` (storage3's default) where S3 stored none\n\
         1 file scanned: 1 would change, 0 unchanged, 0 skipped, 0 failed; 0 errors, 0 warnings left; 1 translation difference to review\n"
    );
    assert!(stdout(&diff).contains("\n+    storage.from_(SUPABASE_BUCKET_NAME).upload(key, _upload_body(data), {\"content-type\": \"text/plain\", \"upsert\": \"true\"})  # s3-to-supabase: ignore[translation-difference]\n"));
    // `check` makes no such finding (the translation is not made yet): the comments are not
    // reported as unused there. With a CacheControl given, `save_other` keeps no
    // difference: its comment is unused (at its line in the output `diff` shows).
    let check = run_in(tmp.path(), &["check", "--color", "never", "utils"]);
    assert_eq!(code(&check), 1);
    assert!(!stdout(&check).contains("suppression"), "{}", stdout(&check));
    fs::write(tmp.path().join("utils/s3_utils.py"), storage.replace("ContentType=\"text/plain\")\n", "ContentType=\"text/plain\", CacheControl=\"max-age=60\")\n")).unwrap();
    let diff = run_in(tmp.path(), &["diff", "--color", "never", "utils"]);
    assert_eq!(
        stderr(&diff),
        "utils/s3_utils.py:31:5: warning[unused-suppression] unused suppression: no translation-difference finding on line 32 to ignore; remove `translation-difference` from the comment\n\
         1 file scanned: 1 would change, 0 unchanged, 0 skipped, 0 failed; 0 errors, 1 warning left\n"
    );
}

#[test]
fn sarif_fix_offsets_count_the_bytes_of_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let bom: &[u8] = b"\xef\xbb\xbffrom utils import s3_utils\nBUCKET = 'anantra-lms-store'\n";
    let latin1: &[u8] = b"# -*- coding: latin-1 -*-\nfrom utils import s3_utils\nN = '\xe9\xe9'\nBUCKET = 'anantra-lms-store'\n";
    fs::write(tmp.path().join("bom.py"), bom).unwrap();
    fs::write(tmp.path().join("latin1.py"), latin1).unwrap();
    // The storage module among the paths: the rewrites refer to it.
    fs::create_dir_all(tmp.path().join("utils")).unwrap();
    fs::write(tmp.path().join("utils/s3_utils.py"), "import os\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n").unwrap();
    let output = run_in(tmp.path(), &["--format", "sarif", "check", "bom.py", "latin1.py", "utils/s3_utils.py"]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let run = &sarif["runs"][0];
    // SARIF wants absolute URIs there, and the project has no address: the help is the text.
    assert_eq!(run["tool"]["driver"].get("informationUri"), None);
    assert_eq!(run["tool"]["driver"]["rules"][0].get("helpUri"), None);
    assert_eq!(run["tool"]["driver"]["rules"][0]["help"]["text"], s3_to_supabase::rule::RuleId::HardcodedBucket.docs());
    for (index, (bytes, name)) in [(bom, "bom.py"), (latin1, "latin1.py")].into_iter().enumerate() {
        let result = &run["results"][index];
        assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], name);
        let region = &result["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"];
        let offset = region["byteOffset"].as_u64().unwrap() as usize;
        let length = region["byteLength"].as_u64().unwrap() as usize;
        assert_eq!(&bytes[offset..offset + length], b"'anantra-lms-store'", "{name}: {region}");
    }
}

#[test]
fn rules_as_json_for_tools() {
    let output = run_in(&repo(), &["rules", "--format", "json"]);
    assert_eq!(code(&output), 0);
    let rules: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let list = rules.as_array().unwrap();
    let text = stdout(&run_in(&repo(), &["rules"]));
    assert_eq!(list.len(), text.lines().count() - 1, "one entry per rule the text lists");
    assert_eq!(list[0]["id"], "hardcoded-bucket");
    assert_eq!(list[0]["severity"], "error");
    assert_eq!(list[0]["fix"], "sometimes");
    assert_eq!(list[0]["summary"], "A string literal holding a configured bucket name, used as a bucket.");
    assert!(list[0]["docs"].as_str().unwrap().contains("## Fix safety"));
    let one = run_in(&repo(), &["--format", "json", "rules", "unused-suppression"]);
    let one: serde_json::Value = serde_json::from_str(&stdout(&one)).unwrap();
    assert_eq!((one.as_array().unwrap().len(), &one[0]["severity"], &one[0]["fix"]), (1, &serde_json::json!("warning"), &serde_json::json!("never")));
}

#[test]
fn extend_exclude_and_force_exclude_as_ruff_has_them() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("app/vendor")).unwrap();
    fs::write(tmp.path().join("app/a.py"), "BUCKET = \"anantra-lms-store\"\n").unwrap();
    fs::write(tmp.path().join("app/vendor/v.py"), "BUCKET = \"anantra-lms-store\"\n").unwrap();
    let finding = |path: &str| {
        format!("{path}:1:10: error[hardcoded-bucket] hardcoded bucket \"anantra-lms-store\" not rewritten: the storage module `utils.s3_utils` is not among the paths (see the note)\n")
    };
    let check = |args: &[&str]| {
        let output = run_in(tmp.path(), &[&["check", "-q"], args].concat());
        (code(&output), stdout(&output))
    };
    assert_eq!(check(&["app"]), (1, finding("app/a.py") + &finding("app/vendor/v.py")));
    // A walk leaves the matching files alone...
    assert_eq!(check(&["--extend-exclude", "app/vendor/**", "app"]), (1, finding("app/a.py")));
    // ... a path named on the command line is processed all the same ...
    assert_eq!(check(&["--extend-exclude", "app/vendor/**", "app/vendor/v.py"]), (1, finding("app/vendor/v.py")));
    // ... unless --force-exclude holds the excludes against it too (a deliberate skip: exit 0).
    let forced = run_in(tmp.path(), &["check", "--force-exclude", "--extend-exclude", "app/vendor/**", "app/vendor/v.py"]);
    assert_eq!((code(&forced), stdout(&forced)), (0, String::new()));
    assert_eq!(
        stderr(&forced),
        "app/vendor/v.py: skipped: matches an exclude pattern\n0 files checked: no errors or warnings; 1 skipped, 0 failed\n"
    );
    // The configuration's files.exclude behaves the same.
    fs::write(tmp.path().join(".s3-to-supabase.toml"), "[files]\nexclude = [\"app/vendor/**\"]\n").unwrap();
    assert_eq!(check(&["app"]), (1, finding("app/a.py")));
    assert_eq!(check(&["app/vendor/v.py"]), (1, finding("app/vendor/v.py")));
    assert_eq!(check(&["--force-exclude", "app/vendor/v.py"]), (0, String::new()));
    // From stdin an excluded --stdin-filename passes through unchanged under --force-exclude.
    let source = b"BUCKET = \"anantra-lms-store\"\n";
    let piped = |extra: &[&str]| {
        let mut child = Command::new(BIN)
            .args([&["apply", "-q", "-", "--stdin-filename", "app/vendor/v.py"], extra].concat())
            .current_dir(tmp.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), source).unwrap();
        let output = child.wait_with_output().unwrap();
        (code(&output), String::from_utf8(output.stdout).unwrap())
    };
    assert_eq!(piped(&["--force-exclude"]), (0, String::from_utf8(source.to_vec()).unwrap()));
    // Without it the file is checked: its finding fails the run (from stdin there is no
    // storage module for a rewrite to refer to, so the text stays).
    assert_eq!(piped(&[]), (1, String::from_utf8(source.to_vec()).unwrap()), "without it the file is checked");
    // A glob that does not parse is a usage error.
    let bad = run_in(tmp.path(), &["check", "--extend-exclude", "a[", "app"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).starts_with("error: invalid value 'a[' for '--extend-exclude <GLOB>': error parsing glob 'a[': unclosed character class"), "{}", stderr(&bad));
}

#[test]
fn completions_complete_commands_options_and_values() {
    // bash, as a user's shell runs it: the script's completion function on typed words.
    let script = r#"
source <("$BIN" completions bash)
complete_words() {
  COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()
  _s3__to__supabase s3-to-supabase "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  printf '%s\n' "${COMPREPLY[*]}"
}
complete_words s3-to-supabase ch
complete_words s3-to-supabase check --for
complete_words s3-to-supabase check --format ''
complete_words s3-to-supabase completions ''
"#;
    let output = Command::new("bash").args(["-c", script]).env("BIN", BIN).output().expect("bash runs the completion script");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(
        stdout(&output),
        "check\n--force-exclude --format\ntext json jsonl github gitlab sarif junit\n-o -q -h --config --format --output-file --color --quiet --help bash elvish fish powershell zsh\n"
    );
    // zsh and fish: their scripts register the same command line.
    let zsh = stdout(&run_in(&repo(), &["completions", "zsh"]));
    assert!(zsh.starts_with("#compdef s3-to-supabase\n"), "{zsh}");
    assert!(zsh.contains("'--format=[How to print findings]:FORMAT:((text"), "{zsh}");
    let fish = stdout(&run_in(&repo(), &["completions", "fish"]));
    assert!(fish.contains("complete -c s3-to-supabase -n \"__fish_s3_to_supabase_needs_command\" -f -a \"check\""), "{fish}");
    assert!(fish.contains("complete -c s3-to-supabase -n \"__fish_s3_to_supabase_using_subcommand check\" -l format"), "{fish}");
    let unknown = run_in(&repo(), &["completions", "tcsh"]);
    assert_eq!(code(&unknown), 2);
    assert!(stderr(&unknown).starts_with("error: invalid value 'tcsh' for '<SHELL>'\n  [possible values: bash, elvish, fish, powershell, zsh]\n"));
}

#[test]
fn apply_fix_only_writes_the_fixes_and_prints_no_findings() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("app")).unwrap();
    fs::create_dir_all(tmp.path().join("utils")).unwrap();
    fs::write(tmp.path().join("utils/s3_utils.py"), "import os\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n").unwrap();
    // The second bucket literal keeps a comment between its parts: its fix is display-only.
    let source = "BUCKET = \"anantra-lms-store\"\nOLD_BUCKET = (\"anantra\"  # part a\n    \"-lms-store\")\n";
    fs::write(tmp.path().join("app/a.py"), source).unwrap();
    let rewritten = "from utils import s3_utils\nBUCKET = s3_utils.SUPABASE_BUCKET_NAME\nOLD_BUCKET = (\"anantra\"  # part a\n    \"-lms-store\")\n";
    let summary = "2 files scanned: 1 changed, 1 unchanged, 0 skipped, 0 failed; 1 error, 0 warnings left\n";
    // Plain apply: the finding left is printed and fails the run.
    let plain = run_in(tmp.path(), &["apply", "app", "utils"]);
    let left = "app/a.py:3:15: error[hardcoded-bucket] hardcoded bucket \"anantra-lms-store\" (held by a name for a bucket); the rewrite to `s3_utils.SUPABASE_BUCKET_NAME` would drop the comments between its parts, so it is shown, never applied: rewrite by hand\n";
    assert_eq!((code(&plain), stdout(&plain)), (1, left.to_owned()));
    assert_eq!(stderr(&plain), summary);
    assert_eq!(fs::read_to_string(tmp.path().join("app/a.py")).unwrap(), rewritten);
    // --fix-only: the same rewrite, no finding printed (the summary still counts it), exit 0.
    fs::write(tmp.path().join("app/a.py"), source).unwrap();
    let fix_only = run_in(tmp.path(), &["apply", "--fix-only", "app", "utils"]);
    assert_eq!((code(&fix_only), stdout(&fix_only)), (0, String::new()));
    assert_eq!(stderr(&fix_only), summary);
    assert_eq!(fs::read_to_string(tmp.path().join("app/a.py")).unwrap(), rewritten);
    // A file that cannot be parsed is still reported, and still exits 2.
    fs::write(tmp.path().join("app/bad.py"), "x = (\"anantra-lms-store\"\n").unwrap();
    let failed = run_in(tmp.path(), &["apply", "--fix-only", "--format", "json", "app"]);
    assert_eq!(code(&failed), 2);
    let json: serde_json::Value = serde_json::from_str(&stdout(&failed)).unwrap();
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["failures"][0]["path"], "app/bad.py");
}

#[test]
fn apply_counts_what_is_left_as_a_second_apply_finds_it() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("utils")).unwrap();
    // One call translated with a difference kept (no CacheControl), one held back (ACL).
    let original = "import boto3\n\nS3_BUCKET_NAME = \"anantra-lms-store\"\ns3_client = boto3.client(\"s3\")\n\n\ndef save(key, data):\n    s3_client.put_object(Bucket=S3_BUCKET_NAME, Key=key, Body=data, ContentType=\"text/plain\")\n\n\ndef share(key, data):\n    s3_client.put_object(Bucket=S3_BUCKET_NAME, Key=key, Body=data, ACL=\"public-read\")\n";
    fs::write(tmp.path().join("utils/s3_utils.py"), original).unwrap();
    let first = run_in(tmp.path(), &["apply", "--color", "never", "."]);
    assert_eq!(code(&first), 1, "{}", stderr(&first));
    assert!(stdout(&first).contains("utils/s3_utils.py:29:5: warning[translation-difference] translated with the other S3 calls of `save`"), "{}", stdout(&first));
    let left = "1 file scanned: 0 changed, 1 unchanged, 0 skipped, 0 failed; 3 errors, 0 warnings left\n";
    assert_eq!(stderr(&first), "1 file scanned: 1 changed, 0 unchanged, 0 skipped, 0 failed; 3 errors, 0 warnings left; 1 translation difference to review\n");
    let second = run_in(tmp.path(), &["apply", "--color", "never", "."]);
    assert_eq!((code(&second), stderr(&second).as_str()), (1, left));
    // The findings left are the same, the difference aside.
    let without_difference: String = stdout(&first).lines().filter(|line| !line.contains("[translation-difference]")).map(|line| format!("{line}\n")).collect();
    assert_eq!(stdout(&second), without_difference);
    // A difference made an error is one: it counts among the errors.
    let strict = tempfile::tempdir().unwrap();
    fs::create_dir(strict.path().join("utils")).unwrap();
    fs::write(strict.path().join("utils/s3_utils.py"), original).unwrap();
    fs::write(strict.path().join("s3-to-supabase.toml"), "[rules]\ntranslation-difference = \"error\"\n").unwrap();
    let diff = run_in(strict.path(), &["diff", "--color", "never", "."]);
    assert!(stderr(&diff).contains("utils/s3_utils.py:29:5: error[translation-difference] translated with the other S3 calls of `save`"), "{}", stderr(&diff));
    assert!(stderr(&diff).ends_with("1 file scanned: 1 would change, 0 unchanged, 0 skipped, 0 failed; 4 errors, 0 warnings left\n"), "{}", stderr(&diff));
}

#[test]
fn unsafe_fixes_are_written_only_with_unsafe_fixes() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("utils")).unwrap();
    fs::write(
        tmp.path().join("utils/s3_utils.py"),
        "import os\n\nfrom supabase import create_client\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\nsupabase = create_client(os.environ[\"SUPABASE_URL\"], os.environ[\"SUPABASE_SERVICE_ROLE_KEY\"])\nstorage = supabase.storage\n",
    )
    .unwrap();
    let old = "import boto3\n\nfrom utils import s3_utils\n\ns3_client = boto3.client(\"s3\")\n\n\ndef load(key):\n    return s3_client.get_object(Bucket=s3_utils.SUPABASE_BUCKET_NAME, Key=key)[\"Body\"].read()\n";
    let c = tmp.path().join("c.py");
    fs::write(&c, old).unwrap();
    // Safe fixes only: the call is translated; the client's removal (unsafe: another module
    // may import it) stays a finding.
    let safe = run_in(tmp.path(), &["apply", "--color", "never", "."]);
    assert_eq!(code(&safe), 1, "{}", stderr(&safe));
    let translated = "import boto3\n\nfrom utils import s3_utils\n\ns3_client = boto3.client(\"s3\")\n\n\ndef load(key):\n    return s3_utils.storage.from_(s3_utils.SUPABASE_BUCKET_NAME).download(key)\n";
    assert_eq!(fs::read_to_string(&c).unwrap(), translated);
    assert!(stdout(&safe).contains("c.py:5:1: error[boto3-client] boto3 S3 client `s3_client` has no use left here, but other modules may reach it: unsafe fix (removes it; applied with --unsafe-fixes)"), "{}", stdout(&safe));
    // diff --unsafe-fixes shows what apply --unsafe-fixes then writes.
    let diff = run_in(tmp.path(), &["diff", "--unsafe-fixes", "--color", "never", "c.py", "utils/s3_utils.py"]);
    assert_eq!(stdout(&diff), "--- a/c.py\n+++ b/c.py\n@@ -1,8 +1,4 @@\n-import boto3\n-\n from utils import s3_utils\n-\n-s3_client = boto3.client(\"s3\")\n \n \n def load(key):\n");
    let unsafe_run = run_in(tmp.path(), &["apply", "--unsafe-fixes", "--color", "never", "."]);
    assert_eq!(code(&unsafe_run), 0, "{}", stderr(&unsafe_run));
    assert_eq!(stdout(&unsafe_run), "");
    assert_eq!(fs::read_to_string(&c).unwrap(), "from utils import s3_utils\n\n\ndef load(key):\n    return s3_utils.storage.from_(s3_utils.SUPABASE_BUCKET_NAME).download(key)\n");
    let again = run_in(tmp.path(), &["apply", "--unsafe-fixes", "."]);
    assert_eq!((code(&again), stdout(&again)), (0, String::new()));
}

/// A legacy constant imported by member (`from utils.s3_utils import S3_BUCKET_NAME`)
/// that another file imports from this one keeps its name here: renamed, that import
/// would fail. An aliased one is renamed in its import alone (its local name stays).
#[test]
fn a_legacy_member_another_file_imports_from_this_one_keeps_its_name() {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["utils", "routes"] {
        fs::create_dir(tmp.path().join(dir)).unwrap();
        fs::write(tmp.path().join(dir).join("__init__.py"), "").unwrap();
    }
    let files = [
        ("utils/s3_utils.py", "import os\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\nS3_BUCKET_NAME = \"anantra-lms-store\"\n"),
        ("routes/where.py", "from utils.s3_utils import S3_BUCKET_NAME\n\n\ndef where():\n    return S3_BUCKET_NAME\n"),
        ("routes/names.py", "from routes.where import S3_BUCKET_NAME\n\nprint(S3_BUCKET_NAME)\n"),
        ("routes/aliased.py", "from utils.s3_utils import S3_BUCKET_NAME as BUCKET\n\nprint(BUCKET)\n"),
    ];
    for (name, text) in files {
        fs::write(tmp.path().join(name), text).unwrap();
    }
    let check = run_in(tmp.path(), &["check", "--color", "never", "routes", "utils"]);
    assert_eq!(code(&check), 1, "{}", stderr(&check));
    assert_eq!(
        stdout(&check),
        "routes/aliased.py:1:28: error[bucket-constant] legacy constant `S3_BUCKET_NAME`; use `SUPABASE_BUCKET_NAME`\n\
         routes/where.py:1:28: error[bucket-constant] legacy constant `S3_BUCKET_NAME` imported from the storage module; use `SUPABASE_BUCKET_NAME`: not renamed: routes/names.py imports `S3_BUCKET_NAME` from this file (line 1); import it from the storage module there, then rerun\n\
         utils/s3_utils.py:4:1: error[bucket-constant] legacy `S3_BUCKET_NAME`: define `SUPABASE_BUCKET_NAME` from the environment and keep `S3_BUCKET_NAME` as its alias\n"
    );
    let apply = run_in(tmp.path(), &["apply", "--color", "never", "routes", "utils"]);
    assert_eq!(code(&apply), 1, "{}", stderr(&apply));
    assert_eq!(fs::read_to_string(tmp.path().join("routes/aliased.py")).unwrap(), "from utils.s3_utils import SUPABASE_BUCKET_NAME as BUCKET\n\nprint(BUCKET)\n");
    for (name, text) in &files[1..3] {
        assert_eq!(&fs::read_to_string(tmp.path().join(name)).unwrap(), text, "{name} changed");
    }
    let again = run_in(tmp.path(), &["apply", "routes", "utils"]);
    assert!(stderr(&again).contains(": 0 changed,"), "{}", stderr(&again));
}

/// A boto3 name another file imports from this one is a re-export: its import stays
/// (removing it would break that file), while an unused one nobody imports goes.
#[test]
fn a_boto3_import_another_file_imports_from_this_one_stays() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("app")).unwrap();
    fs::write(tmp.path().join("app/__init__.py"), "").unwrap();
    let aws = "from boto3.s3.transfer import TransferConfig  # noqa: F401\nfrom boto3.s3.transfer import S3Transfer  # noqa: F401\n";
    let jobs = "import boto3\nfrom app.aws import TransferConfig\n\nCONFIG = TransferConfig(multipart_threshold=8 * 1024 * 1024)\nsession = boto3.session.Session()\n";
    fs::write(tmp.path().join("app/aws.py"), aws).unwrap();
    fs::write(tmp.path().join("app/jobs.py"), jobs).unwrap();
    let check = run_in(tmp.path(), &["check", "--color", "never", "app"]);
    assert_eq!(code(&check), 1, "{}", stderr(&check));
    assert_eq!(
        stdout(&check),
        "app/aws.py:1:31: error[boto3-import] `TransferConfig` has no use left here, but app/jobs.py imports it from this file (line 2); import it from its own module there, then rerun to remove it\n\
         app/aws.py:2:31: error[boto3-import] `S3Transfer` is no longer used; remove the import\n"
    );
    let apply = run_in(tmp.path(), &["apply", "--color", "never", "app"]);
    assert_eq!(code(&apply), 1, "{}", stderr(&apply));
    assert_eq!(fs::read_to_string(tmp.path().join("app/aws.py")).unwrap(), "from boto3.s3.transfer import TransferConfig  # noqa: F401\n");
    assert_eq!(fs::read_to_string(tmp.path().join("app/jobs.py")).unwrap(), jobs);
    let again = run_in(tmp.path(), &["apply", "app"]);
    assert!(stderr(&again).contains(": 0 changed,"), "{}", stderr(&again));
}

/// An unused botocore exception another file imports from this one stays too.
#[test]
fn a_botocore_exception_another_file_imports_from_this_one_stays() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("app")).unwrap();
    fs::write(tmp.path().join("app/__init__.py"), "").unwrap();
    let errs = "from botocore.exceptions import ClientError, NoCredentialsError  # noqa: F401\n";
    let jobs = "import boto3\nfrom app.errs import ClientError\n\nsession = boto3.session.Session()\n";
    fs::write(tmp.path().join("app/errs.py"), errs).unwrap();
    fs::write(tmp.path().join("app/jobs.py"), jobs).unwrap();
    let check = run_in(tmp.path(), &["check", "--color", "never", "app/errs.py", "app/jobs.py"]);
    assert_eq!(code(&check), 1, "{}", stderr(&check));
    assert_eq!(
        stdout(&check),
        "app/errs.py:1:1: error[client-error] botocore exception `NoCredentialsError` is imported but no longer used (its handlers now catch Supabase's errors); remove the import\n\
         app/errs.py:1:33: error[client-error] botocore exception `ClientError` has no use left here, but app/jobs.py imports it from this file (line 2); import it from botocore.exceptions there, then rerun to remove it\n"
    );
    let apply = run_in(tmp.path(), &["apply", "--color", "never", "app/errs.py", "app/jobs.py"]);
    assert_eq!(code(&apply), 1, "{}", stderr(&apply));
    assert_eq!(fs::read_to_string(tmp.path().join("app/errs.py")).unwrap(), "from botocore.exceptions import ClientError  # noqa: F401\n");
    assert_eq!(fs::read_to_string(tmp.path().join("app/jobs.py")).unwrap(), jobs);
    let again = run_in(tmp.path(), &["apply", "app/errs.py", "app/jobs.py"]);
    assert!(stderr(&again).contains(": 0 changed,"), "{}", stderr(&again));
}

/// A literal passed to another file's bucket function is a bucket however the run is
/// ordered: with the import style configured, no file waits for it to be counted, and the
/// first pass knew nothing of `app/blobs.py`'s `fetch(bucket, key)` (it reported a
/// `bucket-needs-review` warning, and a second run an error).
#[test]
fn a_bucket_passed_to_another_files_bucket_function_is_one_on_the_first_pass() {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["app", "utils"] {
        fs::create_dir(tmp.path().join(dir)).unwrap();
        fs::write(tmp.path().join(dir).join("__init__.py"), "").unwrap();
    }
    fs::write(tmp.path().join("s3-to-supabase.toml"), "[storage]\nimport_style = \"from-package\"\n").unwrap();
    let storage = "import boto3\n\nS3_BUCKET_NAME = \"anantra-lms-store\"\ns3_client = boto3.client(\"s3\")\n\n\ndef read_text(key):\n    return s3_client.get_object(Bucket=S3_BUCKET_NAME, Key=key)[\"Body\"].read().decode(\"utf-8\")\n";
    fs::write(tmp.path().join("utils/s3_utils.py"), storage).unwrap();
    fs::write(tmp.path().join("app/blobs.py"), "import boto3\n\ns3 = boto3.client(\"s3\")\n\n\ndef fetch(bucket, key):\n    return s3.get_object(Bucket=bucket, Key=key)[\"Body\"].read()\n").unwrap();
    fs::write(tmp.path().join("app/report.py"), "from app import blobs\n\n\ndef logo():\n    return blobs.fetch(\"anantra-lms-store\", \"static/logo.png\")\n").unwrap();
    let check = run_in(tmp.path(), &["check", "--color", "never", "."]);
    assert_eq!(code(&check), 1, "{}", stderr(&check));
    let report: Vec<String> = stdout(&check).lines().filter(|line| line.starts_with("app/report.py")).map(str::to_owned).collect();
    assert_eq!(report, ["app/report.py:5:24: error[hardcoded-bucket] hardcoded bucket \"anantra-lms-store\"; use `s3_utils.SUPABASE_BUCKET_NAME`"]);
    let apply = run_in(tmp.path(), &["apply", "--color", "never", "."]);
    assert_eq!(code(&apply), 1, "{}", stderr(&apply));
    assert_eq!(
        fs::read_to_string(tmp.path().join("app/report.py")).unwrap(),
        "from app import blobs\nfrom utils import s3_utils\n\n\ndef logo():\n    return blobs.fetch(s3_utils.SUPABASE_BUCKET_NAME, \"static/logo.png\")\n"
    );
    let left = "2 errors, 0 warnings left";
    assert!(stderr(&apply).ends_with(&format!("3 changed, 2 unchanged, 0 skipped, 0 failed; {left}\n")), "{}", stderr(&apply));
    let again = run_in(tmp.path(), &["apply", "--color", "never", "."]);
    assert_eq!(stderr(&again), format!("5 files scanned: 0 changed, 5 unchanged, 0 skipped, 0 failed; {left}\n"));
}

/// A file that names nothing the prefilter looks for is still read for its imports when
/// another file asks who imports its names: the safe fix removed these two imports, and
/// `app/jobs.py` failed with an ImportError (with `--no-prefilter` they stayed).
#[test]
fn an_importer_the_prefilter_passes_over_keeps_what_it_imports() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("app")).unwrap();
    fs::write(tmp.path().join("app/__init__.py"), "").unwrap();
    let aws = "from boto3.s3.transfer import TransferConfig  # noqa: F401\nfrom botocore.exceptions import NoCredentialsError  # noqa: F401\n";
    let jobs = "from app.aws import NoCredentialsError, TransferConfig\n\nCONFIG = TransferConfig(multipart_threshold=8 * 1024 * 1024)\nFAILURES = (NoCredentialsError,)\n";
    fs::write(tmp.path().join("app/aws.py"), aws).unwrap();
    fs::write(tmp.path().join("app/jobs.py"), jobs).unwrap();
    let expected = "app/aws.py:1:31: error[boto3-import] `TransferConfig` has no use left here, but app/jobs.py imports it from this file (line 1); import it from its own module there, then rerun to remove it\n\
                    app/aws.py:2:33: error[client-error] botocore exception `NoCredentialsError` has no use left here, but app/jobs.py imports it from this file (line 1); import it from botocore.exceptions there, then rerun to remove it\n";
    for prefilter in [&[][..], &["--no-prefilter"][..]] {
        let check = run_in(tmp.path(), &[&["check", "--color", "never"][..], prefilter, &["app"][..]].concat());
        assert_eq!((code(&check), stdout(&check).as_str()), (1, expected), "{prefilter:?}: {}", stderr(&check));
    }
    let apply = run_in(tmp.path(), &["apply", "--color", "never", "app"]);
    assert_eq!(code(&apply), 1, "{}", stderr(&apply));
    assert_eq!(fs::read_to_string(tmp.path().join("app/aws.py")).unwrap(), aws);
    assert_eq!(fs::read_to_string(tmp.path().join("app/jobs.py")).unwrap(), jobs);
}

/// A bucket left out of `buckets.names` stays on S3: a call on it is not translated and
/// holds its function back (byte-identical, the finding names the bucket), while a
/// function calling only the listed bucket is translated; a function calling both keeps
/// its calls on boto3 and its listed literal too (the constant names the Supabase bucket,
/// not the S3 one those calls still reach).
#[test]
fn a_call_on_an_unlisted_bucket_holds_its_function_back() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("app/utils")).unwrap();
    fs::write(tmp.path().join("rules.toml"), "[buckets]\nnames = [\"app-store\"]\n").unwrap();
    let source = "import boto3\n\ns3_client = boto3.client(\"s3\")\n\n\n\
        def save_report(key):\n    s3_client.put_object(Bucket=\"app-store\", Key=key, Body=b\"report\")\n\n\n\
        def save_log(key):\n    s3_client.put_object(Bucket=\"app-logs\", Key=key, Body=b\"log\")\n\n\n\
        def save_both(key):\n    s3_client.put_object(Bucket=\"app-store\", Key=key, Body=b\"report\")\n    s3_client.put_object(Bucket=\"app-logs\", Key=key, Body=b\"log\")\n";
    fs::write(tmp.path().join("app/utils/s3_utils.py"), source).unwrap();
    let output = run_in(tmp.path(), &["diff", "--color", "never", "app"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "--- a/app/utils/s3_utils.py\n+++ b/app/utils/s3_utils.py\n@@ -1,10 +1,17 @@\n import boto3\n+import os\n+from supabase import Client, create_client\n\
         +SUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"app-store\")\n \n s3_client = boto3.client(\"s3\")\n\
         +SUPABASE_URL = os.getenv(\"SUPABASE_URL\")\n+SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")\n\
         +supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)\n+storage = supabase.storage\n \n \n def save_report(key):\n\
         -    s3_client.put_object(Bucket=\"app-store\", Key=key, Body=b\"report\")\n\
         +    storage.from_(SUPABASE_BUCKET_NAME).upload(key, b\"report\", {\"content-type\": \"binary/octet-stream\", \"upsert\": \"true\"})\n \n \n def save_log(key):\n"
    );
    let unlisted = "the bucket \"app-logs\" is not in buckets.names, so it stays on S3; add it to buckets.names (with its own constant in [buckets.constants]) if it moves to Supabase";
    assert_eq!(
        stderr(&output),
        format!(
            "app/utils/s3_utils.py:1:8: error[boto3-import] `boto3` is still used on line 6; migrate those uses, then rerun to remove the import\n\
             app/utils/s3_utils.py:6:1: error[boto3-client] boto3 S3 client `s3_client` is still used on lines 18, 22, 23; the Supabase client is set up beside it; translate those uses (boto3-call), then rerun to remove it\n\
             app/utils/s3_utils.py:14:5: warning[translation-difference] translated with the other S3 calls of `save_report`, one difference remains: no CacheControl was given: Supabase stores `max-age=3600` (storage3's default) where S3 stored none\n\
             app/utils/s3_utils.py:18:5: error[boto3-call] not translated (`save_log` changes as one unit): {unlisted}\n\
             app/utils/s3_utils.py:18:33: warning[unlisted-bucket] unlisted bucket literal \"app-logs\" as `Bucket=`; add it to buckets.names if it moves to Supabase too\n\
             app/utils/s3_utils.py:22:5: error[boto3-call] `s3_client.put_object(...)` is held back with the rest of `save_both` by line 23; resolve that finding, then rerun\n\
             app/utils/s3_utils.py:22:33: error[hardcoded-bucket] hardcoded bucket \"app-store\" left as written: `save_both` stays on S3 this run (line 23 holds it back), and its S3 calls keep their S3 bucket; it becomes `SUPABASE_BUCKET_NAME` with their translation\n\
             app/utils/s3_utils.py:23:5: error[boto3-call] not translated (`save_both` changes as one unit): {unlisted}\n\
             app/utils/s3_utils.py:23:33: warning[unlisted-bucket] unlisted bucket literal \"app-logs\" as `Bucket=`; add it to buckets.names if it moves to Supabase too\n\
             1 file scanned: 1 would change, 0 unchanged, 0 skipped, 0 failed; 6 errors, 2 warnings left; 1 translation difference to review\n"
        )
    );
    // `check` sees the same calls held back and fails on them.
    let check = run_in(tmp.path(), &["check", "--color", "never", "app"]);
    assert_eq!(code(&check), 1);
    assert!(stdout(&check).contains(&format!("app/utils/s3_utils.py:11:5: error[boto3-call] not translated (`save_log` changes as one unit): {unlisted}\n")), "{}", stdout(&check));
}

/// `r["Contents"]` raised KeyError on an empty S3 listing (S3 leaves the key out); the
/// translated listing is an empty list there. Where nothing catches the KeyError and the
/// code does not test `"Contents" in r` first, that difference is reported.
#[test]
fn an_uncaught_contents_subscript_is_a_translation_difference() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("app/utils")).unwrap();
    let listing = "s3_client.list_objects_v2(Bucket=bucket_name, Prefix=prefix, MaxKeys=10)";
    let source = format!(
        "import boto3\n\ns3_client = boto3.client(\"s3\")\n\n\n\
         def keys(bucket_name, prefix):\n    response = {listing}\n    return [obj[\"Key\"] for obj in response[\"Contents\"]]\n\n\n\
         def keys_or_none(bucket_name, prefix):\n    response = {listing}\n    if \"Contents\" not in response:\n        return None\n    return [obj[\"Key\"] for obj in response[\"Contents\"]]\n\n\n\
         def sizes(bucket_name, prefix):\n    return [obj[\"Size\"] for obj in {listing}[\"Contents\"]]\n"
    );
    fs::write(tmp.path().join("app/utils/s3_utils.py"), source).unwrap();
    let diff = run_in(tmp.path(), &["diff", "--color", "never", "app"]);
    assert_eq!(code(&diff), 0, "{}", stderr(&diff));
    let note = "one difference remains: the listing's `[\"Contents\"]` raised KeyError when nothing was listed (S3 then leaves \"Contents\" out) and nothing here catches it; the translated listing is empty there and the code goes on";
    assert_eq!(
        stderr(&diff),
        format!(
            "app/utils/s3_utils.py:52:16: warning[translation-difference] translated with the other S3 calls of `keys`, {note}\n\
             app/utils/s3_utils.py:64:36: warning[translation-difference] translated with the other S3 calls of `sizes`, {note}\n\
             1 file scanned: 1 would change, 0 unchanged, 0 skipped, 0 failed; 0 errors, 0 warnings left; 2 translation differences to review\n"
        )
    );
}

/// A test that passes a storage-module function a bucket that is nowhere, marked so with
/// `ignore[unlisted-bucket]`, does not hold the function back; its
/// `pytest.raises(S3UploadFailedError)` around that upload becomes the configured
/// exception, as an `except S3UploadFailedError` does.
#[test]
fn a_suppressed_unlisted_bucket_leaves_the_function_to_translate_and_pytest_raises_follows() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("app/utils")).unwrap();
    fs::create_dir_all(tmp.path().join("app/tests")).unwrap();
    fs::write(tmp.path().join("app/utils/s3_utils.py"), "import boto3\n\ns3_client = boto3.client(\"s3\")\n\n\ndef upload_local(bucket_name, path, key):\n    s3_client.upload_file(path, bucket_name, key)\n").unwrap();
    let test = "import pytest\nfrom boto3.exceptions import S3UploadFailedError\n\nfrom utils import s3_utils\n\n\n\
        def test_upload_to_a_missing_bucket_fails(tmp_path):\n    path = tmp_path / \"a.txt\"\n    path.write_text(\"x\")\n\
        \x20   with pytest.raises(S3UploadFailedError):\n        s3_utils.upload_local(\"no-such-bucket\", str(path), \"a.txt\")  # s3-to-supabase: ignore[unlisted-bucket]\n";
    fs::write(tmp.path().join("app/tests/test_upload.py"), test).unwrap();
    let apply = run_in(tmp.path(), &["apply", "--color", "never", "app"]);
    assert_eq!(code(&apply), 0, "{}", stderr(&apply));
    assert_eq!(
        stdout(&apply),
        "app/utils/s3_utils.py:12:5: warning[translation-difference] translated with the other S3 calls of `upload_local`, one difference remains: no CacheControl was given: Supabase stores `max-age=3600` (storage3's default) where S3 stored none\n"
    );
    assert_eq!(stderr(&apply), "2 files scanned: 2 changed, 0 unchanged, 0 skipped, 0 failed; 0 errors, 0 warnings left; 1 translation difference to review\n");
    let migrated = test
        .replace("from boto3.exceptions import S3UploadFailedError\n\nfrom utils import s3_utils\n", "\nfrom utils import s3_utils\nfrom storage3.exceptions import StorageApiError\n")
        .replace("pytest.raises(S3UploadFailedError)", "pytest.raises(StorageApiError)");
    assert_eq!(fs::read_to_string(tmp.path().join("app/tests/test_upload.py")).unwrap(), migrated);
    assert!(fs::read_to_string(tmp.path().join("app/utils/s3_utils.py")).unwrap().ends_with("    storage.from_(bucket_name).upload(key, path, {\"content-type\": \"binary/octet-stream\", \"upsert\": \"true\"})\n"));
}

/// `check` before the storage module has its Supabase client: a handler around a call
/// on a bucket left out of `buckets.names` is reported (that call stays on S3 after
/// `apply` too), while one around a call `apply` translates with the client is not.
/// Code elsewhere lists keys through the storage module's key lister; while that function
/// stays on S3 (a caller passes it an unlisted bucket), the listing and its `except
/// ClientError` stay too, and once it is translated they change together. The listing
/// through a function imported by name adds no `storage` import it does not use.
#[test]
fn a_listing_goes_through_the_key_lister_only_once_it_is_translated() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("app/utils")).unwrap();
    fs::write(tmp.path().join("rules.toml"), "[buckets]\nnames = [\"app-store\"]\n").unwrap();
    fs::write(tmp.path().join("app/__init__.py"), "").unwrap();
    fs::write(
        tmp.path().join("app/utils/s3_utils.py"),
        "import boto3\n\ns3_client = boto3.client(\"s3\")\n\n\ndef list_keys(bucket_name, prefix):\n    keys = []\n    kwargs = {\"Bucket\": bucket_name, \"Prefix\": prefix}\n    while True:\n        \
         response = s3_client.list_objects_v2(**kwargs)\n        for obj in response.get(\"Contents\", []):\n            keys.append(obj[\"Key\"])\n        \
         if not response.get(\"IsTruncated\"):\n            break\n        kwargs[\"ContinuationToken\"] = response[\"NextContinuationToken\"]\n    return keys\n",
    )
    .unwrap();
    let report = "import boto3\nfrom botocore.exceptions import ClientError\n\ns3 = boto3.client(\"s3\")\n\n\ndef names(prefix):\n    try:\n        \
        response = s3.list_objects_v2(Bucket=\"app-store\", Prefix=prefix)\n        return [obj[\"Key\"] for obj in response.get(\"Contents\", [])]\n    except ClientError:\n        return []\n";
    fs::write(tmp.path().join("app/report.py"), report).unwrap();
    fs::write(tmp.path().join("app/views.py"), "from utils.s3_utils import list_keys\n\n\ndef legacy(prefix):\n    return list_keys(\"legacy-notes\", prefix)\n").unwrap();
    let diff = run_in(tmp.path(), &["diff", "--color", "never", "app"]);
    assert_eq!(code(&diff), 0, "{}", stderr(&diff));
    // Placed in the text as the diff leaves it: unchanged.
    let report_findings: String = stderr(&diff).lines().filter(|line| line.starts_with("app/report.py")).map(|line| format!("{line}\n")).collect();
    assert_eq!(
        report_findings,
        "app/report.py:1:8: error[boto3-import] `boto3` is still used on line 4; migrate those uses, then rerun to remove the import\n\
         app/report.py:4:1: error[boto3-client] boto3 S3 client `s3` is still used on line 9; translate those uses (boto3-call), then rerun to remove it\n\
         app/report.py:9:20: error[boto3-call] not translated (`names` changes as one unit): outside the storage module a listing goes through its function that lists every key below a prefix, and `list_keys` keeps its boto3 calls after this run (the storage module's findings say why); rerun once it is translated\n\
         app/report.py:9:46: error[hardcoded-bucket] hardcoded bucket \"app-store\" left as written: `names` stays on S3 this run (line 9 holds it back), and its S3 calls keep their S3 bucket; it becomes `SUPABASE_BUCKET_NAME` with their translation\n\
         app/report.py:11:12: error[client-error] `except ClientError` catches boto3's errors from S3 calls still made with boto3: `s3.list_objects_v2(...)` (line 9); it stays as it is and changes in the same fix that translates them, once what line 9:20 reports is resolved\n"
    );
    let apply = run_in(tmp.path(), &["apply", "--color", "never", "app"]);
    assert_eq!(code(&apply), 1, "{}", stderr(&apply));
    assert_eq!(fs::read_to_string(tmp.path().join("app/report.py")).unwrap(), report);
    // The unlisted bucket turns out to be a test's that is nowhere: the lister is translated.
    fs::write(
        tmp.path().join("app/views.py"),
        "from utils.s3_utils import list_keys\n\n\ndef legacy(prefix):\n    return list_keys(\"legacy-notes\", prefix)  # s3-to-supabase: ignore[unlisted-bucket]\n",
    )
    .unwrap();
    let apply = run_in(tmp.path(), &["apply", "--color", "never", "app"]);
    assert!(stderr(&apply).ends_with("4 files scanned: 2 changed, 2 unchanged, 0 skipped, 0 failed; 2 errors, 0 warnings left; 2 translation differences to review\n"), "{}", stderr(&apply));
    assert_eq!(
        fs::read_to_string(tmp.path().join("app/report.py")).unwrap(),
        "import boto3\nfrom storage3.exceptions import StorageApiError\nfrom utils.s3_utils import list_keys, SUPABASE_BUCKET_NAME\n\ns3 = boto3.client(\"s3\")\n\n\ndef names(prefix):\n    try:\n        \
         response = list_keys(SUPABASE_BUCKET_NAME, prefix)\n        return [obj for obj in response]\n    except StorageApiError:\n        return []\n"
    );
    let again = run_in(tmp.path(), &["apply", "--color", "never", "app"]);
    assert!(stderr(&again).ends_with("4 files scanned: 0 changed, 4 unchanged, 0 skipped, 0 failed; 2 errors, 0 warnings left\n"), "{}", stderr(&again));
}

/// A bucket passed for a parameter that reaches a bucket argument is the bucket of that
/// argument: a call of the function here passing an unlisted one holds the S3 call (and
/// through another file's parameter, the storage function) on S3, and the literal is
/// reported where it is written; a listed one becomes the constant there.
#[test]
fn a_bucket_passed_through_a_parameter_is_followed_to_its_call() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("app/utils")).unwrap();
    fs::write(tmp.path().join("rules.toml"), "[buckets]\nnames = [\"app-store\"]\n").unwrap();
    fs::write(tmp.path().join("app/__init__.py"), "").unwrap();
    fs::write(tmp.path().join("app/utils/s3_utils.py"), STORAGE).unwrap();
    fs::write(tmp.path().join("app/views.py"), VIEWS).unwrap();
    fs::write(tmp.path().join("app/blobs.py"), BLOBS).unwrap();
    const STORAGE: &str = "import boto3\n\ns3_client = boto3.client(\"s3\")\n\n\ndef read_text(bucket_name, key):\n    return s3_client.get_object(Bucket=bucket_name, Key=key)[\"Body\"].read().decode()\n\n\ndef fetch(bucket, key):\n    return s3_client.get_object(Bucket=bucket, Key=key)[\"Body\"].read()\n\n\ndef archived(key):\n    return fetch(\"legacy-archive\", key)\n\n\ndef current(key):\n    return fetch(\"app-store\", key)\n";
    const VIEWS: &str = "from utils import s3_utils\n\n\ndef notes(bucket, key):\n    return s3_utils.read_text(bucket, key)\n\n\ndef legacy_note(key):\n    return notes(\"legacy-notes\", key)\n\n\ndef note(key):\n    return notes(\"app-store\", key)\n";
    const BLOBS: &str = "import boto3\n\ns3 = boto3.client(\"s3\")\n\n\ndef blob(bucket, key):\n    return s3.get_object(Bucket=bucket, Key=key)[\"Body\"].read()\n\n\ndef relay(bucket, key):\n    return blob(bucket, key)\n\n\ndef old_blob(key):\n    return relay(\"legacy-blobs\", key)\n\n\ndef probe(key):\n    return blob(\"no-such-bucket\", key)  # s3-to-supabase: ignore[unlisted-bucket]\n\n\ndef size(bucket, key):\n    return s3.head_object(Bucket=bucket, Key=key)[\"ContentLength\"]\n\n\ndef probe_size(key):\n    return size(\"no-such-bucket\", key)  # s3-to-supabase: ignore[unlisted-bucket]\n";
    let check = run_in(tmp.path(), &["check", "--color", "never", "app"]);
    assert_eq!(code(&check), 1, "{}", stderr(&check));
    assert_eq!(stdout(&check), "app/blobs.py:1:8: error[boto3-import] `boto3` is still used on line 3; migrate those uses, then rerun to remove the import\napp/blobs.py:3:1: error[boto3-client] boto3 S3 client `s3` is still used on lines 7, 23; translate those uses (boto3-call), then rerun to remove it\napp/blobs.py:7:12: error[boto3-call] not translated (`blob` changes as one unit): line 15 passes the bucket \"legacy-blobs\" to where this call takes its bucket, and it is not in buckets.names, so it stays on S3; add it to buckets.names (with its own constant in [buckets.constants]) if it moves to Supabase (a bucket that is nowhere, as a test's, takes `# s3-to-supabase: ignore[unlisted-bucket]` on that line)\napp/blobs.py:15:18: warning[unlisted-bucket] unlisted bucket literal \"legacy-blobs\" passed to `relay`, which takes it as a bucket; add it to buckets.names if it moves to Supabase too\napp/blobs.py:23:12: error[boto3-call] `s3.head_object(...)`: translated with the other S3 calls of `size` in one fix\napp/utils/s3_utils.py:1:1: error[bucket-constant] the storage module does not define `SUPABASE_BUCKET_NAME`\napp/utils/s3_utils.py:1:8: error[boto3-import] `boto3` is still used on line 3; migrate those uses, then rerun to remove the import\napp/utils/s3_utils.py:3:1: error[boto3-client] boto3 S3 client `s3_client` is still used on lines 7, 11; the Supabase client is set up beside it; translate those uses (boto3-call), then rerun to remove it\napp/utils/s3_utils.py:3:1: error[boto3-client] the storage module has no Supabase client; add `supabase` and `storage` beside the S3 client\napp/utils/s3_utils.py:7:12: error[boto3-call] not translated (`read_text` changes as one unit): app/views.py:9:18 passes `read_text` the bucket \"legacy-notes\", which is not in buckets.names, so the function stays on S3; add it to buckets.names (with its own constant in [buckets.constants]) if it moves to Supabase (a bucket that is nowhere, as a test's, takes `# s3-to-supabase: ignore[unlisted-bucket]` on that line)\napp/utils/s3_utils.py:11:12: error[boto3-call] not translated (`fetch` changes as one unit): line 15 passes `fetch` the bucket \"legacy-archive\", which is not in buckets.names, so the function stays on S3; add it to buckets.names (with its own constant in [buckets.constants]) if it moves to Supabase (a bucket that is nowhere, as a test's, takes `# s3-to-supabase: ignore[unlisted-bucket]` on that line)\napp/utils/s3_utils.py:15:18: warning[unlisted-bucket] unlisted bucket literal \"legacy-archive\" as the bucket argument of `fetch`; add it to buckets.names if it moves to Supabase too\napp/utils/s3_utils.py:19:18: error[hardcoded-bucket] hardcoded bucket \"app-store\"; use `SUPABASE_BUCKET_NAME`\napp/views.py:9:18: warning[unlisted-bucket] unlisted bucket literal \"legacy-notes\" passed to `notes`, which takes it as a bucket; add it to buckets.names if it moves to Supabase too\napp/views.py:13:18: error[hardcoded-bucket] hardcoded bucket \"app-store\"; use `s3_utils.SUPABASE_BUCKET_NAME`\n");
    let apply = run_in(tmp.path(), &["apply", "--color", "never", "app"]);
    assert_eq!(code(&apply), 1, "{}", stderr(&apply));
    // `blob` stays on S3; `size`, passed only a suppressed bucket that is nowhere, moves.
    assert_eq!(
        fs::read_to_string(tmp.path().join("app/blobs.py")).unwrap(),
        BLOBS.replace("import boto3\n", "import boto3\nfrom utils import s3_utils\n").replace("s3.head_object(Bucket=bucket, Key=key)", "s3_utils._head_object(bucket, key)")
    );
    assert_eq!(fs::read_to_string(tmp.path().join("app/views.py")).unwrap(), VIEWS.replace("notes(\"app-store\", key)", "notes(s3_utils.SUPABASE_BUCKET_NAME, key)"));
    let storage = fs::read_to_string(tmp.path().join("app/utils/s3_utils.py")).unwrap();
    for held in ["s3_client.get_object(Bucket=bucket_name, Key=key)", "s3_client.get_object(Bucket=bucket, Key=key)"] {
        assert!(storage.contains(held), "{storage}");
    }
    let again = run_in(tmp.path(), &["apply", "--color", "never", "app"]);
    assert!(stderr(&again).ends_with("4 files scanned: 0 changed, 4 unchanged, 0 skipped, 0 failed; 7 errors, 3 warnings left\n"), "{}", stderr(&again));
}

#[test]
fn check_reports_the_handler_of_an_unlisted_bucket_call_before_the_client_is_set_up() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("app/utils")).unwrap();
    fs::write(tmp.path().join("rules.toml"), "[buckets]\nnames = [\"app-store\"]\n").unwrap();
    let read = |name: &str, bucket: &str| {
        format!("\n\ndef {name}(key):\n    try:\n        return s3_client.get_object(Bucket=\"{bucket}\", Key=key)[\"Body\"].read()\n    except ClientError:\n        return None\n")
    };
    let source = format!("import boto3\nfrom botocore.exceptions import ClientError\n\ns3_client = boto3.client(\"s3\")\n{}{}", read("read_log", "app-logs"), read("read_report", "app-store"));
    fs::write(tmp.path().join("app/utils/s3_utils.py"), source).unwrap();
    let check = run_in(tmp.path(), &["check", "--color", "never", "app"]);
    assert_eq!(code(&check), 1, "{}", stderr(&check));
    assert_eq!(
        stdout(&check),
        "app/utils/s3_utils.py:1:1: error[bucket-constant] the storage module does not define `SUPABASE_BUCKET_NAME`\n\
         app/utils/s3_utils.py:1:8: error[boto3-import] `boto3` is still used on line 4; migrate those uses, then rerun to remove the import\n\
         app/utils/s3_utils.py:4:1: error[boto3-client] boto3 S3 client `s3_client` is still used on lines 9, 16; the Supabase client is set up beside it; translate those uses (boto3-call), then rerun to remove it\n\
         app/utils/s3_utils.py:4:1: error[boto3-client] the storage module has no Supabase client; add `supabase` and `storage` beside the S3 client\n\
         app/utils/s3_utils.py:9:16: error[boto3-call] not translated (`read_log` changes as one unit): the bucket \"app-logs\" is not in buckets.names, so it stays on S3; add it to buckets.names (with its own constant in [buckets.constants]) if it moves to Supabase\n\
         app/utils/s3_utils.py:9:44: warning[unlisted-bucket] unlisted bucket literal \"app-logs\" as `Bucket=`; add it to buckets.names if it moves to Supabase too\n\
         app/utils/s3_utils.py:10:12: error[client-error] `except ClientError` catches boto3's errors from S3 calls still made with boto3: `s3_client.get_object(...)` (line 9); it stays as it is and changes in the same fix that translates them, once what line 9:16 reports is resolved\n\
         app/utils/s3_utils.py:16:16: error[boto3-call] not translated (`read_report` changes as one unit): translated once the storage module sets up the Supabase client (`storage`); apply does both\n\
         app/utils/s3_utils.py:16:44: error[hardcoded-bucket] hardcoded bucket \"app-store\"; use `SUPABASE_BUCKET_NAME`\n"
    );
}

/// A storage-module function that another file passes a bucket `buckets.names` leaves
/// out stays on S3 with it (translated, that caller would look for its objects on
/// Supabase): the function is held back, and every caller's handler around it stays,
/// whether its file comes before the passing one (it is processed again once the pass
/// is seen) or not; a function no caller passes such a bucket is translated.
#[test]
fn a_function_a_caller_passes_an_unlisted_bucket_stays_on_s3() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("app/utils")).unwrap();
    fs::write(tmp.path().join("rules.toml"), "[buckets]\nnames = [\"app-store\"]\n").unwrap();
    fs::write(tmp.path().join("app/__init__.py"), "").unwrap();
    let read_text = "def read_text(bucket_name, key):\n    return s3_client.get_object(Bucket=bucket_name, Key=key)[\"Body\"].read().decode()\n";
    let storage = format!("import boto3\n\ns3_client = boto3.client(\"s3\")\n\n\n{read_text}\n\n\
        def write_text(bucket_name, key, text):\n    s3_client.put_object(Bucket=bucket_name, Key=key, Body=text.encode())\n");
    fs::write(tmp.path().join("app/utils/s3_utils.py"), &storage).unwrap();
    let handlers = "from botocore.exceptions import ClientError\n\nfrom utils import s3_utils\n\n\n\
        def note_or_empty(key):\n    try:\n        return s3_utils.read_text(\"app-store\", key)\n    except ClientError:\n        return \"\"\n\n\n\
        def saved(key, text):\n    try:\n        s3_utils.write_text(\"app-store\", key, text)\n    except ClientError:\n        return False\n    return True\n";
    fs::write(tmp.path().join("app/a_notes.py"), handlers).unwrap();
    fs::write(tmp.path().join("app/z_notes.py"), handlers).unwrap();
    fs::write(tmp.path().join("app/views.py"), "from utils.s3_utils import read_text as read\n\n\ndef legacy_note(key):\n    return read(\"legacy-notes\", key)\n").unwrap();
    let held_handler = |file: &str| {
        format!("app/{file}.py:10:12: error[client-error] `except ClientError` catches boto3's errors from storage-module functions: `s3_utils.read_text(...)` (line 9); `s3_utils.read_text` keeps a boto3 call after this run (the storage module's findings say why), so it stays as it is: it changes in the run that translates it\n")
    };
    let diff = run_in(tmp.path(), &["diff", "--color", "never", "app"]);
    assert_eq!(code(&diff), 0, "{}", stderr(&diff));
    assert_eq!(
        stderr(&diff),
        format!(
            "{}app/utils/s3_utils.py:1:8: error[boto3-import] `boto3` is still used on line 6; migrate those uses, then rerun to remove the import\n\
             app/utils/s3_utils.py:6:1: error[boto3-client] boto3 S3 client `s3_client` is still used on line 14; the Supabase client is set up beside it; translate those uses (boto3-call), then rerun to remove it\n\
             app/utils/s3_utils.py:14:12: error[boto3-call] not translated (`read_text` changes as one unit): app/views.py:5:17 passes `read_text` the bucket \"legacy-notes\", which is not in buckets.names, so the function stays on S3; add it to buckets.names (with its own constant in [buckets.constants]) if it moves to Supabase (a bucket that is nowhere, as a test's, takes `# s3-to-supabase: ignore[unlisted-bucket]` on that line)\n\
             app/utils/s3_utils.py:18:5: warning[translation-difference] translated with the other S3 calls of `write_text`, one difference remains: no CacheControl was given: Supabase stores `max-age=3600` (storage3's default) where S3 stored none\n\
             app/views.py:5:17: warning[unlisted-bucket] unlisted bucket literal \"legacy-notes\" as the bucket argument of `read`; add it to buckets.names if it moves to Supabase too\n\
             {}5 files scanned: 3 would change, 2 unchanged, 0 skipped, 0 failed; 5 errors, 1 warning left; 1 translation difference to review\n",
            held_handler("a_notes"),
            held_handler("z_notes"),
        )
    );
    let apply = run_in(tmp.path(), &["apply", "--color", "never", "app"]);
    assert_eq!(code(&apply), 1, "{}", stderr(&apply));
    let migrated = handlers
        .replace("from utils import s3_utils\n", "from utils import s3_utils\nfrom storage3.exceptions import StorageApiError\n")
        .replace("\"app-store\"", "s3_utils.SUPABASE_BUCKET_NAME")
        .replace("text)\n    except ClientError:", "text)\n    except StorageApiError:");
    for file in ["a_notes", "z_notes"] {
        assert_eq!(fs::read_to_string(tmp.path().join(format!("app/{file}.py"))).unwrap(), migrated, "{file}");
    }
    let applied = fs::read_to_string(tmp.path().join("app/utils/s3_utils.py")).unwrap();
    assert!(applied.contains(read_text) && applied.contains("    storage.from_(bucket_name).upload(key, text.encode(), "), "{applied}");
    let again = run_in(tmp.path(), &["apply", "--color", "never", "app"]);
    assert!(stderr(&again).ends_with("5 files scanned: 0 changed, 5 unchanged, 0 skipped, 0 failed; 5 errors, 1 warning left\n"), "{}", stderr(&again));
}
