//! Per-rule tests of the bucket family through the library: each numbered case of the
//! issue, its look-alikes that must stay, and idempotence of every output.

use s3_to_supabase::config::Config;
use s3_to_supabase::discover::FileKind;
use s3_to_supabase::fix::edit::Applicability;
use s3_to_supabase::pipeline::{FileInput, Run};
use s3_to_supabase::report::{FileOutcome, Mode};

const STORAGE: &str = "backend/utils/s3_utils.py";
/// The storage module the files under test import: two functions taking a bucket first.
const STORAGE_TEXT: &str = "import boto3\nS3_BUCKET_NAME = \"anantra-lms-store\"\ns3_client = boto3.client(\"s3\")\n\ndef get_json_from_s3(bucket_name, key):\n    return s3_client.get_object(Bucket=bucket_name, Key=key)\n\ndef upload_file_to_s3(bucket_name, key, body):\n    s3_client.put_object(Bucket=bucket_name, Key=key, Body=body)\n";

/// Rewrite one file as `diff` would; returns the new text (the input when unchanged)
/// and the findings left, as `line:col rule-id`.
fn rewrite_with(config: &Config, display: &str, source: &str) -> (String, Vec<String>) {
    rewrite_at(config, Applicability::Safe, display, source)
}

/// The same, applying the fixes at `level` (`Unsafe`: as with `--unsafe-fixes`).
fn rewrite_at(config: &Config, level: Applicability, display: &str, source: &str) -> (String, Vec<String>) {
    let files = [(STORAGE, STORAGE_TEXT), ("backend/utils/__init__.py", ""), ("backend/routes/__init__.py", ""), (display, source)];
    let mut run = Run::in_memory(config, &files, Mode::Diff, true);
    run.fix_level = level;
    let input = FileInput { display: display.to_owned(), kind: FileKind::Python, path: None };
    let result = run.process(&input, source.as_bytes());
    let text = match result.outcome {
        FileOutcome::Changed { new, .. } => String::from_utf8(new).unwrap(),
        FileOutcome::Unchanged => source.to_owned(),
        other => panic!("unexpected outcome {other:?}"),
    };
    let findings = result
        .findings
        .iter()
        .map(|finding| format!("{}:{} {}", finding.start.line, finding.start.column, finding.rule))
        .collect();
    // Every output is a fixed point: a second run changes nothing.
    let again = run.process(&input, text.as_bytes());
    assert!(
        matches!(again.outcome, FileOutcome::Unchanged),
        "second run changed {display}: {:?}",
        again.outcome
    );
    (text, findings)
}

fn rewrite(display: &str, source: &str) -> (String, Vec<String>) {
    rewrite_with(&Config::defaults(), display, source)
}

fn rewritten(source: &str) -> String {
    rewrite("backend/routes/x.py", source).0
}

// ----- rule 1: the literal becomes the constant, through the file's own binding -----

#[test]
fn from_package_binding_is_reused() {
    assert_eq!(
        rewritten("from utils import s3_utils\n\ns3_utils.get_json_from_s3(\"anantra-lms-store\", key)\n"),
        "from utils import s3_utils\n\ns3_utils.get_json_from_s3(s3_utils.SUPABASE_BUCKET_NAME, key)\n"
    );
}

#[test]
fn import_as_and_alias_bindings_are_reused() {
    assert_eq!(
        rewritten("import utils.s3_utils as s3u\nBUCKET = 'anantra-lms-store'\n"),
        "import utils.s3_utils as s3u\nBUCKET = s3u.SUPABASE_BUCKET_NAME\n"
    );
    assert_eq!(
        rewritten("import utils.s3_utils\nBUCKET = \"anantra-lms-store\"\n"),
        "import utils.s3_utils\nBUCKET = utils.s3_utils.SUPABASE_BUCKET_NAME\n"
    );
}

#[test]
fn constant_imported_by_name_is_used_bare_with_its_alias() {
    assert_eq!(
        rewritten("from utils.s3_utils import SUPABASE_BUCKET_NAME as BUCKET\ns3.put_object(Bucket=\"anantra-lms-store\", Key=k)\n"),
        "from utils.s3_utils import SUPABASE_BUCKET_NAME as BUCKET\ns3.put_object(Bucket=BUCKET, Key=k)\n"
    );
}

