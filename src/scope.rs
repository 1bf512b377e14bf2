//! Which names a scope binds: parameters, assignment targets, imports, `def`/`class`
//! names, loop/with/except targets, match captures. Used to see when the name a
//! rewrite would use is rebound locally (the rewrite would then mean something else).

use std::collections::BTreeSet;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{ExceptHandler, Expr, ExprContext, Parameters, Pattern, Stmt};

/// Names bound directly in `body` (not in nested functions or classes), plus `parameters`.
pub fn bound_names(parameters: Option<&Parameters>, body: &[Stmt]) -> BTreeSet<String> {
    let mut collector = Collector::default();
    if let Some(parameters) = parameters {
        collector.add_parameters(parameters);
    }
    for stmt in body {
        collector.visit_stmt(stmt);
    }
    collector.names
}

#[derive(Default)]
struct Collector {
    names: BTreeSet<String>,
}

impl Collector {
    fn add_parameters(&mut self, parameters: &Parameters) {
        for parameter in parameters {
            self.names.insert(parameter.name().to_string());
        }
    }
}

impl<'a> Visitor<'a> for Collector {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            // A nested scope binds its own name here; its body is another scope.
            Stmt::FunctionDef(def) => {
                self.names.insert(def.name.to_string());
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
            }
            Stmt::ClassDef(class) => {
                self.names.insert(class.name.to_string());
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().map_or_else(
                        || alias.name.split('.').next().unwrap_or_default().to_owned(),
                        ToString::to_string,
                    );
                    self.names.insert(bound);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    self.names.insert(alias.asname.as_ref().unwrap_or(&alias.name).to_string());
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) if matches!(name.ctx, ExprContext::Store | ExprContext::Del) => {
                self.names.insert(name.id.to_string());
            }
            Expr::Lambda(_) => {}
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        let ExceptHandler::ExceptHandler(inner) = handler;
        if let Some(name) = &inner.name {
            self.names.insert(name.to_string());
        }
        visitor::walk_except_handler(self, handler);
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchAs(capture) => {
                if let Some(name) = &capture.name {
                    self.names.insert(name.to_string());
                }
            }
            Pattern::MatchStar(star) => {
                if let Some(name) = &star.name {
                    self.names.insert(name.to_string());
                }
            }
            Pattern::MatchMapping(mapping) => {
                if let Some(rest) = &mapping.rest {
                    self.names.insert(rest.to_string());
                }
            }
            _ => {}
        }
        visitor::walk_pattern(self, pattern);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_python;

    #[test]
    fn collects_every_binding_form_but_not_nested_scopes() {
        let text = "\
import a.b
from c import d as e
f = g = 1
for h, i in x: pass
with y as j: pass
try: pass
except E as k: pass
match z:
    case {'q': l, **m}: pass
    case [n, *o]: pass
if (p := 1): pass
def inner(r): s = 1
class K: t = 1
del u
";
        let parsed = parse_python(text).unwrap();
        let names = bound_names(None, &parsed.syntax().body);
        let expected = ["K", "a", "e", "f", "g", "h", "i", "inner", "j", "k", "l", "m", "n", "o", "p", "u"];
        assert_eq!(names.into_iter().collect::<Vec<_>>(), expected);
    }
}
