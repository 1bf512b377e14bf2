//! The one walk over a file's AST (in evaluation order: a value before the target it
//! binds). It records scopes and binding sites, every load of a name with the access
//! chain rooted at it and how that chain's value is used, attribute stores, function and
//! class definitions, `try`/`with` statements, every call, and every string holding a
//! configured bucket name. Nothing is resolved here; `Raw::resolve` does that from these
//! facts alone.

use ruff_python_ast::{
    Arguments, ExceptHandler, Expr, ExprCall, ExprContext, ExprName, InterpolatedStringElement, InterpolatedStringElements, ModModule, Parameters,
    Pattern, Stmt, StmtFunctionDef, TypeParam, TypeParams,
};
use ruff_text_size::{Ranged, TextRange};

use super::buckets::{BucketMatcher, RawString, StringNode};
use super::imports::{ImportContext, Imported, ModuleRef};
use super::scope::{BlockId, ClassId, FunctionId, ScopeId, ScopeKind, Scopes, SiteKind};
use super::{AttributeStore, Class, Context, Function, MethodKind, ModelInput, Position, RawTry, Use};

/// A call and the scope it is written in.
#[derive(Debug)]
pub(crate) struct RawCall<'a> {
    pub call: &'a ExprCall,
    pub scope: ScopeId,
}

/// Everything the walk collects.
#[derive(Debug)]
pub(crate) struct Raw<'a> {
    pub scopes: Scopes<'a>,
    pub uses: Vec<Use<'a>>,
    pub functions: Vec<Function<'a>>,
    pub classes: Vec<Class<'a>>,
    pub blocks: Vec<&'a [Stmt]>,
    pub attribute_stores: Vec<AttributeStore<'a>>,
    pub calls: Vec<RawCall<'a>>,
    pub tries: Vec<RawTry<'a>>,
    pub strings: Vec<RawString<'a>>,
    pub star_imports: Vec<(TextRange, ModuleRef<'a>)>,
    /// The roots each resolved absolute import of a project module allows.
    pub import_roots: Vec<Vec<&'a str>>,
}

pub(crate) fn walk<'a>(module: &'a ModModule, input: &ModelInput<'a>) -> Raw<'a> {
    let mut scopes = Scopes::default();
    let whole = TextRange::up_to(ruff_text_size::TextSize::try_from(input.text.len()).unwrap_or_default());
    scopes.push_scope(ScopeKind::Module, None, whole);
    let config: &'a crate::config::Config = input.config;
    // About one load a 24 bytes of code in the bench corpora: reserved once instead of
    // grown by doubling, which copied every `Use` again (2% of a `check`). Capped so a
    // huge file of literals reserves little.
    let uses = Vec::with_capacity((input.text.len() / 24).min(1 << 14));
    // Bindings likewise, about one a 64 bytes.
    scopes.sites.reserve((input.text.len() / 64).min(1 << 13));
    scopes.symbols.reserve((input.text.len() / 96).min(1 << 13));
    let mut walker = Walker {
        raw: Raw {
            scopes,
            uses,
            functions: Vec::new(),
            classes: Vec::new(),
            blocks: Vec::new(),
            attribute_stores: Vec::new(),
            calls: Vec::new(),
            tries: Vec::new(),
            strings: Vec::new(),
            star_imports: Vec::new(),
            import_roots: Vec::new(),
        },
        imports: ImportContext { display: input.display, modules: input.modules, storage_module: &config.storage.module },
        buckets: input.buckets,
        scope: Scopes::MODULE,
        statement: None,
        block: BlockId(0),
        function: None,
        contexts: Vec::new(),
    };
    walker.body(&module.body);
    // The walk follows evaluation order (a value before its targets); facts are kept in
    // source order.
    walker.raw.calls.sort_by_key(|call| call.call.range().start());
    // No two names start at one offset: an in-place sort (uses are large, and a stable
    // sort's buffer copies were a twentieth of `check`).
    walker.raw.uses.sort_unstable_by_key(|use_| use_.name.range.start());
    for symbol in &mut walker.raw.scopes.symbols {
        let sites = &walker.raw.scopes.sites;
        symbol.sites.sort_by_key(|site| sites[site.0 as usize].range.start());
    }
    walker.raw
}

