//! Calls still made on S3 objects, read from the model's S3 calls: `boto3-call` (a call
//! left to translate, with what it becomes in supabase-py), `unresolved-s3-call` (an S3
//! operation called on something the model cannot resolve, in a file that imports
//! boto3) and `s3fs-usage` (s3fs: S3 too, never rewritten).

use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use crate::finding::Finding;
use crate::fix::edit::{Edit, Fix};
use crate::model::{Context, FileModel, S3Call, S3Kind, SiteKind, Value};
use crate::rule::RuleId;
use crate::rules::s3_calls::Helper;
use crate::rules::storage_access::{access, FileAccess};
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext) -> Vec<Finding> {
    let model = ctx.model;
    if model.calls.is_empty() && model.unresolved.is_empty() && !model.site_values.iter().any(|value| value.is_s3_object()) {
        return Vec::new();
    }
    let names = Names::new(ctx);
    let storage = names.storage.clone();
    let mut findings = Vec::new();
    for call in &model.calls {
        if call.kind == S3Kind::FileSystem {
            let text = receiver_text(ctx, call);
            findings.push(finding(
                RuleId::S3fsUsage,
                call.call.range(),
                format!("`{text}.{}(...)` is an s3fs call on S3: s3fs is not migrated and its paths are never rewritten; read and write through the storage module's `{storage}` by hand", call.operation),
            ));
            continue;
        }
        // A construction makes no request; a collection lists when it is iterated, so its
        // `filter(...)` is reported unless another call (`.delete()`) consumes it.
        let consumed_by_a_call = matches!(call.consumer.accesses.as_slice(), [crate::model::Access::Attribute(_), crate::model::Access::Call(_), ..]);
        if call.is_construction() && (call.kind != S3Kind::Collection || consumed_by_a_call) {
            continue;
        }
        let message = hint(ctx, call, &names);
        let (message, fix) = match shown_fix(ctx, call) {
            Some((fix, why)) => (format!("{message}; {why}"), Some(fix)),
            None => (message, None),
        };
        findings.push(Finding { fix, ..finding(RuleId::Boto3Call, call.call.range(), message) });
    }
    bare_uses(model, &storage, &mut findings);
    s3fs_constructions(ctx, model, &mut findings);
    if model.imports_boto() {
        for call in &model.unresolved {
            let receiver = &ctx.file.text[call.receiver.range()];
            findings.push(finding(
                RuleId::UnresolvedS3Call,
                call.call.range(),
                format!(
                    "`{receiver}.{}(...)` looks like an S3 call, but the model cannot tell what `{receiver}` is; if it is a boto3 S3 client, translate the call to `{storage}` by hand (see `s3-to-supabase rules boto3-call`)",
                    call.operation
                ),
            ));
        }
    }
    findings
}

fn finding(rule: RuleId, range: TextRange, message: String) -> Finding {
    Finding { rule, severity: rule.default_severity(), range, message, fix: None }
}

fn receiver_text<'t>(ctx: &'t RuleContext, call: &S3Call) -> &'t str {
    let text = &ctx.file.text[call.receiver.range()];
    text.lines().next().unwrap_or(text)
}

/// An S3 object handed around (passed, returned, stored in a container) rather than
/// called: the code receiving it must change too.
fn bare_uses(model: &FileModel, storage: &str, findings: &mut Vec<Finding>) {
    for use_ in &model.uses {
        let Value::S3(kind, _) = use_.value else { continue };
        if matches!(kind, S3Kind::Session | S3Kind::FileSystem | S3Kind::Exceptions | S3Kind::Meta) || !matches!(use_.chain, Expr::Name(_)) {
            continue;
        }
        if matches!(use_.context, Context::Assigned { .. } | Context::WithItem { .. } | Context::Iterated { .. } | Context::Condition | Context::Compared { .. } | Context::StoreTarget) {
            continue;
        }
        let name = use_.name.id.as_str();
        findings.push(finding(
            RuleId::Boto3Call,
            use_.name.range,
            format!("{} `{name}` is used here; pass the Supabase `{storage}` (or a path) instead", kind.noun()),
        ));
    }
}

