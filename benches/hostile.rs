#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

//! What a hostile register costs: each input that once took minutes or all
//! the memory, at two sizes ten times apart, so the growth shows. Linear
//! cost means 10× the input costs about 10× the time, not 100×; the files
//! opx refuses (a device, a pipe) must cost nothing at any size.
//!
//! Run with `cargo bench --bench hostile`. Timing lives here, never in tests.
//!
//! Last, `opx trend` over 40 commits beside a 20 MB register file (over
//! the cap) and without it: the large blob's size is checked once and
//! never read, so the two should take about the same time.

mod probe;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use probe::{PROBE, git, measure, mib, ms, probe};

const TODAY: &str = "2026-11-27";

/// One hostile case: its name, the command (after `opx`, `FILE` standing
/// for the file made), and how to make the file at a size.
struct Case {
    name: &'static str,
    command: &'static str,
    make: fn(usize) -> String,
    sizes: [usize; 2],
}

fn long_title(chars: usize) -> String {
    format!(
        "[system]\nid = \"s\"\n\n[[risk]]\nid = \"r\"\ntitle = \"{}\"\ncategory = \"data\"\nlikelihood = 3\nimpact = 3\n",
        "x".repeat(chars)
    )
}

fn wrong_types(items: usize) -> String {
    format!(
        "[system]\nid = \"s\"\nescalation = [{}]\n",
        vec!["1"; items].join(", ")
    )
}

fn long_ids(chars: usize) -> String {
    format!(
        "[system]\nid = \"s\"\n\n[[risk]]\nid = \"{}\"\ntitle = \"t\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n\n[[incident]]\nid = \"I\"\ndate = 2026-11-01\nrisks = [\"{}\"]\n",
        "a".repeat(chars),
        "b".repeat(chars)
    )
}

fn unknown_names(count: usize) -> String {
    let mut text = String::from("[system]\nid = \"s\"\n");
    for i in 0..count {
        text.push_str(&format!(
            "\n[[risk]]\nid = \"risk-{i}\"\ntitle = \"t\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n"
        ));
    }
    let names: Vec<String> = (0..count).map(|i| format!("\"unknown-{i}\"")).collect();
    text.push_str(&format!(
        "\n[[incident]]\nid = \"I\"\ndate = 2026-11-01\nrisks = [{}]\n",
        names.join(", ")
    ));
    text
}

const CASES: [Case; 6] = [
    Case {
        name: "a title of one word, rank table",
        command: "rank FILE",
        make: long_title,
        sizes: [400_000, 4_000_000],
    },
    Case {
        name: "a title of one word, rank markdown",
        command: "rank FILE --format markdown",
        make: long_title,
        sizes: [400_000, 4_000_000],
    },
    Case {
        name: "wrong-typed items on one line, check",
        command: "check FILE",
        make: wrong_types,
        sizes: [40_000, 400_000],
    },
    Case {
        name: "wrong-typed items on one line, check sarif",
        command: "check FILE --format sarif",
        make: wrong_types,
        sizes: [40_000, 400_000],
    },
    Case {
        name: "a long id and a long unknown risk, check",
        command: "check FILE",
        make: long_ids,
        sizes: [100_000, 1_000_000],
    },
    Case {
        name: "unknown risk names among many risks, check",
        command: "check FILE",
        make: unknown_names,
        sizes: [2_000, 20_000],
    },
];

fn opx(command: &str, file: &Path) -> Vec<OsString> {
    let mut words: Vec<OsString> = vec![env!("CARGO_BIN_EXE_opx").into()];
    words.extend(command.split(' ').map(|word| match word {
        "FILE" => file.into(),
        word => word.into(),
    }));
    words.extend(["--today", TODAY].map(OsString::from));
    words
}

