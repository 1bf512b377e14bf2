//! Supabase's resumable uploads (the TUS protocol at `/storage/v1/upload/resumable`), as the
//! real server behaves (issue 10): the upload URL is built from the last segment of the
//! `Location` it answers (which names the server's own host and scheme, not the gateway's);
//! `x-upsert` goes on every request, or the final PATCH fails on an existing key;
//! `cacheControl` metadata must be digits (seconds of max-age); a create over the limit is
//! answered 413 at once.

use std::io::Read;
use std::time::Duration;

use base64::Engine as _;
use ureq::SendBody;

use super::dest::{ApiError, Destination};
use super::http::{transport, Attempt, Failure};

/// Supabase's chunk size for resumable uploads; objects above it go this way.
pub const CHUNK: u64 = 6 * 1024 * 1024;
const TUS_VERSION: &str = "1.0.0";
/// The longest wait for the offset of an interrupted upload.
const OFFSET_TIMEOUT: Duration = Duration::from_secs(10);

/// An upload the server has created.
pub struct Upload<'d> {
    dest: &'d Destination,
    path: String,
    upsert: bool,
}

/// What creating an upload ended in, short of a failure.
pub enum Created<'d> {
    Upload(Upload<'d>),
    /// 409: the key exists and `upsert` was false.
    AlreadyExists,
}

/// Metadata values are base64; `cacheControl` is left out unless it is a plain max-age.
fn metadata(bucket: &str, key: &str, content_type: Option<&str>, max_age: Option<&str>) -> String {
    let b64 = |value: &str| base64::engine::general_purpose::STANDARD.encode(value);
    let mut pairs = vec![format!("bucketName {}", b64(bucket)), format!("objectName {}", b64(key))];
    if let Some(content_type) = content_type.filter(|t| !t.is_empty()) {
        pairs.push(format!("contentType {}", b64(content_type)));
    }
    if let Some(seconds) = max_age {
        pairs.push(format!("cacheControl {}", b64(seconds)));
    }
    pairs.join(",")
}

/// The seconds of a cache-control that TUS can carry (`max-age=N` exactly), if it is one.
/// No cache-control at all also goes by TUS (the server stores its default, as S3 has none).
pub fn tus_max_age(cache_control: Option<&str>) -> Result<Option<&str>, ()> {
    match cache_control.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => match value.strip_prefix("max-age=") {
            Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(digits)),
            _ => Err(()),
        },
    }
}

pub fn create<'d>(
    dest: &'d Destination,
    key: &str,
    length: u64,
    content_type: Option<&str>,
    max_age: Option<&str>,
    upsert: bool,
) -> Attempt<Created<'d>> {
    let response = dest
        .authorize(dest.agent().post(dest.url("/upload/resumable")))
        .header("Tus-Resumable", TUS_VERSION)
        .header("Upload-Length", length.to_string())
        .header("Upload-Metadata", metadata(&dest.bucket, key, content_type, max_age))
        .header("x-upsert", upsert_value(upsert))
        .send(&[][..])
        .map_err(|err| transport("Supabase resumable create", err))?;
    let status = response.status().as_u16();
    if status == 201 {
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
        let id = location.rsplit('/').next().unwrap_or_default();
        if !is_upload_id(id) {
            return Err(Failure::transient("Supabase resumable create: answer without a usable Location"));
        }
        return Ok(Created::Upload(Upload::known(dest, id, upsert)));
    }
    // TUS answers carry the real status (409, 413) with a plain-text body.
    match ApiError::read("Supabase resumable create", response)? {
        error if error.status == 409 => Ok(Created::AlreadyExists),
        error => Err(error.into_failure("Supabase resumable create")),
    }
}

/// An upload id as the server makes them (base64 of the object's path and version), safe
/// to put in a URL path; one read from a manifest is checked before use.
fn is_upload_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_=+".contains(&b))
}

fn upsert_value(upsert: bool) -> &'static str {
    if upsert {
        "true"
    } else {
        "false"
    }
}

