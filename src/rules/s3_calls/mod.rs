//! S3 calls translated to Supabase Storage (`boto3-call`), one unit at a time.
//!
//! What it finds: every call on a boto3/aioboto3 S3 object the model resolves (clients,
//! resources, buckets, collections, paginators), grouped in units: each function (module
//! level code is one unit).
//!
//! Why: after `apply` the code must run on Supabase Storage and return what it returned on
//! S3. A unit changes in ONE fix: every S3 call in it, the code that reads each response,
//! the handlers of the `try` statements guarding them and their error-code checks. If one
//! call of a unit cannot be translated exactly, nothing in the unit changes and each of its
//! calls is reported with what holds the unit back. A call on a bucket that
//! `buckets.names` leaves out (the model's `BucketArgument::known`) holds its unit back:
//! that bucket stays on S3, and nothing would fill it on Supabase.
//!
//! Fix safety: safe; the residual differences each translation keeps (content-type
//! parameters, errors that are `StorageApiError` instead of `ClientError`, ...) are named in
//! the finding's message. Translations that need one of the helpers below are made only in
//! the storage module, which gets each helper once, right after `storage = supabase.storage`.
//!
//! The submodules translate one call group each; `handlers` rewrites the `except` clauses
//! and error-code checks of the units' `try` statements; `helpers` holds the helper
//! functions' source; `layout` writes calls and blocks in the style of the code they replace.

mod asynchronous;
mod buckets;
pub mod callers;
mod deletes;
mod handlers;
mod helpers;
mod layout;
mod lister;
mod listings;
mod lookup;
mod raises;
mod reads;
mod transfers;
mod uploads;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use ruff_python_ast::{Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::finding::Finding;
use crate::fix::edit::{Edit, Fix};
use crate::fix::imports::line_start;
use crate::model::{Access, BucketArgument, Context, FileModel, Flavor, FunctionId, S3Call, S3Kind, ScopeId, Scopes, SiteKind, SymbolId, UseId};
use crate::fix::imports::{insert_lines, insertion_offset};
use crate::report::Position;
use crate::rule::RuleId;
use crate::rules::boto3_client::{storage_setup, StorageSetup};
use crate::rules::storage_access::{access, FileAccess};
use crate::rules::RuleContext;
use lookup::Lookup;

pub use helpers::Helper;
pub use lister::key_listers;

/// What the family reports, and the units it covered (another family's `boto3-call`
/// finding inside one of them is a duplicate).
pub struct Output {
    pub findings: Vec<Finding>,
    pub covered: Vec<TextRange>,
    /// `raise ClientError(...)` calls this family rewrites (client-error's own finding there
    /// is a duplicate).
    pub raises: Vec<TextRange>,
    /// The `try` statements of every unit, each with its unit's fate: `None` where the
    /// unit's fix changes its handlers, the range of what holds the unit back otherwise.
    pub tries: Vec<(TextRange, Option<TextRange>)>,
    /// The code of each unit held back, which keeps calling S3 this run.
    pub held: Vec<HeldUnit>,
}

/// Code that stays on S3 this run: a held-back unit's functions (its calls, at module
/// level), its name and the line of what holds it.
#[derive(Debug, Clone)]
pub struct HeldUnit {
    pub areas: Vec<TextRange>,
    pub name: String,
    pub line: usize,
}

impl HeldUnit {
    pub fn covers(&self, range: TextRange) -> bool {
        self.areas.iter().any(|area| area.contains_range(range))
    }
}

/// How a translated call fails when the object is missing (what its handlers test).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Missing {
    /// S3 said `NoSuchKey` (get_object); Supabase: status "404", code "not_found".
    NoSuchKey,
    /// S3 said a bare `"404"` (head_object, download_file, head_bucket): missing key or bucket.
    Bare404,
    /// `upload_file`: boto3 wraps every ClientError in S3UploadFailedError.
    UploadFile,
    /// Nothing a handler tests specially.
    Other,
}

/// One call translated: its edits and what they need.
#[derive(Debug, Default)]
pub struct Rewrite {
    pub edits: Vec<Edit>,
    pub helpers: Vec<Helper>,
    /// Import lines the replacement needs (`from storage3.types import ...`).
    pub imports: Vec<&'static str>,
    pub missing: Option<Missing>,
    /// Residual differences to name in the message.
    pub notes: Vec<String>,
    /// Construction calls (indexes into the model's calls) this rewrite replaced too.
    pub consumed: Vec<usize>,
    /// It names a storage-module member through the import `Cx::storage_import` adds.
    pub through_storage_import: bool,
}

/// Why a call (or a handler) cannot be translated: where, and what to do.
#[derive(Debug)]
pub struct Blocker {
    pub range: TextRange,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Blocker>;

/// The unit's view of the file, shared by the translators.
pub struct Cx<'c, 'a> {
    pub ctx: &'c RuleContext<'a>,
    pub model: &'c FileModel<'a>,
    pub text: &'a str,
    pub nl: &'static str,
    /// How code here reaches Supabase's storage client (`storage`, `s3_utils.storage`).
    pub storage: String,
    pub storage_import: Option<Edit>,
    /// The function the unit is (None: module level).
    pub function: Option<FunctionId>,
    pub lookup: &'c Lookup,
    pub access: &'c FileAccess<'c, 'a>,
    /// In the storage module, its functions passed a bucket `buckets.names` leaves out,
    /// each with who passes which (see `passed_unlisted`).
    pub passed_unlisted: &'c BTreeMap<String, String>,
    /// What the call being translated writes that depends on its place: checked there.
    pub written: RefCell<Written>,
}

/// The storage module's members a translation names (`storage`, the bucket constant, a
/// helper).
#[derive(Debug, Default)]
pub struct Written {
    members: Vec<String>,
}

impl<'c, 'a> Cx<'c, 'a> {
    pub fn src(&self, node: impl Ranged) -> &'a str {
        &self.text[node.range()]
    }

    pub fn block(&self, range: TextRange, message: impl Into<String>) -> Blocker {
        Blocker { range, message: message.into() }
    }

    pub fn line(&self, offset: TextSize) -> usize {
        self.ctx.lines.line_of(offset)
    }

    /// How code here reaches Supabase's storage client (`storage`, `s3_utils.storage`).
    pub fn storage(&self) -> &str {
        self.written.borrow_mut().members.push(self.ctx.config.client.storage_name.clone());
        &self.storage
    }

    /// The same view, for code of `function` (a unit may span several).
    pub fn within(&self, function: Option<FunctionId>) -> Cx<'c, 'a> {
        Cx { storage: self.storage.clone(), storage_import: self.storage_import.clone(), function, written: RefCell::default(), ..*self }
    }

    /// `storage.from_(<bucket>)`.
    pub fn store(&self, bucket: &str) -> String {
        format!("{}.from_({bucket})", self.storage())
    }

