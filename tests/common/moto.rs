//! `moto` in server mode: the S3 side of the live tests, one per test process.
//!
//! [`moto()`] starts `moto_server` from the pinned test venv ([`super::python::python`]) on
//! 127.0.0.1 and a free port on first use; every later caller gets the same instance. A
//! watchdog ([`super::watchdog`]) ends it once the test process has exited, however it
//! exited. Tests pass [`Moto::env`] to Python (boto3 reads `AWS_ENDPOINT_URL`) or to the
//! binary under test, and take a bucket of their own from [`Moto::fresh_bucket`].
//!
//! ```ignore
//! let m = moto::moto();
//! let bucket = m.fresh_bucket("src");          // "src-1", empty, region us-east-1
//! Command::new(python()).envs(m.env()).env("S3_BUCKET", &bucket) ...;
//! ```

use super::curl::curl;
use super::numbered_bucket;
use super::python::python;
use super::watchdog::run_when_gone;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicU32;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A running moto server.
#[derive(Debug)]
pub struct Moto {
    endpoint: String,
}

/// The process's moto server, started on first call. Panics (in every caller) if it cannot.
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Result<Moto, String>> = OnceLock::new();
    match MOTO.get_or_init(start) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    }
}

fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn start() -> Result<Moto, String> {
    let moto_server = python().with_file_name("moto_server");
    let mut last_error = String::new();
    // A port found free can be taken before moto binds it: try a few.
    for _ in 0..3 {
        let port = free_port()?;
        let log = tempfile::NamedTempFile::with_prefix("s3ts-moto-").map_err(|e| e.to_string())?;
        let mut child = Command::new(&moto_server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.reopen().map_err(|e| e.to_string())?)
            .process_group(0)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {} (part of moto[server] in the test venv): {e}",
                    moto_server.display()
                )
            })?;
        let pid = child.id().to_string();
        run_when_gone(&[], &["kill", "-TERM", &pid]);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                last_error = format!(
                    "moto_server exited ({status}): {}",
                    std::fs::read_to_string(log.path()).unwrap_or_default()
                );
                break;
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Moto {
                    endpoint: format!("http://127.0.0.1:{port}"),
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if last_error.is_empty() {
            let _ = child.kill();
            return Err(format!(
                "moto_server did not listen on 127.0.0.1:{port} within 60 s"
            ));
        }
    }
    Err(last_error)
}

impl Moto {
    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// What boto3 (and the AWS SDKs) need to talk to this moto: the endpoint, fake
    /// credentials, region `us-east-1`.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", "testing".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
            ("AWS_DEFAULT_REGION", "us-east-1".to_string()),
            ("AWS_REGION", "us-east-1".to_string()),
        ]
    }

    /// Creates a new empty bucket `<prefix>-<n>` (n counts up in this process) and returns
    /// its name. `prefix` is lowercase letters, digits and `-`.
    pub fn fresh_bucket(&self, prefix: &str) -> String {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let name = numbered_bucket(prefix, &COUNT);
        let answer = curl(&["-X", "PUT", &format!("{}/{name}", self.endpoint)]);
        assert_eq!(
            answer.status, 200,
            "creating moto bucket {name}: {}",
            answer.body
        );
        name
    }
}
