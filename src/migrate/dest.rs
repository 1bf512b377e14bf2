//! The Supabase side, through the Storage REST API under `SUPABASE_URL/storage/v1` with the
//! service role key: the bucket and its limits, the listing in key order, a streamed
//! standard upload, a streamed download. Errors arrive as HTTP 400 with the real status as
//! a string in the body (storage-server-observed.md); [`ApiError`] reads it.

use std::io::Read;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use ureq::http::Response;
use ureq::{Body, SendBody};

use super::lookup::Stream;
use super::http::{error_body, is_retryable_status, stream_error, transport, Attempt, Failure, RetryPolicy};

/// Bytes of a key kept as they are in a URL path; everything else is percent-encoded.
const KEY_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
/// Entries per list request (the most `list-v2` gives).
const LIST_PAGE: usize = 1000;

pub struct Destination {
    /// `SUPABASE_URL/storage/v1`.
    base: String,
    service_key: String,
    pub bucket: String,
    agent: ureq::Agent,
    policy: RetryPolicy,
}

/// An error answer, with the status the server meant (the body's `statusCode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ApiError {
    /// The error `response` carries; a body cut off mid-way is a transient failure of `what`.
    pub fn read(what: &str, response: Response<Body>) -> Attempt<ApiError> {
        #[derive(Deserialize)]
        struct Envelope {
            #[serde(rename = "statusCode")]
            status: Option<String>,
            error: Option<String>,
            message: Option<String>,
        }
        let http_status = response.status().as_u16();
        let body = error_body(what, response)?;
        Ok(match serde_json::from_str::<Envelope>(&body) {
            Ok(envelope) => ApiError {
                status: envelope.status.and_then(|s| s.parse().ok()).unwrap_or(http_status),
                code: envelope.error.unwrap_or_default(),
                message: envelope.message.unwrap_or_default(),
            },
            Err(_) => ApiError { status: http_status, code: String::new(), message: body.trim().chars().take(200).collect() },
        })
    }

    /// The failure of `what` that `response` answers.
    pub fn failure(what: &str, response: Response<Body>) -> Failure {
        ApiError::read(what, response).map_or_else(|cut_off| cut_off, |error| error.into_failure(what))
    }

    pub fn into_failure(self, what: &str) -> Failure {
        let detail = match (self.code.is_empty(), self.message.is_empty()) {
            (false, false) => format!("{} ({})", self.message, self.code),
            (true, false) => self.message,
            _ => self.code,
        };
        Failure::status(what, self.status, &detail)
    }
}

/// What a standard upload ended in, short of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uploaded {
    Created,
    /// 409: the key exists and `x-upsert` was false.
    AlreadyExists,
}

/// A page of `list-v2` (without a delimiter: objects only, full keys).
#[derive(Deserialize)]
struct ListPage {
    #[serde(rename = "hasNext")]
    has_next: bool,
    #[serde(rename = "nextCursor")]
    next_cursor: Option<String>,
    objects: Vec<ListEntry>,
}

#[derive(Deserialize)]
struct ListEntry {
    name: String,
    metadata: Option<ListMetadata>,
}

#[derive(Deserialize)]
struct ListMetadata {
    size: Option<u64>,
}

impl Destination {
    pub fn new(supabase_url: &str, service_key: String, bucket: String, agent: ureq::Agent, policy: RetryPolicy) -> Destination {
        let base = format!("{}/storage/v1", supabase_url.trim_end_matches('/'));
        Destination { base, service_key, bucket, agent, policy }
    }

    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The bucket-and-key part of an object URL, each segment percent-encoded.
    pub fn object_path(&self, key: &str) -> String {
        let encoded: Vec<String> = key.split('/').map(|segment| utf8_percent_encode(segment, KEY_SEGMENT).to_string()).collect();
        format!("{}/{}", utf8_percent_encode(&self.bucket, KEY_SEGMENT), encoded.join("/"))
    }

