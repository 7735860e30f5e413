//! Invariants that hold for any input: every command answers with a
//! report or a located input error (never a panic, never a half-written
//! document), and the rank order is total and independent of the order
//! risks are read in.

use std::path::PathBuf;

use opx::commands::{self, ExitStatus, Io, RankOptions};
use opx::policy::Overrides;
use opx::report::RankFormat;
use proptest::prelude::*;

const TODAY: &str = "2026-11-27";

/// The cases a property runs: the same on every run from a fixed seed, so
/// a failure in CI fails the same way on a laptop. `PROPTEST_RNG_SEED=N`
/// explores others; a failing case is shown whole, shrunk, and kept in
/// `properties.proptest-regressions` for the runs after.
fn config(cases: u32) -> ProptestConfig {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(20_261_127);
    ProptestConfig {
        cases,
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        ..ProptestConfig::default()
    }
}

fn write_register(dir: &tempfile::TempDir, name: &str, text: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// What a command wrote, and how it ended.
struct Outcome {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

fn run(command: impl FnOnce(&mut Io<'_>) -> std::io::Result<ExitStatus>) -> Outcome {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let status = command(&mut Io {
        stdout: &mut stdout,
        stderr: &mut stderr,
        colour: false,
        stderr_colour: false,
        width: 100,
        step_summary: None,
    })
    .expect("writing to memory cannot fail");
    Outcome {
        status,
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

fn rank_json(paths: Vec<PathBuf>) -> Outcome {
    run(|io| {
        commands::rank(
            &RankOptions {
                limits: Default::default(),
                paths,
                format: RankFormat::Json,
                output: None,
                by: opx::score::RankBy::Severity,
                top: None,
                system: None,
                min_band: None,
                wide: false,
                actions: true,
                simulation: None,
                config: None,
                today: TODAY.parse().unwrap(),
            },
            io,
        )
    })
}

/// Either a ranking, as JSON with one entry per risk, or input errors on
/// standard error, each located in the file and counted in the last line.
fn assert_ranked_or_refused(outcome: &Outcome) -> Result<(), TestCaseError> {
    match outcome.status {
        ExitStatus::Success => {
            let doc: serde_json::Value = serde_json::from_str(&outcome.stdout)
                .map_err(|e| TestCaseError::fail(format!("not JSON ({e}):\n{}", outcome.stdout)))?;
            prop_assert!(doc["risks"].is_array());
            prop_assert!(outcome.stderr.is_empty(), "{}", outcome.stderr);
        }
        ExitStatus::Error => {
            prop_assert!(outcome.stdout.is_empty(), "a refused run writes no report");
            prop_assert!(
                outcome.stderr.contains("risks.toml"),
                "unlocated:\n{}",
                outcome.stderr
            );
            prop_assert!(
                outcome
                    .stderr
                    .trim_end()
                    .ends_with("opx stopped before using it"),
                "{}",
                outcome.stderr
            );
        }
        ExitStatus::Failure => prop_assert!(false, "rank never fails a gate"),
    }
    Ok(())
}

/// A value for a risk field: mostly valid, sometimes not.
fn field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        (0i64..8).prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "\"likely\"",
            "\"major\"",
            "\"15m\"",
            "\"2h 30m\"",
            "\"fast\"",
            "\"30%\"",
            "\"150%\"",
            "\"4/year\"",
            "\"every 90d\"",
            "2026-10-01",
            "\"2026-10-01\"",
            "true",
            "[1, 2]",
            "{ a = 1 }",
            "\"\"",
            "\"🙂\"",
            "2.5",
            "\"very-slow\"",
            "\"x\"",
        ])
        .prop_map(str::to_string),
    ]
}

fn risk_table() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "id",
        "title",
        "category",
        "likelihood",
        "impact",
        "time_to_detect",
        "time_to_recover",
        "frequency",
        "users_affected",
        "owner",
        "reviewed",
        "review_every",
        "system",
        "likelyhood",
    ]);
    prop::collection::btree_map(keys, field_value(), 0..12).prop_map(|fields| {
        let mut text = String::from("\n[[risk]]\n");
        for (k, v) in fields {
            text.push_str(&format!("{k} = {v}\n"));
        }
        text
    })
}

/// Values for actions and incidents, mostly valid.
fn extra_value() -> impl Strategy<Value = String> {
    prop_oneof![
        field_value(),
        prop::sample::select(vec![
            "\"prevent\"",
            "\"detect\"",
            "\"respond\"",
            "\"done\"",
            "\"planned\"",
            "[\"r1\"]",
            "[\"s/r2\"]",
            "[]",
            "\"5m\"",
            "\"0m\"",
            "\"0%\"",
            "\"100%\"",
            "\"1/day\"",
            "2026-11-20",
            "2027-02-28",
            "\"runbooks/x.md\"",
        ])
        .prop_map(str::to_string),
    ]
}

