//! Per-rule tests of the bucket family through the library: each numbered case of the
//! issue, its look-alikes that must stay, and idempotence of every output.

use s3_to_supabase::config::Config;
use s3_to_supabase::discover::FileKind;
use s3_to_supabase::pipeline::{FileInput, Run};
use s3_to_supabase::project_index::StorageModule;
use s3_to_supabase::report::{FileOutcome, Mode};

const STORAGE: &str = "backend/utils/s3_utils.py";

/// Rewrite one file as `diff` would; returns the new text (the input when unchanged)
/// and the findings left, as `line:col rule-id`.
fn rewrite_with(config: &Config, display: &str, source: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let mut run = Run::prepare(config, &[], Mode::Diff, true, &mut notes);
    run.index.storage = Some(StorageModule {
        display: STORAGE.to_owned(),
        bucket_functions: ["get_json_from_s3".to_owned(), "upload_file_to_s3".to_owned()].into(),
        ..StorageModule::default()
    });
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
        rewritten("import utils.s3_utils as s3u\nB = 'anantra-lms-store'\n"),
        "import utils.s3_utils as s3u\nB = s3u.SUPABASE_BUCKET_NAME\n"
    );
    assert_eq!(
        rewritten("import utils.s3_utils\nB = \"anantra-lms-store\"\n"),
        "import utils.s3_utils\nB = utils.s3_utils.SUPABASE_BUCKET_NAME\n"
    );
}

#[test]
fn constant_imported_by_name_is_used_bare_with_its_alias() {
    assert_eq!(
        rewritten("from utils.s3_utils import SUPABASE_BUCKET_NAME as BUCKET\nx = \"anantra-lms-store\"\n"),
        "from utils.s3_utils import SUPABASE_BUCKET_NAME as BUCKET\nx = BUCKET\n"
    );
}

#[test]
fn every_spelling_of_the_value_counts() {
    let source = "from utils import s3_utils\na = 'anantra-lms-store'\nb = \"\"\"anantra-lms-store\"\"\"\nc = r\"anantra-lms-store\"\nd = u'anantra-lms-store'\ne = (\"anantra-\"\n     \"lms-store\")\n";
    assert_eq!(
        rewritten(source),
        "from utils import s3_utils\na = s3_utils.SUPABASE_BUCKET_NAME\nb = s3_utils.SUPABASE_BUCKET_NAME\nc = s3_utils.SUPABASE_BUCKET_NAME\nd = s3_utils.SUPABASE_BUCKET_NAME\ne = (s3_utils.SUPABASE_BUCKET_NAME)\n"
    );
}

#[test]
fn a_file_without_binding_gets_one_import_after_its_header() {
    let source = "\"\"\"Slides.\"\"\"\nfrom __future__ import annotations\n\nimport json\n\nA = \"anantra-lms-store\"\nB = \"anantra-lms-store\"\n";
    assert_eq!(
        rewritten(source),
        "\"\"\"Slides.\"\"\"\nfrom __future__ import annotations\n\nimport json\nfrom utils import s3_utils\n\nA = s3_utils.SUPABASE_BUCKET_NAME\nB = s3_utils.SUPABASE_BUCKET_NAME\n"
    );
}

#[test]
fn configured_import_style_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    std::fs::write(&path, "[storage]\nimport_style = \"from-module\"\n").unwrap();
    let config = Config::from_file(&path).unwrap();
    assert_eq!(
        rewrite_with(&config, "backend/x.py", "import json\nA = \"anantra-lms-store\"\n").0,
        "import json\nfrom utils.s3_utils import SUPABASE_BUCKET_NAME\nA = SUPABASE_BUCKET_NAME\n"
    );
}

#[test]
fn inside_the_storage_module_the_bare_constant_is_used() {
    let source = "import os\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n\n\ndef f():\n    return \"anantra-lms-store\"\n";
    let (text, findings) = rewrite(STORAGE, source);
    assert_eq!(text, source.replace("return \"anantra-lms-store\"", "return SUPABASE_BUCKET_NAME"));
    assert_eq!(findings, Vec::<String>::new());
}

#[test]
fn crlf_and_bom_survive_an_added_import() {
    let source = "\u{feff}import json\r\nA = \"anantra-lms-store\"\r\n";
    let (text, _) = rewrite("backend/x.py", source);
    assert_eq!(text, "\u{feff}import json\r\nfrom utils import s3_utils\r\nA = s3_utils.SUPABASE_BUCKET_NAME\r\n");
}

