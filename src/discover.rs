//! Which files a run looks at.
//!
//! `discover` walks the paths given on the command line with the `ignore`
//! crate (so `.gitignore` and `.ignore` are honoured, even outside a git
//! repository) and returns plain data: the files to read, the files skipped
//! on purpose (reported as notes) and the paths that could not be read
//! (reported as errors). Nothing here prints.
//!
//! Rules, in the order they are applied to every entry met during a walk:
//! - Directories named like a virtualenv or a cache (`.venv`, `venv`,
//!   `site-packages`, `__pycache__`, `node_modules`, `.git`, `.tox`) and every
//!   hidden directory are pruned silently. A path given explicitly is always
//!   walked, whatever its name.
//! - Entries matching an exclude glob (against the display path or the path
//!   relative to the walked root) are skipped silently. A path given explicitly
//!   is excluded only with `force_exclude` (then with a note).
//! - Symbolic links are never followed, so nothing is ever read or written
//!   through a link. A link that points to a directory, or whose name would
//!   make it a candidate, is reported as a skip; other links are ignored. A path
//!   given explicitly is resolved the same way: `linkdir/`, `linkdir/.` and
//!   `linkdir/inner.py` are skipped when `linkdir` is a link. (Reads and writes
//!   later open every component without following links too: `nofollow`.)
//! - Special files (FIFO, socket, device) are never opened; one whose name
//!   would make it a candidate is reported as a skip.
//! - Regular files become candidates by name (see [`FileKind::from_path`]);
//!   all other files are ignored silently, except our own temporary files
//!   (`write::is_temp_name`), which are listed for `apply` to tidy.
//! - One file reached under two spellings (`pkg` and `pkg/../pkg/a.py`) or two
//!   hard links is one candidate, under its shortest display path; the other
//!   names are skipped with a note.
//!
//! `-` (stdin) is handled by the CLI, not here.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use globset::GlobSet;

use crate::write::{is_temp_name, TempFound};

/// Directory names that are never walked into (unless given explicitly).
/// Hidden directories (name starting with `.`) are pruned as well.
const PRUNED_DIRS: &[&str] = &[
    ".venv",
    "venv",
    "site-packages",
    "__pycache__",
    "node_modules",
    ".git",
    ".tox",
];

const REASON_SYMLINK: &str = "symbolic link (not followed)";
const REASON_DANGLING: &str = "dangling symbolic link";
const REASON_LOOP: &str = "symbolic link loop";
const REASON_NOT_REGULAR: &str = "not a regular file";
pub const REASON_EXCLUDED: &str = "matches an exclude pattern";

/// Whether a skip is by design (an exclude pattern, a symbolic link, which is never
/// followed) rather than a file that should have been read and was not.
pub fn is_deliberate_skip(reason: &str) -> bool {
    [REASON_EXCLUDED, REASON_SYMLINK, REASON_DANGLING, REASON_LOOP].contains(&reason)
}

/// What a candidate file is, decided by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// `*.py`
    Python,
    /// `requirements*.txt`, or any `*.txt` directly inside a directory named
    /// `requirements` (`requirements/base.txt`).
    Requirements,
    /// A file whose name is one of `DiscoverOptions::env_example_names`.
    EnvExample,
    /// `pyproject.toml`
    Pyproject,
}

impl FileKind {
    /// The kind of a file, from its name alone; `None` for files a walk ignores.
    pub fn from_path(path: &Path, env_example_names: &[String]) -> Option<FileKind> {
        let name = path.file_name()?.to_string_lossy();
        if env_example_names.iter().any(|n| *n == *name) {
            return Some(FileKind::EnvExample);
        }
        if name == "pyproject.toml" {
            return Some(FileKind::Pyproject);
        }
        if name.ends_with(".txt") {
            let in_requirements_dir = path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|dir| dir == "requirements");
            if name.starts_with("requirements") || in_requirements_dir {
                return Some(FileKind::Requirements);
            }
        }
        if name.ends_with(".py") {
            return Some(FileKind::Python);
        }
        None
    }
}

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Filesystem path to read (and, for `apply`, to write).
    pub path: PathBuf,
    /// Relative to the current directory when possible, `/`-separated, as the
    /// user sees it.
    pub display: String,
    pub kind: FileKind,
}

/// A deliberate skip, reported as a note.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skip {
    pub display: String,
    pub reason: String,
}

