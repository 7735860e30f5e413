#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

//! Whole opx commands as a user runs them: the built binary, started as a
//! process, its output read to the end through a pipe.
//!
//! For each of two registers, a varied one (risks with one to three actions
//! of any kind and status, acceptances, waivers and incidents: many
//! findings) and a tidy one (every risk with the same two actions), and each
//! size (1,000, 10,000 and 100,000 risks, 100 to a file, each risk ~600
//! bytes of TOML) it measures the parse floor (the toml crate
//! parsing the same texts, already in memory, on one thread), then every
//! `rank` and `check` format, `rank --top 1` and one `rank --output FILE`:
//! best time of several runs, peak RSS, and both against the floor and the
//! input size. At 10,000 risks it times a short Python script that does what
//! `rank` does; it also times `rank` on one file of 50 risks. It ends with
//! the goals, PASS or MISS: a report, never a failure.
//!
//! Run with `cargo bench --bench commands`; `OPX_BENCH_SIZES=1000,10000`
//! leaves out the largest size, `OPX_BENCH_SHAPES=varied` (or `tidy`)
//! measures one register, and `OPX_BENCH_DIR=folder` keeps the
//! registers there (to profile a command on them). Peak RSS is `ru_maxrss` of the only child of
//! a fresh probe (this benchmark started again with [`PROBE`]), so no other
//! process is counted; the kernel also counts the image a child replaces on
//! exec, so each figure includes the probe's own ~2 MiB. Timing lives here,
//! never in tests.

mod probe;

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use probe::{PROBE, Stats, measure, mib, ms, probe};

const TODAY: &str = "2026-11-27";
const RISKS_PER_FILE: usize = 100;
const SMALL_RISKS: usize = 50;
const SMALL_RUNS: usize = 200;
const PYTHON_RUNS: usize = 3;

/// What a team would type in Python instead: load every file, rank, print.
const PYTHON: &str = r#"
import os, sys, tomllib

LIKELIHOOD = ["rare", "unlikely", "possible", "likely", "almost-certain"]
IMPACT = ["negligible", "minor", "moderate", "major", "severe"]


def level(value, words):
    return value if isinstance(value, int) else words.index(value) + 1


rows = []
for folder, subfolders, files in os.walk(sys.argv[1]):
    subfolders.sort()
    for name in sorted(files):
        if not name.endswith(".toml"):
            continue
        with open(os.path.join(folder, name), "rb") as file:
            register = tomllib.load(file)
        system = register.get("system", {}).get("id", "")
        for risk in register.get("risk", []):
            severity = level(risk["likelihood"], LIKELIHOOD) * level(risk["impact"], IMPACT)
            rows.append((-severity, system, risk["id"], risk["title"]))

rows.sort()
out = sys.stdout
for severity, system, risk, title in rows:
    out.write(f"{-severity:>2}  {system}/{risk}  {title}\n")
"#;

/// Risk templates, one a line: id stem | title | category | detect action |
/// its signal | prevent action.
const KINDS: &str = "\
    traffic-spike|Traffic spikes saturate the worker pool|technical|Page on queue depth and p95 latency|queue-depth-p95|Autoscale workers on queue depth
    bad-deploy|A bad deploy breaks the checkout flow|process|Deploy markers on the error-rate dashboard|deploy-error-rate|Canary releases with automatic rollback
    db-failover|Primary database fails and failover is manual|technical|Replication lag and primary health alerts|db-replication-lag|Automate failover and rehearse it quarterly
    cert-expiry|An expired certificate blocks incoming requests|process|Alert three weeks before certificate expiry|tls-cert-expiry-21d|Renew certificates automatically with cert-manager
    cache-stampede|Cache stampede overloads the origin after restart|technical|Page on origin request rate and cache hit ratio|cache-hit-ratio|Warm the cache before shifting traffic
    dependency-timeout|Upstream dependency timeouts stall user requests|technical|Dependency latency SLI with a burn-rate alert|dependency-latency-sli|Timeouts and a bulkhead around dependency calls
    duplicate-records|Retries create duplicate records in the ledger|data|Nightly reconciliation report of duplicate records|ledger-duplicates|Idempotency keys on every ledger write
    single-expert|Only one engineer understands the billing job|people|Track pages that only one person can answer|single-responder-pages|Pair on the billing job and write its runbook";
