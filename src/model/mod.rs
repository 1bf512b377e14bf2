//! The S3 usage model of one Python file, built in one walk of its AST (`walk.rs`)
//! and a resolution pass over the facts that walk collected (no second walk):
//!
//! - `scope`: scopes, symbols and binding sites, name resolution, "would a new use of
//!   this name here mean the module-level import?";
//! - `imports`: what each import binds (boto3, aioboto3, botocore, s3fs, typing, the
//!   storage module, other modules among the paths);
//! - `value`: what an expression holds (an S3 client, resource, bucket, object,
//!   paginator, session, s3fs file system; another AWS service; a factory...);
//! - `calls`: every S3 call with its receiver, operation, arguments, the function and
//!   statement it is in, and how its response is consumed;
//! - `tries`: every `try` (and `with pytest.raises(...)`) with the S3 calls its body can
//!   raise from, its handlers, what each catches and the `e.response[...]` reads in them;
//! - `buckets`: every string holding a configured bucket name and how it is used;
//! - `exports`: what the file offers other files (S3 objects, factories, bucket functions).
//!
//! Rules read the model; none of them walks the AST again.

pub mod buckets;
pub mod calls;
pub mod exports;
pub mod imports;
pub mod scope;
pub mod tries;
pub mod value;
mod walk;
#[cfg(test)]
mod tests;

use ruff_python_ast::{Expr, ExprAttribute, ExprCall, ExprCompare, ExprDict, ExprName, ExprSubscript, ModModule, Stmt, StmtClassDef, StmtFunctionDef, StmtTry, StmtWith, WithItem, ExceptHandlerExceptHandler};
use ruff_text_size::{Ranged, TextRange};

use crate::config::Config;
use crate::project_index::modules::ModuleMap;

pub use buckets::{BucketArgument, BucketMatcher, BucketOccurrence, BucketUse, Blocked, StringKind};
pub use calls::{Access, Consumer, S3Call, UnresolvedCall};
pub use exports::{Export, ExportTable, ModuleExports};
pub use imports::{Imported, Library, ModuleRef};
pub use scope::{BlockId, ClassId, FunctionId, ScopeId, ScopeKind, Scopes, Shadow, Site, SiteId, SiteKind, SymbolId};
pub use tries::{Caught, Handler, ResponseRead, TryBlock, TryKind};
pub use value::{Flavor, S3Kind, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UseId(pub u32);

/// What a file's model is built from besides its AST.
pub struct ModelInput<'a> {
    pub config: &'a Config,
    /// The file's display path.
    pub display: &'a str,
    pub text: &'a str,
    pub modules: &'a ModuleMap,
    /// The storage module's exports (`s3_utils.s3_client`, its bucket functions).
    pub storage: Option<&'a ModuleExports>,
    /// Other files' exports, keyed by display path (empty on a first pass).
    pub exports: &'a ExportTable,
    pub buckets: &'a BucketMatcher,
    pub is_storage_module: bool,
    /// `exports` holds every file's exports (a second pass): never ask for them again.
    pub exports_final: bool,
}