    /// The model's index of the resource call `operation(...)` (`Bucket`, `Object`) that is `expr`.
    pub fn resource_construction(&self, expr: &Expr, operation: &str) -> Option<usize> {
        self.lookup.calls_at(expr.range()).find(|at| self.model.calls[*at].operation == operation && self.model.calls[*at].kind == S3Kind::Resource)
    }

    /// The `resource.Object(bucket, key)` that `call` is made on: built inline as its
    /// receiver, or bound once in the same function to a name every use of which is the
    /// receiver of an object call, its bucket and key names bound once (so they mean there
    /// what they meant at the construction, whose statement then goes). Records the
    /// construction as consumed; returns the bucket and the key.
    pub fn object_receiver(&self, call: &S3Call<'a>, rewrite: &mut Rewrite) -> Result<(&'a Expr, &'a Expr)> {
        let not_followed = |range: TextRange| self.block(range, "an object built by code this translation does not follow");
        let (at, assignment) = match call.receiver {
            Expr::Name(name) => {
                let symbol = self.name_symbol(call.receiver, call.scope).ok_or_else(|| not_followed(name.range))?;
                let (value, stmt) = self.single_assignment(symbol).ok_or_else(|| self.block(name.range, format!("`{}` is bound more than once; bind the object once", name.id)))?;
                let at = self.resource_construction(value, "Object").ok_or_else(|| not_followed(value.range()))?;
                if self.model.calls[at].function != call.function || !matches!(stmt, Stmt::Assign(assign) if assign.targets.len() == 1 && assign.value.range() == value.range()) {
                    return Err(self.block(name.range, format!("`{}` holds an object built outside this function or in a compound assignment; build it where it is used", name.id)));
                }
                for use_ in self.uses(symbol) {
                    let use_ = self.model.use_(use_);
                    if !self.lookup.calls_on(use_.name.range).any(|on| self.model.calls[on].kind == S3Kind::Object) {
                        return Err(self.block(use_.name.range, format!("`{}` is used here besides its object calls; translate this use by hand", name.id)));
                    }
                }
                let (_, block) = self.model.site(self.model.scopes.symbol(symbol).sites[0]).statement.ok_or_else(|| not_followed(name.range))?;
                (at, Some((stmt, block)))
            }
            _ => (self.resource_construction(call.receiver, "Object").ok_or_else(|| not_followed(call.receiver.range()))?, None),
        };
        let built = self.model.calls[at].call;
        let bucket = argument(built, 0, "bucket_name").ok_or_else(|| self.block(built.range(), "`Object(...)` without its bucket"))?;
        let key = argument(built, 1, "key").ok_or_else(|| self.block(built.range(), "`Object(...)` without its key"))?;
        if let Some((stmt, block)) = assignment {
            if !(self.stable(bucket, call.scope) && self.stable(key, call.scope)) {
                return Err(self.block(built.range(), "the object's bucket and key are read again where it is used, but are not names bound once; bind them first"));
            }
            if self.model.blocks[block.0 as usize].len() == 1 {
                return Err(self.block(stmt.range(), "the object's assignment is alone in its block; build the object where it is used"));
            }
            rewrite.edits.push(self.delete(stmt));
        }
        rewrite.consumed.push(at);
        Ok((bucket, key))
    }

