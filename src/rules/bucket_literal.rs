//! Bucket names in strings, read from the model's bucket occurrences. A literal becomes
//! its bucket's constant only where the model shows it is used as a bucket (a bucket
//! position, a name or attribute that flows into one or is named like one, an
//! environment default, the bucket of an `s3://` URI that reaches a call); every other
//! string holding the name is a `bucket-needs-review` warning, never an edit. Also:
//! `unlisted-bucket` (a literal in a bucket position that is no configured bucket) and
//! `bucket-in-text` (comments and docstrings).

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{Expr, FStringPart, InterpolatedStringElement, StringLiteral};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashSet;

use crate::finding::Finding;
use crate::fix::edit::{Edit, Fix};
use crate::model::buckets::{BucketPlace, Occurrence};
use crate::model::buckets::StringNode;
use crate::model::{Blocked, BucketOccurrence, BucketUse, Context, StringKind};
use crate::rule::RuleId;
use crate::rules::s3_calls::HeldUnit;
use crate::rules::storage_access::{Access, FileAccess};
use crate::rules::RuleContext;

/// `held`: the code that keeps calling S3 this run (s3_calls), where a bucket stays as
/// written: the constant names the Supabase bucket, which an S3 call must not be given.
pub fn check(ctx: &RuleContext, held: &[HeldUnit]) -> Vec<Finding> {
    let model = ctx.model;
    if model.buckets.is_empty() && model.bucket_arguments.is_empty() && !ctx.matcher.mentions_text(ctx.file.text.as_bytes()) {
        return Vec::new();
    }
    let mut checker = Checker { ctx, access: FileAccess::new(ctx), held, findings: Vec::new() };
    for occurrence in &model.buckets {
        checker.occurrence(occurrence);
    }
    checker.unlisted();
    checker.comments();
    checker.findings
}

struct Checker<'c, 'a> {
    ctx: &'c RuleContext<'a>,
    access: FileAccess<'c, 'a>,
    held: &'c [HeldUnit],
    findings: Vec<Finding>,
}

impl Blocked {
    fn describe(self) -> &'static str {
        match self {
            Blocked::LiteralType => "in a typing.Literal[...] argument, where only literals may stand",
            Blocked::MatchPattern => "in a match pattern, where a bare name would capture instead of compare",
            Blocked::FormatSpec => "in an f-string format spec",
            Blocked::DebugFString => "in a debug replacement field `{...=}`, whose source text is printed: a rewrite would change the output",
            Blocked::TString => "in a t-string",
            Blocked::Bytes => "in a bytes literal",
        }
    }
}

fn push(findings: &mut Vec<Finding>, rule: RuleId, range: TextRange, message: String, fix: Option<Fix>) {
    findings.push(Finding { rule, severity: rule.default_severity(), range, message, fix });
}

