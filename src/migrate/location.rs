//! Where objects come from and go to: `--from s3://BUCKET[/PREFIX]`, `--to BUCKET[/PREFIX]`,
//! how a source key maps to a destination key (its path below the source folder, under the
//! destination folder, as `rclone copy` does), and which keys Supabase accepts.

/// `s3://BUCKET[/PREFIX]`; `prefix` is empty or ends with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    pub bucket: String,
    pub prefix: String,
}

/// `BUCKET[/PREFIX]` in Supabase Storage; `prefix` is empty or ends with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestLocation {
    pub bucket: String,
    pub prefix: String,
}

impl SourceLocation {
    pub fn parse(text: &str) -> Result<SourceLocation, String> {
        let rest = text.strip_prefix("s3://").ok_or_else(|| format!("--from `{text}`: expected s3://BUCKET[/PREFIX]"))?;
        let (bucket, prefix) = split_bucket(rest).ok_or_else(|| format!("--from `{text}`: no bucket name after s3://"))?;
        Ok(SourceLocation { bucket, prefix })
    }

    /// The key below the source folder.
    pub fn relative<'k>(&self, key: &'k str) -> &'k str {
        key.strip_prefix(self.prefix.as_str()).unwrap_or(key)
    }

    pub fn display(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }
}

impl DestLocation {
    pub fn parse(text: &str) -> Result<DestLocation, String> {
        let (bucket, prefix) = split_bucket(text).ok_or_else(|| format!("--to `{text}`: expected BUCKET[/PREFIX]"))?;
        if let Some(reason) = invalid_key_reason(&prefix) {
            return Err(format!("--to `{text}`: the prefix {reason}"));
        }
        Ok(DestLocation { bucket, prefix })
    }

    pub fn key(&self, relative: &str) -> String {
        format!("{}{relative}", self.prefix)
    }

    pub fn display(&self) -> String {
        format!("{}/{}", self.bucket, self.prefix)
    }
}

fn split_bucket(text: &str) -> Option<(String, String)> {
    let (bucket, prefix) = text.split_once('/').unwrap_or((text, ""));
    if bucket.is_empty() {
        return None;
    }
    let prefix = prefix.trim_start_matches('/');
    let prefix = if prefix.is_empty() || prefix.ends_with('/') { prefix.to_owned() } else { format!("{prefix}/") };
    Some((bucket.to_owned(), prefix))
}

/// Characters Supabase Storage allows in a key (its `src/storage/limits.ts`, v1.70.6).
fn is_allowed_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_/!.*'() &$=@;:+,?-".contains(c)
}

/// Why Supabase would refuse (or silently change) `key`, or `None` when it takes it as is.
/// Reported before anything is uploaded, never mangled into something else.
pub fn invalid_key_reason(key: &str) -> Option<String> {
    if let Some(c) = key.chars().find(|c| !is_allowed_key_char(*c)) {
        let shown = if c.is_ascii_graphic() || c == ' ' { format!("`{c}`") } else { format!("U+{:04X}", u32::from(c)) };
        return Some(format!("contains {shown}, which Supabase Storage does not allow in a key (InvalidKey)"));
    }
    // The server normalises `.`/`..` segments away (`a/../b` is stored as `b`).
    if key.split('/').any(|segment| segment == "." || segment == "..") {
        return Some("has a `.` or `..` path segment, which Supabase Storage would resolve into another key".to_owned());
    }
    None
}

/// `-`-separated safe form of a location for the default manifest file name.
pub fn file_name_part(text: &str) -> String {
    let mapped: String = text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect();
    mapped.trim_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_locations() {
        assert_eq!(SourceLocation::parse("s3://b").unwrap(), SourceLocation { bucket: "b".into(), prefix: String::new() });
        assert_eq!(SourceLocation::parse("s3://b/media/x").unwrap(), SourceLocation { bucket: "b".into(), prefix: "media/x/".into() });
        assert_eq!(SourceLocation::parse("s3://b/media/").unwrap().prefix, "media/");
        assert_eq!(SourceLocation::parse("b/x").unwrap_err(), "--from `b/x`: expected s3://BUCKET[/PREFIX]");
        assert_eq!(SourceLocation::parse("s3:///x").unwrap_err(), "--from `s3:///x`: no bucket name after s3://");
        assert_eq!(DestLocation::parse("store/archive").unwrap(), DestLocation { bucket: "store".into(), prefix: "archive/".into() });
        assert!(DestLocation::parse("store/ü").unwrap_err().starts_with("--to `store/ü`: the prefix contains U+00FC"));
    }

    #[test]
    fn maps_keys_below_the_folders() {
        let from = SourceLocation::parse("s3://b/media").unwrap();
        let to = DestLocation::parse("store/old").unwrap();
        assert_eq!(to.key(from.relative("media/a/b.png")), "old/a/b.png");
        assert_eq!(DestLocation::parse("store").unwrap().key("x.txt"), "x.txt");
    }

    #[test]
    fn valid_and_invalid_keys() {
        for key in ["a/b c.txt", "x!.*'()&$=@;:+,?-_.bin", "UPPER/09"] {
            assert_eq!(invalid_key_reason(key), None, "{key}");
        }
        let bad: Vec<(&str, String)> = ["ü.txt", "a#b", "50%", "~x", "[1]", "{a}", "a^b", "`", "a|b", "a\\b", "\"q\"", "<a>", "tab\t"]
            .into_iter()
            .filter_map(|key| invalid_key_reason(key).map(|reason| (key, reason)))
            .collect();
        assert_eq!(bad.len(), 13, "{bad:?}");
        assert_eq!(bad[0].1, "contains U+00FC, which Supabase Storage does not allow in a key (InvalidKey)");
        assert_eq!(bad[1].1, "contains `#`, which Supabase Storage does not allow in a key (InvalidKey)");
        assert!(invalid_key_reason("a/../b").unwrap().contains("`..`"));
    }
}