    /// Where a transfer call goes, whatever it is made on: a client (`Bucket` and `Key`
    /// among `params`, the client method's parameters in order), an inline resource
    /// `Bucket(b)` (its parameters lack `Bucket`) or an `Object(b, k)` (they lack both).
    /// Checks the arguments; returns the bucket, the key and the arguments of the other
    /// parameters, in the order of `params`.
    pub fn transfer(&self, index: usize, params: &[&'static str], rewrite: &mut Rewrite) -> Result<(&'a Expr, &'a Expr, Vec<Option<&'a Expr>>)> {
        let call = &self.model.calls[index];
        let c = call.call;
        let missing = |what: &str| self.block(c.range(), format!("`{}` without its {what}", call.operation));
        let (from_receiver, own): ((Option<&'a Expr>, Option<&'a Expr>), Vec<&'static str>) = match call.kind {
            S3Kind::Object => {
                let (bucket, key) = self.object_receiver(call, rewrite)?;
                ((Some(bucket), Some(key)), params.iter().copied().filter(|param| !matches!(*param, "Bucket" | "Key")).collect())
            }
            S3Kind::Bucket => {
                let at = self
                    .resource_construction(call.receiver, "Bucket")
                    .ok_or_else(|| self.block(call.receiver.range(), format!("a bucket built by code this translation does not follow (bind nothing: call `Bucket(name).{}(...)`)", call.operation)))?;
                rewrite.consumed.push(at);
                let built = self.model.calls[at].call;
                let bucket = argument(built, 0, "name").ok_or_else(|| self.block(built.range(), "`Bucket(...)` without its name"))?;
                ((Some(bucket), None), params.iter().copied().filter(|param| *param != "Bucket").collect())
            }
            _ => ((None, None), params.to_vec()),
        };
        check_arguments(self, c, &own, &[])?;
        let arg = |name: &str| own.iter().position(|param| *param == name).and_then(|at| argument(c, at, name));
        let bucket = from_receiver.0.or_else(|| arg("Bucket")).ok_or_else(|| missing("bucket"))?;
        let key = from_receiver.1.or_else(|| arg("Key")).ok_or_else(|| missing("key"))?;
        let rest = params.iter().filter(|param| !matches!(**param, "Bucket" | "Key")).map(|param| arg(param)).collect();
        Ok((bucket, key, rest))
    }

    /// A bucket argument as the translation writes it: a configured bucket's literal
    /// becomes that bucket's constant (where the translation moves it into a helper's
    /// positional argument, hardcoded-bucket would not see it as a bucket in this run),
    /// anything else stays as written.
    pub fn bucket(&self, expr: &Expr) -> String {
        if let Expr::StringLiteral(literal) = expr {
            let value = literal.value.to_str();
            if let Some(index) = self.ctx.matcher.whole(value) {
                let constant = &self.ctx.config.constant_of(index).constant;
                if let Ok(found) = access(self.ctx, constant) {
                    if found.import.is_none() {
                        self.written.borrow_mut().members.push(constant.clone());
                        return found.text;
                    }
                }
            }
        }
        self.src(expr).to_owned()
    }


    /// A helper of the storage module, as this file reaches it. The storage module gets
    /// the helpers the other files' translations call (it is processed after them), so
    /// outside it a helper is called only when the storage module is among the paths.
    pub fn helper(&self, helper: Helper, at: TextRange) -> Result<String> {
        let name = helper.name();
        self.written.borrow_mut().members.push(name.to_owned());
        if self.ctx.is_storage_module {
            return match helpers::conflict(self.model, &self.ctx.file.text, &self.ctx.config.errors.exception, helper, |at| self.line(at)) {
                Some(why) => Err(self.block(at, format!("its exact translation calls `{name}`, but {why}"))),
                None => Ok(name.to_owned()),
            };
        }
        let Some(storage) = &self.ctx.index.storage else {
            return Err(self.block(at, format!(
                "its exact translation calls `{name}`, a helper the storage module gets when it is among the paths; run on the whole project"
            )));
        };
        if let Some(why) = storage.helper_conflicts.get(name) {
            return Err(self.block(at, format!("its exact translation calls the storage module's `{name}`, which it cannot get: {why}")));
        }
        match access(self.ctx, name) {
            Ok(found) if found.import.is_none() || found.import == self.storage_import => Ok(found.text),
            Ok(_) => Err(self.block(at, format!(
                "its exact translation calls the storage module's `{name}`, which needs an import of its own here; import the storage module as a module, then rerun"
            ))),
            Err(why) => Err(self.block(at, why)),
        }
    }

    /// The leading whitespace of the line holding `offset`.
    pub fn indent(&self, offset: TextSize) -> &'a str {
        let start = line_start(self.text, offset).to_usize();
        let line = &self.text[start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    /// One level of indentation, as the unit's function writes it.
    pub fn unit_indent(&self) -> String {
        let Some(function) = self.function else { return "    ".to_owned() };
        let def = self.model.function(function).def;
        match def.body.first() {
            Some(first) => {
                let outer = self.indent(def.start()).len();
                let inner = self.indent(first.start());
                inner.get(outer..).filter(|unit| !unit.is_empty()).unwrap_or("    ").to_owned()
            }
            None => "    ".to_owned(),
        }
    }

    /// Whether a new name bound in the unit's function would clash with nothing.
    pub fn free(&self, scope: ScopeId, name: &str) -> bool {
        self.model.scopes.resolve(scope, name).is_none()
    }

    /// The symbol a name binds at `target` (a `for` target, a comprehension variable).
    pub fn symbol_at(&self, target: &Expr) -> Option<SymbolId> {
        let Expr::Name(name) = target else { return None };
        self.model.scopes.sites.iter().find(|site| site.range == name.range).map(|site| site.symbol)
    }

    /// Every use of `symbol`.
    pub fn uses(&self, symbol: SymbolId) -> Vec<UseId> {
        self.model.scopes.symbol(symbol).uses.clone()
    }

    /// The one assignment that binds `symbol` (`x = value`), if it has exactly one site.
    pub fn single_assignment(&self, symbol: SymbolId) -> Option<(&'a Expr, &'a Stmt)> {
        let sites = &self.model.scopes.symbol(symbol).sites;
        let [site] = sites.as_slice() else { return None };
        let site = self.model.site(*site);
        match (&site.kind, site.statement) {
            (SiteKind::Assign { value, .. }, Some((stmt, _))) => Some((value, stmt)),
            _ => None,
        }
    }

    /// The symbol of a bare name expression as loaded at its place.
    pub fn name_symbol(&self, expr: &Expr, scope: ScopeId) -> Option<SymbolId> {
        match expr {
            Expr::Name(name) => self.model.scopes.resolve(scope, name.id.as_str()),
            _ => None,
        }
    }

    /// Whether evaluating `expr` twice (or later) gives the same value and does nothing:
    /// literals and names bound once.
    pub fn stable(&self, expr: &Expr, scope: ScopeId) -> bool {
        match expr {
            Expr::StringLiteral(_) | Expr::NumberLiteral(_) => true,
            Expr::Name(name) => self
                .model
                .scopes
                .resolve(scope, name.id.as_str())
                .is_none_or(|symbol| self.model.scopes.symbol(symbol).sites.len() <= 1),
            Expr::Attribute(attribute) => matches!(attribute.value.as_ref(), Expr::Name(_)) && self.stable(&attribute.value, scope),
            _ => false,
        }
    }

    /// The statement deletion edit for `stmt` (whole lines).
    /// Whether a comment lies in `range` outside `kept` (a rewrite replacing `range` with
    /// `kept`'s text would drop it).
    pub fn comment_outside(&self, range: TextRange, kept: TextRange) -> bool {
        let comments = self.ctx.tokens.in_range(range).iter().filter(|token| token.kind() == ruff_python_ast::token::TokenKind::Comment);
        comments.into_iter().any(|comment| !kept.contains_range(comment.range()))
    }

    pub fn delete(&self, stmt: &Stmt) -> Edit {
        crate::fix::imports::delete_statement(self.text, stmt.range(), false)
    }
}

/// A call's keyword argument.
pub fn keyword<'a>(call: &'a ExprCall, name: &str) -> Option<&'a Expr> {
    call.arguments.keywords.iter().find(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == name)).map(|keyword| &keyword.value)
}

/// The argument for parameter `index` named `name`, positional or keyword.
pub fn argument<'a>(call: &'a ExprCall, index: usize, name: &str) -> Option<&'a Expr> {
    crate::model::value::argument(call, index, name)
}

/// Every keyword must be one of `allowed`, no positional argument beyond `positional`,
/// no `*args`/`**kwargs`.
pub fn check_arguments(cx: &Cx, call: &ExprCall, positional: &[&str], allowed: &[&str]) -> Result<()> {
    if call.arguments.args.len() > positional.len() || call.arguments.args.iter().any(Expr::is_starred_expr) {
        return Err(cx.block(call.range(), format!("`{}` has positional arguments this translation does not know; rewrite it by hand", cx.src(&*call.func))));
    }
    for keyword in call.arguments.keywords.iter() {
        let Some(arg) = &keyword.arg else {
            return Err(cx.block(keyword.range(), "`**` arguments hide what the call passes; spell them out, then rerun"));
        };
        if !allowed.contains(&arg.as_str()) && !positional.contains(&arg.as_str()) {
            return Err(cx.block(keyword.range(), unsupported_argument(arg.as_str())));
        }
    }
    Ok(())
}

/// What to do about an argument Supabase Storage has no equivalent for.
fn unsupported_argument(name: &str) -> String {
    let advice = match name {
        "ACL" | "GrantRead" | "GrantFullControl" | "GrantReadACP" | "GrantWriteACP" => {
            "Supabase has no object ACLs: make the bucket public or private, and control access with RLS policies on storage.objects"
        }
        "ServerSideEncryption" | "SSEKMSKeyId" | "SSECustomerAlgorithm" | "SSECustomerKey" | "SSECustomerKeyMD5" | "BucketKeyEnabled" => {
            "Supabase encrypts stored objects itself and has no per-object keys: drop the argument by hand if that is acceptable"
        }
        "Tagging" => "Supabase has no object tags: keep them in the upload's \"metadata\" or in a table",
        "VersionId" => "Supabase has no object versions: keep versions under their own keys",
        "StorageClass" => "Supabase has no storage classes",
        // Paging outside the loop shapes `token_loop` follows (one call in a `while True:`).
        "ContinuationToken" => {
            "Supabase pages its own way, and the translation follows paging only as one `list_objects_v2` call in a `while True:` loop (the token in the arguments or in a variable): rewrite the paging that way and rerun, or list every key below the prefix through the storage module"
        }
        _ => "it has no supabase-py equivalent this translation knows; rewrite the call by hand",
    };
    format!("argument `{name}`: {advice}")
}

