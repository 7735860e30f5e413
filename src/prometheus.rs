//! A Prometheus server's HTTP API, as `opx measure` reads it: instant
//! queries (`/api/v1/query`) and the alerting rules (`/api/v1/rules`).
//!
//! One blocking client (ureq, TLS by rustls), no async runtime. Every
//! call is bounded: a connect timeout and a timeout for the whole call
//! (`--timeout`), and a response larger than [`MAX_RESPONSE`] is refused
//! before it is read to the end, so a server that stalls or floods cannot
//! hold opx. What the server says is hostile text like a register's: the
//! errors here carry it as data, and the renderers pass it through the
//! output filter (`crate::visible`).

use std::time::Duration;

use serde::Deserialize;

/// The most of a response opx reads.
pub const MAX_RESPONSE: u64 = 16 * 1024 * 1024;

/// The environment variable a bearer token comes from: never a file, so
/// that no token is committed with the register.
pub const TOKEN_VARIABLE: &str = "OPX_PROMETHEUS_TOKEN";

/// Why a call to the server failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No connection: refused, no such host, or a TLS failure.
    Unreachable(String),
    /// No answer within the timeout.
    TimedOut(Duration),
    /// 401 or 403: the token is missing, wrong, or not allowed.
    Unauthorized(u16),
    /// Another HTTP error status, with the server's message if it gave one.
    Status(u16, String),
    /// The server refused the query (`bad_data`, `execution`, ...): its message.
    Query(String),
    /// The response is larger than [`MAX_RESPONSE`].
    TooLarge,
    /// Not the Prometheus API's JSON.
    Malformed(String),
}

impl Failure {
    /// What went wrong, in a few words: the server's own text included.
    pub fn message(&self) -> String {
        match self {
            Failure::Unreachable(why) => format!("cannot reach the server: {why}"),
            Failure::TimedOut(d) => {
                format!("the server did not answer within {} s", d.as_secs_f64())
            }
            Failure::Unauthorized(code) => {
                format!("the server refused the request (HTTP {code})")
            }
            Failure::Status(code, message) if message.is_empty() => {
                format!("the server answered HTTP {code}")
            }
            Failure::Status(code, message) => {
                format!("the server answered HTTP {code}: {message}")
            }
            Failure::Query(message) => format!("the server refused the query: {message}"),
            Failure::TooLarge => format!(
                "the response is larger than {} MiB",
                MAX_RESPONSE / 1024 / 1024
            ),
            Failure::Malformed(why) => format!("the response is not Prometheus's API: {why}"),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            Failure::Unreachable(_) => {
                "check [prometheus] url in opx.toml or --prometheus, and that the server is up"
            }
            Failure::TimedOut(_) => "give it longer with --timeout, or make the query cheaper",
            Failure::Unauthorized(_) => {
                "set OPX_PROMETHEUS_TOKEN to a bearer token the server accepts"
            }
            Failure::Status(..) | Failure::Malformed(_) => {
                "check that the URL is the Prometheus server's, without /api/v1"
            }
            Failure::Query(_) => "fix the expression; promtool or the server's UI shows it too",
            Failure::TooLarge => "aggregate the expression to one series, such as with sum(...)",
        }
    }
}

/// One series of an instant query's result: its labels and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// `{job="api"}`, or empty for a series without labels.
    pub labels: String,
    pub value: f64,
}

/// An alerting rule as the server has it loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRule {
    pub name: String,
    /// `ok`, `err` or `unknown` (not evaluated yet).
    pub health: String,
    pub last_error: String,
}

/// A bearer token: shown as `***` wherever the options holding it are
/// printed, and trimmed, since a token read from a file by a CI secret
/// often ends in a line break.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The token in `text`, if it holds one.
    pub fn new(text: &str) -> Option<Token> {
        Some(text.trim())
            .filter(|t| !t.is_empty())
            .map(|t| Token(t.to_string()))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// A server to ask.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: Option<Token>,
    timeout: Duration,
}