    pub fn authorize<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        request.header("Authorization", format!("Bearer {}", self.service_key)).header("apikey", &self.service_key)
    }

    /// The bucket exists and the key may use it; returns its `file_size_limit`, if any.
    pub fn check_bucket(&self) -> Attempt<Option<u64>> {
        #[derive(Deserialize)]
        struct BucketInfo {
            file_size_limit: Option<u64>,
        }
        self.policy.run(|_| {
            let url = self.url(&format!("/bucket/{}", utf8_percent_encode(&self.bucket, KEY_SEGMENT)));
            let response = self.authorize(self.agent.get(&url)).call().map_err(|err| transport("Supabase bucket", err))?;
            if !response.status().is_success() {
                let error = ApiError::read("Supabase bucket", response)?;
                return Err(match error.status {
                    404 => Failure::fatal(format!("Supabase bucket `{}` does not exist (create it first)", self.bucket)),
                    400 | 401 | 403 => Failure::fatal(format!(
                        "Supabase refused SUPABASE_SERVICE_ROLE_KEY for bucket `{}`: {} {}",
                        self.bucket, error.code, error.message
                    )),
                    _ => error.into_failure("Supabase bucket"),
                });
            }
            let info: BucketInfo = serde_json::from_reader(response.into_body().into_reader())
                .map_err(|err| Failure::transient(format!("Supabase bucket: unreadable answer: {err}")))?;
            Ok(info.file_size_limit)
        })
    }

    /// The server's upload limit, as its resumable endpoint announces it (`Tus-Max-Size`).
    pub fn upload_limit(&self) -> Attempt<Option<u64>> {
        self.policy.run(|_| {
            let response = self.agent.options(self.url("/upload/resumable")).call().map_err(|err| transport("Supabase upload limit", err))?;
            if is_retryable_status(response.status().as_u16()) {
                return Err(ApiError::failure("Supabase upload limit", response));
            }
            Ok(response.headers().get("tus-max-size").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()))
        })
    }

    /// Every object under `prefix` as `(key, size)`, in byte order of the keys (`list-v2`
    /// orders by `name COLLATE "C"` and matches the prefix case-sensitively), a page of
    /// [`LIST_PAGE`] entries fetched only when the one before is used up.
    pub fn list_sorted(&self, prefix: &str) -> Stream<'_, u64> {
        let prefix = prefix.to_owned();
        let mut page = Vec::new().into_iter();
        let mut cursor: Option<String> = None;
        let mut more = true;
        Box::new(std::iter::from_fn(move || loop {
            if let Some(entry) = page.next() {
                return Some(Ok(entry));
            }
            if !more {
                return None;
            }
            match self.list_page(&prefix, cursor.as_deref()) {
                Ok(answer) => {
                    more = answer.has_next;
                    cursor = answer.next_cursor;
                    page = answer.objects.into_iter().map(|o| (o.name, o.metadata.and_then(|m| m.size).unwrap_or(0))).collect::<Vec<_>>().into_iter();
                    if more && cursor.is_none() {
                        return Some(Err("Supabase list: a page said more follow, without a cursor".to_owned()));
                    }
                }
                Err(failure) => {
                    more = false;
                    return Some(Err(failure.message));
                }
            }
        }))
    }

    fn list_page(&self, prefix: &str, cursor: Option<&str>) -> Attempt<ListPage> {
        let mut body = serde_json::json!({"prefix": prefix, "limit": LIST_PAGE});
        if let Some(cursor) = cursor {
            body["cursor"] = cursor.into();
        }
        let body = body.to_string();
        self.policy.run(|_| {
            let url = self.url(&format!("/object/list-v2/{}", utf8_percent_encode(&self.bucket, KEY_SEGMENT)));
            let response =
                self.authorize(self.agent.post(&url)).header("Content-Type", "application/json").send(body.as_bytes()).map_err(|err| transport("Supabase list", err))?;
            if !response.status().is_success() {
                let mut failure = ApiError::failure("Supabase list", response);
                if !failure.retryable {
                    failure.message += " (migrate-data needs the sorted listing `POST /storage/v1/object/list-v2` of Supabase Storage)";
                }
                return Err(failure);
            }
            serde_json::from_reader(response.into_body().into_reader()).map_err(|err| Failure::transient(format!("Supabase list: unreadable answer: {err}")))
        })
    }

    /// One attempt at a standard upload of `length` bytes read from `body`, streamed.
    pub fn upload(
        &self,
        key: &str,
        content_type: Option<&str>,
        cache_control: Option<&str>,
        upsert: bool,
        length: u64,
        body: &mut dyn Read,
    ) -> Attempt<Uploaded> {
        let url = self.url(&format!("/object/{}", self.object_path(key)));
        let mut request = self
            .authorize(self.agent.post(&url))
            .header("Content-Length", length.to_string())
            .header("x-upsert", if upsert { "true" } else { "false" });
        if let Some(content_type) = content_type.filter(|t| !t.is_empty()) {
            request = request.header("Content-Type", content_type);
        }
        if let Some(cache_control) = cache_control {
            request = request.header("Cache-Control", cache_control);
        }
        let response = request.send(SendBody::from_reader(body)).map_err(|err| transport("Supabase upload", err))?;
        if response.status().is_success() {
            // Read the (small) answer so the connection goes back to the pool.
            let _ = std::io::copy(&mut response.into_body().into_reader(), &mut std::io::sink());
            return Ok(Uploaded::Created);
        }
        match ApiError::read("Supabase upload", response)? {
            error if error.status == 409 => Ok(Uploaded::AlreadyExists),
            error => Err(error.into_failure("Supabase upload")),
        }
    }

    /// Starts reading `key` back; `None` when it does not exist.
    pub fn download(&self, key: &str) -> Attempt<Option<(u64, ureq::BodyReader<'static>)>> {
        let url = self.url(&format!("/object/authenticated/{}", self.object_path(key)));
        let response = self.authorize(self.agent.get(&url)).call().map_err(|err| transport("Supabase download", err))?;
        if !response.status().is_success() {
            return match ApiError::read("Supabase download", response)? {
                error if error.status == 404 => Ok(None),
                error => Err(error.into_failure("Supabase download")),
            };
        }
        let length = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Failure::transient("Supabase download: answer without Content-Length"))?;
        Ok(Some((length, response.into_body().into_reader())))
    }
}

