//! `opx measure` against a real Prometheus server (Debian's `prometheus`
//! package, which `.ci/run` installs): 35 days of series with known values
//! are written as OpenMetrics text, backfilled with `promtool tsdb
//! create-blocks-from openmetrics`, and served on a free port of
//! 127.0.0.1 with a rules file; opx reads them, writes them into a
//! register, and meets each kind of failure. A local run without
//! Prometheus says so and skips; CI must have it.
//!
//! The data: from 2026-01-01, one sample a day at midnight UTC (so the
//! backfill makes one block a day, not twelve): 10 requests a second, of
//! which 0.2% fail (99.80% available); a latency histogram whose p95 lies
//! at 0.25 + 50/90 × 0.25 s = 389 ms; and the alert `BackupTooOld`
//! firing from 03:00 to 04:00 on 2026-01-20.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// The day measured: its end is the time of every query.
const TODAY: &str = "2026-02-03";
/// 2026-01-01T00:00:00Z.
const START: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

/// Whether Prometheus is here: `.ci/run` installs it, and a local run
/// without it says so and skips.
#[allow(
    clippy::print_stderr,
    reason = "tells a local run why the check was skipped"
)]
fn prometheus_installed() -> bool {
    let runs = |tool: &str| Process::new(tool).arg("--version").output().is_ok();
    if runs("prometheus") && runs("promtool") {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "prometheus is missing on CI"
    );
    eprintln!(
        "skipped: prometheus and promtool are not installed (apt-get install prometheus); the real-server tests did not run"
    );
    false
}

