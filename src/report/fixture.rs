//! One small register, held in memory, that every renderer's snapshot
//! test reads: two systems, risks in each state, actions with effects, a
//! runbook and a signal, an acceptance, an incident and a near-miss, a
//! systemic factor, and evidence: an exercise in time (by an incident), one
//! overdue, a failed action, and data loss over the RPO.

use std::path::PathBuf;

use jiff::civil::Date;

use super::{CheckReport, RankReport, Ranked};
use crate::analysis::Analysis;
use crate::policy::Policy;
use crate::register::{self, Register};
use crate::score::RankBy;
use crate::source::Sources;

pub(crate) const TODAY: &str = "2026-11-27";

/// A terminal `width` columns wide, without colour.
fn screen(width: usize) -> super::Screen {
    super::Screen {
        colour: false,
        width,
    }
}

const CHECKOUT: &str = r#"[system]
id = "checkout"
name = "Checkout API"
owner = "payments-team"
oncall = "payments-primary"
escalation = ["payments-primary", "eng-manager"]

[system.slo]
availability = "99.9%"
rpo = "1h"

[system.baseline]
availability = "99.85%"
pages_per_week = 4

[[risk]]
id = "traffic-spike"
title = "Traffic spikes saturate the worker pool"
category = "technical"
likelihood = "likely"
impact = "major"
time_to_detect = "15m"
time_to_recover = "1h"
frequency = "4/year"
users_affected = "30%"
owner = "alice"
reviewed = 2026-10-01

[[risk.action]]
id = "page"
kind = "detect"
what = "Page on queue depth"
status = "done"
signal = "queue-depth-p95"
time_to_detect = "5m"

[[risk.action]]
kind = "prevent"
what = "Autoscale workers"
owner = "bob"
due = 2026-11-20
status = "planned"
likelihood = "unlikely"

[[risk]]
id = "bad-deploy"
title = "A bad deploy breaks checkout"
category = "process"
likelihood = 3
impact = 4
time_to_detect = "10m"
time_to_recover = "20m"
frequency = "2/year"
data_loss = "30m..3h"
reviewed = 2026-11-01

[[risk.action]]
kind = "respond"
what = "Roll back with the deploy tool"
status = "done"
runbook = "https://wiki.example/rollback"
exercised = 2026-03-01

[[risk.action]]
kind = "prevent"
what = "Announce deploys in #eng"
status = "done"

[[risk]]
id = "single-expert"
title = "Only one engineer knows the reconciliation job"
category = "people"
likelihood = "possible"
impact = "major"

[[risk.action]]
kind = "prevent"
what = "Document the job"
status = "failed"
failed_on = 2026-10-10
reason = "the document missed the month-end run"

[[risk.waive]]
rule = "no-runbook"
reason = "A person, not a system: cross-training is the fix"
by = "eng-manager"
until = 2027-02-28

[[incident]]
id = "INC-7"
date = 2026-09-14
risks = ["traffic-spike"]
detected_after = "22m"
recovered_after = "50m"
users_affected = "30%"
summary = "Peak saturated the pool"
worked_actions = ["traffic-spike/page"]

[[system.factor]]
id = "overload"
title = "On-call is overloaded"
time_to_detect = "+10m"

[[system.factor.action]]
kind = "prevent"
what = "Split the rotation"
owner = "eng-manager"
due = 2027-01-15
"#;

const SEARCH: &str = r#"[system]
id = "search"
owner = "search-team"

[[risk]]
id = "stale-index"
title = "The index serves stale results"
category = "data"
likelihood = "unlikely"
impact = "minor"
reviewed = 2026-06-01

[risk.accepted]
by = "eng-manager"
reason = "Users tolerate an hour of staleness"
until = 2027-01-31

[[incident]]
id = "NM-1"
date = 2026-11-02
risks = ["stale-index"]
near_miss = true
"#;

/// The fixture, loaded.
pub(crate) struct Fixture {
    pub register: Register,
    pub sources: Sources,
    pub today: Date,
}

