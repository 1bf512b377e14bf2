//! Strings holding a configured bucket name, and HOW each is used: in a bucket position
//! of an S3 call, a resource constructor or a storage-module function; assigned to a
//! name or attribute that flows into one or is named like a bucket; the default of an
//! environment lookup; the bucket of an `s3://` URI that reaches a call; a URL's host;
//! an s3fs path; or unknown.

use aho_corasick::{AhoCorasick, MatchKind};
use ruff_python_ast::{Expr, ExprBytesLiteral, ExprCall, ExprFString, ExprStringLiteral, ExprTString, FStringPart, InterpolatedStringElement, InterpolatedStringLiteralElement, Stmt};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use super::calls::{steps, Access, S3Call};
use super::scope::{ScopeId, SymbolId};
use super::value::{Evaluator, S3Kind, Value};
use super::walk::Raw;
use super::{Context, Position};
use crate::config::Config;

/// One automaton for every configured bucket name (any number of them): a fast
/// leftmost search to see whether a string mentions one, and an overlapping one for
/// whole-word occurrences (a bucket that is a prefix of another still counts).
#[derive(Clone, Debug)]
pub struct BucketMatcher {
    any: AhoCorasick,
    all: AhoCorasick,
    exact: FxHashMap<String, usize>,
}

/// A whole-word occurrence of bucket `bucket` (an index into `buckets.names`) at `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub start: usize,
    pub end: usize,
    pub bucket: usize,
}

/// Characters that continue a bucket-like name; a match bordered by one is another bucket.
fn is_name_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'
}

impl BucketMatcher {
    pub fn new(names: &[String]) -> BucketMatcher {
        let any = AhoCorasick::builder().match_kind(MatchKind::LeftmostFirst).build(names).expect("literal patterns build");
        let all = AhoCorasick::new(names).expect("literal patterns build");
        let exact = names.iter().enumerate().rev().map(|(index, name)| (name.clone(), index)).collect();
        BucketMatcher { any, all, exact }
    }

    /// The bucket `value` is exactly.
    pub fn whole(&self, value: &str) -> Option<usize> {
        self.exact.get(value).copied()
    }

    pub fn mentions_text(&self, text: &[u8]) -> bool {
        self.any.is_match(text)
    }

    /// Whole-word occurrences in `haystack`, in order.
    pub fn occurrences(&self, haystack: &str) -> Vec<Occurrence> {
        if !self.any.is_match(haystack) {
            return Vec::new();
        }
        let mut found: Vec<Occurrence> = self
            .all
            .find_overlapping_iter(haystack)
            .filter(|found| {
                let (start, end) = (found.start(), found.end());
                haystack[..start].chars().next_back().is_none_or(|ch| !is_name_char(ch)) && haystack[end..].chars().next().is_none_or(|ch| !is_name_char(ch))
            })
            .map(|found| Occurrence { start: found.start(), end: found.end(), bucket: found.pattern().as_usize() })
            .collect();
        found.sort_by_key(|occurrence| (occurrence.start, std::cmp::Reverse(occurrence.end)));
        // Of two occurrences starting together keep the longer (`data-storage` over `data`
        // cannot happen: `-` borders; but `a.b` over `a` can).
        found.dedup_by_key(|occurrence| occurrence.start);
        found
    }

    pub(super) fn mentions(&self, node: &StringNode) -> bool {
        match node {
            StringNode::Str(literal) => self.mentions_text(literal.value.to_str().as_bytes()),
            StringNode::Bytes(bytes) => {
                let value: Vec<u8> = bytes.value.bytes().collect();
                self.mentions_text(&value)
            }
            StringNode::FString(fstring) => fstring.value.iter().any(|part| match part {
                FStringPart::Literal(literal) => self.mentions_text(literal.value.as_bytes()),
                FStringPart::FString(inner) => inner.elements.iter().any(|element| match element {
                    InterpolatedStringElement::Literal(literal) => self.mentions_text(literal.value.as_bytes()),
                    InterpolatedStringElement::Interpolation(_) => false,
                }),
            }),
            StringNode::TString(tstring) => tstring.value.iter().any(|part| {
                part.elements.iter().any(|element| match element {
                    InterpolatedStringElement::Literal(literal) => self.mentions_text(literal.value.as_bytes()),
                    InterpolatedStringElement::Interpolation(_) => false,
                })
            }),
            StringNode::SpecLiteral(literal) => self.mentions_text(literal.value.as_bytes()),
        }
    }
}