impl<'d> Upload<'d> {
    fn known(dest: &'d Destination, id: &str, upsert: bool) -> Upload<'d> {
        Upload { dest, path: format!("/upload/resumable/{id}"), upsert }
    }

    /// The upload `id` (from an earlier run's manifest) and the offset the server holds for
    /// it, if the server still knows it as an unfinished upload of `length` bytes. `None`
    /// (start afresh) when it does not: expired, finished, of another length, or unanswered
    /// within [`OFFSET_TIMEOUT`].
    pub fn resume(dest: &'d Destination, id: &str, upsert: bool, length: u64) -> Option<(Upload<'d>, u64)> {
        if !is_upload_id(id) {
            return None;
        }
        let upload = Upload::known(dest, id, upsert);
        match upload.head() {
            Ok((offset, Some(total))) if total == length && offset < length => Some((upload, offset)),
            _ => None,
        }
    }

    /// The id the server gave this upload (the last segment of its URL).
    pub fn id(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or_default()
    }

    /// Sends `length` bytes of `body` at `offset`; returns the server's new offset.
    pub fn patch(&self, offset: u64, length: u64, body: &mut dyn Read) -> Attempt<u64> {
        let response = self
            .dest
            .authorize(self.dest.agent().patch(self.dest.url(&self.path)))
            .header("Tus-Resumable", TUS_VERSION)
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .header("Content-Length", length.to_string())
            .header("x-upsert", upsert_value(self.upsert))
            .send(SendBody::from_reader(body))
            .map_err(|err| transport("Supabase resumable upload", err))?;
        if response.status().as_u16() == 204 {
            return new_offset(&response);
        }
        Err(ApiError::failure("Supabase resumable upload", response))
    }

    /// The offset the server holds (after a failed PATCH, to resume from there). Bounded by
    /// [`OFFSET_TIMEOUT`]: the server holds a HEAD on an upload still locked by the failed
    /// PATCH for about 60 s, and starting over is quicker than waiting.
    pub fn offset(&self) -> Attempt<u64> {
        self.head().map(|(offset, _)| offset)
    }

    /// The server's `Upload-Offset` and `Upload-Length` (bounded by [`OFFSET_TIMEOUT`]).
    fn head(&self) -> Attempt<(u64, Option<u64>)> {
        let response = self
            .dest
            .authorize(self.dest.agent().head(self.dest.url(&self.path)))
            .header("Tus-Resumable", TUS_VERSION)
            .header("x-upsert", upsert_value(self.upsert))
            .config()
            .timeout_global(Some(OFFSET_TIMEOUT))
            .build()
            .call()
            .map_err(|err| transport("Supabase resumable offset", err))?;
        if response.status().is_success() {
            let length = response.headers().get("upload-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
            return Ok((new_offset(&response)?, length));
        }
        Err(ApiError::failure("Supabase resumable offset", response))
    }
}

fn new_offset(response: &ureq::http::Response<ureq::Body>) -> Attempt<u64> {
    response
        .headers()
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Failure::transient("Supabase resumable upload: answer without Upload-Offset"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_max_age_goes_by_tus() {
        assert_eq!(tus_max_age(None), Ok(None));
        assert_eq!(tus_max_age(Some("max-age=86400")), Ok(Some("86400")));
        assert_eq!(tus_max_age(Some("public, max-age=60")), Err(()));
        assert_eq!(tus_max_age(Some("no-store")), Err(()));
        assert_eq!(tus_max_age(Some("max-age=")), Err(()));
    }

    #[test]
    fn upload_ids_fit_in_a_path_segment() {
        assert!(is_upload_id("YzEvYSBiL3greS5iaW4vNDg1ODhk-_="));
        assert!(!is_upload_id(""));
        assert!(!is_upload_id("../../bucket/x"));
        assert!(!is_upload_id("a?b"));
    }

    #[test]
    fn metadata_is_base64() {
        assert_eq!(metadata("b", "k.bin", Some("image/png"), Some("60")), "bucketName Yg==,objectName ay5iaW4=,contentType aW1hZ2UvcG5n,cacheControl NjA=");
        assert_eq!(metadata("b", "k", None, None), "bucketName Yg==,objectName aw==");
    }
}
