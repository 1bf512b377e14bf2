//! Everything that needs a live server: one test binary, so one Supabase Storage server
//! (and one moto) per test run, shared by all its tests (see tests/common/storage_server.rs
//! and tests/common/moto.rs). Each area is a module in tests/live/: add yours to the list.

#[allow(dead_code)]
mod common;

// Inline, so that the files are found in tests/live/ (the crate root is tests/).
mod live {
    mod behaviour;
    mod conformance;
    mod harness;
    mod migrate_data;
}