/// The literal node a bucket name was found in.
#[derive(Clone, Copy, Debug)]
pub enum StringNode<'a> {
    Str(&'a ExprStringLiteral),
    FString(&'a ExprFString),
    Bytes(&'a ExprBytesLiteral),
    TString(&'a ExprTString),
    /// A literal part of an f-string format spec.
    SpecLiteral(&'a InterpolatedStringLiteralElement),
}

#[derive(Debug)]
pub(crate) struct RawString<'a> {
    pub node: StringNode<'a>,
    pub range: TextRange,
    /// Innermost first: the literal's own context, then those of the containers it is in.
    pub contexts: Vec<Context<'a>>,
    pub scope: ScopeId,
    pub statement: &'a Stmt,
    pub docstring: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringKind {
    /// A str literal whose value is exactly a bucket name.
    Whole,
    /// A bucket name inside a longer string (or an f-string, bytes, t-string, format spec).
    Inside,
    /// A module, class or function docstring.
    Docstring,
}

/// How a string holding a bucket name is used.
#[derive(Clone, Copy, Debug)]
pub enum BucketUse<'a> {
    /// In a bucket position: `Bucket=` or the positional bucket of an S3 call,
    /// `Bucket(...)`, `Object(bucket, ...)`, a storage-module function's bucket parameter.
    Argument { call: &'a ExprCall },
    /// Assigned to a name or attribute (or a parameter default) whose value reaches a
    /// bucket position; `target` is the name's range.
    Flows { target: TextRange },
    /// Assigned to, passed as, keyed by or compared with something named like a bucket
    /// (`*bucket*`), or returned by a function named like one.
    Named { name: &'a str },
    /// The default of `os.getenv(variable, default)` / `os.environ.get(...)`.
    EnvDefault { variable: &'a str },
    /// The bucket of an `s3://bucket/...` URI (or a `CopySource="bucket/key"`) that reaches a call.
    S3Uri,
    /// The host of a URL (`https://bucket.s3.amazonaws.com/...`, a CDN host).
    UrlHost,
    /// In a path passed to s3fs: S3, but never rewritten.
    S3fsPath,
    /// Not known to be a bucket.
    Unknown,
}

impl BucketUse<'_> {
    /// Whether the model shows the string is used as a bucket.
    pub fn is_bucket(self) -> bool {
        matches!(self, BucketUse::Argument { .. } | BucketUse::Flows { .. } | BucketUse::Named { .. } | BucketUse::EnvDefault { .. } | BucketUse::S3Uri)
    }
}

/// Why an expression cannot take the literal's place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// A `typing.Literal[...]` argument (however `Literal` is bound).
    LiteralType,
    MatchPattern,
    FormatSpec,
    /// Inside a debug replacement field `{...=}`: its source text is printed.
    DebugFString,
    TString,
    Bytes,
}

#[derive(Clone, Debug)]
pub struct BucketOccurrence<'a> {
    pub node: StringNode<'a>,
    pub range: TextRange,
    pub kind: StringKind,
    /// The configured buckets it holds (indexes into `buckets.names`), in order.
    pub buckets: Vec<usize>,
    pub use_: BucketUse<'a>,
    pub blocked: Option<Blocked>,
    pub scope: ScopeId,
    pub statement: &'a Stmt,
    /// The literal's context, then its containers'.
    pub contexts: Vec<Context<'a>>,
}

pub fn named_like_bucket(name: &str) -> bool {
    name.as_bytes().windows(6).any(|window| window.eq_ignore_ascii_case(b"bucket"))
}

struct Classifier<'r, 'e, 'a> {
    raw: &'r Raw<'a>,
    evaluator: &'r Evaluator<'e, 'a>,
    config: &'r Config,
    s3_calls: FxHashMap<(u32, u32), usize>,
    calls: &'r [S3Call<'a>],
    /// Symbols known to reach a bucket position (memo).
    flowing: FxHashMap<SymbolId, bool>,
    /// Attribute names whose loads reach a bucket position (memo).
    flowing_attributes: FxHashMap<&'a str, bool>,
    /// Bucket parameter indexes of this file's functions (the storage module's own).
    storage_functions: FxHashSet<(u32, usize)>,
}

fn key(range: TextRange) -> (u32, u32) {
    (range.start().to_u32(), range.end().to_u32())
}

pub(super) fn collect<'a>(raw: &Raw<'a>, evaluator: &Evaluator<'_, 'a>, calls: &[S3Call<'a>], input: &super::ModelInput<'a>) -> Vec<BucketOccurrence<'a>> {
    let mut classifier = Classifier {
        raw,
        evaluator,
        config: input.config,
        s3_calls: calls.iter().enumerate().map(|(index, call)| (key(call.call.range()), index)).collect(),
        calls,
        flowing: FxHashMap::default(),
        flowing_attributes: FxHashMap::default(),
        storage_functions: FxHashSet::default(),
    };
    if input.is_storage_module {
        for (index, function) in raw.functions.iter().enumerate() {
            if function.class.is_some() {
                continue;
            }
            for (position, parameter) in function.def.parameters.iter().enumerate() {
                if named_like_bucket(parameter.name().as_str()) {
                    classifier.storage_functions.insert((index as u32, position));
                }
            }
        }
    }
    let mut out = Vec::new();
    for string in &raw.strings {
        let (kind, buckets) = match string.node {
            StringNode::Str(literal) => {
                let value = literal.value.to_str();
                match input.buckets.whole(value) {
                    Some(bucket) if !string.docstring => (StringKind::Whole, vec![bucket]),
                    _ => (StringKind::Inside, input.buckets.occurrences(value).iter().map(|found| found.bucket).collect()),
                }
            }
            _ => (StringKind::Inside, classifier.node_buckets(&string.node, input.buckets)),
        };
        if buckets.is_empty() {
            continue;
        }
        let kind = if string.docstring { StringKind::Docstring } else { kind };
        let blocked = classifier.blocked(string);
        let use_ = match kind {
            StringKind::Docstring => BucketUse::Unknown,
            StringKind::Whole => classifier.whole_use(&string.contexts, string.scope, string.statement),
            StringKind::Inside => classifier.inside_use(string, input.buckets),
        };
        out.push(BucketOccurrence { node: string.node, range: string.range, kind, buckets, use_, blocked, scope: string.scope, statement: string.statement, contexts: string.contexts.clone() });
    }
    out
}