#[test]
fn every_spelling_of_the_value_counts() {
    let source = "from utils import s3_utils\na_bucket = 'anantra-lms-store'\nb_bucket = \"\"\"anantra-lms-store\"\"\"\nc_bucket = r\"anantra-lms-store\"\nd_bucket = u'anantra-lms-store'\ne_bucket = (\"anantra-\"\n     \"lms-store\")\n";
    assert_eq!(
        rewritten(source),
        "from utils import s3_utils\na_bucket = s3_utils.SUPABASE_BUCKET_NAME\nb_bucket = s3_utils.SUPABASE_BUCKET_NAME\nc_bucket = s3_utils.SUPABASE_BUCKET_NAME\nd_bucket = s3_utils.SUPABASE_BUCKET_NAME\ne_bucket = (s3_utils.SUPABASE_BUCKET_NAME)\n"
    );
}

#[test]
fn a_file_without_binding_gets_one_import_after_its_header() {
    let source = "\"\"\"Slides.\"\"\"\nfrom __future__ import annotations\n\nimport json\n\nA_BUCKET = \"anantra-lms-store\"\nB_BUCKET = \"anantra-lms-store\"\n";
    assert_eq!(
        rewritten(source),
        "\"\"\"Slides.\"\"\"\nfrom __future__ import annotations\n\nimport json\nfrom utils import s3_utils\n\nA_BUCKET = s3_utils.SUPABASE_BUCKET_NAME\nB_BUCKET = s3_utils.SUPABASE_BUCKET_NAME\n"
    );
}

#[test]
fn configured_import_style_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    std::fs::write(&path, "[storage]\nimport_style = \"from-module\"\n").unwrap();
    let config = Config::from_file(&path).unwrap();
    assert_eq!(
        rewrite_with(&config, "backend/x.py", "import json\nBUCKET = \"anantra-lms-store\"\n").0,
        "import json\nfrom utils.s3_utils import SUPABASE_BUCKET_NAME\nBUCKET = SUPABASE_BUCKET_NAME\n"
    );
}

#[test]
fn inside_the_storage_module_the_bare_constant_is_used() {
    let source = "import os\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n\n\ndef default_bucket():\n    return \"anantra-lms-store\"\n";
    let (text, findings) = rewrite(STORAGE, source);
    assert_eq!(text, source.replace("return \"anantra-lms-store\"", "return SUPABASE_BUCKET_NAME"));
    assert_eq!(findings, Vec::<String>::new());
}

#[test]
fn crlf_and_bom_survive_an_added_import() {
    let source = "\u{feff}import json\r\nBUCKET = \"anantra-lms-store\"\r\n";
    let (text, _) = rewrite("backend/x.py", source);
    assert_eq!(text, "\u{feff}import json\r\nfrom utils import s3_utils\r\nBUCKET = s3_utils.SUPABASE_BUCKET_NAME\r\n");
}

#[test]
fn two_configured_buckets_get_a_constant_each() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    std::fs::write(&path, "[buckets]\nnames = [\"anantra-lms-store\", \"anantra-lms-legacy\"]\n[buckets.constants]\n\"anantra-lms-legacy\" = \"SUPABASE_LEGACY_BUCKET\"\n").unwrap();
    let config = Config::from_file(&path).unwrap();
    let (text, _) = rewrite_with(
        &config,
        "backend/x.py",
        "from utils import s3_utils\nlegacy_bucket = \"anantra-lms-legacy\"\nspark.read(f\"s3://anantra-lms-store/{k}\")\n",
    );
    assert_eq!(
        text,
        "from utils import s3_utils\nlegacy_bucket = s3_utils.SUPABASE_LEGACY_BUCKET\nspark.read(f\"s3://{s3_utils.SUPABASE_BUCKET_NAME}/{k}\")\n"
    );
}

// ----- rule 2: the storage module defines the constant once -----

#[test]
fn legacy_constant_becomes_env_lookup_with_alias_and_uses_are_renamed() {
    let source = "import json\n\nS3_BUCKET_NAME = \"anantra-lms-store\"\n\n\ndef f(key):\n    return S3_BUCKET_NAME + key\n";
    let (text, _) = rewrite(STORAGE, source);
    assert_eq!(
        text,
        "import json\nimport os\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\nS3_BUCKET_NAME = SUPABASE_BUCKET_NAME\n\n\ndef f(key):\n    return SUPABASE_BUCKET_NAME + key\n"
    );
}

#[test]
fn a_storage_module_without_the_constant_gets_it() {
    let (text, _) = rewrite(STORAGE, "import os\n\n\ndef f():\n    pass\n");
    assert_eq!(
        text,
        "import os\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n\n\ndef f():\n    pass\n"
    );
}

#[test]
fn legacy_attribute_elsewhere_uses_the_new_constant() {
    assert_eq!(
        rewritten("from utils import s3_utils\nx = s3_utils.S3_BUCKET_NAME\n"),
        "from utils import s3_utils\nx = s3_utils.SUPABASE_BUCKET_NAME\n"
    );
}

