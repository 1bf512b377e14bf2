//! Exact before/after text of the call translation, per call shape, with every family
//! running as the pipeline runs them; must-report cases keep their unit byte-identical.

use crate::config::Config;
use crate::finding::Finding;
use crate::rule::RuleId;
use crate::project_index::StorageDemand;
use crate::rules::testing::{findings_of, findings_with_storage, settle, STORAGE};

const OTHER: &str = "backend/utils/other.py";

/// The storage module's header once the Supabase client is set up beside the S3 client.
const HEADER: &str = "import json
import os

import boto3
from botocore.exceptions import ClientError
from supabase import Client, create_client

SUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")
s3_client = boto3.client(\"s3\")
SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage
";

/// A function whose `try` reads one object: the handlers follow.
const READ_TRY: &str = "

def read(key):
    try:
        return s3_client.get_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)[\"Body\"].read()
";

/// The header after the translation removed the last S3 call (and with it the client).
const MIGRATED: &str = "import json
import os

from supabase import Client, create_client
from storage3.exceptions import StorageApiError

SUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")
SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage
";

fn all(text: &str, display: &str) -> Vec<Finding> {
    findings_of(crate::rules::check_python, &Config::defaults(), text, display)
}

/// Every family to a fixpoint; the text and the findings left, and a second run that
/// must change nothing.
fn migrated(text: &str, display: &str) -> (String, Vec<Finding>) {
    let (out, left) = settle(text, |current| all(current, display));
    let (again, _) = settle(&out, |current| all(current, display));
    assert_eq!(again, out, "a second run changed the output");
    (out, left)
}

/// The differences the first pass's translations of `text` leave, once each.
fn differences_left(text: &str) -> Vec<String> {
    let mut messages: Vec<String> = Vec::new();
    for finding in all(text, STORAGE).into_iter().filter(|finding| finding.rule == RuleId::Boto3Call) {
        for leaf in finding.fix.iter().flat_map(|fix| fix.leaves.iter()) {
            if !messages.contains(&leaf.message) {
                messages.push(leaf.message.clone());
            }
        }
    }
    messages
}

/// The `boto3-call` messages (and whether each has a fix) for `body` after the header,
/// which must stay byte-identical.
fn held_back(body: &str) -> Vec<(String, bool)> {
    let (out, left) = migrated(&format!("{HEADER}{body}"), STORAGE);
    assert!(out.ends_with(body), "the unit must stay byte-identical:\n{out}");
    calls_left(&left)
}

fn calls_left(found: &[Finding]) -> Vec<(String, bool)> {
    found.iter().filter(|finding| finding.rule == RuleId::Boto3Call).map(|finding| (finding.message.clone(), finding.fix.is_some())).collect()
}

#[test]
fn a_file_without_s3_calls_changes_nothing() {
    let text = "import json\n\n\ndef load(path):\n    return json.load(open(path))\n";
    assert_eq!(migrated(text, OTHER), (text.to_owned(), Vec::new()));
}

#[test]
fn a_str_upload_and_a_read_with_its_handler_change_together() {
    let before = format!(
        "{HEADER}

def write(bucket, key):
    s3_client.put_object(Bucket=bucket, Key=key, Body=\"hello\", ContentType=\"text/plain\")


def read(bucket, key):
    try:
        response = s3_client.get_object(Bucket=bucket, Key=key)
        return json.load(response[\"Body\"])
    except ClientError as e:
        if e.response[\"Error\"][\"Code\"] == \"NoSuchKey\":
            return None
        raise
"
    );
    let after = format!(
        "{MIGRATED}

def write(bucket, key):
    storage.from_(bucket).upload(key, \"hello\".encode(\"utf-8\"), {{\"content-type\": \"text/plain\", \"upsert\": \"true\"}})


def read(bucket, key):
    try:
        response = storage.from_(bucket).download(key)
        return json.loads(response)
    except StorageApiError as e:
        if str(e.status) == \"404\" and e.code == \"not_found\":
            return None
        raise
"
    );
    let (out, left) = migrated(&before, STORAGE);
    assert_eq!(out, after);
    assert!(calls_left(&left).is_empty(), "{left:?}");
}

#[test]
fn head_object_and_a_missing_key_404_and_no_content_type() {
    let before = format!(
        "{HEADER}

def exists(bucket, key):
    try:
        s3_client.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as e:
        if e.response[\"Error\"][\"Code\"] == \"404\":
            return False
        raise


def raw(bucket, key, data):
    s3_client.put_object(Bucket=bucket, Key=key, Body=data)
"
    );
    let (out, _) = migrated(&before, STORAGE);
    assert!(out.contains("        storage.from_(bucket).info(key)\n        return True\n    except StorageApiError as e:\n        if str(e.status) == \"404\":\n"), "{out}");
    assert!(out.contains("    storage.from_(bucket).upload(key, _upload_body(data), {\"content-type\": \"binary/octet-stream\", \"upsert\": \"true\"})\n"), "{out}");
    // The helper is added once, after `storage = ...`.
    assert_eq!(out.matches("def _upload_body(body):").count(), 1);
    assert!(out.contains("storage = supabase.storage\n\n\n# -------"), "{out}");
}

#[test]
fn an_error_code_read_after_a_head_is_the_status_s3_gave_as_its_code() {
    let before = format!(
        "{HEADER}

def exists(key):
    try:
        s3_client.head_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)
        return True
    except ClientError as e:
        if int(e.response[\"Error\"][\"Code\"]) == 404:
            return False
        raise
"
    );
    let (out, _) = migrated(&before, STORAGE);
    // `e.code` there would be `not_found`, and `int()` would raise where S3's "404" was False.
    assert!(out.ends_with("        storage.from_(SUPABASE_BUCKET_NAME).info(key)\n        return True\n    except StorageApiError as e:\n        if int(str(e.status)) == 404:\n            return False\n        raise\n"), "{out}");
    assert_eq!(differences_left(&before), Vec::<String>::new());
}

#[test]
fn an_error_code_kept_in_a_variable_reads_as_s3_gave_it_where_the_code_checks_it() {
    let before = format!(
        "{HEADER}{READ_TRY}    except ClientError as e:
        code = e.response[\"Error\"][\"Code\"]
        if code in (\"NoSuchKey\", \"404\"):
            return None
        print(f\"read failed: {{code}}\")
        raise


def size(key):
    try:
        return s3_client.head_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)[\"ContentLength\"]
    except ClientError as e:
        code = e.response[\"Error\"][\"Code\"]
        if code != \"404\":
            raise RuntimeError(code)
        return -1
"
    );
    let (out, _) = migrated(&before, STORAGE);
    assert!(out.contains("    except StorageApiError as e:\n        code = \"NoSuchKey\" if str(e.status) == \"404\" and e.code == \"not_found\" else e.code\n        if code in (\"NoSuchKey\", \"404\"):\n            return None\n        print(f\"read failed: {code}\")\n"), "{out}");
    assert!(out.contains("    except StorageApiError as e:\n        code = str(e.status)\n        if code != \"404\":\n            raise RuntimeError(code)\n"), "{out}");
    assert_eq!(differences_left(&before), ["translated with the other S3 calls of `read`, one difference remains: `code` is now the server's error text (`Bucket not found`, ...) for errors other than a missing key, not S3's code"]);
}

#[test]
fn must_report_an_error_code_in_a_variable_checked_for_another_code() {
    let body = &[READ_TRY, "    except ClientError as e:
        code = e.response[\"Error\"][\"Code\"]
        if code == \"NoSuchKey\":
            return None
        if code == \"AccessDenied\":
            return b\"\"
        raise
"].concat();
    assert_eq!(
        held_back(body)[0],
        ("not translated (`read` changes as one unit): `e.response[\"Error\"][\"Code\"]` is kept in a variable compared with other codes; rewrite it by hand against `e.status`/`e.code`/`e.message`".to_owned(), false)
    );
}

#[test]
fn botocore_errors_become_httpx_errors_what_supabase_py_raises_when_no_answer_comes() {
    let before = format!(
        "{HEADER}{READ_TRY}    except (ClientError, BotoCoreError) as e:
        print(e)
        return None


def size(key):
    try:
        return s3_client.head_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)[\"ContentLength\"]
    except ClientError:
        return -1
    except BotoCoreError:
        return -2
"
    )
    .replace("import ClientError\n", "import BotoCoreError, ClientError\n");
    let (out, _) = migrated(&before, STORAGE);
    assert!(out.contains("\nfrom storage3.exceptions import StorageApiError\nimport httpx\n\nSUPABASE_BUCKET_NAME = "), "{out}");
    assert!(!out.contains("botocore"), "{out}");
    assert!(out.contains("    except (StorageApiError, httpx.HTTPError) as e:\n        print(e)\n"), "{out}");
    assert!(out.contains("    except StorageApiError:\n        return -1\n    except httpx.HTTPError:\n        return -2\n"), "{out}");
    let note = "`BotoCoreError` is now `httpx.HTTPError`, what supabase-py raises when no answer comes (no connection, a timeout); boto3's other client-side errors (missing credentials, invalid parameters) have no counterpart there";
    assert_eq!(differences_left(&before), [format!("translated with the other S3 calls of `read`, one difference remains: {note}"), format!("translated with the other S3 calls of `size`, one difference remains: {note}")]);
}

#[test]
fn must_report_a_botocore_error_where_httpx_means_something_else() {
    let body = "

def read(key, httpx=None):
    try:
        return s3_client.get_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)[\"Body\"].read()
    except (ClientError, BotoCoreError):
        return httpx
";
    let before = format!("{HEADER}{body}").replace("import ClientError\n", "import BotoCoreError, ClientError\n");
    let (out, left) = migrated(&before, STORAGE);
    assert!(out.ends_with(body), "the unit must stay byte-identical:\n{out}");
    assert_eq!(
        calls_left(&left)[0],
        ("not translated (`read` changes as one unit): `BotoCoreError` becomes `httpx.HTTPError`, but `httpx` is bound to something else here (line 16); rename that, then rerun".to_owned(), false)
    );
}

#[test]
fn list_objects_the_first_version_translates_as_list_objects_v2_does() {
    let before = format!(
        "{HEADER}

def keys(prefix):
    response = s3_client.list_objects(Bucket=SUPABASE_BUCKET_NAME, Prefix=prefix)
    return [item[\"Key\"] for item in response.get(\"Contents\", [])]


def sizes(prefix):
    paginator = s3_client.get_paginator(\"list_objects\")
    return [obj[\"Size\"] for page in paginator.paginate(Bucket=SUPABASE_BUCKET_NAME, Prefix=prefix) for obj in page.get(\"Contents\", [])]
"
    );
    let (out, left) = migrated(&before, STORAGE);
    assert!(out.contains("\n\ndef keys(prefix):\n    response = list(_walk_objects(SUPABASE_BUCKET_NAME, prefix))\n    return [item[\"Key\"] for item in response]\n"), "{out}");
    assert!(out.contains("\n\ndef sizes(prefix):\n    return [obj[\"Size\"] for page in _list_object_pages(SUPABASE_BUCKET_NAME, prefix) for obj in page]\n"), "{out}");
    assert!(calls_left(&left).is_empty(), "{left:?}");
}

#[test]
fn must_report_key_count_of_list_objects_which_has_none() {
    let body = "

def count(prefix):
    return s3_client.list_objects(Bucket=SUPABASE_BUCKET_NAME, Prefix=prefix)[\"KeyCount\"]
";
    assert_eq!(
        held_back(body),
        [("not translated (`count` changes as one unit): the listing's response is read for fields the translation does not give (only Contents/KeyCount/CommonPrefixes)".to_owned(), false)]
    );
}

#[test]
fn no_such_bucket_after_a_get_is_the_servers_bucket_not_found() {
    let before = format!(
        "{HEADER}{READ_TRY}    except ClientError as e:
        if e.response[\"Error\"][\"Code\"] in (\"NoSuchKey\", \"NoSuchBucket\"):
            return None
        if e.response[\"Error\"][\"Code\"] == \"NoSuchBucket\" or e.response[\"Error\"][\"Code\"] != \"NoSuchKey\":
            raise
        return b\"\"
"
    );
    let (out, _) = migrated(&before, STORAGE);
    assert!(
        out.contains(
            "    except StorageApiError as e:
        if str(e.status) == \"404\" and e.code in (\"not_found\", \"Bucket not found\"):
            return None
        if (str(e.status) == \"404\" and e.code == \"Bucket not found\") or not (str(e.status) == \"404\" and e.code == \"not_found\"):
            raise
"
        ),
        "{out}"
    );
}

#[test]
fn a_no_such_key_handler_bound_to_a_name_keeps_it_for_the_supabase_error() {
    let before = format!(
        "{HEADER}{READ_TRY}    except s3_client.exceptions.NoSuchKey as err:
        print(key, err.response[\"Error\"][\"Message\"])
        return None


def read_or_fail(key):
    try:
        return s3_client.get_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)[\"Body\"].read()
    except s3_client.exceptions.NoSuchKey as e:
        return None
    except ClientError as e:
        raise RuntimeError(e)
"
    );
    let (out, left) = migrated(&before, STORAGE);
    assert!(
        out.ends_with(
            "
def read(key):
    try:
        return storage.from_(SUPABASE_BUCKET_NAME).download(key)
    except StorageApiError as err:
        if not (str(err.status) == \"404\" and err.code == \"not_found\"):
            raise
        print(key, err.message)
        return None


def read_or_fail(key):
    try:
        return storage.from_(SUPABASE_BUCKET_NAME).download(key)
    except StorageApiError as e:
        if str(e.status) == \"404\" and e.code == \"not_found\":
            return None
        raise RuntimeError(e)
"
        ),
        "{out}"
    );
    assert!(calls_left(&left).is_empty(), "{left:?}");
}

#[test]
fn must_report_no_such_key_and_client_error_handlers_bound_to_two_names() {
    let body = &[READ_TRY, "    except s3_client.exceptions.NoSuchKey as missing:
        return None
    except ClientError as e:
        raise RuntimeError(e)
"].concat();
    assert_eq!(
        held_back(body)[0],
        ("not translated (`read` changes as one unit): a `NoSuchKey` handler bound to `missing` and a `ClientError` handler bound to `e` become one handler: give them one name, then rerun".to_owned(), false)
    );
}

#[test]
fn an_http_status_kept_in_a_variable_is_the_servers_status_as_a_number() {
    let before = format!(
        "{HEADER}{READ_TRY}    except ClientError as e:
        status = e.response[\"ResponseMetadata\"][\"HTTPStatusCode\"]
        if status != 404:
            print(\"read failed with\", status)
            raise
        return None
"
    );
    let (out, _) = migrated(&before, STORAGE);
    assert!(out.contains("    except StorageApiError as e:\n        status = int(e.status)\n        if status != 404:\n            print(\"read failed with\", status)\n"), "{out}");
    assert_eq!(
        differences_left(&before),
        ["translated with the other S3 calls of `read`, one difference remains: `status` is now the status the server gives, the same as S3's for a missing object (404), not always for other errors"]
    );
    let body = &[READ_TRY, "    except ClientError as e:
        status = e.response[\"ResponseMetadata\"][\"HTTPStatusCode\"]
        if status == 403:
            return b\"\"
        raise
"].concat();
    assert_eq!(
        held_back(body)[0],
        ("not translated (`read` changes as one unit): `e.response[\"ResponseMetadata\"][\"HTTPStatusCode\"]` is kept in a variable compared with something other than 404; rewrite it by hand against `e.status`/`e.code`/`e.message`".to_owned(), false)
    );
}

#[test]
fn a_continuation_token_loop_becomes_one_walk() {
    let before = format!(
        "{HEADER}

def keys(bucket, prefix):
    found = []
    kwargs = {{\"Bucket\": bucket, \"Prefix\": prefix}}
    while True:
        response = s3_client.list_objects_v2(**kwargs)
        for obj in response.get(\"Contents\", []):
            found.append(obj[\"Key\"])
        if not response.get(\"IsTruncated\"):
            break
        kwargs[\"ContinuationToken\"] = response[\"NextContinuationToken\"]
    return found
"
    );
    let (out, left) = migrated(&before, STORAGE);
    assert!(out.ends_with("def keys(bucket, prefix):\n    found = []\n    for obj in _walk_objects(bucket, prefix):\n        found.append(obj[\"Key\"])\n    return found\n"), "{out}");
    assert!(out.contains("import itertools\nimport json\n"), "{out}");
    assert!(calls_left(&left).is_empty());
}

#[test]
fn a_loop_paging_through_a_token_variable_becomes_one_walk() {
    // The token is set at the end of the loop, after the `IsTruncated` check, and put
    // into the arguments at its start; its `None` before the loop goes with the loop.
    let before = format!(
        "{HEADER}

def keys(bucket, prefix):
    found = []
    token = None
    while True:
        kwargs = {{\"Bucket\": bucket, \"Prefix\": prefix}}
        if token:
            kwargs[\"ContinuationToken\"] = token
        response = s3_client.list_objects_v2(**kwargs)
        for obj in response.get(\"Contents\", []):
            found.append(obj[\"Key\"])
        if not response.get(\"IsTruncated\"):
            break
        token = response.get(\"NextContinuationToken\")
    return found
"
    );
    let (out, left) = migrated(&before, STORAGE);
    assert!(out.ends_with("def keys(bucket, prefix):\n    found = []\n    for obj in _walk_objects(bucket, prefix):\n        found.append(obj[\"Key\"])\n    return found\n"), "{out}");
    assert!(calls_left(&left).is_empty());
}

/// The pages of a `Delimiter="/"` paginator read only for their sub-folders are one
/// `for` over every sub-folder; read any other way (their Contents are one level's keys,
/// which no helper gives), or around a comment the one loop would drop, they stay.
#[test]
fn a_sub_folder_paginator_becomes_one_loop_over_every_sub_folder() {
    let before = format!(
        "{HEADER}

def course_ids(prefix):
    paginator = s3_client.get_paginator(\"list_objects_v2\")
    ids = []
    for page in paginator.paginate(Bucket=SUPABASE_BUCKET_NAME, Prefix=prefix, Delimiter=\"/\"):
        for folder in page.get(\"CommonPrefixes\", []):
            ids.append(folder[\"Prefix\"][len(prefix):].rstrip(\"/\"))
    return ids
"
    );
    let (out, left) = migrated(&before, STORAGE);
    assert!(
        out.ends_with("def course_ids(prefix):\n    ids = []\n    for folder in _list_subfolders(SUPABASE_BUCKET_NAME, prefix):\n        ids.append(folder[\"Prefix\"][len(prefix):].rstrip(\"/\"))\n    return ids\n"),
        "{out}"
    );
    assert!(calls_left(&left).is_empty(), "{left:?}");
    let held = "

def level_keys(prefix):
    paginator = s3_client.get_paginator(\"list_objects_v2\")
    for page in paginator.paginate(Bucket=SUPABASE_BUCKET_NAME, Prefix=prefix, Delimiter=\"/\"):
        for obj in page.get(\"Contents\", []):
            print(obj[\"Key\"])


def noted(prefix):
    paginator = s3_client.get_paginator(\"list_objects_v2\")
    for page in paginator.paginate(Bucket=SUPABASE_BUCKET_NAME, Prefix=prefix, Delimiter=\"/\"):
        # one line per course
        for folder in page.get(\"CommonPrefixes\", []):
            print(folder[\"Prefix\"])


def token_noted(prefix):
    kwargs = {\"Bucket\": SUPABASE_BUCKET_NAME, \"Prefix\": prefix}
    while True:
        response = s3_client.list_objects_v2(**kwargs)
        # every key of this page
        for obj in response.get(\"Contents\", []):
            print(obj[\"Key\"])
        if not response.get(\"IsTruncated\"):
            break
        kwargs[\"ContinuationToken\"] = response[\"NextContinuationToken\"]
";
    let before = format!("{HEADER}{held}");
    let (out, left) = migrated(&before, STORAGE);
    assert_eq!(out, before, "every unit stays byte-identical");
    let by_hand = "rewrite it as one `for` over `_list_subfolders(...)` by hand";
    assert_eq!(
        left_of(&out, &left, RuleId::Boto3Call),
        [
            ("18:5".to_owned(), format!("not translated (`level_keys` changes as one unit): the loop over a sub-folder paginator's pages reads `page` other than as one `for` over `page.get(\"CommonPrefixes\", [])`; {by_hand}")),
            ("25:5".to_owned(), format!("not translated (`noted` changes as one unit): the loop over a sub-folder paginator's pages holds comments outside its inner `for`, which one loop would drop; {by_hand}")),
            ("33:5".to_owned(), "not translated (`token_noted` changes as one unit): the loop around `list_objects_v2` holds comments outside its `for`, which one listing would drop; rewrite it as one listing by hand".to_owned()),
        ]
    );
}

#[test]
fn a_function_the_storage_module_passes_an_unlisted_bucket_stays_on_s3() {
    // Translated, `read_text` would look for "legacy-notes" on Supabase, where
    // `migrate-data` copies nothing of it.
    let before = format!(
        "{HEADER}

def read_text(bucket, key):
    return s3_client.get_object(Bucket=bucket, Key=key)[\"Body\"].read().decode()


def legacy_note(key):
    return read_text(\"legacy-notes\", key)
"
    );
    let (out, left) = migrated(&before, STORAGE);
    assert_eq!(out, before);
    let why = "line 21 passes `read_text` the bucket \"legacy-notes\", which is not in buckets.names, so the function stays on S3; add it to buckets.names (with its own constant in [buckets.constants]) if it moves to Supabase (a bucket that is nowhere, as a test's, takes `# s3-to-supabase: ignore[unlisted-bucket]` on that line)";
    assert_eq!(calls_left(&left), [(format!("not translated (`read_text` changes as one unit): {why}"), false)]);
}

#[test]
fn must_report_an_argument_without_equivalent_holds_the_whole_function() {
    let body = "

def publish(bucket, key):
    s3_client.put_object(Bucket=bucket, Key=key, Body=b\"x\", ACL=\"public-read\")
    return s3_client.get_object(Bucket=bucket, Key=key)[\"Body\"].read()
";
    assert_eq!(
        held_back(body),
        [
            ("not translated (`publish` changes as one unit): argument `ACL`: Supabase has no object ACLs: make the bucket public or private, and control access with RLS policies on storage.objects".to_owned(), false),
            ("`s3_client.get_object(...)` is held back with the rest of `publish` by line 17; resolve that finding, then rerun".to_owned(), false),
        ]
    );
}

#[test]
fn must_report_paging_by_hand_outside_a_loop_it_follows() {
    // Two calls, one with the token: not one call in a `while True:` loop.
    let body = "

def keys(bucket, prefix, token=None):
    if token:
        return s3_client.list_objects_v2(Bucket=bucket, Prefix=prefix, ContinuationToken=token)
    return s3_client.list_objects_v2(Bucket=bucket, Prefix=prefix)
";
    assert_eq!(
        held_back(body)[0].0,
        "not translated (`keys` changes as one unit): argument `ContinuationToken`: Supabase pages its own way, and the translation follows paging only as one `list_objects_v2` call in a `while True:` loop (the token in the arguments or in a variable): rewrite the paging that way and rerun, or list every key below the prefix through the storage module"
    );
}

#[test]
fn must_report_handlers_stay_while_their_calls_stay() {
    let body = "

def copy(bucket, key):
    try:
        s3_client.copy_object(Bucket=bucket, Key=key, CopySource=bucket + \"/\" + key)
    except ClientError as e:
        return e.response[\"Error\"][\"Code\"]
";
    let before = format!("{HEADER}{body}");
    let (out, left) = migrated(&before, STORAGE);
    assert!(out.ends_with(body), "{out}");
    assert!(out.contains("from botocore.exceptions import ClientError\n"));
    assert_eq!(calls_left(&left).len(), 1);
    assert!(calls_left(&left)[0].0.contains("a CopySource other than"), "{left:?}");
}

#[test]
fn must_report_a_function_of_its_own_under_a_helper_name() {
    let body = "

def _remove_objects(bucket_name, keys):
    print(bucket_name, keys)


def drop(bucket, key):
    s3_client.delete_object(Bucket=bucket, Key=key)
";
    assert_eq!(
        held_back(body),
        [("not translated (`drop` changes as one unit): its exact translation calls `_remove_objects`, but `_remove_objects` is a name the storage module binds to its own code (line 16), not to the helper apply adds; rename that, then rerun".to_owned(), false)]
    );
}

#[test]
fn a_helper_an_earlier_apply_added_is_called_again() {
    let held = "\n\ndef copy(bucket, key):\n    s3_client.copy_object(Bucket=bucket, Key=key, CopySource=bucket + \"/\" + key)\n";
    let drop = "\n\ndef drop(bucket, key):\n    s3_client.delete_object(Bucket=bucket, Key=key)\n";
    let (first, _) = migrated(&format!("{HEADER}{held}{drop}"), STORAGE);
    assert_eq!(first.matches("\ndef _remove_objects(").count(), 1, "{first}");
    for nl in ["\n", "\r\n"] {
        let later = format!("{first}{}", drop.replace("drop(", "drop_again("));
        let (out, left) = migrated(&later.replace('\n', nl), STORAGE);
        assert!(out.ends_with(&"\n\ndef drop_again(bucket, key):\n    _remove_objects(bucket, [key])\n".replace('\n', nl)), "{out}");
        assert_eq!(out.matches("def _remove_objects(").count(), 1, "{out}");
        assert_eq!(calls_left(&left).len(), 1, "only `copy` stays: {left:?}");
    }
}

#[test]
fn outside_the_storage_module_a_helper_is_called_through_it() {
    let text = "import boto3\n\nimport utils.s3_utils as s3_utils\n\n\ndef drop(bucket, key):\n    s3 = boto3.client(\"s3\")\n    s3.delete_object(Bucket=bucket, Key=key)\n";
    let (out, left) = migrated(text, OTHER);
    assert_eq!(out, "import utils.s3_utils as s3_utils\n\n\ndef drop(bucket, key):\n    s3_utils._remove_objects(bucket, [key])\n");
    assert!(calls_left(&left).is_empty(), "{left:?}");
}

#[test]
fn must_report_a_helper_when_the_storage_module_is_not_among_the_paths() {
    let text = "import boto3\n\nimport utils.s3_utils as s3_utils\n\ns3 = boto3.client(\"s3\")\n\n\ndef drop(bucket, key):\n    s3.delete_object(Bucket=bucket, Key=key)\n";
    let left = findings_with_storage(crate::rules::check_python, &Config::defaults(), text, OTHER, None);
    let messages = calls_left(&left);
    assert_eq!(
        messages,
        [("not translated (`drop` changes as one unit): its exact translation calls `_remove_objects`, a helper the storage module gets when it is among the paths; run on the whole project".to_owned(), false)]
    );
}

#[test]
fn the_storage_module_gets_the_helpers_other_files_call() {
    let demand = StorageDemand { helpers: ["_copy_object".to_owned()].into(), reached: Default::default() };
    let text = MIGRATED.to_owned();
    let (out, left) = settle(&text, |current| findings_with_storage(crate::rules::check_python, &Config::defaults(), current, STORAGE, Some(demand.clone())));
    // `_copy_object` and the `_head_object` it calls, once, after `storage = ...`.
    assert!(out.starts_with(&MIGRATED.replace("import json\n", "from datetime import datetime\nimport json\n")), "{out}");
    assert_eq!(out.matches("\ndef _copy_object(").count(), 1, "{out}");
    assert_eq!(out.matches("\ndef _head_object(").count(), 1, "{out}");
    assert!(calls_left(&left).is_empty(), "{left:?}");
}

#[test]
fn the_helpers_end_two_blank_lines_above_the_statement_after_them() {
    let demand = StorageDemand { helpers: ["_head_object".to_owned()].into(), reached: Default::default() };
    for (between, kept) in [("", "\n\n"), ("\n", "\n\n"), ("\n\n\n", "\n\n\n")] {
        let text = format!("{MIGRATED}{between}BUCKET = SUPABASE_BUCKET_NAME\n");
        let (out, _) = settle(&text, |current| findings_with_storage(crate::rules::check_python, &Config::defaults(), current, STORAGE, Some(demand.clone())));
        assert!(out.contains(&format!("        \"CacheControl\": info[\"cache_control\"],\n    }}\n{kept}BUCKET = SUPABASE_BUCKET_NAME\n")), "{between:?}: {out}");
    }
}

#[test]
fn helper_imports_after_a_module_docstring_leave_its_empty_line() {
    let demand = StorageDemand { helpers: ["_copy_object".to_owned()].into(), reached: Default::default() };
    let text = format!("\"\"\"Storage.\"\"\"\n{MIGRATED}");
    let (out, _) = settle(&text, |current| findings_with_storage(crate::rules::check_python, &Config::defaults(), current, STORAGE, Some(demand.clone())));
    assert!(out.starts_with("\"\"\"Storage.\"\"\"\n\nfrom datetime import datetime\nimport json\nimport os\n"), "{out}");
}

/// The audit's m33: the helpers' imports went above `from __future__ import annotations`,
/// a SyntaxError when Python compiles the module (the parser accepts it).
#[test]
fn helper_imports_go_below_a_future_import() {
    let demand = StorageDemand { helpers: ["_copy_object".to_owned()].into(), reached: Default::default() };
    let text = format!("from __future__ import annotations\n\n{MIGRATED}");
    let (out, _) = settle(&text, |current| findings_with_storage(crate::rules::check_python, &Config::defaults(), current, STORAGE, Some(demand.clone())));
    assert!(out.starts_with("from __future__ import annotations\n\nfrom datetime import datetime\nimport json\nimport os\n"), "{out}");
}

#[test]
fn the_storage_client_other_files_still_use_is_kept() {
    let demand = StorageDemand { helpers: Default::default(), reached: ["s3_client".to_owned()].into() };
    let before = format!("{HEADER}\n\ndef drop(bucket, key):\n    s3_client.delete_object(Bucket=bucket, Key=key)\n");
    let (out, left) = settle(&before, |current| findings_with_storage(crate::rules::check_python, &Config::defaults(), current, STORAGE, Some(demand.clone())));
    assert!(out.contains("\ns3_client = boto3.client(\"s3\")\n"), "{out}");
    assert!(out.contains("    _remove_objects(bucket, [key])\n"), "{out}");
    let kept: Vec<&str> = left.iter().filter(|finding| finding.rule == RuleId::Boto3Client).map(|finding| finding.message.as_str()).collect();
    assert_eq!(kept, ["boto3 S3 client `s3_client` has no use left here, but other files of this run still name it; translate their uses (boto3-call), then rerun to remove it"]);
}

#[test]
fn must_stay_silent_calls_on_objects_that_are_not_s3() {
    let text = "import boto3\n\nsqs = boto3.client(\"sqs\")\n\n\ndef send(queue):\n    sqs.send_message(QueueUrl=queue, MessageBody=\"x\")\n\n\nclass Registry:\n    def put_object(self, **kwargs):\n        return kwargs\n\n\nRegistry().put_object(Bucket=\"b\", Key=\"k\")\n";
    assert!(calls_left(&all(text, STORAGE)).is_empty());
}

#[test]
fn a_folder_placeholder_only_checks_the_bucket() {
    let before = format!(
        "{HEADER}

def folder(bucket, user):
    key = f\"users/{{user}}/\"
    s3_client.put_object(Bucket=bucket, Key=key, Body=b\"\")
    return key
"
    );
    let (out, _) = migrated(&before, STORAGE);
    assert!(out.ends_with("    key = f\"users/{user}/\"\n    storage.get_bucket(bucket)\n    return key\n"), "{out}");
}

#[test]
fn the_fixture_storage_module_translates_completely() {
    let text = include_str!("../../../fixtures/lms-backend/backend/utils/s3_utils.py");
    let config = crate::rules::testing::fixture_config();
    let (out, left) = settle(text, |current| findings_of(crate::rules::check_python, &config, current, STORAGE));
    assert!(calls_left(&left).is_empty(), "{:#?}", calls_left(&left));
    assert!(!out.contains("s3_client"), "{out}");
    assert!(!out.contains("ClientError"), "{out}");
    // No other file names the resource: it goes with boto3's import.
    assert!(!out.contains("s3_resource") && !out.contains("import boto3"), "{out}");
}

#[test]
fn the_storage_modules_resource_other_files_name_is_kept() {
    let demand = StorageDemand { helpers: Default::default(), reached: ["s3_resource".to_owned()].into() };
    let before = format!("{MIGRATED}s3_resource = boto3.resource(\"s3\")\n\n\ndef read(bucket, key):\n    return s3_resource.Object(bucket, key).get()[\"Body\"].read()\n").replace("import os\n", "import os\n\nimport boto3\n");
    let (out, left) = settle(&before, |current| findings_with_storage(crate::rules::check_python, &Config::defaults(), current, STORAGE, Some(demand.clone())));
    assert!(out.contains("\ns3_resource = boto3.resource(\"s3\")\n"), "{out}");
    assert!(out.ends_with("    return storage.from_(bucket).download(key)\n"), "{out}");
    let kept: Vec<(&str, &str)> = left.iter().filter(|finding| finding.rule.as_str().starts_with("boto3")).map(|finding| (finding.rule.as_str(), finding.message.as_str())).collect();
    assert_eq!(
        kept,
        [
            ("boto3-import", "`boto3` is used only to build `s3_resource` (line 14), which has no use left but stays (see its finding); the import goes with it"),
            ("boto3-client", "boto3 S3 resource `s3_resource` has no use left here, but other files of this run still name it; translate their uses (boto3-call), then rerun to remove it"),
        ]
    );
}

#[test]
fn must_report_each_operation_and_argument_without_equivalent_with_what_to_use() {
    let operations = [
        ("s3_client.create_multipart_upload(Bucket=b, Key=k)", "`create_multipart_upload`: multipart uploads have no supabase-py equivalent: upload the whole body with `upload` (up to the project's size limit) or use Supabase's resumable (TUS) uploads"),
        ("s3_client.put_object_acl(Bucket=b, Key=k, ACL=\"public-read\")", "`put_object_acl`: Supabase has no ACLs: make the bucket public or private (`update_bucket`) and control access with RLS policies"),
        ("s3_client.put_object_tagging(Bucket=b, Key=k, Tagging={})", "`put_object_tagging`: Supabase has no object tags: keep them in the upload's \"metadata\" or in a table"),
        ("s3_client.put_bucket_versioning(Bucket=b, VersioningConfiguration={})", "`put_bucket_versioning`: Supabase has no object versioning: keep versions under their own keys"),
        ("s3_client.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={})", "`put_bucket_encryption`: Supabase encrypts stored objects itself; there is nothing to configure"),
        ("s3_client.generate_presigned_post(Bucket=b, Key=k)", "`generate_presigned_post`: there is no presigned POST: use `create_signed_upload_url(path)` and upload with `upload_to_signed_url(path, token, file)`"),
        ("s3_client.put_object(Bucket=b, Key=k, Body=b\"x\", ServerSideEncryption=\"AES256\")", "argument `ServerSideEncryption`: Supabase encrypts stored objects itself and has no per-object keys: drop the argument by hand if that is acceptable"),
        ("s3_client.put_object(Bucket=b, Key=k, Body=b\"x\", Tagging=\"a=1\")", "argument `Tagging`: Supabase has no object tags: keep them in the upload's \"metadata\" or in a table"),
        ("s3_client.get_object(Bucket=b, Key=k, VersionId=v)", "argument `VersionId`: Supabase has no object versions: keep versions under their own keys"),
    ];
    for (call, why) in operations {
        let body = format!("\n\ndef op(b, k, v):\n    return {call}\n");
        let before = format!("{HEADER}{body}");
        let (out, left) = migrated(&before, STORAGE);
        assert!(out.ends_with(&body), "the unit must stay byte-identical:\n{out}");
        assert_eq!(calls_left(&left), [(format!("not translated (`op` changes as one unit): {why}"), false)], "{call}");
    }
}

#[test]
fn a_listed_objects_delete_removes_its_key() {
    let text = "import boto3\n\nimport utils.s3_utils as s3_utils\n\nBUCKET = s3_utils.SUPABASE_BUCKET_NAME\n\n\ndef purge(prefix):\n    bucket = boto3.resource(\"s3\").Bucket(BUCKET)\n    removed = 0\n    for obj in bucket.objects.filter(Prefix=prefix):\n        obj.delete()\n        removed += 1\n    return removed\n";
    let (out, left) = migrated(text, OTHER);
    assert_eq!(
        out,
        "import utils.s3_utils as s3_utils\n\nBUCKET = s3_utils.SUPABASE_BUCKET_NAME\n\n\ndef purge(prefix):\n    removed = 0\n    for obj in s3_utils._walk_objects(BUCKET, prefix):\n        s3_utils._remove_objects(BUCKET, [obj[\"Key\"]])\n        removed += 1\n    return removed\n"
    );
    assert!(calls_left(&left).is_empty(), "{left:?}");
}

/// A `try` whose body only iterates a collection listing guards requests (the iteration
/// makes them): its handler changes in the fix that translates the listing, and while
/// the listing is held back its finding says by what. (A listing is a construction, so
/// such a `try` was in no unit: its `except ClientError` stayed, silently, around a walk
/// that raises `StorageApiError`.) Shapes that were already right and stay so: a `try`
/// in a `with`, in a loop, in a nested function, around a call of a nested function or
/// of another function of the file, a `try`/`finally` without handlers, module level and
/// class bodies.
#[test]
fn a_try_around_a_listing_alone_changes_with_it() {
    let text = "import boto3\nfrom botocore.exceptions import ClientError\n\nimport utils.s3_utils as s3_utils\n\nBUCKET = s3_utils.SUPABASE_BUCKET_NAME\n\n\ndef keys(prefix):\n    try:\n        return [obj.key for obj in boto3.resource(\"s3\").Bucket(BUCKET).objects.filter(Prefix=prefix)]\n    except ClientError:\n        return []\n\n\ndef sizes(prefix):\n    total = 0\n    try:\n        for obj in boto3.resource(\"s3\").Bucket(BUCKET).objects.filter(Prefix=prefix):\n            total += obj.size\n    except ClientError:\n        return -1\n    return total\n";
    let (out, left) = migrated(text, OTHER);
    assert_eq!(
        out,
        "import utils.s3_utils as s3_utils\nfrom storage3.exceptions import StorageApiError\n\nBUCKET = s3_utils.SUPABASE_BUCKET_NAME\n\n\ndef keys(prefix):\n    try:\n        return [obj[\"Key\"] for obj in s3_utils._walk_objects(BUCKET, prefix)]\n    except StorageApiError:\n        return []\n\n\ndef sizes(prefix):\n    total = 0\n    try:\n        for obj in s3_utils._walk_objects(BUCKET, prefix):\n            total += obj[\"Size\"]\n    except StorageApiError:\n        return -1\n    return total\n"
    );
    assert!(left.is_empty(), "{left:#?}");
    // Held back: the handler stays, and its finding names the calls and what holds them
    // (at their lines once `keys` is translated: one import line more above them).
    let held = text.replace("obj.size", "obj.storage_class");
    let (out, left) = migrated(&held, OTHER);
    assert!(out.ends_with("    except ClientError:\n        return -1\n    return total\n"), "{out}");
    let handlers: Vec<&str> = left.iter().filter(|finding| finding.rule == RuleId::ClientError).map(|finding| finding.message.as_str()).collect();
    assert_eq!(
        handlers,
        ["`except ClientError` catches boto3's errors from S3 calls still made with boto3: `boto3.resource(\"s3\").Bucket(...)` (line 20), `boto3.resource(\"s3\").Bucket(BUCKET).objects.filter(...)` (line 20); it stays as it is and changes in the same fix that translates them, once what line 21:22 reports is resolved"]
    );
}

#[test]
fn must_report_a_listed_objects_delete_with_arguments_or_a_used_response() {
    for (delete, message) in [
        ("obj.delete(MFA=mfa)", "argument `MFA`: it has no supabase-py equivalent this translation knows; rewrite the call by hand"),
        ("print(obj.delete())", "`obj.delete(...)` has its response used; rewrite it by hand as `_remove_objects(bucket, [obj[\"Key\"]])`"),
    ] {
        let text = format!("import boto3\n\nimport utils.s3_utils as s3_utils\n\n\ndef purge(prefix, mfa):\n    for obj in boto3.resource(\"s3\").Bucket(\"b\").objects.filter(Prefix=prefix):\n        {delete}\n");
        let (out, left) = migrated(&text, OTHER);
        assert_eq!(out, text);
        assert!(calls_left(&left).iter().any(|(found, _)| found == &format!("not translated (`purge` changes as one unit): {message}")), "{left:#?}");
    }
}

#[test]
fn a_batch_delete_first_under_a_length_test_is_translated() {
    for guard in ["(n := len(keys)) > 0", "len(keys)", "keys", "0 < len(keys)", "len(keys) >= 1"] {
        let before = format!(
            "{HEADER}

def clear(prefix, names):
    keys = [{{\"Key\": prefix + name}} for name in names]
    if {guard}:
        s3_client.delete_objects(Bucket=SUPABASE_BUCKET_NAME, Delete={{\"Objects\": keys}})
    return len(keys)
"
        );
        let (out, left) = migrated(&before, STORAGE);
        assert!(out.ends_with(&format!("    if {guard}:\n        _remove_objects(SUPABASE_BUCKET_NAME, [obj[\"Key\"] for obj in keys])\n    return len(keys)\n")), "{out}");
        assert!(calls_left(&left).is_empty(), "{guard}: {left:?}");
    }
}

#[test]
fn must_report_a_batch_delete_whose_guard_does_not_show_it_non_empty() {
    let cases = [
        // A parameter: `if keys:` of a generator is true even when it yields nothing.
        ("def clear(bucket, keys):\n    if keys:\n", "        s3_client.delete_objects(Bucket=bucket, Delete={\"Objects\": keys})\n"),
        // Something runs between the test and the call.
        ("def clear(bucket, keys):\n    if len(keys) > 0:\n        keys.clear()\n", "        s3_client.delete_objects(Bucket=bucket, Delete={\"Objects\": keys})\n"),
        // Another sequence is tested.
        ("def clear(bucket, keys, other):\n    if len(other) > 0:\n", "        s3_client.delete_objects(Bucket=bucket, Delete={\"Objects\": keys})\n"),
        // Rebound after the test could see it.
        ("def clear(bucket, keys):\n    keys = list(keys)\n    if len(keys) > 1:\n", "        s3_client.delete_objects(Bucket=bucket, Delete={\"Objects\": keys})\n"),
    ];
    for (head, call) in cases {
        let body = format!("\n\n{head}{call}");
        let before = format!("{HEADER}{body}");
        let (out, left) = migrated(&before, STORAGE);
        assert!(out.ends_with(&body), "{out}");
        assert!(
            calls_left(&left).iter().any(|(found, _)| found.ends_with("the batch may be empty, which remove() refuses (S3 accepted it): guard the call with `if <keys>:` by hand, then rerun")),
            "{head}: {left:#?}"
        );
    }
}

#[test]
fn a_one_page_listing_read_for_its_keys_goes_through_the_key_lister() {
    // The fixture's storage module lists keys with `list_objects_in_folder`.
    let storage = StorageDemand::default();
    let text = "import boto3\n\nfrom utils import s3_utils\n\n\ndef sessions(bucket, prefix):\n    s3 = boto3.client(\"s3\")\n    response = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)\n    keys = [obj[\"Key\"] for obj in response.get(\"Contents\", [])]\n    return [key.rsplit(\"/\", 1)[-1] for key in keys]\n";
    let (out, left) = settle(text, |current| findings_with_storage(crate::rules::check_python, &Config::defaults(), current, OTHER, Some(storage.clone())));
    assert_eq!(
        out,
        "from utils import s3_utils\n\n\ndef sessions(bucket, prefix):\n    response = s3_utils.list_objects_in_folder(bucket, prefix)\n    keys = [obj for obj in response]\n    return [key.rsplit(\"/\", 1)[-1] for key in keys]\n"
    );
    assert!(calls_left(&left).is_empty(), "{left:?}");
    // An entry read for more than its key is not in a list of keys.
    let size = text.replace("[obj[\"Key\"] for obj", "[(obj[\"Key\"], obj[\"Size\"]) for obj");
    let (out, left) = settle(&size, |current| findings_with_storage(crate::rules::check_python, &Config::defaults(), current, OTHER, Some(storage.clone())));
    assert_eq!(out, size);
    assert!(calls_left(&left).iter().any(|(found, _)| found.contains("the listing's response `response` is read here for something the translation does not give")), "{left:#?}");
}

#[test]
fn must_report_each_aioboto3_call_with_its_async_supabase_equivalent() {
    let text = "import aioboto3

session = aioboto3.Session()


async def read(bucket, key):
    async with session.client(\"s3\") as s3:
        response = await s3.get_object(Bucket=bucket, Key=key)
        return await response[\"Body\"].read()


async def write(bucket, key, data):
    async with session.client(\"s3\") as s3:
        await s3.put_object(Bucket=bucket, Key=key, Body=data)
        await s3.delete_object(Bucket=bucket, Key=key + \".old\")


async def keys(bucket, prefix):
    async with session.client(\"s3\") as s3:
        paginator = s3.get_paginator(\"list_objects_v2\")
        async for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            yield page
";
    let (out, left) = migrated(text, OTHER);
    assert_eq!(out, text, "async code stays as it is");
    let client = "where `storage` is `(await acreate_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)).storage` (from `supabase`) made in the event loop that uses it, in place of the aioboto3 client";
    let held = |unit: &str, what: &str| (format!("not translated (`{unit}` changes as one unit): an aioboto3 call (async code is not translated): write {what}, {client}"), false);
    assert_eq!(
        calls_left(&left),
        [
            held("read", "`await storage.from_(bucket).download(key)` returns the bytes `await response[\"Body\"].read()` gave; a missing key raises `StorageApiError` with status \"404\" and code \"not_found\""),
            held("write", "`await storage.from_(bucket).upload(key, body, {\"content-type\": ..., \"upsert\": \"true\"})` with the body as bytes (upload opens a str as a local path) and S3's `binary/octet-stream` where no ContentType was given"),
            held("write", "`await storage.from_(bucket).remove([key + \".old\"])`"),
            held("keys", "`await storage.from_(bucket).list_v2({\"prefix\": prefix, \"limit\": 1000})`, again with `\"cursor\": page.nextCursor` while `page.hasNext`; each of `page.objects` has `name` (S3's Key) and `metadata[\"size\"]`"),
        ]
    );
}

#[test]
fn must_report_an_aioboto3_multipart_upload_as_having_no_equivalent() {
    let text = "import aioboto3\n\n\nasync def start(bucket, key):\n    async with aioboto3.Session().client(\"s3\") as s3:\n        return await s3.create_multipart_upload(Bucket=bucket, Key=key)\n";
    let (out, left) = migrated(text, OTHER);
    assert_eq!(out, text);
    assert_eq!(
        calls_left(&left),
        [("not translated (`start` changes as one unit): `create_multipart_upload`: multipart uploads have no supabase-py equivalent: upload the whole body with `upload` (up to the project's size limit) or use Supabase's resumable (TUS) uploads".to_owned(), false)]
    );
}

/// The storage module with a resource beside its client, and `body` after it.
fn with_resource(body: &str) -> String {
    format!("{HEADER}s3_resource = boto3.resource(\"s3\")\n{body}")
}

#[test]
fn resource_transfers_loads_and_a_bound_object_are_translated() {
    let before = with_resource(
        "

def fetch(bucket, key, path):
    s3_resource.Bucket(bucket).download_file(key, path)


def send(bucket, key, path):
    s3_resource.Bucket(bucket).upload_file(path, key, ExtraArgs={\"ContentType\": \"application/pdf\"})


def fetch_stream(bucket, key, stream):
    s3_resource.Bucket(bucket).download_fileobj(key, stream)


def fetch_to(bucket, key, path):
    s3_resource.Object(bucket, key).download_file(Filename=path)


def exists(bucket, key):
    try:
        s3_resource.Object(bucket, key).load()
        return True
    except ClientError as e:
        if e.response[\"Error\"][\"Code\"] == \"404\":
            return False
        raise


def read(bucket, key):
    obj = s3_resource.Object(bucket, key)
    print(\"reading\", key)
    return obj.get()[\"Body\"].read()


def fetch_twice(bucket, key, path, stream):
    obj = s3_resource.Object(bucket, key)
    obj.download_file(path)
    obj.download_fileobj(stream)
",
    );
    let (out, left) = migrated(&before, STORAGE);
    let after = format!(
        "{MIGRATED}

def fetch(bucket, key, path):
    data = storage.from_(bucket).download(key)
    with open(path, \"wb\") as local_file:
        local_file.write(data)


def send(bucket, key, path):
    storage.from_(bucket).upload(key, path, {{\"content-type\": \"application/pdf\", \"upsert\": \"true\"}})


def fetch_stream(bucket, key, stream):
    stream.write(storage.from_(bucket).download(key))


def fetch_to(bucket, key, path):
    data = storage.from_(bucket).download(key)
    with open(path, \"wb\") as local_file:
        local_file.write(data)


def exists(bucket, key):
    try:
        storage.from_(bucket).info(key)
        return True
    except StorageApiError as e:
        if str(e.status) == \"404\":
            return False
        raise


def read(bucket, key):
    print(\"reading\", key)
    return storage.from_(bucket).download(key)


def fetch_twice(bucket, key, path, stream):
    data = storage.from_(bucket).download(key)
    with open(path, \"wb\") as local_file:
        local_file.write(data)
    stream.write(storage.from_(bucket).download(key))
"
    );
    assert_eq!(out, after);
    assert!(calls_left(&left).is_empty(), "{:#?}", calls_left(&left));
}

#[test]
fn must_report_a_copy_from_and_an_object_used_besides_its_calls() {
    let before = with_resource(
        "

def archive(bucket, key):
    s3_resource.Object(bucket, \"archive/\" + key).copy_from(CopySource={\"Bucket\": bucket, \"Key\": key})


def describe(bucket, key):
    obj = s3_resource.Object(bucket, key)
    print(obj)
    return obj.get()[\"Body\"].read()
",
    );
    let (out, left) = migrated(&before, STORAGE);
    assert!(out.ends_with(&before[HEADER.len() + "s3_resource = boto3.resource(\"s3\")\n".len()..]), "{out}");
    let left: Vec<String> = calls_left(&left).into_iter().map(|(message, _)| message).collect();
    assert_eq!(
        left,
        [
            "not translated (`archive` changes as one unit): `Object(...).copy_from(CopySource=...)`: write `storage.from_(bucket).copy(source_key, key)` by hand (Supabase copies within one bucket and overwrites the destination as S3 did; a source in another bucket needs a download and an upload)",
            "not translated (`describe` changes as one unit): `obj` is used here besides its object calls; translate this use by hand",
            "`obj.get(...)` is held back with the rest of `describe` by line 22; resolve that finding, then rerun",
        ]
    );
}

#[test]
fn must_say_what_to_add_in_a_storage_module_whose_client_apply_does_not_replace() {
    // The only boto3 client is built inside a function: apply sets up no Supabase client
    // beside it, so "apply does both" would be false.
    let before = "import boto3


def get_client():
    return boto3.client(\"s3\")


def read(bucket, key):
    return get_client().get_object(Bucket=bucket, Key=key)[\"Body\"].read()
";
    let (out, left) = migrated(before, STORAGE);
    assert!(out.ends_with("    return get_client().get_object(Bucket=bucket, Key=key)[\"Body\"].read()\n"), "{out}");
    assert_eq!(
        calls_left(&left),
        [("not translated (`read` changes as one unit): its translation calls `storage`, but the storage module backend/utils/s3_utils.py binds no `storage` and has no module-level boto3 S3 client (directly in its body) for apply to replace; add `supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)` and `storage = supabase.storage` to it (from supabase import Client, create_client), or set `client.storage_name` to the name of the Supabase storage client it has, then rerun".to_owned(), false)]
    );
}

/// What each function of `out` holds, for the tests below that print it.
fn dump(out: &str, left: &[Finding]) -> String {
    let mut text = format!("{out}----\n");
    for finding in left.iter().filter(|finding| finding.rule == RuleId::Boto3Call) {
        text.push_str(&format!("{:?} {}\n", finding.range, finding.message));
    }
    text
}

/// A name the translation writes (`storage`, the bucket constant, a helper) that a
/// parameter, loop variable, comprehension variable or local of an enclosing function
/// binds where the call is: the function is held back whole, saying which binding.
#[test]
fn must_report_names_the_translation_writes_that_the_unit_binds_itself() {
    let functions = "

def save_all(items):
    for storage in items:
        s3_client.put_object(Bucket=SUPABASE_BUCKET_NAME, Key=storage[\"key\"], Body=b\"x\")


def save_one(storage, data: bytes):
    s3_client.put_object(Bucket=SUPABASE_BUCKET_NAME, Key=storage, Body=data)
    s3_client.delete_object(Bucket=SUPABASE_BUCKET_NAME, Key=storage + \".old\")


def load_all(keys):
    return [s3_client.get_object(Bucket=SUPABASE_BUCKET_NAME, Key=storage)[\"Body\"].read() for storage in keys]


def outer(key):
    storage = key.upper()

    def inner():
        s3_client.get_object(Bucket=SUPABASE_BUCKET_NAME, Key=storage)[\"Body\"].read()

    return inner


def drop(key, _remove_objects=print):
    s3_client.delete_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)


def pinned(key, SUPABASE_BUCKET_NAME=None):
    s3_client.get_object(Bucket=\"anantra-lms-store\", Key=key)[\"Body\"].read()


def read(key):
    return s3_client.get_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)[\"Body\"].read()
";
    let before = format!("{HEADER}{functions}");
    let (out, left) = migrated(&before, STORAGE);
    assert_eq!(dump(&out, &left), "import json\nimport os\n\nimport boto3\nfrom botocore.exceptions import ClientError\nfrom supabase import Client, create_client\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\ns3_client = boto3.client(\"s3\")\nSUPABASE_URL = os.getenv(\"SUPABASE_URL\")\nSUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")\nsupabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)\nstorage = supabase.storage\n\n\ndef save_all(items):\n    for storage in items:\n        s3_client.put_object(Bucket=SUPABASE_BUCKET_NAME, Key=storage[\"key\"], Body=b\"x\")\n\n\ndef save_one(storage, data: bytes):\n    s3_client.put_object(Bucket=SUPABASE_BUCKET_NAME, Key=storage, Body=data)\n    s3_client.delete_object(Bucket=SUPABASE_BUCKET_NAME, Key=storage + \".old\")\n\n\ndef load_all(keys):\n    return [s3_client.get_object(Bucket=SUPABASE_BUCKET_NAME, Key=storage)[\"Body\"].read() for storage in keys]\n\n\ndef outer(key):\n    storage = key.upper()\n\n    def inner():\n        s3_client.get_object(Bucket=SUPABASE_BUCKET_NAME, Key=storage)[\"Body\"].read()\n\n    return inner\n\n\ndef drop(key, _remove_objects=print):\n    s3_client.delete_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)\n\n\ndef pinned(key, SUPABASE_BUCKET_NAME=None):\n    s3_client.get_object(Bucket=\"anantra-lms-store\", Key=key)[\"Body\"].read()\n\n\ndef read(key):\n    return storage.from_(SUPABASE_BUCKET_NAME).download(key)\n----\n499..579 not translated (`save_all` changes as one unit): `storage` is bound in this function (line 17), so `storage` would mean something else here; rename that name, then rerun\n622..695 not translated (`save_one` changes as one unit): `storage` is bound in this function (line 21), so `storage` would mean something else here; rename that name, then rerun\n700..774 `s3_client.delete_object(...)` is held back with the rest of `save_one` by line 22; resolve that finding, then rerun\n809..871 not translated (`load_all` changes as one unit): `storage` is bound in this comprehension (line 27), so `storage` would mean something else here; rename that name, then rerun\n978..1040 not translated (`inner` changes as one unit): `storage` is bound in this function (line 31), so `storage` would mean something else here; rename that name, then rerun\n1118..1179 not translated (`drop` changes as one unit): `_remove_objects` is bound in this function (line 39), so `_remove_objects` would mean something else here; rename that name, then rerun\n1230..1287 not translated (`pinned` changes as one unit): `SUPABASE_BUCKET_NAME` is bound in this function (line 43), so `SUPABASE_BUCKET_NAME` would mean something else here; rename that name, then rerun\n");
}

/// Outside the storage module the module binding (`s3_utils`) is what a parameter must not shadow.
#[test]
fn must_report_a_parameter_named_like_the_storage_module_binding() {
    let text = "import boto3\n\nfrom utils import s3_utils\n\ns3 = boto3.client(\"s3\")\n\n\ndef drop(s3_utils, bucket, key):\n    s3.delete_object(Bucket=bucket, Key=key)\n\n\ndef clear(bucket, key):\n    s3.delete_object(Bucket=bucket, Key=key)\n";
    let (out, left) = migrated(text, OTHER);
    assert_eq!(dump(&out, &left), "import boto3\n\nfrom utils import s3_utils\n\ns3 = boto3.client(\"s3\")\n\n\ndef drop(s3_utils, bucket, key):\n    s3.delete_object(Bucket=bucket, Key=key)\n\n\ndef clear(bucket, key):\n    s3_utils._remove_objects(bucket, [key])\n----\n105..145 not translated (`drop` changes as one unit): `s3_utils` is bound in this function (line 8), so `s3_utils._remove_objects` would mean something else here; rename that name, then rerun\n");
}

/// A module-level `storage` that is not the Supabase storage client: boto3-client says to
/// set the client up by hand, and until then nothing is translated to call it.
#[test]
fn must_report_calls_while_storage_is_bound_to_something_else() {
    let text = "import os\n\nimport boto3\n\nstorage = os.getenv(\"STORAGE_BACKEND\", \"s3\")\ns3_client = boto3.client(\"s3\")\n\n\ndef backend_name():\n    return storage\n\n\ndef read(key):\n    return s3_client.get_object(Bucket=\"anantra-lms-store\", Key=key)[\"Body\"].read()\n";
    let (out, left) = migrated(text, STORAGE);
    assert_eq!(dump(&out, &left), "import os\n\nimport boto3\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n\nstorage = os.getenv(\"STORAGE_BACKEND\", \"s3\")\ns3_client = boto3.client(\"s3\")\n\n\ndef backend_name():\n    return storage\n\n\ndef read(key):\n    return s3_client.get_object(Bucket=\"anantra-lms-store\", Key=key)[\"Body\"].read()\n----\n248..305 not translated (`read` changes as one unit): nothing is translated to Supabase Storage until this module has its Supabase client, and boto3-client says: `storage` is already bound to something other than `supabase.storage`; set up the Supabase client by hand\n");
}

/// `_head_object` reads `datetime` as the class: beside `import datetime` it writes
/// `datetime.datetime`, and beside another `datetime` (or a rebound builtin it calls) the
/// unit is held back.
#[test]
fn the_helpers_read_the_names_the_module_binds_as_they_mean_there() {
    let functions = "

def stamp():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def modified(key):
    return s3_client.head_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)[\"LastModified\"]
";
    let module = format!("import datetime\n{HEADER}{functions}");
    let (out, left) = migrated(&module, STORAGE);
    assert_eq!(dump(&out, &left), "import datetime\nimport json\nimport os\n\nfrom supabase import Client, create_client\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\nSUPABASE_URL = os.getenv(\"SUPABASE_URL\")\nSUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")\nsupabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)\nstorage = supabase.storage\n\n\n# ---------------------------------------------------------------------------\n# Supabase Storage in the shapes the S3 calls had\n# ---------------------------------------------------------------------------\n\n\ndef _head_object(bucket_name, key):\n    \"\"\"head_object's fields, from info().\"\"\"\n    info = storage.from_(bucket_name).info(key)\n    return {\n        \"ContentLength\": info[\"size\"],\n        \"ContentType\": info[\"content_type\"],\n        \"ETag\": info[\"etag\"],\n        \"LastModified\": datetime.datetime.fromisoformat(info[\"last_modified\"].replace(\"Z\", \"+00:00\")).replace(microsecond=0),\n        \"Metadata\": info[\"metadata\"],\n        \"CacheControl\": info[\"cache_control\"],\n    }\n\n\ndef stamp():\n    return datetime.datetime.now(datetime.timezone.utc).isoformat()\n\n\ndef modified(key):\n    return _head_object(SUPABASE_BUCKET_NAME, key)[\"LastModified\"]\n----\n");
    let other = format!("from pendulum import datetime\n{HEADER}{functions}");
    let (out, left) = migrated(&other, STORAGE);
    assert_eq!(dump(&out, &left), "from pendulum import datetime\nimport json\nimport os\n\nimport boto3\nfrom botocore.exceptions import ClientError\nfrom supabase import Client, create_client\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\ns3_client = boto3.client(\"s3\")\nSUPABASE_URL = os.getenv(\"SUPABASE_URL\")\nSUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")\nsupabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)\nstorage = supabase.storage\n\n\ndef stamp():\n    return datetime.datetime.now(datetime.timezone.utc).isoformat()\n\n\ndef modified(key):\n    return s3_client.head_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)[\"LastModified\"]\n----\n587..646 not translated (`modified` changes as one unit): its exact translation calls `_head_object`, but `_head_object` reads `datetime` as `from datetime import datetime` binds it, and the storage module binds `datetime` to something else (line 1); rename that, then rerun\n");
    let builtin = format!("{HEADER}\n\ndef len(items):\n    return 0\n\n\ndef move(key):\n    s3_client.copy_object(Bucket=SUPABASE_BUCKET_NAME, Key=key + \".bak\", CopySource={{\"Bucket\": SUPABASE_BUCKET_NAME, \"Key\": key}})\n");
    let (out, left) = migrated(&builtin, STORAGE);
    assert_eq!(dump(&out, &left), "import json\nimport os\n\nimport boto3\nfrom botocore.exceptions import ClientError\nfrom supabase import Client, create_client\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\ns3_client = boto3.client(\"s3\")\nSUPABASE_URL = os.getenv(\"SUPABASE_URL\")\nSUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")\nsupabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)\nstorage = supabase.storage\n\n\ndef len(items):\n    return 0\n\n\ndef move(key):\n    s3_client.copy_object(Bucket=SUPABASE_BUCKET_NAME, Key=key + \".bak\", CopySource={\"Bucket\": SUPABASE_BUCKET_NAME, \"Key\": key})\n----\n494..619 not translated (`move` changes as one unit): its exact translation calls `_copy_object`, but `_copy_object` reads `len` as the builtin, and the storage module binds `len` to something else (line 16); rename that, then rerun\n");
}

/// `(line:column, message)` of the findings left of one rule.
fn left_of(text: &str, left: &[Finding], rule: RuleId) -> Vec<(String, String)> {
    let lines = crate::source::LineIndex::new(text);
    left.iter()
        .filter(|finding| finding.rule == rule)
        .map(|finding| {
            let at = lines.position(text, finding.range.start());
            (format!("{}:{}", at.line, at.column), finding.message.clone())
        })
        .collect()
}

#[test]
fn a_handler_around_another_services_call_keeps_catching_client_error() {
    let body = "
sqs = boto3.client(\"sqs\")


def store_and_notify(key, data):
    try:
        s3_client.put_object(Bucket=\"anantra-lms-store\", Key=key, Body=b\"x\")
        sqs.send_message(QueueUrl=\"q\", MessageBody=key)
    except ClientError:
        return False
    return True
";
    let translated = "
sqs = boto3.client(\"sqs\")


def store_and_notify(key, data):
    try:
        storage.from_(SUPABASE_BUCKET_NAME).upload(key, b\"x\", {\"content-type\": \"binary/octet-stream\", \"upsert\": \"true\"})
        sqs.send_message(QueueUrl=\"q\", MessageBody=key)
    except (StorageApiError, ClientError):
        return False
    return True
";
    // boto3 and ClientError stay for SQS; the S3 client goes.
    let header = MIGRATED.replace("from supabase import", "import boto3\nfrom botocore.exceptions import ClientError\nfrom supabase import");
    let (out, left) = migrated(&format!("{HEADER}{body}"), STORAGE);
    assert_eq!(out, format!("{header}{translated}"));
    assert!(calls_left(&left).is_empty(), "{left:?}");
    // A handler that reads the error as a ClientError holds its unit back.
    let held = "

def store_and_report(key):
    try:
        s3_client.put_object(Bucket=\"anantra-lms-store\", Key=key, Body=b\"x\")
        sqs.send_message(QueueUrl=\"q\", MessageBody=key)
    except ClientError as e:
        return e.response[\"Error\"][\"Code\"]
";
    let (out, left) = migrated(&format!("{HEADER}{body}{held}"), STORAGE);
    let header = HEADER.replace("from supabase import Client, create_client\n", "from supabase import Client, create_client\nfrom storage3.exceptions import StorageApiError\n");
    assert_eq!(out, format!("{header}{translated}{}", held));
    assert_eq!(
        left_of(&out, &left, RuleId::Boto3Call),
        [
            ("33:16".to_owned(), "not translated (`store_and_report` changes as one unit): the handler reads boto3's `ClientError` (its `.response`, or tells it apart), and this `try` also calls `sqs.send_message(...)` (line 31), which still raises it: give the S3 calls a `try` of their own, or rewrite the handler by hand".to_owned()),
            ("30:9".to_owned(), "`s3_client.put_object(...)` is held back with the rest of `store_and_report` by line 33; resolve that finding, then rerun".to_owned()),
        ]
    );
}

#[test]
fn an_upload_failed_handler_around_upload_file_catches_the_supabase_error() {
    let upload = "

def upload(path, key):
    try:
        s3_client.upload_file(path, \"anantra-lms-store\", key)
        return True
    except S3UploadFailedError:
        return False
    except FileNotFoundError:
        return None
";
    let translated = "

def upload(path, key):
    try:
        storage.from_(SUPABASE_BUCKET_NAME).upload(key, path, {\"content-type\": \"binary/octet-stream\", \"upsert\": \"true\"})
        return True
    except StorageApiError:
        return False
    except FileNotFoundError:
        return None
";
    let (out, left) = migrated(&format!("{HEADER}from boto3.exceptions import S3UploadFailedError\n{upload}"), STORAGE);
    assert_eq!(out, format!("{MIGRATED}{translated}"));
    assert!(calls_left(&left).is_empty(), "{left:?}");
    // Around upload_file and another call, the handler would catch that call's errors too.
    let both = "

def upload_and_read(path, key):
    try:
        s3_client.upload_file(path, \"anantra-lms-store\", key)
        return s3_client.get_object(Bucket=\"anantra-lms-store\", Key=key)[\"Body\"].read()
    except S3UploadFailedError:
        return None
";
    let (out, left) = migrated(&format!("{HEADER}from boto3.exceptions import S3UploadFailedError\n{upload}{both}"), STORAGE);
    let header = HEADER.replace("from supabase import Client, create_client\n", "from supabase import Client, create_client\nfrom storage3.exceptions import StorageApiError\n");
    assert_eq!(out, format!("{header}from boto3.exceptions import S3UploadFailedError\n{translated}{}", both));
    assert_eq!(
        left_of(&out, &left, RuleId::Boto3Call),
        [
            ("32:12".to_owned(), "not translated (`upload_and_read` changes as one unit): boto3's `S3UploadFailedError` came only from `upload_file`, but this `try` guards other S3 calls too, whose Supabase errors are `StorageApiError` as well: give `upload_file` a `try` of its own, or rewrite the handler by hand".to_owned()),
            ("30:9".to_owned(), "`s3_client.upload_file(...)` is held back with the rest of `upload_and_read` by line 32; resolve that finding, then rerun".to_owned()),
            ("31:16".to_owned(), "`s3_client.get_object(...)` is held back with the rest of `upload_and_read` by line 32; resolve that finding, then rerun".to_owned()),
        ]
    );
}

#[test]
fn must_report_a_contents_read_whose_key_error_a_handler_catches() {
    let body = "

def first_key(prefix):
    try:
        resp = s3_client.list_objects_v2(Bucket=SUPABASE_BUCKET_NAME, Prefix=prefix)
        return resp[\"Contents\"][0][\"Key\"]
    except KeyError:
        return None


def first_page(prefix):
    paginator = s3_client.get_paginator(\"list_objects_v2\")
    for page in paginator.paginate(Bucket=SUPABASE_BUCKET_NAME, Prefix=prefix):
        return page[\"Contents\"]


def safe_first_page(prefix):
    try:
        return first_page(prefix)
    except LookupError:
        return []
";
    let before = format!("{HEADER}{body}");
    let (out, left) = migrated(&before, STORAGE);
    assert_eq!(out, before, "both units stay byte-identical");
    let key_error = |read: &str, line: usize| format!(
        "`{read}` raises KeyError when nothing is listed (S3 then leaves \"Contents\" out), and the handler on line {line} catches it; the translated listing is an empty list there and raises none: read it with `.get(\"Contents\", [])` and test for an empty listing by hand, then rerun"
    );
    assert_eq!(
        left_of(&out, &left, RuleId::Boto3Call),
        [
            ("19:16".to_owned(), format!("not translated (`first_key` changes as one unit): {}", key_error("resp[\"Contents\"]", 20))),
            ("18:16".to_owned(), "`s3_client.list_objects_v2(...)` is held back with the rest of `first_key` by line 19; resolve that finding, then rerun".to_owned()),
            ("27:16".to_owned(), format!("not translated (`first_page` changes as one unit): {}", key_error("page[\"Contents\"]", 33))),
            ("26:17".to_owned(), "`paginator.paginate(...)` is held back with the rest of `first_page` by line 27; resolve that finding, then rerun".to_owned()),
        ]
    );
}

#[test]
fn a_try_guarding_calls_of_two_functions_changes_with_both_or_neither() {
    let body = "

def peek(key):
    return s3_client.get_object(Bucket=SUPABASE_BUCKET_NAME, Key=key)[\"Body\"].read()


def touch_and_peek(key):
    try:
        s3_client.put_object(Bucket=SUPABASE_BUCKET_NAME, Key=key, Body=b\"x\")
        return peek(key + \".other\")
    except ClientError:
        return None
";
    let translated = "

def peek(key):
    return storage.from_(SUPABASE_BUCKET_NAME).download(key)


def touch_and_peek(key):
    try:
        storage.from_(SUPABASE_BUCKET_NAME).upload(key, b\"x\", {\"content-type\": \"binary/octet-stream\", \"upsert\": \"true\"})
        return peek(key + \".other\")
    except StorageApiError:
        return None
";
    let (out, left) = migrated(&format!("{HEADER}{body}"), STORAGE);
    assert_eq!(out, format!("{MIGRATED}{translated}"));
    assert!(calls_left(&left).is_empty(), "{left:?}");
    // `peek` cannot be translated: neither is `touch_and_peek`, whose handler catches its errors.
    let before = format!("{HEADER}{}", body.replace("[\"Body\"].read()", "[\"Body\"].read(10)"));
    let (out, left) = migrated(&before, STORAGE);
    assert_eq!(out, before);
    assert_eq!(
        left_of(&out, &left, RuleId::Boto3Call),
        [
            ("17:12".to_owned(), "not translated (`peek` and `touch_and_peek` change as one unit: a `try` guards S3 calls of each): the response is used in a way this translation does not follow (only `[\"Body\"].read()`, `json.load(r[\"Body\"])` and header fields are); rewrite it by hand".to_owned()),
            ("22:9".to_owned(), "`s3_client.put_object(...)` is held back with the rest of `peek` and `touch_and_peek` by line 17; resolve that finding, then rerun".to_owned()),
        ]
    );
}