impl<'a> Classifier<'_, '_, 'a> {
    fn node_buckets(&self, node: &StringNode<'a>, matcher: &BucketMatcher) -> Vec<usize> {
        let texts: Vec<String> = match node {
            StringNode::Str(literal) => vec![literal.value.to_str().to_owned()],
            StringNode::Bytes(bytes) => vec![String::from_utf8_lossy(&bytes.value.bytes().collect::<Vec<u8>>()).into_owned()],
            StringNode::FString(fstring) => fstring
                .value
                .iter()
                .flat_map(|part| match part {
                    FStringPart::Literal(literal) => vec![literal.value.to_string()],
                    FStringPart::FString(inner) => literal_elements(&inner.elements),
                })
                .collect(),
            StringNode::TString(tstring) => tstring.value.iter().flat_map(|part| literal_elements(&part.elements)).collect(),
            StringNode::SpecLiteral(literal) => vec![literal.value.to_string()],
        };
        texts.iter().flat_map(|text| matcher.occurrences(text)).map(|found| found.bucket).collect()
    }

    fn blocked(&self, string: &RawString<'a>) -> Option<Blocked> {
        match string.node {
            StringNode::Bytes(_) => return Some(Blocked::Bytes),
            StringNode::TString(_) => return Some(Blocked::TString),
            StringNode::SpecLiteral(_) => return Some(Blocked::FormatSpec),
            _ => {}
        }
        for context in &string.contexts {
            match context {
                Context::Pattern => return Some(Blocked::MatchPattern),
                Context::FormatSpec => return Some(Blocked::FormatSpec),
                Context::Interpolation { debug: true, .. } => return Some(Blocked::DebugFString),
                Context::Interpolation { template: true, .. } => return Some(Blocked::TString),
                Context::Index { subscript } if self.evaluator.expr(&subscript.value, string.scope, &[]) == Value::TypingLiteral => {
                    return Some(Blocked::LiteralType);
                }
                _ => {}
            }
        }
        None
    }

    /// A literal that is exactly a bucket name: how its value is used, looking through
    /// the containers it stands in.
    fn whole_use(&mut self, contexts: &[Context<'a>], scope: ScopeId, statement: &'a Stmt) -> BucketUse<'a> {
        for (depth, context) in contexts.iter().enumerate() {
            match *context {
                Context::Argument { call, position } => return self.argument(call, position, scope, depth > 0),
                Context::Assigned { targets: [target], .. } => return self.assigned(target, scope),
                Context::Default { parameter } => return self.default(parameter, statement),
                Context::DictValue { key: Some(Expr::StringLiteral(key)), .. } => {
                    let key = key.value.to_str();
                    // `Params={"Bucket": ...}` / `CopySource={"Bucket": ...}` of an S3 call.
                    if key == "Bucket" {
                        if let Some(Context::Argument { call, .. }) = contexts.get(depth + 1) {
                            if self.s3_call(call).is_some() {
                                return BucketUse::Argument { call };
                            }
                        }
                    }
                    if named_like_bucket(key) {
                        return BucketUse::Named { name: key };
                    }
                    return BucketUse::Unknown;
                }
                Context::Compared { compare } => {
                    for operand in std::iter::once(compare.left.as_ref()).chain(compare.comparators.iter()) {
                        if let Some(name) = named_operand(operand) {
                            if named_like_bucket(name) {
                                return BucketUse::Named { name };
                            }
                        }
                        if let Expr::Name(name) = operand {
                            if let Some(symbol) = self.raw.scopes.resolve(scope, name.id.as_str()) {
                                if self.flows(symbol) {
                                    return BucketUse::Flows { target: name.range };
                                }
                            }
                        }
                    }
                    return BucketUse::Unknown;
                }
                Context::Returned => {
                    let function = self.raw.scopes.function_of(scope).map(|function| self.raw.functions[function.0 as usize].def.name.as_str());
                    return match function {
                        Some(name) if named_like_bucket(name) => BucketUse::Named { name },
                        _ => BucketUse::Unknown,
                    };
                }
                Context::Element | Context::DictValue { .. } | Context::Interpolation { .. } => {}
                _ => return BucketUse::Unknown,
            }
        }
        BucketUse::Unknown
    }

