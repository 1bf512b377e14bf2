//! Which configuration applies to a file: the nearest of this tool's own files in the
//! file's directory or above it, as ruff does, stopping at the repository root (the
//! directory holding `.git`), so a parent project's files never apply.
//!
//! Within a directory the names are tried in this order: `.s3-to-supabase.toml`,
//! `s3-to-supabase.toml`, `rules.toml` (only when it holds this tool's tables; any
//! other `rules.toml` is ignored with a note), and `pyproject.toml` (only with a
//! `[tool.s3-to-supabase]` table). Lookups are cached per directory, so finding the
//! configuration of every file of a tree costs one probe per directory.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::config::{Config, ConfigError, DEFAULT_RULES_TOML};
use crate::discover::{discover, DiscoverOptions, Discovered};
use crate::rule::{RuleId, Severity};

/// Tables only this tool's configuration has; `[rules]` counts when every key is one
/// of our rule ids.
const OWN_TABLES: [&str; 5] = ["buckets", "storage", "client", "errors", "setup"];

#[derive(Debug, Default)]
pub struct ConfigFinder {
    by_dir: FxHashMap<PathBuf, Option<PathBuf>>,
    /// One line per file that was looked at and ignored.
    pub notes: BTreeSet<String>,
}

impl ConfigFinder {
    /// The configuration file for `path` (a file, or a directory for its own files);
    /// `None` when none applies and the built-in defaults do.
    pub fn nearest(&mut self, path: &Path) -> Option<PathBuf> {
        let absolute = std::path::absolute(path).ok()?;
        let dir = if absolute.is_dir() { absolute.as_path() } else { absolute.parent()? };
        self.nearest_in(dir)
    }

    fn nearest_in(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.by_dir.get(dir) {
            return found.clone();
        }
        let found = match self.own_file_in(dir) {
            Some(file) => Some(file),
            None if dir.join(".git").exists() => None,
            None => dir.parent().and_then(|parent| self.nearest_in(parent)),
        };
        self.by_dir.insert(dir.to_path_buf(), found.clone());
        found
    }

    fn own_file_in(&mut self, dir: &Path) -> Option<PathBuf> {
        for name in [".s3-to-supabase.toml", "s3-to-supabase.toml", "rules.toml", "pyproject.toml"] {
            let candidate = dir.join(name);
            if !candidate.is_file() {
                continue;
            }
            let ours = match name {
                "rules.toml" => {
                    let ours = read_table(&candidate).is_some_and(|table| has_own_tables(&table));
                    if !ours {
                        self.notes.insert(format!(
                            "ignored {}: not an s3-to-supabase configuration (it has none of the tables [{}] or a [rules] table of this tool's rule ids)",
                            candidate.display(),
                            OWN_TABLES.join("], [")
                        ));
                    }
                    ours
                }
                "pyproject.toml" => read_table(&candidate)
                    .is_some_and(|table| table.get("tool").and_then(|tool| tool.get("s3-to-supabase")).is_some()),
                _ => true,
            };
            if ours {
                return Some(candidate);
            }
        }
        None
    }
}

/// Every setting that applies under `config` (a file, or `None` for the built-in
/// defaults), as TOML: the built-in values with the file's own ones over them, key by
/// key as `Config` reads them, and `[rules]` with every rule's effective severity.
/// `config` is one that loaded without error.
pub fn effective_settings(path: Option<&Path>, config: &Config) -> toml::Table {
    let mut settings: toml::Table = DEFAULT_RULES_TOML.parse().expect("the embedded rules.toml parses");
    let user = path.and_then(|path| {
        let table = read_table(path)?;
        if path.file_name().is_some_and(|name| name == "pyproject.toml") {
            table.get("tool")?.get("s3-to-supabase")?.as_table().cloned()
        } else {
            Some(table)
        }
    });
    for (section, value) in user.unwrap_or_default() {
        match (settings.get_mut(&section).and_then(toml::Value::as_table_mut), value) {
            (Some(base), toml::Value::Table(own)) => base.extend(own),
            (_, value) => {
                settings.insert(section, value);
            }
        }
    }
    // Unless set, the default bucket is `buckets.names[0]`: show the value in effect.
    if let Some(storage) = settings.get_mut("storage").and_then(toml::Value::as_table_mut) {
        storage.insert("default_bucket".to_owned(), toml::Value::String(config.storage.default_bucket.clone()));
    }
    let rules = RuleId::ALL
        .iter()
        .map(|&rule| {
            let level = config.severity(rule).map_or("off", Severity::as_str);
            (rule.as_str().to_owned(), toml::Value::String(level.to_owned()))
        })
        .collect();
    settings.insert("rules".to_owned(), toml::Value::Table(rules));
    settings
}