impl<'a> Checker<'_, 'a> {
    fn bucket_name(&self, index: usize) -> &str {
        &self.ctx.config.buckets[index]
    }

    fn constant(&self, index: usize) -> &str {
        &self.ctx.config.constant_of(index).constant
    }

    fn occurrence(&mut self, found: &BucketOccurrence<'a>) {
        let range = found.range;
        if found.kind == StringKind::Docstring {
            return push(&mut self.findings, RuleId::BucketInText, range, "docstring names the bucket; reword it by hand".to_owned(), None);
        }
        if self.defines_a_constant(found) {
            // The storage module's own constant definitions are bucket-constant's.
            return;
        }
        let bucket = found.buckets[0];
        let name = self.bucket_name(bucket).to_owned();
        let rule = if found.kind == StringKind::Whole { RuleId::HardcodedBucket } else { RuleId::BucketInString };
        match found.use_ {
            BucketUse::S3fsPath => {
                let message = format!("bucket \"{name}\" in an s3fs path: s3fs is not migrated (see s3fs-usage), so its paths are never rewritten; move this access to the storage module by hand");
                return push(&mut self.findings, rule, range, message, None);
            }
            BucketUse::UrlHost => {
                let message = format!(
                    "the bucket name \"{name}\" is a URL's host here, not a bucket argument: not rewritten; if it is the URL of a stored object, build it with `{}.from_({}).get_public_url(path)`",
                    self.storage_text(found),
                    self.constant_text(found, bucket)
                );
                return push(&mut self.findings, RuleId::BucketNeedsReview, range, message, None);
            }
            BucketUse::Unknown => {
                let why = found.blocked.map(|blocked| format!(" (it stands {})", blocked.describe())).unwrap_or_default();
                let message = format!(
                    "\"{name}\" equals the bucket name, but nothing shows it is used as a bucket here{why}: not rewritten; if it is the bucket, use `{}`",
                    self.constant_text(found, bucket)
                );
                return push(&mut self.findings, RuleId::BucketNeedsReview, range, message, None);
            }
            _ => {}
        }
        if let Some(blocked) = found.blocked {
            return push(&mut self.findings, rule, range, format!("bucket name {}; rewrite by hand or suppress", blocked.describe()), None);
        }
        if let BucketUse::EnvDefault { variable } = found.use_ {
            if self.own_variable(variable) {
                return self.env_lookup(found, bucket, variable);
            }
        }
        if let Some(unit) = self.held.iter().find(|unit| unit.covers(range)) {
            let what = if rule == RuleId::HardcodedBucket { "hardcoded bucket" } else { "bucket in a string" };
            let message = format!(
                "{what} \"{name}\" left as written: {} stays on S3 this run (line {} holds it back), and its S3 calls keep their S3 bucket; it becomes `{}` with their translation",
                unit.name,
                unit.line,
                self.access.reference(self.constant(bucket), found.scope, range.start()).map_or_else(|_| self.constant_text(found, bucket), |access| access.text)
            );
            return push(&mut self.findings, rule, range, message, None);
        }
        let mut accesses: Vec<(usize, Access)> = Vec::new();
        for &bucket in &found.buckets {
            if accesses.iter().any(|(known, _)| *known == bucket) {
                continue;
            }
            match self.access.reference(self.constant(bucket), found.scope, range.start()) {
                Ok(access) => accesses.push((bucket, access)),
                Err(refusal) => {
                    let text = self.constant_text(found, bucket);
                    let name = self.bucket_name(bucket);
                    let message = format!("hardcoded bucket \"{name}\" not rewritten: {}", refusal.describe(self.ctx, &text));
                    return push(&mut self.findings, rule, range, message, None);
                }
            }
        }
        match found.kind {
            StringKind::Whole => self.whole(found, &name, &accesses[0].1),
            _ => self.inside(found, &accesses),
        }
    }

    /// In the storage module, the value of a bucket constant or legacy constant.
    fn defines_a_constant(&self, found: &BucketOccurrence<'a>) -> bool {
        let Some(Context::Assigned { targets: [Expr::Name(target)], .. }) = found.contexts.first() else { return false };
        let config = self.ctx.config;
        let name = target.id.as_str();
        self.ctx.is_storage_module
            && found.scope == crate::model::Scopes::MODULE
            && (config.bucket_constants.iter().any(|constant| constant.constant == name) || config.storage.legacy_constants.iter().any(|legacy| legacy == name))
    }

    /// `os.getenv(VAR, "<bucket>")` with the bucket constant's own variable (or a legacy
    /// name), outside the storage module: the whole lookup is the constant.
    fn own_variable(&self, variable: &str) -> bool {
        let config = self.ctx.config;
        config.bucket_constants.iter().any(|constant| constant.env_var == variable) || config.storage.legacy_constants.iter().any(|legacy| legacy == variable)
    }

    /// The whole lookup becomes the constant. Safe when the constant reads the same
    /// variable; with another one (a legacy name), a deployment that sets the old variable
    /// to another bucket would silently change bucket: unsafe.
    fn env_lookup(&mut self, found: &BucketOccurrence<'a>, bucket: usize, variable: &str) {
        let Some(Context::Argument { call, .. }) = found.contexts.first() else { return };
        if self.ctx.is_storage_module {
            // The constants' own definitions.
            return;
        }
        let range = call.range();
        match self.access.reference(self.constant(bucket), found.scope, range.start()) {
            Ok(access) => {
                let edits = with_import(vec![Edit::replace(range, access.text.clone())], &access);
                let reads = &self.ctx.config.constant_of(bucket).env_var;
                if reads == variable {
                    let message = format!("environment lookup of the bucket; use `{}`", access.text);
                    return push(&mut self.findings, RuleId::BucketEnvLookup, range, message, Some(Fix::safe("use the bucket constant", edits)));
                }
                let message = format!(
                    "environment lookup of the bucket in `{variable}`; the constant `{}` reads the variable `{reads}` instead, so a deployment that sets `{variable}` to another bucket would change bucket: unsafe fix (applied with --unsafe-fixes) once the deployment sets `{reads}`",
                    access.text
                );
                push(&mut self.findings, RuleId::BucketEnvLookup, range, message, Some(Fix::unsafe_edits("use the bucket constant", edits)));
            }
            Err(refusal) => {
                let text = self.constant_text(found, bucket);
                let message = format!("bucket lookup not rewritten: {}", refusal.describe(self.ctx, &text));
                push(&mut self.findings, RuleId::BucketEnvLookup, range, message, None);
            }
        }
    }

    fn whole(&mut self, found: &BucketOccurrence<'a>, name: &str, access: &Access) {
        let range = found.range;
        let edits = with_import(vec![Edit::replace(range, access.text.clone())], access);
        let why = match found.use_ {
            BucketUse::Argument { .. } => "passed as a bucket",
            BucketUse::Flows { .. } => "its name reaches a bucket argument",
            BucketUse::Named { .. } => "held by a name for a bucket",
            _ => "an environment default for a bucket",
        };
        if self.has_comment(range) {
            let message = format!(
                "hardcoded bucket \"{name}\" ({why}); the rewrite to `{}` would drop the comments between its parts, so it is shown, never applied: rewrite by hand",
                access.text
            );
            return push(&mut self.findings, RuleId::HardcodedBucket, range, message, Some(Fix::display_only("use the bucket constant", edits)));
        }
        let message = format!("hardcoded bucket \"{name}\"; use `{}`", access.text);
        push(&mut self.findings, RuleId::HardcodedBucket, range, message, Some(Fix::safe("use the bucket constant", edits)));
    }

    /// The bucket of an `s3://` URI inside a longer string: a replacement field.
    fn inside(&mut self, found: &BucketOccurrence<'a>, accesses: &[(usize, Access)]) {
        let range = found.range;
        let matcher = self.ctx.matcher;
        let reference = |bucket: usize| accesses.iter().find(|(known, _)| *known == bucket).map_or("", |(_, access)| access.text.as_str());
        let mut edits = Vec::new();
        let refuse = |findings: &mut Vec<Finding>, at: TextRange, why: &str| {
            push(findings, RuleId::BucketNeedsReview, at, format!("bucket name in a string {why}; rewrite by hand"), None);
        };
        match found.node {
            StringNode::Str(literal) => {
                for part in literal.value.iter() {
                    if matcher.occurrences(part.value.as_ref()).is_empty() {
                        continue;
                    }
                    match literal_as_fstring(&self.ctx.file.text, part, &reference, matcher) {
                        Some(replacement) => edits.push(Edit::replace(part.range, replacement)),
                        None => return refuse(&mut self.findings, part.range, "spelled with escapes (or \\N{...})"),
                    }
                }
            }
            StringNode::FString(fstring) => {
                for part in fstring.value.iter() {
                    match part {
                        FStringPart::Literal(literal) => {
                            if matcher.occurrences(literal.value.as_ref()).is_empty() {
                                continue;
                            }
                            match literal_as_fstring(&self.ctx.file.text, literal, &reference, matcher) {
                                Some(replacement) => edits.push(Edit::replace(literal.range, replacement)),
                                None => return refuse(&mut self.findings, literal.range, "spelled with escapes"),
                            }
                        }
                        FStringPart::FString(inner) => {
                            for element in inner.elements.iter() {
                                let InterpolatedStringElement::Literal(literal) = element else { continue };
                                let source = &self.ctx.file.text[literal.range];
                                let in_source = matcher.occurrences(source);
                                if in_source.len() != matcher.occurrences(&literal.value).len() {
                                    return refuse(&mut self.findings, literal.range, "spelled with escapes");
                                }
                                for Occurrence { start, end, bucket } in in_source {
                                    let at = TextRange::new(literal.range.start() + offset(start), literal.range.start() + offset(end));
                                    edits.push(Edit::replace(at, format!("{{{}}}", reference(bucket))));
                                }
                            }
                        }
                    }
                }
            }
            _ => return,
        }
        if edits.is_empty() {
            return refuse(&mut self.findings, range, "split across implicitly concatenated parts");
        }
        let first = &accesses[0].1;
        let message = match found.node {
            StringNode::FString(_) => format!("bucket name inside an f-string; use `{{{}}}`", first.text),
            _ => format!("bucket name inside a string; use `{}` in an f-string", first.text),
        };
        for (_, access) in accesses {
            edits.extend(access.import.clone());
        }
        push(&mut self.findings, RuleId::BucketInString, range, message, Some(Fix::safe("interpolate the bucket constant", edits)));
    }

    /// A comment token inside `range` (between implicitly concatenated parts).
    fn has_comment(&self, range: TextRange) -> bool {
        let tokens = self.ctx.tokens.in_range(range);
        tokens.iter().any(|token| token.kind() == TokenKind::Comment)
    }

    /// How the constant would be written here (for messages), even when it cannot be.
    fn constant_text(&self, _found: &BucketOccurrence<'a>, bucket: usize) -> String {
        self.access.text_of(self.constant(bucket))
    }

    fn storage_text(&self, _found: &BucketOccurrence<'a>) -> String {
        self.access.text_of(&self.ctx.config.client.storage_name)
    }

    /// Literals in bucket positions that are no configured bucket (a forgotten second bucket).
    fn unlisted(&mut self) {
        for argument in &self.ctx.model.bucket_arguments {
            let Expr::StringLiteral(literal) = argument.value else { continue };
            let text = literal.value.to_str();
            if !self.ctx.matcher.occurrences(text).is_empty() {
                continue;
            }
            let place = match argument.place {
                BucketPlace::Keyword(keyword) => format!("`{keyword}=`"),
                BucketPlace::StorageFunction(function) | BucketPlace::Positional(function) => format!("the bucket argument of `{function}`"),
                // A `CopySource` string is a bucket and a key: the call translation reads its bucket.
                BucketPlace::CopySource => continue,
            };
            let message = format!("unlisted bucket literal \"{text}\" as {place}; add it to buckets.names if it moves to Supabase too");
            push(&mut self.findings, RuleId::UnlistedBucket, literal.range, message, None);
        }
        if self.ctx.model.passes.is_empty() {
            return;
        }
        // A literal passed for a parameter of a function here that takes it as a bucket
        // (unless it is a bucket argument itself, reported above); several bucket
        // arguments can reach the same one.
        let mut reported: FxHashSet<TextRange> = self.ctx.model.bucket_arguments.iter().map(|argument| argument.value.range()).collect();
        for pass in &self.ctx.model.passes {
            let Expr::StringLiteral(literal) = pass.value else { continue };
            if !reported.insert(literal.range) {
                continue;
            }
            let function = match pass.call.func.as_ref() {
                Expr::Attribute(attribute) => attribute.attr.as_str(),
                func => &self.ctx.file.text[func.range()],
            };
            let message = format!("unlisted bucket literal \"{}\" passed to `{function}`, which takes it as a bucket; add it to buckets.names if it moves to Supabase too", pass.bucket);
            push(&mut self.findings, RuleId::UnlistedBucket, literal.range, message, None);
        }
    }

    fn comments(&mut self) {
        let text = &self.ctx.file.text;
        for token in self.ctx.tokens.iter().filter(|token| token.kind() == TokenKind::Comment) {
            if !self.ctx.matcher.occurrences(&text[token.range()]).is_empty() {
                push(&mut self.findings, RuleId::BucketInText, token.range(), "comment names the bucket; reword it by hand".to_owned(), None);
            }
        }
    }
}