    fn s3_call(&self, call: &ExprCall) -> Option<&S3Call<'a>> {
        self.s3_calls.get(&key(call.range())).map(|&index| &self.calls[index])
    }

    /// An argument of `call`: a bucket position, a keyword named like one, an env default.
    /// `nested`: the literal is inside a container passed there, not the argument itself.
    fn argument(&mut self, call: &'a ExprCall, position: Position<'a>, scope: ScopeId, nested: bool) -> BucketUse<'a> {
        if let Some(s3) = self.s3_call(call) {
            if s3.kind == S3Kind::FileSystem {
                return BucketUse::S3fsPath;
            }
            if !nested && is_bucket_argument(s3.kind, s3.operation, position) {
                return BucketUse::Argument { call };
            }
            return BucketUse::Unknown;
        }
        if nested {
            return BucketUse::Unknown;
        }
        if matches!(position, Position::Positional(0) | Position::Keyword("id")) && supabase_bucket_call(self.evaluator, call, scope).is_some() {
            return BucketUse::Argument { call };
        }
        match self.evaluator.expr(&call.func, scope, &[]) {
            Value::Export(super::exports::Export::BucketFunction { parameter, name }) => {
                let matches = match position {
                    Position::Positional(index) => index == *parameter,
                    Position::Keyword(keyword) => keyword == name,
                    Position::Unpacked => false,
                };
                if matches {
                    return BucketUse::Argument { call };
                }
            }
            Value::Function(function) => {
                let def = &self.raw.functions[function.0 as usize];
                let index = match position {
                    Position::Positional(index) => Some(index),
                    Position::Keyword(keyword) => def.def.parameters.iter().position(|parameter| parameter.name().as_str() == keyword),
                    Position::Unpacked => None,
                };
                if index.is_some_and(|index| self.storage_functions.contains(&(function.0, index))) {
                    return BucketUse::Argument { call };
                }
                // A parameter of a function here that reaches a bucket position itself
                // (`def blob(b, key): return s3.get_object(Bucket=b, ...)`).
                let parameter = index.filter(|_| def.class.is_none()).and_then(|index| def.def.parameters.iter().nth(index));
                if parameter.and_then(|parameter| self.raw.scopes.local(def.scope, parameter.name().as_str())).is_some_and(|symbol| self.flows(symbol)) {
                    return BucketUse::Argument { call };
                }
            }
            Value::Getenv | Value::EnvironGet => {
                let is_default = matches!(position, Position::Positional(1) | Position::Keyword("default"));
                if let (true, Some(Expr::StringLiteral(variable))) = (is_default, call.arguments.args.first()) {
                    return BucketUse::EnvDefault { variable: variable.value.to_str() };
                }
            }
            _ => {}
        }
        match position {
            Position::Keyword(keyword) if named_like_bucket(keyword) || self.config.bucket_keywords.iter().any(|name| name == keyword) => {
                BucketUse::Named { name: keyword }
            }
            // `request.args.get("bucket", "<bucket>")`
            Position::Positional(1) => match (call.func.as_ref(), call.arguments.args.first()) {
                (Expr::Attribute(get), Some(Expr::StringLiteral(name))) if get.attr.as_str() == "get" && named_like_bucket(name.value.to_str()) => {
                    BucketUse::Named { name: name.value.to_str() }
                }
                _ => BucketUse::Unknown,
            },
            _ => BucketUse::Unknown,
        }
    }

    fn assigned(&mut self, target: &'a Expr, scope: ScopeId) -> BucketUse<'a> {
        match target {
            Expr::Name(name) => {
                if let Some(symbol) = self.raw.scopes.resolve(scope, name.id.as_str()) {
                    if self.flows(symbol) {
                        return BucketUse::Flows { target: name.range };
                    }
                }
                if named_like_bucket(name.id.as_str()) {
                    return BucketUse::Named { name: name.id.as_str() };
                }
                BucketUse::Unknown
            }
            Expr::Attribute(attribute) => {
                let attr = attribute.attr.as_str();
                if self.attribute_flows(attr) {
                    return BucketUse::Flows { target: attribute.attr.range };
                }
                if named_like_bucket(attr) {
                    return BucketUse::Named { name: attr };
                }
                BucketUse::Unknown
            }
            _ => BucketUse::Unknown,
        }
    }

    fn default(&mut self, parameter: &'a str, statement: &'a Stmt) -> BucketUse<'a> {
        if named_like_bucket(parameter) {
            return BucketUse::Named { name: parameter };
        }
        let Stmt::FunctionDef(def) = statement else { return BucketUse::Unknown };
        let Some(function) = self.raw.functions.iter().find(|function| std::ptr::eq(function.def, def)) else { return BucketUse::Unknown };
        let Some(symbol) = self.raw.scopes.local(function.scope, parameter) else { return BucketUse::Unknown };
        if self.flows(symbol) {
            let target = self.raw.scopes.site(self.raw.scopes.symbol(symbol).sites[0]).range;
            return BucketUse::Flows { target };
        }
        BucketUse::Unknown
    }

    /// Whether a load of `symbol` (bare) reaches a bucket position.
    fn flows(&mut self, symbol: SymbolId) -> bool {
        if let Some(&known) = self.flowing.get(&symbol) {
            return known;
        }
        self.flowing.insert(symbol, false);
        let uses: Vec<usize> = self.raw.scopes.symbol(symbol).uses.iter().map(|id| id.0 as usize).collect();
        let found = uses.into_iter().any(|index| {
            let use_ = &self.raw.uses[index];
            matches!(use_.chain, Expr::Name(_)) && self.position_is_bucket(use_.context, use_.scope)
        });
        self.flowing.insert(symbol, found);
        found
    }

    /// Whether a load of `<x>.attr` somewhere in the file reaches a bucket position.
    fn attribute_flows(&mut self, attr: &'a str) -> bool {
        if let Some(&known) = self.flowing_attributes.get(attr) {
            return known;
        }
        self.flowing_attributes.insert(attr, false);
        let found = (0..self.raw.uses.len()).any(|index| {
            let use_ = &self.raw.uses[index];
            let chain = steps(use_.chain);
            matches!(chain.as_slice(), [(Access::Attribute(name), _)] if *name == attr) && self.position_is_bucket(use_.context, use_.scope)
        });
        self.flowing_attributes.insert(attr, found);
        found
    }

    fn position_is_bucket(&mut self, context: Context<'a>, scope: ScopeId) -> bool {
        match context {
            Context::Argument { call, position } => matches!(self.argument(call, position, scope, false), BucketUse::Argument { .. } | BucketUse::Named { .. }),
            Context::Assigned { targets: [target], .. } => match target {
                Expr::Name(name) => named_like_bucket(name.id.as_str()),
                Expr::Attribute(attribute) => named_like_bucket(attribute.attr.as_str()),
                _ => false,
            },
            _ => false,
        }
    }

    /// A bucket name inside a longer string.
    fn inside_use(&mut self, string: &RawString<'a>, matcher: &BucketMatcher) -> BucketUse<'a> {
        let text = source_text(&string.node);
        let Some(found) = matcher.occurrences(&text).into_iter().next() else { return BucketUse::Unknown };
        let before = &text[..found.start];
        let after = &text[found.end..];
        if let Some(Context::Argument { call, position }) = string.contexts.first() {
            if let Some(s3) = self.s3_call(call) {
                if s3.kind == S3Kind::FileSystem {
                    return BucketUse::S3fsPath;
                }
                if *position == Position::Keyword("CopySource") && before.is_empty() && after.starts_with('/') {
                    return BucketUse::S3Uri;
                }
            }
        }
        let lower = before.to_ascii_lowercase();
        if lower.ends_with("s3://") || lower.ends_with("s3a://") || lower.ends_with("s3n://") {
            return if self.reaches_call(&string.contexts, string.scope) { BucketUse::S3Uri } else { BucketUse::Unknown };
        }
        if before.ends_with("://") || after.starts_with(".s3") {
            return BucketUse::UrlHost;
        }
        BucketUse::Unknown
    }

    /// Whether a string's value goes somewhere code uses it: passed to a call, returned,
    /// yielded, or bound to a name so used (through the containers it stands in).
    fn reaches_call(&mut self, contexts: &[Context<'a>], scope: ScopeId) -> bool {
        for context in contexts {
            match context {
                Context::Argument { .. } | Context::Returned | Context::Yielded => return true,
                Context::Receiver { .. } | Context::Element | Context::DictValue { .. } | Context::Interpolation { .. } => {}
                Context::Assigned { targets: [Expr::Name(name)], .. } => {
                    let Some(symbol) = self.raw.scopes.resolve(scope, name.id.as_str()) else { return false };
                    return self.raw.scopes.symbol(symbol).uses.iter().any(|id| matches!(self.raw.uses[id.0 as usize].context, Context::Argument { .. } | Context::Returned | Context::Yielded));
                }
                _ => return false,
            }
        }
        false
    }
}

/// The name an operand is (`bucket`, `self.bucket_name`), if it is one.
fn named_operand(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

fn literal_elements(elements: &ruff_python_ast::InterpolatedStringElements) -> Vec<String> {
    elements
        .iter()
        .filter_map(|element| match element {
            InterpolatedStringElement::Literal(literal) => Some(literal.value.to_string()),
            InterpolatedStringElement::Interpolation(_) => None,
        })
        .collect()
}

/// The literal text of a string node (interpolations left out) for URI checks.
fn source_text(node: &StringNode) -> String {
    match node {
        StringNode::Str(literal) => literal.value.to_str().to_owned(),
        StringNode::FString(fstring) => fstring
            .value
            .iter()
            .map(|part| match part {
                FStringPart::Literal(literal) => literal.value.to_string(),
                FStringPart::FString(inner) => literal_elements(&inner.elements).join("{}"),
            })
            .collect(),
        StringNode::Bytes(bytes) => String::from_utf8_lossy(&bytes.value.bytes().collect::<Vec<u8>>()).into_owned(),
        StringNode::TString(tstring) => tstring.value.iter().map(|part| literal_elements(&part.elements).join("{}")).collect(),
        StringNode::SpecLiteral(literal) => literal.value.to_string(),
    }
}

/// Whether `position` of operation `operation` on a `kind` receiver is its bucket.
pub fn is_bucket_argument(kind: S3Kind, operation: &str, position: Position) -> bool {
    match (kind, position) {
        (S3Kind::Client, Position::Keyword("Bucket")) => true,
        (S3Kind::Client, Position::Positional(1)) => matches!(operation, "upload_file" | "upload_fileobj" | "copy"),
        (S3Kind::Client, Position::Positional(0)) => matches!(operation, "download_file" | "download_fileobj"),
        (S3Kind::Resource, Position::Positional(0)) => matches!(operation, "Bucket" | "Object" | "ObjectSummary"),
        (S3Kind::Resource, Position::Keyword("name")) => operation == "Bucket",
        (S3Kind::Resource, Position::Keyword("bucket_name")) => matches!(operation, "Object" | "ObjectSummary"),
        (S3Kind::Object | S3Kind::Bucket, Position::Keyword("Bucket")) => true,
        _ => false,
    }
}

/// An argument standing where a bucket goes: the bucket of an S3 call, of a storage
/// function, of `Params={"Bucket": ...}`, or a keyword of `buckets.keywords` on any call.
#[derive(Clone, Copy, Debug)]
pub struct BucketArgument<'a> {
    pub call: &'a ExprCall,
    pub value: &'a Expr,
    /// Where it stands, for messages: `Bucket=`, `the bucket argument of upload_file_to_s3`.
    pub place: BucketPlace<'a>,
    /// The bucket name it holds where the file shows it (see `known_bucket`).
    pub known: Option<&'a str>,
    /// For a parameter: the buckets `buckets.names` leaves out that calls of its function
    /// in this file pass for it (`FileModel::passes_of`; see `PassFinder`).
    pub passes: (u32, u32),
}

/// A bucket `buckets.names` leaves out, which a call of a function in this file passes for
/// a parameter that reaches a bucket argument (through the callers' own parameters too).
#[derive(Clone, Copy, Debug)]
pub struct Pass<'a> {
    pub bucket: &'a str,
    /// The expression passing it (a literal, or a name the evaluator follows to one).
    pub value: &'a Expr,
    /// The call passing it.
    pub call: &'a ExprCall,
}

