//! `migrate-data` end to end: moto as the S3 source, the real Supabase Storage server as the
//! destination (with its fault-injecting proxy), the binary itself in between, and the
//! result read back through the pinned supabase-py client.

use crate::common::curl::curl;
use crate::common::moto::moto;
use crate::common::python::{manifest_dir, python};
use crate::common::storage_server::server;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const TWENTY_MB: u64 = 20_000_000;
const UPLOAD_LIMIT: u64 = 52_428_800;

fn scripts() -> PathBuf {
    manifest_dir().join("tests").join("python").join("migrate")
}

/// The source objects a seed produced: key → {size, sha256, content_type, cache_control}.
struct Seeded {
    objects: BTreeMap<String, Value>,
}

impl Seeded {
    fn size(&self, key: &str) -> u64 {
        self.objects[key]["size"].as_u64().unwrap()
    }

    fn bytes(&self, keys: &[&String]) -> u64 {
        keys.iter().map(|k| self.size(k)).sum()
    }

    /// The expected objects minus `refused`, as a file for check_destination.py.
    fn expected_file(&self, dir: &Path, keep: &[&String]) -> PathBuf {
        let objects: BTreeMap<&String, &Value> = keep.iter().map(|k| (*k, &self.objects[*k])).collect();
        let path = dir.join(format!("expected-{}.json", keep.len()));
        std::fs::write(&path, json!({ "objects": objects }).to_string()).unwrap();
        path
    }
}

