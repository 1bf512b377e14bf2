//! Project setup files: requirements and the environment example. (Being written.)

use crate::finding::Finding;
use crate::rules::SetupContext;

pub fn check(_ctx: &SetupContext) -> Vec<Finding> {
    Vec::new()
}