/// `line:col rule message` of every finding `check` reports on `source` (the storage
/// module beside it).
fn findings(display: &str, source: &str) -> Vec<String> {
    let config = Config::defaults();
    let files = [(STORAGE, STORAGE_TEXT), ("backend/utils/__init__.py", ""), ("backend/routes/__init__.py", ""), (display, source)];
    let run = Run::in_memory(&config, &files, Mode::Check, true);
    let input = FileInput { display: display.to_owned(), kind: FileKind::Python, path: None };
    let result = run.process(&input, source.as_bytes());
    result.findings.iter().map(|finding| format!("{}:{} {} {}", finding.start.line, finding.start.column, finding.rule, finding.message)).collect()
}

#[test]
fn legacy_member_of_the_same_bucket_is_imported_as_the_constant() {
    // Renamed in the import and at each bare use, in one fix.
    assert_eq!(
        rewrite(
            "backend/routes/x.py",
            "from utils.s3_utils import upload_file_to_s3, S3_BUCKET_NAME\n\n\ndef f(k):\n    upload_file_to_s3(S3_BUCKET_NAME, k, \"v\")\n    return [S3_BUCKET_NAME for _ in k]\n"
        ),
        (
            "from utils.s3_utils import upload_file_to_s3, SUPABASE_BUCKET_NAME\n\n\ndef f(k):\n    upload_file_to_s3(SUPABASE_BUCKET_NAME, k, \"v\")\n    return [SUPABASE_BUCKET_NAME for _ in k]\n".to_owned(),
            vec![]
        )
    );
    assert_eq!(
        findings("backend/routes/x.py", "from utils.s3_utils import S3_BUCKET_NAME\nx = S3_BUCKET_NAME\n"),
        [
            "1:28 bucket-constant legacy constant `S3_BUCKET_NAME`; use `SUPABASE_BUCKET_NAME`",
            "2:5 bucket-constant legacy constant `S3_BUCKET_NAME`; use `SUPABASE_BUCKET_NAME`",
        ]
    );
    // Already imported: the legacy member leaves the import (the statement, when it was alone there).
    assert_eq!(
        rewritten("from utils.s3_utils import S3_BUCKET_NAME, SUPABASE_BUCKET_NAME\nx = S3_BUCKET_NAME\n"),
        "from utils.s3_utils import SUPABASE_BUCKET_NAME\nx = SUPABASE_BUCKET_NAME\n"
    );
    assert_eq!(
        rewritten("from utils.s3_utils import (\n    SUPABASE_BUCKET_NAME,\n    S3_BUCKET_NAME,\n)\nx = S3_BUCKET_NAME\n"),
        "from utils.s3_utils import (\n    SUPABASE_BUCKET_NAME,\n)\nx = SUPABASE_BUCKET_NAME\n"
    );
    assert_eq!(
        rewritten("from utils.s3_utils import SUPABASE_BUCKET_NAME\nfrom utils.s3_utils import S3_BUCKET_NAME\nx = S3_BUCKET_NAME\n"),
        "from utils.s3_utils import SUPABASE_BUCKET_NAME\nx = SUPABASE_BUCKET_NAME\n"
    );
    // An alias: only the imported member changes.
    assert_eq!(
        rewritten("from utils.s3_utils import S3_BUCKET_NAME as BUCKET\nx = BUCKET\n"),
        "from utils.s3_utils import SUPABASE_BUCKET_NAME as BUCKET\nx = BUCKET\n"
    );
    // With a literal the bucket rule rewrites: both settle on the one constant.
    assert_eq!(
        rewritten("from utils.s3_utils import upload_file_to_s3, S3_BUCKET_NAME\nupload_file_to_s3(\"anantra-lms-store\", \"k\", \"v\")\nx = S3_BUCKET_NAME\n"),
        "from utils.s3_utils import upload_file_to_s3, SUPABASE_BUCKET_NAME\nupload_file_to_s3(SUPABASE_BUCKET_NAME, \"k\", \"v\")\nx = SUPABASE_BUCKET_NAME\n"
    );
}