const LIKELIHOOD: [&str; 5] = ["rare", "unlikely", "possible", "likely", "almost-certain"];
const IMPACT: [&str; 5] = ["negligible", "minor", "moderate", "major", "severe"];
const DETECT: [&str; 5] = ["5m", "15m", "30m", "1h", "4h"];
const RECOVER: [&str; 5] = ["10m", "20m", "30m", "45m", "1h 30m"];
const FREQUENCY: [&str; 5] = ["0.5/year", "1/year", "1/year", "2/year", "4/year"];
const USERS: [&str; 5] = ["0.5%", "1%", "2%", "5%", "10%"];
const PEOPLE: [&str; 6] = ["alice", "bob", "carol", "dave", "erin", "frank"];
const DUE: [&str; 4] = ["2026-11-20", "2026-12-15", "2027-01-31", "2027-03-31"];

/// A well-mixed number from a risk's place and a salt (the splitmix64
/// finaliser): varied levels, never chance, never the clock.
fn pick(file: usize, risk: usize, salt: u64) -> usize {
    let mut x = ((file as u64) << 40) ^ ((risk as u64) << 20) ^ salt;
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (x ^ (x >> 31)) as usize
}

/// One register file of `risks` risks, about 610 bytes each.
fn register_file(file: usize, risks: usize) -> String {
    let mut text = format!(
        "[system]\nid = \"service-{file:04}\"\nowner = \"team-{file}\"\noncall = \"team-{file}-primary\"\n\
         escalation = [\"team-{file}-primary\", \"team-{file}-secondary\", \"eng-manager\"]\n\n\
         [system.slo]\navailability = \"99.9%\"\n"
    );
    for risk in 0..risks {
        let pick = |salt: u64, of: usize| pick(file, risk, salt) % of;
        let kind = KINDS
            .lines()
            .nth(pick(1, KINDS.lines().count()))
            .expect("a kind");
        let [stem, title, category, detect, signal, prevent] =
            kind.trim().splitn(6, '|').collect::<Vec<_>>()[..]
        else {
            unreachable!("six fields a line")
        };
        let (likelihood, impact) = (pick(2, 5), pick(3, 5));
        // Now and then a team writes a level as a number.
        let level = |words: [&str; 5], at: usize| match risk % 10 {
            0 => (at + 1).to_string(),
            _ => format!("\"{}\"", words[at]),
        };
        text.push_str(&format!(
            "\n[[risk]]\nid = \"{stem}-{risk:02}\"\ntitle = \"{title}\"\ncategory = \"{category}\"\n\
             likelihood = {}\nimpact = {}\ntime_to_detect = \"{}\"\ntime_to_recover = \"{}\"\n\
             frequency = \"{}\"\nusers_affected = \"{}\"\nowner = \"{}\"\nreviewed = 2026-{:02}-{:02}\n\n\
             [[risk.action]]\nkind = \"detect\"\nwhat = \"{detect}\"\nowner = \"{}\"\nstatus = \"done\"\n\
             signal = \"{signal}\"\ntime_to_detect = \"5m\"\n\n\
             [[risk.action]]\nkind = \"prevent\"\nwhat = \"{prevent}\"\nowner = \"{}\"\ndue = {}\n\
             status = \"planned\"\nlikelihood = \"{}\"\n",
            level(LIKELIHOOD, likelihood),
            level(IMPACT, impact),
            DETECT[pick(4, 5)],
            RECOVER[pick(5, 5)],
            FREQUENCY[likelihood],
            USERS[impact],
            PEOPLE[pick(6, PEOPLE.len())],
            pick(7, 6) + 6,
            pick(8, 28) + 1,
            PEOPLE[pick(9, PEOPLE.len())],
            PEOPLE[pick(10, PEOPLE.len())],
            DUE[pick(11, DUE.len())],
            LIKELIHOOD[likelihood.saturating_sub(1)],
        ));
    }
    text
}