/// A valid risk `r{n}` whose fields a random selection then overrides,
/// with random actions.
fn rich_risk(n: usize) -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "likelihood",
        "impact",
        "time_to_detect",
        "time_to_recover",
        "frequency",
        "users_affected",
        "reviewed",
        "review_every",
    ]);
    let action_keys = prop::sample::select(vec![
        "kind",
        "what",
        "status",
        "due",
        "likelihood",
        "impact",
        "time_to_detect",
        "time_to_recover",
        "frequency",
        "users_affected",
        "runbook",
        "signal",
    ]);
    (
        prop::collection::btree_map(keys, extra_value(), 0..5),
        prop::collection::vec(
            prop::collection::btree_map(action_keys, extra_value(), 0..8),
            0..3,
        ),
    )
        .prop_map(move |(fields, actions)| {
            let mut base: std::collections::BTreeMap<&str, String> = [
                ("likelihood", "3"),
                ("impact", "4"),
                ("time_to_detect", "\"15m\""),
                ("time_to_recover", "\"1h\""),
                ("frequency", "\"4/year\""),
            ]
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect();
            base.extend(fields);
            let mut text =
                format!("\n[[risk]]\nid = \"r{n}\"\ntitle = \"t\"\ncategory = \"data\"\n");
            for (k, v) in base {
                text.push_str(&format!("{k} = {v}\n"));
            }
            for action in actions {
                text.push_str("\n[[risk.action]]\nkind = \"prevent\"\nwhat = \"a\"\n");
                for (k, v) in action
                    .into_iter()
                    .filter(|(k, _)| *k != "kind" && *k != "what")
                {
                    text.push_str(&format!("{k} = {v}\n"));
                }
            }
            text
        })
}

fn incident() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "date",
        "risks",
        "near_miss",
        "detected_after",
        "recovered_after",
        "users_affected",
    ]);
    (
        any::<u8>(),
        prop::collection::btree_map(keys, extra_value(), 0..6),
    )
        .prop_map(|(n, fields)| {
            let mut text =
                format!("\n[[incident]]\nid = \"INC-{n}\"\ndate = 2026-11-01\nrisks = [\"r1\"]\n");
            text = fields.iter().fold(text, |mut t, (k, v)| {
                // A later key would be a TOML duplicate; replace the defaults instead.
                if let Some(start) = t.find(&format!("\n{k} = ")) {
                    let end = t[start + 1..].find('\n').map_or(t.len(), |i| start + 1 + i);
                    t.replace_range(start + 1..end, &format!("{k} = {v}"));
                } else {
                    t.push_str(&format!("{k} = {v}\n"));
                }
                t
            });
            text
        })
}