fn read_table(path: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(path).ok()?.parse::<toml::Table>().ok()
}

fn has_own_tables(table: &toml::Table) -> bool {
    let rules_are_ours = table.get("rules").and_then(toml::Value::as_table).is_some_and(|rules| {
        !rules.is_empty() && rules.keys().all(|id| RuleId::from_id(id).is_some())
    });
    rules_are_ours || OWN_TABLES.iter().any(|name| table.get(*name).is_some_and(toml::Value::is_table))
}

/// What the command line adds to every configuration's choice of files.
#[derive(Debug, Default)]
pub struct FileSelection {
    /// `--extend-exclude`: globs excluded besides each configuration's `files.exclude`.
    pub extend_exclude: Vec<globset::Glob>,
    /// `--force-exclude`: the excludes hold for paths named on the command line too (as
    /// in a pre-commit hook, which names every staged file); without it a named path is
    /// always processed, as ruff does.
    pub force_exclude: bool,
}

impl FileSelection {
    /// The configuration at `path` (the built-in one for `None`) with these additions.
    pub fn load(&self, path: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = Config::load(path)?;
        config.extend_exclude(&self.extend_exclude).map_err(|err| ConfigError {
            path: "--extend-exclude".to_owned(),
            position: None,
            message: err.to_string(),
        })?;
        Ok(config)
    }

    fn options(&self, config: &Config) -> DiscoverOptions {
        DiscoverOptions { exclude: config.exclude.clone(), env_example_names: config.env_example.clone(), force_exclude: self.force_exclude }
    }
}

/// Files that share one configuration; each group is run as its own project.
#[derive(Debug)]
pub struct Group {
    pub config: Config,
    pub discovered: Discovered,
}