/// Actions of the varied register, by kind: what it does, and its signal or
/// runbook once done.
const PREVENT: [&str; 4] = [
    "Autoscale workers on queue depth",
    "Canary releases with automatic rollback",
    "Idempotency keys on every ledger write",
    "Timeouts and a bulkhead around dependency calls",
];
const DETECT_WHAT: [(&str, &str); 4] = [
    ("Page on queue depth and p95 latency", "queue-depth-p95"),
    (
        "Replication lag and primary health alerts",
        "db-replication-lag",
    ),
    (
        "Alert three weeks before certificate expiry",
        "tls-cert-expiry-21d",
    ),
    (
        "Nightly reconciliation report of duplicate records",
        "ledger-duplicates",
    ),
];
const RESPOND: [&str; 4] = [
    "Fail over to the secondary region",
    "One-command rollback of the last deploy",
    "Shed load at the edge until the pool recovers",
    "Restore the ledger from the last snapshot",
];
const STATUS: [&str; 4] = ["planned", "in-progress", "done", "failed"];
/// Due days around today (2026-11-27): some long past, some soon, some later.
const VARIED_DUE: [&str; 6] = [
    "2026-06-30",
    "2026-10-15",
    "2026-11-20",
    "2026-12-15",
    "2027-01-31",
    "2027-03-31",
];

/// A day of the year before today: `back` days before 2026-11-27, at most 364.
fn day_before_today(back: usize) -> String {
    const MONTHS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    // Days since 2025-11-28, the first of the year that ends today.
    let mut day = 364 - back.min(364);
    let (mut year, mut month) = (2025, 10);
    let mut first = 27; // 0-based day of the month: the 28th
    loop {
        let left = MONTHS[month] - first;
        if day < left {
            return format!("{year}-{:02}-{:02}", month + 1, first + day + 1);
        }
        day -= left;
        first = 0;
        month += 1;
        if month == 12 {
            (year, month) = (year + 1, 0);
        }
    }
}