/// Operations with no supabase-py equivalent, and what to use instead.
fn unsupported_operation(operation: &str) -> Option<&'static str> {
    Some(match operation {
        "create_multipart_upload" | "upload_part" | "upload_part_copy" | "complete_multipart_upload" | "abort_multipart_upload" | "list_parts" | "list_multipart_uploads" => {
            "multipart uploads have no supabase-py equivalent: upload the whole body with `upload` (up to the project's size limit) or use Supabase's resumable (TUS) uploads"
        }
        "put_object_acl" | "get_object_acl" | "put_bucket_acl" | "get_bucket_acl" => {
            "Supabase has no ACLs: make the bucket public or private (`update_bucket`) and control access with RLS policies"
        }
        "put_object_tagging" | "get_object_tagging" | "delete_object_tagging" => {
            "Supabase has no object tags: keep them in the upload's \"metadata\" or in a table"
        }
        "list_object_versions" | "put_bucket_versioning" | "get_bucket_versioning" => {
            "Supabase has no object versioning: keep versions under their own keys"
        }
        "put_bucket_encryption" | "get_bucket_encryption" => "Supabase encrypts stored objects itself; there is nothing to configure",
        "generate_presigned_post" => {
            "there is no presigned POST: use `create_signed_upload_url(path)` and upload with `upload_to_signed_url(path, token, file)`"
        }
        "select_object_content" | "restore_object" => "Supabase Storage has no equivalent",
        _ => return None,
    })
}

/// A unit: the calls of one function (or of module level code), or of several where a
/// `try` guards S3 calls of each (one calling the other): its handlers can change only
/// in the fix that translates all of them.
struct Unit {
    /// The functions, in the order of their first S3 call.
    functions: Vec<Option<FunctionId>>,
    calls: Vec<usize>,
    /// Indexes into `FileModel::tries` of the `try` statements guarding this unit's calls
    /// (see `makes_request`).
    tries: Vec<usize>,
}

/// The file's calls and tries grouped by function, in one pass over each (a file with
/// thousands of functions must not compare every unit with every call or `try`), and
/// the groups a `try` links merged.
fn units(model: &FileModel) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut unit_of: FxHashMap<Option<FunctionId>, usize> = FxHashMap::default();
    for (index, call) in model.calls.iter().enumerate() {
        let at = *unit_of.entry(call.function).or_insert_with(|| {
            units.push(Unit { functions: vec![call.function], calls: Vec::new(), tries: Vec::new() });
            units.len() - 1
        });
        units[at].calls.push(index);
    }
    // Each unit points at the first unit it is merged with (union-find).
    let mut merged: Vec<usize> = (0..units.len()).collect();
    fn root(merged: &mut [usize], mut at: usize) -> usize {
        while merged[at] != at {
            merged[at] = merged[merged[at]];
            at = merged[at];
        }
        at
    }
    let mut owners: Vec<(usize, usize)> = Vec::new();
    for (index, block) in model.tries.iter().enumerate() {
        let mut guarded = block.calls.iter().map(|call| &model.calls[*call]).filter(|call| makes_request(call)).filter_map(|call| unit_of.get(&call.function).copied());
        let Some(first) = guarded.next() else { continue };
        for other in guarded {
            let (a, b) = (root(&mut merged, first), root(&mut merged, other));
            merged[a.max(b)] = a.min(b);
        }
        owners.push((index, first));
    }
    for (index, first) in owners {
        let at = root(&mut merged, first);
        units[at].tries.push(index);
    }
    for at in (0..units.len()).rev() {
        let into = root(&mut merged, at);
        if into != at {
            let unit = std::mem::replace(&mut units[at], Unit { functions: Vec::new(), calls: Vec::new(), tries: Vec::new() });
            units[into].calls.extend(unit.calls);
            units[into].tries.extend(unit.tries);
            units[into].functions.splice(1..1, unit.functions);
        }
    }
    units.retain(|unit| !unit.functions.is_empty());
    for unit in &mut units {
        unit.calls.sort_unstable();
        unit.tries.sort_unstable();
    }
    units
}

