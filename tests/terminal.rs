//! The binary on a pseudo-terminal, where a person runs it: the progress bar of a
//! long run draws (nothing holds the terminal while it does), the run finishes, and
//! the first Ctrl-C stops it. Exit codes after Ctrl-C (README, "Output and exit codes"):
//! before any file is written the process ends by SIGINT (a shell shows 130); once
//! `apply` has begun writing, the files in flight are finished, the rest are skipped,
//! and it exits 2 with a line saying so.

#[path = "common/pty.rs"]
mod pty;

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_s3-to-supabase");

/// `files` Python files with one hardcoded bucket each (assigned to a name like a bucket:
/// a bucket use), padded with `functions` small functions so that parsing them takes a while.
fn backend(root: &Path, files: usize, functions: usize) {
    let routes = root.join("routes");
    fs::create_dir_all(&routes).unwrap();
    let padding: String = (0..functions).map(|n| format!("def f{n}(a, b):\n    return a + b * {n}\n")).collect();
    for n in 0..files {
        fs::write(routes.join(format!("r{n:04}.py")), format!("BUCKET = \"anantra-lms-store\"\n{padding}")).unwrap();
    }
}

#[test]
fn progress_bar_draws_and_the_run_finishes_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    backend(dir.path(), 600, 20);
    let run = pty::spawn(BIN, &["check", "--color", "never", "."], dir.path(), &[]);
    let (status, screen) = run.finish();
    assert_eq!(status.code(), Some(1), "{screen}");
    // indicatif's line, e.g. `████▌   312/600 files 0s`, drawn at least once.
    assert!(screen.contains("/600 files"), "no progress bar drawn:\n{screen}");
    assert!(screen.contains("routes/r0000.py:1:10: error[hardcoded-bucket] "), "{screen}");
    assert!(screen.contains("routes/r0599.py:1:10: error[hardcoded-bucket] "), "{screen}");
    assert!(screen.ends_with("600 files checked: 600 errors, 0 warnings in 600 files; 0 skipped, 0 failed\n"), "{screen}");
}

#[test]
fn fewer_than_500_files_draw_no_bar() {
    let dir = tempfile::tempdir().unwrap();
    backend(dir.path(), 499, 0);
    let run = pty::spawn(BIN, &["check", "--color", "never", "."], dir.path(), &[]);
    let (status, screen) = run.finish();
    assert_eq!(status.code(), Some(1), "{screen}");
    assert!(!screen.contains(" files 0s") && !screen.contains("/499"), "{screen}");
}

#[test]
fn the_first_ctrl_c_stops_a_long_check() {
    let dir = tempfile::tempdir().unwrap();
    backend(dir.path(), 600, 1200);
    let mut run = pty::spawn(BIN, &["check", "."], dir.path(), &[]);
    run.wait_for("/600 files");
    assert!(run.running(), "the run ended before Ctrl-C could be typed:\n{}", run.screen());
    run.type_keys(b"\x03");
    // An ignored Ctrl-C lets the check finish: exit 1 and its summary, not SIGINT.
    let (status, screen) = run.finish();
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}:\n{screen}");
    assert!(!screen.contains("files checked"), "the run finished instead of stopping:\n{screen}");
}

#[test]
fn the_first_ctrl_c_stops_apply_and_says_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    backend(dir.path(), 600, 1200);
    // The rewrites refer to the storage module: it must be among the paths.
    fs::create_dir(dir.path().join("utils")).unwrap();
    fs::write(dir.path().join("utils/s3_utils.py"), STORAGE).unwrap();
    let mut run = pty::spawn(BIN, &["apply", "--color", "never", "."], dir.path(), &[]);
    run.wait_for("/601 files");
    // Wait for the first written file, so the interrupt lands while writing.
    let first_written = || {
        fs::read_dir(dir.path().join("routes"))
            .unwrap()
            .any(|entry| fs::read_to_string(entry.unwrap().path()).is_ok_and(|text| text.contains("SUPABASE_BUCKET_NAME")))
    };
    let start = std::time::Instant::now();
    while !first_written() {
        assert!(start.elapsed() < pty::HANG_LIMIT, "hung: nothing written after {:?}:\n{}", pty::HANG_LIMIT, run.screen());
        assert!(run.running() || first_written(), "apply ended without writing a file:\n{}", run.screen());
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(run.running(), "apply ended before Ctrl-C could be typed:\n{}", run.screen());
    run.type_keys(b"\x03");
    let (status, screen) = run.finish();
    assert_eq!(status.code(), Some(2), "{screen}");
    assert!(screen.contains(": skipped: interrupted before writing\n"), "{screen}");
    assert!(
        screen.ends_with("error: interrupted: files written before the interrupt have their new content, the others are unchanged; run the command again to finish\n"),
        "{screen}"
    );
}