fn with_import(mut edits: Vec<Edit>, access: &Access) -> Vec<Edit> {
    edits.extend(access.import.clone());
    edits
}

fn offset(at: usize) -> TextSize {
    TextSize::try_from(at).unwrap_or_default()
}

/// The literal `part` rewritten as an f-string with `{reference}` for each bucket name,
/// or `None` when its source spells the name with escapes or uses `\N{...}`.
fn literal_as_fstring<'r>(text: &str, part: &StringLiteral, reference: &dyn Fn(usize) -> &'r str, matcher: &crate::model::BucketMatcher) -> Option<String> {
    let source = &text[part.range];
    let quote_at = source.find(['"', '\''])?;
    let (prefix, rest) = source.split_at(quote_at);
    let quote_len = if rest.starts_with("\"\"\"") || rest.starts_with("'''") { 3 } else { 1 };
    let (open, body_and_close) = rest.split_at(quote_len);
    let body = &body_and_close[..body_and_close.len() - quote_len];
    let raw = prefix.contains(['r', 'R']);
    if !raw && body.contains("\\N{") {
        return None;
    }
    let in_source = matcher.occurrences(body);
    if in_source.len() != matcher.occurrences(part.value.as_ref()).len() {
        return None;
    }
    let new_prefix: String = prefix.chars().filter(|ch| !matches!(ch, 'u' | 'U')).chain(['f']).collect();
    let mut out = format!("{new_prefix}{open}");
    let mut copied = 0;
    for Occurrence { start, end, bucket } in in_source {
        out.push_str(&double_braces(&body[copied..start]));
        out.push('{');
        out.push_str(reference(bucket));
        out.push('}');
        copied = end;
    }
    out.push_str(&double_braces(&body[copied..]));
    out.push_str(open);
    Some(out)
}