pub fn check(ctx: &RuleContext) -> Output {
    let model = ctx.model;
    let text = ctx.file.text.as_str();
    let storage_name = ctx.config.client.storage_name.as_str();
    let storage = access(ctx, storage_name);
    let lookup = Lookup::new(model);
    let module_access = FileAccess::new(ctx);
    let passed_unlisted = passed_unlisted(ctx);
    let module_cx = Cx {
        ctx,
        model,
        text,
        nl: ctx.file.encoding.newline,
        storage: String::new(),
        storage_import: None,
        function: None,
        lookup: &lookup,
        access: &module_access,
        passed_unlisted: &passed_unlisted,
        written: RefCell::default(),
    };
    let (mut raise_findings, raises) = raises::check(&module_cx);
    let (caller_findings, caller_tries) = callers::check(&module_cx);
    raise_findings.extend(caller_findings);
    if model.calls.is_empty() && demanded_helpers(ctx).is_empty() {
        return Output { findings: raise_findings, covered: Vec::new(), raises, tries: caller_tries, held: Vec::new() };
    }
    // In the storage module the Supabase client is set up first (boto3-client), then the
    // calls are translated beside it; while boto3-client cannot set it up, nothing calls it.
    let setup = if ctx.is_storage_module {
        storage_setup(&ctx.config.client, &ctx.module.body, text, &model.scopes, &model.exports)
    } else {
        StorageSetup::Bound
    };
    // Elsewhere the calls reach the storage module's Supabase client, which a legacy
    // storage module (a bucket constant, no S3 client) neither has nor gets.
    let storage_absent = (!ctx.is_storage_module).then_some(()).and(ctx.index.storage.as_ref()).filter(|storage| matches!(storage.setup, StorageSetup::Missing | StorageSetup::Conflict(_)));
    let mut findings = raise_findings;
    let mut covered = Vec::new();
    let mut tries = caller_tries;
    let mut planned: Vec<(Vec<usize>, Plan)> = Vec::new();
    let mut held_units = Vec::new();
    for unit in units(model) {
        covered.extend(unit.functions.iter().flatten().map(|function| model.function(*function).def.range));
        let cx = Cx {
            ctx,
            model,
            text,
            nl: ctx.file.encoding.newline,
            storage: storage.as_ref().map_or_else(|_| storage_name.to_owned(), |found| found.text.clone()),
            storage_import: storage.as_ref().ok().and_then(|found| found.import.clone()),
            function: unit.functions[0],
            lookup: &lookup,
            access: &module_access,
            passed_unlisted: &passed_unlisted,
            written: RefCell::default(),
        };
        let holding = |message: String| Err(vec![Blocker { range: model.calls[unit.calls[0]].call.range(), message }]);
        // The storage module's units waiting for its Supabase client change, handlers
        // and all, in the same apply that sets it up: nothing a person must resolve.
        let mut waits_for_apply = false;
        let plan = match (&storage, &setup) {
            // Nothing is translated without a way to the storage module; what else holds
            // the unit back (a helper, an argument without equivalent) is said first.
            (Err(why), _) => plan_unit(&cx, &unit).and_then(|_| holding(why.clone())),
            // A call on a bucket that stays on S3 is not translated even then.
            (Ok(_), StorageSetup::ByApply) => match unlisted_blockers(&cx, &unit) {
                unlisted if !unlisted.is_empty() => Err(unlisted),
                _ => {
                    waits_for_apply = true;
                    holding(format!("translated once the storage module sets up the Supabase client (`{storage_name}`); apply does both"))
                }
            },
            (Ok(_), StorageSetup::Missing) => holding(no_storage_client(ctx, &ctx.file.display, storage_name)),
            (Ok(_), StorageSetup::Conflict(why)) => holding(format!("nothing is translated to Supabase Storage until this module has its Supabase client, and boto3-client says: {why}")),
            (Ok(_), StorageSetup::Bound) => match storage_absent {
                Some(storage) => plan_unit(&cx, &unit).and_then(|_| {
                    holding(match &storage.setup {
                        StorageSetup::Conflict(why) => format!("its translation calls `{}`, which the storage module {} does not have yet, and boto3-client says there: {why}", cx.storage, storage.display),
                        _ => no_storage_client(ctx, &storage.display, &cx.storage),
                    })
                }),
                None => plan_unit(&cx, &unit),
            },
        };
        let held = plan.as_ref().err().filter(|_| !waits_for_apply).map(|blockers| blockers[0].range);
        tries.extend(unit.tries.iter().map(|&index| (model.tries[index].range(), held)));
        match plan {
            Ok(plan) => {
                if ctx.is_storage_module {
                    for function in unit.functions.iter().flatten() {
                        ctx.translated.borrow_mut().push((model.function(*function).def.name.to_string(), plan.missing.clone()));
                    }
                }
                planned.push((unit.calls, plan));
            }
            Err(blockers) => {
                if !waits_for_apply {
                    held_units.push(held_unit(&cx, &unit, &blockers[0]));
                }
                findings.extend(blocked(&cx, &unit, &blockers));
            }
        }
    }
    // Helpers go into the storage module once, in one edit every unit's fix carries; with
    // those the other files' translations call.
    let mut needed: BTreeSet<Helper> = planned.iter().flat_map(|(_, plan)| plan.helpers.iter().copied()).collect();
    let demanded = demanded_helpers(ctx);
    needed.extend(demanded.iter().copied());
    needed.retain(|helper| model.scopes.local(Scopes::MODULE, helper.name()).is_none());
    let helper_edits = helpers::insertion(ctx, &needed);
    let carried = planned.iter().any(|(_, plan)| plan.helpers.iter().any(|helper| needed.contains(helper)));
    if !carried && !helper_edits.is_empty() {
        findings.push(demand_finding(&module_cx, &needed, helper_edits.clone()));
    }
    for (calls, plan) in planned {
        let mut edits = plan.edits;
        if plan.helpers.iter().any(|helper| needed.contains(helper)) {
            edits.extend(helper_edits.iter().cloned());
        }
        let mut messages: Vec<&str> = Vec::new();
        for (_, note) in &plan.notes {
            if !messages.contains(&note.as_str()) {
                messages.push(note);
            }
        }
        let notes = if messages.is_empty() { String::new() } else { format!("; differences that remain: {}", messages.join("; ")) };
        let leaves = plan
            .notes
            .iter()
            .map(|(range, note)| Finding {
                rule: RuleId::TranslationDifference,
                severity: RuleId::TranslationDifference.default_severity(),
                range: *range,
                message: format!("translated with the other S3 calls of {}, one difference remains: {note}", plan.name),
                fix: None,
            })
            .collect();
        let fix = Fix::safe(format!("translate the S3 calls of {} to Supabase Storage", plan.name), edits).leaving(leaves);
        for index in calls {
            let call = &model.calls[index];
            if call.is_construction() && !is_collection_listing(call) {
                continue;
            }
            findings.push(Finding {
                rule: RuleId::Boto3Call,
                severity: RuleId::Boto3Call.default_severity(),
                range: call.call.range(),
                message: format!("`{}(...)`: translated with the other S3 calls of {} in one fix{notes}", call_head(text, call), plan.name),
                fix: Some(fix.clone()),
            });
        }
    }
    Output { findings, covered, raises, tries, held: held_units }
}

fn held_unit(cx: &Cx, unit: &Unit, first: &Blocker) -> HeldUnit {
    let functions = unit.functions.iter().flatten().map(|&function| cx.model.function(function).def.range);
    let module_level = unit.calls.iter().map(|&index| &cx.model.calls[index]).filter(|call| call.function.is_none()).map(|call| call.call.range());
    let areas = functions.chain(module_level).collect();
    HeldUnit { areas, name: unit_name(cx, unit), line: cx.line(first.range.start()) }
}

/// Why nothing goes through `reference` (`s3_utils.storage`): the storage module has no
/// Supabase storage client, and nothing in this run gives it one.
fn no_storage_client(ctx: &RuleContext, display: &str, reference: &str) -> String {
    let client = &ctx.config.client;
    format!(
        "its translation calls `{reference}`, but the storage module {display} binds no `{storage}` and has no module-level boto3 S3 client (directly in its body) for apply to replace; add `{name}: Client = create_client({url}, {key})` and `{storage} = {name}.storage` to it (from supabase import Client, create_client), or set `client.storage_name` to the name of the Supabase storage client it has, then rerun",
        storage = client.storage_name,
        name = client.client_name,
        url = client.url_env,
        key = client.key_env,
    )
}

/// Why the storage module of `model` (text `text`) cannot get each helper, by name (see
/// `helpers::conflict`).
pub fn helper_conflicts(model: &FileModel, text: &str, config: &crate::config::Config) -> std::collections::BTreeMap<String, String> {
    let lines = crate::source::LineIndex::new(text);
    Helper::ALL
        .into_iter()
        .filter_map(|helper| helpers::conflict(model, text, &config.errors.exception, helper, |at| lines.line_of(at)).map(|why| (helper.name().to_owned(), why)))
        .collect()
}