/// `fs = s3fs.S3FileSystem(...)`.
fn s3fs_constructions(ctx: &RuleContext, model: &FileModel, findings: &mut Vec<Finding>) {
    for (index, site) in model.scopes.sites.iter().enumerate() {
        if !matches!(site.kind, SiteKind::Assign { .. }) || model.site_values[index] != Value::S3(S3Kind::FileSystem, crate::model::Flavor::Sync) {
            continue;
        }
        let Some((stmt, _)) = site.statement else { continue };
        let name = model.scopes.symbol(site.symbol).name;
        findings.push(finding(
            RuleId::S3fsUsage,
            stmt.range(),
            format!("s3fs file system `{name}` reads S3: s3fs is not migrated; move its reads and writes to the storage module's `{}` by hand", FileAccess::new(ctx).text_of(&ctx.config.client.storage_name)),
        ));
    }
}

/// The first argument's literal value (`generate_presigned_url("put_object", ...)`).
fn first_literal<'a>(call: &'a ExprCall, keyword: &str) -> Option<&'a str> {
    match call.arguments.find_argument_value(keyword, 0)? {
        Expr::StringLiteral(literal) => Some(literal.value.to_str()),
        _ => None,
    }
}

/// `put_object(Key="x/", Body=b"")`: an S3 folder placeholder.
fn folder_placeholder(call: &ExprCall) -> bool {
    let key = call.arguments.find_keyword("Key").map(|keyword| &keyword.value);
    let body = call.arguments.find_keyword("Body").map(|keyword| &keyword.value);
    let key_is_folder = matches!(key, Some(Expr::StringLiteral(key)) if key.value.to_str().ends_with('/'))
        || matches!(key, Some(Expr::FString(fstring)) if fstring.value.iter().last().is_some_and(|part| match part {
            ruff_python_ast::FStringPart::Literal(literal) => literal.value.ends_with('/'),
            ruff_python_ast::FStringPart::FString(inner) => matches!(inner.elements.iter().last(), Some(ruff_python_ast::InterpolatedStringElement::Literal(literal)) if literal.value.ends_with('/')),
        }));
    let body_is_empty = match body {
        None => true,
        Some(Expr::StringLiteral(text)) => text.value.to_str().is_empty(),
        Some(Expr::BytesLiteral(bytes)) => bytes.value.bytes().next().is_none(),
        _ => false,
    };
    key_is_folder && body_is_empty
}

/// How this file writes what the hints name: the storage client and the storage
/// module's listing helpers (`s3_utils._walk_objects`, `_walk_objects` inside it).
struct Names {
    storage: String,
    walk: String,
    pages: String,
    subfolders: String,
    /// The storage module's own function listing every key below a prefix.
    lister: Option<String>,
    /// Where the listing helpers come from, said once per hint.
    origin: &'static str,
}

impl Names {
    fn new(ctx: &RuleContext) -> Names {
        let access = FileAccess::new(ctx);
        let lister = (!ctx.is_storage_module).then(|| ctx.index.storage.as_ref().and_then(|storage| storage.key_lister())).flatten();
        Names {
            storage: access.text_of(&ctx.config.client.storage_name),
            walk: access.text_of(Helper::WalkObjects.name()),
            pages: access.text_of(Helper::ListObjectPages.name()),
            subfolders: access.text_of(Helper::ListSubfolders.name()),
            lister: lister.map(|lister| access.text_of(lister)),
            origin: if ctx.is_storage_module {
                "apply adds the helper here with the first listing it translates in this module, or once another file calls it"
            } else {
                "apply adds the helper to the storage module once a file calls it"
            },
        }
    }

    /// Why not `list()`: what the one-level listing does differently.
    fn not_list(&self) -> String {
        format!(
            "not `{}.from_(bucket).list(folder)`, which lists one folder level, matches folder names case-insensitively and returns 100 entries a page",
            self.storage
        )
    }
}

/// The display-only fix `shown_replacement` gives, with the sentence a finding carrying it
/// ends with (the call translation's "held back" finding carries it too).
pub fn shown_fix(ctx: &RuleContext, call: &S3Call) -> Option<(Fix, String)> {
    let (fix, why) = shown_replacement(ctx, call)?;
    Some((fix, format!("display-only fix (shown in the finding's fix, never applied): {why}")))
}