/// A directory or file that could not be read: an error (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkError {
    pub display: String,
    /// One line, the OS message without the `(os error N)` suffix.
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovered {
    /// Sorted by `display`, deduplicated.
    pub candidates: Vec<Candidate>,
    /// Sorted, deduplicated.
    pub skipped: Vec<Skip>,
    /// Sorted, deduplicated.
    pub errors: Vec<WalkError>,
    /// Our temporary files met during the walk (sorted).
    pub temp_files: Vec<TempFound>,
    /// When the walk began: temporary files untouched since are left by an earlier run.
    pub started: Option<SystemTime>,
}

#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    /// Matched against the display path and against each path relative to the
    /// walked root. During a walk a match is skipped silently; an explicitly
    /// given path that matches is skipped with a note under `force_exclude`.
    pub exclude: GlobSet,
    /// File names read as `.env.example`-style files.
    pub env_example_names: Vec<String>,
    /// Whether an explicitly given path that matches is skipped (`--force-exclude`);
    /// otherwise it is processed, and only the entries of a walk are excluded.
    pub force_exclude: bool,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            exclude: GlobSet::empty(),
            env_example_names: vec![".env.example".to_string()],
            force_exclude: false,
        }
    }
}

/// Finds the files to look at under `paths` (files or directories).
pub fn discover(paths: &[PathBuf], options: &DiscoverOptions) -> Discovered {
    let cwd = std::env::current_dir().ok();
    discover_in(cwd.as_deref(), paths, options)
}

/// [`discover`] with the directory that display paths are made relative to
/// given explicitly (the process's current directory in production).
fn discover_in(cwd: Option<&Path>, paths: &[PathBuf], options: &DiscoverOptions) -> Discovered {
    let mut out = Discovered { started: Some(SystemTime::now()), ..Discovered::default() };
    for path in paths {
        discover_root(cwd, path, options, &mut out);
    }
    out.candidates.sort_by(|a, b| a.display.cmp(&b.display));
    out.candidates.dedup_by(|a, b| a.display == b.display);
    dedup_by_identity(&mut out);
    out.temp_files.sort();
    out.temp_files.dedup();
    out.skipped.sort();
    out.skipped.dedup();
    out.errors.sort();
    out.errors.dedup();
    out
}

type Identity = Option<(u64, u64)>;

/// Keeps one candidate per file (device and inode): the one with the fewest path
/// components, then the first by display; the other names become skips.
fn dedup_by_identity(out: &mut Discovered) {
    use std::os::unix::fs::MetadataExt;
    let identity = |candidate: &Candidate| fs::symlink_metadata(&candidate.path).ok().map(|meta| (meta.dev(), meta.ino()));
    // (device and inode, path components, index)
    let mut order: Vec<(Identity, usize, usize)> = out
        .candidates
        .iter()
        .enumerate()
        .map(|(at, candidate)| (identity(candidate), candidate.display.split('/').count(), at))
        .collect();
    order.sort();
    // For each candidate that names a file already kept: the kept one's display.
    let mut same_as: Vec<Option<String>> = vec![None; out.candidates.len()];
    for pair in order.windows(2) {
        let ((kept_id, _, kept), (id, _, at)) = (pair[0], pair[1]);
        if id.is_some() && id == kept_id {
            let first = same_as[kept].clone().unwrap_or_else(|| out.candidates[kept].display.clone());
            same_as[at] = Some(first);
        }
    }
    let mut at = 0;
    out.candidates.retain(|candidate| {
        let same = same_as[at].take();
        at += 1;
        match same {
            Some(kept) => {
                out.skipped.push(Skip { display: candidate.display.clone(), reason: format!("same file as {kept}") });
                false
            }
            None => true,
        }
    });
}