// `apply --interactive`: a question per fix (README, "apply --interactive").

const PROMPT: &str = "Apply this fix? [y,n,a,q] ";
const STORAGE: &str = "import os\n\nfrom supabase import create_client\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\nsupabase = create_client(os.environ[\"SUPABASE_URL\"], os.environ[\"SUPABASE_SERVICE_ROLE_KEY\"])\nstorage = supabase.storage\n";
const A_OLD: &str = "A_BUCKET = \"anantra-lms-store\"\nB_BUCKET = \"anantra-lms-store\"\n";
const A_NEW: &str = "from utils import s3_utils\nA_BUCKET = s3_utils.SUPABASE_BUCKET_NAME\nB_BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n";
const B_OLD: &str = "C_BUCKET = \"anantra-lms-store\"\n";
const B_NEW: &str = "from utils import s3_utils\nC_BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n";
/// Two `boto3-call` findings that are one translation of `load_pair` (its calls and its
/// handler): one question. The client stays (its removal is an unsafe fix).
const C_OLD: &str = "import boto3\nfrom botocore.exceptions import ClientError\n\nfrom utils import s3_utils\n\ns3_client = boto3.client(\"s3\")\n\n\ndef load_pair(first, second):\n    try:\n        one = s3_client.get_object(Bucket=s3_utils.SUPABASE_BUCKET_NAME, Key=first)[\"Body\"].read()\n        two = s3_client.get_object(Bucket=s3_utils.SUPABASE_BUCKET_NAME, Key=second)[\"Body\"].read()\n    except ClientError:\n        return None\n    return one + two\n";
const C_NEW: &str = "import boto3\n\nfrom utils import s3_utils\nfrom storage3.exceptions import StorageApiError\n\ns3_client = boto3.client(\"s3\")\n\n\ndef load_pair(first, second):\n    try:\n        one = s3_utils.storage.from_(s3_utils.SUPABASE_BUCKET_NAME).download(first)\n        two = s3_utils.storage.from_(s3_utils.SUPABASE_BUCKET_NAME).download(second)\n    except StorageApiError:\n        return None\n    return one + two\n";

/// c.py's question: the translation of `load_pair` (its calls and its handler), with
/// the import it needs.
const C_TRANSLATION: &str = "--- a/c.py
+++ b/c.py
@@ -2,14 +2,15 @@
 from botocore.exceptions import ClientError
 
 from utils import s3_utils