pub(crate) fn register() -> Fixture {
    let loaded = register::load_contents(
        vec![
            (PathBuf::from("risks/checkout.toml"), CHECKOUT.into()),
            (PathBuf::from("risks/search.toml"), SEARCH.into()),
        ],
        Vec::new(),
    );
    assert!(!loaded.failed(), "{:#?}", loaded.diagnostics);
    Fixture {
        register: loaded.register,
        sources: loaded.sources,
        today: TODAY.parse().expect("a date"),
    }
}

impl Fixture {
    pub fn analysis(&self) -> Analysis<'_> {
        self.analysis_under(&Policy::default())
    }

    pub fn analysis_under(&self, policy: &Policy) -> Analysis<'_> {
        Analysis::new(&self.register, self.today, policy)
    }
}

/// Renders with `write` into a string.
pub(crate) fn render(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    write(&mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// The fixture ranked, every risk shown, as `format` writes it.
pub(crate) fn rank(format: super::RankFormat) -> String {
    rank_top(format, usize::MAX)
}

/// The fixture ranked as a table laid out with `view`.
pub(crate) fn rank_table(view: super::TableView) -> String {
    rank_with(super::RankFormat::Table, usize::MAX, view)
}

/// The first `top` risks of the fixture, as `format` writes them.
pub(crate) fn rank_top(format: super::RankFormat, top: usize) -> String {
    rank_with(format, top, super::TableView::default())
}

fn rank_with(format: super::RankFormat, top: usize, view: super::TableView) -> String {
    let fixture = register();
    let analysis = fixture.analysis();
    let ranked: Vec<Ranked> = analysis
        .ranked(RankBy::Severity)
        .into_iter()
        .enumerate()
        .map(|(i, index)| Ranked { rank: i + 1, index })
        .take(top)
        .collect();
    let report = RankReport {
        analysis: &analysis,
        ranked: &ranked,
        factors: &analysis.ranked_factors(0..analysis.factors.len()),
        sources: &fixture.sources,
        colour: false,
        view,
    };
    render(|out| format.write(&report, out))
}

/// The fixture's gate findings, as `format` writes them.
pub(crate) fn check(format: super::CheckFormat) -> String {
    let fixture = register();
    let analysis = fixture.analysis();
    let policy = Policy::default();
    let checked = crate::check::check(&analysis, &policy);
    let report = CheckReport {
        findings: &checked.findings,
        waived: &checked.waived,
        policy: &policy,
        job_summary: false,
        register: &fixture.register,
        sources: &fixture.sources,
        today: fixture.today,
        colour: false,
    };
    render(|out| format.write(&report, out))
}

/// The fixture's risk matrix in `view`, as `format` writes it.
pub(crate) fn matrix(
    format: super::MatrixFormat,
    view: crate::score::ViewName,
    ids: bool,
    width: usize,
    colour: bool,
) -> String {
    matrix_under(&Policy::default(), format, view, ids, width, colour)
}

/// [`matrix`] under `policy`, and so its risk matrix.
pub(crate) fn matrix_under(
    policy: &Policy,
    format: super::MatrixFormat,
    view: crate::score::ViewName,
    ids: bool,
    width: usize,
    colour: bool,
) -> String {
    let fixture = register();
    let analysis = fixture.analysis_under(policy);
    let m = crate::matrix::matrix(&analysis, view, None);
    let shown = super::MatrixView {
        ids,
        today: fixture.today,
    };
    render(|out| format.write(&m, shown, super::Screen { colour, width }, out))
}

/// Each system of the fixture assessed, as `format` writes it.
pub(crate) fn assess(format: super::AssessFormat, width: usize) -> String {
    let fixture = register();
    let analysis = fixture.analysis();
    let systems = crate::assess::assess(&analysis, &Policy::default().thresholds);
    render(|out| format.write(&systems, fixture.today, screen(width), out))
}

/// The fixture's plan, as `format` writes it.
pub(crate) fn plan(format: super::PlanFormat, width: usize) -> String {
    let fixture = register();
    let analysis = fixture.analysis();
    let plan = crate::plan::plan(&analysis);
    render(|out| format.write(&plan, screen(width), out))
}

/// The fixture's weekly review, as `format` writes it.
pub(crate) fn review(format: super::ReviewFormat, width: usize) -> String {
    let fixture = register();
    let analysis = fixture.analysis();
    let digest = crate::review::digest(&analysis, 7);
    render(|out| format.write(&digest, screen(width), out))
}

/// What a change does to the fixture: one risk made worse, one added, one
/// action done, one removed; the factor costs more with the worse risk.
pub(crate) fn diff(format: super::DiffFormat, width: usize) -> String {
    let old = register();
    let changed = CHECKOUT
        .replace("frequency = \"2/year\"", "frequency = \"6/year\"")
        .replace(
            "what = \"Autoscale workers\"\nowner = \"bob\"\ndue = 2026-11-20\nstatus = \"planned\"",
            "what = \"Autoscale workers\"\nowner = \"bob\"\ndue = 2026-11-20\nstatus = \"done\"",
        )
        .replace(
            "[[risk]]\nid = \"single-expert\"",
            "[[risk]]\nid = \"card-outage\"\ntitle = \"The card processor is down\"\ncategory = \"technical\"\nlikelihood = 4\nimpact = 5\n\n[[risk]]\nid = \"single-expert\"",
        );
    let search = SEARCH.replace(
        "[[risk]]\nid = \"stale-index\"",
        "[[risk]]\nid = \"stale-index-gone\"",
    );
    let new = register::load_contents(
        vec![
            (PathBuf::from("risks/checkout.toml"), changed.into()),
            (
                PathBuf::from("risks/search.toml"),
                search
                    .replace(
                        "risks = [\"stale-index\"]",
                        "risks = [\"stale-index-gone\"]",
                    )
                    .into(),
            ),
        ],
        Vec::new(),
    );
    assert!(!new.failed(), "{:#?}", new.diagnostics);
    let policy = Policy::default();
    let before = Analysis::new(&old.register, old.today, &policy);
    let after = Analysis::new(&new.register, old.today, &policy);
    let d = crate::diff::diff(&before, &after);
    render(|out| format.write(&d, screen(width), out))
}

/// Holds text written for a terminal `width` columns wide to what people
/// are promised: no line is longer, and no risk id or date is cut.
pub(crate) fn assert_fits(text: &str, width: usize) {
    use super::columns::text_width;
    for line in text.lines() {
        assert!(
            text_width(line) <= width,
            "a line of {} columns in {width}:\n{line}\n\n{text}",
            text_width(line)
        );
    }
    let fixture = register();
    for risk in &fixture.register.risks {
        let name = risk.name();
        let cut = name
            .char_indices()
            .skip(risk.system.len() + 1)
            .any(|(at, _)| text.contains(&format!("{}…", &name[..at])));
        assert!(!cut, "`{name}` is cut:\n{text}");
    }
    let cut_date = text.char_indices().any(|(at, _)| {
        let rest = &text[at..];
        rest.starts_with("202") && rest.chars().take(10).any(|c| c == '…')
    });
    assert!(!cut_date, "a date is cut:\n{text}");
}

/// Every action of the fixture's risks named in `risks` is in `text`, whole
/// or shortened with `…`.
pub(crate) fn assert_actions_shown(text: &str, risks: &[&str]) {
    let fixture = register();
    for risk in fixture
        .register
        .risks
        .iter()
        .filter(|r| risks.contains(&r.id.value.as_str()))
    {
        for action in &risk.actions {
            assert!(
                shown_or_shortened(text, &action.what),
                "`{}` is missing:\n{text}",
                action.what
            );
        }
    }
}

/// `what` is in `text` whole, or cut after a few characters and ended with `…`.
pub(crate) fn shown_or_shortened(text: &str, what: &str) -> bool {
    text.contains(what)
        || what
            .char_indices()
            .skip(3)
            .any(|(at, _)| text.contains(&format!("{}…", &what[..at])))
}

/// Everything about one risk of the fixture, as `format` writes it.
pub(crate) fn show(risk: &str, format: super::ShowFormat, width: usize) -> String {
    let fixture = register();
    let analysis = fixture.analysis();
    let findings = crate::check::check(&analysis, &Policy::default());
    let index = fixture
        .register
        .find_risk(risk)
        .expect("a risk of the fixture");
    let shown = crate::show::show(&analysis, &fixture.sources, index, findings);
    render(|out| format.write(&shown, screen(width), out))
}
