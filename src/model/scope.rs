//! Scopes, symbols and binding sites: enough of Python's name resolution to answer
//! "does this name at this offset resolve to that binding?" and "would a new use of
//! this name here mean the module-level import?".
//!
//! Python semantics kept: a name bound anywhere in a function (or lambda, comprehension,
//! PEP 695 type-parameter scope) is local to it unless declared `global`/`nonlocal`; a
//! class body's names are not visible from the functions and comprehensions inside it;
//! `del` unbinds.

use ruff_python_ast::{Expr, ExceptHandlerExceptHandler, Stmt};
use ruff_text_size::{TextRange, TextSize};
use rustc_hash::FxHashMap;

use super::imports::Imported;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScopeId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SymbolId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SiteId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FunctionId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassId(pub u32);

/// A block of statements (a body): where a removed statement may leave `pass`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlockId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
    /// PEP 695 `def f[T]()` / `class C[T]` / `type X[T] = ...`.
    TypeParams,
}

impl ScopeKind {
    /// A scope whose bindings are local to it for its whole extent.
    pub fn is_function_like(self) -> bool {
        matches!(self, ScopeKind::Function | ScopeKind::Lambda | ScopeKind::Comprehension | ScopeKind::TypeParams)
    }
}

#[derive(Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// The node that opens the scope (the whole file for the module).
    pub range: TextRange,
    pub function: Option<FunctionId>,
    pub class: Option<ClassId>,
    pub(super) symbols: FxHashMap<&'a str, SymbolId>,
    /// Names declared `global` (bindings go to the module) or `nonlocal` here.
    pub(super) global: Vec<&'a str>,
    pub(super) nonlocal: Vec<&'a str>,
}

/// A name in one scope and every place that binds (or unbinds) it.
#[derive(Debug)]
pub struct Symbol<'a> {
    pub name: &'a str,
    pub scope: ScopeId,
    /// In source order.
    pub sites: Vec<SiteId>,
    /// Every load that resolves here, in source order (filled after the walk).
    pub uses: Vec<super::UseId>,
}

/// One place a name is bound or unbound.
#[derive(Debug)]
pub struct Site<'a> {
    pub symbol: SymbolId,
    /// The name's own range (for an import alias, the alias).
    pub range: TextRange,
    pub kind: SiteKind<'a>,
    /// The scope whose code evaluates the bound value (differs from the symbol's scope
    /// for `global`/`nonlocal` names).
    pub scope: ScopeId,
    /// The statement that binds it and the block it stands in.
    pub statement: Option<(&'a Stmt, BlockId)>,
}

