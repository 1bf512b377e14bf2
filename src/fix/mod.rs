//! Fixes as byte-range edits on the original text, and the loop that applies them.

pub mod apply;
pub mod edit;
pub mod imports;
