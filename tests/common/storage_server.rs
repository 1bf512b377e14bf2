#![allow(clippy::print_stderr)] // progress of a first start that builds the server (minutes)
//! The real Supabase Storage server (v1.70.6) for the live tests: one per test process.
//!
//! [`server()`] starts it on first use and hands every later caller the same instance;
//! [`StorageServer::fresh_bucket`] gives each test its own private bucket, so tests share
//! the server without seeing each other's objects. The server is
//! `tests/storage-server/storage-server.sh` (its header says what it runs and how it differs
//! from upstream): its own PostgreSQL cluster, files and ports under
//! `$TMPDIR/s3ts-storage-<pid>`, everything on 127.0.0.1, the S3-compatible endpoint enabled.
//! A watchdog ([`super::watchdog`]) stops it and removes that directory once the test process
//! has exited, however it exited (end of run, panic, Ctrl-C, SIGKILL).
//!
//! ```ignore
//! let s = storage_server::server();
//! let bucket = s.fresh_bucket("list");               // "list-1", private, empty
//! Command::new(python()).envs(s.env()).env("BUCKET", &bucket) ...;  // SUPABASE_URL, keys, ...
//! let p = s.faulty_proxy(&json!({"seed": 7, "rules": [
//!     {"method": "PATCH", "rate": 0.3, "fault": {"status": 503}},
//!     {"nth": [2], "fault": {"reset": "response"}},
//! ]}));
//! Command::new(..).envs(s.env()).env("SUPABASE_URL", p.url()) ...;  // this test's faults only
//! ```
//!
//! Fault plans are JSON, documented in `tests/storage-server/proxy.js`: per rule a method and
//! path-prefix filter, a `rate` (seeded) or the `nth` matching requests, and a fault: an
//! injected status (`{"status": 503}`), a connection reset mid-request-body (`{"reset":
//! "request"}`, the server never sees it) or mid-response-body (`{"reset": "response"}`, the
//! server did the work), or a response held back (`{"delay_ms": 30000}`). Each faulty proxy is
//! its own process in front of the shared server, so parallel tests never see each other's
//! faults; the shared [`StorageServer::url`] has none.
//!
//! First start builds the server into the cache (`$S3TS_CACHE_DIR`, default
//! `~/.cache/s3-to-supabase`; about 2 minutes), later starts take seconds. A missing
//! prerequisite (PostgreSQL 15, the postgres user, npm for the first build, the source
//! archive: see README "Tests") panics with one line naming it: never a silent skip.

use super::curl::{curl, Answer};
use super::numbered_bucket;
use super::python::manifest_dir;
use super::watchdog::run_when_gone;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::AtomicU32;
use std::sync::OnceLock;
use std::time::Instant;

/// A running server, as `storage-server.sh start` printed it.
#[derive(Debug)]
pub struct StorageServer {
    vars: BTreeMap<String, String>,
    run_dir: PathBuf,
}

/// The server's S3-compatible endpoint (`STORAGE_DIRECT_URL/s3`, region `local`, path
/// style). It also answers through the proxy at `url()/storage/v1/s3`, as on hosted Supabase
/// (the proxy keeps the client's Host and sends `X-Forwarded-Prefix`, so signatures verify).
#[derive(Debug)]
pub struct S3Endpoint<'a> {
    pub endpoint: &'a str,
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub region: &'a str,
}

/// The process's server, started on first call. Panics (in every caller) if it cannot start.
pub fn server() -> &'static StorageServer {
    static SERVER: OnceLock<Result<StorageServer, String>> = OnceLock::new();
    match SERVER.get_or_init(start) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

/// `tests/storage-server/`: the script and proxy.js.
pub fn storage_server_dir() -> PathBuf {
    manifest_dir().join("tests").join("storage-server")
}