#[test]
fn legacy_member_is_a_finding_where_the_rename_would_change_a_name() {
    let not_renamed = "bucket-constant legacy constant `S3_BUCKET_NAME` imported from the storage module; use `SUPABASE_BUCKET_NAME`: not renamed:";
    let cases = [
        (
            "from utils.s3_utils import S3_BUCKET_NAME\n\n\ndef f(SUPABASE_BUCKET_NAME):\n    return S3_BUCKET_NAME, SUPABASE_BUCKET_NAME\n",
            "`SUPABASE_BUCKET_NAME` is bound in this function (line 4), so `SUPABASE_BUCKET_NAME` would mean something else here; rename that name, then rerun",
        ),
        (
            "from utils.s3_utils import S3_BUCKET_NAME\nSUPABASE_BUCKET_NAME = \"x\"\nx = S3_BUCKET_NAME\n",
            "`SUPABASE_BUCKET_NAME` is also bound to something else at module level (line 2), so `SUPABASE_BUCKET_NAME` may mean something else; rewrite by hand",
        ),
        (
            "from utils.s3_utils import S3_BUCKET_NAME\nS3_BUCKET_NAME = S3_BUCKET_NAME.lower()\n",
            "`S3_BUCKET_NAME` is bound again in this file (line 2); rename it by hand",
        ),
        (
            "from utils.s3_utils import S3_BUCKET_NAME\nx = S3_BUCKET_NAME\nfrom utils.s3_utils import SUPABASE_BUCKET_NAME\n",
            "module-level code above the import that binds `SUPABASE_BUCKET_NAME`; move the import up, then rerun",
        ),
        (
            "from utils.s3_utils import S3_BUCKET_NAME\n__all__ = [\"S3_BUCKET_NAME\"]\n",
            "`__all__` names `S3_BUCKET_NAME`, so other modules may import it from this one; rename it by hand there and here",
        ),
    ];
    for (source, why) in cases {
        let (text, left) = rewrite("backend/routes/x.py", source);
        assert_eq!(text, source, "rewritten: {source}");
        assert_eq!(left, ["1:28 bucket-constant"], "{source}");
        assert_eq!(findings("backend/routes/x.py", source), [format!("1:28 {not_renamed} {why}")], "{source}");
    }
}

// ----- rule 3: env lookups outside the storage module -----

#[test]
fn env_lookups_become_the_constant_as_a_whole() {
    assert_eq!(
        rewritten("import os\nfrom utils import s3_utils\na = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n"),
        "import os\nfrom utils import s3_utils\na = s3_utils.SUPABASE_BUCKET_NAME\n"
    );
    // A legacy variable: the constant reads SUPABASE_BUCKET_NAME instead, so a deployment
    // setting S3_BUCKET_NAME to another bucket would change bucket. Unsafe: applied only
    // at the unsafe level (`--unsafe-fixes`).
    let legacy = "import os\nfrom utils import s3_utils\nb = os.environ.get(\"S3_BUCKET_NAME\", 'anantra-lms-store')\n";
    assert_eq!(rewrite("backend/routes/x.py", legacy), (legacy.to_owned(), vec!["3:5 bucket-env-lookup".to_owned()]));
    assert_eq!(
        rewrite_at(&Config::defaults(), Applicability::Unsafe, "backend/routes/x.py", legacy),
        ("import os\nfrom utils import s3_utils\nb = s3_utils.SUPABASE_BUCKET_NAME\n".to_owned(), vec![])
    );
}

#[test]
fn another_variable_keeps_its_lookup_and_only_the_default_changes() {
    assert_eq!(
        rewritten("import os\nfrom utils import s3_utils\na = os.getenv(\"UPLOADS\", \"anantra-lms-store\")\n"),
        "import os\nfrom utils import s3_utils\na = os.getenv(\"UPLOADS\", s3_utils.SUPABASE_BUCKET_NAME)\n"
    );
}

// ----- rule 4: inside larger strings -----

#[test]
fn fstring_literal_parts_get_a_replacement_field() {
    assert_eq!(
        rewritten("from utils import s3_utils\nread(f\"s3://anantra-lms-store/{key}\")\n"),
        "from utils import s3_utils\nread(f\"s3://{s3_utils.SUPABASE_BUCKET_NAME}/{key}\")\n"
    );
    // A URL's host is no bucket argument: reported, never rewritten.
    let url = "from utils import s3_utils\nu = f\"https://anantra-lms-store.s3.amazonaws.com/{key}\"\n";
    assert_eq!(rewrite("backend/routes/x.py", url), (url.to_owned(), vec!["2:5 bucket-needs-review".to_owned()]));
}

#[test]
fn nested_same_quote_fstrings_of_python_312() {
    assert_eq!(
        rewritten("from utils import s3_utils\nx = f\"{json.dumps(f\"s3://anantra-lms-store/{k}\")}\"\n"),
        "from utils import s3_utils\nx = f\"{json.dumps(f\"s3://{s3_utils.SUPABASE_BUCKET_NAME}/{k}\")}\"\n"
    );
}

