//! The live-test harness itself: moto answers boto3 with the variables it hands out, fresh
//! buckets are distinct, private and empty, and the fault-injecting proxy does what its plan
//! says, the same way every time for the same seed.

use super::conformance::pytest_in;
use crate::common::moto::moto;
use crate::common::python::{manifest_dir, python};
use crate::common::storage_server::server;
use serde_json::{json, Value};
use std::process::Command;

fn run_python(script: &str, env: &[(String, String)]) -> String {
    let out = Command::new(python())
        .args(["-c", script])
        .current_dir(manifest_dir())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run python: {e}"));
    assert!(
        out.status.success(),
        "python failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn moto_answers_boto3_with_the_env_it_hands_out() {
    let m = moto();
    let bucket = m.fresh_bucket("harness");
    let other = m.fresh_bucket("harness");
    assert_ne!(bucket, other);
    let mut env: Vec<(String, String)> = m
        .env()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    env.push(("BUCKET".into(), bucket.clone()));
    let script = "import boto3, os\n\
        s3 = boto3.client('s3')\n\
        b = os.environ['BUCKET']\n\
        print(s3.list_objects_v2(Bucket=b)['KeyCount'])\n\
        s3.put_object(Bucket=b, Key='a/b.txt', Body=b'hi')\n\
        print(s3.get_object(Bucket=b, Key='a/b.txt')['Body'].read().decode())\n\
        print(s3.meta.endpoint_url == os.environ['AWS_ENDPOINT_URL'])\n";
    assert_eq!(run_python(script, &env), "0\nhi\nTrue\n");
}

#[test]
fn fresh_buckets_are_distinct_private_and_empty() {
    let s = server();
    let a = s.fresh_bucket("harness");
    let b = s.fresh_bucket("harness");
    assert_ne!(a, b);
    let got = s.api("GET", &format!("/bucket/{a}"), None);
    assert_eq!(got.status, 200, "{}", got.body);
    let bucket: Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(
        (&bucket["name"], &bucket["public"]),
        (&json!(a), &json!(false))
    );
    let listed = s.api(
        "POST",
        &format!("/object/list/{a}"),
        Some(&json!({"prefix": ""})),
    );
    assert_eq!((listed.status, listed.body.as_str()), (200, "[]"));
}

/// 429 for the 5th request, 503 for a seeded 30% of the info GETs.
fn replay_plan(seed: u32) -> serde_json::Value {
    json!({"seed": seed, "rules": [
        {"nth": [5], "fault": {"status": 429, "headers": {"retry-after": "1"}}},
        {"method": "GET", "path_prefix": "/storage/v1/object/info/", "rate": 0.3, "fault": {"status": 503}},
    ]})
}

#[test]
fn fault_proxy_replays_a_seeded_plan_and_injects_each_kind() {
    let s = server();
    let bucket = s.fresh_bucket("faults");
    let (a, b, c) = (
        s.faulty_proxy(&replay_plan(7)),
        s.faulty_proxy(&replay_plan(7)),
        s.faulty_proxy(&replay_plan(8)),
    );
    let kind = |path: &str, method: Option<&str>, fault: serde_json::Value| {
        let mut rule = json!({"path_prefix": format!("/storage/v1/object/{path}"), "nth": [1], "fault": fault});
        if let Some(m) = method {
            rule["method"] = json!(m);
        }
        rule
    };
    let kinds = s.faulty_proxy(&json!({"seed": 1, "rules": [
        kind(&format!("info/{bucket}/kinds/status.txt"), None, json!({"status": 500})),
        kind(&format!("{bucket}/kinds/reset-request.bin"), Some("POST"), json!({"reset": "request"})),
        kind(&format!("{bucket}/kinds/reset-response.bin"), Some("POST"), json!({"reset": "response"})),
        kind(&format!("{bucket}/kinds/download.bin"), Some("GET"), json!({"reset": "response"})),
        kind(&format!("info/{bucket}/kinds/delay.txt"), None, json!({"delay_ms": 3000})),
    ]}));
    pytest_in(
        "test_fault_proxy.py",
        &bucket,
        &[
            ("FAULTY_URL_A", a.url()),
            ("FAULTY_URL_B", b.url()),
            ("FAULTY_URL_C", c.url()),
            ("FAULTY_URL_KINDS", kinds.url()),
        ],
    );
    let (da, db, dc) = (a.decisions(), b.decisions(), c.decisions());
    assert_eq!(da.len(), 40);
    assert_eq!(da, db, "same seed, same requests: same decisions");
    assert_ne!(da, dc);
    let fired: Vec<_> = kinds
        .decisions()
        .iter()
        .filter_map(|d| d["fault"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        fired,
        [
            "500",
            "reset-request",
            "reset-response",
            "reset-response",
            "delay-3000"
        ]
    );
}