fn start() -> Result<StorageServer, String> {
    let script = storage_server_dir().join("storage-server.sh");
    let run_dir = std::env::temp_dir().join(format!("s3ts-storage-{}", std::process::id()));
    let started = Instant::now();
    eprintln!(
        "starting the Supabase Storage server in {} (a first start builds it, about 2 minutes)",
        run_dir.display()
    );
    let child = Command::new("bash")
        .arg(&script)
        .arg("start")
        .arg(&run_dir)
        .env("STORAGE_S3_PROTOCOL", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0) // Ctrl-C reaches the watchdog's stop, not a half-started server
        .spawn()
        .map_err(|e| format!("cannot run bash {}: {e}", script.display()))?;
    // Waits for the start script too, so a server it is still starting gets stopped.
    let (script_str, run_str) = (script.to_string_lossy(), run_dir.to_string_lossy());
    run_when_gone(
        &[child.id()],
        &[
            "sh",
            "-c",
            r#"bash "$0" stop "$1"; rm -rf "$1""#,
            &script_str,
            &run_str,
        ],
    );
    let out = child
        .wait_with_output()
        .map_err(|e| format!("storage-server.sh start: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let reason = stderr
            .lines()
            .find_map(|l| l.strip_prefix("[storage-server] error: "))
            .unwrap_or("storage-server.sh start failed");
        return Err(format!(
            "cannot start the Supabase Storage server: {reason}\n--- storage-server.sh start ({}) stderr ---\n{stderr}",
            out.status
        ));
    }
    let vars: BTreeMap<String, String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for key in [
        "SUPABASE_URL",
        "SUPABASE_SERVICE_ROLE_KEY",
        "SUPABASE_ANON_KEY",
        "STORAGE_DIRECT_URL",
        "STORAGE_NODE",
        "STORAGE_S3_ENDPOINT",
    ] {
        if !vars.contains_key(key) {
            return Err(format!(
                "storage-server.sh start printed no {key}; stderr:\n{stderr}"
            ));
        }
    }
    eprintln!(
        "Supabase Storage server up in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(StorageServer { vars, run_dir })
}

impl StorageServer {
    fn var(&self, key: &str) -> &str {
        &self.vars[key]
    }

    /// What supabase-py's `create_client` takes: `http://127.0.0.1:<proxy port>`.
    pub fn url(&self) -> &str {
        self.var("SUPABASE_URL")
    }

    /// The service_role JWT (bypasses row-level security, as the migrated backend uses).
    pub fn service_key(&self) -> &str {
        self.var("SUPABASE_SERVICE_ROLE_KEY")
    }

    /// The anon JWT.
    pub fn anon_key(&self) -> &str {
        self.var("SUPABASE_ANON_KEY")
    }

    /// The server itself, without the proxy: routes at the root (`/object/...`), no faults.
    pub fn direct_url(&self) -> &str {
        self.var("STORAGE_DIRECT_URL")
    }

    /// The S3-compatible endpoint and its keys.
    pub fn s3(&self) -> S3Endpoint<'_> {
        S3Endpoint {
            endpoint: self.var("STORAGE_S3_ENDPOINT"),
            access_key_id: self.var("STORAGE_S3_ACCESS_KEY_ID"),
            secret_access_key: self.var("STORAGE_S3_SECRET_ACCESS_KEY"),
            region: self.var("STORAGE_S3_REGION"),
        }
    }

    /// Where this instance keeps its logs (`storage.log`, `proxy.log`, `pg/postgres.log`).
    pub fn run_dir(&self) -> &Path {
        &self.run_dir
    }

    /// Every variable the script printed (`SUPABASE_URL`, `SUPABASE_SERVICE_ROLE_KEY`,
    /// `SUPABASE_ANON_KEY`, `STORAGE_DIRECT_URL`, `STORAGE_S3_*`, ...), for `Command::envs`.
    pub fn env(&self) -> Vec<(String, String)> {
        self.vars
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// A request to the Storage API through the shared proxy with the service key:
    /// `method` and `path` under `/storage/v1` (e.g. `"POST", "/bucket"`), an optional JSON
    /// body. Returns status and body; panics only if no request could be made.
    pub fn api(&self, method: &str, path: &str, json: Option<&Value>) -> Answer {
        let url = format!("{}/storage/v1{path}", self.url());
        let auth = format!("Authorization: Bearer {}", self.service_key());
        let apikey = format!("apikey: {}", self.service_key());
        let body = json.map(Value::to_string);
        let mut args = vec!["-X", method, "-H", &auth, "-H", &apikey];
        if let Some(body) = &body {
            args.extend([
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                body,
            ]);
        }
        args.push(&url);
        curl(&args)
    }

    /// Creates a new private, empty bucket named `<prefix>-<n>` (n counts up in this process;
    /// the server is fresh per process) and returns its name. `prefix` is lowercase letters,
    /// digits and `-`. Panics if the server refuses.
    pub fn fresh_bucket(&self, prefix: &str) -> String {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let name = numbered_bucket(prefix, &COUNT);
        let answer = self.api(
            "POST",
            "/bucket",
            Some(&serde_json::json!({"name": name, "public": false})),
        );
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (200, serde_json::json!({"name": name}).to_string().as_str()),
            "creating bucket {name}"
        );
        name
    }

    /// A proxy of its own in front of this server, applying `plan` (see the module docs and
    /// proxy.js), logging every decision. Stopped when dropped, or when this process is gone.
    pub fn faulty_proxy(&self, plan: &Value) -> FaultyProxy {
        FaultyProxy::start(self, plan)
    }
}

/// A per-test proxy with a fault plan; its URL replaces [`StorageServer::url`].
#[derive(Debug)]
pub struct FaultyProxy {
    child: Child,
    _stdout: ChildStdout,
    url: String,
    dir: tempfile::TempDir,
}

impl FaultyProxy {
    fn start(server: &StorageServer, plan: &Value) -> FaultyProxy {
        // Inside the server's run directory, which the watchdog removes even after a SIGKILL.
        let dir = tempfile::Builder::new()
            .prefix("fault-proxy-")
            .tempdir_in(server.run_dir())
            .expect("temp dir for a faulty proxy");
        let plan_path = dir.path().join("plan.json");
        std::fs::write(&plan_path, plan.to_string()).expect("write the fault plan");
        let upstream = server
            .direct_url()
            .rsplit(':')
            .next()
            .expect("direct url has a port");
        let stderr =
            std::fs::File::create(dir.path().join("stderr.log")).expect("proxy stderr log");
        let mut child = Command::new(server.var("STORAGE_NODE"))
            .arg(storage_server_dir().join("proxy.js"))
            .args(["--listen", "0", "--upstream", upstream])
            .arg("--plan")
            .arg(&plan_path)
            .arg("--log")
            .arg(dir.path().join("decisions.jsonl"))
            .args(["--exit-with", &std::process::id().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start the faulty proxy with {}: {e}",
                    server.var("STORAGE_NODE")
                )
            });
        let stdout = child.stdout.take().expect("piped stdout");
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .expect("read the proxy's first line");
        let Some(port) = line.trim().strip_prefix("listening on 127.0.0.1:") else {
            let _ = child.wait();
            let err = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default();
            panic!("the faulty proxy did not start: {}", err.trim());
        };
        let url = format!("http://127.0.0.1:{port}");
        FaultyProxy {
            child,
            _stdout: reader.into_inner(),
            url,
            dir,
        }
    }

    /// `http://127.0.0.1:<port>`: use it as `SUPABASE_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// One entry per request so far, in arrival order:
    /// `{"n": 1, "method": "PATCH", "path": "/storage/v1/...", "rule": 0 | null, "fault": "503" | "reset-request" | "reset-response" | "delay-<ms>" | null}`.
    pub fn decisions(&self) -> Vec<Value> {
        let text =
            std::fs::read_to_string(self.dir.path().join("decisions.jsonl")).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str(l).expect("proxy log lines are JSON"))
            .collect()
    }
}

impl Drop for FaultyProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
