#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

//! `opx trend` over a long history: a register of 50 risks changed by 200
//! commits, one risk a commit, read back by one `git log` and one
//! `git cat-file --batch`. The goal is under 2 s.
//!
//! Run with `cargo bench --bench trend`. Timing lives here, never in tests.

mod probe;

use std::ffi::OsString;

use probe::{PROBE, git, measure, mib, ms, probe};

const RISKS: usize = 50;
const COMMITS: usize = 200;

fn register(likelihoods: &[u8]) -> String {
    let mut text = String::from(
        "[system]\nid = \"checkout\"\nowner = \"team\"\n\n[system.slo]\navailability = \"99.9%\"\n",
    );
    for (i, likelihood) in likelihoods.iter().enumerate() {
        text.push_str(&format!(
            "\n[[risk]]\nid = \"risk-{i}\"\ntitle = \"Risk {i}\"\ncategory = \"technical\"\nlikelihood = {likelihood}\nimpact = 4\ntime_to_detect = \"10m\"\ntime_to_recover = \"1h\"\nfrequency = \"2/year\"\nusers_affected = \"20%\"\n\n[[risk.action]]\nkind = \"detect\"\nwhat = \"Alert\"\nstatus = \"done\"\nsignal = \"alert-{i}\"\n"
        ));
    }
    text
}

fn main() {
    let args: Vec<OsString> = std::env::args_os().collect();
    if let Some(at) = args.iter().position(|arg| arg == PROBE) {
        return probe(&args[at + 1..]);
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let repo = dir.path();
    std::fs::create_dir(repo.join("risks")).expect("a folder");
    git(repo, &["init", "-q"]);
    let mut likelihoods = vec![3u8; RISKS];
    for commit in 0..COMMITS {
        // Each commit moves one risk to its next likelihood.
        let risk = &mut likelihoods[commit % RISKS];
        *risk = *risk % 5 + 1;
        std::fs::write(repo.join("risks/checkout.toml"), register(&likelihoods)).expect("written");
        git(repo, &["add", "."]);
        git(repo, &["commit", "-q", "-m", &format!("Change {commit}")]);
    }
    let command: Vec<OsString> = [
        env!("CARGO_BIN_EXE_opx"),
        "trend",
        repo.join("risks").to_str().expect("a UTF-8 path"),
        "--format",
        "json",
        "--today",
        "2026-11-27",
    ]
    .map(OsString::from)
    .to_vec();
    // git runs in the repository: the probe's child inherits this folder.
    std::env::set_current_dir(repo).expect("the repository");
    match measure(&command, 5, &[0]) {
        Ok(stats) => {
            let seconds = stats.best.as_secs_f64();
            let mark = if seconds < 2.0 { "PASS" } else { "MISS" };
            println!(
                "opx trend, {COMMITS} commits of {RISKS} risks: best {}, median {}, peak {}",
                ms(stats.best),
                ms(stats.median),
                mib(stats.rss)
            );
            println!("{mark}  under 2 s: {seconds:.2} s");
        }
        Err(error) => println!("opx trend: {error}"),
    }
}