/// The helpers other files' translations call from the storage module (none elsewhere).
fn demanded_helpers(ctx: &RuleContext) -> BTreeSet<Helper> {
    let Some(storage) = ctx.index.storage.as_ref().filter(|_| ctx.is_storage_module) else { return BTreeSet::new() };
    Helper::ALL.into_iter().filter(|helper| storage.demand.helpers.contains(helper.name())).collect()
}

/// The storage module's finding when only other files need helpers it lacks.
fn demand_finding(cx: &Cx, needed: &BTreeSet<Helper>, mut edits: Vec<Edit>) -> Finding {
    let ctx = cx.ctx;
    let names: Vec<String> = needed.iter().map(|helper| format!("`{}`", helper.name())).collect();
    let at = ctx.module.body.first().map_or_else(TextRange::default, |stmt| stmt.range());
    if needed.contains(&Helper::CopyObject) {
        edits.extend(import_edits(cx, &exception_import(cx).into_iter().collect()));
    }
    Finding {
        rule: RuleId::Boto3Call,
        severity: RuleId::Boto3Call.default_severity(),
        range: at,
        message: format!("the call translations of other files call {} of the storage module: add them", names.join(", ")),
        fix: Some(Fix::safe("add the storage helpers other files call", edits)),
    }
}

/// `s3_client.put_object` for messages.
fn call_head<'a>(text: &'a str, call: &S3Call) -> &'a str {
    &text[call.call.func.range()]
}

/// `` `f` ``, `module level code`, `` `f` and `g` ``.
fn unit_name(cx: &Cx, unit: &Unit) -> String {
    let names: Vec<String> = unit
        .functions
        .iter()
        .map(|function| match function {
            Some(function) => format!("`{}`", cx.model.function(*function).def.name.as_str()),
            None => "module level code".to_owned(),
        })
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// Every call of a unit that is held back: the blockers themselves, and each other call
/// saying what holds it.
fn blocked(cx: &Cx, unit: &Unit, blockers: &[Blocker]) -> Vec<Finding> {
    let name = unit_name(cx, unit);
    let as_one = match unit.functions.len() {
        1 => format!("{name} changes as one unit"),
        _ => format!("{name} change as one unit: a `try` guards S3 calls of each"),
    };
    let mut findings: Vec<Finding> = blockers
        .iter()
        .map(|blocker| Finding {
            rule: RuleId::Boto3Call,
            severity: RuleId::Boto3Call.default_severity(),
            range: blocker.range,
            message: format!("not translated ({as_one}): {}", blocker.message),
            fix: None,
        })
        .collect();
    let first = &blockers[0];
    for &index in &unit.calls {
        let call = &cx.model.calls[index];
        if call.is_construction() || blockers.iter().any(|blocker| blocker.range.contains_range(call.call.range()) || call.call.range().contains_range(blocker.range)) {
            continue;
        }
        findings.push(Finding {
            rule: RuleId::Boto3Call,
            severity: RuleId::Boto3Call.default_severity(),
            range: call.call.range(),
            message: format!(
                "`{}(...)` is held back with the rest of {name} by line {}; resolve that finding, then rerun",
                call_head(cx.text, call),
                cx.line(first.range.start())
            ),
            fix: None,
        });
    }
    findings
}

/// A unit's translation.
struct Plan {
    name: String,
    edits: Vec<Edit>,
    helpers: BTreeSet<Helper>,
    /// The differences that remain, each at the call or `try` that keeps it.
    notes: Vec<(TextRange, String)>,
    /// How its translated calls report a missing object.
    missing: Vec<Missing>,
}

fn plan_unit(cx: &Cx, unit: &Unit) -> std::result::Result<Plan, Vec<Blocker>> {
    let mut blockers = Vec::new();
    let mut rewrites: Vec<(usize, Rewrite)> = Vec::new();
    let mut consumed: BTreeSet<usize> = BTreeSet::new();
    // Listings first: they consume the calls on their items (`obj.delete()`).
    let listing = |index: &usize| is_iterated_listing(&cx.model.calls[*index]);
    let (listings, others): (Vec<usize>, Vec<usize>) = unit.calls.iter().copied().partition(|index| listing(index));
    // A call on a bucket left out of `buckets.names` stays on S3, and its unit with it.
    for blocker in unlisted_blockers(cx, unit) {
        consumed.extend(unit.calls.iter().copied().filter(|&index| cx.model.calls[index].call.range() == blocker.range));
        blockers.push(blocker);
    }
    for index in listings.into_iter().chain(others) {
        let call = &cx.model.calls[index];
        let listing = listing(&index);
        if (call.is_construction() && !listing) || consumed.contains(&index) {
            continue;
        }
        let cx = cx.within(call.function);
        let translated = if listing { listings::collection_listing(&cx, index) } else { translate(&cx, index) }.and_then(|rewrite| placed(&cx, call, rewrite));
        match translated {
            Ok(rewrite) => {
                consumed.extend(rewrite.consumed.iter().copied());
                rewrites.push((index, rewrite));
            }
            Err(blocker) => blockers.push(blocker),
        }
    }
    for &index in &unit.calls {
        let call = &cx.model.calls[index];
        if call.is_construction() && !is_iterated_listing(call) && !consumed.contains(&index) && blockers.is_empty() {
            blockers.push(cx.block(call.call.range(), format!(
                "`{}(...)` builds a {} this translation does not follow to its use; rewrite its uses by hand",
                call_head(cx.text, call),
                call.kind.noun()
            )));
        }
    }
    if !blockers.is_empty() {
        return Err(blockers);
    }
    let mut edits: Vec<Edit> = Vec::new();
    let mut helpers: BTreeSet<Helper> = BTreeSet::new();
    let mut notes: Vec<(TextRange, String)> = Vec::new();
    let mut imports: BTreeSet<&'static str> = BTreeSet::new();
    for (index, rewrite) in &rewrites {
        edits.extend(rewrite.edits.iter().cloned());
        helpers.extend(rewrite.helpers.iter().copied());
        imports.extend(rewrite.imports.iter().copied());
        let at = cx.model.calls[*index].call.range();
        notes.extend(rewrite.notes.iter().map(|note| (at, note.clone())));
    }
    let missing: Vec<(usize, Missing)> = rewrites.iter().map(|(index, rewrite)| (*index, rewrite.missing.unwrap_or(Missing::Other))).collect();
    // `_copy_object`'s body catches the exception: its module imports it.
    if helpers.contains(&Helper::CopyObject) && cx.ctx.is_storage_module {
        imports.extend(exception_import(cx));
    }
    match handlers::translate(cx, &unit.tries, &missing, &mut edits) {
        Ok(handled) => {
            edits.extend(handled.edits);
            imports.extend(handled.imports);
            notes.extend(handled.notes);
        }
        Err(more) => return Err(more),
    }
    // Only a translation that names the module through it needs it (a listing through a
    // storage function imported by name does not).
    if let Some(import) = cx.storage_import.as_ref().filter(|_| rewrites.iter().any(|(_, rewrite)| rewrite.through_storage_import)) {
        edits.push(import.clone());
    }
    edits.extend(import_edits(cx, &imports));
    edits.sort();
    edits.dedup();
    if let Some(pair) = edits.windows(2).find(|pair| pair[1].start() < pair[0].end()) {
        return Err(vec![cx.block(pair[1].range, "the translation's edits overlap here; please report it, and translate this function by hand")]);
    }
    Ok(Plan { name: unit_name(cx, unit), edits, helpers, notes, missing: missing.into_iter().map(|(_, kind)| kind).collect() })
}

/// The unit's calls on a bucket `buckets.names` leaves out, each a blocker: written there,
/// or passed by a call of the function here (it is a parameter); in the storage module,
/// also its first call where a caller passes the unit's function such a bucket (the
/// function stays on S3 for that caller), which then says it for the calls in it.
fn unlisted_blockers(cx: &Cx, unit: &Unit) -> Vec<Blocker> {
    let mut held = Vec::new();
    for function in unit.functions.iter().flatten().map(|&function| cx.model.function(function)) {
        let module_level = cx.model.scopes.symbol(cx.model.site(function.site).symbol).scope == Scopes::MODULE;
        let Some(passes) = cx.passed_unlisted.get(function.def.name.as_str()).filter(|_| module_level) else { continue };
        let first = unit.calls.iter().map(|&index| cx.model.calls[index].call).find(|call| function.def.range.contains_range(call.range()));
        if let Some(call) = first {
            held.push((function.def.range, cx.block(call.range(), format!("{passes}, which is not in buckets.names, so the function stays on S3; {LIST_IT} ({NOWHERE})"))));
        }
    }
    let in_held = |call: &ExprCall| held.iter().any(|(function, _)| function.contains_range(call.range()));
    let mut blockers: Vec<Blocker> = unit
        .calls
        .iter()
        .map(|&index| cx.model.calls[index].call)
        .filter_map(|call| {
            let arguments = || cx.model.bucket_arguments_of(call);
            if let Some(bucket) = arguments().find_map(|argument| argument.unlisted(cx.ctx.matcher)) {
                return Some(cx.block(call.range(), unlisted_bucket(bucket)));
            }
            if in_held(call) {
                return None;
            }
            let (bucket, at) = arguments().find_map(|argument| unlisted_here(cx.ctx, argument))?;
            Some(cx.block(call.range(), format!(
                "line {} passes the bucket \"{bucket}\" to where this call takes its bucket, and it is not in buckets.names, so it stays on S3; {LIST_IT} ({NOWHERE})",
                cx.line(at)
            )))
        })
        .collect();
    blockers.extend(held.into_iter().map(|(_, blocker)| blocker));
    blockers
}

/// In the storage module, its functions passed a bucket `buckets.names` leaves out: by
/// itself (`line 11 passes ...`, as the file now reads) or by another file (where the
/// first pass found it), each function's first such pass.
fn passed_unlisted(ctx: &RuleContext) -> BTreeMap<String, String> {
    let mut passed = BTreeMap::new();
    let Some(storage) = ctx.index.storage.as_ref().filter(|_| ctx.is_storage_module) else { return passed };
    for (function, bucket, at) in unlisted_passes(ctx) {
        passed.entry(function.to_owned()).or_insert_with(|| format!("line {} passes `{function}` the bucket \"{bucket}\"", at.line));
    }
    for (function, (bucket, at)) in &storage.passed_unlisted {
        passed.entry(function.clone()).or_insert_with(|| format!("{at} passes `{function}` the bucket \"{bucket}\""));
    }
    passed
}

/// The storage-module functions the file passes a bucket `buckets.names` leaves out, in
/// source order: (function, bucket, where the bucket stands). A pass on a line that
/// suppresses `unlisted-bucket` (a bucket that is nowhere, as a test's) is none.
pub fn unlisted_passes<'a>(ctx: &RuleContext<'a>) -> Vec<(&'a str, &'a str, Position)> {
    ctx.model
        .storage_bucket_arguments()
        .filter_map(|(function, argument)| {
            let (bucket, at) = unlisted_here(ctx, argument)?;
            Some((function, bucket, ctx.lines.position(&ctx.file.text, at)))
        })
        .collect()
}

