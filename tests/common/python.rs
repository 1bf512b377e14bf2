#![allow(clippy::print_stderr)] // test progress for a multi-minute venv build
//! The Python environment the Python-side checks run in.
//!
//! [`python()`] returns `target/test-venv/bin/python`, a venv holding exactly the pins of
//! `tests/python/requirements.txt`, creating (or re-creating) it first when needed. An
//! exclusive lock on `target/test-venv.lock` makes every test thread and every test binary
//! wait for one creator; a stamp file inside the venv records what it was built from
//! (requirements.txt and the base interpreter), so an edited requirements.txt rebuilds it.
//! A venv that cannot be built panics with pip's output: these tests never skip.
//!
//! The base interpreter is `python3` from PATH, or `$S3_TO_SUPABASE_TEST_PYTHON` if set.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

const STAMP: &str = ".s3-to-supabase-requirements";

/// Root of the crate (where Cargo.toml is).
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/python/`: requirements.txt, check_rewritten.py, samples/.
pub fn python_dir() -> PathBuf {
    manifest_dir().join("tests").join("python")
}

/// `tests/python/check_rewritten.py`.
pub fn check_rewritten_script() -> PathBuf {
    python_dir().join("check_rewritten.py")
}

/// The venv's interpreter, built on first use. Panics if the venv cannot be built.
pub fn python() -> PathBuf {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(ensure_venv) {
        Ok(p) => p.clone(),
        Err(e) => panic!("{e}"),
    }
}

/// Runs the venv's python with `args` (from the crate root) and returns its output.
pub fn run_python<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let py = python();
    Command::new(&py)
        .args(args)
        .current_dir(manifest_dir())
        // No __pycache__ next to the checked sources; the venv's packages were
        // byte-compiled by pip at install time, so imports stay fast.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", py.display()))
}

/// `python -m pytest -q -p no:cacheprovider -rA --strict-markers <path>` with the venv's
/// python, from the crate root, writing no bytecode; the caller adds its environment.
pub fn pytest_command(path: &Path) -> Command {
    let mut command = Command::new(python());
    command
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rA",
            "--strict-markers",
        ])
        .arg(path)
        .current_dir(manifest_dir())
        .env("PYTHONDONTWRITEBYTECODE", "1");
    command
}

fn base_python() -> String {
    std::env::var("S3_TO_SUPABASE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn venv_dir() -> PathBuf {
    manifest_dir().join("target").join("test-venv")
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn describe(cmd: &str, out: &Output) -> String {
    format!(
        "{cmd} failed ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// What the venv is built from: the base interpreter's identity and requirements.txt.
fn expected_stamp(requirements: &str) -> Result<String, String> {
    let base = base_python();
    let out = Command::new(&base)
        .args(["-c", "import sys; print(sys.version); print(sys.executable)"])
        .output()
        .map_err(|e| format!("cannot run the base interpreter `{base}` to build the test venv: {e}"))?;
    if !out.status.success() {
        return Err(describe(&format!("`{base} -c 'import sys'`"), &out));
    }
    Ok(format!(
        "base interpreter:\n{}\nrequirements.txt:\n{requirements}",
        String::from_utf8_lossy(&out.stdout)
    ))
}

fn ensure_venv() -> Result<PathBuf, String> {
    let venv = venv_dir();
    let py = venv_python(&venv);
    let req_path = python_dir().join("requirements.txt");
    let requirements = fs::read_to_string(&req_path)
        .map_err(|e| format!("cannot read {}: {e}", req_path.display()))?;
    let stamp_want = expected_stamp(&requirements)?;
    let stamp_path = venv.join(STAMP);
    let current = || fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp_want.as_str()) && py.is_file();

    let target = venv.parent().expect("venv has a parent");
    fs::create_dir_all(target).map_err(|e| format!("cannot create {}: {e}", target.display()))?;
    let lock_path = target.join("test-venv.lock");
    let lock: File = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
    // Blocks while another test binary builds the venv; released when `lock` drops.
    lock.lock().map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;

    if current() {
        return Ok(py);
    }

    let started = Instant::now();
    eprintln!("building the test venv at {} from {}", venv.display(), req_path.display());
    if venv.exists() {
        fs::remove_dir_all(&venv).map_err(|e| format!("cannot remove stale {}: {e}", venv.display()))?;
    }
    let base = base_python();
    let out = Command::new(&base)
        .arg("-m")
        .arg("venv")
        .arg(&venv)
        .output()
        .map_err(|e| format!("cannot run `{base} -m venv`: {e}"))?;
    if !out.status.success() {
        return Err(describe(
            &format!("`{base} -m venv {}` (on Debian: apt-get install python3-venv)", venv.display()),
            &out,
        ));
    }
    let out = Command::new(&py)
        .args(["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", "-r"])
        .arg(&req_path)
        .env("PIP_NO_INPUT", "1")
        .output()
        .map_err(|e| format!("cannot run {} -m pip: {e}", py.display()))?;
    if !out.status.success() {
        return Err(describe(&format!("pip install -r {}", req_path.display()), &out));
    }
    // Written last: an interrupted build leaves no stamp and is redone next time.
    fs::write(&stamp_path, &stamp_want).map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))?;
    eprintln!("built the test venv in {:.1}s", started.elapsed().as_secs_f64());
    Ok(py)
}