fn discover_root(cwd: Option<&Path>, root: &Path, options: &DiscoverOptions, out: &mut Discovered) {
    let display = display_path(cwd, root);
    // `linkdir/` and `linkdir/.` name `linkdir` itself: check the link, not its target.
    let root: PathBuf = root.components().collect();
    let root = root.as_path();
    if let Some(link) = crate::nofollow::linked_parent(root) {
        out.skipped.push(Skip {
            display,
            reason: format!("{} on its path is a symbolic link (not followed)", display_path(cwd, link)),
        });
        return;
    }
    let meta = match fs::symlink_metadata(root) {
        Ok(meta) => meta,
        Err(err) => {
            out.errors.push(WalkError {
                display,
                message: io_message(&err),
            });
            return;
        }
    };
    if options.force_exclude && options.exclude.is_match(&display) {
        out.skipped.push(Skip {
            display,
            reason: REASON_EXCLUDED.to_string(),
        });
        return;
    }
    let file_type = meta.file_type();
    if file_type.is_symlink() {
        let reason = match fs::metadata(root) {
            Ok(_) => REASON_SYMLINK,
            Err(err) => broken_link_reason(&err),
        };
        out.skipped.push(Skip {
            display,
            reason: reason.to_string(),
        });
    } else if file_type.is_dir() {
        walk_dir(cwd, root, display, options, out);
    } else if file_type.is_file() {
        let kind =
            FileKind::from_path(root, &options.env_example_names).unwrap_or(FileKind::Python);
        out.candidates.push(Candidate {
            path: root.to_path_buf(),
            display,
            kind,
        });
    } else {
        out.skipped.push(Skip {
            display,
            reason: REASON_NOT_REGULAR.to_string(),
        });
    }
}

fn walk_dir(
    cwd: Option<&Path>,
    root: &Path,
    root_display: String,
    options: &DiscoverOptions,
    out: &mut Discovered,
) {
    let mut builder = ignore::WalkBuilder::new(root);
    builder.hidden(false).follow_links(false).require_git(false);
    if let Some(cwd) = cwd {
        builder.current_dir(cwd);
    }
    let filter = EntryFilter {
        root: root.to_path_buf(),
        root_display: root_display.clone(),
        exclude: options.exclude.clone(),
    };
    builder.filter_entry(move |entry| filter.keep(entry));

    for result in builder.build() {
        let entry = match result {
            Ok(entry) => entry,
            Err(err) => {
                push_ignore_error(cwd, &root_display, &err, &mut out.errors);
                continue;
            }
        };
        // Non-fatal errors, e.g. an unreadable `.gitignore`: the walk goes on,
        // but the set of files may be wrong, so they are errors.
        if let Some(err) = entry.error() {
            push_ignore_error(cwd, &root_display, err, &mut out.errors);
        }
        if entry.depth() == 0 {
            continue;
        }
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        let kind = FileKind::from_path(path, &options.env_example_names);
        if file_type.is_dir() {
            continue;
        }
        let display = join_display(&root_display, path.strip_prefix(root).unwrap_or(path));
        if file_type.is_symlink() {
            match fs::metadata(path) {
                // A link to a directory named like a pruned one is pruned silently.
                Ok(target) if target.is_dir() && is_pruned_dir_name(entry.file_name()) => {}
                Ok(target) if target.is_dir() => {
                    out.skipped.push(Skip {
                        display,
                        reason: REASON_SYMLINK.to_string(),
                    });
                }
                Ok(_) if kind.is_some() => {
                    out.skipped.push(Skip {
                        display,
                        reason: REASON_SYMLINK.to_string(),
                    });
                }
                Err(err) if kind.is_some() => {
                    out.skipped.push(Skip {
                        display,
                        reason: broken_link_reason(&err).to_string(),
                    });
                }
                _ => {}
            }
        } else if file_type.is_file() {
            if let Some(kind) = kind {
                out.candidates.push(Candidate {
                    path: path.to_path_buf(),
                    display,
                    kind,
                });
            } else if is_temp_name(entry.file_name()) {
                out.temp_files.push(TempFound { path: path.to_path_buf(), display });
            }
        } else if kind.is_some() {
            out.skipped.push(Skip {
                display,
                reason: REASON_NOT_REGULAR.to_string(),
            });
        }
    }
}

/// The silent part of the walk: pruned directories and exclude globs. Runs
/// inside the walker, so pruned directories are never read.
struct EntryFilter {
    root: PathBuf,
    root_display: String,
    exclude: GlobSet,
}

impl EntryFilter {
    fn keep(&self, entry: &ignore::DirEntry) -> bool {
        if entry.depth() == 0 {
            return true;
        }
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir && is_pruned_dir_name(entry.file_name()) {
            return false;
        }
        if self.exclude.is_empty() {
            return true;
        }
        let relative = entry
            .path()
            .strip_prefix(&self.root)
            .unwrap_or(entry.path());
        let relative = slash_path(relative);
        let display = join_display(&self.root_display, Path::new(&relative));
        !(self.exclude.is_match(&relative) || self.exclude.is_match(&display))
    }
}