/// The replacement a hint names, when the call's arguments show all of it: a display-only
/// fix, shown in the finding and never applied, because what the replacement returns or
/// raises differs from S3's and the code around the call must change with it. Returns the
/// fix and why it is display-only.
fn shown_replacement(ctx: &RuleContext, call: &S3Call) -> Option<(Fix, &'static str)> {
    if call.kind != S3Kind::Client {
        return None;
    }
    let text = ctx.file.text.as_str();
    let src = |expr: &Expr| &text[expr.range()];
    let arguments = &call.call.arguments;
    let only = |allowed: &[&str]| arguments.args.is_empty() && arguments.keywords.iter().all(|keyword| keyword.arg.as_ref().is_some_and(|arg| allowed.contains(&arg.as_str())));
    let bucket = || arguments.find_keyword("Bucket").map(|keyword| src(&keyword.value));
    let storage = access(ctx, &ctx.config.client.storage_name).ok()?;
    let store = &storage.text;
    let (replacement, why) = match call.operation {
        "generate_presigned_url" => {
            let method = first_literal(call.call, "ClientMethod")?;
            let positional_ok = arguments.args.len() <= 1;
            let keywords_ok = arguments.keywords.iter().all(|keyword| keyword.arg.as_ref().is_some_and(|arg| matches!(arg.as_str(), "ClientMethod" | "Params" | "ExpiresIn")));
            let Some(Expr::Dict(params)) = arguments.find_keyword("Params").map(|keyword| &keyword.value) else { return None };
            if !positional_ok || !keywords_ok {
                return None;
            }
            let (mut bucket, mut key) = (None, None);
            for item in &params.items {
                match &item.key {
                    Some(Expr::StringLiteral(name)) if name.value.to_str() == "Bucket" => bucket = Some(src(&item.value)),
                    Some(Expr::StringLiteral(name)) if name.value.to_str() == "Key" => key = Some(src(&item.value)),
                    _ => return None,
                }
            }
            let (bucket, key) = (bucket?, key?);
            match method {
                "get_object" => {
                    let expires = arguments.find_keyword("ExpiresIn").map_or("3600", |keyword| src(&keyword.value));
                    (
                        format!("{store}.from_({bucket}).create_signed_url({key}, {expires})[\"signedURL\"]"),
                        "creating the URL fails for a missing object, where S3 signed any key",
                    )
                }
                "put_object" if arguments.find_keyword("ExpiresIn").is_none() => (
                    format!("{store}.from_({bucket}).create_signed_upload_url({key})"),
                    "it returns a dict with `signed_url` and `token` for one upload, not a URL for an HTTP PUT: the uploading client changes with it",
                ),
                _ => return None,
            }
        }
        "create_bucket" if only(&["Bucket"]) => (
            format!("{store}.create_bucket({}, options={{\"public\": False}})", bucket()?),
            "an existing bucket raises `StorageApiError`, not `BucketAlreadyOwnedByYou`, which a handler of `ClientError` no longer catches",
        ),
        "delete_bucket" if only(&["Bucket"]) => (format!("{store}.delete_bucket({})", bucket()?), "its errors are `StorageApiError`, which a handler of `ClientError` no longer catches"),
        "head_bucket" if only(&["Bucket"]) => (
            format!("{store}.get_bucket({})", bucket()?),
            "a missing bucket raises `StorageApiError`, which a handler of `ClientError` no longer catches",
        ),
        "list_buckets" if only(&[]) => (format!("{store}.list_buckets()"), "it returns bucket objects with `.name`, not a dict with \"Buckets\""),
        _ => return None,
    };
    let mut edits = vec![Edit::replace(call.call.range(), replacement)];
    edits.extend(storage.import);
    Some((Fix::display_only(format!("call `{}` through Supabase Storage", call.operation), edits), why))
}