impl Client {
    /// A client for the server at `url` (`http://` or `https://`), with a
    /// bearer token if one is given, each call bounded by `timeout`.
    pub fn new(url: &str, token: Option<Token>, timeout: Duration) -> Result<Client, String> {
        let url = url.trim();
        // A password written in the URL is never shown, not even here.
        let shown = shown_url(url);
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .ok_or_else(|| format!("`{shown}` is not an http:// or https:// URL"))?;
        let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
        let host = authority.rsplit('@').next().unwrap_or(authority);
        if host.is_empty() || rest.contains(char::is_whitespace) {
            return Err(format!("`{shown}` names no server"));
        }
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            // A redirect could carry the token elsewhere.
            .max_redirects(0)
            .user_agent(concat!("opx/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Client {
            agent,
            base: url.trim_end_matches('/').to_string(),
            token,
            timeout,
        })
    }

    /// The server's address as given, without a user name or password
    /// written in it: what reports may show.
    pub fn url(&self) -> String {
        shown_url(&self.base)
    }

    /// Evaluates `query` at `time` (seconds since the epoch): each series
    /// of the result (a scalar is one series without labels).
    pub fn instant(&self, query: &str, time: i64) -> Result<Vec<Sample>, Failure> {
        let time = time.to_string();
        let body = self.get("/api/v1/query", &[("query", query), ("time", &time)])?;
        let data: QueryData = parse(&body)?;
        let value = |pair: &(serde_json::Value, String)| parse_value(&pair.1);
        match data.result_type.as_str() {
            "vector" => {
                let series: Vec<VectorSample> = serde_json::from_value(data.result)
                    .map_err(|e| Failure::Malformed(e.to_string()))?;
                series
                    .iter()
                    .map(|s| {
                        Ok(Sample {
                            labels: labels_text(&s.metric),
                            value: value(&s.value)?,
                        })
                    })
                    .collect()
            }
            "scalar" => {
                let pair: (serde_json::Value, String) = serde_json::from_value(data.result)
                    .map_err(|e| Failure::Malformed(e.to_string()))?;
                Ok(vec![Sample {
                    labels: String::new(),
                    value: value(&pair)?,
                }])
            }
            other => Err(Failure::Query(format!(
                "the expression gives a {other}, not an instant vector or a scalar"
            ))),
        }
    }

    /// The alerting rules the server has loaded.
    pub fn alerting_rules(&self) -> Result<Vec<AlertRule>, Failure> {
        let body = self.get("/api/v1/rules", &[("type", "alert")])?;
        let data: RulesData = parse(&body)?;
        Ok(data
            .groups
            .into_iter()
            .flat_map(|g| g.rules)
            .filter(|r| r.kind == "alerting")
            .map(|r| AlertRule {
                name: r.name,
                health: r.health,
                last_error: r.last_error,
            })
            .collect())
    }

    /// The body of a GET on `path`, or why there is none.
    fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<u8>, Failure> {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        for (key, value) in query {
            request = request.query(key, value);
        }
        if let Some(Token(token)) = &self.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let mut response = request.call().map_err(|e| self.failure(e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE)
            .read_to_vec()
            .map_err(|e| self.failure(e))?;
        match status {
            200..=299 => Ok(body),
            401 | 403 => Err(Failure::Unauthorized(status)),
            // The API answers a bad query with 400 or 422 and its JSON.
            400 | 422 | 503 => match serde_json::from_slice::<Envelope>(&body) {
                Ok(Envelope {
                    error: Some(error), ..
                }) => Err(Failure::Query(error)),
                _ => Err(Failure::Status(status, short_text(&body))),
            },
            _ => Err(Failure::Status(status, short_text(&body))),
        }
    }

    fn failure(&self, error: ureq::Error) -> Failure {
        match error {
            ureq::Error::Timeout(_) => Failure::TimedOut(self.timeout),
            ureq::Error::BodyExceedsLimit(_) => Failure::TooLarge,
            ureq::Error::HostNotFound => Failure::Unreachable("no such host".into()),
            ureq::Error::ConnectionFailed => Failure::Unreachable("connection failed".into()),
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                Failure::TimedOut(self.timeout)
            }
            ureq::Error::Io(e) => Failure::Unreachable(e.to_string()),
            // ureq may name the whole URL, a password in it included.
            other => Failure::Unreachable(
                other
                    .to_string()
                    .replace(&self.base, &shown_url(&self.base)),
            ),
        }
    }
}

/// `url` with any `user:password@` replaced by `…@`.
fn shown_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://…{}", &rest[at..]),
        None => url.to_string(),
    }
}