#[test]
fn two_configured_buckets_both_become_the_constant() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    std::fs::write(&path, "[buckets]\nnames = [\"anantra-lms-store\", \"anantra-lms-legacy\"]\n").unwrap();
    let config = Config::from_file(&path).unwrap();
    let (text, _) = rewrite_with(
        &config,
        "backend/x.py",
        "from utils import s3_utils\na = \"anantra-lms-legacy\"\nb = f\"s3://anantra-lms-store/{k}\"\n",
    );
    assert_eq!(
        text,
        "from utils import s3_utils\na = s3_utils.SUPABASE_BUCKET_NAME\nb = f\"s3://{s3_utils.SUPABASE_BUCKET_NAME}/{k}\"\n"
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

// ----- rule 3: env lookups outside the storage module -----

#[test]
fn env_lookups_become_the_constant_as_a_whole() {
    assert_eq!(
        rewritten("import os\nfrom utils import s3_utils\na = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\nb = os.environ.get(\"S3_BUCKET_NAME\", 'anantra-lms-store')\n"),
        "import os\nfrom utils import s3_utils\na = s3_utils.SUPABASE_BUCKET_NAME\nb = s3_utils.SUPABASE_BUCKET_NAME\n"
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
        rewritten("from utils import s3_utils\nu = f\"https://anantra-lms-store.s3.amazonaws.com/{key}\"\n"),
        "from utils import s3_utils\nu = f\"https://{s3_utils.SUPABASE_BUCKET_NAME}.s3.amazonaws.com/{key}\"\n"
    );
}

#[test]
fn nested_same_quote_fstrings_of_python_312() {
    assert_eq!(
        rewritten("from utils import s3_utils\nx = f\"{json.dumps({'a': f\"s3://anantra-lms-store/{k}\"})}\"\n"),
        "from utils import s3_utils\nx = f\"{json.dumps({'a': f\"s3://{s3_utils.SUPABASE_BUCKET_NAME}/{k}\"})}\"\n"
    );
}

#[test]
fn plain_strings_become_fstrings_with_braces_doubled() {
    assert_eq!(
        rewritten("from utils import s3_utils\na = \"s3://anantra-lms-store/{}/{}\".format(u, c)\nb = r'C:\\anantra-lms-store\\{x}'\nc = u\"to anantra-lms-store\"\n"),
        "from utils import s3_utils\na = f\"s3://{s3_utils.SUPABASE_BUCKET_NAME}/{{}}/{{}}\".format(u, c)\nb = rf'C:\\{s3_utils.SUPABASE_BUCKET_NAME}\\{{x}}'\nc = f\"to {s3_utils.SUPABASE_BUCKET_NAME}\"\n"
    );
}

#[test]
fn concatenated_plain_and_fstring_parts() {
    assert_eq!(
        rewritten("from utils import s3_utils\nx = \"s3://anantra-lms-store/\" f\"{key}\"\n"),
        "from utils import s3_utils\nx = f\"s3://{s3_utils.SUPABASE_BUCKET_NAME}/\" f\"{key}\"\n"
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
    return \"anantra-lms-store\"
";
    let (text, findings) = rewrite("backend/x.py", source);
    assert_eq!(text, source);
    assert_eq!(findings, ["4:18 bucket-needs-review", "9:14 bucket-needs-review", "14:12 bucket-needs-review"]);
}

#[test]
fn module_level_use_above_the_import_is_reported() {
    let source = "A = \"anantra-lms-store\"\nfrom utils import s3_utils\n";
    assert_eq!(rewrite("backend/x.py", source), (source.to_owned(), vec!["1:5 bucket-needs-review".to_owned()]));
}

#[test]
fn a_clashing_name_blocks_the_new_import() {
    let source = "s3_utils = None\nA = \"anantra-lms-store\"\n";
    assert_eq!(rewrite("backend/x.py", source), (source.to_owned(), vec!["2:5 bucket-needs-review".to_owned()]));
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
    let source = "from utils import s3_utils\na = \"anantra-lms-store\"  # s3-to-supabase: ignore\nb = \"anantra-lms-store\"  # s3-to-supabase: ignore[hardcoded-bucket]\nc = \"anantra-lms-store\"  # s3-to-supabase: ignore[bucket-in-string]\n";
    assert_eq!(
        rewritten(source),
        source.replace("c = \"anantra-lms-store\"", "c = s3_utils.SUPABASE_BUCKET_NAME")
    );
}