#[test]
fn plain_strings_become_fstrings_with_braces_doubled() {
    assert_eq!(
        rewritten("from utils import s3_utils\nread(\"s3://anantra-lms-store/{}/{}\".format(u, c))\nread(r's3://anantra-lms-store\\{x}')\nread(u\"s3://anantra-lms-store/a\")\n"),
        "from utils import s3_utils\nread(f\"s3://{s3_utils.SUPABASE_BUCKET_NAME}/{{}}/{{}}\".format(u, c))\nread(rf's3://{s3_utils.SUPABASE_BUCKET_NAME}\\{{x}}')\nread(f\"s3://{s3_utils.SUPABASE_BUCKET_NAME}/a\")\n"
    );
}

#[test]
fn concatenated_plain_and_fstring_parts() {
    assert_eq!(
        rewritten("from utils import s3_utils\nread(\"s3://anantra-lms-store/\" f\"{key}\")\n"),
        "from utils import s3_utils\nread(f\"s3://{s3_utils.SUPABASE_BUCKET_NAME}/\" f\"{key}\")\n"
    );
}

#[test]
fn bytes_docstrings_and_comments_are_reported_not_rewritten() {
    let source = "\"\"\"Reads anantra-lms-store.\"\"\"\nfrom utils import s3_utils\n# copy of anantra-lms-store\nX = b\"anantra-lms-store\"\n";
    let (text, findings) = rewrite("backend/x.py", source);
    assert_eq!(text, source);
    assert_eq!(findings, ["1:1 bucket-in-text", "3:1 bucket-in-text", "4:5 bucket-needs-review"]);
}

#[test]
fn longer_bucket_names_are_other_buckets() {
    let source = "from utils import s3_utils\na = \"anantra-lms-store-backup\"\nb = \"my-anantra-lms-store\"\nc = \"anantra-lms-storefront\"\nd = f\"s3://anantra-lms-store-backup/{k}\"\n";
    assert_eq!(rewrite("backend/x.py", source), (source.to_owned(), vec![]));
}

// ----- rule 5: places an expression cannot stand -----

#[test]
fn literal_types_match_patterns_and_shadowed_names_are_reported() {
    let source = "\
from typing import Literal
from utils import s3_utils

Bucket = Literal[\"anantra-lms-store\"]


def pick(b):
    match b:
        case \"anantra-lms-store\":
            return 1


def shadow(s3_utils):
    s3.put_object(Bucket=\"anantra-lms-store\", Key=\"k\")
";
    let (text, findings) = rewrite("backend/x.py", source);
    assert_eq!(text, source);
    // A Literal alias and a match on any subject: not shown to be buckets (warnings); a
    // bucket argument where `s3_utils` means the parameter: a bucket not rewritten (error).
    assert_eq!(findings, ["4:18 bucket-needs-review", "9:14 bucket-needs-review", "14:26 hardcoded-bucket"]);
}

#[test]
fn module_level_use_above_the_import_is_reported() {
    let source = "BUCKET = \"anantra-lms-store\"\nfrom utils import s3_utils\n";
    assert_eq!(rewrite("backend/x.py", source), (source.to_owned(), vec!["1:10 hardcoded-bucket".to_owned()]));
}

#[test]
fn a_clashing_name_blocks_the_new_import() {
    let source = "s3_utils = None\nBUCKET = \"anantra-lms-store\"\n";
    assert_eq!(rewrite("backend/x.py", source), (source.to_owned(), vec!["2:10 hardcoded-bucket".to_owned()]));
}

// ----- rule 6: unlisted bucket literals -----

#[test]
fn unlisted_bucket_arguments_are_warnings() {
    let source = "from utils import s3_utils\ns3.put_object(Bucket=\"anantra-lms-archive\", Key=k)\ns3_utils.get_json_from_s3(\"old-bucket\", k)\nother(\"x\", Key=\"y\")\n";
    assert_eq!(
        rewrite("backend/x.py", source),
        (source.to_owned(), vec!["2:22 unlisted-bucket".to_owned(), "3:27 unlisted-bucket".to_owned()])
    );
}

// ----- rule 7: suppression -----

#[test]
fn suppression_comments_keep_the_line() {
    let source = "from utils import s3_utils\na_bucket = \"anantra-lms-store\"  # s3-to-supabase: ignore\nb_bucket = \"anantra-lms-store\"  # s3-to-supabase: ignore[hardcoded-bucket]\nc_bucket = \"anantra-lms-store\"  # s3-to-supabase: ignore[bucket-in-string]\n";
    assert_eq!(
        rewritten(source),
        source.replace("c_bucket = \"anantra-lms-store\"", "c_bucket = s3_utils.SUPABASE_BUCKET_NAME")
    );
}
