//! Runs a command in a fresh child process and reports its time, peak
//! memory, exit code and output size: shared by the benchmarks, with the
//! git they build histories with. A benchmark starts itself again with
//! [`PROBE`] so that the peak memory of the probe's only child is the
//! command's alone.

#![allow(dead_code, reason = "each benchmark reads the figures it needs")]

use std::ffi::OsString;
use std::io::{self, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The argument that turns this benchmark into a probe: run the command
/// after it, drain its output, print its time, peak RSS, exit code and size.
pub const PROBE: &str = "--opx-bench-probe";
/// Runs the command after [`PROBE`]: drains its output, prints its time,
/// peak RSS, exit code and output size on one line, then its standard error.
pub fn probe(command: &[OsString]) {
    let started = Instant::now();
    let mut child = match Command::new(&command[0])
        .args(&command[1..])
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => return println!("cannot run {}: {error}", command[0].display()),
    };
    let mut stderr = child.stderr.take().expect("a piped stderr");
    let errors = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text);
        text
    });
    let mut stdout = child.stdout.take().expect("a piped stdout");
    let bytes = io::copy(&mut stdout, &mut io::sink()).unwrap_or(0);
    let status = child.wait().expect("the command to end");
    let time = started.elapsed();
    let errors = errors.join().unwrap_or_default();
    // The largest waited-for child, and this probe has had exactly one.
    // ru_maxrss counts KiB, or bytes on Apple systems.
    let unit = if cfg!(target_vendor = "apple") {
        1
    } else {
        1024
    };
    let rss = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .map_or(0, |usage| usage.max_rss() * unit);
    let code = status.code().unwrap_or(-1);
    println!("{} {rss} {code} {bytes}", time.as_nanos());
    print!("{}", String::from_utf8_lossy(&errors));
}

/// What a command cost over several runs.
pub struct Stats {
    pub best: Duration,
    pub median: Duration,
    pub rss: f64,
    pub code: i64,
    pub out: f64,
}

/// Runs `command` through a fresh probe `runs` times; an exit code outside
/// `ok` (or none) is an error carrying the first line of standard error.
pub fn measure(command: &[OsString], runs: usize, ok: &[i64]) -> Result<Stats, String> {
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    let mut samples = Vec::new();
    for _ in 0..runs {
        let output = Command::new(&exe)
            .arg(PROBE)
            .args(command)
            .output()
            .map_err(|error| error.to_string())?;
        let text = String::from_utf8_lossy(&output.stdout);
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let fields: Vec<i64> = first.split(' ').filter_map(|f| f.parse().ok()).collect();
        let &[nanos, rss, code, out] = fields.as_slice() else {
            return Err(first.to_string());
        };
        if !ok.contains(&code) {
            return Err(format!(
                "exit {code}: {}",
                rest.lines().next().unwrap_or("")
            ));
        }
        samples.push((
            Duration::from_nanos(nanos as u64),
            rss as f64,
            code,
            out as f64,
        ));
    }
    samples.sort_by_key(|sample| sample.0);
    let (best, _, code, out) = samples[0];
    Ok(Stats {
        best,
        median: samples[samples.len() / 2].0,
        rss: samples.iter().map(|sample| sample.1).fold(0.0, f64::max),
        code,
        out,
    })
}

/// `12.34 ms`
pub fn ms(time: Duration) -> String {
    format!("{:.2} ms", time.as_secs_f64() * 1e3)
}

pub fn mib(bytes: f64) -> String {
    match bytes / 1024.0 {
        kib if kib < 1024.0 => format!("{kib:.0} KiB"),
        kib => format!("{:.1} MiB", kib / 1024.0),
    }
}

/// Runs git in `dir` as a fixed author, for the benchmarks that build a
/// history; fails the benchmark if git fails.
pub fn git(dir: &std::path::Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=opx",
            "-c",
            "user.email=opx@example.invalid",
        ])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}