/// How an expression's value is used by the code around it (its nearest context).
#[derive(Clone, Copy, Debug)]
pub enum Context<'a> {
    /// `expr` alone as a statement: its value is discarded.
    Statement,
    /// The value of `=`, `x: T = `, `+=`, `:=` (the targets as written).
    Assigned { stmt: Option<&'a Stmt>, targets: &'a [Expr] },
    Returned,
    Yielded,
    Argument { call: &'a ExprCall, position: Position<'a> },
    /// The iterable of `for target in ...` or of a comprehension.
    Iterated { target: &'a Expr },
    /// An operand of a comparison (`==`, `in`, ...).
    Compared { compare: &'a ExprCompare },
    /// The test of `if`/`while`/`assert`/a ternary, or an operand of `and`/`or`/`not`.
    Condition,
    WithItem { item: &'a WithItem, is_async: bool },
    /// An element of a list, tuple or set display, or of a comprehension's result.
    Element,
    DictKey { dict: &'a ExprDict },
    DictValue { dict: &'a ExprDict, key: Option<&'a Expr> },
    /// A replacement field of an f-string or t-string (`debug`: written `{x=}`).
    Interpolation { debug: bool, template: bool },
    /// A literal part of an f-string format spec (`{x:...}`).
    FormatSpec,
    /// The index of `value[...]`.
    Index { subscript: &'a ExprSubscript },
    /// The root of an attribute or subscript store target (`x.attr = ...`).
    StoreTarget,
    Raised,
    HandlerType { handler: &'a ExceptHandlerExceptHandler },
    /// A parameter default of a function or lambda.
    Default { parameter: &'a str },
    Annotation,
    Decorator,
    /// A base class (or keyword) of a class definition.
    Base,
    /// A literal or value pattern of `match`.
    Pattern,
    /// An operand of an arithmetic or unary operator.
    Operand,
    /// The receiver of a call chain whose root is not a name (`"...".format(x)`).
    Receiver { chain: &'a Expr },
    Other,
}

/// Where an argument stands in a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position<'a> {
    Positional(usize),
    Keyword(&'a str),
    /// `*args` / `**kwargs`.
    Unpacked,
}

/// A load of a name, with the access chain rooted at it.
#[derive(Debug)]
pub struct Use<'a> {
    pub name: &'a ExprName,
    pub scope: ScopeId,
    /// What it resolves to (None: a builtin or an undefined name).
    pub symbol: Option<SymbolId>,
    /// The outermost expression of the attribute / subscript / call / await chain rooted
    /// at this name (the name itself when it is used bare).
    pub chain: &'a Expr,
    /// How the chain's value is used.
    pub context: Context<'a>,
    /// The innermost statement the use stands in.
    pub statement: &'a Stmt,
    /// What the name holds here.
    pub value: Value<'a>,
    /// What the whole chain evaluates to (`s3.meta.client` → the client).
    pub chain_value: Value<'a>,
}

impl Ranged for Use<'_> {
    fn range(&self) -> TextRange {
        self.name.range
    }
}

/// A function definition.
#[derive(Debug)]
pub struct Function<'a> {
    pub def: &'a StmtFunctionDef,
    /// The scope of its body.
    pub scope: ScopeId,
    /// The site binding its name.
    pub site: SiteId,
    /// The class whose body defines it directly.
    pub class: Option<ClassId>,
    /// `return <value>` statements of its own body (not of nested functions).
    pub returns: Vec<&'a Expr>,
    pub decorator: MethodKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    Plain,
    Static,
    Class,
    Property,
}

#[derive(Debug)]
pub struct Class<'a> {
    pub def: &'a StmtClassDef,
    pub scope: ScopeId,
    pub site: SiteId,
}

/// `root.attr = value` (or `del`/augmented), anywhere: how instance and class
/// attributes get their values (`self.s3 = boto3.client("s3")`).
#[derive(Debug)]
pub struct AttributeStore<'a> {
    pub target: &'a ExprAttribute,
    /// The assigned value when the attribute is the statement's only target.
    pub value: Option<&'a Expr>,
    pub scope: ScopeId,
    pub statement: (&'a Stmt, BlockId),
}

/// An attribute of a class's instances (or of the class) holding an S3 object or a
/// session: `self.s3 = boto3.client("s3")` in a method, `client = boto3.client("s3")`
/// in the class body.
#[derive(Debug)]
pub struct Attribute<'a> {
    pub class: ClassId,
    pub name: &'a str,
    pub value: Value<'a>,
    /// Indexes into `FileModel::attribute_stores`.
    pub stores: Vec<usize>,
    /// Loads of `<instance>.name` (the use of the instance's name, whose chain starts
    /// with `.name`).
    pub uses: Vec<UseId>,
}

/// How the file binds the storage module or one of its members (module-level imports).
#[derive(Clone, Copy, Debug)]
pub struct StorageBinding<'a> {
    pub site: SiteId,
    /// The name bound.
    pub local: &'a str,
    pub kind: StorageBindingKind<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageBindingKind<'a> {
    /// The module itself; code refers to it as `reference` (`s3_utils`, `s3u`, `utils.s3_utils`).
    Module { reference: &'a str },
    /// `from <storage> import name [as local]`.
    Member { name: &'a str },
}

/// A `try` statement or a `with` statement, before resolution.
#[derive(Debug)]
pub(crate) enum RawTry<'a> {
    Try { stmt: &'a StmtTry, scope: ScopeId },
    With { stmt: &'a StmtWith, scope: ScopeId },
}

/// Every fact about one file. Built by [`FileModel::build`].
#[derive(Debug)]
pub struct FileModel<'a> {
    pub module: &'a ModModule,
    pub scopes: Scopes<'a>,
    pub uses: Vec<Use<'a>>,
    pub functions: Vec<Function<'a>>,
    pub classes: Vec<Class<'a>>,
    /// Every body of statements, by `BlockId`.
    pub blocks: Vec<&'a [Stmt]>,
    pub attribute_stores: Vec<AttributeStore<'a>>,
    /// The value of every site, by `SiteId`.
    pub site_values: Vec<Value<'a>>,
    /// Every call on an S3 object, in source order.
    pub calls: Vec<S3Call<'a>>,
    /// Calls of S3 operations (`.put_object(`) on receivers the model cannot resolve.
    pub unresolved: Vec<UnresolvedCall<'a>>,
    /// Every `try` and `with pytest.raises(...)`, in source order.
    pub tries: Vec<TryBlock<'a>>,
    /// Every string holding a configured bucket name, in source order.
    pub buckets: Vec<BucketOccurrence<'a>>,
    /// `from botocore.exceptions import *` and the like: (statement range, module).
    pub star_imports: Vec<(TextRange, ModuleRef<'a>)>,
    /// Directories this file's absolute imports of modules among the paths resolve
    /// from: `None` when it has none, `Some(empty)` when they disagree.
    pub import_roots: Option<Vec<&'a str>>,
    /// Other files' exports this model read before they were known (a first pass):
    /// (display path, name), each once. It took each for nothing known; where one turns
    /// out to be something, the file is processed again with them.
    pub asked_exports: Vec<(String, String)>,
    /// What this file offers other files.
    pub exports: ModuleExports,
    /// Instance and class attributes holding S3 objects or sessions.
    pub attributes: Vec<Attribute<'a>>,
    /// Module-level bindings of the storage module and its members, in source order.
    pub storage_bindings: Vec<StorageBinding<'a>>,
    /// Every argument standing where a bucket goes (see `buckets::BucketArgument`),
    /// ordered by where their call starts.
    pub bucket_arguments: Vec<buckets::BucketArgument<'a>>,
    /// The buckets `buckets.names` leaves out that callers pass for parameters among the
    /// bucket arguments (`passes_of`).
    pub passes: Vec<buckets::Pass<'a>>,
    /// Attributes read on a binding of another module among the paths (`aws.s3` after
    /// `import aws`): what this file needs that module to keep, as much as a
    /// `from aws import s3` would.
    pub member_reads: Vec<MemberRead<'a>>,
}

/// `aws.s3` where `aws` is bound to the project module `aws.py`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberRead<'a> {
    /// The module's display path.
    pub module: &'a str,
    /// The attribute read (`s3`), or the name imported (`Storage` of `from aws import Storage`).
    pub name: &'a str,
    /// The attribute read next on it, its own or an instance's (`Storage.s3`, `Storage().s3`).
    pub attribute: Option<&'a str>,
    /// The name the chain starts at (`aws`, `Storage`).
    pub range: TextRange,
}

impl<'a> FileModel<'a> {
    pub fn build(module: &'a ModModule, input: &ModelInput<'a>) -> FileModel<'a> {
        let mut raw = walk::walk(module, input);
        // Link every load to its symbol (each symbol's list allocated once at its size).
        let mut counts = vec![0u32; raw.scopes.symbols.len()];
        for use_ in raw.uses.iter_mut() {
            use_.symbol = raw.scopes.resolve(use_.scope, use_.name.id.as_str());
            if let Some(symbol) = use_.symbol {
                counts[symbol.0 as usize] += 1;
            }
        }
        for (symbol, count) in raw.scopes.symbols.iter_mut().zip(counts) {
            symbol.uses.reserve_exact(count as usize);
        }
        for (index, use_) in raw.uses.iter().enumerate() {
            if let Some(symbol) = use_.symbol {
                raw.scopes.symbols[symbol.0 as usize].uses.push(UseId(index as u32));
            }
        }
        let exception = input.config.errors.exception.rsplit('.').next().unwrap_or_default();
        let context = imports::ImportContext { display: input.display, modules: input.modules, storage_module: &input.config.storage.module };
        let imports_project = raw.scopes.sites.iter().any(|site| match site.kind {
            SiteKind::Import { imported: Imported::Module(ModuleRef::Project(_)) | Imported::Member(ModuleRef::Project(_), _), .. } => true,
            // `import backend.aws`, used as `backend.aws.s3`.
            SiteKind::Import { imported: Imported::Dotted(path), .. } => matches!(context.module(path), ModuleRef::Project(_)),
            _ => false,
        });
        // S3 objects come only from imports of boto3/aioboto3/botocore (and their stubs),
        // s3fs, the storage module, or another module of the project: a file that names
        // none of those holds no S3 call and no `try` guarding one (its bucket facts are
        // still collected). A 50 MB file of literals skips that part of the model.
        let may_hold_s3 = imports_project || ["boto", "s3fs", input.config.storage.module_name()].iter().any(|word| input.text.contains(word));
        let (site_values, calls, unresolved, mut tries, buckets, exports, attributes, bucket_arguments, passes, chain_values, member_reads, asked_exports) = {
            let evaluator = value::Evaluator::new(&raw, input);
            let site_values: Vec<Value<'a>> = (0..raw.scopes.sites.len()).map(|site| evaluator.site(SiteId(site as u32))).collect();
            let (calls, unresolved, chain_values) = calls::collect(&evaluator, &raw.uses, &raw.scopes, may_hold_s3);
            let tries = if may_hold_s3 { tries::collect(&raw, &evaluator, &calls, &unresolved, exception) } else { Vec::new() };
            let buckets = buckets::collect(&raw, &evaluator, &calls, input);
            let (bucket_arguments, passes) = buckets::bucket_arguments(&raw, &evaluator, &calls, input);
            let exports = exports::compute(&raw, &evaluator, &calls, input.is_storage_module);
            let attributes = attributes(&raw, &evaluator, &chain_values);
            let member_reads = if imports_project { member_reads(&raw, &evaluator, &chain_values) } else { Vec::new() };
            (site_values, calls, unresolved, tries, buckets, exports, attributes, bucket_arguments, passes, chain_values, member_reads, evaluator.asked_exports.take())
        };
        for (use_, (value, chain_value)) in raw.uses.iter_mut().zip(chain_values) {
            use_.value = value;
            use_.chain_value = chain_value;
        }
        let storage_bindings = storage_bindings(&raw.scopes, input);
        tries::attach_reads(&mut tries, &raw.scopes, &raw.uses);
        let import_roots = roots(&raw.import_roots);
        FileModel {
            module,
            scopes: raw.scopes,
            uses: raw.uses,
            functions: raw.functions,
            classes: raw.classes,
            blocks: raw.blocks,
            attribute_stores: raw.attribute_stores,
            site_values,
            calls,
            unresolved,
            tries,
            buckets,
            star_imports: raw.star_imports,
            import_roots,
            asked_exports,
            exports,
            attributes,
            storage_bindings,
            bucket_arguments,
            passes,
            member_reads,
        }
    }

    /// The bucket arguments of `call` (a binary search: a file with thousands of calls
    /// asks this for each).
    pub fn bucket_arguments_of<'m>(&'m self, call: &'m ExprCall) -> impl Iterator<Item = &'m buckets::BucketArgument<'a>> + 'm {
        let first = self.bucket_arguments.partition_point(|argument| argument.call.start() < call.start());
        self.bucket_arguments[first..]
            .iter()
            .take_while(move |argument| argument.call.start() == call.start())
            .filter(move |argument| argument.call.range() == call.range())
    }

    /// The buckets `buckets.names` leaves out that this file's calls pass for `argument`
    /// (a parameter), in source order of the bucket arguments they reach.
    pub fn passes_of(&self, argument: &buckets::BucketArgument<'a>) -> &[buckets::Pass<'a>] {
        &self.passes[argument.passes.0 as usize..argument.passes.1 as usize]
    }

    pub fn site(&self, id: SiteId) -> &Site<'a> {
        self.scopes.site(id)
    }

    pub fn site_value(&self, id: SiteId) -> Value<'a> {
        self.site_values[id.0 as usize]
    }

    pub fn use_(&self, id: UseId) -> &Use<'a> {
        &self.uses[id.0 as usize]
    }

    /// Whether the file imports boto3, aioboto3 or botocore (anywhere).
    pub fn imports_boto(&self) -> bool {
        self.scopes.sites.iter().any(|site| {
            matches!(site.kind, SiteKind::Import { imported: Imported::Module(ModuleRef::Library(library)) | Imported::Member(ModuleRef::Library(library), _), .. } if library.is_boto())
        })
    }

    /// The storage-module function `call` calls, by its name there (`s3_utils.read_json`,
    /// `read_json` imported from it, under an alias or not).
    pub fn storage_function_name(&self, call: &'a ExprCall) -> Option<&'a str> {
        match call.func.as_ref() {
            Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
            Expr::Name(name) => {
                let symbol = self.use_at(name.range)?.symbol?;
                self.scopes.symbol(symbol).sites.iter().find_map(|&site| match self.site(site).kind {
                    SiteKind::Import { imported: Imported::Member(ModuleRef::Storage, original), .. } => Some(original),
                    _ => None,
                })
            }
            _ => None,
        }
    }

    /// Each bucket argument of a storage-module function (`s3_utils.read_text("legacy",
    /// key)`), with the function's name in the storage module.
    pub fn storage_bucket_arguments(&self) -> impl Iterator<Item = (&'a str, &BucketArgument<'a>)> + '_ {
        self.bucket_arguments.iter().filter_map(move |argument| {
            let buckets::BucketPlace::StorageFunction(local) = argument.place else { return None };
            // In the storage module itself the name called is the function's own.
            Some((self.storage_function_name(argument.call).unwrap_or(local), argument))
        })
    }

    /// The load of the name at `range`, if it is one.
    pub fn use_at(&self, range: TextRange) -> Option<&Use<'a>> {
        let at = self.uses.partition_point(|use_| use_.name.range.start() < range.start());
        self.uses.get(at).filter(|use_| use_.name.range == range)
    }

    pub fn function(&self, id: FunctionId) -> &Function<'a> {
        &self.functions[id.0 as usize]
    }

    /// The value of a symbol as code in other scopes sees it: every site agreeing.
    pub fn symbol_value(&self, symbol: SymbolId) -> Value<'a> {
        value::join(self.scopes.symbol(symbol).sites.iter().map(|&site| self.site_value(site)))
    }
}