fn double_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::fix::edit::Applicability;
    use crate::rules::testing::{findings_of, settle};

    const OTHER: &str = "backend/routes/x.py";

    /// The rule where no code stays on S3 (what s3_calls holds back is the tests of
    /// `rules::check_python`).
    fn alone(ctx: &RuleContext) -> Vec<Finding> {
        check(ctx, &[])
    }

    fn found(text: &str) -> Vec<Finding> {
        findings_of(alone, &Config::defaults(), text, OTHER)
    }

    /// `line:rule applicability` of each finding.
    fn summary(text: &str) -> Vec<String> {
        found(text)
            .into_iter()
            .map(|finding| {
                let line = text[..finding.range.start().to_usize()].matches('\n').count() + 1;
                let fix = finding.fix.map_or("no fix", |fix| fix.applicability.as_str());
                format!("{line}:{} {fix}", finding.rule)
            })
            .collect()
    }

    fn settled(text: &str) -> String {
        settle(text, |current| findings_of(alone, &Config::defaults(), current, OTHER)).0
    }

    #[test]
    fn nothing_to_do_changes_nothing() {
        assert!(found("import os\nx = os.sep\n").is_empty());
    }

    #[test]
    fn values_that_only_equal_the_bucket_are_warnings_never_edits() {
        let text = "\
from utils import s3_utils
__tablename__ = 'anantra-lms-store'
key = f'anantra-lms-store/{1}'
router = make(prefix='/anantra-lms-store', tags=['anantra-lms-store'])
if post.domain == 'anantra-lms-store':
    pass
";
        assert_eq!(
            summary(text),
            ["2:bucket-needs-review no fix", "3:bucket-needs-review no fix", "4:bucket-needs-review no fix", "4:bucket-needs-review no fix", "5:bucket-needs-review no fix"]
        );
        assert_eq!(settled(text), text);
    }

    #[test]
    fn a_debug_fstring_field_is_not_rewritten() {
        let text = "from utils import s3_utils\nbucket = 'x'\nprint(f\"{'anantra-lms-store'=}\")\n";
        assert_eq!(settled(text), text);
        assert_eq!(summary(text), ["3:bucket-needs-review no fix"]);
    }

    #[test]
    fn comprehension_type_parameter_and_del_shadowing_block_the_rewrite() {
        let text = "\
from utils import s3_utils
def f(s):
    return [s3.put_object(Bucket='anantra-lms-store', Key=s3_utils) for s3_utils in s]
def g[s3_utils]():
    s3.put_object(Bucket='anantra-lms-store', Key='k')
";
        assert_eq!(summary(text), ["3:hardcoded-bucket no fix", "5:hardcoded-bucket no fix"]);
        assert_eq!(settled(text), text);
        let deleted = "from utils import s3_utils\ndef f():\n    s3.put_object(Bucket='anantra-lms-store', Key='k')\ndel s3_utils\n";
        assert_eq!(summary(deleted), ["3:hardcoded-bucket no fix"]);
        let message = &found(deleted)[0].message;
        assert!(message.contains("`del s3_utils` on line 4 unbinds it"), "{message}");
    }

    #[test]
    fn comments_between_concatenated_parts_make_the_fix_display_only() {
        let text = "from utils import s3_utils\nBUCKET = (\"anantra\"  # part a\n          \"-lms-store\")\n";
        assert_eq!(summary(text), ["2:hardcoded-bucket display-only"]);
        assert_eq!(settled(text), text);
        let plain = "from utils import s3_utils\nBUCKET = (\"anantra\"\n          \"-lms-store\")\n";
        assert_eq!(settled(plain), "from utils import s3_utils\nBUCKET = (s3_utils.SUPABASE_BUCKET_NAME)\n");
    }

    #[test]
    fn an_aliased_literal_type_is_flagged_not_rewritten() {
        let text = "from typing import Literal as L\nfrom utils import s3_utils\nBucketName = L['anantra-lms-store']\n";
        assert_eq!(summary(text), ["3:bucket-needs-review no fix"]);
        assert!(found(text)[0].message.contains("typing.Literal"));
    }

    #[test]
    fn a_url_host_suggests_the_public_url() {
        let text = "from utils import s3_utils\nurl = f'https://anantra-lms-store.s3.eu-west-1.amazonaws.com/{key}'\n";
        assert_eq!(
            found(text)[0].message,
            "the bucket name \"anantra-lms-store\" is a URL's host here, not a bucket argument: not rewritten; if it is the URL of a stored object, build it with `s3_utils.storage.from_(s3_utils.SUPABASE_BUCKET_NAME).get_public_url(path)`"
        );
    }

    #[test]
    fn the_bucket_of_a_supabase_storage_call_becomes_the_constant() {
        // What the call translation writes when it cannot reach the constant itself.
        let text = "from utils import s3_utils\ndata = s3_utils.storage.from_('anantra-lms-store').download('k')\ns3_utils.storage.get_bucket(id='anantra-lms-store')\n";
        assert_eq!(summary(text), ["2:hardcoded-bucket safe", "3:hardcoded-bucket safe"]);
        assert_eq!(
            settled(text),
            "from utils import s3_utils\ndata = s3_utils.storage.from_(s3_utils.SUPABASE_BUCKET_NAME).download('k')\ns3_utils.storage.get_bucket(id=s3_utils.SUPABASE_BUCKET_NAME)\n"
        );
        // Another object's `from_` is not Supabase's.
        let other = "from utils import s3_utils\nrows = query.from_('anantra-lms-store')\n";
        assert_eq!(summary(other), ["2:bucket-needs-review no fix"]);
    }

    #[test]
    fn each_bucket_gets_its_own_constant() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rules.toml");
        std::fs::write(&path, "[buckets]\nnames = [\"tool-bucket\", \"data-storage\"]\n[buckets.constants]\n\"data-storage\" = \"SUPABASE_DATA_BUCKET\"\n").unwrap();
        let config = Config::from_file(&path).unwrap();
        let text = "from utils import s3_utils\ns3.put_object(Bucket='tool-bucket', Key='k')\nspark.read(f's3://data-storage/{key}')\n";
        let (out, _) = settle(text, |current| findings_of(alone, &config, current, OTHER));
        assert_eq!(out, "from utils import s3_utils\ns3.put_object(Bucket=s3_utils.SUPABASE_BUCKET_NAME, Key='k')\nspark.read(f's3://{s3_utils.SUPABASE_DATA_BUCKET}/{key}')\n");
        let safe = findings_of(alone, &config, text, OTHER).into_iter().all(|finding| finding.fix.is_some_and(|fix| fix.applicability == Applicability::Safe));
        assert!(safe);
    }
}