/// Discover the files under `paths` and group them by the configuration that applies:
/// `explicit` (`--config`) for all, else each file's nearest. A root is walked with its
/// own configuration's excludes; a file below it under another configuration is also
/// held to that one's `files.exclude` (relative to that file's directory).
pub fn discover_grouped(
    paths: &[PathBuf],
    explicit: Option<&Path>,
    finder: &mut ConfigFinder,
    selection: &FileSelection,
) -> Result<Vec<Group>, ConfigError> {
    if let Some(path) = explicit {
        let config = selection.load(Some(path))?;
        let discovered = discover(paths, &selection.options(&config));
        return Ok(vec![Group { config, discovered }]);
    }
    let mut roots: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for path in paths {
        roots.entry(finder.nearest(path)).or_default().push(path.clone());
    }
    let mut groups: BTreeMap<Option<PathBuf>, Group> = BTreeMap::new();
    for (key, roots) in roots {
        let config = selection.load(key.as_deref())?;
        let discovered = discover(&roots, &selection.options(&config));
        let group = groups.entry(key.clone()).or_insert(Group { config, discovered: Discovered::default() });
        group.discovered.skipped.extend(discovered.skipped);
        group.discovered.errors.extend(discovered.errors);
        group.discovered.temp_files.extend(discovered.temp_files);
        group.discovered.started = group.discovered.started.or(discovered.started);
        for candidate in discovered.candidates {
            let own = finder.nearest(&candidate.path);
            if own == key {
                groups.get_mut(&key).expect("inserted above").discovered.candidates.push(candidate);
                continue;
            }
            let nested = match groups.entry(own.clone()) {
                Entry::Occupied(entry) => entry.into_mut(),
                Entry::Vacant(entry) => entry.insert(Group { config: selection.load(own.as_deref())?, discovered: Discovered::default() }),
            };
            let named = !selection.force_exclude && roots.contains(&candidate.path);
            let base = own.as_deref().and_then(Path::parent).unwrap_or(Path::new(""));
            let absolute = std::path::absolute(&candidate.path).unwrap_or_else(|_| candidate.path.clone());
            let relative = absolute.strip_prefix(base).unwrap_or(&absolute);
            if named || !nested.config.exclude.is_match(relative) {
                nested.discovered.candidates.push(candidate);
            }
        }
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    for group in &mut groups {
        group.discovered.candidates.sort_by(|a, b| a.display.cmp(&b.display));
        group.discovered.candidates.dedup_by(|a, b| a.display == b.display);
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn nearest_wins_and_the_walk_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Above the repository: never applies.
        fs::write(root.join(".s3-to-supabase.toml"), "[buckets]\nnames = [\"outer\"]\n").unwrap();
        let repo = root.join("repo");
        fs::create_dir_all(repo.join(".git")).unwrap();
        fs::create_dir_all(repo.join("a/b")).unwrap();
        fs::create_dir_all(repo.join("c")).unwrap();
        fs::write(repo.join("s3-to-supabase.toml"), "[buckets]\nnames = [\"top\"]\n").unwrap();
        fs::write(repo.join("a/pyproject.toml"), "[tool.s3-to-supabase.buckets]\nnames = [\"a\"]\n").unwrap();
        fs::write(repo.join("c/pyproject.toml"), "[project]\nname = \"c\"\n").unwrap();
        let mut finder = ConfigFinder::default();
        let absolute = |path: PathBuf| std::path::absolute(path).unwrap();
        assert_eq!(finder.nearest(&repo.join("a/b/x.py")), Some(absolute(repo.join("a/pyproject.toml"))));
        assert_eq!(finder.nearest(&repo.join("c/x.py")), Some(absolute(repo.join("s3-to-supabase.toml"))));
        fs::remove_file(repo.join("s3-to-supabase.toml")).unwrap();
        assert_eq!(ConfigFinder::default().nearest(&repo.join("c/x.py")), None);
        assert!(finder.notes.is_empty());
    }

    #[test]
    fn a_rules_toml_counts_only_with_this_tools_tables() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::create_dir_all(root.join("ours")).unwrap();
        fs::create_dir_all(root.join("rules-only")).unwrap();
        fs::write(root.join("rules.toml"), "[lint]\nmax = 3\n").unwrap();
        fs::write(root.join("ours/rules.toml"), "[storage]\nconstant = \"B\"\n").unwrap();
        fs::write(root.join("rules-only/rules.toml"), "[rules]\nbucket-in-text = \"off\"\n").unwrap();
        let mut finder = ConfigFinder::default();
        assert_eq!(finder.nearest(&root.join("x.py")), None);
        assert!(finder.nearest(&root.join("ours/x.py")).is_some_and(|path| path.ends_with("ours/rules.toml")));
        assert!(finder.nearest(&root.join("rules-only/x.py")).is_some_and(|path| path.ends_with("rules-only/rules.toml")));
        let ignored = std::path::absolute(root.join("rules.toml")).unwrap();
        assert_eq!(
            finder.notes.iter().cloned().collect::<Vec<_>>(),
            [format!(
                "ignored {}: not an s3-to-supabase configuration (it has none of the tables [buckets], [storage], [client], [errors], [setup] or a [rules] table of this tool's rule ids)",
                ignored.display()
            )]
        );
    }
}
