//! HTTP requests from the Rust side of the tests, through the `curl` program (the storage
//! server's script needs it anyway, and the tests need nothing beyond a status and a body).

use std::process::Command;

/// An HTTP answer: status code and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// `curl` with `args` (method, headers, URL, ...); returns the status and body. Panics with a
/// one-line reason if curl is missing or the request cannot be made at all.
pub fn curl(args: &[&str]) -> Answer {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "60", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run curl (apt-get install curl): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "curl {args:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let (body, code) = stdout
        .rsplit_once('\n')
        .expect("curl -w always prints the status");
    Answer {
        status: code.trim().parse().expect("curl prints a numeric status"),
        body: body.to_string(),
    }
}
