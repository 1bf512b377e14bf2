//! Helpers shared by the integration tests (each test file says `mod common;`).

pub mod curl;
pub mod moto;
pub mod python;
pub mod storage_server;
pub mod tree;
pub mod watchdog;

use std::sync::atomic::{AtomicU32, Ordering};

/// `<prefix>-<n>` with `n` counting up in `count`: a bucket name unique in this process
/// (each process has its own servers). `prefix` is lowercase letters, digits and `-`, valid
/// for both S3 and Supabase.
pub fn numbered_bucket(prefix: &str, count: &AtomicU32) -> String {
    assert!(
        !prefix.is_empty()
            && prefix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "bucket prefix {prefix:?}: use lowercase letters, digits and -"
    );
    format!("{prefix}-{}", count.fetch_add(1, Ordering::Relaxed) + 1)
}