/// The attributes of the file's classes that hold S3 objects or sessions.
fn attributes<'a>(raw: &walk::Raw<'a>, evaluator: &value::Evaluator<'_, 'a>, values: &[(Value<'a>, Value<'a>)]) -> Vec<Attribute<'a>> {
    let owners = evaluator.store_owners();
    let mut found: Vec<Attribute<'a>> = Vec::new();
    for (index, (store, owner)) in raw.attribute_stores.iter().zip(&owners).enumerate() {
        let Some(class) = *owner else { continue };
        let name = store.target.attr.as_str();
        match found.iter_mut().find(|attribute| attribute.class == class && attribute.name == name) {
            Some(attribute) => attribute.stores.push(index),
            None => {
                let value = evaluator.attribute(Value::Instance(class), name);
                if matches!(value, Value::S3(..)) {
                    found.push(Attribute { class, name, value, stores: vec![index], uses: Vec::new() });
                }
            }
        }
    }
    // Class-body attributes (`client = boto3.client("s3")` in the class).
    for (id, class) in raw.classes.iter().enumerate() {
        let class_id = ClassId(id as u32);
        for symbol in raw.scopes.symbols.iter().filter(|symbol| symbol.scope == class.scope) {
            let value = evaluator.attribute(Value::Class(class_id), symbol.name);
            if matches!(value, Value::S3(..)) && !found.iter().any(|attribute| attribute.class == class_id && attribute.name == symbol.name) {
                found.push(Attribute { class: class_id, name: symbol.name, value, stores: Vec::new(), uses: Vec::new() });
            }
        }
    }
    if found.is_empty() {
        return found;
    }
    for (index, use_) in raw.uses.iter().enumerate() {
        let Expr::Attribute(first) = first_step(use_.chain) else { continue };
        let class = match values[index].0 {
            Value::Instance(class) | Value::Class(class) => class,
            _ => continue,
        };
        if let Some(attribute) = found.iter_mut().find(|attribute| attribute.class == class && attribute.name == first.attr.as_str()) {
            attribute.uses.push(UseId(index as u32));
        }
    }
    found
}

