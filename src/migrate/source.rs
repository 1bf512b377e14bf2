//! The S3 side: list the objects under the source prefix, stream one object (from an
//! offset, to resume), delete a batch. Requests are SigV4-presigned by `rusty-s3` and sent
//! with the run's `ureq` agent; nothing here buffers an object.

use std::time::Duration;

use rusty_s3::actions::{DeleteObjectsResponse, ListObjectsV2, ObjectIdentifier};
use rusty_s3::{Bucket, S3Action, UrlStyle};
use ureq::http::Response;
use ureq::Body;

use super::credentials::AwsSettings;
use super::http::{error_body, stream_error, transport, Attempt, Failure, RetryPolicy};
use super::location::SourceLocation;

/// How long a presigned request stays valid: it is sent at once, so minutes are plenty.
const SIGNATURE_TTL: Duration = Duration::from_secs(15 * 60);
/// S3's page size and its batch limit for DeleteObjects.
pub const DELETE_BATCH: usize = 1000;

/// One listed object.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceObject {
    pub key: String,
    pub size: u64,
    /// As S3 lists it, quotes included (`"<md5>"` or `"<md5>-<parts>"`).
    pub etag: String,
}

/// An object being read: its body and the headers the copy keeps.
pub struct ObjectStream {
    pub body: ureq::BodyReader<'static>,
    /// Bytes this response carries (the rest of the object from the requested offset).
    pub length: u64,
    pub etag: String,
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
}

pub struct Source {
    bucket: Bucket,
    settings: AwsSettings,
    prefix: String,
    agent: ureq::Agent,
    policy: RetryPolicy,
}

impl Source {
    pub fn new(location: &SourceLocation, settings: AwsSettings, agent: ureq::Agent, policy: RetryPolicy) -> Result<Source, String> {
        let (endpoint, style) = match &settings.endpoint {
            Some(endpoint) => (endpoint.clone(), UrlStyle::Path),
            None => (format!("https://s3.{}.amazonaws.com", settings.region), UrlStyle::VirtualHost),
        };
        let endpoint = url::Url::parse(&endpoint).map_err(|err| format!("AWS endpoint `{endpoint}` is not a URL: {err}"))?;
        let bucket = Bucket::new(endpoint, style, location.bucket.clone(), settings.region.clone())
            .map_err(|err| format!("S3 bucket `{}`: {err}", location.bucket))?;
        Ok(Source { bucket, settings, prefix: location.prefix.clone(), agent, policy })
    }

    /// Calls `visit` with every object under the prefix, in S3's key order (UTF-8 byte
    /// order), one page (1000 keys) in memory at a time, until `visit` fails. Each page
    /// request is retried on its own.
    pub fn list(&self, mut visit: impl FnMut(SourceObject) -> Result<(), String>) -> Result<(), String> {
        let mut token: Option<String> = None;
        loop {
            let page = self.policy.run(|_| {
                let mut action = ListObjectsV2::new(&self.bucket, Some(&self.settings.credentials));
                if !self.prefix.is_empty() {
                    action.with_prefix(self.prefix.as_str());
                }
                if let Some(token) = &token {
                    action.with_continuation_token(token.as_str());
                }
                let url = action.sign(SIGNATURE_TTL);
                let response = self.agent.get(url.as_str()).call().map_err(|err| transport("S3 list", err))?;
                let response = expect_success("S3 list", response)?;
                let reader = response.into_body().into_reader();
                ListObjectsV2::parse_response_from_reader(reader).map_err(|err| Failure::transient(format!("S3 list: unreadable answer: {err}")))
            })
            .map_err(|failure| failure.message)?;
            for content in page.contents {
                visit(SourceObject { key: decode_listed_key(&content.key), size: content.size, etag: content.etag })?;
            }
            match page.next_continuation_token {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok(()),
            }
        }
    }

    /// Starts reading `key` at byte `offset`. One attempt: the caller retries the transfer
    /// it belongs to.
    pub fn open(&self, key: &str, offset: u64) -> Attempt<ObjectStream> {
        let url = self.bucket.get_object(Some(&self.settings.credentials), key).sign(SIGNATURE_TTL);
        // Range is not signed (presigned URLs sign the host only), so it may vary per attempt.
        let mut request = self.agent.get(url.as_str());
        if offset > 0 {
            request = request.header("Range", format!("bytes={offset}-"));
        }
        let response = request.call().map_err(|err| transport("S3 get", err))?;
        let response = expect_success("S3 get", response)?;
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let length = header("content-length")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Failure::transient("S3 get: answer without Content-Length"))?;
        let etag = header("etag").unwrap_or_default();
        let content_type = header("content-type");
        let cache_control = header("cache-control");
        Ok(ObjectStream { body: response.into_body().into_reader(), length, etag, content_type, cache_control })
    }

    /// Deletes `keys` (at most [`DELETE_BATCH`]) in one request; returns the keys S3
    /// reports deleted and the `key: reason` of those it refused.
    pub fn delete(&self, keys: &[String]) -> Attempt<(Vec<String>, Vec<String>)> {
        debug_assert!(keys.len() <= DELETE_BATCH);
        let objects: Vec<ObjectIdentifier> = keys.iter().map(|key| ObjectIdentifier::new(key.clone())).collect();
        self.policy.run(|_| {
            let mut action = self.bucket.delete_objects(Some(&self.settings.credentials), objects.iter());
            action.set_quiet(false);
            let url = action.sign(SIGNATURE_TTL);
            let (body, md5) = action.body_with_md5();
            let response = self
                .agent
                .post(url.as_str())
                .header("Content-MD5", md5)
                .header("Content-Type", "application/xml")
                .send(body.as_bytes())
                .map_err(|err| transport("S3 delete", err))?;
            let response = expect_success("S3 delete", response)?;
            let mut text = String::new();
            std::io::Read::read_to_string(&mut response.into_body().into_reader(), &mut text).map_err(|err| stream_error("S3 delete", &err))?;
            let answer = DeleteObjectsResponse::parse(&text).map_err(|err| Failure::transient(format!("S3 delete: unreadable answer: {err}")))?;
            let deleted = answer.deleted.into_iter().map(|d| d.key).collect();
            let refused = answer.errors.into_iter().map(|e| format!("{}: {} {}", e.key, e.code, e.message)).collect();
            Ok((deleted, refused))
        })
    }
}

fn expect_success(what: &str, response: Response<Body>) -> Attempt<Response<Body>> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = error_body(what, response)?;
    Err(Failure::status(what, status.as_u16(), &s3_error_summary(&body)))
}

/// `Code: Message` from an S3 XML error body (for the user; the body holds no secret).
fn s3_error_summary(body: &str) -> String {
    let element = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find(&format!("</{name}>"))? + start;
        Some(body[start..end].to_owned())
    };
    match (element("Code"), element("Message")) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code,
        _ => String::new(),
    }
}

/// Keys come back form-urlencoded (`encoding-type=url`, which rusty-s3 always asks for so
/// that any key survives XML): `+` is a space, `%XX` a byte.
fn decode_listed_key(raw: &str) -> String {
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_keys_are_decoded() {
        assert_eq!(decode_listed_key("a+b%2Bc%2F%C3%BC.txt"), "a b+c/ü.txt");
        assert_eq!(decode_listed_key("plain/key.txt"), "plain/key.txt");
    }

    #[test]
    fn error_summary() {
        let body = "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>";
        assert_eq!(s3_error_summary(body), "NoSuchBucket: The specified bucket does not exist");
        assert_eq!(s3_error_summary("not xml"), "");
    }
}