+from storage3.exceptions import StorageApiError
 
 s3_client = boto3.client(\"s3\")
 
 
 def load_pair(first, second):
     try:
-        one = s3_client.get_object(Bucket=s3_utils.SUPABASE_BUCKET_NAME, Key=first)[\"Body\"].read()
-        two = s3_client.get_object(Bucket=s3_utils.SUPABASE_BUCKET_NAME, Key=second)[\"Body\"].read()
-    except ClientError:
+        one = s3_utils.storage.from_(s3_utils.SUPABASE_BUCKET_NAME).download(first)
+        two = s3_utils.storage.from_(s3_utils.SUPABASE_BUCKET_NAME).download(second)
+    except StorageApiError:
         return None
     return one + two
boto3-call: translate the S3 calls of `load_pair` to Supabase Storage
";

/// A storage module (nothing to change) and three files with four questions:
/// `a.py` two (each fix carries the import it needs), `b.py` one, `c.py` one.
fn interactive_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    fs::create_dir(dir.path().join("utils")).unwrap();
    fs::write(dir.path().join("utils/s3_utils.py"), STORAGE).unwrap();
    fs::write(dir.path().join("a.py"), A_OLD).unwrap();
    fs::write(dir.path().join("b.py"), B_OLD).unwrap();
    fs::write(dir.path().join("c.py"), C_OLD).unwrap();
    dir
}

/// Runs `apply -i` on `dir`, typing each answer once its question is on the screen.
fn answer(dir: &Path, answers: &[&str]) -> (std::process::ExitStatus, String) {
    let mut run = pty::spawn(BIN, &["apply", "-i", "--color", "never", "."], dir, &[]);
    for (asked, keys) in answers.iter().enumerate() {
        run.wait_for_nth(PROMPT, asked + 1);
        run.type_keys(format!("{keys}\n").as_bytes());
    }
    run.finish()
}

fn files(dir: &Path) -> [String; 4] {
    ["a.py", "b.py", "c.py", "utils/s3_utils.py"].map(|name| fs::read_to_string(dir.join(name)).unwrap())
}

#[test]
fn interactive_yes_to_each_question_applies_every_fix() {
    let dir = interactive_project();
    // c.py: the translation, then the import it leaves unused (client-error's own fix).
    let (status, screen) = answer(dir.path(), &["y", "y", "y", "y", "y"]);
    assert_eq!(files(dir.path()), [A_NEW, B_NEW, C_NEW, STORAGE]);
    // The boto3 client of c.py stays: its removal is an unsafe fix.
    assert_eq!(status.code(), Some(1), "{screen}");
    // The second fix of a.py is shown after the first: its import is already there.
    let expected = format!(
        "
--- a/a.py
+++ b/a.py
@@ -1,2 +1,3 @@
-A_BUCKET = \"anantra-lms-store\"
+from utils import s3_utils
+A_BUCKET = s3_utils.SUPABASE_BUCKET_NAME
 B_BUCKET = \"anantra-lms-store\"
hardcoded-bucket: use the bucket constant
Apply this fix? [y,n,a,q] y

--- a/a.py
+++ b/a.py
@@ -1,3 +1,3 @@
 from utils import s3_utils
 A_BUCKET = s3_utils.SUPABASE_BUCKET_NAME
-B_BUCKET = \"anantra-lms-store\"
+B_BUCKET = s3_utils.SUPABASE_BUCKET_NAME
hardcoded-bucket: use the bucket constant
Apply this fix? [y,n,a,q] y

--- a/b.py
+++ b/b.py
@@ -1 +1,2 @@
-C_BUCKET = \"anantra-lms-store\"
+from utils import s3_utils
+C_BUCKET = s3_utils.SUPABASE_BUCKET_NAME
hardcoded-bucket: use the bucket constant
Apply this fix? [y,n,a,q] y

{C_TRANSLATION}Apply this fix? [y,n,a,q] y

--- a/c.py
+++ b/c.py
@@ -1,5 +1,4 @@
 import boto3
-from botocore.exceptions import ClientError
 
 from utils import s3_utils
 from storage3.exceptions import StorageApiError
client-error: remove the unused import
Apply this fix? [y,n,a,q] y
c.py:1:8: error[boto3-import] `boto3` is used only to build `s3_client` (line 6), which has no use left but stays (see its finding); the import goes with it
c.py:6:1: error[boto3-client] boto3 S3 client `s3_client` has no use left here, but other modules may reach it: unsafe fix (removes it; applied with --unsafe-fixes), or remove it by hand once none does
4 files scanned: 3 changed, 1 unchanged, 0 skipped, 0 failed; 2 errors, 0 warnings left
"
    );
    assert_eq!(screen, expected);
}

#[test]
fn interactive_no_skips_a_fix_and_the_next_one_brings_its_own_import() {
    let dir = interactive_project();
    let (status, screen) = answer(dir.path(), &["n", "y", "n", "n"]);
    let a_second_only = "from utils import s3_utils\nA_BUCKET = \"anantra-lms-store\"\nB_BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n";
    assert_eq!(files(dir.path()), [a_second_only, B_OLD, C_OLD, STORAGE]);
    assert_eq!(screen.matches(PROMPT).count(), 4, "{screen}");
    assert!(
        screen.contains("@@ -1,2 +1,3 @@\n+from utils import s3_utils\n A_BUCKET = \"anantra-lms-store\"\n-B_BUCKET = \"anantra-lms-store\"\n+B_BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n"),
        "{screen}"
    );
    // The declined fixes are the findings left.
    assert!(screen.contains("\na.py:2:12: error[hardcoded-bucket] "), "{screen}");
    assert!(screen.contains("\nb.py:1:12: error[hardcoded-bucket] "), "{screen}");
    assert!(screen.ends_with("4 files scanned: 1 changed, 3 unchanged, 0 skipped, 0 failed; 6 errors, 0 warnings left\n"), "{screen}");
    assert_eq!(status.code(), Some(1), "{screen}");
}

#[test]
fn interactive_all_applies_this_and_every_later_fix_without_asking() {
    let dir = interactive_project();
    let (status, screen) = answer(dir.path(), &["n", "a"]);
    let a_second_only = "from utils import s3_utils\nA_BUCKET = \"anantra-lms-store\"\nB_BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n";
    assert_eq!(files(dir.path()), [a_second_only, B_NEW, C_NEW, STORAGE]);
    assert_eq!(screen.matches(PROMPT).count(), 2, "{screen}");
    assert!(!screen.contains("--- a/b.py"), "{screen}");
    assert_eq!(status.code(), Some(1), "{screen}");
}

#[test]
fn interactive_quit_writes_the_files_answered_and_nothing_else() {
    let dir = interactive_project();
    let (status, screen) = answer(dir.path(), &["y", "y", "q"]);
    assert_eq!(files(dir.path()), [A_NEW, B_OLD, C_OLD, STORAGE]);
    assert_eq!(screen.matches(PROMPT).count(), 3, "{screen}");
    let stopped = "skipped: not written: the interactive run was stopped (q) before this file was answered\n";
    assert!(screen.contains(&format!("b.py: {stopped}")), "{screen}");
    assert!(screen.contains(&format!("c.py: {stopped}")), "{screen}");
    assert_eq!(status.code(), Some(1), "{screen}");
}

#[test]
fn interactive_quit_in_the_middle_of_a_file_leaves_it_unwritten() {
    let dir = interactive_project();
    let (status, screen) = answer(dir.path(), &["y", "q"]);
    assert_eq!(files(dir.path()), [A_OLD, B_OLD, C_OLD, STORAGE]);
    assert_eq!(screen.matches(PROMPT).count(), 2, "{screen}");
    assert_eq!(status.code(), Some(1), "{screen}");
}

#[test]
fn interactive_without_a_terminal_is_a_usage_error() {
    let dir = interactive_project();
    let output = std::process::Command::new(BIN)
        .args(["apply", "--interactive", "."])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "error: --interactive asks its questions on a terminal, and stdin is not one (nor can it be the file `-`)\n");
    assert_eq!(output.stdout, b"");
    assert_eq!(files(dir.path()), [A_OLD, B_OLD, C_OLD, STORAGE]);
}

/// A storage module still on the legacy constant: `a.py`'s and `b.py`'s fixes need the
/// `SUPABASE_BUCKET_NAME` its own fix defines.
/// A storage module with its Supabase client already and the legacy bucket constant (the
/// other files' translations go through its `storage`).
const LEGACY: &str = "import os\n\nfrom supabase import create_client\n\nsupabase = create_client(os.environ[\"SUPABASE_URL\"], os.environ[\"SUPABASE_SERVICE_ROLE_KEY\"])\nstorage = supabase.storage\nS3_BUCKET_NAME = \"anantra-lms-store\"\n";
const LEGACY_NEW: &str = "import os\n\nfrom supabase import create_client\n\nsupabase = create_client(os.environ[\"SUPABASE_URL\"], os.environ[\"SUPABASE_SERVICE_ROLE_KEY\"])\nstorage = supabase.storage\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\nS3_BUCKET_NAME = SUPABASE_BUCKET_NAME\n";

/// The storage module's question, asked first.
const LEGACY_QUESTION: &str = "
utils/s3_utils.py comes first: the fixes in the other files rely on what the storage module defines

--- a/utils/s3_utils.py
+++ b/utils/s3_utils.py
@@ -4,4 +4,5 @@
 
 supabase = create_client(os.environ[\"SUPABASE_URL\"], os.environ[\"SUPABASE_SERVICE_ROLE_KEY\"])
 storage = supabase.storage
-S3_BUCKET_NAME = \"anantra-lms-store\"
+SUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")
+S3_BUCKET_NAME = SUPABASE_BUCKET_NAME
bucket-constant: rename S3_BUCKET_NAME to SUPABASE_BUCKET_NAME
";

#[test]
fn interactive_asks_the_storage_module_first_and_a_yes_backs_the_other_files() {
    let dir = interactive_project();
    fs::write(dir.path().join("utils/s3_utils.py"), LEGACY).unwrap();
    let (status, screen) = answer(dir.path(), &["y", "y", "y", "q"]);
    // Stopped at b.py: a.py and the module it relies on are written, nothing else.
    assert_eq!(files(dir.path()), [A_NEW, B_OLD, C_OLD, LEGACY_NEW]);
    assert!(screen.starts_with(&format!("{LEGACY_QUESTION}Apply this fix? [y,n,a,q] y\n")), "{screen}");
    assert_eq!(screen.matches(PROMPT).count(), 4, "{screen}");
    assert!(!screen.contains("not asked"), "{screen}");
    assert_eq!(status.code(), Some(1), "{screen}");
}

#[test]
fn interactive_a_declined_storage_module_fix_holds_back_the_fixes_that_need_it() {
    let dir = interactive_project();
    fs::write(dir.path().join("utils/s3_utils.py"), LEGACY).unwrap();
    let (status, screen) = answer(dir.path(), &["n", "n"]);
    // a.py and b.py would use a constant the module does not define: not asked, unchanged;
    // c.py's translation brings in no name the module lacks for want of its fix: asked.
    assert_eq!(files(dir.path()), [A_OLD, B_OLD, C_OLD, LEGACY]);
    let held = |file: &str| format!("\n{file}: not asked: hardcoded-bucket: use the bucket constant: it needs `SUPABASE_BUCKET_NAME`, which utils/s3_utils.py defines only with its declined fix\n");
    let expected = format!(
        "{LEGACY_QUESTION}Apply this fix? [y,n,a,q] n
{}{}{}
{C_TRANSLATION}Apply this fix? [y,n,a,q] n
a.py:1:12: error[hardcoded-bucket] hardcoded bucket \"anantra-lms-store\"; use `s3_utils.SUPABASE_BUCKET_NAME`
a.py:2:12: error[hardcoded-bucket] hardcoded bucket \"anantra-lms-store\"; use `s3_utils.SUPABASE_BUCKET_NAME`
b.py:1:12: error[hardcoded-bucket] hardcoded bucket \"anantra-lms-store\"; use `s3_utils.SUPABASE_BUCKET_NAME`
c.py:1:8: error[boto3-import] `boto3` is still used on line 6; migrate those uses, then rerun to remove the import
c.py:6:1: error[boto3-client] boto3 S3 client `s3_client` is still used on lines 11, 12; translate those uses (boto3-call), then rerun to remove it
c.py:11:15: error[boto3-call] `s3_client.get_object(...)`: translated with the other S3 calls of `load_pair` in one fix
c.py:12:15: error[boto3-call] `s3_client.get_object(...)`: translated with the other S3 calls of `load_pair` in one fix
utils/s3_utils.py:7:1: error[bucket-constant] legacy `S3_BUCKET_NAME`: define `SUPABASE_BUCKET_NAME` from the environment and keep `S3_BUCKET_NAME` as its alias
4 files scanned: 0 changed, 4 unchanged, 0 skipped, 0 failed; 8 errors, 0 warnings left
",
        held("a.py"),
        held("a.py"),
        held("b.py")
    );
    assert_eq!(screen, expected);
    assert_eq!(status.code(), Some(1), "{screen}");
}

#[test]
fn interactive_quit_at_the_storage_module_writes_nothing() {
    let dir = interactive_project();
    fs::write(dir.path().join("utils/s3_utils.py"), LEGACY).unwrap();
    let (status, screen) = answer(dir.path(), &["q"]);
    assert_eq!(files(dir.path()), [A_OLD, B_OLD, C_OLD, LEGACY]);
    assert!(screen.starts_with(&format!("{LEGACY_QUESTION}Apply this fix? [y,n,a,q] q\n")), "{screen}");
    assert_eq!(screen.matches(PROMPT).count(), 1, "{screen}");
    for file in ["a.py", "b.py", "c.py", "utils/s3_utils.py"] {
        assert!(screen.contains(&format!("\n{file}: skipped: not written: the interactive run was stopped (q) before this file was answered\n")), "{file}: {screen}");
    }
    assert!(screen.ends_with("\n4 files scanned: 0 changed, 0 unchanged, 4 skipped, 0 failed; 8 errors, 0 warnings left\n"), "{screen}");
    assert_eq!(status.code(), Some(1), "{screen}");
}

/// A storage module with its Supabase client and one function still on boto3.
const TRANSLATABLE: &str = "import os\n\nimport boto3\nfrom supabase import Client, create_client\n\n\
    SUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\ns3_client = boto3.client(\"s3\")\n\
    SUPABASE_URL = os.getenv(\"SUPABASE_URL\")\nSUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")\n\
    supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)\nstorage = supabase.storage\n\n\n\
    def read_text(bucket_name, key):\n    return s3_client.get_object(Bucket=bucket_name, Key=key)[\"Body\"].read().decode()\n";
/// A handler in another file around that function.
const NOTES: &str = "from botocore.exceptions import ClientError\n\nfrom utils import s3_utils\n\n\n\
    def note_or_empty(key):\n    try:\n        return s3_utils.read_text(s3_utils.SUPABASE_BUCKET_NAME, key)\n    except ClientError:\n        return \"\"\n";

#[test]
fn interactive_a_declined_translation_keeps_the_handlers_around_its_function() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    fs::create_dir(dir.path().join("utils")).unwrap();
    fs::write(dir.path().join("utils/s3_utils.py"), TRANSLATABLE).unwrap();
    fs::write(dir.path().join("notes.py"), NOTES).unwrap();
    let (status, screen) = answer(dir.path(), &["n"]);
    // `read_text` stays on boto3, so the handler still catches what it raises: the
    // handler's fix (catch StorageApiError) is not offered.
    assert_eq!(screen.matches(PROMPT).count(), 1, "{screen}");
    assert!(screen.contains("\nboto3-call: translate the S3 calls of `read_text` to Supabase Storage\nApply this fix? [y,n,a,q] n\n"), "{screen}");
    assert!(screen.contains("\nnotes.py:9:12: error[client-error] `except ClientError` catches boto3's errors from storage-module functions: `s3_utils.read_text(...)` (line 8); `s3_utils.read_text` keeps a boto3 call after this run (the storage module's findings say why), so it stays as it is: it changes in the run that translates it\n"), "{screen}");
    assert!(screen.ends_with("\n2 files scanned: 0 changed, 2 unchanged, 0 skipped, 0 failed; 4 errors, 0 warnings left\n"), "{screen}");
    assert_eq!(fs::read_to_string(dir.path().join("utils/s3_utils.py")).unwrap(), TRANSLATABLE);
    assert_eq!(fs::read_to_string(dir.path().join("notes.py")).unwrap(), NOTES);
    assert_eq!(status.code(), Some(1), "{screen}");
}
