//! What a module offers other files, as far as S3 is concerned: module-level S3 objects
//! (`s3 = boto3.client("s3")`), factories (`def get_s3_client(): return boto3.client(...)`,
//! `get_aws_client("s3")`), classes whose instances or methods hand out S3 objects,
//! functions taking a bucket, names re-exported from another module, and (for the
//! storage module) its string constants.
//!
//! The project index collects these per file; a file importing `from .aws import s3`
//! reads them to know that `s3` is a client.

use std::collections::BTreeMap;

use ruff_python_ast::Expr;

use super::buckets::{is_bucket_argument, named_like_bucket};
use super::calls::S3Call;
use super::imports::{Imported, ModuleRef};
use super::scope::{FunctionId, Scopes, SiteKind};
use super::value::{Evaluator, Flavor, S3Kind, Value};
use super::walk::Raw;
use super::Position;

/// Every module's exports, by display path.
pub type ExportTable = BTreeMap<String, ModuleExports>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleExports {
    pub names: BTreeMap<String, Export>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Export {
    /// A module-level S3 object.
    Object(S3Kind, Flavor),
    /// A function whose call returns an S3 object.
    Factory(Returns),
    /// A class: what its instances' attributes (and methods, as factories) hold.
    Class { attributes: BTreeMap<String, Export> },
    /// A function whose parameter `parameter` (named `name`) is a bucket.
    BucketFunction { parameter: usize, name: String },
    /// `from <module> import <name>` re-exported.
    Reexport { module: String, name: String },
    /// A string constant (the storage module's bucket constants).
    Constant(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returns {
    Object(S3Kind, Flavor),
    /// A client of the service named by the call's argument `parameter`.
    ClientOf { parameter: usize, flavor: Flavor },
}

impl Export {
    pub fn value(&self) -> Value<'_> {
        match self {
            Export::Object(kind, flavor) => Value::S3(*kind, *flavor),
            Export::Constant(text) => Value::Str(text),
            Export::Reexport { .. } => Value::Unknown,
            _ => Value::Export(self),
        }
    }

    pub fn attribute(&self, name: &str) -> Option<&Export> {
        match self {
            Export::Class { attributes } => attributes.get(name),
            _ => None,
        }
    }
}

/// What `name` read from the module `display` is in `table`, re-exports followed. A
/// chain of re-exports can come back to where it started (a file importing from itself,
/// two files importing from each other): that name is nothing we know.
pub fn resolve<'t>(table: &'t ExportTable, display: &str, name: &str) -> Option<&'t Export> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let (mut display, mut name) = (display, name);
    loop {
        match table.get(display)?.names.get(name)? {
            Export::Reexport { module, name: original } => {
                seen.push((display, name));
                (display, name) = (module, original);
                if seen.contains(&(display, name)) {
                    return None;
                }
            }
            export => return Some(export),
        }
    }
}

/// The exports of the file the model was built for.
pub(super) fn compute<'a>(raw: &Raw<'a>, evaluator: &Evaluator<'_, 'a>, calls: &[S3Call<'a>], is_storage_module: bool) -> ModuleExports {
    let scopes = &raw.scopes;
    let buckets = bucket_parameters(scopes, calls, raw);
    let mut names = BTreeMap::new();
    for symbol in scopes.symbols.iter().filter(|symbol| symbol.scope == Scopes::MODULE) {
        let reexport = symbol.sites.iter().find_map(|&site| match scopes.site(site).kind {
            SiteKind::Import { imported: Imported::Member(ModuleRef::Project(module), name), .. } => Some((module, name)),
            _ => None,
        });
        if let Some((module, name)) = reexport {
            names.insert(symbol.name.to_owned(), Export::Reexport { module: module.to_owned(), name: name.to_owned() });
            continue;
        }
        let export = match evaluator.module_symbol(symbol.name) {
            Value::S3(kind, flavor) if kind != S3Kind::Exceptions => Some(Export::Object(kind, flavor)),
            Value::Function(function) => function_export(raw, evaluator, function, &buckets),
            Value::Class(class) => {
                let scope = raw.classes[class.0 as usize].scope;
                let mut attributes = BTreeMap::new();
                let members = scopes.symbols.iter().filter(|member| member.scope == scope).map(|member| member.name);
                let stored = raw.attribute_stores.iter().map(|store| store.target.attr.as_str());
                for name in members.chain(stored) {
                    if attributes.contains_key(name) {
                        continue;
                    }
                    let attribute = match evaluator.attribute(Value::Instance(class), name) {
                        Value::S3(kind, flavor) if kind != S3Kind::Exceptions => Some(Export::Object(kind, flavor)),
                        Value::Function(function) => function_export(raw, evaluator, function, &buckets).filter(|export| matches!(export, Export::Factory(_))),
                        _ => None,
                    };
                    if let Some(attribute) = attribute {
                        attributes.insert(name.to_owned(), attribute);
                    }
                }
                (!attributes.is_empty()).then_some(Export::Class { attributes })
            }
            Value::Str(text) if is_storage_module => Some(Export::Constant(text.to_owned())),
            _ => None,
        };
        if let Some(export) = export {
            names.insert(symbol.name.to_owned(), export);
        }
    }
    ModuleExports { names }
}

fn function_export<'a>(raw: &Raw<'a>, evaluator: &Evaluator<'_, 'a>, function: FunctionId, buckets: &BTreeMap<FunctionId, usize>) -> Option<Export> {
    if let Value::S3(kind, flavor) = evaluator.returns(function, &[]) {
        if kind != S3Kind::Exceptions {
            return Some(Export::Factory(Returns::Object(kind, flavor)));
        }
    }
    if let Some((parameter, flavor)) = evaluator.returns_client_of(function) {
        return Some(Export::Factory(Returns::ClientOf { parameter, flavor }));
    }
    let def = &raw.functions[function.0 as usize];
    let named = def.def.parameters.iter().position(|parameter| named_like_bucket(parameter.name().as_str()));
    let parameter = buckets.get(&function).copied().or(named)?;
    let name = def.def.parameters.iter().nth(parameter)?.name().to_string();
    Some(Export::BucketFunction { parameter, name })
}

/// Functions whose parameter reaches the bucket position of an S3 call in their body.
fn bucket_parameters<'a>(scopes: &Scopes<'a>, calls: &[S3Call<'a>], raw: &Raw<'a>) -> BTreeMap<FunctionId, usize> {
    let mut found = BTreeMap::new();
    for call in calls {
        let arguments = &call.call.arguments;
        let positional = arguments.args.iter().enumerate().map(|(index, arg)| (Position::Positional(index), arg));
        let keywords = arguments.keywords.iter().filter_map(|keyword| Some((Position::Keyword(keyword.arg.as_ref()?.as_str()), &keyword.value)));
        for (position, arg) in positional.chain(keywords) {
            if !is_bucket_argument(call.kind, call.operation, position) {
                continue;
            }
            let Expr::Name(name) = arg else { continue };
            let Some(symbol) = scopes.resolve(call.scope, name.id.as_str()) else { continue };
            for &site in &scopes.symbol(symbol).sites {
                if let SiteKind::Parameter { function: Some(function), index, .. } = scopes.site(site).kind {
                    let def = &raw.functions[function.0 as usize];
                    let bound = usize::from(def.class.is_some() && def.decorator != super::MethodKind::Static);
                    if index >= bound {
                        found.entry(function).or_insert(index - bound);
                    }
                }
            }
        }
    }
    found
}