proptest! {
    #![proptest_config(config(256))]

    /// Every command, on registers with actions, effects, incidents and a
    /// baseline drawn at random: an outcome, never a panic.
    #[test]
    fn no_command_panics_on_rich_registers(
        r1 in rich_risk(1),
        r2 in rich_risk(2),
        incidents in prop::collection::vec(incident(), 0..3),
        slo in prop::sample::select(vec!["99.9%", "99%", "0%", "99.999%"]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "[system]\nid = \"s\"\n\n[system.slo]\navailability = \"{slo}\"\n\n[system.baseline]\navailability = \"99.5%\"\nopen_bugs = 3\n{r1}{r2}{}",
            incidents.concat()
        );
        let path = write_register(&dir, "risks.toml", text.as_bytes());
        let today: jiff::civil::Date = TODAY.parse().unwrap();
        let paths = vec![path];
        let outcomes = [
            rank_json(paths.clone()),
            run(|io| commands::check(&commands::CheckOptions {
                limits: Default::default(),
                paths: paths.clone(),
                format: opx::report::CheckFormat::Json,
                quiet: false,
                output: None,
                today,
                simulation: Default::default(),
                config: None,
                overrides: Overrides::default(),
            }, io)),
            run(|io| commands::assess(&commands::AssessOptions {
                limits: Default::default(),
                paths: paths.clone(),
                format: opx::report::AssessFormat::Json,
                output: None,
                simulation: None,
                config: None,
                today,
            }, io)),
            run(|io| commands::plan(&commands::PlanOptions {
                limits: Default::default(),
                paths: paths.clone(),
                format: opx::report::PlanFormat::Json,
                output: None,
                config: None,
                single_risk_share: None,
                today,
            }, io)),
            run(|io| commands::review(&commands::ReviewOptions {
                limits: Default::default(),
                paths: paths.clone(),
                format: opx::report::ReviewFormat::Json,
                output: None,
                days: 7,
                mark: Vec::new(),
                config: None,
                today,
            }, io)),
        ];
        // check reports input errors as JSON too; the others refuse with
        // located errors on standard error. Every JSON document is whole,
        // and no number in it is NaN or infinite.
        for (i, outcome) in outcomes.iter().enumerate() {
            let is_check = i == 1;
            if outcome.status == ExitStatus::Error {
                prop_assert!(outcome.stderr.contains("risks.toml:"), "{}", outcome.stderr);
            }
            if outcome.status != ExitStatus::Error || is_check {
                let parsed: Result<serde_json::Value, _> = serde_json::from_str(&outcome.stdout);
                prop_assert!(parsed.is_ok(), "not JSON:\n{}", outcome.stdout);
                // The temporary folder's random name may hold "inf".
                let text = outcome.stdout.replace(&*dir.path().to_string_lossy(), "DIR");
                prop_assert!(!text.contains("NaN") && !text.contains("inf"), "{}", text);
            } else {
                prop_assert!(outcome.stdout.is_empty());
            }
        }
    }

    /// Arbitrary bytes: a whole ranking, or located input errors; never a
    /// panic and never both.
    #[test]
    fn any_bytes_are_ranked_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        let path = write_register(&dir, "risks.toml", &bytes);
        assert_ranked_or_refused(&rank_json(vec![path]))?;
    }

    /// Near-valid registers with random fields: a ranking of exactly the
    /// risks written, or errors that each point at a line of the file.
    #[test]
    fn near_valid_registers_are_ranked_or_refused_with_located_errors(
        risks in prop::collection::vec(risk_table(), 0..5),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("[system]\nid = \"s\"\n{}", risks.concat());
        let path = write_register(&dir, "risks.toml", text.as_bytes());
        let outcome = rank_json(vec![path]);
        assert_ranked_or_refused(&outcome)?;
        if outcome.status == ExitStatus::Success {
            let doc: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
            prop_assert_eq!(doc["risks"].as_array().unwrap().len(), risks.len());
        } else {
            for line in outcome.stderr.lines().filter(|l| l.trim_start().starts_with("-->")) {
                prop_assert!(line.contains("risks.toml:"), "unlocated: {}", line);
            }
        }
    }

    /// The ranking does not depend on the order of files or of risks in them.
    #[test]
    fn rank_order_is_total_and_deterministic(
        levels in prop::collection::vec((1u8..=5, 1u8..=5, prop::option::of((1u8..=5, 1u8..=5))), 1..30),
        seed in any::<u64>(),
    ) {
        let risks: Vec<String> = levels
            .iter()
            .enumerate()
            .map(|(i, (l, im, times))| {
                let times = times.map_or(String::new(), |(d, r)| {
                    let word = |n: u8| ["very-fast", "fast", "medium", "slow", "very-slow"][usize::from(n - 1)];
                    format!("time_to_detect = \"{}\"\ntime_to_recover = \"{}\"\n", word(d), word(r))
                });
                format!(
                    "[[risk]]\nid = \"r{i}\"\nsystem = \"{}\"\ntitle = \"t\"\ncategory = \"data\"\nlikelihood = {l}\nimpact = {im}\n{times}\n",
                    if i % 2 == 0 { "a" } else { "b" }
                )
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let systems = write_register(&dir, "systems.toml", b"");
        std::fs::write(&systems, "[system]\nid = \"a\"\n").unwrap();
        let other = write_register(&dir, "b.toml", b"[system]\nid = \"b\"\n");
        let forward = write_register(&dir, "forward.toml", risks.concat().as_bytes());
        let mut shuffled = risks.clone();
        // A cheap deterministic shuffle driven by the seed.
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        let dir2 = tempfile::tempdir().unwrap();
        let shuffled_path = write_register(&dir2, "shuffled.toml", shuffled.concat().as_bytes());
        let first = rank_json(vec![systems.clone(), other.clone(), forward]);
        let second = rank_json(vec![shuffled_path, other, systems]);
        prop_assert_eq!(first.status, ExitStatus::Success, "{}", first.stderr);
        prop_assert_eq!(second.status, ExitStatus::Success, "{}", second.stderr);
        let order = |out: &str| -> Vec<(u64, String, String)> {
            let doc: serde_json::Value = serde_json::from_str(out).unwrap();
            doc["risks"].as_array().unwrap().iter().map(|r| (
                r["rank"].as_u64().unwrap(),
                r["system"].as_str().unwrap().to_string(),
                r["id"].as_str().unwrap().to_string(),
            )).collect()
        };
        let a = order(&first.stdout);
        prop_assert_eq!(&a, &order(&second.stdout));
        // Total: every rank once, and each neighbour pair strictly ordered by the documented keys.
        let doc: serde_json::Value = serde_json::from_str(&first.stdout).unwrap();
        let rows = doc["risks"].as_array().unwrap();
        for (i, pair) in rows.windows(2).enumerate() {
            let key = |r: &serde_json::Value| (
                std::cmp::Reverse(r["severity"].as_u64().unwrap()),
                std::cmp::Reverse(r["exposure"].as_u64().map_or(0, |e| e + 1)),
                r["system"].as_str().unwrap().to_string(),
                r["id"].as_str().unwrap().to_string(),
            );
            prop_assert!(key(&pair[0]) < key(&pair[1]), "rows {} and {} out of order", i, i + 1);
        }
        prop_assert_eq!(a.len(), levels.len());
    }
}

/// `opx check --format json` on `text`, as a document.
fn check_json(text: &str) -> (ExitStatus, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_register(&dir, "risks.toml", text.as_bytes());
    let outcome = run(|io| {
        commands::check(
            &commands::CheckOptions {
                limits: Default::default(),
                paths: vec![path],
                format: opx::report::CheckFormat::Json,
                quiet: false,
                output: None,
                today: TODAY.parse().unwrap(),
                simulation: Default::default(),
                config: None,
                overrides: Overrides::default(),
            },
            io,
        )
    });
    let doc = serde_json::from_str(&outcome.stdout).expect("check writes JSON");
    (outcome.status, doc)
}

/// `(risk, code)` of each finding about a risk in `list`.
fn about_risks(list: &serde_json::Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            Some((
                f["risk"].as_str()?.to_string(),
                f["code"].as_str().unwrap().to_string(),
            ))
        })
        .collect();
    found.sort();
    found
}