fn is_pruned_dir_name(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || PRUNED_DIRS.contains(&name.as_ref())
}

/// The path as the user sees it: relative to `cwd` when it is inside it (also when
/// it climbs out and back in: `../proj/a.py` from `proj` is `a.py`), without `.`
/// components, `/`-separated. `.` itself stays `.`.
fn display_path(cwd: Option<&Path>, path: &Path) -> String {
    let absolute = cwd.map(|cwd| climbed_from(cwd, path));
    let relative = match (cwd, &absolute) {
        (Some(cwd), Some(absolute)) if absolute.is_absolute() => absolute.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let shown = slash_path(relative);
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    }
}

/// `path` joined to `cwd`, its leading `..` components taken off `cwd`. Only leading
/// ones: `cwd` is the physical current directory (getcwd), so its parent is exact,
/// whereas a `..` after a name that is a symbolic link would lead elsewhere.
fn climbed_from(cwd: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    let mut base = cwd.to_path_buf();
    let mut rest = path.components().peekable();
    while let Some(component) = rest.next_if(|component| matches!(component, Component::CurDir | Component::ParentDir)) {
        if component == Component::ParentDir && !base.pop() {
            return path.to_path_buf();
        }
    }
    base.extend(rest);
    base
}

/// `/`-joined components, dropping `.` components (lossy for display only).
fn slash_path(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        match component {
            Component::CurDir => continue,
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::Prefix(prefix) => out.push_str(&prefix.as_os_str().to_string_lossy()),
            Component::ParentDir => push_segment(&mut out, ".."),
            Component::Normal(name) => push_segment(&mut out, &name.to_string_lossy()),
        }
    }
    out
}

fn push_segment(out: &mut String, segment: &str) {
    if !out.is_empty() && !out.ends_with('/') {
        out.push('/');
    }
    out.push_str(segment);
}

fn join_display(root_display: &str, relative: &Path) -> String {
    let relative = slash_path(relative);
    match (root_display, relative.as_str()) {
        (_, "") => root_display.to_string(),
        (".", rel) => rel.to_string(),
        (root, rel) if root.ends_with('/') => format!("{root}{rel}"),
        (root, rel) => format!("{root}/{rel}"),
    }
}

