//! Issue 7's failure shapes ("What went wrong" 1-9), one fixture tree each under
//! `fixtures/failure-shapes/` (our own code, written after the shapes the issue
//! describes; `fixtures/README.md` says what each tree holds). For every tree:
//! `diff`'s exact patch and findings, `apply`'s exact findings, the patch applies with
//! git to exactly what `apply` writes, the look-alikes stay byte-identical, a second
//! `apply` changes nothing and the prefilter changes no result. The import-shape trees
//! (3a-3c) are then imported in the pinned venv after `apply`, each module from the
//! root it is run from, beside a hand-made copy of the rewrite the issue reported, which
//! must fail to import (so the check can fail).
//!
//! Set `S3TS_UPDATE_EXPECTED=1` to rewrite `fixtures/expected/failure-shapes/` from the
//! current binary; review every changed line before committing it.

#[allow(dead_code)]
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::python::{check_rewritten_script, run_python};
use common::tree::{copy_tree, tree as files};

const BIN: &str = env!("CARGO_BIN_EXE_s3-to-supabase");

/// A fixture tree and what must hold for it.
struct Shape {
    tree: &'static str,
    /// Exit codes of `diff` and of the first `apply`.
    codes: (i32, i32),
    /// Files (relative to the tree) that `apply` must leave byte-identical.
    must_stay: &'static [&'static str],
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn updating() -> bool {
    std::env::var_os("S3TS_UPDATE_EXPECTED").is_some()
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).env("NO_COLOR", "1").stdin(Stdio::null()).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// `fixtures/failure-shapes/<tree>` copied to `<tmp>/<tree>`.
fn copy_shape(tree: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("fixtures/failure-shapes").join(tree), &tmp.path().join(tree));
    tmp
}