proptest! {
    // About one random risk in six is free of input errors: 384 cases
    // give some sixty waivers to judge.
    #![proptest_config(config(384))]

    /// A waiver sets aside exactly the findings of its rule on its risk:
    /// every other finding stays, the waived ones are reported apart, and
    /// a waiver whose rule finds nothing is reported unused.
    #[test]
    fn a_waiver_sets_aside_exactly_what_it_names(
        r1 in rich_risk(1),
        rule in prop::sample::select(vec![
            "no-detection", "no-runbook", "no-signal", "review-overdue", "action-overdue",
            "unevidenced-action", "estimate-missing", "too-big", "no-owner",
        ]),
    ) {
        let system = "[system]\nid = \"s\"\n\n[system.slo]\navailability = \"99.9%\"\n";
        let (status, plain) = check_json(&format!("{system}{r1}"));
        // Most random risks carry an input error somewhere: those pass
        // here, with no limit on rejects that a run could hit by chance.
        if status == ExitStatus::Error {
            return Ok(());
        }
        let waiver = format!(
            "\n[[risk.waive]]\nrule = \"{rule}\"\nreason = \"r\"\nuntil = 2027-06-30\n"
        );
        let (waived_status, waived) = check_json(&format!("{system}{r1}{waiver}"));
        prop_assert!(waived_status != ExitStatus::Error, "{}", waived);

        let before = about_risks(&plain["findings"]);
        let named = |f: &(String, String)| f.0 == "r1" && f.1 == rule;
        let kept: Vec<_> = before.iter().filter(|f| !named(f)).cloned().collect();
        let set_aside: Vec<_> = before.iter().filter(|f| named(f)).cloned().collect();
        let mut after = about_risks(&waived["findings"]);
        let unused = (String::from("r1"), String::from("unused-waiver"));
        let reported_unused = after.contains(&unused);
        after.retain(|f| *f != unused);
        prop_assert_eq!(&after, &kept);
        prop_assert_eq!(about_risks(&waived["waived"]), set_aside.clone());
        prop_assert_eq!(reported_unused, set_aside.is_empty());
        prop_assert_eq!(
            waived["summary"]["waived"].as_u64().unwrap() as usize,
            set_aside.len()
        );
    }
}

/// A risk of a generated register, and what its table must show of it.
#[derive(Debug, Clone)]
struct ShownRisk {
    system: usize,
    id: String,
    title: String,
    /// `0` open, `1` mitigating, `2` mitigated, `3` mitigated without
    /// evidence, `4` accepted, `5` accepted past its date, `6` mitigating
    /// with an action that failed.
    state: u8,
    owner: String,
    ranges: bool,
    levels: (u8, u8),
}

impl ShownRisk {
    /// Whether it carries a waiver that holds (of a rule with a long id,
    /// signed by its owner).
    fn waived(&self) -> bool {
        self.levels.0 % 2 == 1
    }

    /// Its waiver's last day: some end within the policy's notice.
    fn waived_until(&self) -> &'static str {
        if self.levels.1 % 2 == 1 {
            "2026-12-05"
        } else {
            "2027-01-31"
        }
    }
}

