#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

//! How opx scales: a register of 100,000 risks in 1,000 files, loaded and
//! ranked, beside the time the toml crate alone needs to parse the same
//! files. Run with `cargo bench`; it prints the timings and the ratio.
//!
//! The goal the register format was built for: ranking takes no more time
//! than parsing. Timing lives here, never in tests.

use std::time::Instant;

const FILES: usize = 1_000;
const RISKS_PER_FILE: usize = 100;

fn register_file(file: usize) -> String {
    let mut text = format!(
        "[system]\nid = \"system-{file}\"\nowner = \"team-{file}\"\n\n[system.slo]\navailability = \"99.9%\"\n"
    );
    for risk in 0..RISKS_PER_FILE {
        let level = |salt: usize| (file * 7 + risk * 13 + salt) % 5 + 1;
        text.push_str(&format!(
            "\n[[risk]]\nid = \"risk-{risk}\"\ntitle = \"Risk {risk} of system {file}\"\ncategory = \"technical\"\n\
             likelihood = {}\nimpact = {}\ntime_to_detect = \"{}m\"\ntime_to_recover = \"{}h\"\nfrequency = \"{}/year\"\n\
             reviewed = 2026-10-01\n\n[[risk.action]]\nkind = \"detect\"\nwhat = \"Alert {risk}\"\nstatus = \"done\"\n",
            level(1),
            level(2),
            level(3) * 5,
            level(4),
            level(5),
        ));
    }
    text
}

fn main() {
    let dir = std::env::temp_dir().join(format!("opx-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    for file in 0..FILES {
        std::fs::write(
            dir.join(format!("system-{file:04}.toml")),
            register_file(file),
        )
        .expect("a register file");
    }
    let texts: Vec<String> = (0..FILES)
        .map(|file| {
            std::fs::read_to_string(dir.join(format!("system-{file:04}.toml"))).expect("readable")
        })
        .collect();

    let started = Instant::now();
    for text in &texts {
        let table: toml::Table = toml::from_str(text).expect("valid TOML");
        std::hint::black_box(table);
    }
    let parse = started.elapsed();

    let today = "2026-11-27".parse().expect("a date");
    let started = Instant::now();
    let loaded = opx::register::load(std::slice::from_ref(&dir));
    assert!(
        loaded.diagnostics.is_empty(),
        "the generated register is valid"
    );
    let ranked = opx::score::rank(&loaded.register, today, opx::score::RankBy::Severity);
    std::hint::black_box(&ranked);
    let rank = started.elapsed();

    println!(
        "{} risks in {FILES} files: toml parse {:.0?}, opx load + rank {:.0?} ({:.2}× the parse)",
        ranked.len(),
        parse,
        rank,
        rank.as_secs_f64() / parse.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
