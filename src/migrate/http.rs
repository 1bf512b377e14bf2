//! What both sides share about HTTP: one `ureq` agent (rustls, pooled keep-alive
//! connections), the failure type every request returns, and which failures are worth
//! another attempt (5xx, 429, timeouts, resets), with exponential backoff and jitter.

use std::io::Read;
use std::time::Duration;

/// A request that did not succeed: what to tell the user, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub retryable: bool,
}

impl Failure {
    pub fn fatal(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), retryable: false }
    }

    pub fn transient(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), retryable: true }
    }

    /// An HTTP status answered by the other side; `what` names the request.
    pub fn status(what: &str, status: u16, detail: &str) -> Failure {
        let detail = detail.trim();
        let message = if detail.is_empty() { format!("{what}: HTTP {status}") } else { format!("{what}: HTTP {status}: {detail}") };
        Failure { message, retryable: is_retryable_status(status) }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub type Attempt<T> = Result<T, Failure>;

/// 5xx and 429 are the server's temporary troubles; everything else is an answer.
pub fn is_retryable_status(status: u16) -> bool {
    status >= 500 || status == 429
}

/// A transport error of `what`: timeouts, resets and refused connections are transient;
/// a malformed URL or header is not.
pub fn transport(what: &str, err: ureq::Error) -> Failure {
    let retryable = matches!(
        err,
        ureq::Error::Io(_) | ureq::Error::Timeout(_) | ureq::Error::ConnectionFailed | ureq::Error::Protocol(_)
    );
    // A presigned URL carries a signature and the access key id: never shown.
    let text = err.to_string();
    let text = if text.contains("X-Amz-") { "the request could not be made (its signed URL is not shown)".to_owned() } else { text };
    Failure { message: format!("{what}: {text}"), retryable }
}

/// An I/O error while streaming a body (a reset mid-body, a read timeout): transient.
pub fn stream_error(what: &str, err: &std::io::Error) -> Failure {
    Failure::transient(format!("{what}: {err}"))
}

/// The agent for one run: `timeout` bounds connecting and every single read or write, so a
/// stalled peer counts as a timeout while a long transfer that keeps moving does not.
pub fn agent(timeout: Duration, connections: usize) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(timeout))
        .timeout_recv_response(Some(timeout))
        .timeout_per_read(Some(timeout))
        .timeout_per_write(Some(timeout))
        .max_idle_connections(connections.max(4))
        .max_idle_connections_per_host(connections.max(4))
        .user_agent(concat!("s3-to-supabase/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Reads an error body (capped: an error page is never worth much memory). A body cut off
/// by a reset is a transient failure of `what`: its real status is unknown (Supabase puts
/// it in the body), so the answer must not be taken as final.
pub fn error_body(what: &str, response: ureq::http::Response<ureq::Body>) -> Attempt<String> {
    let mut bytes = Vec::new();
    response.into_body().into_reader().take(4096).read_to_end(&mut bytes).map_err(|err| stream_error(what, &err))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// How many times and how patiently a request is tried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts after the first.
    pub retries: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl RetryPolicy {
    pub fn new(retries: u32) -> RetryPolicy {
        RetryPolicy { retries, base: Duration::from_millis(100), cap: Duration::from_secs(8) }
    }

    /// Runs `attempt` (given its number, 0 first) until it succeeds, fails for good, or the
    /// retries are spent; sleeps a full-jitter exponential backoff between attempts.
    pub fn run<T>(&self, mut attempt: impl FnMut(u32) -> Attempt<T>) -> Attempt<T> {
        let mut n = 0;
        loop {
            match attempt(n) {
                Err(failure) if failure.retryable && n < self.retries => {
                    std::thread::sleep(self.backoff(n));
                    n += 1;
                }
                Err(mut failure) if failure.retryable => {
                    failure.message = format!("{} (gave up after {} attempts)", failure.message, n + 1);
                    return Err(failure);
                }
                other => return other,
            }
        }
    }

    /// Full jitter (uniform in 0..=min(cap, base·2ⁿ)): retries from many workers spread out
    /// instead of hitting a recovering server together.
    pub fn backoff(&self, n: u32) -> Duration {
        let ceiling = self.base.saturating_mul(1u32 << n.min(16)).min(self.cap);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(fastrand::u64(0..=millis))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_transient_failures_a_bounded_number_of_times() {
        let policy = RetryPolicy { retries: 3, base: Duration::ZERO, cap: Duration::ZERO };
        let mut calls = 0;
        let result: Attempt<()> = policy.run(|_| {
            calls += 1;
            Err(Failure::transient("HTTP 503"))
        });
        assert_eq!(calls, 4);
        assert_eq!(result.unwrap_err().message, "HTTP 503 (gave up after 4 attempts)");
    }

    #[test]
    fn stops_at_a_fatal_failure_and_at_success() {
        let policy = RetryPolicy { retries: 3, base: Duration::ZERO, cap: Duration::ZERO };
        let mut calls = 0;
        let result: Attempt<()> = policy.run(|_| {
            calls += 1;
            Err(Failure::fatal("HTTP 403"))
        });
        assert_eq!((calls, result.unwrap_err().message.as_str()), (1, "HTTP 403"));
        let result = policy.run(|n| if n < 2 { Err(Failure::transient("reset")) } else { Ok(n) });
        assert_eq!(result, Ok(2));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy { retries: 10, base: Duration::from_millis(100), cap: Duration::from_secs(2) };
        for n in 0..12 {
            let ceiling = Duration::from_millis(100 * (1 << n)).min(Duration::from_secs(2));
            assert!(policy.backoff(n) <= ceiling);
        }
    }

    #[test]
    fn which_statuses_are_retried() {
        let retried: Vec<u16> = [200, 400, 403, 404, 409, 413, 429, 500, 502, 503].into_iter().filter(|s| is_retryable_status(*s)).collect();
        assert_eq!(retried, [429, 500, 502, 503]);
    }
}
