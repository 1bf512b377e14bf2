//! The Python modules among the paths, by display path, and how imports resolve to them:
//! `import a.b` from a file resolves from one of the file's ancestor directories (its
//! root, where Python's path starts), `from .x import y` from the file's package.

use rustc_hash::FxHashSet;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleMap {
    /// Looked up for every import from every ancestor of its file: hashed, not ordered.
    files: FxHashSet<String>,
    /// Every component of those paths (a file's without `.py`): the first part of a
    /// dotted name that is none of them (`os`, `json`, `boto3`) resolves from no root,
    /// so one lookup answers what `2 x depth` lookups of whole paths would.
    names: FxHashSet<String>,
    storage: Option<String>,
}

/// A module an import names, found among the paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found<'m> {
    pub display: &'m str,
}

/// The directory part of a display path (`""` for a file at the top).
pub fn directory(display: &str) -> &str {
    display.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn join(dir: &str, rest: &str) -> String {
    if dir.is_empty() {
        rest.to_owned()
    } else {
        format!("{dir}/{rest}")
    }
}

/// The directories a file's absolute imports may resolve from, nearest first.
pub fn ancestors(display: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(directory(display));
    std::iter::from_fn(move || {
        let current = next?;
        next = if current.is_empty() { None } else { Some(directory(current)) };
        Some(current)
    })
}

impl ModuleMap {
    pub fn new<'s>(files: impl IntoIterator<Item = &'s str>, storage: Option<&str>) -> ModuleMap {
        let files: FxHashSet<String> = files.into_iter().map(str::to_owned).collect();
        let names = files.iter().flat_map(|file| file.split('/')).map(|part| part.strip_suffix(".py").unwrap_or(part).to_owned()).collect();
        ModuleMap { files, names, storage: storage.map(str::to_owned) }
    }

    /// Whether `dotted` may name a module under some root: its first part is a
    /// directory or file name among the paths.
    fn may_resolve(&self, dotted: &str) -> bool {
        self.names.contains(dotted.split(['.', '/']).next().unwrap_or(dotted))
    }

    /// The storage module's display path, when it is among the paths.
    pub fn storage(&self) -> Option<&str> {
        self.storage.as_deref()
    }

    pub fn contains(&self, display: &str) -> bool {
        self.files.contains(display)
    }

    /// `<path>.py` or `<path>/__init__.py`, looked up in the one buffer `path` (called for
    /// every import of every file: one allocation a lookup, not four).
    fn file_at(&self, mut path: String) -> Option<&str> {
        let stem = path.len();
        path.push_str(".py");
        if let Some(found) = self.files.get(&path) {
            return Some(found);
        }
        path.truncate(stem);
        path.push_str("/__init__.py");
        self.files.get(&path).map(String::as_str)
    }

    /// `root/a/b.py` or `root/a/b/__init__.py` for `a.b`.
    pub fn module_at(&self, root: &str, dotted: &str) -> Option<&str> {
        if !self.may_resolve(dotted) {
            return None;
        }
        self.module_under(root, dotted)
    }

    /// [`Self::module_at`] once [`Self::may_resolve`] said yes.
    fn module_under(&self, root: &str, dotted: &str) -> Option<&str> {
        let mut path = String::with_capacity(root.len() + dotted.len() + "/__init__.py".len() + 1);
        if !root.is_empty() {
            path.push_str(root);
            path.push('/');
        }
        path.extend(dotted.chars().map(|c| if c == '.' { '/' } else { c }));
        self.file_at(path)
    }

    /// `import <dotted>` from `importer`: the nearest root it resolves from.
    pub fn resolve_absolute(&self, importer: &str, dotted: &str) -> Option<Found<'_>> {
        if !self.may_resolve(dotted) {
            return None;
        }
        ancestors(importer).find_map(|root| self.module_under(root, dotted)).map(|display| Found { display })
    }

    /// Every root `import <dotted>` resolves from, for `importer` (slices of its path).
    pub fn roots_of<'d>(&self, importer: &'d str, dotted: &str) -> Vec<&'d str> {
        if !self.may_resolve(dotted) {
            return Vec::new();
        }
        ancestors(importer).filter(|root| self.module_under(root, dotted).is_some()).collect()
    }

    /// `from <level dots><module> import <name>`: the module file (with `name`, the
    /// submodule `module.name`; without, `module` itself), if among the paths.
    pub fn resolve_relative(&self, importer: &str, level: u32, module: Option<&str>, name: Option<&str>) -> Option<&str> {
        let mut dir = directory(importer);
        for _ in 1..level {
            if dir.is_empty() {
                return None;
            }
            dir = directory(dir);
        }
        let mut path = dir.to_owned();
        for part in module.into_iter().chain(name) {
            path = join(&path, &part.replace('.', "/"));
        }
        if module.is_none() && name.is_none() {
            return self.files.get(&join(&path, "__init__.py")).map(String::as_str);
        }
        self.file_at(path)
    }

    /// The dotted name `display` is imported by from `root` (`None` if it is not under it).
    pub fn dotted_from(root: &str, display: &str) -> Option<String> {
        let relative = if root.is_empty() { display } else { display.strip_prefix(root)?.strip_prefix('/')? };
        let stem = relative.strip_suffix("/__init__.py").or_else(|| relative.strip_suffix(".py"))?;
        let dotted = stem.replace('/', ".");
        dotted.split('.').all(|part| !part.is_empty()).then_some(dotted)
    }

    /// Whether `display` lies under `root`, so Python run from `root` reaches it as a
    /// module (through packages, or namespace packages without `__init__.py`).
    pub fn is_under(root: &str, display: &str) -> bool {
        root.is_empty() || display.strip_prefix(root).is_some_and(|rest| rest.starts_with('/'))
    }

    /// Display paths of the package `__init__.py` files Python runs before `display`
    /// when it is imported from `root`, outermost first.
    pub fn packages_on_the_way(&self, root: &str, display: &str) -> Vec<&str> {
        let mut found = Vec::new();
        let mut dir = directory(display);
        while dir != root && !dir.is_empty() {
            if let Some(init) = self.files.get(&join(dir, "__init__.py")) {
                if init != display {
                    found.push(init.as_str());
                }
            }
            dir = directory(dir);
        }
        found.reverse();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> ModuleMap {
        ModuleMap::new(
            ["backend/app.py", "backend/utils/__init__.py", "backend/utils/s3_utils.py", "backend/api/__init__.py", "backend/api/course.py", "jobs/spark.py", "backend/scripts/run.py"],
            Some("backend/utils/s3_utils.py"),
        )
    }

    #[test]
    fn absolute_imports_resolve_from_the_nearest_root() {
        let map = map();
        assert_eq!(map.resolve_absolute("backend/api/course.py", "utils.s3_utils").map(|found| found.display), Some("backend/utils/s3_utils.py"));
        assert_eq!(map.resolve_absolute("backend/utils/x.py", "s3_utils").map(|found| found.display), Some("backend/utils/s3_utils.py"));
        assert_eq!(map.resolve_absolute("jobs/spark.py", "utils.s3_utils"), None);
        assert_eq!(map.resolve_absolute("x.py", "backend.utils.s3_utils").map(|found| found.display), Some("backend/utils/s3_utils.py"));
        assert_eq!(map.roots_of("backend/api/course.py", "utils.s3_utils"), ["backend"]);
        assert_eq!(map.roots_of("backend/api/course.py", "utils"), ["backend"]);
    }

    #[test]
    fn relative_imports_resolve_from_the_package() {
        let map = map();
        assert_eq!(map.resolve_relative("backend/utils/x.py", 1, None, Some("s3_utils")), Some("backend/utils/s3_utils.py"));
        assert_eq!(map.resolve_relative("backend/api/course.py", 2, Some("utils"), Some("s3_utils")), Some("backend/utils/s3_utils.py"));
        assert_eq!(map.resolve_relative("backend/api/course.py", 2, Some("utils.s3_utils"), None), Some("backend/utils/s3_utils.py"));
        assert_eq!(map.resolve_relative("backend/api/course.py", 1, None, None), Some("backend/api/__init__.py"));
        assert_eq!(map.resolve_relative("x.py", 2, Some("a"), None), None);
    }

    #[test]
    fn dotted_names_and_packages_from_a_root() {
        let map = map();
        assert_eq!(ModuleMap::dotted_from("backend", "backend/utils/s3_utils.py").as_deref(), Some("utils.s3_utils"));
        assert_eq!(ModuleMap::dotted_from("backend/utils", "backend/utils/s3_utils.py").as_deref(), Some("s3_utils"));
        assert_eq!(ModuleMap::dotted_from("", "backend/utils/__init__.py").as_deref(), Some("backend.utils"));
        assert_eq!(ModuleMap::dotted_from("jobs", "backend/utils/s3_utils.py"), None);
        assert!(ModuleMap::is_under("backend", "backend/api/course.py"));
        assert!(ModuleMap::is_under("backend", "backend/app.py"));
        assert!(ModuleMap::is_under("", "jobs/spark.py"));
        assert!(!ModuleMap::is_under("backend", "jobs/spark.py"));
        assert!(!ModuleMap::is_under("backend", "backend2/x.py"));
        assert_eq!(map.packages_on_the_way("backend", "backend/utils/s3_utils.py"), ["backend/utils/__init__.py"]);
        assert_eq!(ancestors("a/b/c.py").collect::<Vec<_>>(), ["a/b", "a", ""]);
    }
}