#[derive(Debug)]
pub enum SiteKind<'a> {
    /// `import a.b as c` / `from a import b`: alias `alias` of `stmt`.
    Import { alias: usize, imported: Imported<'a> },
    /// `x = value`, `x: T = value` with `x` the only target.
    Assign { value: &'a Expr, annotation: Option<&'a Expr> },
    /// `x: T` with no value (a declaration: local in functions, nothing at module level).
    Declare { annotation: &'a Expr },
    /// Any other assignment target: tuple unpacking, `a = b = v`, `x += v`.
    OtherTarget,
    /// `for x in iter` (`whole`: x is the whole target, not part of a tuple).
    For { iter: &'a Expr, whole: bool, is_async: bool },
    /// `with ctx as x` (`whole` as above).
    With { context: &'a Expr, whole: bool, is_async: bool },
    /// A comprehension's `for x in iter`.
    Comprehension { iter: &'a Expr, whole: bool },
    /// `(x := value)`.
    Walrus { value: &'a Expr },
    Parameter { function: Option<FunctionId>, index: usize, annotation: Option<&'a Expr>, default: Option<&'a Expr> },
    Function(FunctionId),
    Class(ClassId),
    Except { handler: &'a ExceptHandlerExceptHandler },
    MatchCapture,
    TypeParam,
    /// `del x`.
    Delete,
}

impl SiteKind<'_> {
    pub fn is_delete(&self) -> bool {
        matches!(self, SiteKind::Delete)
    }
}

/// The scopes and symbols of one file.
#[derive(Debug, Default)]
pub struct Scopes<'a> {
    pub scopes: Vec<Scope<'a>>,
    pub symbols: Vec<Symbol<'a>>,
    pub sites: Vec<Site<'a>>,
}

/// Why a new reference to a name at some place would not mean the module-level binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shadow {
    /// Bound in an enclosing function, lambda, comprehension, type-parameter list or
    /// class body (the site's range).
    Local { kind: ScopeKind, at: TextRange },
    /// `del name` at module level.
    Deleted { at: TextRange },
    /// Rebound at module level by something other than the expected binding.
    Rebound { at: TextRange },
    /// Used by module-level code above the binding.
    BeforeBinding,
}

impl<'a> Scopes<'a> {
    pub const MODULE: ScopeId = ScopeId(0);

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id.0 as usize]
    }

    pub fn symbol(&self, id: SymbolId) -> &Symbol<'a> {
        &self.symbols[id.0 as usize]
    }

    pub fn site(&self, id: SiteId) -> &Site<'a> {
        &self.sites[id.0 as usize]
    }

    /// The symbol `name` has in `scope` itself, if any.
    pub fn local(&self, scope: ScopeId, name: &str) -> Option<SymbolId> {
        self.scope(scope).symbols.get(name).copied()
    }

    /// The symbol a load of `name` in `scope` refers to (None: a builtin or undefined).
    pub fn resolve(&self, scope: ScopeId, name: &str) -> Option<SymbolId> {
        let mut current = scope;
        let mut innermost = true;
        loop {
            let entry = self.scope(current);
            // A class body's names are visible only to the class body itself.
            if innermost || entry.kind != ScopeKind::Class {
                if let Some(&symbol) = entry.symbols.get(name) {
                    return Some(symbol);
                }
            }
            innermost = false;
            current = entry.parent?;
        }
    }

    /// The sites whose value a load at `offset` in `scope` can see: the last one before
    /// it when the load runs in the symbol's own scope, else all of them (a nested
    /// function runs later; a loop may come back).
    pub fn reaching(&self, symbol: SymbolId, scope: ScopeId, offset: TextSize) -> &[SiteId] {
        let entry = self.symbol(symbol);
        if entry.scope == scope {
            let before = entry.sites.partition_point(|&site| self.site(site).range.start() < offset);
            if before > 0 {
                return &entry.sites[before - 1..before];
            }
        }
        &entry.sites
    }

    /// The function or module whose frame runs code written in `scope` (comprehensions
    /// and lambdas run in their enclosing frame for our purposes).
    pub fn frame(&self, scope: ScopeId) -> ScopeId {
        let mut current = scope;
        loop {
            let entry = self.scope(current);
            match (entry.kind, entry.parent) {
                (ScopeKind::Comprehension | ScopeKind::Lambda | ScopeKind::TypeParams, Some(parent)) => current = parent,
                _ => return current,
            }
        }
    }

    /// The innermost function scope enclosing `scope` (itself included).
    pub fn function_of(&self, scope: ScopeId) -> Option<FunctionId> {
        let mut current = Some(scope);
        while let Some(id) = current {
            let entry = self.scope(id);
            if let Some(function) = entry.function {
                return Some(function);
            }
            current = entry.parent;
        }
        None
    }

    /// Whether a new load of `name` written at `offset` in `scope` would mean the
    /// module-level symbol bound only by `expected` sites (e.g. the storage import), or
    /// why not. `expected` says which module-level sites are the binding we rely on.
    pub fn free_for(&self, scope: ScopeId, offset: TextSize, name: &str, expected: impl Fn(&Site<'a>) -> bool) -> Result<(), Shadow> {
        let mut current = scope;
        let mut innermost = true;
        while current != Self::MODULE {
            let entry = self.scope(current);
            if innermost || entry.kind != ScopeKind::Class {
                if let Some(&symbol) = entry.symbols.get(name) {
                    let at = self.symbol(symbol).sites.first().map_or(entry.range, |&site| self.site(site).range);
                    return Err(Shadow::Local { kind: entry.kind, at });
                }
            }
            innermost = false;
            current = entry.parent.unwrap_or(Self::MODULE);
        }
        let Some(symbol) = self.local(Self::MODULE, name) else { return Ok(()) };
        let immediate = self.frame(scope) == Self::MODULE;
        let mut bound_before = false;
        for &id in &self.symbol(symbol).sites {
            let site = self.site(id);
            if site.kind.is_delete() {
                return Err(Shadow::Deleted { at: site.range });
            }
            if !expected(site) {
                return Err(Shadow::Rebound { at: site.range });
            }
            bound_before |= site.range.start() < offset;
        }
        if immediate && !bound_before {
            return Err(Shadow::BeforeBinding);
        }
        Ok(())
    }

    pub(super) fn push_scope(&mut self, kind: ScopeKind, parent: Option<ScopeId>, range: TextRange) -> ScopeId {
        self.scopes.push(Scope {
            kind,
            parent,
            range,
            function: None,
            class: None,
            symbols: FxHashMap::default(),
            global: Vec::new(),
            nonlocal: Vec::new(),
        });
        ScopeId(self.scopes.len() as u32 - 1)
    }

    /// The scope a binding of `name` written in `scope` lands in.
    fn binding_scope(&self, scope: ScopeId, name: &str) -> ScopeId {
        let entry = self.scope(scope);
        if entry.global.contains(&name) {
            return Self::MODULE;
        }
        if entry.nonlocal.contains(&name) {
            let mut current = entry.parent;
            while let Some(id) = current {
                let outer = self.scope(id);
                if outer.kind == ScopeKind::Function && outer.symbols.contains_key(name) {
                    return id;
                }
                current = outer.parent;
            }
        }
        scope
    }

    pub(super) fn bind(
        &mut self,
        scope: ScopeId,
        name: &'a str,
        range: TextRange,
        kind: SiteKind<'a>,
        statement: Option<(&'a Stmt, BlockId)>,
    ) -> SiteId {
        let target = self.binding_scope(scope, name);
        let symbol = match self.scopes[target.0 as usize].symbols.get(name) {
            Some(&symbol) => symbol,
            None => {
                self.symbols.push(Symbol { name, scope: target, sites: Vec::new(), uses: Vec::new() });
                let symbol = SymbolId(self.symbols.len() as u32 - 1);
                self.scopes[target.0 as usize].symbols.insert(name, symbol);
                symbol
            }
        };
        self.sites.push(Site { symbol, range, kind, scope, statement });
        let site = SiteId(self.sites.len() as u32 - 1);
        self.symbols[symbol.0 as usize].sites.push(site);
        site
    }

    pub(super) fn declare(&mut self, scope: ScopeId, name: &'a str, nonlocal: bool) {
        let entry = &mut self.scopes[scope.0 as usize];
        if nonlocal {
            entry.nonlocal.push(name);
        } else {
            entry.global.push(name);
        }
    }
}
