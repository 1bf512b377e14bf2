//! Which files Python runs when it imports the storage module: its package's
//! `__init__.py` files, and every module imported at module level from those, as far as
//! the tree shows (imports inside functions run later and do not count). A file among
//! them must not get a new module-level import of the storage module: the import would
//! be circular.

use std::collections::{BTreeMap, VecDeque};

use ruff_python_ast::{ExceptHandler, Stmt};
use ruff_text_size::Ranged;

use super::modules::ModuleMap;
use super::Importer;
use crate::source::parse_python;

/// The files run by importing `storage` (imported from `root`), each with what imports it.
pub fn run_on_import(modules: &ModuleMap, storage: &str, root: &str, read: impl Fn(&str) -> Option<String>) -> BTreeMap<String, Importer> {
    let mut found: BTreeMap<String, Importer> = BTreeMap::new();
    let mut queue: VecDeque<String> = VecDeque::from([storage.to_owned()]);
    // Its packages run first, as part of the same import.
    for init in modules.packages_on_the_way(root, storage) {
        found.insert(init.to_owned(), Importer { by: storage.to_owned(), line: 0 });
        queue.push_back(init.to_owned());
    }
    while let Some(file) = queue.pop_front() {
        let Some(text) = read(&file) else { continue };
        let Ok(parsed) = parse_python(&text) else { continue };
        let mut imports = Vec::new();
        module_level_imports(&parsed.syntax().body, &mut imports);
        for stmt in imports {
            let line = text[..stmt.start().to_usize()].matches('\n').count() + 1;
            for target in imported_files(modules, &file, stmt) {
                if target == storage || found.contains_key(&target) {
                    continue;
                }
                found.insert(target.clone(), Importer { by: file.clone(), line });
                queue.push_back(target);
            }
        }
    }
    found
}

/// The module files (with the packages Python runs on the way) one import statement runs.
fn imported_files(modules: &ModuleMap, importer: &str, stmt: &Stmt) -> Vec<String> {
    let mut out = Vec::new();
    let absolute = |dotted: &str, out: &mut Vec<String>| {
        let Some(found) = modules.resolve_absolute(importer, dotted) else { return };
        if let Some(root) = modules.roots_of(importer, dotted).first() {
            out.extend(modules.packages_on_the_way(root, found.display).into_iter().map(str::to_owned));
        }
        out.push(found.display.to_owned());
    };
    match stmt {
        Stmt::Import(import) => {
            for alias in &import.names {
                absolute(alias.name.as_str(), &mut out);
            }
        }
        Stmt::ImportFrom(import) => {
            let module = import.module.as_ref().map(|module| module.as_str());
            for alias in &import.names {
                let name = alias.name.as_str();
                if import.level == 0 {
                    let Some(module) = module else { continue };
                    let before = out.len();
                    absolute(&format!("{module}.{name}"), &mut out);
                    if out.len() == before {
                        absolute(module, &mut out);
                    }
                } else {
                    let sub = (name != "*").then(|| modules.resolve_relative(importer, import.level, module, Some(name))).flatten();
                    if let Some(found) = sub.or_else(|| modules.resolve_relative(importer, import.level, module, None)) {
                        out.push(found.to_owned());
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// Imports that run when the module runs: at module level, also inside `if`, `try`,
/// `with` and loops, not inside functions or classes.
fn module_level_imports<'a>(body: &'a [Stmt], out: &mut Vec<&'a Stmt>) {
    for stmt in body {
        match stmt {
            Stmt::Import(_) | Stmt::ImportFrom(_) => out.push(stmt),
            Stmt::If(branch) => {
                module_level_imports(&branch.body, out);
                for clause in &branch.elif_else_clauses {
                    module_level_imports(&clause.body, out);
                }
            }
            Stmt::Try(block) => {
                module_level_imports(&block.body, out);
                for handler in &block.handlers {
                    let ExceptHandler::ExceptHandler(handler) = handler;
                    module_level_imports(&handler.body, out);
                }
                module_level_imports(&block.orelse, out);
                module_level_imports(&block.finalbody, out);
            }
            Stmt::With(block) => module_level_imports(&block.body, out),
            Stmt::For(block) => module_level_imports(&block.body, out),
            Stmt::While(block) => module_level_imports(&block.body, out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_importing_the_storage_module_runs() {
        let files = [
            ("backend/utils/__init__.py", ""),
            ("backend/utils/s3_utils.py", "import os\nfrom config import settings\n\ndef f():\n    from api import late\n"),
            ("backend/config/__init__.py", ""),
            ("backend/config/settings.py", "from . import defaults\n"),
            ("backend/config/defaults.py", "X = 1\n"),
            ("backend/api/late.py", "from utils import s3_utils\n"),
            ("backend/api/__init__.py", ""),
        ];
        let modules = ModuleMap::new(files.iter().map(|(display, _)| *display), Some("backend/utils/s3_utils.py"));
        let read = |display: &str| files.iter().find(|(name, _)| *name == display).map(|(_, text)| (*text).to_owned());
        let found = run_on_import(&modules, "backend/utils/s3_utils.py", "backend", read);
        let described: Vec<String> = found.iter().map(|(file, importer)| format!("{file} <- {}:{}", importer.by, importer.line)).collect();
        assert_eq!(
            described,
            [
                "backend/config/__init__.py <- backend/utils/s3_utils.py:2",
                "backend/config/defaults.py <- backend/config/settings.py:1",
                "backend/config/settings.py <- backend/utils/s3_utils.py:2",
                "backend/utils/__init__.py <- backend/utils/s3_utils.py:0",
            ]
        );
    }
}