fn main() {
    let args: Vec<OsString> = std::env::args_os().collect();
    if let Some(at) = args.iter().position(|arg| arg == PROBE) {
        return probe(&args[at + 1..]);
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    println!(
        "{:<46} {:>10} {:>11} {:>10} {:>11} {:>8}",
        "case", "input", "time", "input ×10", "time", "growth"
    );
    for case in &CASES {
        let mut measured = Vec::new();
        for (i, &size) in case.sizes.iter().enumerate() {
            let file: PathBuf = dir.path().join(format!("case-{i}.toml"));
            let text = (case.make)(size);
            std::fs::write(&file, &text).expect("the case is written");
            match measure(&opx(case.command, &file), 3, &[0, 1, 2]) {
                Ok(stats) => measured.push((text.len(), stats)),
                Err(error) => println!("{}: {error}", case.name),
            }
        }
        if let [(small, a), (large, b)] = measured.as_slice() {
            println!(
                "{:<46} {:>10} {:>11} {:>10} {:>11} {:>7.1}×   peak {} / {}",
                case.name,
                mib(*small as f64),
                ms(a.best),
                mib(*large as f64),
                ms(b.best),
                b.best.as_secs_f64() / a.best.as_secs_f64().max(1e-9),
                mib(a.rss),
                mib(b.rss),
            );
        }
    }
    // Files opx must refuse at once, whatever they would hold.
    for (name, path) in [("/dev/zero as a register", PathBuf::from("/dev/zero"))] {
        match measure(&opx("check FILE", &path), 3, &[2]) {
            Ok(stats) => println!(
                "{name:<46} refused in {}, peak {}",
                ms(stats.best),
                mib(stats.rss)
            ),
            Err(error) => println!("{name}: {error}"),
        }
    }
    #[cfg(unix)]
    {
        let fifo = dir.path().join("pipe.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|status| status.success()) {
            match measure(&opx("check FILE", &fifo), 3, &[2]) {
                Ok(stats) => println!(
                    "{:<46} refused in {}, peak {}",
                    "a pipe (FIFO) as a register",
                    ms(stats.best),
                    mib(stats.rss)
                ),
                Err(error) => println!("a pipe: {error}"),
            }
        }
    }
    trend_beside_a_large_blob(dir.path());
    simulation(dir.path());
}

/// Commits made to a register of a few risks in `repo`.
const TREND_COMMITS: usize = 40;

/// A repository whose `risks/` gets [`TREND_COMMITS`] commits, with a
/// `big_mib` MiB `risks/big.toml` from the first one on (none for 0).
fn history(dir: &Path, big_mib: usize) -> PathBuf {
    let repo = dir.join(format!("trend-{big_mib}"));
    std::fs::create_dir_all(repo.join("risks")).expect("a folder");
    git(&repo, &["init", "-q"]);
    if big_mib > 0 {
        let line = format!("# {}\n", "x".repeat(1021));
        std::fs::write(repo.join("risks/big.toml"), line.repeat(big_mib * 1024)).expect("written");
    }
    for commit in 0..TREND_COMMITS {
        let text = format!(
            "[system]\nid = \"s\"\nowner = \"team\"\n\n[[risk]]\nid = \"r\"\ntitle = \"Risk\"\ncategory = \"data\"\nlikelihood = {}\nimpact = 3\n",
            commit % 5 + 1
        );
        std::fs::write(repo.join("risks/checkout.toml"), text).expect("written");
        git(&repo, &["add", "."]);
        git(&repo, &["commit", "-q", "-m", &format!("Change {commit}")]);
    }
    repo.join("risks")
}

fn trend_beside_a_large_blob(dir: &Path) {
    let mut best = Vec::new();
    for big_mib in [0, 20] {
        let risks = history(dir, big_mib);
        let command = opx("trend FILE --format json", &risks);
        match measure(&command, 3, &[0]) {
            Ok(stats) => best.push((big_mib, stats)),
            Err(error) => println!("trend beside {big_mib} MiB: {error}"),
        }
    }
    if let [(_, without), (big, with)] = best.as_slice() {
        println!(
            "{:<46} {:>10} {:>11} {:>10} {:>11} {:>7.1}×   peak {} / {}",
            format!("trend, {TREND_COMMITS} commits, beside a blob"),
            "none",
            ms(without.best),
            format!("{big} MiB"),
            ms(with.best),
            with.best.as_secs_f64() / without.best.as_secs_f64().max(1e-9),
            mib(without.rss),
            mib(with.rss),
        );
    }
}

/// Twenty risks whose ranges span the widest a register may write, each
/// estimate of every incident and the year's rate drawn, against the same
/// risks with each range written as a point near its mean: the work budget
/// of a simulated year keeps the first within 10× the second.
fn simulation(dir: &Path) {
    let register = |detect: &str, frequency: &str, users: &str| {
        let mut text =
            String::from("[system]\nid = \"s\"\n\n[system.slo]\navailability = \"99.9%\"\n");
        for i in 0..20 {
            text.push_str(&format!(
                "\n[[risk]]\nid = \"r{i}\"\ntitle = \"t\"\ncategory = \"technical\"\nimpact = 3\n\
                 time_to_detect = \"{detect}\"\ntime_to_recover = \"{detect}\"\n\
                 frequency = \"{frequency}\"\nusers_affected = \"{users}\"\n"
            ));
        }
        text
    };
    let mut best = Vec::new();
    for (name, text) in [
        (
            "20 risks, points near the ranges' means",
            register("12h", "1000000/year", "20%"),
        ),
        (
            "20 risks, 1s..13h and 20/year..1000000/year",
            register("1s..13h", "20/year..1000000/year", "5%..40%"),
        ),
    ] {
        let file = dir.join("simulated.toml");
        std::fs::write(&file, text).expect("the register is written");
        match measure(&opx("rank FILE --simulate --format json", &file), 5, &[0]) {
            Ok(stats) => {
                println!(
                    "{name:<46} --simulate in {}, peak {}",
                    ms(stats.best),
                    mib(stats.rss)
                );
                best.push(stats.best.as_secs_f64());
            }
            Err(error) => println!("{name}: {error}"),
        }
    }
    if let [points, ranges] = best.as_slice() {
        println!(
            "{:<46} {:.1}× the points' time (goal: at most 10×)",
            "ranges simulated",
            ranges / points
        );
    }
}