/// One register file as teams write them after a while: each risk has one
/// to three actions of any kind and status (done with or without a signal,
/// a runbook or evidence, planned and overdue, failed), reviews spread
/// over the year, now and then an acceptance or a waiver (some expired),
/// and incidents that name the file's risks, so `check` has much to say.
fn varied_file(file: usize, risks: usize) -> String {
    let mut text = format!(
        "[system]\nid = \"service-{file:04}\"\nowner = \"team-{file}\"\noncall = \"team-{file}-primary\"\n\
         escalation = [\"team-{file}-primary\", \"team-{file}-secondary\", \"eng-manager\"]\n\n\
         [system.slo]\navailability = \"99.9%\"\nrpo = \"1h\"\n"
    );
    let mut ids = Vec::with_capacity(risks);
    for risk in 0..risks {
        let pick = |salt: u64, of: usize| pick(file, risk, salt) % of;
        let kind = KINDS
            .lines()
            .nth(pick(1, KINDS.lines().count()))
            .expect("a kind");
        let [stem, title, category, ..] = kind.trim().splitn(6, '|').collect::<Vec<_>>()[..] else {
            unreachable!("six fields a line")
        };
        let id = format!("{stem}-{risk:02}");
        let (likelihood, impact) = (pick(2, 5), pick(3, 5));
        let level = |words: [&str; 5], at: usize| match risk % 10 {
            0 => (at + 1).to_string(),
            _ => format!("\"{}\"", words[at]),
        };
        text.push_str(&format!(
            "\n[[risk]]\nid = \"{id}\"\ntitle = \"{title}\"\ncategory = \"{category}\"\n\
             likelihood = {}\nimpact = {}\ntime_to_detect = \"{}\"\ntime_to_recover = \"{}\"\n\
             frequency = \"{}\"\nusers_affected = \"{}\"\n",
            level(LIKELIHOOD, likelihood),
            level(IMPACT, impact),
            DETECT[pick(4, 5)],
            RECOVER[pick(5, 5)],
            FREQUENCY[likelihood],
            USERS[impact],
        ));
        if pick(6, 8) == 0 {
            text.push_str("data_loss = \"2h\"\n");
        }
        if pick(7, 15) != 0 {
            text.push_str(&format!("owner = \"{}\"\n", PEOPLE[pick(8, PEOPLE.len())]));
        }
        text.push_str(&format!("reviewed = {}\n", day_before_today(pick(9, 365))));
        if pick(10, 6) == 0 {
            text.push_str("review_every = \"180d\"\n");
        }
        for action in 0..1 + pick(11, 3) {
            let pick = |salt: u64, of: usize| pick(salt + 100 * action as u64, of);
            let status = STATUS[pick(12, STATUS.len())];
            text.push_str("\n[[risk.action]]\n");
            if risk % 3 == 0 {
                text.push_str(&format!("id = \"a{}\"\n", action + 1));
            }
            match pick(13, 3) {
                0 => text.push_str(&format!(
                    "kind = \"prevent\"\nwhat = \"{}\"\n",
                    PREVENT[pick(14, 4)]
                )),
                1 => {
                    let (what, signal) = DETECT_WHAT[pick(14, 4)];
                    text.push_str(&format!("kind = \"detect\"\nwhat = \"{what}\"\n"));
                    if pick(15, 3) != 0 {
                        text.push_str(&format!("signal = \"{signal}\"\n"));
                    }
                }
                _ => {
                    text.push_str(&format!(
                        "kind = \"respond\"\nwhat = \"{}\"\n",
                        RESPOND[pick(14, 4)]
                    ));
                    match pick(15, 8) {
                        0 => text.push_str("runbook = \"runbooks/failover.md\"\n"),
                        1..=5 => text.push_str(&format!(
                            "runbook = \"https://wiki.example/runbooks/{stem}\"\n"
                        )),
                        _ => {}
                    }
                }
            }
            if pick(16, 2) == 0 {
                text.push_str(&format!("owner = \"{}\"\n", PEOPLE[pick(17, PEOPLE.len())]));
            }
            text.push_str(&format!("status = \"{status}\"\n"));
            match status {
                "done" => {
                    if pick(18, 3) == 0 {
                        text.push_str(&format!(
                            "exercised = {}\n",
                            day_before_today(pick(19, 365))
                        ));
                    }
                    match pick(20, 3) {
                        0 => text.push_str(&format!(
                            "likelihood = \"{}\"\n",
                            LIKELIHOOD[likelihood.saturating_sub(1)]
                        )),
                        1 => text.push_str("time_to_recover = \"10m\"\n"),
                        _ => {}
                    }
                }
                "failed" => text.push_str(&format!(
                    "failed_on = {}\nreason = \"It did not hold in the last game day\"\n",
                    day_before_today(pick(19, 365))
                )),
                _ => text.push_str(&format!(
                    "due = {}\nlikelihood = \"{}\"\n",
                    VARIED_DUE[pick(19, VARIED_DUE.len())],
                    LIKELIHOOD[likelihood.saturating_sub(1)]
                )),
            }
        }
        match pick(21, 12) {
            0 => text.push_str(&format!(
                "\n[risk.accepted]\nby = \"eng-manager\"\nreason = \"Tolerable until the rewrite lands\"\nuntil = {}\n",
                ["2026-09-30", "2026-12-10", "2027-03-31"][pick(22, 3)]
            )),
            1 => text.push_str(&format!(
                "\n[[risk.waive]]\nrule = \"{}\"\nreason = \"The platform team covers it\"\nby = \"eng-manager\"\nuntil = {}\n",
                ["no-runbook", "review-overdue", "action-overdue", "no-signal"][pick(22, 4)],
                ["2026-10-31", "2026-12-05", "2027-02-28"][pick(23, 3)]
            )),
            _ => {}
        }
        ids.push((id, risk % 3 == 0));
    }
    // About one incident for every twenty risks, over the last year.
    for incident in 0..risks / 20 {
        let pick = |salt: u64, of: usize| pick(file, 1000 + incident, salt) % of;
        let (risk, has_ids) = &ids[pick(1, ids.len())];
        text.push_str(&format!(
            "\n[[incident]]\nid = \"INC-{file}-{incident}\"\ndate = {}\nrisks = [\"{risk}\"]\n\
             detected_after = \"{}\"\nrecovered_after = \"{}\"\nusers_affected = \"{}\"\n\
             summary = \"Requests failed until the on-call stepped in\"\n",
            day_before_today(pick(2, 365)),
            ["5m", "20m", "2h"][pick(3, 3)],
            ["15m", "1h", "6h"][pick(4, 3)],
            USERS[pick(5, 5)],
        ));
        if *has_ids {
            let which = ["failed_actions", "worked_actions"][pick(6, 2)];
            text.push_str(&format!("{which} = [\"{risk}/a1\"]\n"));
        }
    }
    text
}