/// `actual` against `fixtures/expected/failure-shapes/<name>`, or written there when updating.
fn assert_expected(name: &str, actual: &str) {
    let path = repo().join("fixtures/expected/failure-shapes").join(name);
    if updating() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing {} (run with S3TS_UPDATE_EXPECTED=1 and review)", path.display()));
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

fn check_shape(shape: &Shape) {
    let tree = shape.tree;
    let original = files(&repo().join("fixtures/failure-shapes").join(tree));
    for name in shape.must_stay {
        assert!(original.iter().any(|(file, _)| file == name), "{tree}: no file {name}");
    }

    let work = copy_shape(tree);
    let diff = run_in(work.path(), &["diff", tree]);
    assert_eq!(diff.status.code(), Some(shape.codes.0), "diff {tree}: {}", text(&diff.stderr));
    assert_expected(&format!("{tree}.diff"), &text(&diff.stdout));
    assert_expected(&format!("{tree}.diff.stderr"), &text(&diff.stderr));
    let unfiltered = run_in(work.path(), &["diff", "--no-prefilter", tree]);
    assert_eq!((unfiltered.status.code(), &unfiltered.stdout, &unfiltered.stderr), (diff.status.code(), &diff.stdout, &diff.stderr), "--no-prefilter {tree}");

    let apply = run_in(work.path(), &["apply", tree]);
    assert_eq!(apply.status.code(), Some(shape.codes.1), "apply {tree}: {}", text(&apply.stderr));
    assert_expected(&format!("{tree}.apply.stdout"), &text(&apply.stdout));
    let applied = files(&work.path().join(tree));
    for name in shape.must_stay {
        let before = original.iter().find(|(file, _)| file == name).map(|(_, bytes)| bytes);
        let after = applied.iter().find(|(file, _)| file == name).map(|(_, bytes)| bytes);
        assert!(before == after, "{tree}/{name} must stay byte-identical, apply wrote:\n{}", after.map_or(String::new(), |bytes| text(bytes)));
    }

    // The patch `diff` printed applies with git to exactly what `apply` wrote.
    let patched = copy_shape(tree);
    if !diff.stdout.is_empty() {
        let patch = patched.path().join("migration.patch");
        fs::write(&patch, &diff.stdout).unwrap();
        let git = Command::new("git").args(["apply", "migration.patch"]).current_dir(patched.path()).output().expect("git runs");
        assert!(git.status.success(), "git apply {tree}: {}", text(&git.stderr));
        fs::remove_file(&patch).unwrap();
    }
    assert!(files(&patched.path().join(tree)) == applied, "{tree}: the patch and apply disagree");

    let again = run_in(work.path(), &["apply", tree]);
    assert!(files(&work.path().join(tree)) == applied, "{tree}: a second apply changed something");
    assert!(text(&again.stderr).contains(": 0 changed,"), "{tree}: {}", text(&again.stderr));
}

#[test]
fn shape_1_handlers_stay_while_their_calls_are_boto3() {
    check_shape(&Shape {
        tree: "1-handlers",
        codes: (0, 1),
        must_stay: &["backend/tests/test_profiles.py", "backend/lookalike_api_errors.py"],
    });
}

#[test]
fn shape_2_only_bucket_uses_become_constants() {
    check_shape(&Shape {
        tree: "2-bucket-values",
        codes: (0, 0),
        must_stay: &["backend/videos/models.py", "backend/videos/routes.py"],
    });
}

#[test]
fn shape_2_look_alikes_stay_with_bucket_in_string_off() {
    let work = copy_shape("2-bucket-values");
    let before = files(&work.path().join("2-bucket-values"));
    let apply = run_in(work.path(), &["apply", "--ignore", "bucket-in-string", "2-bucket-values"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply.stderr));
    let after = files(&work.path().join("2-bucket-values"));
    for name in ["backend/videos/models.py", "backend/videos/routes.py"] {
        let pick = |all: &[(String, Vec<u8>)]| all.iter().find(|(file, _)| file == name).map(|(_, bytes)| bytes.clone());
        assert!(pick(&before) == pick(&after), "{name} changed");
    }
    // The s3:// URI that reaches a call is left to the rule that was turned off.
    let service = after.iter().find(|(file, _)| file == "backend/videos/service.py").map(|(_, bytes)| text(bytes)).unwrap();
    assert!(service.contains("copy(f\"s3://videos/raw/{video_id}.mp4\")"), "{service}");
}

#[test]
fn shape_3a_no_import_that_would_be_circular() {
    check_shape(&Shape { tree: "3a-circular-import", codes: (0, 1), must_stay: &["backend/config/settings.py"] });
}

#[test]
fn shape_3b_a_script_keeps_the_root_it_runs_from() {
    check_shape(&Shape { tree: "3b-wrong-root", codes: (0, 0), must_stay: &[] });
}

#[test]
fn shape_3c_no_import_outside_the_package_root() {
    check_shape(&Shape { tree: "3c-outside-root", codes: (0, 1), must_stay: &["jobs/spark_job.py"] });
}

#[test]
fn shape_3d_without_a_storage_module_nothing_needing_it_is_rewritten() {
    check_shape(&Shape {
        tree: "3d-no-storage-module",
        codes: (0, 1),
        must_stay: &["scripts/export_users.py", "scripts/count_files.py"],
    });
}

#[test]
fn shape_4a_the_default_bucket_comes_from_the_config() {
    check_shape(&Shape { tree: "4a-default-bucket", codes: (0, 0), must_stay: &["backend/lookalike_other_project.py"] });
}

#[test]
fn shape_4b_a_legacy_constant_of_another_bucket_is_not_retargeted() {
    check_shape(&Shape { tree: "4b-foreign-legacy-constant", codes: (0, 1), must_stay: &["backend/lessons.py"] });
}

#[test]
fn shape_10_a_legacy_storage_module_without_a_supabase_client_gets_no_calls_through_it() {
    check_shape(&Shape { tree: "10-legacy-storage-module", codes: (0, 1), must_stay: &["backend/utils/__init__.py"] });
}

/// Audit item 9: a handler in another file around storage-module functions changes in
/// the same `apply` that translates them completely (`except ClientError` with its
/// `NoSuchKey` / `404` checks, `pytest.raises(ClientError)`), and stays, saying why,
/// around a function held back (`share`, by `ACL=`), also with an S3 call of its own
/// (`routes/mixed.py`: the unit stays whole), or beside another service's call.
#[test]
fn shape_11_handlers_around_storage_functions_change_with_them() {
    let tree = "11-storage-callers";
    check_shape(&Shape { tree, codes: (0, 1), must_stay: &["routes/notify.py"] });
    let work = copy_shape(tree);
    run_in(work.path(), &["apply", tree]);
    let api = fs::read_to_string(work.path().join(tree).join("routes/api.py")).unwrap();
    assert_expected(&format!("{tree}.routes-api.py"), &api);
    let test = fs::read_to_string(work.path().join(tree).join("tests/test_read.py")).unwrap();
    assert_eq!(
        test,
        "import pytest\n\nfrom utils import s3_utils\nfrom storage3.exceptions import StorageApiError\n\n\ndef test_missing_settings_raise():\n    with pytest.raises(StorageApiError):\n        s3_utils.read_json(\"missing.json\")\n"
    );
}

/// The second run: the storage module already on Supabase, its callers not. A handler
/// with no error-code check changes; one testing `NoSuchKey` stays with a finding.
#[test]
fn shape_11b_handlers_around_an_already_migrated_storage_module_change() {
    check_shape(&Shape { tree: "11b-migrated-storage-callers", codes: (0, 1), must_stay: &["utils/s3_utils.py"] });
}

#[test]
fn shape_11a_names_the_translation_writes_mean_there_what_they_mean_in_the_module() {
    check_shape(&Shape { tree: "11a-bound-names", codes: (0, 1), must_stay: &[] });
}

#[test]
fn shape_11b_no_call_goes_through_a_storage_that_is_something_else() {
    check_shape(&Shape { tree: "11b-storage-taken", codes: (0, 1), must_stay: &["backend/reports.py"] });
}

#[test]
fn shape_11c_no_helper_reads_a_name_the_storage_module_binds_otherwise() {
    check_shape(&Shape { tree: "11c-helper-names-taken", codes: (0, 1), must_stay: &["backend/metadata.py"] });
}

#[test]
fn shape_5_clients_the_model_follows_and_s3_it_reports() {
    check_shape(&Shape {
        tree: "5-hidden-clients",
        codes: (0, 1),
        must_stay: &["backend/unknown_receiver.py", "backend/lake.py", "backend/lookalike_clients.py"],
    });
}

/// A module-level client another file imports by name stays even with `--unsafe-fixes`
/// (removing it would break `reports.py`'s `from aws import s3`); one nothing imports goes.
#[test]
fn shape_5_a_client_another_file_imports_is_never_removed() {
    let tree = "5-hidden-clients";
    let work = copy_shape(tree);
    let apply = run_in(work.path(), &["apply", "--unsafe-fixes", tree]);
    assert_eq!(apply.status.code(), Some(1), "apply --unsafe-fixes: {}", text(&apply.stderr));
    let aws = fs::read_to_string(work.path().join(tree).join("backend/aws.py")).unwrap();
    assert!(aws.contains("\ns3 = boto3.client(\"s3\")\n"), "the imported client went:\n{aws}");
    assert!(!aws.contains("archive = boto3.client"), "the client nothing imports stayed:\n{aws}");
    assert!(
        text(&apply.stdout).contains("aws.py:14:1: error[boto3-client] boto3 S3 client `s3` has no use left here, but 5-hidden-clients/backend/reports.py imports it (line 3); translate its uses there (boto3-call), then rerun to remove it\n"),
        "{}",
        text(&apply.stdout)
    );
}

/// A module-level client another file reads through a binding of its module stays even
/// with `--unsafe-fixes`, as one imported by name does: `import aws` then `aws.s3`,
/// `import backend.aws as shared` then `shared.media`, `from backend import aws` then
/// `aws.thumbnails`, `import backend.aws` then `backend.aws.backups`; `spare`, which no
/// file reads, goes with it.
#[test]
fn shape_5b_a_client_another_file_reads_through_its_module_is_never_removed() {
    let tree = "5b-module-importers";
    check_shape(&Shape {
        tree,
        codes: (0, 1),
        must_stay: &["backend/aws.py", "backend/exports.py", "backend/media.py", "backend/thumbs.py", "backend/backup.py"],
    });
    let work = copy_shape(tree);
    let apply = run_in(work.path(), &["apply", "--unsafe-fixes", tree]);
    assert_eq!(apply.status.code(), Some(1), "apply --unsafe-fixes: {}", text(&apply.stderr));
    assert_expected(&format!("{tree}.apply-unsafe.stdout"), &text(&apply.stdout));
    let aws = fs::read_to_string(work.path().join(tree).join("backend/aws.py")).unwrap();
    assert_eq!(
        aws,
        "\"\"\"The S3 clients this service shares with its jobs.\"\"\"\n\nimport boto3\n\n# Each read by another file through a binding of this module, not imported by name.\ns3 = boto3.client(\"s3\")\nmedia = boto3.client(\"s3\")\nthumbnails = boto3.client(\"s3\")\nbackups = boto3.client(\"s3\")\n\n# Read by no other file: removable, with --unsafe-fixes.\n"
    );
}

/// Clients held by classes are kept while anything reads them, even with
/// `--unsafe-fixes`: a class-body client another file reads as `Storage.s3` (after
/// `from aws import Storage`), one the class's own method reads as `self.client`
/// (public) or `self._client` (private: was removed by a safe fix), and a class-body
/// attribute of another file holding aws.py's module-level client (`client = aws.s3`,
/// read as `self.client`). The class-body client nothing reads goes with
/// `--unsafe-fixes`, its class keeping `pass`.
#[test]
fn shape_5c_a_client_a_class_holds_is_kept_while_it_is_read() {
    let tree = "5c-class-attribute-clients";
    check_shape(&Shape { tree, codes: (0, 1), must_stay: &["backend/aws.py", "backend/reports.py", "backend/jobs.py"] });
    let work = copy_shape(tree);
    let apply = run_in(work.path(), &["apply", "--unsafe-fixes", tree]);
    assert_eq!(apply.status.code(), Some(1), "apply --unsafe-fixes: {}", text(&apply.stderr));
    assert_expected(&format!("{tree}.apply-unsafe.stdout"), &text(&apply.stdout));
    let original = fs::read_to_string(repo().join("fixtures/failure-shapes").join(tree).join("backend/aws.py")).unwrap();
    let aws = fs::read_to_string(work.path().join(tree).join("backend/aws.py")).unwrap();
    let spare = "class Spare:\n    # Read by no file: removable, with --unsafe-fixes.\n";
    assert_eq!(aws, original.replace(&format!("{spare}    client = boto3.client(\"s3\")\n"), &format!("{spare}    pass\n")));
    assert_ne!(aws, original);
    for name in ["backend/reports.py", "backend/jobs.py"] {
        let before = fs::read_to_string(repo().join("fixtures/failure-shapes").join(tree).join(name)).unwrap();
        assert_eq!(fs::read_to_string(work.path().join(tree).join(name)).unwrap(), before, "{name} changed");
    }
}

#[test]
fn shape_6_other_aws_services_get_nothing() {
    let shape = Shape {
        tree: "6-other-services",
        codes: (0, 0),
        must_stay: &["backend/metrics.py", "backend/queue.py", "backend/secrets.py", "backend/llm.py", "backend/etl.py"],
    };
    check_shape(&shape);
    let work = copy_shape(shape.tree);
    let check = run_in(work.path(), &["check", shape.tree]);
    assert_eq!((check.status.code(), text(&check.stdout)), (Some(0), String::new()), "{}", text(&check.stderr));
}

#[test]
fn shape_7_hints_name_the_right_supabase_calls() {
    check_shape(&Shape { tree: "7-hints", codes: (0, 1), must_stay: &[] });
}

#[test]
fn shape_8_two_buckets_keep_two_constants() {
    check_shape(&Shape { tree: "8-two-buckets", codes: (0, 0), must_stay: &["backend/lookalike_names.py"] });
}

#[test]
fn shape_9_fixes_that_would_change_values_are_findings() {
    check_shape(&Shape {
        tree: "9-value-changing-fixes",
        codes: (0, 1),
        must_stay: &[
            "backend/debug_fstring.py",
            "backend/shadow_comprehension.py",
            "backend/shadow_type_parameter.py",
            "backend/shadow_class_body.py",
            "backend/shadow_global.py",
            "backend/shadow_nonlocal.py",
            "backend/deleted_module.py",
            "backend/comment_in_concatenation.py",
            "backend/aliased_literal.py",
        ],
    });
}

// ----- import-time checks in the pinned venv -----

/// check_rewritten.py on `dir` (compiles every file, resolves the Supabase stack's names)
/// importing each `root:module` for real, network refused; (exit code, stdout).
fn import_check(dir: &Path, imports: &[(&Path, &str)]) -> (Option<i32>, String) {
    let mut args = vec![check_rewritten_script().into_os_string(), dir.as_os_str().to_owned()];
    for (root, module) in imports {
        args.push("--import-module".into());
        args.push(format!("{}:{module}", root.display()).into());
    }
    let output = run_python(args);
    (output.status.code(), text(&output.stdout).replace(&format!("{}/", dir.display()), ""))
}

/// `apply` on a copy of `tree`; returns the copy and the applied tree's path.
fn applied(tree: &str) -> (tempfile::TempDir, PathBuf) {
    let work = copy_shape(tree);
    let apply = run_in(work.path(), &["apply", tree]);
    assert!(apply.status.code() == Some(0) || apply.status.code() == Some(1), "apply {tree}: {}", text(&apply.stderr));
    let root = work.path().join(tree);
    (work, root)
}

/// Imports each module of the applied tree from its root, one interpreter each (a script
/// run from its own folder has that folder first on sys.path); then the same imports on
/// a copy holding the reported bad rewrite `bad` (path, text), which must fail.
fn imports_after_apply(tree: &str, imports: &[(&str, &str)], bad: (&str, &str)) {
    let (_work, root) = applied(tree);
    let mut report = String::new();
    for (dir, module) in imports {
        let (code, out) = import_check(&root.join(dir), &[(&root.join(dir), module)]);
        assert_eq!(code, Some(0), "{tree}: import {module} from {dir}/ after apply:\n{out}");
        assert!(out.contains(&format!("ok import {module}\n")), "{out}");
        report.push_str(&format!("$ import {module} (from {dir}/)\n{out}"));
    }
    assert_expected(&format!("{tree}.python-check.txt"), &report);

    let (_bad_work, bad_root) = applied(tree);
    fs::write(bad_root.join(bad.0), bad.1).unwrap();
    let failed = imports.iter().any(|(dir, module)| import_check(&bad_root.join(dir), &[(&bad_root.join(dir), module)]).0 != Some(0));
    assert!(failed, "{tree}: the rewrite the issue reported ({}) imports too, so this check proves nothing", bad.0);
}

#[test]
fn shape_3a_every_module_imports_after_apply() {
    imports_after_apply(
        "3a-circular-import",
        &[("backend", "config.settings"), ("backend", "app"), ("backend", "utils.s3_utils")],
        (
            "backend/config/settings.py",
            "\"\"\"Read by the storage module when it is imported.\"\"\"\n\nimport os\nfrom utils import s3_utils\n\nAWS_REGION = os.getenv(\"AWS_REGION\", \"eu-west-1\")\nUPLOAD_BUCKET = SUPABASE_BUCKET_NAME\n",
        ),
    );
}

#[test]
fn shape_3b_every_module_imports_after_apply() {
    imports_after_apply(
        "3b-wrong-root",
        &[("backend/utils", "reindex"), ("backend/utils", "cleanup"), ("backend", "app")],
        (
            "backend/utils/reindex.py",
            "\"\"\"Run from this folder: `cd backend/utils && python reindex.py`.\"\"\"\n\nfrom s3_utils import upload_file_to_s3\nfrom utils import s3_utils\n\nINDEX_BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n",
        ),
    );
}

#[test]
fn shape_3c_every_module_imports_after_apply() {
    imports_after_apply(
        "3c-outside-root",
        &[("jobs", "spark_job"), ("backend", "app")],
        ("jobs/spark_job.py", "import json\nfrom utils import s3_utils\n\nRAW_BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n"),
    );
}

/// Imports `utils.s3_utils` from `root` in the pinned venv and checks that every
/// `s3_utils.NAME` the files under `root` read exists on it (what a call would otherwise
/// raise AttributeError for at run time); (exit code, one line per name).
fn storage_attributes_check(root: &Path) -> (Option<i32>, String) {
    const SCRIPT: &str = r#"
import ast, importlib, pathlib, sys
root = pathlib.Path(sys.argv[1])
sys.path.insert(0, str(root))
module = importlib.import_module("utils.s3_utils")
names = set()
for path in sorted(root.rglob("*.py")):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "s3_utils":
            names.add(node.attr)
missing = [name for name in sorted(names) if not hasattr(module, name)]
for name in sorted(names):
    print(("FAIL" if name in missing else "ok") + " s3_utils." + name)
sys.exit(1 if missing else 0)
"#;
    let output = run_python(["-c", SCRIPT, root.to_str().unwrap()]);
    (output.status.code(), text(&output.stdout))
}

#[test]
fn shape_10_every_storage_module_name_the_callers_read_exists_after_apply() {
    let tree = "10-legacy-storage-module";
    let (_work, root) = applied(tree);
    let (code, out) = storage_attributes_check(&root.join("backend"));
    assert_eq!((code, out.as_str()), (Some(0), "ok s3_utils.SUPABASE_BUCKET_NAME\n"), "{tree}: after apply");
    // The rewrite this project used to write, through a `storage` the module never gets.
    let (_bad_work, bad_root) = applied(tree);
    let reports = bad_root.join("backend/reports.py");
    let bad = read(&bad_root, "backend/reports.py").replace(
        "s3.put_object(Bucket=s3_utils.SUPABASE_BUCKET_NAME, Key=f\"reports/{course_id}.json\", Body=body.encode(\"utf-8\"), ContentType=\"application/json\")",
        "s3_utils.storage.from_(s3_utils.SUPABASE_BUCKET_NAME).upload(f\"reports/{course_id}.json\", body.encode(\"utf-8\"), {\"content-type\": \"application/json\", \"upsert\": \"true\"})",
    );
    assert!(bad.contains("s3_utils.storage"), "{bad}");
    fs::write(&reports, bad).unwrap();
    assert_eq!(storage_attributes_check(&bad_root.join("backend")), (Some(1), "ok s3_utils.SUPABASE_BUCKET_NAME\nFAIL s3_utils.storage\n".to_owned()), "the check must catch the old rewrite");
}

// ----- applicability: safe, unsafe, display-only -----

/// The bytes of `file` under `root`.
fn read(root: &Path, file: &str) -> String {
    text(&fs::read(root.join(file)).unwrap())
}

#[test]
fn safe_fixes_apply_unsafe_ones_only_when_asked_and_display_only_ones_never() {
    let tree = "applicability";
    let unsafe_line = "ARCHIVE_BUCKET = os.environ.get(\"S3_BUCKET_NAME\", \"anantra-lms-store\")\n";
    let display_only = "EXPORT_BUCKET = (\"anantra\"  # the tenant\n                 \"-lms-store\")\n";

    // `apply`: the safe fixes only; each finding left says its fix's level and why.
    let work = copy_shape(tree);
    let apply = run_in(work.path(), &["apply", tree]);
    assert_eq!(apply.status.code(), Some(1), "{}", text(&apply.stderr));
    assert_expected("applicability.apply.stdout", &text(&apply.stdout));
    let settings = read(&work.path().join(tree), "backend/settings.py");
    assert!(settings.contains("UPLOAD_BUCKET = SUPABASE_BUCKET_NAME\n"), "{settings}");
    assert!(settings.contains(unsafe_line) && settings.contains(display_only), "{settings}");
    let presign = read(&work.path().join(tree), "backend/presign.py");
    assert!(presign.contains("BANNER_URL = s3_client.generate_presigned_url(\"get_object\""), "a display-only fix was applied:\n{presign}");

    // `diff --unsafe-fixes` shows exactly what `apply --unsafe-fixes` writes.
    let shown = copy_shape(tree);
    let diff = run_in(shown.path(), &["diff", "--unsafe-fixes", tree]);
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff.stderr));
    assert_expected("applicability.unsafe.diff", &text(&diff.stdout));
    let unsafe_work = copy_shape(tree);
    let apply_unsafe = run_in(unsafe_work.path(), &["apply", "--unsafe-fixes", tree]);
    assert_eq!(apply_unsafe.status.code(), Some(1), "{}", text(&apply_unsafe.stderr));
    assert_expected("applicability.apply-unsafe.stdout", &text(&apply_unsafe.stdout));
    let settings = read(&unsafe_work.path().join(tree), "backend/settings.py");
    assert!(settings.contains("ARCHIVE_BUCKET = SUPABASE_BUCKET_NAME\n"), "{settings}");
    assert!(settings.contains(display_only), "a display-only fix was applied:\n{settings}");
    assert!(read(&unsafe_work.path().join(tree), "backend/presign.py").contains("BANNER_URL = s3_client.generate_presigned_url(\"get_object\""));
    let patch = shown.path().join("migration.patch");
    fs::write(&patch, &diff.stdout).unwrap();
    let git = Command::new("git").args(["apply", "migration.patch"]).current_dir(shown.path()).output().expect("git runs");
    assert!(git.status.success(), "git apply: {}", text(&git.stderr));
    fs::remove_file(&patch).unwrap();
    assert!(files(&shown.path().join(tree)) == files(&unsafe_work.path().join(tree)), "diff --unsafe-fixes and apply --unsafe-fixes disagree");

    // The display-only fixes are in the JSON findings, with their edits.
    let json = run_in(copy_shape(tree).path(), &["check", "--format", "json", tree]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let levels: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| format!("{}:{} {} {}", finding["path"].as_str().unwrap(), finding["start"]["line"], finding["rule"].as_str().unwrap(), finding["fix"]["applicability"].as_str().unwrap_or("no fix")))
        .collect();
    assert_expected("applicability.check-levels.txt", &(levels.join("\n") + "\n"));
}