impl<'a> BucketArgument<'a> {
    /// The bucket name it holds when that is none of the configured buckets: a bucket
    /// that stays on S3 (`buckets.names` leaves it out).
    pub fn unlisted(&self, matcher: &BucketMatcher) -> Option<&'a str> {
        self.known.filter(|name| matcher.whole(name).is_none())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BucketPlace<'a> {
    Keyword(&'a str),
    /// The bucket parameter of a storage-module function.
    StorageFunction(&'a str),
    /// A positional bucket of an S3 call (`upload_file(path, bucket, key)`).
    Positional(&'a str),
    /// The bucket part of a `CopySource` string: `f"{bucket}/{key}"` (the value is the
    /// interpolated expression) or a `"bucket/key"` literal.
    CopySource,
}

/// The bucket name `expr` holds where the file shows it: a literal, or a name, attribute
/// or storage-module constant the evaluator follows to one. A parameter holds what each
/// caller passes, which is not this call's to judge: `None`, as for anything else.
fn known_bucket<'a>(raw: &Raw<'a>, evaluator: &Evaluator<'_, 'a>, expr: &'a Expr, scope: ScopeId) -> Option<&'a str> {
    if let Expr::Name(name) = expr {
        let symbol = raw.scopes.resolve(scope, name.id.as_str())?;
        if raw.scopes.symbol(symbol).sites.iter().any(|&site| matches!(raw.scopes.site(site).kind, super::scope::SiteKind::Parameter { .. })) {
            return None;
        }
    }
    match evaluator.expr(expr, scope, &[]) {
        Value::Str(name) => Some(name),
        _ => None,
    }
}

/// The buckets `buckets.names` leaves out that calls of this file pass for parameters,
/// each parameter followed once (a bucket argument's range in `passes` is its parameter's):
/// a caller passing its own parameter is followed to its callers, a bucket from another
/// file is that file's to report (`StorageModule::passed_unlisted`).
struct PassFinder<'r, 'e, 'a> {
    raw: &'r Raw<'a>,
    evaluator: &'r Evaluator<'e, 'a>,
    matcher: &'r BucketMatcher,
    /// Each parameter (function, index) followed, with its range in `passes`.
    followed: FxHashMap<(u32, usize), (u32, u32)>,
    passes: Vec<Pass<'a>>,
}

impl<'a> PassFinder<'_, '_, 'a> {
    /// The passes for `expr` when it is a parameter (an empty range otherwise).
    fn of(&mut self, expr: &'a Expr, scope: ScopeId) -> (u32, u32) {
        let Expr::Name(name) = expr else { return (0, 0) };
        let Some(symbol) = self.raw.scopes.resolve(scope, name.id.as_str()) else { return (0, 0) };
        let parameter = self.raw.scopes.symbol(symbol).sites.iter().find_map(|&site| match self.raw.scopes.site(site).kind {
            super::scope::SiteKind::Parameter { function: Some(function), index, .. } => Some((function, index)),
            _ => None,
        });
        let Some((function, index)) = parameter else { return (0, 0) };
        if let Some(&range) = self.followed.get(&(function.0, index)) {
            return range;
        }
        // A parameter its own callers pass on (recursion) adds nothing more.
        self.followed.insert((function.0, index), (0, 0));
        let mut found: Vec<Pass<'a>> = Vec::new();
        // A pass reached by several paths (a caller's parameter passed on at several
        // calls, or through callers that share theirs) is one: kept once, each list holds
        // at most the file's distinct passes.
        let mut seen: FxHashSet<(u32, u32)> = FxHashSet::default();
        for (call, arg, caller) in self.evaluator.call_site_arguments(function, index) {
            let Some(arg) = arg else { continue };
            match known_bucket(self.raw, self.evaluator, arg, caller) {
                Some(bucket) if self.matcher.whole(bucket).is_none() => {
                    if seen.insert(key(arg.range())) {
                        found.push(Pass { bucket, value: arg, call });
                    }
                }
                Some(_) => {}
                None => {
                    let (start, end) = self.of(arg, caller);
                    found.extend(self.passes[start as usize..end as usize].iter().filter(|pass| seen.insert(key(pass.value.range()))));
                }
            }
        }
        let start = self.passes.len() as u32;
        self.passes.extend(found);
        let range = (start, self.passes.len() as u32);
        self.followed.insert((function.0, index), range);
        range
    }
}

/// The bucket arguments a `CopySource=` string holds (`f"{b}/{k}"`, `"b/k"`).
fn copy_source<'a>(raw: &Raw<'a>, evaluator: &Evaluator<'_, 'a>, finder: &mut PassFinder<'_, '_, 'a>, call: &'a ExprCall, value: &'a Expr, scope: ScopeId) -> Option<BucketArgument<'a>> {
    match value {
        Expr::FString(fstring) => {
            let [FStringPart::FString(inner)] = fstring.value.as_slice() else { return None };
            let Some(InterpolatedStringElement::Interpolation(bucket)) = inner.elements.iter().next() else { return None };
            let known = known_bucket(raw, evaluator, &bucket.expression, scope);
            let passes = finder.of(&bucket.expression, scope);
            Some(BucketArgument { call, value: &bucket.expression, place: BucketPlace::CopySource, known, passes })
        }
        Expr::StringLiteral(literal) => {
            let (bucket, _) = literal.value.to_str().split_once('/')?;
            Some(BucketArgument { call, value, place: BucketPlace::CopySource, known: Some(bucket), passes: (0, 0) })
        }
        _ => None,
    }
}

/// A supabase-py storage call whose first argument is a bucket id (`storage.from_(b)`,
/// `storage.get_bucket(b)`, ...): what the call translation writes, so a configured
/// bucket's literal there becomes its constant like any other bucket argument.
fn supabase_bucket_call<'a>(evaluator: &Evaluator<'_, 'a>, call: &'a ExprCall, scope: ScopeId) -> Option<&'a str> {
    let Expr::Attribute(attribute) = call.func.as_ref() else { return None };
    let operation = attribute.attr.as_str();
    let takes_bucket = matches!(operation, "from_" | "get_bucket" | "create_bucket" | "update_bucket" | "empty_bucket" | "delete_bucket");
    (takes_bucket && evaluator.expr(&attribute.value, scope, &[]) == Value::Supabase).then_some(operation)
}