/// What a call becomes in supabase-py, as a message.
fn hint(ctx: &RuleContext, call: &S3Call, names: &Names) -> String {
    let storage = names.storage.as_str();
    let receiver = receiver_text(ctx, call);
    let written = format!("`{receiver}.{}(...)`", call.operation);
    let to = |target: &str, note: &str| format!("translate {written} to `{storage}.{target}`{note}");
    let none = |instead: &str| format!("{written} has no supabase-py equivalent; {instead}");
    match (call.kind, call.operation) {
        (S3Kind::Client | S3Kind::Bucket, "put_object") if folder_placeholder(call.call) => format!(
            "{written} writes an S3 folder placeholder (a key ending in `/`, no body): Supabase Storage has no folders and supabase-py cannot create such a key; delete this call (a folder exists while an object lies below it)"
        ),
        (S3Kind::Client | S3Kind::Bucket, "put_object") | (S3Kind::Object, "put") => to(
            "from_(bucket).upload(path, body, {\"content-type\": ..., \"upsert\": \"true\"})",
            "; encode a str Body first (upload opens a str as a local file path)",
        ),
        (S3Kind::Client, "get_object") | (S3Kind::Object, "get") => to("from_(bucket).download(path)", "; it returns the bytes, not a dict with \"Body\""),
        (S3Kind::Client, "head_object") | (S3Kind::Object, "load") => to(
            "from_(bucket).info(path)",
            " (or `.exists(path)`); a missing key raises with `str(e.status) == \"404\"`",
        ),
        (S3Kind::Client, "delete_object") | (S3Kind::Object, "delete") => to("from_(bucket).remove([path])", ""),
        (S3Kind::Client, "delete_objects") | (S3Kind::Collection, "delete") => to("from_(bucket).remove(paths)", "; pass the keys as a list of paths"),
        (S3Kind::Bucket, "delete") => format!("{written} deletes the bucket itself, not an object: translate it to `{storage}.delete_bucket(bucket)` (the bucket must be empty)"),
        (S3Kind::Client, "list_objects_v2" | "list_objects") => {
            let keys = names.lister.as_ref().map_or_else(String::new, |lister| format!("; where only the keys are read, `{lister}(bucket, prefix)` returns them"));
            format!(
                "translate {written} to the storage module's `{walk}(bucket, prefix)`: S3-shaped entries {{\"Key\", \"Size\", \"LastModified\", \"ETag\"}} for every key below the prefix over all pages, matched as S3 matches (case-sensitive, a prefix may end mid-name), so S3's single 1000-key page is not reproduced (`max_keys=` keeps a `MaxKeys`){keys}; with `Delimiter=\"/\"`, `{subfolders}(bucket, prefix)` gives the `CommonPrefixes`; {}; {}",
                names.not_list(),
                names.origin,
                walk = names.walk,
                subfolders = names.subfolders,
            )
        }
        (S3Kind::Collection, "filter" | "all" | "limit" | "page_size") => format!(
            "translate {written} to the storage module's `{}(bucket, prefix)` (`\"\"` for `.all()`, `max_keys=` for `.limit(n)`): every object below the prefix over all pages, matched as S3 matches (case-sensitive, a prefix may end mid-name), as dicts, so read `obj[\"Key\"]`, `obj[\"Size\"]` where the code read `obj.key`, `obj.size`; {}; {}",
            names.walk,
            names.not_list(),
            names.origin,
        ),
        (S3Kind::Paginator, "paginate") => format!(
            "translate {written} to the storage module's `{}(bucket, prefix)`: each page it yields is the list of S3-shaped entries a page's \"Contents\" held (every key below the prefix, matched as S3 matches), so iterate the page where the code read `page.get(\"Contents\", [])`; with `Delimiter=\"/\"`, `{}(bucket, prefix)` gives every page's `CommonPrefixes` at once; {}; {}",
            names.pages,
            names.subfolders,
            names.not_list(),
            names.origin,
        ),
        (S3Kind::Client, "upload_file") | (S3Kind::Bucket | S3Kind::Object, "upload_file") => {
            to("from_(bucket).upload(path, open(filename, \"rb\").read(), file_options)", "; pass \"upsert\": \"true\" to overwrite")
        }
        (S3Kind::Client, "upload_fileobj") | (S3Kind::Bucket | S3Kind::Object, "upload_fileobj") => to("from_(bucket).upload(path, fileobj.read(), file_options)", ""),
        (S3Kind::Client, "download_file") | (S3Kind::Bucket | S3Kind::Object, "download_file") => to("from_(bucket).download(path)", "; write the returned bytes to the local file"),
        (S3Kind::Client, "download_fileobj") | (S3Kind::Bucket | S3Kind::Object, "download_fileobj") => {
            to("from_(bucket).download(path)", "; write the returned bytes to the file object")
        }
        (S3Kind::Client, "copy_object" | "copy") | (S3Kind::Object, "copy_from" | "copy") => to("from_(bucket).copy(from_path, to_path)", "; both paths are in the same bucket"),
        (S3Kind::Client, "generate_presigned_url") => match first_literal(call.call, "ClientMethod") {
            Some("put_object") => to("from_(bucket).create_signed_upload_url(path)", "; it returns a signed URL and token for one upload, not a presigned PUT"),
            Some("upload_part") => none(&format!(
                "multipart uploads do not exist in supabase-py: upload the whole file with `{storage}.from_(bucket).upload(...)`, or use Supabase's resumable (TUS) uploads for large files"
            )),
            _ => to("from_(bucket).create_signed_url(path, expires_in)[\"signedURL\"]", ""),
        },
        (S3Kind::Client, "generate_presigned_post") => to("from_(bucket).create_signed_upload_url(path)", "; there is no form POST: the client uploads with the signed URL's token"),
        (S3Kind::Client, "create_bucket") | (S3Kind::Bucket, "create") => to("create_bucket(bucket, options={\"public\": False})", ""),
        (S3Kind::Client, "delete_bucket") => to("delete_bucket(bucket)", " (the bucket must be empty)"),
        (S3Kind::Client, "list_buckets") => to("list_buckets()", "; it returns bucket objects with `.name`, not a dict with \"Buckets\""),
        (S3Kind::Client, "head_bucket") => to("get_bucket(bucket)", "; a missing bucket raises `StorageApiError` with `str(e.status) == \"404\"`"),
        (S3Kind::Client, "create_multipart_upload" | "upload_part" | "upload_part_copy" | "complete_multipart_upload" | "abort_multipart_upload" | "list_parts" | "list_multipart_uploads") => none(
            &format!("multipart uploads do not exist in supabase-py: upload the whole file with `{storage}.from_(bucket).upload(...)`, or use Supabase's resumable (TUS) uploads for large files"),
        ),
        (S3Kind::Client, operation) if operation.contains("acl") || operation.contains("tagging") || operation.contains("versioning") || operation.contains("encryption") || operation.contains("policy") => none(
            "access control, tagging, versioning and encryption are bucket settings and RLS policies in Supabase; configure them there",
        ),
        _ => format!("{written} on a {} has no direct Supabase Storage equivalent; rewrite it by hand against `{storage}.from_(bucket)`", call.kind.noun()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::fix::apply::apply_fixes;
    use crate::fix::edit::Applicability;
    use crate::rules::testing::findings_of;

    const OTHER: &str = "backend/utils/other.py";

    fn messages(text: &str) -> Vec<String> {
        findings_of(check, &Config::defaults(), text, OTHER).into_iter().map(|finding| format!("{} {}", finding.rule, finding.message)).collect()
    }

    #[test]
    fn nothing_to_do_changes_nothing() {
        assert!(messages("import os\nprint(os.sep)\n").is_empty());
    }

    #[test]
    fn hints_say_what_each_call_becomes() {
        let text = "\
import boto3
s3 = boto3.client('s3')
bucket = boto3.resource('s3').Bucket('b')
s3.generate_presigned_url('put_object', Params={'Bucket': 'b', 'Key': 'k'})
s3.generate_presigned_url('upload_part', Params={'Bucket': 'b', 'Key': 'k'})
s3.create_bucket(Bucket='b')
s3.head_bucket(Bucket='b')
bucket.delete()
s3.put_object(Bucket='b', Key='folder/', Body=b'')
s3.create_multipart_upload(Bucket='b', Key='k')
";
        assert_eq!(
            messages(text),
            [
                "boto3-call translate `s3.generate_presigned_url(...)` to `s3_utils.storage.from_(bucket).create_signed_upload_url(path)`; it returns a signed URL and token for one upload, not a presigned PUT; display-only fix (shown in the finding's fix, never applied): it returns a dict with `signed_url` and `token` for one upload, not a URL for an HTTP PUT: the uploading client changes with it",
                "boto3-call `s3.generate_presigned_url(...)` has no supabase-py equivalent; multipart uploads do not exist in supabase-py: upload the whole file with `s3_utils.storage.from_(bucket).upload(...)`, or use Supabase's resumable (TUS) uploads for large files",
                "boto3-call translate `s3.create_bucket(...)` to `s3_utils.storage.create_bucket(bucket, options={\"public\": False})`; display-only fix (shown in the finding's fix, never applied): an existing bucket raises `StorageApiError`, not `BucketAlreadyOwnedByYou`, which a handler of `ClientError` no longer catches",
                "boto3-call translate `s3.head_bucket(...)` to `s3_utils.storage.get_bucket(bucket)`; a missing bucket raises `StorageApiError` with `str(e.status) == \"404\"`; display-only fix (shown in the finding's fix, never applied): a missing bucket raises `StorageApiError`, which a handler of `ClientError` no longer catches",
                "boto3-call `bucket.delete(...)` deletes the bucket itself, not an object: translate it to `s3_utils.storage.delete_bucket(bucket)` (the bucket must be empty)",
                "boto3-call `s3.put_object(...)` writes an S3 folder placeholder (a key ending in `/`, no body): Supabase Storage has no folders and supabase-py cannot create such a key; delete this call (a folder exists while an object lies below it)",
                "boto3-call `s3.create_multipart_upload(...)` has no supabase-py equivalent; multipart uploads do not exist in supabase-py: upload the whole file with `s3_utils.storage.from_(bucket).upload(...)`, or use Supabase's resumable (TUS) uploads for large files",
            ]
        );
    }

    #[test]
    fn hints_whose_arguments_show_the_whole_replacement_carry_a_display_only_fix() {
        let text = "\
import boto3
s3 = boto3.client('s3')
url = s3.generate_presigned_url('get_object', Params={'Bucket': b, 'Key': k}, ExpiresIn=60)
names = s3.list_buckets()
s3.create_bucket(Bucket=b, CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
";
        let found = findings_of(check, &Config::defaults(), text, OTHER);
        // What each fix would write, were it applied.
        let shown: Vec<Option<String>> = found
            .iter()
            .map(|finding| {
                let fix = finding.fix.as_ref()?;
                assert_eq!(fix.applicability, Applicability::DisplayOnly);
                let forced = Finding { fix: Some(Fix { applicability: Applicability::Safe, ..fix.clone() }), ..finding.clone() };
                Some(apply_fixes(text, &[forced], Applicability::Safe).text)
            })
            .collect();
        let header = "import boto3\nfrom utils import s3_utils\ns3 = boto3.client('s3')\n";
        assert_eq!(
            shown,
            [
                Some(format!("{header}url = s3_utils.storage.from_(b).create_signed_url(k, 60)[\"signedURL\"]\nnames = s3.list_buckets()\ns3.create_bucket(Bucket=b, CreateBucketConfiguration={{'LocationConstraint': 'eu-west-1'}})\n")),
                Some(format!("{header}url = s3.generate_presigned_url('get_object', Params={{'Bucket': b, 'Key': k}}, ExpiresIn=60)\nnames = s3_utils.storage.list_buckets()\ns3.create_bucket(Bucket=b, CreateBucketConfiguration={{'LocationConstraint': 'eu-west-1'}})\n")),
                // An argument the replacement cannot carry: the hint only.
                None,
            ]
        );
        assert!(found[0].message.ends_with("; display-only fix (shown in the finding's fix, never applied): creating the URL fails for a missing object, where S3 signed any key"), "{}", found[0].message);
        // Never applied, not even with --unsafe-fixes.
        assert_eq!(apply_fixes(text, &found, Applicability::Unsafe).text, text);
    }

    #[test]
    fn other_aws_services_get_nothing() {
        let text = "\
import boto3
session = boto3.Session()
creds = session.get_credentials()
sqs = boto3.client('sqs')
sqs.send_message(QueueUrl='q', MessageBody='m')
logs = session.client('cloudwatch')
logs.put_metric_data(Namespace='n', MetricData=[])
secrets = boto3.client('secretsmanager')
secrets.get_secret_value(SecretId='s')
bedrock = boto3.client('bedrock-runtime')
bedrock.invoke_model(modelId='m', body='{}')
";
        assert!(messages(text).is_empty());
    }

    #[test]
    fn unresolved_s3_looking_calls_warn_only_where_boto3_is_imported() {
        let text = "import boto3\ndef upload(client, key):\n    client.put_object(Bucket='b', Key=key, Body=b'')\n";
        assert_eq!(
            messages(text),
            ["unresolved-s3-call `client.put_object(...)` looks like an S3 call, but the model cannot tell what `client` is; if it is a boto3 S3 client, translate the call to `s3_utils.storage` by hand (see `s3-to-supabase rules boto3-call`)"]
        );
        assert!(messages("def upload(client, key):\n    client.put_object(Bucket='b', Key=key, Body=b'')\n").is_empty());
    }

    #[test]
    fn s3fs_is_reported() {
        let text = "import s3fs\nfs = s3fs.S3FileSystem(anon=False)\nfiles = fs.glob('anantra-lms-store/data/*.parquet')\n";
        assert_eq!(
            messages(text),
            [
                "s3fs-usage `fs.glob(...)` is an s3fs call on S3: s3fs is not migrated and its paths are never rewritten; read and write through the storage module's `s3_utils.storage` by hand",
                "s3fs-usage s3fs file system `fs` reads S3: s3fs is not migrated; move its reads and writes to the storage module's `s3_utils.storage` by hand",
            ]
        );
    }
}