/// An id of `len` characters, a-z, 0-9 and -, ending in `n` so that ids
/// differ.
fn sized_id(seed: &str, len: usize, n: usize) -> String {
    let tail = format!("-{n}");
    let head: String = seed
        .chars()
        .cycle()
        .take(len.saturating_sub(tail.len()).max(1))
        .collect();
    format!("{head}{tail}")
}

fn shown_risk() -> impl Strategy<Value = ShownRisk> {
    (
        0usize..3,
        (1usize..=64, "[a-z][a-z0-9-]{0,12}"),
        prop::collection::vec(
            prop::sample::select(vec![
                "the",
                "index",
                "serves",
                "stale",
                "results",
                "Elasticsearch",
                "quorum",
                "during",
                "a",
                "rolling",
                "upgrade",
                "of",
                "payments-reconciliation-ledger",
                "日本語",
                "x",
            ]),
            0..14,
        ),
        0u8..7,
        (1usize..=40, "[a-z][a-z-]{0,8}"),
        any::<bool>(),
        (1u8..=5, 1u8..=5),
    )
        .prop_map(
            |(system, (id_len, seed), words, state, (owner_len, owner), ranges, levels)| {
                ShownRisk {
                    system,
                    // Numbered once the list is drawn.
                    id: format!("{seed}:{id_len}"),
                    title: words.join(" "),
                    state,
                    owner: owner.chars().cycle().take(owner_len).collect(),
                    ranges,
                    levels,
                }
            },
        )
}

/// A system's factor's id: as long as the system's.
fn factor_id(system: &str) -> String {
    sized_id("factor", system.len(), 0)
}

/// The register's files: one a system, each with an SLO and a factor or
/// none, its risks in every state, some estimated as ranges.
fn table_register(risks: &mut [ShownRisk], systems: &[String], factors: &[bool]) -> Vec<String> {
    let mut files: Vec<String> = systems
        .iter()
        .zip(factors)
        .map(|(id, &factor)| {
            let factor_id = factor_id(id);
            let mut text = format!(
                "[system]\nid = \"{id}\"\nowner = \"team-{id}\"\n\n[system.slo]\navailability = \"99.9%\"\n"
            );
            if factor {
                text.push_str(&format!(
                    "\n[[system.factor]]\nid = \"{factor_id}\"\ntitle = \"F{id} the on-call is overloaded by pages at night\"\ntime_to_detect = \"+10m\"\n\n[[system.factor.action]]\nkind = \"prevent\"\nwhat = \"Split the rotation\"\ndue = 2027-01-15\n"
                ));
            }
            text
        })
        .collect();
    for (n, risk) in risks.iter_mut().enumerate() {
        let (seed, len) = risk.id.split_once(':').unwrap();
        risk.id = sized_id(seed, len.parse().unwrap(), n);
        risk.title = format!("T{n} {}", risk.title).trim_end().to_string();
        risk.system %= systems.len();
        let (recover, frequency) = if risk.ranges {
            ("10m..2h", "1/year..6/year")
        } else {
            ("1h", "4/year")
        };
        let mut text = format!(
            "\n[[risk]]\nid = \"{}\"\ntitle = \"{}\"\ncategory = \"technical\"\nlikelihood = {}\nimpact = {}\ntime_to_detect = \"15m\"\ntime_to_recover = \"{recover}\"\nfrequency = \"{frequency}\"\nusers_affected = \"30%\"\nowner = \"{}\"\nreviewed = 2026-11-01\n",
            risk.id, risk.title, risk.levels.0, risk.levels.1, risk.owner
        );
        let done = |what: &str, evidence: bool| {
            format!(
                "\n[[risk.action]]\nkind = \"detect\"\nwhat = \"{what}\"\nstatus = \"done\"\n{}",
                if evidence {
                    "time_to_detect = \"2m\"\n"
                } else {
                    ""
                }
            )
        };
        let planned = "\n[[risk.action]]\nkind = \"prevent\"\nwhat = \"Autoscale the workers on queue depth before the peak\"\nowner = \"someone-with-a-long-name\"\ndue = 2026-11-20\n";
        match risk.state {
            1 => text.push_str(&(done("Page on p95 latency", true) + planned)),
            2 => text.push_str(&done(
                "Page on p95 latency and the 5xx rate of checkout",
                true,
            )),
            3 => text.push_str(&done("Announce deploys", false)),
            4 | 5 => text.push_str(&format!(
                "\n[risk.accepted]\nby = \"eng-manager-{}\"\nreason = \"cheap\"\nuntil = {}\n",
                risk.owner,
                if risk.state == 4 {
                    "2027-03-31"
                } else {
                    "2026-10-01"
                }
            )),
            6 => text.push_str(&format!(
                "{}\n[[risk.action]]\nkind = \"respond\"\nwhat = \"Queue payments and retry when the processor is back\"\nstatus = \"failed\"\nfailed_on = 2026-07-02\nreason = \"the queue filled\"\n",
                done("Synthetic payment probe every minute", true)
            )),
            _ => {}
        }
        if risk.waived() {
            text.push_str(&format!(
                "\n[[risk.waive]]\nrule = \"unevidenced-action\"\nreason = \"r\"\nby = \"{}\"\nuntil = {}\n",
                risk.owner,
                risk.waived_until()
            ));
        }
        files[risk.system].push_str(&text);
    }
    files
}

