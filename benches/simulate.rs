#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

//! `opx rank --simulate`: 100 systems of 100 risks, 10,000 simulated years
//! each, once with every estimate a point and once with half the risks
//! written as ranges, beside the same ranking without the simulation. The
//! goal is under 1 s.
//!
//! Run with `cargo bench --bench simulate`. Timing lives here, never in tests.

mod probe;

use std::ffi::OsString;
use std::path::Path;

use probe::{PROBE, measure, mib, ms, probe};

const SYSTEMS: usize = 100;
const RISKS: usize = 100;

/// Writes the register: one file a system. Every other risk is written
/// with ranges when `ranged`.
fn write_register(dir: &Path, ranged: bool) {
    for s in 0..SYSTEMS {
        let mut text = format!(
            "[system]\nid = \"system-{s}\"\nowner = \"team\"\n\n[system.slo]\navailability = \"99.9%\"\n"
        );
        for r in 0..RISKS {
            let (detect, recover, frequency, users) = if ranged && r % 2 == 0 {
                ("2m..20m", "10m..2h", "1/year..6/year", "5%..40%")
            } else {
                ("5m", "30m", "2/year", "20%")
            };
            text.push_str(&format!(
                "\n[[risk]]\nid = \"risk-{r}\"\ntitle = \"Risk {r}\"\ncategory = \"technical\"\nimpact = 3\ntime_to_detect = \"{detect}\"\ntime_to_recover = \"{recover}\"\nfrequency = \"{frequency}\"\nusers_affected = \"{users}\"\n"
            ));
        }
        std::fs::write(dir.join(format!("system-{s}.toml")), text).expect("written");
    }
}

fn main() {
    let args: Vec<OsString> = std::env::args_os().collect();
    if let Some(at) = args.iter().position(|arg| arg == PROBE) {
        return probe(&args[at + 1..]);
    }
    for ranged in [false, true] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        write_register(dir.path(), ranged);
        let kind = if ranged { "half ranged" } else { "points" };
        for simulate in [false, true] {
            let mut command: Vec<OsString> = [
                env!("CARGO_BIN_EXE_opx"),
                "rank",
                dir.path().to_str().expect("a UTF-8 path"),
                "--format",
                "json",
                "--today",
                "2026-11-27",
            ]
            .map(OsString::from)
            .to_vec();
            if simulate {
                command.push("--simulate".into());
            }
            match measure(&command, 5, &[0]) {
                Ok(stats) => {
                    let what = if simulate {
                        "--simulate"
                    } else {
                        "no simulation"
                    };
                    println!(
                        "opx rank, {SYSTEMS} systems × {RISKS} risks ({kind}), {what}: best {}, median {}, peak {}",
                        ms(stats.best),
                        ms(stats.median),
                        mib(stats.rss)
                    );
                    if simulate {
                        let seconds = stats.best.as_secs_f64();
                        let mark = if seconds < 1.0 { "PASS" } else { "MISS" };
                        println!("{mark}  under 1 s: {seconds:.2} s");
                    }
                }
                Err(error) => println!("opx rank: {error}"),
            }
        }
    }
}
