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
mod facts;
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

pub use buckets::{BucketMatcher, BucketOccurrence, BucketUse, Blocked, StringKind};
pub use calls::{Access, Consumer, S3Call, UnresolvedCall};
pub use exports::{Export, ExportTable, ModuleExports};
pub use facts::ModelFacts;
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
    /// The file's own imports of project modules are needed from other files' exports
    /// that this model did not have (a first pass): process it again with them.
    pub wants_exports: bool,
    /// What this file offers other files.
    pub exports: ModuleExports,
}

impl<'a> FileModel<'a> {
    pub fn build(module: &'a ModModule, input: &ModelInput<'a>) -> FileModel<'a> {
        let mut raw = walk::walk(module, input);
        // Link every load to its symbol.
        for (index, use_) in raw.uses.iter_mut().enumerate() {
            use_.symbol = raw.scopes.resolve(use_.scope, use_.name.id.as_str());
            if let Some(symbol) = use_.symbol {
                raw.scopes.symbols[symbol.0 as usize].uses.push(UseId(index as u32));
            }
        }
        let exception = input.config.errors.exception.rsplit('.').next().unwrap_or_default();
        let (site_values, calls, unresolved, mut tries, buckets, exports) = {
            let evaluator = value::Evaluator::new(&raw, input);
            let site_values: Vec<Value<'a>> = (0..raw.scopes.sites.len()).map(|site| evaluator.site(SiteId(site as u32))).collect();
            let (calls, unresolved) = calls::collect(&evaluator, &raw.uses, &raw.scopes);
            let tries = tries::collect(&raw, &evaluator, &calls, exception);
            let buckets = buckets::collect(&raw, &evaluator, &calls, input);
            let exports = exports::compute(&raw, &evaluator, &calls, input.is_storage_module);
            (site_values, calls, unresolved, tries, buckets, exports)
        };
        tries::attach_reads(&mut tries, &raw.scopes, &raw.uses);
        let import_roots = roots(&raw.import_roots);
        let imports_project = raw.scopes.sites.iter().any(|site| {
            matches!(site.kind, SiteKind::Import { imported: Imported::Module(ModuleRef::Project(_)) | Imported::Member(ModuleRef::Project(_), _), .. })
        });
        let wants_exports = !input.exports_final && imports_project && !unresolved.is_empty();
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
            wants_exports,
            exports,
        }
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

    pub fn function(&self, id: FunctionId) -> &Function<'a> {
        &self.functions[id.0 as usize]
    }

    /// The value of a symbol as code in other scopes sees it: every site agreeing.
    pub fn symbol_value(&self, symbol: SymbolId) -> Value<'a> {
        value::join(self.scopes.symbol(symbol).sites.iter().map(|&site| self.site_value(site)))
    }
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