/// Fills a fresh moto bucket after `spec` (see seed_source.py); returns it and its objects.
fn seed(prefix: &str, spec: Value, dir: &Path) -> (String, Seeded) {
    let bucket = moto().fresh_bucket(prefix);
    let spec_path = dir.join(format!("spec-{bucket}.json"));
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let out = Command::new(python())
        .arg(scripts().join("seed_source.py"))
        .arg(&bucket)
        .arg(&spec_path)
        .envs(moto().env())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run seed_source.py");
    assert!(out.status.success(), "seed_source.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let parsed: Value = serde_json::from_slice(&out.stdout).expect("seed_source.py prints JSON");
    let objects = parsed["objects"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    (bucket, Seeded { objects })
}

/// The binary with the source (moto) and destination (`supabase_url`) variables, in `dir`.
fn command(dir: &Path, supabase_url: &str) -> Command {
    with_environment(Command::new(binary()), dir, supabase_url)
}

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_s3-to-supabase"))
}

/// `cmd` in `dir` with only PATH, HOME and the source and destination variables.
fn with_environment(mut cmd: Command, dir: &Path, supabase_url: &str) -> Command {
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .envs(moto().env())
        .env("SUPABASE_URL", supabase_url)
        .env("SUPABASE_SERVICE_ROLE_KEY", server().service_key())
        .stdin(Stdio::null());
    cmd
}

fn migrate(dir: &Path, supabase_url: &str, args: &[&str]) -> Output {
    let out = command(dir, supabase_url).arg("migrate-data").args(args).output().expect("run s3-to-supabase");
    assert_no_secret(&out, dir);
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

/// Neither output nor any file the run wrote (the manifest) holds a secret.
fn assert_no_secret(out: &Output, dir: &Path) {
    let secrets = [server().service_key(), "testing"];
    let mut texts = vec![("stdout".to_owned(), text(&out.stdout)), ("stderr".to_owned(), text(&out.stderr))];
    for entry in walk(dir) {
        if entry.extension().is_some_and(|e| e == "jsonl") {
            texts.push((entry.display().to_string(), std::fs::read_to_string(&entry).unwrap()));
        }
    }
    for (name, content) in texts {
        for secret in secrets {
            assert!(!content.contains(secret), "{name} contains a secret");
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The table's lines, elapsed and throughput (which vary) checked for shape only.
fn table_without_timing(stdout: &str) -> String {
    let mut kept = Vec::new();
    for line in stdout.lines() {
        let label = line.trim_start();
        if label.starts_with("elapsed ") || label.starts_with("throughput ") {
            assert!(line.contains(" s") || line.contains("objects/s"), "{line}");
            continue;
        }
        kept.push(line);
    }
    kept.join("\n") + "\n"
}

fn table(from: &str, to: &str, verify: &str, rows: [u64; 7], bytes: u64) -> String {
    let labels = ["planned", "copied", "already present", "skipped (placeholders)", "conflicts", "failed", "deleted from the source"];
    let mut out = format!("migrate-data: {from} -> {to} (verify {verify})\n");
    for (label, value) in labels.iter().zip(rows) {
        out += &format!("  {label:<24} {value:>8}\n");
    }
    out += &format!("  {:<24} {:>8}\n", "bytes copied", format!("{:.1} MB", bytes as f64 / 1e6));
    out
}

/// check_destination.py through supabase-py: {count, missing, extra, wrong}.
fn check_destination(bucket: &str, prefix: &str, expected: &Path, strip: &str) -> Value {
    let out = Command::new(python())
        .arg(scripts().join("check_destination.py"))
        .args([bucket, prefix])
        .arg(expected)
        .arg(strip)
        .env("SUPABASE_URL", server().url())
        .env("SUPABASE_SERVICE_ROLE_KEY", server().service_key())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run check_destination.py");
    assert!(out.status.success(), "check_destination.py failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("check_destination.py prints JSON")
}

fn clean(count: usize) -> Value {
    json!({"count": count, "missing": [], "extra": [], "wrong": []})
}

/// Every manifest line parses; returns the records after the header.
fn manifest_records(path: &Path) -> Vec<Value> {
    let content = std::fs::read_to_string(path).unwrap();
    assert!(content.ends_with('\n'), "the manifest ends with a whole line");
    let mut lines = content.lines();
    let header: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["manifest"], "s3-to-supabase migrate-data");
    lines.map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("manifest line {line:?}: {e}"))).collect()
}

fn last_outcomes(records: &[Value]) -> BTreeMap<String, String> {
    records.iter().map(|r| (r["key"].as_str().unwrap().to_owned(), r["outcome"].as_str().unwrap().to_owned())).collect()
}

/// The source bucket as boto3 lists it: `[key, size, etag]` of every object.
fn s3_objects(bucket: &str) -> Vec<(String, u64, String)> {
    let script = "import boto3, json, sys\n\
        found = []\n\
        for page in boto3.client('s3').get_paginator('list_objects_v2').paginate(Bucket=sys.argv[1]):\n\
        \x20   found += [[o['Key'], o['Size'], o['ETag']] for o in page.get('Contents', [])]\n\
        print(json.dumps(found))\n";
    let out = Command::new(python()).args(["-c", script, bucket]).envs(moto().env()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("a JSON list")
}

fn s3_keys(bucket: &str) -> Vec<String> {
    s3_objects(bucket).into_iter().map(|(key, _, _)| key).collect()
}

#[test]
fn a_bucket_in_stages_dry_run_trial_subset_rest_and_a_rerun_that_copies_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = json!({
        "seed": 10,
        "small": 2400,
        "big": [
            {"key": "media/video-20mb.mp4", "size": TWENTY_MB, "content_type": "video/mp4", "cache_control": "max-age=86400"},
            {"key": "media/report-7mib.pdf", "size": 7 * 1024 * 1024 + 3, "content_type": "application/pdf", "cache_control": "public, max-age=600"},
            {"key": "media/oversize.bin", "size": UPLOAD_LIMIT + 1, "content_type": "application/octet-stream"},
        ],
        "placeholders": ["data/", "data/d1/", "media/", "empty/"],
        "extra": [
            {"key": "zz/ü.txt", "text": "umlaut"}, {"key": "zz/a#b.txt", "text": "hash"},
            {"key": "data/odd name+1 (copy)&x=y;@:,?!*'.txt", "text": "every allowed character"},
        ],
    });
    let (src, seeded) = seed("mig-stages", spec, dir.path());
    let dst = server().fresh_bucket("mig-stages");
    let from = format!("s3://{src}");
    let manifest = dir.path().join("run.jsonl");
    let m = manifest.to_str().unwrap();
    let (from_shown, to_shown) = (format!("s3://{src}/"), format!("{dst}/"));
    let all: Vec<&String> = seeded.objects.keys().collect();
    let refused = ["media/oversize.bin", "zz/a#b.txt", "zz/ü.txt"];
    let valid: Vec<&String> = all.iter().copied().filter(|k| !refused.contains(&k.as_str())).collect();
    assert_eq!((all.len(), valid.len()), (2406, 2403));

    // The plan: nothing written, not even the manifest.
    let out = migrate(dir.path(), server().url(), &["--from", &from, "--to", &dst, "--manifest", m, "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
    let expected_plan = format!(
        "plan: {from_shown} -> {to_shown} (nothing is written in a dry run)\n  {:<34} {:>8}  {}\n  {:<34} {:>8}  {}\n  {:<34} {:>8}\n  {:<34} {:>8}  {}\n  {:<34} {:>8}\n  {:<34} {:>8}  {}\n  {:<34} {:>8}\n",
        "objects", 2406, mb(seeded.bytes(&all)),
        "to copy", 2403, mb(seeded.bytes(&valid)),
        "at the destination, to compare", 0,
        "verified by an earlier run", 0, mb(0),
        "placeholders skipped", 4,
        "over the upload limit", 1, mb(UPLOAD_LIMIT + 1),
        "invalid keys", 2,
    );
    assert_eq!(text(&out.stdout), expected_plan);
    let refusals = format!(
        "failed: media/oversize.bin: {} bytes is over the destination's upload limit of {UPLOAD_LIMIT} bytes\n\
         failed: zz/a#b.txt: contains `#`, which Supabase Storage does not allow in a key (InvalidKey)\n\
         failed: zz/ü.txt: contains U+00FC, which Supabase Storage does not allow in a key (InvalidKey)\n",
        UPLOAD_LIMIT + 1
    );
    assert_eq!(text(&out.stderr), refusals);
    assert!(!manifest.exists(), "a dry run writes no manifest");
    let listed = server().api("POST", &format!("/object/list/{dst}"), Some(&json!({"prefix": ""})));
    assert_eq!((listed.status, listed.body.as_str()), (200, "[]"));

    // A trial subset: the first 100 objects in key order.
    let out = migrate(dir.path(), server().url(), &["--from", &from, "--to", &dst, "--manifest", m, "--limit", "100", "--progress-every", "40"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let first: Vec<&String> = valid[..100].to_vec();
    assert_eq!(table_without_timing(&text(&out.stdout)), table(&from_shown, &to_shown, "full", [100, 100, 0, 4, 0, 0, 0], seeded.bytes(&first)));
    let progress: Vec<String> = text(&out.stderr).lines().map(|l| l.split(" copied").next().unwrap().to_owned()).collect();
    assert_eq!(progress.len(), 2, "{progress:?}");
    assert!(progress[0].starts_with("migrate-data: 40/100 objects, "), "{progress:?}");
    assert!(progress[1].starts_with("migrate-data: 80/100 objects, "), "{progress:?}");
    assert_eq!(check_destination(&dst, "", &seeded.expected_file(dir.path(), &first), ""), clean(100));

    // The rest: refused objects fail (exit 1), everything else is copied and verified.
    let out = migrate(dir.path(), server().url(), &["--from", &from, "--to", &dst, "--manifest", m, "--jobs", "8", "--progress-every", "100000"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let rest: Vec<&String> = valid[100..].to_vec();
    assert_eq!(table_without_timing(&text(&out.stdout)), table(&from_shown, &to_shown, "full", [2406, 2303, 100, 4, 0, 3, 0], seeded.bytes(&rest)));
    let stderr = text(&out.stderr);
    assert!(stderr.ends_with(&refusals), "{stderr}");
    assert_eq!(check_destination(&dst, "", &seeded.expected_file(dir.path(), &valid), ""), clean(2403));
    let records = manifest_records(&manifest);
    let outcomes = last_outcomes(&records);
    for key in &valid {
        assert_eq!(outcomes[key.as_str()], "verified", "{key}");
    }
    for key in refused {
        assert_eq!(outcomes[key], "failed", "{key}");
    }
    assert_eq!(outcomes.len(), 2406);

    // A rerun copies nothing and asks the destination for nothing but its limits.
    let out = migrate(dir.path(), server().url(), &["--from", &from, "--to", &dst, "--manifest", m]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(table_without_timing(&text(&out.stdout)), table(&from_shown, &to_shown, "full", [2406, 0, 2403, 4, 0, 3, 0], 0));
    assert_eq!(text(&out.stderr), refusals);
    let again = manifest_records(&manifest);
    assert_eq!(again.len(), records.len() + 3, "only the three refusals are recorded again");
}

/// Small objects and one resumable (TUS) object: the workload of the fault and kill tests.
fn small_and_one_large(seed_value: u64, small: u64, large: u64) -> Value {
    json!({
        "seed": seed_value,
        "small": small,
        "big": [{"key": "media/large.bin", "size": large, "content_type": "application/octet-stream", "cache_control": "max-age=60"}],
        "placeholders": ["data/"],
    })
}

#[test]
fn injected_500_503_429_resets_and_delays_still_end_complete_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let (src, seeded) = seed("mig-faults", small_and_one_large(21, 300, 14_000_000), dir.path());
    let dst = server().fresh_bucket("mig-faults");
    let proxy = server().faulty_proxy(&json!({"seed": 5, "rules": [
        {"method": "PATCH", "nth": [2], "fault": {"reset": "request"}},
        {"method": "PATCH", "nth": [3], "fault": {"status": 503}},
        {"rate": 0.04, "fault": {"status": 500}},
        {"rate": 0.04, "fault": {"status": 503}},
        {"rate": 0.04, "fault": {"status": 429}},
        {"rate": 0.03, "fault": {"reset": "request"}},
        {"rate": 0.03, "fault": {"reset": "response"}},
        {"rate": 0.01, "fault": {"delay_ms": 3000}},
    ]}));
    let manifest = dir.path().join("run.jsonl");
    let out = migrate(
        dir.path(),
        proxy.url(),
        &["--from", &format!("s3://{src}"), "--to", &dst, "--manifest", manifest.to_str().unwrap(), "--jobs", "8", "--retries", "10", "--timeout", "2"],
    );
    assert_eq!(out.status.code(), Some(0), "{}\n{}", text(&out.stdout), text(&out.stderr));
    let all: Vec<&String> = seeded.objects.keys().collect();
    assert_eq!(table_without_timing(&text(&out.stdout)), table(&format!("s3://{src}/"), &format!("{dst}/"), "full", [301, 301, 0, 1, 0, 0, 0], seeded.bytes(&all)));
    let mut faults: BTreeMap<String, usize> = BTreeMap::new();
    for decision in proxy.decisions() {
        if let Some(fault) = decision["fault"].as_str() {
            *faults.entry(fault.split('-').take(2).collect::<Vec<_>>().join("-")).or_default() += 1;
        }
    }
    for kind in ["500", "503", "429", "reset-request", "reset-response", "delay-3000"] {
        assert!(faults.get(kind).is_some_and(|n| *n > 0), "no {kind} fault was injected: {faults:?}");
    }
    assert_eq!(check_destination(&dst, "", &seeded.expected_file(dir.path(), &all), ""), clean(301));
    let outcomes = last_outcomes(&manifest_records(&manifest));
    assert!(outcomes.values().all(|o| o == "verified"), "{outcomes:?}");
}

/// A tiny seeded generator, so the kill points replay.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn killed_at_random_points_and_resumed_nothing_lost_nothing_duplicated() {
    let dir = tempfile::tempdir().unwrap();
    let (src, seeded) = seed("mig-kill", small_and_one_large(33, 600, TWENTY_MB), dir.path());
    let dst = server().fresh_bucket("mig-kill");
    let manifest = dir.path().join("run.jsonl");
    let m = manifest.to_str().unwrap();
    let from = format!("s3://{src}");
    let args = ["migrate-data", "--from", &from, "--to", &dst, "--manifest", m, "--jobs", "4"];
    let mut rng = Lcg(0x5eed_0010);
    let mut kills = 0;
    for _ in 0..5 {
        let mut child = command(dir.path(), server().url()).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(300 + rng.below(1700)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        // Whatever the instant, the manifest stays readable (a kill before the listing ended
        // leaves none, one between its creation and its first line an empty one).
        if std::fs::metadata(&manifest).is_ok_and(|m| m.len() > 0) {
            manifest_records(&manifest);
        }
    }
    assert!(kills >= 3, "the run was killed mid-way only {kills} times");
    let out = migrate(dir.path(), server().url(), &args[1..]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let all: Vec<&String> = seeded.objects.keys().collect();
    assert_eq!(check_destination(&dst, "", &seeded.expected_file(dir.path(), &all), ""), clean(601));
    let records = manifest_records(&manifest);
    let outcomes = last_outcomes(&records);
    assert_eq!(outcomes.len(), 601);
    assert!(outcomes.values().all(|o| o == "verified" || o == "present"), "{outcomes:?}");
    // A verified object is never copied again: one success per key, over all the runs.
    let mut successes: BTreeMap<&str, usize> = BTreeMap::new();
    for record in &records {
        if matches!(record["outcome"].as_str(), Some("verified" | "present")) {
            *successes.entry(record["key"].as_str().unwrap()).or_default() += 1;
        }
    }
    assert!(successes.values().all(|n| *n == 1), "{:?}", successes.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>());
    let rerun = migrate(dir.path(), server().url(), &args[1..]);
    assert_eq!(rerun.status.code(), Some(0));
    assert_eq!(table_without_timing(&text(&rerun.stdout)), table(&format!("s3://{src}/"), &format!("{dst}/"), "full", [601, 0, 601, 1, 0, 0, 0], 0));
}

/// Supabase's resumable chunk: a 20 MiB object goes as three whole chunks and 2 MiB.
const CHUNK: u64 = 6 * 1024 * 1024;

/// The `Upload-Offset` the server itself (no proxy) holds for the resumable upload `id`.
fn server_offset(id: &str) -> Option<u64> {
    let auth = format!("Authorization: Bearer {}", server().service_key());
    let url = format!("{}/upload/resumable/{id}", server().direct_url());
    let answer = curl(&["-I", "-H", &auth, "-H", "Tus-Resumable: 1.0.0", &url]);
    answer.body.lines().find_map(|line| line.to_ascii_lowercase().strip_prefix("upload-offset:").and_then(|v| v.trim().parse().ok()))
}

/// The size of the file in which the server's file store appends the chunks of an unfinished
/// upload of `key` (`files/<store>/<tenant>/<bucket>/<key>/<version>`, beside `<version>.json`).
fn stored_upload_size(bucket: &str, key: &str) -> Option<u64> {
    let entries = |dir: &Path| std::fs::read_dir(dir).into_iter().flatten().flatten().map(|entry| entry.path());
    let files = server().run_dir().join("files");
    let versions = entries(&files).flat_map(|store| entries(&store).collect::<Vec<_>>()).flat_map(|tenant| entries(&tenant.join(bucket).join(key)).collect::<Vec<_>>());
    versions.into_iter().find(|path| path.extension().is_none()).and_then(|path| std::fs::metadata(path).ok()).map(|m| m.len())
}

/// Polls `found` every 100 ms until it gives a value; panics naming `what` after 120 s.
fn wait_for<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(std::time::Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_resumable_upload_killed_mid_way_is_continued_from_the_servers_offset() {
    let dir = tempfile::tempdir().unwrap();
    let size = 20 * 1024 * 1024;
    let spec = json!({"seed": 41, "small": 0, "big": [{"key": "media/large.bin", "size": size, "content_type": "video/mp4", "cache_control": "max-age=60"}]});
    let (src, seeded) = seed("mig-resume", spec, dir.path());
    let dst = server().fresh_bucket("mig-resume");
    let manifest = dir.path().join("run.jsonl");
    let from = format!("s3://{src}");
    let args = ["migrate-data", "--from", &from, "--to", &dst, "--manifest", manifest.to_str().unwrap(), "--timeout", "600"];
    // The third PATCH reaches the server, which stores its chunk; its answer is held back,
    // so the run is still waiting on it when it is killed.
    let held = server().faulty_proxy(&json!({"seed": 1, "rules": [{"method": "PATCH", "nth": [3], "fault": {"delay_ms": 600_000}}]}));
    let mut child = command(dir.path(), held.url()).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let id = wait_for("the upload id in the manifest", || {
        let content = std::fs::read_to_string(&manifest).ok()?;
        content.lines().filter_map(|line| serde_json::from_str::<Value>(line).ok()).find_map(|r| r["upload"].as_str().map(str::to_owned))
    });
    // Asking the server (HEAD) would take the upload's lock from a PATCH in progress.
    wait_for("the server to hold three chunks", || stored_upload_size(&dst, "media/large.bin").filter(|size| *size == 3 * CHUNK));
    assert!(child.try_wait().unwrap().is_none(), "the run ended before it was killed");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(server_offset(&id), Some(3 * CHUNK));
    let records = manifest_records(&manifest);
    let last = records.last().unwrap();
    assert_eq!((last["outcome"].as_str(), last["upload"].as_str()), (Some("started"), Some(id.as_str())), "{records:?}");

    let proxy = server().faulty_proxy(&json!({"seed": 1, "rules": []}));
    let out = migrate(dir.path(), proxy.url(), &args[1..]);
    assert_eq!(out.status.code(), Some(0), "{}\n{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(table_without_timing(&text(&out.stdout)), table(&format!("{from}/"), &format!("{dst}/"), "full", [1, 1, 0, 0, 0, 0, 0], size));
    // The rerun asked the server for the upload's offset and sent only what it lacked: one
    // PATCH (a PATCH never crosses a 6 MiB boundary, so one that completes the object starts
    // at 18 MiB), no new upload.
    let upload_path = format!("/storage/v1/upload/resumable/{id}");
    let requests: Vec<(String, String)> =
        proxy.decisions().iter().map(|d| (d["method"].as_str().unwrap().to_owned(), d["path"].as_str().unwrap().to_owned())).filter(|(_, path)| path.starts_with("/storage/v1/upload/resumable")).collect();
    let expected = [("OPTIONS", "/storage/v1/upload/resumable"), ("HEAD", upload_path.as_str()), ("PATCH", upload_path.as_str())];
    assert_eq!(requests, expected.map(|(m, p)| (m.to_owned(), p.to_owned())));
    let again = manifest_records(&manifest);
    let rerun: Vec<(&str, Option<&str>)> = again[records.len()..].iter().map(|r| (r["outcome"].as_str().unwrap(), r["upload"].as_str())).collect();
    assert_eq!(rerun, [("started", Some(id.as_str())), ("verified", None)]);
    let all: Vec<&String> = seeded.objects.keys().collect();
    assert_eq!(check_destination(&dst, "", &seeded.expected_file(dir.path(), &all), ""), clean(1));
}

fn upload_raw(bucket: &str, key: &str, body: &str) {
    let auth = format!("Authorization: Bearer {}", server().service_key());
    let url = format!("{}/storage/v1/object/{bucket}/{key}", server().url());
    let answer = curl(&["-X", "POST", "-H", &auth, "-H", "Content-Type: text/plain", "--data-binary", body, &url]);
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[test]
fn a_conflict_is_reported_and_left_alone_until_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let spec = json!({"seed": 1, "small": 0, "extra": [
        {"key": "docs/same.txt", "text": "same"}, {"key": "docs/differs.txt", "text": "new"}, {"key": "docs/fresh.txt", "text": "fresh"},
    ]});
    let (src, _) = seed("mig-conflict", spec, dir.path());
    let dst = server().fresh_bucket("mig-conflict");
    upload_raw(&dst, "archive/same.txt", "same");
    upload_raw(&dst, "archive/differs.txt", "old");
    let manifest = dir.path().join("run.jsonl");
    let args = ["--from", &format!("s3://{src}/docs"), "--to", &format!("{dst}/archive"), "--manifest", manifest.to_str().unwrap()].map(str::to_owned);
    let (from_shown, to_shown) = (format!("s3://{src}/docs/"), format!("{dst}/archive/"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = migrate(dir.path(), server().url(), &args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(table_without_timing(&text(&out.stdout)), table(&from_shown, &to_shown, "full", [3, 1, 1, 0, 1, 0, 0], 5));
    let sha = python_sha256;
    assert_eq!(
        text(&out.stderr),
        format!(
            "conflict: docs/differs.txt: `archive/differs.txt` exists at the destination with different bytes (3 bytes with SHA-256 {}, S3 has 3 bytes with SHA-256 {}); --overwrite replaces it\n",
            sha("old"),
            sha("new")
        )
    );
    let body = |key: &str| curl(&["-H", &format!("Authorization: Bearer {}", server().service_key()), &format!("{}/storage/v1/object/{dst}/{key}", server().url())]).body;
    assert_eq!(body("archive/differs.txt"), "old", "a conflict is left alone");
    let mut overwrite = args.clone();
    overwrite.push("--overwrite");
    let out = migrate(dir.path(), server().url(), &overwrite);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(table_without_timing(&text(&out.stdout)), table(&from_shown, &to_shown, "full", [3, 1, 2, 0, 0, 0, 0], 3));
    assert_eq!((body("archive/differs.txt"), body("archive/same.txt"), body("archive/fresh.txt")), ("new".into(), "same".into(), "fresh".into()));
}

fn python_sha256(s: &str) -> String {
    let out = Command::new(python()).args(["-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", s]).output().unwrap();
    text(&out.stdout).trim().to_owned()
}

#[test]
fn delete_source_removes_exactly_the_verified_objects_in_batches() {
    let dir = tempfile::tempdir().unwrap();
    let spec = json!({"seed": 4, "small": 1100, "extra": [{"key": "zz/bad#1.txt", "text": "stays"}]});
    let (src, seeded) = seed("mig-delete", spec, dir.path());
    let dst = server().fresh_bucket("mig-delete");
    let manifest = dir.path().join("run.jsonl");
    let from = format!("s3://{src}");
    let base = ["--from", from.as_str(), "--to", dst.as_str(), "--manifest", manifest.to_str().unwrap()];

    // No terminal to ask on and no --yes: refused before anything happens.
    let out = migrate(dir.path(), server().url(), &[&base[..], &["--delete-source"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), "error: --delete-source asks before deleting, and there is no terminal to ask on: add --yes\n");
    assert!(!manifest.exists());

    // 1050 verified by size in a first run, the other 50 in the deleting run.
    let out = migrate(dir.path(), server().url(), &[&base[..], &["--limit", "1050", "--verify", "size"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = migrate(dir.path(), server().url(), &[&base[..], &["--delete-source", "--yes"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let all: Vec<&String> = seeded.objects.keys().collect();
    let rest: Vec<&String> = all[1050..1100].to_vec();
    assert_eq!(table_without_timing(&text(&out.stdout)), table(&format!("{from}/"), &format!("{dst}/"), "full", [1101, 50, 1050, 0, 0, 1, 1100], seeded.bytes(&rest)));
    assert_eq!(s3_keys(&src), ["zz/bad#1.txt"]);
    let valid: Vec<&String> = all.iter().copied().filter(|k| k.as_str() != "zz/bad#1.txt").collect();
    assert_eq!(check_destination(&dst, "", &seeded.expected_file(dir.path(), &valid), ""), clean(1100));
    let deleted = manifest_records(&manifest).iter().filter(|r| r["outcome"] == "deleted").count();
    assert_eq!(deleted, 1100);
}

#[test]
fn usage_and_credential_errors_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |cmd: &mut Command| {
        let out = cmd.output().unwrap();
        (out.status.code(), text(&out.stderr))
    };
    let base = || command(dir.path(), server().url());
    assert_eq!(
        run(base().args(["migrate-data", "--from", "bucket/x", "--to", "d"])),
        (Some(2), "error: --from `bucket/x`: expected s3://BUCKET[/PREFIX]\n".to_owned())
    );
    assert_eq!(
        run(base().env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY").args(["migrate-data", "--from", "s3://b", "--to", "d"])),
        (Some(2), "error: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give profile `default` aws_access_key_id and aws_secret_access_key\n".to_owned())
    );
    assert_eq!(
        run(base().env_remove("SUPABASE_SERVICE_ROLE_KEY").args(["migrate-data", "--from", "s3://b", "--to", "d"])),
        (Some(2), "error: SUPABASE_SERVICE_ROLE_KEY is not set\n".to_owned())
    );
    assert_eq!(
        run(base().args(["migrate-data", "--from", "s3://b", "--to", "no-such-bucket"])),
        (Some(2), "error: Supabase bucket `no-such-bucket` does not exist (create it first)\n".to_owned())
    );
    let dst = server().fresh_bucket("mig-errors");
    let out = run(base().args(["migrate-data", "--from", "s3://no-such-source", "--to", &dst, "--retries", "0"]));
    assert_eq!(out.0, Some(2));
    assert!(out.1.starts_with("error: S3 list: HTTP 404: NoSuchBucket"), "{}", out.1);
}

#[test]
fn the_shared_aws_files_and_profile_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let (src, _) = seed("mig-profile", json!({"seed": 2, "small": 0, "extra": [{"key": "p.txt", "text": "profile"}]}), dir.path());
    let dst = server().fresh_bucket("mig-profile");
    let aws = dir.path().join(".aws");
    std::fs::create_dir(&aws).unwrap();
    std::fs::write(aws.join("credentials"), "[migration]\naws_access_key_id = testing\naws_secret_access_key = testing\n").unwrap();
    std::fs::write(aws.join("config"), format!("[profile migration]\nregion = us-east-1\nendpoint_url = {}\n", moto().endpoint())).unwrap();
    let out = command(dir.path(), server().url())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_PROFILE", "migration")
        .args(["migrate-data", "--from", &format!("s3://{src}"), "--to", &dst])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("\n  copied                          1\n"), "{}", text(&out.stdout));
    assert!(dir.path().join(".s3-to-supabase").join(format!("migrate-{src}--{dst}.jsonl")).is_file());
}

/// Forks, execs argv[2:], and writes the child's peak RSS (KiB) to argv[1]; exits as it
/// did. Measured from this small process: a child of the test process itself would inherit
/// the test's own high-water mark (Linux carries it across exec into `ru_maxrss`).
const MEASURE_RSS: &str = "import os, sys\n\
    pid = os.fork()\n\
    if pid == 0:\n\
    \x20   os.execv(sys.argv[2], sys.argv[2:])\n\
    _, status, usage = os.wait4(pid, 0)\n\
    open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n\
    sys.exit(os.waitstatus_to_exitcode(status))\n";

/// Runs `program` (the binary, or another to measure the helper's floor) with `args` and
/// the environment of [`command`] under [`MEASURE_RSS`]; returns its output and its peak
/// RSS in KiB.
fn run_measured(dir: &Path, program: &Path, args: &[&str]) -> (Output, u64) {
    let rss_file = dir.join("peak-rss.txt");
    let mut cmd = with_environment(Command::new(python()), dir, server().url());
    cmd.args(["-c", MEASURE_RSS]).arg(&rss_file).arg(program).args(args);
    let out = cmd.output().expect("run the measuring helper");
    let peak = std::fs::read_to_string(&rss_file).unwrap_or_else(|err| panic!("the measuring helper wrote no peak ({err}): {}", text(&out.stderr)));
    std::fs::remove_file(&rss_file).unwrap();
    (out, peak.trim().parse().expect("a number of KiB"))
}

/// Peak memory does not grow with the object count (issue 10): the same runs over N and
/// 10·N objects, measured by the kernel. A dry run (the source listing walked beside the
/// destination's), and a real run whose manifest (two records an object, from a run
/// before) says everything is verified (its states sorted, the source walked twice).
#[test]
#[allow(clippy::print_stderr)] // the peaks are README's figures: shown with --nocapture
fn peak_memory_does_not_grow_with_the_object_count() {
    const N: usize = 2_000;
    /// Allowed growth from N to 10·N objects. Holding the keys would cost ~400 bytes each
    /// (the listing, the manifest's states, the tasks): 7 MB for the 18,000 more.
    const SLACK_KIB: u64 = 2048;
    let dir = tempfile::tempdir().unwrap();
    // N objects under few/, 9·N more under more/: --from s3://B/few is N, s3://B is 10·N.
    let extra: Vec<Value> = (0..10 * N)
        .map(|i| json!({"key": format!("{}/d{}/object-{i:06}.txt", if i < N { "few" } else { "more" }, i % 7), "text": "x"}))
        .collect();
    let (src, _) = seed("mig-memory", json!({"seed": 3, "small": 0, "extra": extra}), dir.path());
    let listed = s3_objects(&src);
    let (floor_out, floor) = run_measured(dir.path(), Path::new("/bin/true"), &[]);
    assert!(floor_out.status.success());
    let mut peaks = Vec::new();
    for (from, count) in [(format!("s3://{src}/few"), N), (format!("s3://{src}"), 10 * N)] {
        let dst = server().fresh_bucket("mig-memory");
        let (from_shown, to_shown) = (format!("{}/", from.trim_end_matches('/')), format!("{dst}/"));
        let manifest = dir.path().join(format!("memory-{count}.jsonl"));
        let m = manifest.to_str().unwrap();

        let (out, dry_peak) = run_measured(dir.path(), binary(), &["migrate-data", "--from", &from, "--to", &dst, "--manifest", m, "--dry-run"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let to_copy = format!("  {:<34} {:>8}  0.0 MB\n", "to copy", count);
        assert!(text(&out.stdout).contains(&to_copy), "{}", text(&out.stdout));

        let mut lines = vec![json!({"manifest": "s3-to-supabase migrate-data", "version": 1, "from": from_shown, "to": to_shown}).to_string()];
        for (key, size, etag) in listed.iter().filter(|(key, _, _)| count > N || key.starts_with("few/")) {
            lines.push(json!({"key": key, "size": size, "etag": etag, "outcome": "started"}).to_string());
            lines.push(json!({"key": key, "size": size, "etag": etag, "outcome": "verified", "check": "size"}).to_string());
        }
        assert_eq!(lines.len(), 1 + 2 * count);
        std::fs::write(&manifest, lines.join("\n") + "\n").unwrap();
        let (out, run_peak) = run_measured(dir.path(), binary(), &["migrate-data", "--from", &from, "--to", &dst, "--manifest", m, "--verify", "size"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let count = count as u64;
        assert_eq!(table_without_timing(&text(&out.stdout)), table(&from_shown, &to_shown, "size", [count, 0, count, 0, 0, 0, 0], 0));
        peaks.push((dry_peak, run_peak));
    }
    let [(dry_small, run_small), (dry_large, run_large)] = peaks[..] else { unreachable!() };
    eprintln!("peak RSS (KiB): dry run {dry_small} / {dry_large}, rerun {run_small} / {run_large} for {N} / {} objects", 10 * N);
    assert!(dry_small.min(run_small) > floor + 1024, "the measurement sees the helper ({floor} KiB), not the binary: {peaks:?}");
    assert!(dry_large <= dry_small + SLACK_KIB, "dry run: {dry_small} KiB for {N} objects, {dry_large} KiB for {}", 10 * N);
    assert!(run_large <= run_small + SLACK_KIB, "rerun: {run_small} KiB for {N} objects, {run_large} KiB for {}", 10 * N);
}