fn rank_table(paths: Vec<PathBuf>, width: usize, colour: bool) -> Outcome {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let status = commands::rank(
        &RankOptions {
            limits: Default::default(),
            paths,
            format: RankFormat::Table,
            output: None,
            by: opx::score::RankBy::Severity,
            top: None,
            system: None,
            min_band: None,
            wide: false,
            actions: true,
            simulation: None,
            config: None,
            today: TODAY.parse().unwrap(),
        },
        &mut Io {
            stdout: &mut stdout,
            stderr: &mut stderr,
            colour,
            stderr_colour: false,
            width,
            step_summary: None,
        },
    )
    .expect("writing to memory cannot fail");
    Outcome {
        status,
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

/// Text without its colour.
fn uncoloured(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `opx rank`'s guaranteed room for a title: whole, or shortened to no
/// fewer columns than this (`TITLE_MIN` in report/rank_table.rs).
const TITLE_MIN: usize = 24;

proptest! {
    #![proptest_config(config(32))]

    /// `opx rank` at any width from 60 to 240: no line wider than the
    /// width (but an id too long for any line, alone on its own), every id
    /// and date whole, every title whole or at least 24 columns long, and
    /// the same layout with colour as without.
    #[test]
    fn the_rank_table_fits_any_width(
        mut risks in prop::collection::vec(shown_risk(), 1..=60),
        systems in prop::collection::vec((1usize..=64, "[a-z][a-z0-9-]{0,8}", any::<bool>()), 1..=3),
        widths in prop::collection::vec(60usize..=240, 2),
    ) {
        use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
        let ids: Vec<String> = systems
            .iter()
            .enumerate()
            .map(|(n, (len, seed, _))| sized_id(seed, *len, n))
            .collect();
        let factors: Vec<bool> = systems.iter().map(|s| s.2).collect();
        let files = table_register(&mut risks, &ids, &factors);
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = files
            .iter()
            .enumerate()
            .map(|(n, text)| write_register(&dir, &format!("s{n}.toml"), text.as_bytes()))
            .collect();
        let mut names: Vec<&str> = risks.iter().map(|r| r.id.as_str()).collect();
        names.extend(ids.iter().map(String::as_str));
        let factor_ids: Vec<String> = ids.iter().map(|id| factor_id(id)).collect();
        names.extend(factor_ids.iter().map(String::as_str));
        for width in widths.into_iter().chain([60, 80]) {
            let plain = rank_table(paths.clone(), width, false);
            prop_assert_eq!(plain.status, ExitStatus::Success, "{}", plain.stderr);
            let coloured = rank_table(paths.clone(), width, true);
            prop_assert_eq!(uncoloured(&coloured.stdout), plain.stdout.clone(), "colour moved the layout");
            let text = plain.stdout;
            for line in text.lines() {
                if line.width() <= width {
                    continue;
                }
                // An id wider than the line: alone, or after its rank.
                let words: Vec<&str> = line.split_whitespace().collect();
                let alone = match words.as_slice() {
                    [id] => names.contains(id),
                    [rank, id] => (*rank == "-" || rank.parse::<usize>().is_ok()) && names.contains(id),
                    _ => false,
                };
                prop_assert!(alone, "a line of {} columns at {}:\n{}\n{}", line.width(), width, line, text);
            }
            let words: std::collections::HashSet<&str> = text
                .split_whitespace()
                .map(|w| w.trim_end_matches(','))
                .collect();
            for (id, &factor) in factor_ids.iter().zip(&factors) {
                prop_assert!(!factor || words.contains(id.as_str()), "{} torn at {}:\n{}", id, width, text);
            }
            for risk in &risks {
                prop_assert!(words.contains(risk.id.as_str()), "{} torn at {}:\n{}", risk.id, width, text);
                // Dates whole: a planned action's due date, an acceptance's.
                let date = match risk.state {
                    1 => Some("2026-11-20"),
                    4 => Some("2027-03-31"),
                    5 => Some("2026-10-01"),
                    6 => Some("2026-07-02"),
                    _ => None,
                };
                if let Some(date) = date {
                    prop_assert!(words.contains(date), "{}'s {} torn at {}:\n{}", risk.id, date, width, text);
                }
                if risk.waived() {
                    prop_assert!(words.contains(risk.waived_until()) && words.contains("unevidenced-action"), "a waiver torn at {}:\n{}", width, text);
                }
                // The title, from its `T{n}` to the next gap of two spaces.
                let tag = risk.title.split(' ').next().unwrap();
                let shown = text
                    .lines()
                    .find_map(|line| {
                        let at = line.match_indices(tag).find(|(at, _)| {
                            let after = &line[at + tag.len()..];
                            (*at == 0 || line[..*at].ends_with(' '))
                                && (after.is_empty() || after.starts_with(' ') || after.starts_with('…'))
                        })?.0;
                        let rest = &line[at..];
                        Some(rest[..rest.find("  ").unwrap_or(rest.len())].to_string())
                    });
                let Some(shown) = shown else {
                    return Err(TestCaseError::fail(format!("no title {tag} at {width}:\n{text}")));
                };
                if shown != risk.title {
                    let cut = shown.strip_suffix('…').unwrap_or(&shown);
                    prop_assert!(risk.title.starts_with(cut), "{:?} is not {:?}", shown, risk.title);
                    // A wide character that would straddle the edge
                    // leaves its last column blank.
                    let straddles = risk.title[cut.len()..].chars().next().is_some_and(|c| c.width() == Some(2));
                    prop_assert!(
                        shown.width() + usize::from(straddles) >= TITLE_MIN.min(risk.title.width()),
                        "title cut to {} columns at {}: {:?}\n{}", shown.width(), width, shown, text
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// `opx plan` at any width from 60 to 240: an owner gives way before
    /// any action's text is shortened, and no line runs past the width but
    /// for an id, which is never cut.
    #[test]
    fn the_plan_fits_any_width_what_before_owner(
        mut risks in prop::collection::vec(shown_risk(), 1..=30),
        systems in prop::collection::vec((1usize..=64, "[a-z][a-z0-9-]{0,8}", any::<bool>()), 1..=2),
        width in 60usize..=240,
    ) {
        use unicode_width::UnicodeWidthStr;
        let ids: Vec<String> = systems
            .iter()
            .enumerate()
            .map(|(n, (len, seed, _))| sized_id(seed, *len, n))
            .collect();
        let factors: Vec<bool> = systems.iter().map(|s| s.2).collect();
        let files = table_register(&mut risks, &ids, &factors);
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = files
            .iter()
            .enumerate()
            .map(|(n, text)| write_register(&dir, &format!("s{n}.toml"), text.as_bytes()))
            .collect();
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let status = commands::plan(
            &commands::PlanOptions {
                limits: Default::default(),
                paths,
                format: opx::report::PlanFormat::Table,
                output: None,
                config: None,
                single_risk_share: None,
                today: TODAY.parse().unwrap(),
            },
            &mut Io {
                stdout: &mut stdout,
                stderr: &mut stderr,
                colour: false,
                stderr_colour: false,
                width,
                step_summary: None,
            },
        )
        .unwrap();
        prop_assert_eq!(status, ExitStatus::Success, "{}", String::from_utf8_lossy(&stderr));
        let text = String::from_utf8(stdout).unwrap();
        let mut names: Vec<String> = Vec::new();
        for risk in &risks {
            names.push(risk.id.clone());
            names.push(format!("{}/{}", ids[risk.system], risk.id));
        }
        for (id, _) in ids.iter().zip(&factors) {
            names.push(id.clone());
            names.push(format!("{id}/{} (factor)", factor_id(id)));
            names.push(format!("{} (factor)", factor_id(id)));
        }
        // An id runs past the width, whole, where a line has too little
        // room for it: at the end of a row, or on a wrapped line of its own.
        for line in text.lines().filter(|l| l.width() > width) {
            prop_assert!(
                names.iter().any(|n| line.contains(n.as_str()) && line.width() - n.width() <= width),
                "a line of {} columns at {}:\n{}\n{}", line.width(), width, line, text
            );
        }
        // Each table: its header, then its rows up to a blank line.
        for table in text.split("\n\n").filter(|t| t.starts_with("action ")) {
            let header = table.lines().next().unwrap();
            let at = header.find("what").unwrap();
            let cut = table.lines().skip(1).any(|row| {
                row.get(at..).and_then(|rest| rest.split("  ").next()).is_some_and(|what| what.ends_with('…'))
            });
            prop_assert!(!(cut && header.contains(" owner ")), "owner kept while what is cut:\n{}", table);
        }
    }
}

/// Where a document's line may be wider than `width`: never, but for one
/// word wider than the whole line (an id), alone on it or after a list's
/// bullet.
fn assert_document_fits(text: &str, width: usize, what: &str) -> Result<(), TestCaseError> {
    use unicode_width::UnicodeWidthStr;
    for line in text.lines().filter(|l| l.width() > width) {
        let words: Vec<&str> = line.split_whitespace().filter(|w| *w != "•").collect();
        prop_assert!(
            words.len() == 1 && words[0].width() > width.saturating_sub(4),
            "{} at {}: a line of {} columns:\n{}\n{}",
            what,
            width,
            line.width(),
            line,
            text
        );
    }
    Ok(())
}

/// No id is cut: a word that ends in `…` is not the start of one.
fn assert_no_id_torn(
    text: &str,
    ids: &[String],
    width: usize,
    what: &str,
) -> Result<(), TestCaseError> {
    for word in text.split_whitespace() {
        let Some(cut) = word.strip_suffix('…') else {
            continue;
        };
        let cut = cut.rsplit('/').next().unwrap_or(cut);
        prop_assert!(
            cut.is_empty()
                || !ids
                    .iter()
                    .any(|id| id.starts_with(cut) && id.len() > cut.len() && cut.len() > 3),
            "{} at {}: an id cut to {:?}:\n{}",
            what,
            width,
            word,
            text
        );
    }
    Ok(())
}

fn doc_io<'a>(stdout: &'a mut Vec<u8>, stderr: &'a mut Vec<u8>, width: usize) -> Io<'a> {
    Io {
        stdout,
        stderr,
        colour: false,
        stderr_colour: false,
        width,
        step_summary: None,
    }
}

proptest! {
    #![proptest_config(config(16))]

    /// `opx review`, `opx plan` and `opx diff` for a terminal at any width
    /// from 60 to 240: no line wider than the width but one id too long
    /// for any line, alone on its own, and no id cut.
    #[test]
    fn document_tables_fit_any_width(
        mut risks in prop::collection::vec(shown_risk(), 1..=24),
        systems in prop::collection::vec((1usize..=64, "[a-z][a-z0-9-]{0,8}", any::<bool>()), 1..=2),
        widths in prop::collection::vec(60usize..=240, 2),
    ) {
        let ids: Vec<String> = systems
            .iter()
            .enumerate()
            .map(|(n, (len, seed, _))| sized_id(seed, *len, n))
            .collect();
        let factors: Vec<bool> = systems.iter().map(|s| s.2).collect();
        let files = table_register(&mut risks, &ids, &factors);
        // The register before: its systems, no risk yet.
        let before = table_register(&mut [], &ids, &factors);
        let (old, new) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let paths: Vec<PathBuf> = files
            .iter()
            .enumerate()
            .map(|(n, text)| write_register(&new, &format!("s{n}.toml"), text.as_bytes()))
            .collect();
        for (n, text) in before.iter().enumerate() {
            write_register(&old, &format!("s{n}.toml"), text.as_bytes());
        }
        let mut names: Vec<String> = risks.iter().map(|r| r.id.clone()).collect();
        names.extend(ids.iter().cloned());
        names.extend(ids.iter().map(|id| factor_id(id)));
        let today = TODAY.parse().unwrap();
        for width in widths.into_iter().chain([60, 80]) {
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            commands::review(
                &commands::ReviewOptions {
                    paths: paths.clone(),
                    format: opx::report::ReviewFormat::Table,
                    output: None,
                    days: 14,
                    mark: Vec::new(),
                    config: None,
                    today,
                    limits: Default::default(),
                },
                &mut doc_io(&mut stdout, &mut stderr, width),
            )
            .unwrap();
            let review = String::from_utf8(stdout).unwrap();
            assert_document_fits(&review, width, "review")?;
            assert_no_id_torn(&review, &names, width, "review")?;

            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            commands::plan(
                &commands::PlanOptions {
                    limits: Default::default(),
                    paths: paths.clone(),
                    format: opx::report::PlanFormat::Table,
                    output: None,
                    config: None,
                    single_risk_share: None,
                    today,
                },
                &mut doc_io(&mut stdout, &mut stderr, width),
            )
            .unwrap();
            let plan = String::from_utf8(stdout).unwrap();
            assert_document_fits(&plan, width, "plan")?;
            assert_no_id_torn(&plan, &names, width, "plan")?;

            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            commands::diff(
                &commands::DiffOptions {
                    sides: commands::DiffSides::Paths {
                        old: old.path().to_path_buf(),
                        new: new.path().to_path_buf(),
                    },
                    format: opx::report::DiffFormat::Table,
                    output: None,
                    fail_on: None,
                    config: None,
                    today,
                    limits: Default::default(),
                },
                &mut doc_io(&mut stdout, &mut stderr, width),
            )
            .unwrap();
            let diff = String::from_utf8(stdout).unwrap();
            prop_assert!(diff.contains("added"), "{}", diff);
            assert_document_fits(&diff, width, "diff")?;
            assert_no_id_torn(&diff, &names, width, "diff")?;
        }
    }
}
