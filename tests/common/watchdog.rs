//! Cleanup that outlives the test process.
//!
//! The Rust test harness never runs destructors of statics, and a test process can end by
//! panic, Ctrl-C or SIGKILL. So every server a test process starts gets a watchdog: a small
//! `sh` loop in its own process group (Ctrl-C on the terminal does not reach it) that polls
//! until this process, and any other pid it is told to wait for, is gone, then runs the
//! cleanup command. Servers are therefore stopped within about a second of the test process
//! ending, however it ended.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

/// Runs `cleanup` (program and arguments) once this process and every pid in `also_wait_for`
/// have exited. Panics if `sh` cannot be started.
#[allow(clippy::zombie_processes)] // never waited for: it is meant to outlive this process
pub fn run_when_gone(also_wait_for: &[u32], cleanup: &[&str]) {
    let mut pids = vec![std::process::id().to_string()];
    pids.extend(also_wait_for.iter().map(u32::to_string));
    Command::new("sh")
        .arg("-c")
        .arg(r#"for p in $WATCHDOG_PIDS; do while kill -0 "$p" 2>/dev/null; do sleep 0.3; done; done; exec "$@""#)
        .arg("s3ts-watchdog")
        .args(cleanup)
        .env("WATCHDOG_PIDS", pids.join(" "))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the cleanup watchdog (sh): {e}"));
}