/// The bucket `argument` holds, or else a call of its function passes for it (it is a
/// parameter), where `buckets.names` leaves it out, with where that bucket is written;
/// none where that line suppresses `unlisted-bucket` (a bucket that is nowhere, as a test's).
pub(super) fn unlisted_here<'a>(ctx: &RuleContext<'a>, argument: &BucketArgument<'a>) -> Option<(&'a str, TextSize)> {
    let written = argument.unlisted(ctx.matcher).map(|bucket| (bucket, argument.value.start()));
    let passed = || ctx.model.passes_of(argument).iter().map(|pass| (pass.bucket, pass.value.start()));
    let suppressed = |at: TextSize| ctx.suppressions.is_suppressed(RuleId::UnlistedBucket, ctx.lines.line_of(at));
    match written {
        Some((bucket, at)) => (!suppressed(at)).then_some((bucket, at)),
        None => passed().find(|&(_, at)| !suppressed(at)),
    }
}

/// How a bucket that is nowhere is told apart from one that stays on S3.
const NOWHERE: &str = "a bucket that is nowhere, as a test's, takes `# s3-to-supabase: ignore[unlisted-bucket]` on that line";

/// Why a call on bucket `bucket`, which `buckets.names` leaves out, is not translated.
pub(super) fn unlisted_bucket(bucket: &str) -> String {
    format!("the bucket \"{bucket}\" is not in buckets.names, so it stays on S3; {LIST_IT}")
}

/// What to do about a bucket `buckets.names` leaves out.
pub(super) const LIST_IT: &str = "add it to buckets.names (with its own constant in [buckets.constants]) if it moves to Supabase";

/// `rewrite` where what it writes means at the call what it meant where the translator
/// wrote it: every storage-module member it names resolves there to the module's own
/// (no parameter, loop variable or local named `storage` in between).
fn placed(cx: &Cx, call: &S3Call, mut rewrite: Rewrite) -> Result<Rewrite> {
    let written = cx.written.take();
    for member in &written.members {
        let found = cx.access.reference(member, call.scope, call.call.start()).map_err(|refusal| cx.block(call.call.range(), refusal.describe(cx.ctx, &cx.access.text_of(member))))?;
        rewrite.through_storage_import |= found.import.is_some() && found.import == cx.storage_import;
    }
    Ok(rewrite)
}