/// The OS message of an I/O error on one line, without ` (os error N)`.
pub(crate) fn io_message(err: &io::Error) -> String {
    // Errors from the walker wrap the OS error ("IO error for operation on
    // <path>: <message>"); we already show the path, so use the inner one.
    if err.raw_os_error().is_none() {
        let inner = err
            .get_ref()
            .and_then(|wrapper| std::error::Error::source(wrapper))
            .and_then(|source| source.downcast_ref::<io::Error>());
        if let Some(inner) = inner {
            return io_message(inner);
        }
    }
    let text = err.to_string();
    let text = match (text.rfind(" (os error "), text.ends_with(')')) {
        (Some(at), true) => text[..at].to_string(),
        _ => text,
    };
    one_line(&text)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn push_ignore_error(
    cwd: Option<&Path>,
    root_display: &str,
    err: &ignore::Error,
    errors: &mut Vec<WalkError>,
) {
    flatten_ignore_error(cwd, root_display, None, None, err, errors);
}

fn flatten_ignore_error(
    cwd: Option<&Path>,
    root_display: &str,
    path: Option<&Path>,
    line: Option<u64>,
    err: &ignore::Error,
    errors: &mut Vec<WalkError>,
) {
    let message = match err {
        ignore::Error::Partial(errs) => {
            for err in errs {
                flatten_ignore_error(cwd, root_display, path, line, err, errors);
            }
            return;
        }
        ignore::Error::WithPath { path, err } => {
            return flatten_ignore_error(cwd, root_display, Some(path), line, err, errors);
        }
        ignore::Error::WithLineNumber { line, err } => {
            return flatten_ignore_error(cwd, root_display, path, Some(*line), err, errors);
        }
        ignore::Error::WithDepth { err, .. } => {
            return flatten_ignore_error(cwd, root_display, path, line, err, errors);
        }
        ignore::Error::Io(err) => io_message(err),
        other => one_line(&other.to_string()),
    };
    let message = match line {
        Some(line) => format!("line {line}: {message}"),
        None => message,
    };
    let display = match path {
        Some(path) => display_path(cwd, path),
        None => root_display.to_string(),
    };
    errors.push(WalkError { display, message });
}

/// Why a symbolic link cannot be followed: it loops (ELOOP), or its target is missing.
fn broken_link_reason(err: &std::io::Error) -> &'static str {
    const ELOOP: i32 = 40;
    if err.raw_os_error() == Some(ELOOP) {
        REASON_LOOP
    } else {
        REASON_DANGLING
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use globset::{Glob, GlobSetBuilder};
    use std::process::Command;
    use FileKind::*;

    fn options(excludes: &[&str]) -> DiscoverOptions {
        let mut builder = GlobSetBuilder::new();
        for glob in excludes {
            builder.add(Glob::new(glob).unwrap());
        }
        DiscoverOptions {
            exclude: builder.build().unwrap(),
            ..DiscoverOptions::default()
        }
    }

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "x = 1\n").unwrap();
    }

    fn mkfifo(path: &Path) {
        let status = Command::new("mkfifo").arg(path).status().unwrap();
        assert!(status.success());
    }

    fn candidates(found: &Discovered) -> Vec<(&str, FileKind)> {
        found
            .candidates
            .iter()
            .map(|c| (c.display.as_str(), c.kind))
            .collect()
    }

    fn skips(found: &Discovered) -> Vec<(&str, &str)> {
        found
            .skipped
            .iter()
            .map(|s| (s.display.as_str(), s.reason.as_str()))
            .collect()
    }

    fn errors(found: &Discovered) -> Vec<(&str, &str)> {
        found
            .errors
            .iter()
            .map(|e| (e.display.as_str(), e.message.as_str()))
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn discover_walks_a_project_tree() {
        use std::os::unix::fs::symlink;

        let tmp = tempfile::tempdir().unwrap();
        let cwd = tmp.path();
        let proj = cwd.join("proj");
        for file in [
            "app/__init__.py",
            "app/storage.py",
            "app/api/views.py",
            "app/api/deep/nested.py",
            "app/README.md",
            "app/tests/test_x.py",
            "migrations/0001_init.py",
            "migrations/sub/0002.py",
            ".venv/lib/site-packages/x.py",
            "venv/y.py",
            "lib/site-packages/z.py",
            "__pycache__/c.py",
            "node_modules/pkg/n.py",
            ".hidden/x.py",
            ".tox/t.py",
            ".git/hooks/h.py",
            "generated/gen.py",
            "ignored_by_dot_ignore.py",
            "pkg.py/inner.py",
            "requirements.txt",
            "requirements-dev.txt",
            "requirements/base.txt",
            "notes.txt",
            "pyproject.toml",
            "setup.cfg",
            ".env.example",
            "services/.env.example",
            ".env",
            ".hidden_file.py",
            "with space/my file.py",
            "ünï code.py",
        ] {
            touch(&proj.join(file));
        }
        // No `.git` directory with a HEAD: `.gitignore` must apply anyway.
        fs::write(proj.join(".gitignore"), "generated/\n").unwrap();
        fs::write(proj.join(".ignore"), "ignored_by_dot_ignore.py\n").unwrap();
        symlink(proj.join("app/storage.py"), proj.join("link.py")).unwrap();
        symlink(proj.join("notes.txt"), proj.join("link-notes")).unwrap();
        symlink(proj.join("missing.py"), proj.join("gone.py")).unwrap();
        symlink(proj.join("missing"), proj.join("gone-plain")).unwrap();
        symlink("..", proj.join("app/loop")).unwrap();
        symlink(proj.join("app"), proj.join(".hidden-link")).unwrap();
        symlink(proj.join("app"), proj.join("applink")).unwrap();
        symlink(proj.join("app"), proj.join("site-packages")).unwrap();
        mkfifo(&proj.join("pipe.py"));
        mkfifo(&proj.join("pipe"));

        let found = discover_in(
            Some(cwd),
            &[
                proj.clone(),
                cwd.join("does-not-exist"),
                proj.join("app/storage.py"),
            ],
            &options(&["migrations/**", "**/tests/**"]),
        );
        assert_eq!(
            candidates(&found),
            vec![
                ("proj/.env.example", EnvExample),
                ("proj/.hidden_file.py", Python),
                ("proj/app/__init__.py", Python),
                ("proj/app/api/deep/nested.py", Python),
                ("proj/app/api/views.py", Python),
                ("proj/app/storage.py", Python),
                ("proj/pkg.py/inner.py", Python),
                ("proj/pyproject.toml", Pyproject),
                ("proj/requirements-dev.txt", Requirements),
                ("proj/requirements.txt", Requirements),
                ("proj/requirements/base.txt", Requirements),
                ("proj/services/.env.example", EnvExample),
                ("proj/with space/my file.py", Python),
                ("proj/ünï code.py", Python),
            ]
        );
        assert_eq!(
            skips(&found),
            vec![
                ("proj/app/loop", "symbolic link (not followed)"),
                ("proj/applink", "symbolic link (not followed)"),
                ("proj/gone.py", "dangling symbolic link"),
                ("proj/link.py", "symbolic link (not followed)"),
                ("proj/pipe.py", "not a regular file"),
            ]
        );
        assert_eq!(
            errors(&found),
            vec![("does-not-exist", "No such file or directory")]
        );
        // Filesystem paths are usable as given, including non-ASCII names.
        let unicode = found
            .candidates
            .iter()
            .find(|c| c.display.ends_with("code.py"))
            .unwrap();
        assert_eq!(unicode.path, proj.join("ünï code.py"));
        assert!(unicode.path.is_file());
    }

    #[cfg(unix)]
    #[test]
    fn discover_explicit_paths() {
        use std::os::unix::fs::symlink;

        let tmp = tempfile::tempdir().unwrap();
        let cwd = tmp.path();
        for file in [
            ".hidden/a.py",
            ".venv/app.py",
            ".venv/lib/site-packages/x.py",
            "pkg.py/inner.py",
            "script",
            "deps/requirements-dev.txt",
            "conf/.env.example",
            "conf/.env.sample",
            "migrations/0001.py",
        ] {
            touch(&cwd.join(file));
        }
        symlink(cwd.join("script"), cwd.join("link.py")).unwrap();
        symlink(cwd.join("nowhere"), cwd.join("dangling.py")).unwrap();
        symlink(cwd.join("self-loop"), cwd.join("self-loop")).unwrap();
        symlink(cwd.join(".hidden"), cwd.join("dirlink")).unwrap();
        mkfifo(&cwd.join("fifo.py"));

        let names = [
            ".hidden",
            ".venv",
            "pkg.py",
            "script",
            "deps/requirements-dev.txt",
            "conf/.env.example",
            "conf/.env.sample",
            "migrations/0001.py",
            "link.py",
            "dangling.py",
            "self-loop",
            "dirlink",
            "fifo.py",
            "missing/x.py",
        ];
        let paths: Vec<PathBuf> = names.iter().map(|n| cwd.join(n)).collect();
        let mut opts = options(&["migrations/**"]);
        opts.env_example_names = vec![".env.example".into(), ".env.sample".into()];
        opts.force_exclude = true;
        let found = discover_in(Some(cwd), &paths, &opts);
        assert_eq!(
            candidates(&found),
            vec![
                (".hidden/a.py", Python),
                (".venv/app.py", Python),
                ("conf/.env.example", EnvExample),
                ("conf/.env.sample", EnvExample),
                ("deps/requirements-dev.txt", Requirements),
                ("pkg.py/inner.py", Python),
                ("script", Python),
            ]
        );
        assert_eq!(
            skips(&found),
            vec![
                ("dangling.py", "dangling symbolic link"),
                ("dirlink", "symbolic link (not followed)"),
                ("fifo.py", "not a regular file"),
                ("link.py", "symbolic link (not followed)"),
                ("migrations/0001.py", "matches an exclude pattern"),
                ("self-loop", "symbolic link loop"),
            ]
        );
        assert_eq!(
            errors(&found),
            vec![("missing/x.py", "No such file or directory")]
        );
        // Without force_exclude a named path is processed although it matches.
        opts.force_exclude = false;
        let named = discover_in(Some(cwd), &[cwd.join("migrations/0001.py")], &opts);
        assert_eq!(candidates(&named), vec![("migrations/0001.py", Python)]);
        assert_eq!(skips(&named), Vec::<(&str, &str)>::new());
    }

    #[cfg(unix)]
    #[test]
    fn discover_reports_unreadable_directory() {
        use std::os::unix::fs::PermissionsExt;

        let tmp = tempfile::tempdir().unwrap();
        let cwd = tmp.path();
        touch(&cwd.join("locked/a.py"));
        touch(&cwd.join("open/b.py"));
        fs::set_permissions(cwd.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
        let readable = fs::read_dir(cwd.join("locked")).is_ok(); // root reads anyway
        let found = discover_in(Some(cwd), &[cwd.to_path_buf()], &DiscoverOptions::default());
        fs::set_permissions(cwd.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        if readable {
            assert_eq!(
                candidates(&found),
                vec![("locked/a.py", Python), ("open/b.py", Python)]
            );
            assert!(found.errors.is_empty());
        } else {
            assert_eq!(candidates(&found), vec![("open/b.py", Python)]);
            assert_eq!(errors(&found), vec![("locked", "Permission denied")]);
        }
    }

    #[test]
    fn discover_deduplicates_and_sorts() {
        let tmp = tempfile::tempdir().unwrap();
        let cwd = tmp.path();
        touch(&cwd.join("b.py"));
        touch(&cwd.join("a/c.py"));
        let found = discover_in(
            Some(cwd),
            &[
                cwd.join("b.py"),
                cwd.to_path_buf(),
                cwd.join("a"),
                cwd.join("./a/c.py"),
            ],
            &DiscoverOptions::default(),
        );
        assert_eq!(
            candidates(&found),
            vec![("a/c.py", Python), ("b.py", Python)]
        );
        assert!(found.skipped.is_empty());
        assert!(found.errors.is_empty());
    }

    #[test]
    fn discover_display_paths() {
        let cwd = Path::new("/home/u/proj");
        assert_eq!(display_path(Some(cwd), Path::new(".")), ".");
        assert_eq!(display_path(Some(cwd), Path::new("./src/a.py")), "src/a.py");
        assert_eq!(display_path(Some(cwd), Path::new("src/./a.py")), "src/a.py");
        assert_eq!(
            display_path(Some(cwd), Path::new("../other/a.py")),
            "../other/a.py"
        );
        assert_eq!(
            display_path(Some(cwd), Path::new("/home/u/proj/src/a.py")),
            "src/a.py"
        );
        assert_eq!(display_path(Some(cwd), Path::new("/home/u/proj")), ".");
        // Out of the current directory and back in.
        assert_eq!(display_path(Some(cwd), Path::new("../proj/src/a.py")), "src/a.py");
        assert_eq!(display_path(Some(cwd), Path::new("./../../u/proj/a.py")), "a.py");
        assert_eq!(display_path(Some(cwd), Path::new("../proj")), ".");
        assert_eq!(display_path(Some(cwd), Path::new("../proj2/a.py")), "../proj2/a.py");
        assert_eq!(display_path(Some(cwd), Path::new("src/../a.py")), "src/../a.py");
        assert_eq!(display_path(Some(Path::new("/")), Path::new("../a.py")), "../a.py");
        assert_eq!(display_path(Some(cwd), Path::new("/etc/x.py")), "/etc/x.py");
        assert_eq!(display_path(None, Path::new("/etc/x.py")), "/etc/x.py");
        assert_eq!(join_display(".", Path::new("a/b.py")), "a/b.py");
        assert_eq!(join_display("src", Path::new("b.py")), "src/b.py");
        assert_eq!(join_display("/", Path::new("b.py")), "/b.py");
    }

    #[test]
    fn discover_file_kinds() {
        let names = vec![".env.example".to_string()];
        let kind = |p: &str| FileKind::from_path(Path::new(p), &names);
        assert_eq!(kind("a.py"), Some(Python));
        assert_eq!(kind("requirements.txt"), Some(Requirements));
        assert_eq!(kind("requirements_test.txt"), Some(Requirements));
        assert_eq!(kind("requirements/prod.txt"), Some(Requirements));
        assert_eq!(kind("docs/notes.txt"), None);
        assert_eq!(kind("x/.env.example"), Some(EnvExample));
        assert_eq!(kind(".env"), None);
        assert_eq!(kind("pyproject.toml"), Some(Pyproject));
        assert_eq!(kind("setup.cfg"), None);
        assert_eq!(kind("a.pyc"), None);
    }

    #[test]
    fn discover_io_messages_are_one_line() {
        let err = io::Error::from_raw_os_error(2);
        assert_eq!(io_message(&err), "No such file or directory");
        let err = io::Error::other("two\nlines");
        assert_eq!(io_message(&err), "two lines");
    }
}