/// The first attribute each load of a project module's binding reads from that module
/// (`aws.s3`, `backend.aws.s3` after `import backend.aws`), and the attributes read on a
/// name imported from one (`Storage.s3` after `from aws import Storage`), each with the
/// attribute read next on it (`aws.Storage.s3`, `Storage().s3`).
fn member_reads<'a>(raw: &walk::Raw<'a>, evaluator: &value::Evaluator<'_, 'a>, values: &[(Value<'a>, Value<'a>)]) -> Vec<MemberRead<'a>> {
    // `.name`, or `().name` (an instance's), after `steps`.
    let attribute_after = |steps: &[(calls::Access<'a>, &'a Expr)]| match steps {
        [(calls::Access::Attribute(name), _), ..] | [(calls::Access::Call(_), _), (calls::Access::Attribute(name), _), ..] => Some(*name),
        _ => None,
    };
    let mut found = Vec::new();
    for (use_, (value, _)) in raw.uses.iter().zip(values) {
        let steps = calls::steps(use_.chain);
        let imported = use_.symbol.into_iter().flat_map(|symbol| raw.scopes.reaching(symbol, use_.scope, use_.name.range.start())).find_map(|&site| match raw.scopes.site(site).kind {
            SiteKind::Import { imported: Imported::Member(ModuleRef::Project(module), name), .. } => Some((module, name)),
            _ => None,
        });
        if let Some((module, name)) = imported {
            if let Some(attribute) = attribute_after(&steps) {
                found.push(MemberRead { module, name, attribute: Some(attribute), range: use_.name.range });
            }
            continue;
        }
        if !matches!(value, Value::Module(ModuleRef::Project(_)) | Value::Dotted { .. }) {
            continue;
        }
        let mut value = *value;
        for (at, (step, _)) in steps.iter().enumerate() {
            let calls::Access::Attribute(name) = *step else { break };
            if let Some(module) = evaluator.project_member_of(value, name) {
                found.push(MemberRead { module, name, attribute: attribute_after(&steps[at + 1..]), range: use_.name.range });
                break;
            }
            value = evaluator.attribute(value, name);
            if !matches!(value, Value::Module(_) | Value::Dotted { .. }) {
                break;
            }
        }
    }
    found
}

