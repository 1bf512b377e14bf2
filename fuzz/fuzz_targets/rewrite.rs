//! The whole rewrite of one file, as `diff`/`apply` run it, on arbitrary bytes.
//! The properties are in `oracle.rs`, shared with `tests/properties.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../oracle.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    // The CLI runs files on threads with a 256 MiB stack; so does this, so that
    // deep nesting is judged as the CLI would see it. A panic in the thread
    // aborts the process (libFuzzer's panic hook), which is the crash report.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(scope, || oracle::check(data))
            .expect("spawn a worker thread")
            .join()
            .expect("oracle::check panicked");
    });
});