/// The import lines the unit needs that the file does not have yet.
pub(super) fn import_edits(cx: &Cx, imports: &BTreeSet<&'static str>) -> Vec<Edit> {
    let mut lines = Vec::new();
    for line in imports {
        let name = line.rsplit(' ').next().unwrap_or_default();
        if cx.model.scopes.local(Scopes::MODULE, name).is_none() {
            lines.push(*line);
        }
    }
    if lines.is_empty() {
        return Vec::new();
    }
    let at = insertion_offset(cx.ctx.module, cx.text);
    vec![insert_lines(cx.text, at, &lines.join("\n"), cx.nl)]
}

/// The import line of the configured replacement exception.
pub fn exception_import(cx: &Cx) -> Option<&'static str> {
    let exception = &cx.ctx.config.errors.exception;
    let (module, name) = exception.rsplit_once('.')?;
    if cx.model.scopes.local(Scopes::MODULE, name).is_some() {
        return None;
    }
    Some(Box::leak(format!("from {module} import {name}").into_boxed_str()))
}

/// Translate one S3 request call.
fn translate(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    if let Some(advice) = unsupported_operation(call.operation) {
        return Err(cx.block(call.call.range(), format!("`{}`: {advice}", call.operation)));
    }
    if call.flavor == Flavor::Async {
        return Err(cx.block(call.call.range(), asynchronous::advice(cx, call)));
    }
    if !matches!(call.receiver, Expr::Name(_) | Expr::Attribute(_) | Expr::Call(_)) {
        return Err(cx.block(call.call.range(), "the receiver is an expression this translation cannot drop safely; bind it to a name first"));
    }
    match (call.kind, call.operation) {
        (S3Kind::Client, "put_object") | (S3Kind::Bucket, "put_object") | (S3Kind::Object, "put") => uploads::put_object(cx, index),
        (S3Kind::Client | S3Kind::Bucket | S3Kind::Object, "upload_file") => uploads::upload_file(cx, index),
        (S3Kind::Client | S3Kind::Bucket | S3Kind::Object, "upload_fileobj") => uploads::upload_fileobj(cx, index),
        (S3Kind::Object, "load") => reads::load_object(cx, index),
        (S3Kind::Client, "get_object") | (S3Kind::Object, "get") => reads::get_object(cx, index),
        (S3Kind::Client, "head_object") => reads::head_object(cx, index),
        (S3Kind::Client | S3Kind::Bucket | S3Kind::Object, "download_file") => transfers::download_file(cx, index),
        (S3Kind::Client | S3Kind::Bucket | S3Kind::Object, "download_fileobj") => transfers::download_fileobj(cx, index),
        (S3Kind::Object, "copy_from") => Err(cx.block(call.call.range(), format!(
            "`Object(...).copy_from(CopySource=...)`: write `{}.from_(bucket).copy(source_key, key)` by hand (Supabase copies within one bucket and overwrites the destination as S3 did; a source in another bucket needs a download and an upload)",
            cx.storage
        ))),
        (S3Kind::Client, "list_objects_v2" | "list_objects") => listings::list_objects(cx, index),
        (S3Kind::Pages, _) | (S3Kind::Paginator, "paginate") => listings::paginate(cx, index),
        (S3Kind::Collection, "delete") => deletes::purge_collection(cx, index),
        (S3Kind::Client, "delete_object") | (S3Kind::Object, "delete") => deletes::delete_object(cx, index),
        (S3Kind::Client, "delete_objects") => deletes::delete_objects(cx, index),
        (S3Kind::Client, "copy_object") => deletes::copy_object(cx, index),
        (S3Kind::Client, "generate_presigned_url") => buckets::presigned_url(cx, index),
        (S3Kind::Client, "head_bucket" | "create_bucket" | "delete_bucket" | "list_buckets") => buckets::bucket_call(cx, index),
        (S3Kind::Bucket, "delete") => Err(cx.block(call.call.range(), format!(
            "`Bucket(...).delete()` deletes the bucket itself, not an object: write `{}.delete_bucket(bucket)` by hand (the bucket must be empty)",
            cx.storage
        ))),
        (kind, operation) => Err(cx.block(call.call.range(), format!(
            "`{operation}` on a {} has no translation here; rewrite it by hand against `{}.from_(bucket)`",
            kind.noun(),
            cx.storage
        ))),
    }
}

/// Whether `call` makes a request its `try` catches the errors of: any call but one that
/// only builds an object, and a listing that is iterated (the iteration makes the
/// requests; the translation turns it into a walk of the bucket).
pub fn makes_request(call: &S3Call) -> bool {
    !call.is_construction() || is_iterated_listing(call)
}

/// `for obj in bucket.objects.filter(...)`: a collection listing whose value is iterated.
fn is_iterated_listing(call: &S3Call) -> bool {
    is_collection_listing(call) && matches!(call.consumer.context, Context::Iterated { .. })
}

/// The collection chain a listing iterates, when `call` is `.filter(...)`/`.all()` of a
/// collection and its value is iterated: handled by `listings::collection`.
pub fn is_collection_listing(call: &S3Call) -> bool {
    call.kind == S3Kind::Collection && matches!(call.operation, "filter" | "all") && call.consumer.accesses.is_empty()
}

/// The node of the consumer chain right after `steps` steps past the call (the call
/// itself for 0).
pub fn chain_node<'a>(call: &S3Call<'a>, steps: usize) -> Option<&'a Expr> {
    if steps == 0 {
        // The call expression itself is the innermost node of the chain at the call.
        return crate::model::calls::steps(call.consumer.outer)
            .into_iter()
            .find(|(_, node)| node.range() == call.call.range())
            .map(|(_, node)| node);
    }
    let nodes = crate::model::calls::steps(call.consumer.outer);
    let at = nodes.iter().position(|(_, node)| node.range() == call.call.range())?;
    nodes.get(at + steps).map(|(_, node)| *node)
}

/// `r["Body"].read()` steps: Index "Body", Attribute read, Call.
pub fn is_body_read(accesses: &[Access]) -> bool {
    matches!(accesses, [index @ Access::Index(_), Access::Attribute("read"), Access::Call(call), ..] if index.key() == Some("Body") && call.arguments.is_empty())
}

/// The context of a consumer, for translators that need the response unused.
pub fn require_statement(cx: &Cx, call: &S3Call) -> Result<()> {
    match (call.consumer.context, call.consumer.accesses.is_empty()) {
        (Context::Statement, true) => Ok(()),
        _ => Err(cx.block(call.call.range(), format!(
            "the response of `{}(...)` is used; Supabase's answer has another shape, so rewrite that use by hand",
            call_head(cx.text, call)
        ))),
    }
}
#[cfg(test)]
mod tests;