/// The innermost node of a chain above its root name (the name itself when bare).
fn first_step(chain: &Expr) -> &Expr {
    let mut current = chain;
    while let Some((_, inner)) = calls::step(current) {
        if matches!(inner, Expr::Name(_)) {
            break;
        }
        current = inner;
    }
    current
}

/// Module-level imports of the storage module and its members.
fn storage_bindings<'a>(scopes: &Scopes<'a>, input: &ModelInput<'a>) -> Vec<StorageBinding<'a>> {
    let config: &'a Config = input.config;
    let context = imports::ImportContext { display: input.display, modules: input.modules, storage_module: &config.storage.module };
    let mut found = Vec::new();
    for (index, site) in scopes.sites.iter().enumerate() {
        if scopes.symbol(site.symbol).scope != Scopes::MODULE {
            continue;
        }
        let SiteKind::Import { imported, .. } = site.kind else { continue };
        let local = scopes.symbol(site.symbol).name;
        let kind = match imported {
            Imported::Module(ModuleRef::Storage) => StorageBindingKind::Module { reference: local },
            Imported::Dotted(path) if context.module(path) == ModuleRef::Storage => StorageBindingKind::Module { reference: path },
            Imported::Member(ModuleRef::Storage, name) => StorageBindingKind::Member { name },
            _ => continue,
        };
        found.push(StorageBinding { site: SiteId(index as u32), local, kind });
    }
    found.sort_by_key(|binding| scopes.site(binding.site).range.start());
    found
}

/// The roots every resolved import agrees on (`None`: no evidence).
fn roots<'a>(per_import: &[Vec<&'a str>]) -> Option<Vec<&'a str>> {
    let (first, rest) = per_import.split_first()?;
    let mut common = first.clone();
    for roots in rest {
        common.retain(|root| roots.contains(root));
    }
    Some(common)
}
