//! The binary on a pseudo-terminal, where a person runs it: the progress bar of a
//! long run draws (nothing holds the terminal while it does), the run finishes, and
//! the first Ctrl-C stops it. Exit codes after Ctrl-C (README, "Output and exit codes"):
//! before any file is written the process ends by SIGINT (a shell shows 130); once
//! `apply` has begun writing, the files in flight are finished, the rest are skipped,
//! and it exits 2 with a line saying so.

#[path = "common/pty.rs"]
mod pty;

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_s3-to-supabase");

/// `files` Python files with one hardcoded bucket each, padded with `functions`
/// small functions so that parsing them takes a while.
fn backend(root: &Path, files: usize, functions: usize) {
    let routes = root.join("routes");
    fs::create_dir_all(&routes).unwrap();
    let padding: String = (0..functions).map(|n| format!("def f{n}(a, b):\n    return a + b * {n}\n")).collect();
    for n in 0..files {
        fs::write(routes.join(format!("r{n:04}.py")), format!("B = \"anantra-lms-store\"\n{padding}")).unwrap();
    }
}

#[test]
fn progress_bar_draws_and_the_run_finishes_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    backend(dir.path(), 600, 20);
    let run = pty::spawn(BIN, &["check", "--color", "never", "."], dir.path(), &[]);
    let (status, screen) = run.finish(Duration::from_secs(120));
    assert_eq!(status.code(), Some(1), "{screen}");
    // indicatif's line, e.g. `████▌   312/600 files 0s`, drawn at least once.
    assert!(screen.contains("/600 files"), "no progress bar drawn:\n{screen}");
    assert!(screen.contains("routes/r0000.py:1:5: error[hardcoded-bucket] "), "{screen}");
    assert!(screen.contains("routes/r0599.py:1:5: error[hardcoded-bucket] "), "{screen}");
    assert!(screen.ends_with("600 files checked: 600 errors, 0 warnings in 600 files; 0 skipped, 0 failed\n"), "{screen}");
}

#[test]
fn fewer_than_500_files_draw_no_bar() {
    let dir = tempfile::tempdir().unwrap();
    backend(dir.path(), 499, 0);
    let run = pty::spawn(BIN, &["check", "--color", "never", "."], dir.path(), &[]);
    let (status, screen) = run.finish(Duration::from_secs(60));
    assert_eq!(status.code(), Some(1), "{screen}");
    assert!(!screen.contains(" files 0s") && !screen.contains("/499"), "{screen}");
}

#[test]
fn the_first_ctrl_c_stops_a_long_check() {
    let dir = tempfile::tempdir().unwrap();
    backend(dir.path(), 600, 1200);
    let mut run = pty::spawn(BIN, &["check", "."], dir.path(), &[]);
    run.wait_for("/600 files", Duration::from_secs(60));
    assert!(run.running(), "the run ended before Ctrl-C could be typed:\n{}", run.screen());
    run.type_keys(b"\x03");
    let (status, screen) = run.finish(Duration::from_secs(10));
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}:\n{screen}");
    assert!(!screen.contains("files checked"), "the run finished instead of stopping:\n{screen}");
}

#[test]
fn the_first_ctrl_c_stops_apply_and_says_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    backend(dir.path(), 600, 1200);
    let mut run = pty::spawn(BIN, &["apply", "--color", "never", "."], dir.path(), &[]);
    run.wait_for("/600 files", Duration::from_secs(60));
    // Wait for the first written file, so the interrupt lands while writing.
    let first_written = || {
        fs::read_dir(dir.path().join("routes"))
            .unwrap()
            .any(|entry| fs::read_to_string(entry.unwrap().path()).is_ok_and(|text| text.contains("SUPABASE_BUCKET_NAME")))
    };
    let start = std::time::Instant::now();
    while !first_written() {
        assert!(start.elapsed() < Duration::from_secs(60), "nothing written:\n{}", run.screen());
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(run.running(), "apply ended before Ctrl-C could be typed:\n{}", run.screen());
    run.type_keys(b"\x03");
    let (status, screen) = run.finish(Duration::from_secs(30));
    assert_eq!(status.code(), Some(2), "{screen}");
    assert!(screen.contains(": skipped: interrupted before writing\n"), "{screen}");
    assert!(
        screen.ends_with("error: interrupted: files written before the interrupt have their new content, the others are unchanged; run the command again to finish\n"),
        "{screen}"
    );
}