/// The two registers measured: every risk alike and tidy, or varied as a
/// register becomes after a while (the harder one, which the goals judge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Tidy,
    Varied,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Tidy => "tidy",
            Shape::Varied => "varied",
        }
    }

    fn file(self, file: usize, risks: usize) -> String {
        match self {
            Shape::Tidy => register_file(file, risks),
            Shape::Varied => varied_file(file, risks),
        }
    }
}

/// Writes a register of `risks` risks into `dir`; returns the texts written.
fn write_register(dir: &Path, risks: usize, shape: Shape) -> Vec<String> {
    std::fs::create_dir_all(dir).expect("a register folder");
    (0..risks.div_ceil(RISKS_PER_FILE))
        .map(|file| {
            let text = shape.file(file, (risks - file * RISKS_PER_FILE).min(RISKS_PER_FILE));
            std::fs::write(dir.join(format!("service-{file:04}.toml")), &text)
                .expect("a register file");
            text
        })
        .collect()
}

/// The probe: run one command with its output piped and drained, then print
/// `nanoseconds peak-rss-bytes exit-code stdout-bytes` and its standard error.
/// One size, measured: what the goals and the growth table read.
struct Size {
    risks: usize,
    shape: Shape,
    input: f64,
    floor: Duration,
    /// Command (as typed after `opx`, without the register and `--today`),
    /// whether it is one of the rank and check formats, and what it measured.
    rows: Vec<(&'static str, bool, Result<Stats, String>)>,
}

impl Size {
    fn best(&self, command: &str) -> Option<Duration> {
        let row = self.rows.iter().find(|row| row.0 == command)?;
        row.2.as_ref().ok().map(|stats| stats.best)
    }
}

const FORMATS: [&str; 10] = [
    "rank --format table",
    "rank --format json",
    "rank --format markdown",
    "rank --format csv",
    "check --format human",
    "check --format json",
    "check --format github",
    "check --format sarif",
    "check --format junit",
    "check --format markdown",
];

/// `opx SUBCOMMAND PATH REST... --today TODAY`, with FILE in `args` replaced by `file`.
fn opx(args: &str, path: &Path, file: &Path) -> Vec<OsString> {
    let mut words = args.split(' ');
    let mut command: Vec<OsString> = vec![env!("CARGO_BIN_EXE_opx").into()];
    command.extend(words.next().map(OsString::from));
    command.push(path.into());
    command.extend(words.map(|word| match word {
        "FILE" => file.into(),
        word => word.into(),
    }));
    command.extend(["--today", TODAY].map(OsString::from));
    command
}

fn measure_size(root: &Path, risks: usize, shape: Shape) -> Size {
    let dir = root.join(format!("{}-{risks}", shape.name()));
    let texts = write_register(&dir, risks, shape);
    let input = texts.iter().map(String::len).sum::<usize>() as f64;
    let runs = (100_000 / risks).clamp(3, 10);
    let floor = (0..runs)
        .map(|_| {
            let started = Instant::now();
            for text in &texts {
                std::hint::black_box(toml::from_str::<toml::Table>(text).expect("valid TOML"));
            }
            started.elapsed()
        })
        .min()
        .unwrap_or_default();
    drop(texts);

    let file = root.join("rank.json");
    let mut rows = Vec::new();
    for (command, gated, runs) in FORMATS
        .map(|command| (command, true, runs))
        .into_iter()
        .chain([
            ("rank --top 1", false, runs),
            ("rank --format json --output FILE", false, 1),
        ])
    {
        rows.push((
            command,
            gated,
            measure(&opx(command, &dir, &file), runs, &[0, 1]),
        ));
    }

    println!(
        "\n{risks} {} risks in {} files, {} of TOML, best of {runs} runs; toml parse floor {} (one thread)",
        shape.name(),
        risks.div_ceil(RISKS_PER_FILE),
        mib(input),
        ms(floor),
    );
    println!(
        "{:<34}{:>11}{:>9}{:>11}{:>9}{:>11}{:>6}",
        "command", "best", "× floor", "peak RSS", "÷ input", "stdout", "exit"
    );
    for (command, _, stats) in &rows {
        match stats {
            Ok(s) => println!(
                "{command:<34}{:>11}{:>9.2}{:>11}{:>9.2}{:>11}{:>6}",
                ms(s.best),
                s.best.as_secs_f64() / floor.as_secs_f64(),
                mib(s.rss),
                s.rss / input,
                mib(s.out),
                s.code,
            ),
            Err(error) => println!("{command:<34}error: {error}"),
        }
    }
    Size {
        risks,
        shape,
        input,
        floor,
        rows,
    }
}

/// Python's time ÷ opx's for `rank` in json and in table, at 10,000 risks.
fn python(root: &Path, size: &Size) -> Option<(f64, f64)> {
    let has_tomllib = Command::new("python3")
        .args(["-c", "import tomllib"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !has_tomllib {
        println!("\nPython: skipped (no python3 with tomllib)");
        return None;
    }
    let dir = root.join(format!("{}-{}", size.shape.name(), size.risks));
    let command = ["python3".into(), "-c".into(), PYTHON.into(), dir.into()];
    let stats = measure(&command, PYTHON_RUNS, &[0])
        .inspect_err(|error| println!("\nPython: error: {error}"))
        .ok()?;
    let ratio = |command| Some(stats.best.as_secs_f64() / size.best(command)?.as_secs_f64());
    let (json, table) = (ratio("rank --format json")?, ratio("rank --format table")?);
    println!(
        "\nPython (tomllib) ranks {} {} risks in {} (best of {PYTHON_RUNS}), peak RSS {}: \
         {json:.1}× opx rank --format json, {table:.1}× rank --format table",
        size.risks,
        size.shape.name(),
        ms(stats.best),
        mib(stats.rss),
    );
    Some((json, table))
}

/// The median time of `rank` on one file of 50 risks, process included,
/// beside that of `opx --version`: what starting the process costs alone.
fn small_rank(root: &Path) -> Option<Duration> {
    let file = root.join("small.toml");
    std::fs::write(&file, varied_file(0, SMALL_RISKS)).expect("a small register");
    let version = [env!("CARGO_BIN_EXE_opx"), "--version"].map(OsString::from);
    let start = measure(&version, SMALL_RUNS, &[0]).map_or("-".into(), |s| ms(s.median));
    match measure(&opx("rank", &file, &file), SMALL_RUNS, &[0, 1]) {
        Ok(stats) => {
            println!(
                "\nrank of {SMALL_RISKS} risks in one file, process included: median {} of {SMALL_RUNS} \
                 (opx --version: {start})",
                ms(stats.median),
            );
            Some(stats.median)
        }
        Err(error) => {
            println!("\nrank of {SMALL_RISKS} risks: error: {error}");
            None
        }
    }
}

/// Per-risk time and RSS at the largest size ÷ at the smallest, per command;
/// returns the worst of each over the rank and check formats (the one-run
/// `--output` row is too noisy to judge). Above 1, a cost grows faster than
/// the register.
fn growth(small: &Size, large: &Size) -> Option<(f64, f64)> {
    println!(
        "\nper-risk cost at {} ÷ at {} {} risks",
        large.risks,
        small.risks,
        small.shape.name()
    );
    println!("{:<34}{:>9}{:>9}", "command", "time", "RSS");
    let scale = small.risks as f64 / large.risks as f64;
    let mut worst: Option<(f64, f64)> = None;
    for ((command, format, small), (_, _, large)) in small.rows.iter().zip(&large.rows) {
        if let (Ok(small), Ok(large)) = (small, large) {
            let time = large.best.as_secs_f64() / small.best.as_secs_f64() * scale;
            let rss = large.rss / small.rss * scale;
            println!("{command:<34}{time:>9.2}{rss:>9.2}");
            if *format {
                let (t, r) = worst.unwrap_or_default();
                worst = Some((t.max(time), r.max(rss)));
            }
        }
    }
    worst
}

/// Prints one goal, `text` then the value in `unit`: PASS, MISS, or ----
/// when the size it needs was not measured.
fn goal(text: &str, value: Option<f64>, unit: &str, met: impl Fn(f64) -> bool) {
    match value {
        Some(value) => {
            let mark = if met(value) { "PASS" } else { "MISS" };
            println!("{mark}  {text}: {value:.2}{unit}");
        }
        None => println!("----  {text}: not measured"),
    }
}

fn main() {
    let args: Vec<OsString> = std::env::args_os().collect();
    if let Some(at) = args.iter().position(|arg| arg == PROBE) {
        return probe(&args[at + 1..]);
    }
    let sizes: Vec<usize> = std::env::var("OPX_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|size| size.trim().replace('_', "").parse().ok())
        .filter(|&size| size > 0)
        .collect();
    let shapes: Vec<Shape> = std::env::var("OPX_BENCH_SHAPES")
        .unwrap_or_else(|_| "varied,tidy".into())
        .split(',')
        .filter_map(|shape| match shape.trim() {
            "varied" => Some(Shape::Varied),
            "tidy" => Some(Shape::Tidy),
            _ => None,
        })
        .collect();
    // OPX_BENCH_DIR keeps the registers there, for a profiler to use.
    let kept = std::env::var_os("OPX_BENCH_DIR").map(std::path::PathBuf::from);
    let root = kept.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("opx-bench-commands-{}", std::process::id()))
    });
    std::fs::create_dir_all(&root).expect("a temporary folder");
    // No opx.toml of the caller's folder may apply to the runs.
    std::env::set_current_dir(&root).expect("the temporary folder");
    println!(
        "opx commands on {} cores: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        env!("CARGO_BIN_EXE_opx"),
    );

    let measured: Vec<Size> = shapes
        .iter()
        .flat_map(|&shape| sizes.iter().map(move |&risks| (shape, risks)))
        .map(|(shape, risks)| measure_size(&root, risks, shape))
        .collect();
    // Each goal takes the worst of the registers measured.
    let at = |risks| measured.iter().filter(move |size| size.risks == risks);
    let python = at(10_000)
        .filter_map(|size| python(&root, size))
        .map(|(json, table)| json.min(table))
        .reduce(f64::min);
    let small = small_rank(&root);
    let growth = shapes
        .iter()
        .filter_map(|&shape| {
            let of_shape: Vec<&Size> = measured.iter().filter(|s| s.shape == shape).collect();
            match (of_shape.first(), of_shape.last()) {
                (Some(small), Some(large)) if small.risks < large.risks => growth(small, large),
                _ => None,
            }
        })
        .reduce(|a, b| (a.0.max(b.0), a.1.max(b.1)));
    // The worst of `ratio` over the commands at 100,000 risks; a failed run counts as infinite.
    let worst = |ratio: fn(&Size, &Stats) -> f64, formats_only: bool| {
        at(100_000)
            .map(|size| {
                let rows = size.rows.iter().filter(|row| row.1 || !formats_only);
                let ratios =
                    rows.map(|row| row.2.as_ref().map_or(f64::INFINITY, |s| ratio(size, s)));
                ratios.fold(0.0, f64::max)
            })
            .reduce(f64::max)
    };

    println!("\ngoals");
    goal(
        "every rank and check format ≤ 1.0× the parse floor at 100,000 risks: worst",
        worst(
            |size, s| s.best.as_secs_f64() / size.floor.as_secs_f64(),
            true,
        ),
        "×",
        |x| x <= 1.0,
    );
    goal(
        "peak RSS ≤ 2× the input at 100,000 risks: worst",
        worst(|size, s| s.rss / size.input, false),
        "×",
        |x| x <= 2.0,
    );
    goal(
        "rank ≥ 25× faster than Python at 10,000 risks: the slower of json and table",
        python,
        "×",
        |x| x >= 25.0,
    );
    goal(
        "rank of 50 risks under 3 ms: median",
        small.map(|median| median.as_secs_f64() * 1e3),
        " ms",
        |x| x < 3.0,
    );
    goal(
        "time per risk of each format no higher at the largest size than at the smallest: worst",
        growth.map(|worst| worst.0),
        "×",
        |x| x <= 1.0,
    );
    goal(
        "peak RSS per risk of each format no higher at the largest size than at the smallest: worst",
        growth.map(|worst| worst.1),
        "×",
        |x| x <= 1.0,
    );

    if kept.is_none() {
        let _ = std::env::set_current_dir(std::env::temp_dir());
        let _ = std::fs::remove_dir_all(&root);
    }
}
