//! aioboto3 calls are not translated: each is a finding saying what to write with
//! supabase-py's async client instead, with the call's own bucket and key.
//!
//! Why not a rewrite: the pinned supabase-py (2.34.1) has the whole storage API in async
//! form (`acreate_client`, `await storage.from_(b).download(k)`, `upload`, `remove`, `info`,
//! `list_v2`, `copy`, `create_signed_url`; checked against the Storage test server), but an
//! exact rewrite also needs an async client per event loop in place of each `async with
//! session.client("s3")` and async twins of the storage module's helpers (the listing walk,
//! batch removes, upload bodies, copies), and it has no behaviour proof: aioboto3 is not in
//! the test venv, so the S3 side of async code cannot run.

use ruff_python_ast::Expr;

use super::{argument, keyword, Cx};
use crate::model::{S3Call, S3Kind};

/// The finding's message for the aioboto3 call `call`.
pub fn advice(cx: &Cx, call: &S3Call) -> String {
    let c = call.call;
    let text = |expr: Option<&Expr>, default: &str| expr.map_or_else(|| default.to_owned(), |expr| cx.src(expr).to_owned());
    let bucket_at = |index: usize| argument(c, index, "Bucket").map_or_else(|| "bucket".to_owned(), |bucket| cx.bucket(bucket));
    let key_at = |index: usize| text(argument(c, index, "Key"), "key");
    let store = |bucket: String| format!("storage.from_({bucket})");
    let what = match (call.kind, call.operation) {
        (S3Kind::Client, "get_object") => format!(
            "`await {}.download({})` returns the bytes `await response[\"Body\"].read()` gave; a missing key raises `StorageApiError` with status \"404\" and code \"not_found\"",
            store(bucket_at(usize::MAX)),
            key_at(usize::MAX)
        ),
        (S3Kind::Client, "put_object") => format!(
            "`await {}.upload({}, body, {{\"content-type\": ..., \"upsert\": \"true\"}})` with the body as bytes (upload opens a str as a local path) and S3's `binary/octet-stream` where no ContentType was given",
            store(bucket_at(usize::MAX)),
            key_at(usize::MAX)
        ),
        (S3Kind::Client, "delete_object") => format!("`await {}.remove([{}])`", store(bucket_at(usize::MAX)), key_at(usize::MAX)),
        (S3Kind::Client, "delete_objects") => format!(
            "`await {}.remove(keys)` with the keys of `Delete[\"Objects\"]`, at most 1000 a call and never an empty list (remove() refuses it)",
            store(bucket_at(usize::MAX))
        ),
        (S3Kind::Client, "head_object") => format!(
            "`await {}.info({})` (`size`, `content_type`, `etag`, `last_modified`, `metadata`); a missing key raises `StorageApiError` with status \"404\"",
            store(bucket_at(usize::MAX)),
            key_at(usize::MAX)
        ),
        (S3Kind::Client, "list_objects_v2") | (S3Kind::Paginator, "paginate") => format!(
            "`await {}.list_v2({{\"prefix\": {}, \"limit\": 1000}})`, again with `\"cursor\": page.nextCursor` while `page.hasNext`; each of `page.objects` has `name` (S3's Key) and `metadata[\"size\"]`",
            store(bucket_at(usize::MAX)),
            text(keyword(c, "Prefix"), "\"\"")
        ),
        (S3Kind::Client, "copy_object") => format!(
            "`await {}.copy(source_key, {})` within one bucket; it refuses an existing destination, so remove that first to overwrite as S3 did",
            store(bucket_at(usize::MAX)),
            key_at(usize::MAX)
        ),
        (S3Kind::Client, "generate_presigned_url") => "`(await storage.from_(bucket).create_signed_url(key, expires_in))[\"signedURL\"]`".to_owned(),
        (S3Kind::Client, "upload_file") => format!(
            "read the file and `await {}.upload({}, data, {{\"content-type\": ..., \"upsert\": \"true\"}})`",
            store(bucket_at(1)),
            key_at(2)
        ),
        (S3Kind::Client, "download_file") => format!("`await {}.download({})` and write the bytes to the file", store(bucket_at(0)), key_at(1)),
        (_, operation) => format!("`{operation}`: rewrite it with supabase-py's async storage API (`await storage.from_(bucket)...`)"),
    };
    format!(
        "an aioboto3 call (async code is not translated): write {what}, where `storage` is `(await acreate_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)).storage` (from `supabase`) made in the event loop that uses it, in place of the aioboto3 client"
    )
}
