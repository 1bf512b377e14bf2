pub const HARDCODED_BUCKET_DOC: &str = "";
pub const BUCKET_IN_STRING_DOC: &str = "";
pub const BUCKET_ENV_LOOKUP_DOC: &str = "";
pub const BUCKET_CONSTANT_DOC: &str = "";
pub const BUCKET_NEEDS_REVIEW_DOC: &str = "";
pub const UNLISTED_BUCKET_DOC: &str = "";