/// The bucket arguments, and the buckets `buckets.names` leaves out that callers pass
/// for the parameters among them.
pub(super) fn bucket_arguments<'a>(raw: &Raw<'a>, evaluator: &Evaluator<'_, 'a>, calls: &[S3Call<'a>], input: &super::ModelInput<'a>) -> (Vec<BucketArgument<'a>>, Vec<Pass<'a>>) {
    let mut finder = PassFinder { raw, evaluator, matcher: input.buckets, followed: FxHashMap::default(), passes: Vec::new() };
    let s3: FxHashMap<(u32, u32), usize> = calls.iter().enumerate().map(|(index, call)| (key(call.call.range()), index)).collect();
    let keywords = &input.config.bucket_keywords;
    let mut out = Vec::new();
    for raw_call in &raw.calls {
        let call = raw_call.call;
        let arguments = &call.arguments;
        let named = |keyword: &str| keywords.iter().any(|name| name == keyword);
        let argument = |value: &'a Expr, place: BucketPlace<'a>, finder: &mut PassFinder<'_, '_, 'a>| BucketArgument {
            call,
            value,
            place,
            known: known_bucket(raw, evaluator, value, raw_call.scope),
            passes: finder.of(value, raw_call.scope),
        };
        if let Some(&index) = s3.get(&key(call.range())) {
            let s3_call = &calls[index];
            for (position, arg) in arguments.args.iter().enumerate() {
                if is_bucket_argument(s3_call.kind, s3_call.operation, Position::Positional(position)) {
                    out.push(argument(arg, BucketPlace::Positional(s3_call.operation), &mut finder));
                }
            }
            for keyword in arguments.keywords.iter() {
                let Some(name) = &keyword.arg else { continue };
                if is_bucket_argument(s3_call.kind, s3_call.operation, Position::Keyword(name.as_str())) || named(name.as_str()) {
                    out.push(argument(&keyword.value, BucketPlace::Keyword(name.as_str()), &mut finder));
                } else if let Expr::Dict(dict) = &keyword.value {
                    for item in &dict.items {
                        if matches!(&item.key, Some(Expr::StringLiteral(key)) if key.value.to_str() == "Bucket") {
                            out.push(argument(&item.value, BucketPlace::Keyword("Bucket"), &mut finder));
                        }
                    }
                } else if name.as_str() == "CopySource" {
                    out.extend(copy_source(raw, evaluator, &mut finder, call, &keyword.value, raw_call.scope));
                }
            }
            continue;
        }
        if let Some(operation) = supabase_bucket_call(evaluator, call, raw_call.scope) {
            if let Some(arg) = arguments.find_argument_value("id", 0) {
                out.push(argument(arg, BucketPlace::Positional(operation), &mut finder));
            }
            continue;
        }
        let storage_parameter = match call.func.as_ref() {
            Expr::Name(_) | Expr::Attribute(_) if input.storage.is_some() || input.is_storage_module => match evaluator.expr(&call.func, raw_call.scope, &[]) {
                Value::Export(super::exports::Export::BucketFunction { parameter, name }) => Some((*parameter, name.as_str())),
                Value::Function(function) if input.is_storage_module && raw.functions[function.0 as usize].class.is_none() => {
                    let def = raw.functions[function.0 as usize].def;
                    def.parameters.iter().enumerate().find(|(_, parameter)| named_like_bucket(parameter.name().as_str())).map(|(index, parameter)| (index, parameter.name().as_str()))
                }
                _ => None,
            },
            _ => None,
        };
        let function = match call.func.as_ref() {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => "",
        };
        for (position, arg) in arguments.args.iter().enumerate() {
            if storage_parameter.is_some_and(|(index, _)| index == position) {
                out.push(argument(arg, BucketPlace::StorageFunction(function), &mut finder));
            }
        }
        for keyword in arguments.keywords.iter() {
            let Some(name) = &keyword.arg else { continue };
            if storage_parameter.is_some_and(|(_, parameter)| parameter == name.as_str()) {
                out.push(argument(&keyword.value, BucketPlace::StorageFunction(function), &mut finder));
            } else if named(name.as_str()) {
                out.push(argument(&keyword.value, BucketPlace::Keyword(name.as_str()), &mut finder));
            }
        }
    }
    // By where their call starts, for `FileModel::bucket_arguments_of`'s binary search.
    out.sort_by_key(|argument| argument.call.start());
    (out, finder.passes)
}