/// The first line of a body, at most 200 characters: an HTTP error's
/// page is quoted, not pasted.
fn short_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim().chars().take(200).collect()
}

/// `{a="1", b="2"}`, labels in order.
fn labels_text(metric: &std::collections::BTreeMap<String, String>) -> String {
    if metric.is_empty() {
        return String::new();
    }
    let pairs: Vec<String> = metric.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", pairs.join(", "))
}

/// A sample's value as the API writes it: a string, which may be `NaN`
/// or `+Inf`.
fn parse_value(text: &str) -> Result<f64, Failure> {
    match text {
        "NaN" => Ok(f64::NAN),
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => text.parse().map_err(|_| {
            Failure::Malformed(format!("`{}` is not a number", short_text(text.as_bytes())))
        }),
    }
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Failure> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| Failure::Malformed(e.to_string()))?;
    if envelope.status != "success" {
        return Err(Failure::Query(envelope.error.unwrap_or(envelope.status)));
    }
    let data = envelope
        .data
        .ok_or_else(|| Failure::Malformed("no data".into()))?;
    serde_json::from_value(data).map_err(|e| Failure::Malformed(e.to_string()))
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct QueryData {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct VectorSample {
    #[serde(default)]
    metric: std::collections::BTreeMap<String, String>,
    value: (serde_json::Value, String),
}

#[derive(Deserialize)]
struct RulesData {
    #[serde(default)]
    groups: Vec<RuleGroup>,
}

#[derive(Deserialize)]
struct RuleGroup {
    #[serde(default)]
    rules: Vec<Rule>,
}

#[derive(Deserialize)]
struct Rule {
    #[serde(default)]
    name: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    health: String,
    #[serde(rename = "lastError", default)]
    last_error: String,
}

/// A string literal in PromQL: `"…"` with `\` and `"` escaped.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A duration as PromQL writes it: `30d`, `36h`, `90m`, `45s`, in the
/// largest unit that holds it whole.
pub fn duration_text(duration: Duration) -> String {
    let secs = duration.as_secs().max(1);
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if secs.is_multiple_of(size) {
            return format!("{}{unit}", secs / size);
        }
    }
    format!("{secs}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_in_the_largest_whole_unit() {
        assert_eq!(duration_text(Duration::from_secs(30 * 86_400)), "30d");
        assert_eq!(duration_text(Duration::from_secs(36 * 3_600)), "36h");
        assert_eq!(duration_text(Duration::from_secs(150 * 60)), "150m");
        assert_eq!(duration_text(Duration::from_secs(61)), "61s");
    }

    #[test]
    fn a_string_literal_cannot_close_early() {
        assert_eq!(string_literal(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn values_include_nan_and_infinities() {
        assert!(parse_value("NaN").unwrap().is_nan());
        assert_eq!(parse_value("+Inf").unwrap(), f64::INFINITY);
        assert_eq!(parse_value("0.998").unwrap(), 0.998);
        assert!(parse_value("x").is_err());
    }

    #[test]
    fn a_url_must_be_http_and_name_a_server() {
        let timeout = Duration::from_secs(1);
        assert!(Client::new("prometheus:9090", None, timeout).is_err());
        // A password in a URL that is refused is not shown either.
        for url in ["htps://ops:secret@prom", "http://ops:secret@/"] {
            let error = Client::new(url, None, timeout).err().unwrap();
            assert!(!error.contains("secret"), "{error}");
        }
        let token = Token::new(" abc\n").unwrap();
        assert_eq!(token, Token("abc".into()));
        assert_eq!(format!("{token:?}"), "Token(***)");
        assert_eq!(Token::new(" \n"), None);
        assert!(Client::new("http://", None, timeout).is_err());
        let client = Client::new("http://127.0.0.1:9090/", None, timeout)
            .ok()
            .unwrap();
        assert_eq!(client.url(), "http://127.0.0.1:9090");
        let client = Client::new("https://opx:secret@prom.example/p", None, timeout)
            .ok()
            .unwrap();
        assert_eq!(client.url(), "https://…@prom.example/p");
    }

    #[test]
    fn an_error_body_is_quoted_short() {
        let long = "x".repeat(500);
        assert_eq!(short_text(format!("\n{long}\nmore").as_bytes()).len(), 200);
    }
}
