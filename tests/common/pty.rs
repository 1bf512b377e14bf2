//! Running the binary on a pseudo-terminal, as a person at a terminal does: stdin,
//! stdout and stderr are the terminal, which is the process's controlling terminal,
//! so a typed Ctrl-C (`\x03`) reaches it as SIGINT through the line discipline.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A watchdog against a hang (a deadlock, an ignored Ctrl-C, a question never asked),
/// never a speed test (that is bench/): far beyond what the slowest run here takes on a
/// loaded 2-core machine, so reaching it can only mean the run stopped making progress.
pub const HANG_LIMIT: Duration = Duration::from_secs(20 * 60);

pub struct PtyRun {
    child: Child,
    master: File,
    output: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
}

/// Start `program args` in `dir` on a new 120x40 terminal.
pub fn spawn(program: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> PtyRun {
    let (mut master, mut slave) = (-1, -1);
    let size = libc::winsize { ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: openpty writes two fresh descriptors into the given ints.
    let opened = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let io = || Stdio::from(slave.try_clone().expect("dup the terminal"));
    let mut command = Command::new(program);
    command.args(args).current_dir(dir).stdin(io()).stdout(io()).stderr(io()).env_remove("NO_COLOR").env_remove("FORCE_COLOR");
    for (name, value) in env {
        command.env(name, value);
    }
    // SAFETY: setsid and ioctl are async-signal-safe; the child makes the terminal
    // (its stdin) its controlling terminal in a session of its own.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = command.spawn().expect("the binary starts on the terminal");
    drop(slave);
    let output = Arc::new(Mutex::new(Vec::new()));
    let mut from_terminal = master.try_clone().unwrap();
    let sink = Arc::clone(&output);
    let reader = std::thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        // Reading ends with EIO once the child and its terminal are gone.
        while let Ok(read) = from_terminal.read(&mut buffer) {
            if read == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buffer[..read]);
        }
    });
    PtyRun { child, master, output, reader: Some(reader) }
}

impl PtyRun {
    /// Type `keys` on the terminal.
    pub fn type_keys(&mut self, keys: &[u8]) {
        self.master.write_all(keys).unwrap();
        self.master.flush().unwrap();
    }

    /// Everything the terminal showed so far, with its `\r\n` line ends as `\n`.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).replace("\r\n", "\n")
    }

    /// Wait until the terminal has shown `needle`; a run that ends first, or shows no
    /// progress until `HANG_LIMIT`, fails the test with what the terminal showed.
    pub fn wait_for(&mut self, needle: &str) {
        self.wait_for_nth(needle, 1);
    }

    /// Wait until the terminal has shown `needle` `count` times (the `count`th question).
    pub fn wait_for_nth(&mut self, needle: &str, count: usize) {
        let start = Instant::now();
        while self.screen().matches(needle).count() < count {
            if !self.running() {
                // The last output may still be on its way from the terminal.
                std::thread::sleep(Duration::from_millis(200));
                if self.screen().matches(needle).count() >= count {
                    return;
                }
                panic!("the run ended without showing {needle:?} {count} time(s); the terminal showed:\n{}", self.screen());
            }
            if start.elapsed() > HANG_LIMIT {
                let _ = self.child.kill();
                panic!("hung: no progress (waiting for {needle:?}) after {HANG_LIMIT:?}; the terminal showed:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Wait for the process to end (killing it at `HANG_LIMIT`, which fails the test as a
    /// hang) and for the terminal's last output; returns its status and the whole screen.
    pub fn finish(mut self) -> (ExitStatus, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > HANG_LIMIT {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("hung: did not exit within {HANG_LIMIT:?}; the terminal showed:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // The reader ends when the terminal's last writer is gone (EIO).
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        (status, self.screen())
    }
}