/// A Prometheus server that is stopped when the test lets go of it.
struct Server {
    child: Child,
    url: String,
    dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Serves `storage` (a folder in `dir`) with the rules below, and
    /// `web` as its web config if given; waits until it answers.
    fn start(dir: tempfile::TempDir, web: Option<&str>) -> Server {
        let rules = "groups:\n  - name: opx\n    interval: 1s\n    rules:\n      \
            - alert: BackupTooOld\n        expr: backup_age_seconds > 86400\n      \
            - alert: ReplicaLagBroken\n        expr: vector(1) * on() group_left() \
            (label_replace(vector(1), \"a\", \"x\", \"\", \"\") or label_replace(vector(1), \"a\", \"y\", \"\", \"\"))\n";
        std::fs::write(dir.path().join("rules.yml"), rules).unwrap();
        std::fs::write(
            dir.path().join("prometheus.yml"),
            "global:\n  evaluation_interval: 1s\nrule_files:\n  - rules.yml\n",
        )
        .unwrap();
        let port = free_port();
        let mut command = Process::new("prometheus");
        command
            .current_dir(dir.path())
            .arg("--config.file=prometheus.yml")
            .arg("--storage.tsdb.path=data")
            .arg("--storage.tsdb.retention.time=100y")
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(web) = web {
            std::fs::write(dir.path().join("web.yml"), web).unwrap();
            command.arg("--web.config.file=web.yml");
        }
        let child = command.spawn().expect("prometheus starts");
        let server = Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
            dir,
        };
        server.wait_until_ready(web.is_some());
        server
    }

    /// Polls until the server is ready and, without auth, its rules
    /// have been evaluated once (the broken one reports its error); at
    /// most 30 seconds.
    fn wait_until_ready(&self, auth: bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = match get(&self.url, "/-/ready") {
                Some(reply) if auth => reply.starts_with("HTTP/1.1 401"),
                Some(reply) if reply.starts_with("HTTP/1.1 200") => get(&self.url, "/api/v1/rules")
                    .is_some_and(|rules| rules.contains("\"health\":\"err\"")),
                _ => false,
            };
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "prometheus was not ready within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The whole reply to a GET, or `None` if nothing answers.
fn get(url: &str, path: &str) -> Option<String> {
    let address = url.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok()?;
    Some(reply)
}

/// A folder with 35 days of series backfilled into `data/`.
fn backfilled() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let mut series = |name: &str, labels: &str, per_day: i64| {
        for day in 0..=35 {
            text.push_str(&format!(
                "{name}{{{labels}}} {} {}\n",
                per_day * day,
                START + day * DAY
            ));
        }
    };
    // 10 requests a second: 864000 a day, 0.2% of them failing.
    series("http_requests_total", r#"code="200",job="api""#, 862_272);
    series("http_requests_total", r#"code="500",job="api""#, 1_728);
    for (le, share) in [
        ("0.1", 0.6),
        ("0.25", 0.9),
        ("0.5", 0.99),
        ("1", 1.0),
        ("+Inf", 1.0),
    ] {
        let labels = format!(r#"job="api",le="{le}""#);
        series(
            "http_request_duration_seconds_bucket",
            &labels,
            (864_000.0 * share) as i64,
        );
    }
    // Firing from 03:00 to 04:00 on 2026-01-20.
    let fired = START + 19 * DAY + 3 * 3_600;
    for minute in 0..=60 {
        text.push_str(&format!(
            "ALERTS{{alertname=\"BackupTooOld\",alertstate=\"firing\",severity=\"page\"}} 1 {}\n",
            fired + minute * 60
        ));
    }
    text.push_str("# EOF\n");
    let input = dir.path().join("series.om");
    std::fs::write(&input, text).unwrap();
    let out = Process::new("promtool")
        .current_dir(dir.path())
        .args([
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "-q",
            "series.om",
            "data",
        ])
        .output()
        .expect("promtool runs");
    assert!(
        out.status.success(),
        "promtool: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// The register under test: a byte-order mark, CRLF line endings and
/// comments, which a write must keep.
const REGISTER: &str = "\u{feff}# The API, measured from Prometheus.\r
[system]\r
id = \"api\"\r
owner = \"team-api\"\r
\r
[system.slo]\r
availability = \"99.9%\"   # what users need\r
latency_p95 = \"300ms\"\r
window = \"30d\"\r
\r
[system.baseline]\r
availability = \"99.5%\"   # typed by hand, last quarter\r
open_bugs = 3\r
\r
[system.measure]\r
availability = 'sum(rate(http_requests_total{job=\"api\",code!~\"5..\"}[$window])) / sum(rate(http_requests_total{job=\"api\"}[$window]))'\r
error_rate = 'sum(rate(http_requests_total{job=\"api\",code=~\"5..\"}[$window])) / sum(rate(http_requests_total{job=\"api\"}[$window]))'\r
latency_p95 = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job=\"api\"}[$window])))'\r
throughput = 'sum(rate(http_requests_total{job=\"api\"}[$window]))'\r
\r
[[risk]]\r
id = \"backup-loss\"\r
title = \"Backups silently stop\"\r
category = \"data\"\r
likelihood = \"possible\"\r
impact = \"severe\"\r
\r
[[risk.action]]\r
id = \"backup-alert\"\r
kind = \"detect\"\r
what = \"Page when the newest backup is older than a day\"\r
status = \"done\"\r
  signal = \"alert:BackupTooOld\"  # pages the on-call\r
\r
[[risk.action]]\r
kind = \"detect\"\r
what = \"Page on replica lag\"\r
status = \"done\"\r
signal = \"alert:ReplicaLagBroken\"\r
exercised = 2025-12-01\r
\r
[[risk.action]]\r
kind = \"detect\"\r
what = \"Mail the ops list\"\r
status = \"done\"\r
signal = \"alert:CronMailsOps\"\r
";

/// [`REGISTER`] once `opx measure --write` has recorded the measurements.
fn written() -> String {
    REGISTER
        .replace(
            "availability = \"99.5%\"   # typed by hand, last quarter\r\nopen_bugs = 3\r\n",
            "availability = \"99.8%\"   # typed by hand, last quarter\r\nopen_bugs = 3\r\n\
             error_rate = \"0.2%\"\r\nlatency_p95 = \"389ms\"\r\nthroughput = \"10/s\"\r\n\
             measured = 2026-02-03\r\n",
        )
        .replace(
            "  signal = \"alert:BackupTooOld\"  # pages the on-call\r\n",
            "  signal = \"alert:BackupTooOld\"  # pages the on-call\r\n  exercised = 2026-01-20\r\n",
        )
}

fn opx(dir: &Path, server: &str, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir)
        .env_remove(opx::prometheus::TOKEN_VARIABLE)
        .args([
            "measure",
            "risks.toml",
            "--prometheus",
            server,
            "--today",
            TODAY,
        ])
        .args(args)
        .output()
        .unwrap()
}

fn register_in(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risks.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn measures_writes_and_checks_against_a_real_server() {
    if !prometheus_installed() {
        return;
    }
    let server = Server::start(backfilled(), None);
    let (dir, path) = register_in(REGISTER);

    // The values, as JSON.
    let out = opx(dir.path(), &server.url, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The document is the one `opx schema measure-report` publishes.
    let schema = Command::cargo_bin("opx")
        .unwrap()
        .args(["schema", "measure-report"])
        .output()
        .unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&schema.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let measure = |key: &str| {
        json["measures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["measure"] == key)
            .cloned()
            .unwrap()
    };
    let availability = measure("availability");
    assert!((availability["value"].as_f64().unwrap() - 0.998).abs() < 1e-9);
    assert_eq!(availability["measured"], "99.8%");
    assert_eq!(availability["slo"], "99.9%");
    assert_eq!(availability["verdict"], "breached");
    assert_eq!(measure("error_rate")["measured"], "0.2%");
    assert_eq!(measure("latency_p95")["measured"], "389ms");
    assert_eq!(measure("throughput")["measured"], "10/s");
    let alert = |name: &str| {
        json["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["alert"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(alert("BackupTooOld")["rule"], "healthy");
    assert_eq!(alert("BackupTooOld")["last_fired"], "2026-01-20");
    assert_eq!(alert("BackupTooOld")["newly_exercised"], "2026-01-20");
    assert_eq!(alert("ReplicaLagBroken")["rule"], "broken");
    assert_eq!(
        alert("ReplicaLagBroken")["last_fired"],
        serde_json::Value::Null
    );
    assert_eq!(alert("CronMailsOps")["rule"], "missing");
    let err = stderr(&out);
    assert!(err.contains("signal-missing"), "{err}");
    assert!(err.contains("risks.toml:46:10"), "{err}");
    assert!(err.contains("signal-broken"), "{err}");
    assert!(err.contains("many-to-many matching not allowed"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), REGISTER);

    // The table, as Markdown when the output is not a terminal.
    let out = opx(dir.path(), &server.url, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let markdown = String::from_utf8_lossy(&out.stdout);
    for row in [
        "| api | availability | 99.9% | 99.8% | breached |",
        "| api | error_rate | ≤ 0.1% | 0.2% | breached |",
        "| api | latency_p95 | ≤ 300ms | 389ms | breached |",
        "| api | throughput | - | 10/s | - |",
        "| api/backup-loss | backup-alert | BackupTooOld | healthy | 2026-01-20 | 2026-01-20 (new) |",
        "| api/backup-loss | Mail the ops list | CronMailsOps | missing (fails --check) | - | - |",
    ] {
        assert!(markdown.contains(row), "`{row}` not in:\n{markdown}");
    }

    // --check: the severe risk's mail "alert" does not exist.
    let out = opx(dir.path(), &server.url, &["--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("missing or broken alert"));

    // --write: the values and the day the alert fired, byte for byte.
    let out = opx(dir.path(), &server.url, &["--write"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written());
    assert!(stderr(&out).contains("exercised = 2026-01-20"));
    // Again: the same values, and the alert is exercised already.
    let out = opx(dir.path(), &server.url, &["--write"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written());
    assert!(!stderr(&out).contains("exercised = "));
    // The register reads as measured.
    let assess = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir.path())
        .args(["assess", "risks.toml", "--today", TODAY, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(assess.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&assess.stdout).contains("99.8%"));

    // Every way a query fails, each at its expression; nothing written.
    let broken = written()
        .replace(
            "availability = 'sum(rate(http_requests_total{job=\"api\",code!~\"5..\"}[$window])) / sum(rate(http_requests_total{job=\"api\"}[$window]))'",
            "availability = 'nothing_measures_this'",
        )
        .replace(
            "error_rate = 'sum(rate(http_requests_total{job=\"api\",code=~\"5..\"}[$window])) / sum(rate(http_requests_total{job=\"api\"}[$window]))'",
            "error_rate = 'rate(http_requests_total[$window])'",
        )
        .replace(
            "latency_p95 = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job=\"api\"}[$window])))'",
            "latency_p95 = 'vector(0) / vector(0)'",
        )
        .replace(
            "throughput = 'sum(rate(http_requests_total{job=\"api\"}[$window]))'",
            "throughput = 'sum(rate(http_requests_total[$window])'",
        );
    std::fs::write(&path, &broken).unwrap();
    let out = opx(dir.path(), &server.url, &["--write"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    for expected in [
        "api: availability: no data",
        "risks.toml:20:16",
        "api: error_rate: the expression gives 2 series, not one",
        "api: latency_p95: the expression gives NaN",
        "api: throughput: the server refused the query: ",
        "parse error",
        "the query sent: sum(rate(http_requests_total[30d])",
        "4 measurements could not be read; nothing was written",
    ] {
        assert!(err.contains(expected), "`{expected}` not in:\n{err}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
}

#[test]
fn a_refused_token_and_a_stopped_server_write_nothing() {
    if !prometheus_installed() {
        return;
    }
    // Basic auth (the docs' hash of "test"): a bearer token gets 401.
    let web =
        "basic_auth_users:\n  opx: $2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let server = Server::start(dir, Some(web));
    let (register, path) = register_in(REGISTER);
    let out = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(register.path())
        .env(opx::prometheus::TOKEN_VARIABLE, "not-a-password")
        .args(["measure", "risks.toml", "--write", "--today", TODAY])
        .args(["--prometheus", &server.url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("the server refused the request (HTTP 401)"),
        "{err}"
    );
    assert!(err.contains("OPX_PROMETHEUS_TOKEN"), "{err}");
    assert!(
        !err.contains("not-a-password"),
        "the token is never shown: {err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), REGISTER);

    // Stopped: nothing listens on its port any more.
    let url = server.url.clone();
    assert!(server.dir.path().exists());
    drop(server);
    let out = opx(register.path(), &url, &["--write"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("cannot reach the server"), "{err}");
    assert!(err.contains("risks.toml:16:16"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), REGISTER);
}

/// A server that takes the connection and never answers: the query gives
/// up after `--timeout`, and opx ends.
#[test]
fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (register, _) = register_in(REGISTER);
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().take(8) {
            open.push(stream);
        }
        open
    });
    let started = Instant::now();
    let out = opx(register.path(), &url, &["--timeout", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        stderr(&out).contains("the server did not answer within 1 s"),
        "{}",
        stderr(&out)
    );
    drop(held);
}

/// A server that answers every connection with `reply`, for as long as
/// the test runs; its address.
fn answering(reply: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().take(8).flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(&reply);
        }
    });
    url
}

/// What a server says is shown through the output filter: an escape
/// sequence and a workflow command in its error stay visible text.
#[test]
fn a_hostile_server_message_is_shown_as_text() {
    let body = r#"{"status":"error","errorType":"bad_data","error":"\u001b[2J\n::error::owned"}"#;
    let reply = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let url = answering(reply.into_bytes());
    let (register, path) = register_in(REGISTER);
    let out = opx(register.path(), &url, &["--write"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("the server refused the query"), "{err}");
    assert!(err.contains(r"\u{1b}[2J") && err.contains("owned"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(
        !err.lines().any(|l| l.trim_start().starts_with("::")),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), REGISTER);
}

/// A response past 16 MiB is refused before it is read to the end.
#[test]
fn a_flood_is_cut_off() {
    let size = 17 * 1024 * 1024;
    let mut reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    reply.resize(reply.len() + size, b' ');
    let url = answering(reply);
    let (register, _) = register_in(REGISTER);
    let out = opx(register.path(), &url, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the response is larger than 16 MiB"),
        "{}",
        stderr(&out)
    );
}

/// The token from `OPX_PROMETHEUS_TOKEN` reaches the server as a bearer
/// token, trimmed, and a redirect is not followed, so it goes nowhere else.
#[test]
fn the_token_is_sent_as_a_bearer_token_and_never_redirected() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (sent, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        if let Some(mut stream) = listener.incoming().flatten().next() {
            let mut request = [0u8; 8192];
            let n = stream.read(&mut request).unwrap_or(0);
            let _ = sent.send(String::from_utf8_lossy(&request[..n]).into_owned());
            let _ = stream.write_all(
                b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let (register, path) = register_in(REGISTER);
    let out = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(register.path())
        .env(opx::prometheus::TOKEN_VARIABLE, " s3cret-token\n")
        .args([
            "measure",
            "risks.toml",
            "--prometheus",
            &url,
            "--today",
            TODAY,
        ])
        .output()
        .unwrap();
    let request = received
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the server was asked");
    assert!(
        request
            .lines()
            .any(|l| l.eq_ignore_ascii_case("authorization: bearer s3cret-token")),
        "{request}"
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let shown = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
    assert!(!shown.contains("s3cret"), "{shown}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), REGISTER);
}