struct Walker<'a> {
    raw: Raw<'a>,
    imports: ImportContext<'a>,
    buckets: &'a BucketMatcher,
    scope: ScopeId,
    statement: Option<&'a Stmt>,
    block: BlockId,
    /// The function whose body is being walked (for its `return`s).
    function: Option<FunctionId>,
    /// The contexts of the containers enclosing the current expression (for strings).
    contexts: Vec<Context<'a>>,
}

/// How a name target is bound, given whether it is the whole target.
type TargetKind<'a> = fn(&'a Expr, bool) -> SiteKind<'a>;

impl<'a> Walker<'a> {
    fn statement(&self) -> &'a Stmt {
        self.statement.expect("expressions are walked inside a statement")
    }

    fn bind(&mut self, name: &'a str, range: TextRange, kind: SiteKind<'a>) {
        let statement = self.statement.map(|stmt| (stmt, self.block));
        self.raw.scopes.bind(self.scope, name, range, kind, statement);
    }

    fn push_scope(&mut self, kind: ScopeKind, range: TextRange) -> ScopeId {
        let scope = self.raw.scopes.push_scope(kind, Some(self.scope), range);
        self.scope = scope;
        scope
    }

    // ----- statements -----

    fn body(&mut self, body: &'a [Stmt]) {
        let outer = self.block;
        self.raw.blocks.push(body);
        self.block = BlockId(self.raw.blocks.len() as u32 - 1);
        for (index, stmt) in body.iter().enumerate() {
            let docstring = index == 0 && matches!(stmt, Stmt::Expr(expr) if expr.value.is_string_literal_expr());
            let outer_statement = self.statement.replace(stmt);
            if docstring {
                if let Stmt::Expr(expr) = stmt {
                    if let Expr::StringLiteral(literal) = expr.value.as_ref() {
                        self.string(StringNode::Str(literal), literal.range, Context::Statement, true);
                    }
                }
            } else {
                self.stmt(stmt);
            }
            self.statement = outer_statement;
        }
        self.block = outer;
    }

    fn stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => self.function_def(def),
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.expr(&decorator.expression, Context::Decorator);
                }
                let outer = self.scope;
                self.type_params(class.type_params.as_deref(), class.range);
                if let Some(arguments) = &class.arguments {
                    for base in arguments.args.iter() {
                        self.expr(base, Context::Base);
                    }
                    for keyword in arguments.keywords.iter() {
                        self.expr(&keyword.value, Context::Base);
                    }
                }
                let id = ClassId(self.raw.classes.len() as u32);
                let inner = self.scope;
                self.scope = outer;
                let statement = self.statement.map(|stmt| (stmt, self.block));
                let site = self.raw.scopes.bind(outer, class.name.as_str(), class.name.range, SiteKind::Class(id), statement);
                self.scope = inner;
                let scope = self.push_scope(ScopeKind::Class, class.range);
                self.raw.scopes.scopes[scope.0 as usize].class = Some(id);
                self.raw.classes.push(Class { def: class, scope, site });
                let function = self.function.take();
                self.body(&class.body);
                self.function = function;
                self.scope = outer;
            }
            Stmt::Return(ret) => {
                if let Some(value) = &ret.value {
                    if let Some(function) = self.function {
                        self.raw.functions[function.0 as usize].returns.push(value);
                    }
                    self.expr(value, Context::Returned);
                }
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    match target {
                        Expr::Name(name) => self.bind(name.id.as_str(), name.range, SiteKind::Delete),
                        other => self.target(other, |_, _| SiteKind::Delete, true),
                    }
                }
            }
            Stmt::TypeAlias(alias) => {
                let outer = self.scope;
                self.type_params(alias.type_params.as_deref(), alias.range);
                self.expr(&alias.value, Context::Annotation);
                self.scope = outer;
                self.target(&alias.name, |_, _| SiteKind::OtherTarget, true);
            }
            Stmt::Assign(assign) => {
                self.expr(&assign.value, Context::Assigned { stmt: Some(stmt), targets: &assign.targets });
                match assign.targets.as_slice() {
                    [single] => self.assign_target(single, &assign.value, None),
                    targets => {
                        for target in targets {
                            self.target(target, |_, _| SiteKind::OtherTarget, true);
                        }
                    }
                }
            }
            Stmt::AugAssign(assign) => {
                self.expr(&assign.value, Context::Assigned { stmt: Some(stmt), targets: std::slice::from_ref(&assign.target) });
                if let Expr::Name(name) = assign.target.as_ref() {
                    self.load_chain(name, &assign.target, Context::Operand);
                }
                self.target(&assign.target, |_, _| SiteKind::OtherTarget, true);
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.expr(value, Context::Assigned { stmt: Some(stmt), targets: std::slice::from_ref(&assign.target) });
                }
                self.expr(&assign.annotation, Context::Annotation);
                match &assign.value {
                    Some(value) => self.assign_target(&assign.target, value, Some(&assign.annotation)),
                    None => match assign.target.as_ref() {
                        Expr::Name(name) => self.bind(name.id.as_str(), name.range, SiteKind::Declare { annotation: &assign.annotation }),
                        other => self.target(other, |_, _| SiteKind::OtherTarget, true),
                    },
                }
            }
            Stmt::For(each) => {
                self.expr(&each.iter, Context::Iterated { target: &each.target });
                let is_async = each.is_async;
                let iter: &'a Expr = &each.iter;
                self.bind_targets(&each.target, true, &mut |_, whole| SiteKind::For { iter, whole, is_async });
                self.body(&each.body);
                self.body(&each.orelse);
            }
            Stmt::While(each) => {
                self.expr(&each.test, Context::Condition);
                self.body(&each.body);
                self.body(&each.orelse);
            }
            Stmt::If(branch) => {
                self.expr(&branch.test, Context::Condition);
                self.body(&branch.body);
                for clause in &branch.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.expr(test, Context::Condition);
                    }
                    self.body(&clause.body);
                }
            }
            Stmt::With(with) => {
                self.raw.tries.push(RawTry::With { stmt: with, scope: self.scope });
                for item in &with.items {
                    self.expr(&item.context_expr, Context::WithItem { item, is_async: with.is_async });
                    if let Some(vars) = &item.optional_vars {
                        let context: &'a Expr = &item.context_expr;
                        let is_async = with.is_async;
                        self.bind_targets(vars, true, &mut |_, whole| SiteKind::With { context, whole, is_async });
                    }
                }
                self.body(&with.body);
            }
            Stmt::Match(each) => {
                self.expr(&each.subject, Context::Other);
                for case in &each.cases {
                    self.pattern(&case.pattern);
                    if let Some(guard) = &case.guard {
                        self.expr(guard, Context::Condition);
                    }
                    self.body(&case.body);
                }
            }
            Stmt::Raise(raise) => {
                if let Some(exc) = &raise.exc {
                    self.expr(exc, Context::Raised);
                }
                if let Some(cause) = &raise.cause {
                    self.expr(cause, Context::Other);
                }
            }
            Stmt::Try(block) => {
                self.raw.tries.push(RawTry::Try { stmt: block, scope: self.scope });
                self.body(&block.body);
                for handler in &block.handlers {
                    let ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(type_) = &handler.type_ {
                        self.expr(type_, Context::HandlerType { handler });
                    }
                    if let Some(name) = &handler.name {
                        self.bind(name.as_str(), name.range, SiteKind::Except { handler });
                    }
                    self.body(&handler.body);
                }
                self.body(&block.orelse);
                self.body(&block.finalbody);
            }
            Stmt::Assert(assert) => {
                self.expr(&assert.test, Context::Condition);
                if let Some(msg) = &assert.msg {
                    self.expr(msg, Context::Other);
                }
            }
            Stmt::Import(import) => {
                for (index, alias) in import.names.iter().enumerate() {
                    let dotted = alias.name.as_str();
                    let imported = self.imports.import(dotted, alias.asname.is_some());
                    self.note_root(dotted, imported);
                    let bound = alias.asname.as_ref().map_or_else(|| dotted.split('.').next().unwrap_or(dotted), |asname| asname.as_str());
                    self.bind(bound, alias.range, SiteKind::Import { alias: index, imported });
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import.module.as_ref().map(|module| module.as_str());
                for (index, alias) in import.names.iter().enumerate() {
                    let name = alias.name.as_str();
                    if name == "*" {
                        let from = match module {
                            Some(module) if import.level == 0 => self.imports.module(module),
                            _ => ModuleRef::Unknown,
                        };
                        self.raw.star_imports.push((import.range, from));
                        continue;
                    }
                    let imported = self.imports.import_from(module, import.level, name);
                    if let (0, Some(module)) = (import.level, module) {
                        self.note_root(module, imported);
                    }
                    let bound = alias.asname.as_ref().map_or(name, |asname| asname.as_str());
                    self.bind(bound, alias.range, SiteKind::Import { alias: index, imported });
                }
            }
            Stmt::Global(global) => {
                for name in &global.names {
                    self.raw.scopes.declare(self.scope, name.as_str(), false);
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                for name in &nonlocal.names {
                    self.raw.scopes.declare(self.scope, name.as_str(), true);
                }
            }
            Stmt::Expr(expr) => self.expr(&expr.value, Context::Statement),
            Stmt::Pass(_) | Stmt::Break(_) | Stmt::Continue(_) | Stmt::IpyEscapeCommand(_) => {}
        }
    }

    /// The roots an absolute import of a project module allows (evidence of the file's root).
    fn note_root(&mut self, dotted: &str, imported: Imported<'a>) {
        let project = matches!(imported, Imported::Module(ModuleRef::Storage | ModuleRef::Project(_)) | Imported::Member(ModuleRef::Storage | ModuleRef::Project(_), _) | Imported::Dotted(_));
        if !project {
            return;
        }
        let roots = self.imports.modules.roots_of(self.imports.display, dotted);
        if !roots.is_empty() {
            self.raw.import_roots.push(roots);
        }
    }

    fn function_def(&mut self, def: &'a StmtFunctionDef) {
        for decorator in &def.decorator_list {
            self.expr(&decorator.expression, Context::Decorator);
        }
        self.defaults(&def.parameters);
        let outer = self.scope;
        self.type_params(def.type_params.as_deref(), def.range);
        self.annotations(&def.parameters);
        if let Some(returns) = &def.returns {
            self.expr(returns, Context::Annotation);
        }
        let id = FunctionId(self.raw.functions.len() as u32);
        let class = self.raw.scopes.scope(outer).class.filter(|_| self.raw.scopes.scope(outer).kind == ScopeKind::Class);
        let statement = self.statement.map(|stmt| (stmt, self.block));
        let site = self.raw.scopes.bind(outer, def.name.as_str(), def.name.range, SiteKind::Function(id), statement);
        let scope = self.push_scope(ScopeKind::Function, def.range);
        self.raw.scopes.scopes[scope.0 as usize].function = Some(id);
        self.raw.functions.push(Function { def, scope, site, class, returns: Vec::new(), decorator: method_kind(def) });
        self.parameters(&def.parameters, Some(id));
        let outer_function = self.function.replace(id);
        self.body(&def.body);
        self.function = outer_function;
        self.scope = outer;
    }

    /// Opens the PEP 695 type-parameter scope when there is one (left open for the
    /// caller, which restores `self.scope`).
    fn type_params(&mut self, params: Option<&'a TypeParams>, range: TextRange) {
        let Some(params) = params else { return };
        self.push_scope(ScopeKind::TypeParams, range);
        for param in &params.type_params {
            let name = match param {
                TypeParam::TypeVar(var) => {
                    if let Some(bound) = &var.bound {
                        self.expr(bound, Context::Annotation);
                    }
                    &var.name
                }
                TypeParam::ParamSpec(spec) => &spec.name,
                TypeParam::TypeVarTuple(tuple) => &tuple.name,
            };
            self.bind(name.as_str(), name.range, SiteKind::TypeParam);
        }
    }

    fn defaults(&mut self, parameters: &'a Parameters) {
        for parameter in parameters.iter_non_variadic_params() {
            if let Some(default) = &parameter.default {
                self.expr(default, Context::Default { parameter: parameter.parameter.name.as_str() });
            }
        }
    }

    fn annotations(&mut self, parameters: &'a Parameters) {
        for parameter in parameters {
            if let Some(annotation) = parameter.annotation() {
                self.expr(annotation, Context::Annotation);
            }
        }
    }

    fn parameters(&mut self, parameters: &'a Parameters, function: Option<FunctionId>) {
        for (index, parameter) in parameters.iter().enumerate() {
            let name = parameter.name();
            let kind = SiteKind::Parameter { function, index, annotation: parameter.annotation(), default: parameter.default() };
            let statement = self.statement.map(|stmt| (stmt, self.block));
            self.raw.scopes.bind(self.scope, name.as_str(), name.range, kind, statement);
        }
    }

    // ----- targets -----

    /// `target = value` with a single target: a name gets an `Assign` site.
    fn assign_target(&mut self, target: &'a Expr, value: &'a Expr, annotation: Option<&'a Expr>) {
        match target {
            Expr::Name(name) => self.bind(name.id.as_str(), name.range, SiteKind::Assign { value, annotation }),
            Expr::Attribute(attribute) => {
                self.raw.attribute_stores.push(AttributeStore { target: attribute, value: Some(value), scope: self.scope, statement: (self.statement(), self.block) });
                self.chain_root(&attribute.value, target, Context::StoreTarget);
            }
            other => self.target(other, |_, _| SiteKind::OtherTarget, true),
        }
    }

    fn target(&mut self, target: &'a Expr, kind: TargetKind<'a>, whole: bool) {
        self.bind_targets(target, whole, &mut |expr, whole| kind(expr, whole));
    }

    fn bind_targets(&mut self, target: &'a Expr, whole: bool, kind: &mut dyn FnMut(&'a Expr, bool) -> SiteKind<'a>) {
        match target {
            Expr::Name(name) => {
                let site = kind(target, whole);
                self.bind(name.id.as_str(), name.range, site);
            }
            Expr::Tuple(tuple) => {
                for element in &tuple.elts {
                    self.bind_targets(element, false, kind);
                }
            }
            Expr::List(list) => {
                for element in &list.elts {
                    self.bind_targets(element, false, kind);
                }
            }
            Expr::Starred(starred) => self.bind_targets(&starred.value, false, kind),
            Expr::Attribute(attribute) => {
                self.raw.attribute_stores.push(AttributeStore { target: attribute, value: None, scope: self.scope, statement: (self.statement(), self.block) });
                self.chain_root(&attribute.value, target, Context::StoreTarget);
            }
            Expr::Subscript(subscript) => {
                self.chain_root(&subscript.value, target, Context::StoreTarget);
                self.expr(&subscript.slice, Context::Index { subscript });
            }
            other => self.expr(other, Context::Other),
        }
    }

    // ----- expressions -----

    fn load_chain(&mut self, name: &'a ExprName, chain: &'a Expr, context: Context<'a>) {
        self.raw.uses.push(Use { name, scope: self.scope, symbol: None, chain, context, statement: self.statement(), value: super::Value::Unknown, chain_value: super::Value::Unknown });
    }

    /// Walk `expr` whose value is used as `context`.
    fn expr(&mut self, expr: &'a Expr, context: Context<'a>) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Load => self.load_chain(name, expr, context),
                ExprContext::Del => self.bind(name.id.as_str(), name.range, SiteKind::Delete),
                _ => {}
            },
            Expr::Attribute(_) | Expr::Subscript(_) | Expr::Call(_) | Expr::Await(_) => self.chain(expr, expr, context),
            Expr::BoolOp(boolean) => {
                for value in &boolean.values {
                    self.expr(value, Context::Condition);
                }
            }
            Expr::Named(named) => {
                self.expr(&named.value, Context::Assigned { stmt: None, targets: std::slice::from_ref(&named.target) });
                if let Expr::Name(target) = named.target.as_ref() {
                    // In a comprehension, `:=` binds in the enclosing function's scope.
                    let mut scope = self.scope;
                    while self.raw.scopes.scope(scope).kind == ScopeKind::Comprehension {
                        scope = self.raw.scopes.scope(scope).parent.unwrap_or(Scopes::MODULE);
                    }
                    let statement = self.statement.map(|stmt| (stmt, self.block));
                    self.raw.scopes.bind(scope, target.id.as_str(), target.range, SiteKind::Walrus { value: &named.value }, statement);
                }
            }
            Expr::BinOp(binary) => {
                self.expr(&binary.left, Context::Operand);
                self.expr(&binary.right, Context::Operand);
            }
            Expr::UnaryOp(unary) => self.expr(&unary.operand, Context::Operand),
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.defaults(parameters);
                }
                let outer = self.scope;
                self.push_scope(ScopeKind::Lambda, lambda.range);
                if let Some(parameters) = &lambda.parameters {
                    self.parameters(parameters, None);
                }
                let function = self.function.take();
                self.expr(&lambda.body, Context::Returned);
                self.function = function;
                self.scope = outer;
            }
            Expr::If(ternary) => {
                self.expr(&ternary.test, Context::Condition);
                self.expr(&ternary.body, context);
                self.expr(&ternary.orelse, context);
            }
            Expr::Dict(dict) => {
                self.contexts.push(context);
                for item in &dict.items {
                    if let Some(key) = &item.key {
                        self.expr(key, Context::DictKey { dict });
                    }
                    self.expr(&item.value, Context::DictValue { dict, key: item.key.as_ref() });
                }
                self.contexts.pop();
            }
            Expr::Set(set) => self.elements(&set.elts, context),
            Expr::List(list) => self.elements(&list.elts, context),
            Expr::Tuple(tuple) => self.elements(&tuple.elts, context),
            Expr::ListComp(comp) => self.comprehension(&comp.generators, &[&comp.elt], expr.range()),
            Expr::SetComp(comp) => self.comprehension(&comp.generators, &[&comp.elt], expr.range()),
            Expr::Generator(comp) => self.comprehension(&comp.generators, &[&comp.elt], expr.range()),
            Expr::DictComp(comp) => {
                let results: Vec<&'a Expr> = comp.key.as_deref().into_iter().chain([comp.value.as_ref()]).collect();
                self.comprehension(&comp.generators, &results, expr.range());
            }
            Expr::Yield(inner) => {
                if let Some(value) = &inner.value {
                    self.expr(value, Context::Yielded);
                }
            }
            Expr::YieldFrom(inner) => self.expr(&inner.value, Context::Yielded),
            Expr::Compare(compare) => {
                self.expr(&compare.left, Context::Compared { compare });
                for comparator in &compare.comparators {
                    self.expr(comparator, Context::Compared { compare });
                }
            }
            Expr::FString(fstring) => {
                self.string(StringNode::FString(fstring), fstring.range, context, false);
                self.contexts.push(context);
                for part in fstring.value.iter() {
                    if let ruff_python_ast::FStringPart::FString(inner) = part {
                        self.interpolations(&inner.elements, false);
                    }
                }
                self.contexts.pop();
            }
            Expr::TString(tstring) => {
                self.string(StringNode::TString(tstring), tstring.range, context, false);
                self.contexts.push(context);
                for part in tstring.value.iter() {
                    self.interpolations(&part.elements, true);
                }
                self.contexts.pop();
            }
            Expr::StringLiteral(literal) => self.string(StringNode::Str(literal), literal.range, context, false),
            Expr::BytesLiteral(bytes) => self.string(StringNode::Bytes(bytes), bytes.range, context, false),
            Expr::Starred(starred) => self.expr(&starred.value, Context::Element),
            Expr::Slice(slice) => {
                for part in [&slice.lower, &slice.upper, &slice.step].into_iter().flatten() {
                    self.expr(part, Context::Other);
                }
            }
            Expr::NumberLiteral(_) | Expr::BooleanLiteral(_) | Expr::NoneLiteral(_) | Expr::EllipsisLiteral(_) | Expr::IpyEscapeCommand(_) => {}
        }
    }

    fn elements(&mut self, elements: &'a [Expr], context: Context<'a>) {
        self.contexts.push(context);
        for element in elements {
            self.expr(element, Context::Element);
        }
        self.contexts.pop();
    }

    fn comprehension(&mut self, generators: &'a [ruff_python_ast::Comprehension], results: &[&'a Expr], range: TextRange) {
        let outer = self.scope;
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = generators.first() {
            self.expr(&first.iter, Context::Iterated { target: &first.target });
        }
        self.push_scope(ScopeKind::Comprehension, range);
        for (index, generator) in generators.iter().enumerate() {
            if index > 0 {
                self.expr(&generator.iter, Context::Iterated { target: &generator.target });
            }
            let iter: &'a Expr = &generator.iter;
            self.bind_targets(&generator.target, true, &mut |_, whole| SiteKind::Comprehension { iter, whole });
            for condition in &generator.ifs {
                self.expr(condition, Context::Condition);
            }
        }
        for result in results {
            self.expr(result, Context::Element);
        }
        self.scope = outer;
    }

    fn interpolations(&mut self, elements: &'a InterpolatedStringElements, template: bool) {
        for element in elements {
            let InterpolatedStringElement::Interpolation(interpolation) = element else { continue };
            self.expr(&interpolation.expression, Context::Interpolation { debug: interpolation.debug_text.is_some(), template });
            if let Some(spec) = &interpolation.format_spec {
                for inner in &spec.elements {
                    match inner {
                        InterpolatedStringElement::Literal(literal) => self.string(StringNode::SpecLiteral(literal), literal.range, Context::FormatSpec, false),
                        InterpolatedStringElement::Interpolation(_) => {}
                    }
                }
                self.interpolations(&spec.elements, template);
            }
        }
    }

    /// An attribute / subscript / call / await chain whose outermost node is `outer`.
    fn chain(&mut self, expr: &'a Expr, outer: &'a Expr, context: Context<'a>) {
        match expr {
            Expr::Attribute(attribute) => self.chain_root(&attribute.value, outer, context),
            Expr::Subscript(subscript) => {
                self.chain_root(&subscript.value, outer, context);
                self.expr(&subscript.slice, Context::Index { subscript });
            }
            Expr::Call(call) => {
                self.raw.calls.push(RawCall { call, scope: self.scope });
                self.chain_root(&call.func, outer, context);
                self.arguments(call);
            }
            Expr::Await(inner) => self.chain_root(&inner.value, outer, context),
            _ => unreachable!("only chain nodes reach `chain`"),
        }
    }

    fn chain_root(&mut self, expr: &'a Expr, outer: &'a Expr, context: Context<'a>) {
        match expr {
            Expr::Attribute(_) | Expr::Subscript(_) | Expr::Call(_) | Expr::Await(_) => self.chain(expr, outer, context),
            Expr::Name(name) if name.ctx.is_load() => self.load_chain(name, outer, context),
            other => {
                self.contexts.push(context);
                self.expr(other, Context::Receiver { chain: outer });
                self.contexts.pop();
            }
        }
    }

    fn arguments(&mut self, call: &'a ExprCall) {
        let Arguments { args, keywords, .. } = &call.arguments;
        for (index, arg) in args.iter().enumerate() {
            let position = if arg.is_starred_expr() { Position::Unpacked } else { Position::Positional(index) };
            self.expr(arg, Context::Argument { call, position });
        }
        for keyword in keywords.iter() {
            let position = keyword.arg.as_ref().map_or(Position::Unpacked, |arg| Position::Keyword(arg.as_str()));
            self.expr(&keyword.value, Context::Argument { call, position });
        }
    }

    fn pattern(&mut self, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchValue(value) => self.expr(&value.value, Context::Pattern),
            Pattern::MatchSingleton(_) => {}
            Pattern::MatchSequence(sequence) => {
                for inner in &sequence.patterns {
                    self.pattern(inner);
                }
            }
            Pattern::MatchMapping(mapping) => {
                for key in &mapping.keys {
                    self.expr(key, Context::Pattern);
                }
                for inner in &mapping.patterns {
                    self.pattern(inner);
                }
                if let Some(rest) = &mapping.rest {
                    self.bind(rest.as_str(), rest.range, SiteKind::MatchCapture);
                }
            }
            Pattern::MatchClass(class) => {
                self.expr(&class.cls, Context::Pattern);
                for inner in &class.arguments.patterns {
                    self.pattern(inner);
                }
                for keyword in &class.arguments.keywords {
                    self.pattern(&keyword.pattern);
                }
            }
            Pattern::MatchStar(star) => {
                if let Some(name) = &star.name {
                    self.bind(name.as_str(), name.range, SiteKind::MatchCapture);
                }
            }
            Pattern::MatchAs(capture) => {
                if let Some(inner) = &capture.pattern {
                    self.pattern(inner);
                }
                if let Some(name) = &capture.name {
                    self.bind(name.as_str(), name.range, SiteKind::MatchCapture);
                }
            }
            Pattern::MatchOr(alternatives) => {
                for inner in &alternatives.patterns {
                    self.pattern(inner);
                }
            }
        }
    }

    /// A string (or bytes, or f-string) literal: kept only when it holds a bucket name.
    fn string(&mut self, node: StringNode<'a>, range: TextRange, context: Context<'a>, docstring: bool) {
        if !self.buckets.mentions(&node) {
            return;
        }
        let mut contexts = Vec::with_capacity(1 + self.contexts.len().min(3));
        contexts.push(context);
        contexts.extend(self.contexts.iter().rev().take(3).copied());
        self.raw.strings.push(RawString { node, range, contexts, scope: self.scope, statement: self.statement(), docstring });
    }
}

fn method_kind(def: &StmtFunctionDef) -> MethodKind {
    for decorator in &def.decorator_list {
        let name = match &decorator.expression {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => continue,
        };
        match name {
            "staticmethod" => return MethodKind::Static,
            "classmethod" => return MethodKind::Class,
            "property" | "cached_property" => return MethodKind::Property,
            _ => {}
        }
    }
    MethodKind::Plain
}