/// Reads `reader` to its end into `sink`, naming `what` in a failure.
pub fn drain(what: &str, reader: &mut dyn Read, sink: &mut dyn std::io::Write) -> Attempt<u64> {
    std::io::copy(reader, sink).map_err(|err| stream_error(what, &err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_paths_are_encoded_per_segment() {
        let d = Destination::new("http://h/", "k".into(), "b".into(), ureq::Agent::new_with_defaults(), RetryPolicy::new(0));
        assert_eq!(d.object_path("a b/c?d&e+f.txt"), "b/a%20b/c%3Fd%26e%2Bf.txt");
        assert_eq!(d.url("/x"), "http://h/storage/v1/x");
    }

    /// The answer a one-shot loopback server gives to a GET: `raw` as it is, then EOF.
    fn answer(raw: &'static [u8]) -> Response<Body> {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while request.read_line(&mut line).unwrap() > 2 {
                line.clear();
            }
            stream.write_all(raw).unwrap();
        });
        let response = super::super::http::agent(std::time::Duration::from_secs(5), 1).get(&url).call().unwrap();
        server.join().unwrap();
        response
    }

    #[test]
    fn the_status_in_the_body_is_read_and_a_cut_off_body_is_transient() {
        let whole = ApiError::read("Supabase upload", answer(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 54\r\n\r\n{\"statusCode\":\"409\",\"error\":\"Duplicate\",\"message\":\"x\"}"));
        assert_eq!(whole, Ok(ApiError { status: 409, code: "Duplicate".into(), message: "x".into() }));
        // A reset after half the body: the 409 inside is unknown, so this is no final 400.
        let cut_off = ApiError::read("Supabase upload", answer(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 54\r\n\r\n{\"statusCode\":\"409\",\"error\":\""));
        let failure = cut_off.unwrap_err();
        assert!(failure.retryable && failure.message.starts_with("Supabase upload: "), "{failure:?}");
    }
}
