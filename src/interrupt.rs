//! Ctrl-C (SIGINT) and SIGTERM during `apply`, and SIGXFSZ.
//!
//! `main` calls [`install`] once at startup. Until the first file is about to be
//! written, a signal ends the process as usual: nothing has been written, so every
//! file is still the old one. From the first write on, [`begin_write`] has armed the
//! handler: a signal then only sets a flag, the file being written is finished (its
//! rename is atomic), every later file is skipped with the reason
//! [`INTERRUPTED_REASON`], and the run ends with its report. So every file is either
//! exactly old or exactly new. A second signal ends the process at once (renames
//! stay atomic, but a temporary file may be left behind).
//!
//! SIGXFSZ is ignored, so that a write past `ulimit -f` fails with EFBIG and is
//! reported for that file, instead of killing the process with no report.
//!
//! Nothing here prints. Without [`install`] (tests driving `run` in-process), the
//! flag is never set and [`begin_write`] always allows the write.

use std::sync::atomic::{AtomicBool, Ordering};

/// The reason a file that was due to be written is reported as skipped.
pub const INTERRUPTED_REASON: &str = "interrupted before writing";

/// Set by the signal handler.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Set once writing has begun: from then on a signal no longer ends the process.
static ARMED: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
mod sys {
    use std::os::raw::c_int;

    pub const SIGINT: c_int = 2;
    pub const SIGTERM: c_int = 15;
    pub const SIGXFSZ: c_int = 25;
    pub const SIG_DFL: usize = 0;
    pub const SIG_IGN: usize = 1;

    unsafe extern "C" {
        /// `sighandler_t signal(int, sighandler_t)`; both `signal` and `raise` are
        /// async-signal-safe (POSIX), so the handler may call them.
        pub fn signal(signum: c_int, handler: usize) -> usize;
        pub fn raise(signum: c_int) -> c_int;
    }
}

#[cfg(unix)]
extern "C" fn on_signal(signum: std::os::raw::c_int) {
    // Only atomics and async-signal-safe calls in here.
    INTERRUPTED.store(true, Ordering::SeqCst);
    // SAFETY: `signal` and `raise` are async-signal-safe; SIG_DFL is a valid disposition.
    unsafe {
        // The next signal (or this one, before writing began) ends the process.
        sys::signal(signum, sys::SIG_DFL);
        if !ARMED.load(Ordering::SeqCst) {
            sys::raise(signum);
        }
    }
}

/// Install the SIGINT/SIGTERM handler and ignore SIGXFSZ. Call once, from `main`.
pub fn install() {
    #[cfg(unix)]
    {
        let handler = on_signal as extern "C" fn(std::os::raw::c_int) as usize;
        // SAFETY: `on_signal` only touches atomics and calls async-signal-safe
        // functions; SIG_IGN is a valid disposition for SIGXFSZ.
        unsafe {
            sys::signal(sys::SIGINT, handler);
            sys::signal(sys::SIGTERM, handler);
            sys::signal(sys::SIGXFSZ, sys::SIG_IGN);
        }
    }
}

/// Called right before a file is written: arms the handler (a signal no longer
/// ends the process) and returns `false` once a signal has arrived, in which case
/// the file must not be written.
pub fn begin_write() -> bool {
    ARMED.store(true, Ordering::SeqCst);
    !INTERRUPTED.load(Ordering::SeqCst)
}

/// Whether a signal arrived during the run.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
