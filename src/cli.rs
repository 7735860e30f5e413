//! The command line: clap types only, turned into plain option structs.

use std::path::PathBuf;

use std::io::IsTerminal;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use opx::commands::{
    AssessOptions, CheckOptions, DiffOptions, DiffSides, FailOn, InitOptions, MatrixOptions,
    MeasureOptions, PlanOptions, RankOptions, ReportOptions, ReviewOptions, ShowOptions,
    TrendOptions,
};
use opx::policy::Overrides;
use opx::register::Limits;
use opx::report::{
    AssessFormat, CheckFormat, DiffFormat, MatrixFormat, MeasureFormat, PlanFormat, RankFormat,
    ReviewFormat, ShowFormat, TrendFormat,
};
use opx::scale::{Level, Scale};
use opx::schema::SchemaKind;
use opx::score::{RankBy, ViewName};
use opx::simulate::{self, Settings};

/// The exit codes of the commands that judge nothing (`rank`, `schema`).
macro_rules! exit_codes_without_gate {
    () => {
        "Exit codes:\n  0  success\n  2  the input or the command line is wrong"
    };
}

/// The exit codes, as `--help` shows them (a macro so that `concat!` can use it).
macro_rules! exit_codes {
    () => {
        "Exit codes:\n  0  success (for check: the gate passed)\n  \
         1  the gate failed: an error finding, or a warning under --deny-warnings\n  \
         2  the input or the command line is wrong"
    };
}

#[derive(Debug, Parser)]
#[command(
    name = "opx",
    version,
    about = "An operational risk register as code: rank what can break, gate CI on it",
    long_about = "An operational risk register as code.\n\n\
        Keep your systems and the risks to them in TOML files in git. opx ranks the risks \
        (what should we fix first?) and gates CI on them (is any high-impact risk neither \
        mitigated nor accepted?). Fail small, detect fast, recover predictably.",
    after_help = concat!(
        "Examples:\n  opx init                     (a starter risks.toml and opx.toml here)\n  \
         opx rank\n  opx show traffic-spike\n  opx check\n  \
         opx rank --top 5 --min-band high\n  opx check --format github\n\n",
        exit_codes!()
    ),
)]
pub struct Cli {
    /// When to colour the output
    #[arg(long, value_enum, global = true, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when writing to a terminal and NO_COLOR is not set
    Auto,
    /// Always colour, even through a pipe
    Always,
    /// Never colour
    Never,
}

impl ColorWhen {
    /// Whether output to `stream` is coloured: `auto` follows the
    /// terminal, NO_COLOR, CLICOLOR and CLICOLOR_FORCE.
    pub fn enabled(self, stream: &impl anstream::stream::RawStream) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rank risks: what should we fix first?
    #[command(
        long_about = "Rank risks by band, then by severity (likelihood × impact), then by exposure \
            (detect level × recover level: how long the damage lasts), then by system and risk id; \
            --by exposure puts exposure first, and --by budget the risk's share of its own system's \
            error budget, then its bad minutes a year.\n\n\
            Risks are ranked in their current view: the risk's fields with the effects of its done \
            actions applied. Where the plan (every action done) changes a value, the table shows \
            current → target.\n\n\
            The table fits the terminal (or COLUMNS, else 100 columns): rank, risk, title, severity \
            and band (low 1-4, medium 5-9, high 10-16, critical 20-25, unless opx.toml's [matrix] \
            names another matrix: preset = \"nist-800-30\", or the team's own bands and cells; \
            --min-band takes its band names), exposure, bad min/yr = \
            (detect + recover minutes) × users affected × incidents a year, budget (that as a share \
            of the system's yearly error budget; nearly too big, too big), owner and state (open, \
            mitigating, mitigated, accepted; \"no evidence\" when only done actions that show \
            nothing of what they changed make it so). Titles and owners shorten with … (a title \
            to no fewer than 24 columns, else it goes on a line under its row); an id is never \
            cut (one too long for its column gets a line of its own); columns that do not fit \
            are hidden, and the last line says which. Risks of more than one system are grouped \
            under a line naming each system. Under each risk, its \
            actions: ✓ done, ◐ in progress, ○ planned, with what, owner and due date; or its \
            acceptance (⊘). --wide shows every column; --no-actions drops the action lines.\n\n\
            Systemic factors ([[system.factor]]: a cause such as an overloaded on-call that adds \
            to every risk of its system) follow the risks, most bad minutes first, marked factor \
            where a risk shows its severity: they have no likelihood × impact. Their bad minutes \
            are what they add to the system's risks, (1 + f) × (Δd + Δr) × Σ users × incidents + \
            f × Σ bad minutes, and count in the system's budget. --system filters them too; --top \
            and --min-band limit the risks only.\n\n\
            An estimate written as a range (time_to_recover = \"10m..100m\", frequency = \
            \"2/year..6/year\", users_affected = \"5%..30%\": a 90% interval, read as a \
            lognormal) counts at its mean. --simulate adds each risk's P50 and P90 bad minutes a \
            year (a median year, the worst in ten) and, under the table, each system's chance of \
            a year over its error budget, from 10,000 simulated years of Poisson incidents \
            (--simulations N); the seed is fixed, so the numbers are the same on every run \
            (--seed N draws others).\n\n\
            The policy (mitigation = \"evidence\" changes what counts as mitigated) is the \
            opx.toml nearest the register, or --config FILE.",
        after_help = concat!(
            "Examples:\n  opx rank\n  opx rank risks/ --top 10 --min-band high\n  opx rank risks/ --min-band amber   # with [matrix] bands = [\"green\", \"amber\", \"red\"]\n  opx rank risks/ --wide --no-actions\n  opx rank risks/ --simulate\n  opx rank risks/ --simulate --seed 7 --simulations 100000\n  opx rank risks/ --system checkout --format json | jq '.risks[0]'\n  opx rank risks/ --format csv --output risks.csv\n\n",
            exit_codes_without_gate!()
        )
    )]
    Rank(RankArgs),

    /// Show everything about one risk: its scores and their working, what is done, what happened
    #[command(
        long_about = "Show one risk on one screen: its scores in the three views (inherent: as \
            written; current: with its done actions; target: with every action done) with the \
            arithmetic spelled out (severity = likelihood × impact; bad minutes = (detect + recover) \
            × users affected × incidents a year; its share of the system's error budget); each \
            action with its status, owner, due date, link, signal, runbook and the effects it \
            declares; its acceptance; its incidents and the estimates they contradicted; when its \
            next review is due; and what `opx check` finds about it.\n\n\
            RISK is `system/risk`, or a risk id that no other system uses. It may also name a \
            systemic factor ([[system.factor]]) the same way: then opx shows what the factor adds \
            to every risk of its system, its cost in the three views with the working, the \
            actions that remove it, and what `opx check` finds about it.",
        after_help = concat!(
            "Examples:\n  opx show traffic-spike\n  opx show traffic-spike --simulate\n  opx show checkout/traffic-spike risks/\n  opx show checkout/oncall-overload risks/    (a systemic factor)\n  opx show bad-deploy risks/ --format markdown --output bad-deploy.md\n\n",
            exit_codes_without_gate!()
        )
    )]
    Show(ShowArgs),

    /// Draw the likelihood × impact grid: where the risks sit
    #[command(
        long_about = "Draw the risk matrix: likelihood down (5, almost certain, at the top), \
            impact across, each cell with how many risks sit there and its band by label \
            (L low, M medium, H high, C critical; · where no risk sits), coloured by band on a \
            colour terminal. The bands are those of opx.toml's [matrix]: a preset (opx, the \
            default, or nist-800-30) or the team's own, labelled by the initials of their names \
            (VH very-high) and listed under the grid. Risks are placed by their current view, \
            or --view inherent (as written) or target (after the plan): run the three to see \
            what the plan moves. \
            --ids lists each cell's risks. The counts add up to the risks placed, which the \
            line under the grid gives.",
        after_help = concat!(
            "Examples:\n  opx matrix\n  opx matrix risks/ --view inherent\n  opx matrix risks/ --ids --system checkout\n  opx matrix risks/ --format markdown --output MATRIX.md\n\n",
            exit_codes_without_gate!()
        )
    )]
    Matrix(MatrixArgs),

    /// Show how the register's risk moved over its git history
    #[command(
        long_about = "Read the register's history from git and show, for each commit that changed \
            it (oldest first), its risks per band of today's matrix, its open high-impact \
            risks (what the gate's unmitigated fails on), its acceptances, and each system's \
            expected bad minutes against its error budget; then one line from the first commit to the last. Each \
            commit is judged on its own day by today's policy, so only the register changes \
            between points. A commit whose register does not load shows its first problem; one \
            without the register says so.\n\n\
            The history runs up to --today. --since keeps the commits from a day on, --git a \
            range of revisions (v1.0..HEAD), and --tags takes one point per tagged commit \
            instead, in the history's order. The history is read with one git log \
            and one git cat-file process, whatever its length.",
        after_help = concat!(
            "Examples:\n  opx trend risks/\n  opx trend risks/ --since 2026-01-01\n  opx trend risks/ --tags --format markdown\n  opx trend risks/ --git v1.0..HEAD --format csv --output trend.csv\n\n",
            exit_codes_without_gate!()
        )
    )]
    Trend(TrendArgs),

    /// Write the whole picture as one HTML page that opens offline
    #[command(
        long_about = "Write one self-contained HTML page: the systems with their owners, on-call, \
            and SLOs beside what is measured; the risk matrix in its three views (as written, \
            now, after the plan); the error-budget stack rank, each risk against its own SLO \
            and against 99.5%, 99.9%, 99.95% and 99.99% (fits, cautionary, too big, accepted), \
            with its P50 and P90 in simulated years (10,000 unless --simulations says, seed 1 \
            unless --seed), and each system's budget in bars with its chance of a year over \
            budget; the plan, the accepted trade-offs and the \
            escalation paths; incidents and the estimates they contradicted; what the gate \
            finds; and, where the register is in git, its trend over the history.\n\n\
            The page needs nothing else: styles are inline, charts are inline SVG, nothing is \
            fetched and no script runs. Text from the register is escaped, and a link in it is \
            clickable only when it is http:, https: or a relative path. Publish it as a CI \
            artifact (the opx book's CI chapter shows how).",
        after_help = concat!(
            "Examples:\n  opx report risks/ --output report.html\n  opx report risks/ --seed 7 -o report.html\n  opx report risks/ --no-trend -o report.html\n\n",
            exit_codes_without_gate!()
        )
    )]
    Report(ReportArgs),

    /// Gate CI: fail on unmitigated high-impact risks and expired acceptances
    #[command(
        long_about = check_long_about(),
        after_help = concat!(
            "Examples:\n  opx check risks/\n  opx check risks/ --quiet\n  opx check risks/ --format short | grep no-runbook\n  opx check risks/ --deny-warnings --fail-impact 3\n  opx check risks/ --format sarif --output opx.sarif\n  opx check risks/ --format junit --output opx-junit.xml\n  opx check --today 2026-11-27\n\n",
            exit_codes!()
        )
    )]
    Check(CheckArgs),

    /// Assess the current state: owners, SLOs against what is measured, risks against the budget
    #[command(
        long_about = "Assess the current state of each system: scope, owner, on-call and escalation; \
            each SLO beside the measured [system.baseline], with a verdict (ok, at risk, breached); \
            quality and operations measures against the thresholds of opx.toml; and the risks: \
            counts per band and category, expected bad minutes against the error budget, and the \
            three risks that use most of it.\n\n\
            Verdicts: availability and error rate are breached when they burn 100% or more of what \
            the SLO allows, at risk from 75%; latency is breached above its target, at risk from 90%; \
            open_bugs, pages_per_week and toil_hours_per_week are breached above max_open_bugs, \
            max_pages_per_week and max_toil_hours_per_week in opx.toml, at risk from 80%.",
        after_help = concat!(
            "Examples:\n  opx assess\n  opx assess risks/ --simulate\n  opx assess risks/ --format markdown --output ASSESSMENT.md\n\n",
            exit_codes_without_gate!()
        )
    )]
    Assess(AssessArgs),

    /// Communicate the plan: what to do now and later, the trade-offs, and what it buys
    #[command(
        long_about = "Write the plan: tables for a terminal, or (when the output is not a terminal) a \
            Markdown document a team lead can paste into a doc or a pull request.\n\n\
            Now: the open actions of risks that are critical or high, that the gate fails as \
            unmitigated, too big for the error budget, or on a system over its budget, grouped by the week they are due (overdue ones marked). \
            Later: every other open action. Accepted risks: who accepted them, why, until when, and \
            their bad minutes. Escalation paths per system. What the plan buys: severity, bad minutes \
            and budget share now → after every action is done, per risk and per system. No plan yet: \
            risks with no action at all.",
        after_help = concat!(
            "Examples:\n  opx plan\n  opx plan risks/ --output PLAN.md\n  opx plan risks/ --format json | jq '.now'\n\n",
            exit_codes_without_gate!()
        )
    )]
    Plan(PlanArgs),

    /// The weekly health review: what is due, what happened, what the incidents contradicted
    #[command(
        long_about = "Print the digest a team walks through at its weekly health review: reviews \
            due within --days and overdue; open actions due within --days and overdue; acceptances \
            that end within 30 days or have ended; incidents and near-misses of the last --days; \
            estimates that incidents of the last 365 days contradicted; and risks with no plan. \
            Empty sections say so in one line.\n\n\
            With --mark, record instead that the named risks were reviewed today: opx sets \
            `reviewed = <today>` in their files (adding the key where it is missing) and changes \
            nothing else, byte for byte. Each write is atomic, and if a file changed on disk while \
            opx worked, it stops and writes nothing.",
        after_help = concat!(
            "Examples:\n  opx review risks/\n  opx review risks/ --days 14 --format table\n  \
             opx review --mark traffic-spike checkout/stale-prices\n\n",
            exit_codes_without_gate!()
        )
    )]
    Review(ReviewArgs),

    /// Measure each system's health and its alerts from Prometheus, and record them
    #[command(
        long_about = "Read each system's health from a Prometheus server: every expression of \
            [system.measure] (availability and error_rate as ratios from 0 to 1, latency_p95 in \
            seconds, throughput a second; $window stands for [system.slo] window, 30d unless set) \
            is evaluated as an instant query at the end of --today (UTC; now, while that day lasts) \
            and set beside the SLO, \
            with the verdict opx assess would give. A detect action with signal = \"alert:NAME\" \
            is checked against the server's alerting rules (loaded and healthy, signal-missing, \
            or signal-broken) and the day the alert last fired within the window (the newest \
            sample of ALERTS{alertname=\"NAME\", alertstate=\"firing\"}).\n\n\
            With --write, the values are recorded in [system.baseline] with measured = DATE \
            (keys added where missing, the table added above [system.measure] where there is \
            none), and an alert that fired after its action's exercised day sets exercised: \
            byte for byte as review --mark edits, atomic and locked, and only when every query \
            of the run succeeded. So the register in git carries measured health, and assess, \
            check and trend stay offline.\n\n\
            The server is [prometheus] url in opx.toml, or --prometheus URL; a bearer token is \
            read only from the environment variable OPX_PROMETHEUS_TOKEN. A query that cannot \
            be read (unreachable server, HTTP error, 401, a PromQL error, no data, several \
            series, NaN) is reported at its expression in the register and exits 2.",
        after_help = concat!(
            "Examples:\n  opx measure risks/ --prometheus http://prometheus:9090\n  \
             opx measure risks/ --write\n  \
             OPX_PROMETHEUS_TOKEN=... opx measure risks/ --today 2026-11-30 --format json\n  \
             opx measure risks/ --check        (in a scheduled job: fail on missing alerts)\n\n",
            "Exit codes:\n  0  success\n  \
             1  --check: a risk at or above the failing threshold has a missing or broken alert\n  \
             2  the input, the command line or the server is wrong (nothing is written)"
        )
    )]
    Measure(MeasureArgs),

    /// Compare two versions of the register: what a change makes better or worse
    #[command(
        long_about = "Compare two versions of a register: two files or folders (OLD NEW), or the \
            working tree against a git revision (--git REF, read with `git show`). Lists \
            each changed risk once, as worse, added, better, changed or removed, and why: \
            the inputs that changed (frequency 2/year → 6/year), then severity, band, exposure and \
            bad minutes, state changes (open → mitigated, newly accepted, acceptance expired), and \
            actions added, done or slipped (due moved later); then new incidents. A risk new, or \
            newly, critical is marked new critical. Systemic factors are listed and counted apart \
            (\"1 risk worse; 1 factor worse, 1 added\"): what each adds (adds to time to detect \
            +30m → +1h), its bad minutes a year, its state and its actions. The Markdown starts \
            with a one-line verdict, ready to post as a pull-request comment.\n\n\
            Exceptions to the gate are listed apart, with who signed them and why: each \
            acceptance or waiver the change adds, extends (a later until), loosens (an \
            acceptance kept while its risk gets worse) or re-signs (another by or reason), and \
            what it loosens in the policy (a higher fail_impact or fail_band, mitigation = \
            \"done\", a rule turned down, a matrix that reads cells as lower bands). A change \
            cannot quietly waive itself.\n\n\
            Both versions are judged on one day, by the new version's policy (the opx.toml \
            nearest it, or --config). A risk is worse when its current band (then severity) or \
            bad minutes rise or it falls back to open, whatever else moved; else worse when what \
            moved (likelihood, impact, frequency, users affected, the times, exposure, a done \
            action) moved only the worse way, better when only the better way (lower, or an \
            action done), and changed when both (it says which way each went: mixed: better \
            time to detect; worse time to recover). On a terminal the report is a table; \
            elsewhere, or with --format markdown, Markdown. A factor is worse when its current bad \
            minutes rise or it is no longer removed. --fail-on worse exits 1 when any risk or \
            factor is worse, a new risk is of band high or above (the matrix's two highest \
            bands), or a new factor costs bad minutes now; --fail-on \
            new-critical when a risk is new, or newly, critical (its highest band); --fail-on \
            new-waiver when there is any exception to review or the policy is looser, so a team can require review of exactly those.",
        after_help = concat!(
            "Examples:\n  opx diff old/risks new/risks\n  opx diff --git origin/main risks/\n  \
             opx diff --git origin/main risks/ --fail-on worse --format markdown --output comment.md\n  \
             opx diff old/risks new/risks --format json\n  \
             opx diff --git origin/main risks/ --fail-on new-waiver\n\n",
            "Exit codes:\n  0  done (and, with --fail-on, the change passed)\n  \
             1  --fail-on: the change does what it names\n  \
             2  the input or the command line is wrong"
        )
    )]
    Diff(DiffArgs),

    /// Print a JSON Schema: the register format or the policy for editors, or a JSON report's shape
    #[command(
        long_about = "Print a JSON Schema.\n\n\
            `opx schema` (or `opx schema register`) describes the register format, so that an \
            editor completes and checks risks.toml as you type: save it, then point Even Better \
            TOML (taplo) at it with a `#:schema ./opx.schema.json` first line in each register \
            file, or a [[rule]] in .taplo.toml. `policy` describes opx.toml (its gate settings, \
            [rules] and [matrix]) the same way. `rank-report` and `check-report` describe the \
            JSON that `--format json` writes.",
        after_help = concat!(
            "Examples:\n  opx schema > opx.schema.json\n  opx schema policy > opx-policy.schema.json\n  opx schema check-report\n\n",
            exit_codes_without_gate!()
        )
    )]
    Schema(SchemaArgs),

    /// Start a register: write a starter risks.toml and opx.toml
    #[command(
        long_about = "Write a starter register (risks.toml: one system, two risks, an incident, \
            every key of the format with a word on what it takes) and a policy (opx.toml: every \
            key with its default, except that a new register starts strict: mitigation = \
            \"exercised\", so only a done action shown to work within its cadence mitigates; \
            max_miss_probability = 0.1; and budget-exhausted an error) into DIR, the current \
            folder by default. `opx check` passes on them as written; edit them to describe your system. opx init never writes over a \
            file: if either exists it writes nothing.",
        after_help = concat!(
            "Examples:\n  opx init\n  opx init risks/\n\n",
            exit_codes_without_gate!()
        )
    )]
    Init(InitArgs),

    /// Print a completion script for a shell
    #[command(
        long_about = "Print a script that makes SHELL complete opx's commands, flags and values, \
            and the ids of the register under the current folder: risks and systemic factors for \
            `opx show` and `opx review --mark`, systems for --system. The script asks opx at each \
            Tab (it runs `COMPLETE=SHELL opx -- WORDS...`), so what it offers follows the register \
            as it changes; where no register is found, it offers files. Load it from the shell's \
            start-up file, or save it where the shell looks for completions; print it again after \
            upgrading opx.",
        after_help = concat!(
            "Examples:\n  echo 'source <(opx completions bash)' >> ~/.bashrc\n  \
             echo 'source <(opx completions zsh)' >> ~/.zshrc\n  \
             opx completions fish > ~/.config/fish/completions/opx.fish\n  \
             opx completions bash > ~/.local/share/bash-completion/completions/opx\n\n",
            exit_codes_without_gate!()
        )
    )]
    Completions(CompletionsArgs),

    /// Print opx's manual page, or a command's (roff)
    #[command(
        long_about = "Print the manual page for opx, or for one of its commands (opx-rank, \
            opx-check, ...), in roff, for `man` to read.",
        after_help = concat!(
            "Examples:\n  opx man | man -l -\n  opx man check | man -l -\n  opx man > ~/.local/share/man/man1/opx.1\n  opx man check > ~/.local/share/man/man1/opx-check.1\n\n",
            exit_codes_without_gate!()
        )
    )]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to write the starter files in (made if missing)
    #[arg(value_name = "DIR", default_value = ".")]
    pub folder: PathBuf,

    /// Date the starter files as if today were this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_today)]
    pub today: Option<Date>,
}

impl InitArgs {
    pub fn into_options(self) -> InitOptions {
        InitOptions {
            folder: self.folder,
            today: today_or_local(self.today),
        }
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format
    #[arg(long, value_enum, default_value_t = AssessFormat::Table)]
    pub format: AssessFormat,

    #[command(flatten)]
    pub simulate: SimulateArgs,

    #[command(flatten)]
    pub policy: PolicyArg,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub common: Common,

    /// Leave out the trend from git history
    #[arg(long)]
    pub no_trend: bool,

    #[command(flatten)]
    pub simulation: SimulationArgs,

    #[command(flatten)]
    pub policy: PolicyArg,
}

impl ReportArgs {
    pub fn into_options(self) -> ReportOptions {
        ReportOptions {
            limits: self.common.limits.limits(),
            today: self.common.today(),
            paths: self.common.paths,
            output: self.common.output,
            trend: !self.no_trend,
            simulation: self.simulation.settings(),
            config: self.policy.config,
        }
    }
}

#[derive(Debug, Args)]
pub struct TrendArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format
    #[arg(long, value_enum, default_value_t = TrendFormat::Table)]
    pub format: TrendFormat,

    /// Only commits on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_today)]
    pub since: Option<Date>,

    /// Only commits in this range of revisions, such as v1.0..HEAD
    #[arg(long, value_name = "RANGE")]
    pub git: Option<String>,

    /// One point per tagged commit, not per commit that changed the register
    #[arg(long)]
    pub tags: bool,

    #[command(flatten)]
    pub policy: PolicyArg,
}

impl TrendArgs {
    pub fn into_options(self) -> TrendOptions {
        TrendOptions {
            limits: self.common.limits.limits(),
            commits: opx::register::git::Commits {
                range: self.git,
                since: self.since,
                tags: self.tags,
                until: Some(self.common.today()),
            },
            paths: self.common.paths,
            format: self.format,
            output: self.common.output,
            config: self.policy.config,
        }
    }
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format
    #[arg(long, value_enum, default_value_t = MatrixFormat::Table)]
    pub format: MatrixFormat,

    /// Which view places the risks
    #[arg(long, value_enum, default_value_t = ViewArg::Current)]
    pub view: ViewArg,

    /// List the risks' ids in each cell
    #[arg(long)]
    pub ids: bool,

    /// Only this system's risks
    #[arg(long, value_name = "ID", add = crate::completion::system())]
    pub system: Option<String>,

    #[command(flatten)]
    pub policy: PolicyArg,
}

impl MatrixArgs {
    pub fn into_options(self) -> MatrixOptions {
        MatrixOptions {
            limits: self.common.limits.limits(),
            today: self.common.today(),
            paths: self.common.paths,
            format: self.format,
            output: self.common.output,
            view: self.view.into(),
            ids: self.ids,
            system: self.system,
            config: self.policy.config,
        }
    }
}

impl AssessArgs {
    pub fn into_options(self) -> AssessOptions {
        AssessOptions {
            limits: self.common.limits.limits(),
            today: self.common.today(),
            paths: self.common.paths,
            format: self.format,
            output: self.common.output,
            simulation: self.simulate.settings(),
            config: self.policy.config,
        }
    }
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The risk (or systemic factor): system/risk, or an id no other system uses
    #[arg(value_name = "RISK", add = crate::completion::risk())]
    pub risk: String,

    #[command(flatten)]
    pub common: Common,

    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,

    #[command(flatten)]
    pub simulate: SimulateArgs,

    #[command(flatten)]
    pub policy: PolicyArg,
}

impl ShowArgs {
    pub fn into_options(self) -> ShowOptions {
        ShowOptions {
            limits: self.common.limits.limits(),
            today: self.common.today(),
            paths: self.common.paths,
            risk: self.risk,
            format: self.format,
            output: self.common.output,
            simulation: self.simulate.settings(),
            config: self.policy.config,
        }
    }
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format [default: table on a terminal, else markdown]
    #[arg(long, value_enum)]
    pub format: Option<PlanFormat>,

    #[command(flatten)]
    pub policy: PolicyArg,

    /// The share of its system's yearly error budget one risk may use before it is too big [default: 0.25]
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub single_risk_share: Option<f64>,
}

/// A document's format when none is named: tables for a person at a
/// terminal, Markdown where it is written to a file or a pipe
/// (`opx plan > PLAN.md`).
fn document_format<F>(named: Option<F>, output: Option<&PathBuf>, table: F, markdown: F) -> F {
    let to_terminal = output.is_none() && std::io::stdout().is_terminal();
    named.unwrap_or(if to_terminal { table } else { markdown })
}

impl PlanArgs {
    pub fn into_options(self) -> PlanOptions {
        PlanOptions {
            limits: self.common.limits.limits(),
            today: self.common.today(),
            format: document_format(
                self.format,
                self.common.output.as_ref(),
                PlanFormat::Table,
                PlanFormat::Markdown,
            ),
            paths: self.common.paths,
            output: self.common.output,
            config: self.policy.config,
            single_risk_share: self.single_risk_share,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format [default: table on a terminal, else markdown]
    #[arg(long, value_enum)]
    pub format: Option<ReviewFormat>,

    /// The window in days (1-3660): what is due within it, what happened within it
    #[arg(long, value_name = "N", default_value_t = 7, value_parser = clap::value_parser!(i64).range(1..=3660))]
    pub days: i64,

    /// Record that these risks (id, or system/risk) were reviewed today
    #[arg(long, value_name = "ID", num_args = 1.., conflicts_with_all = ["format", "output"], add = crate::completion::risk())]
    pub mark: Vec<String>,

    #[command(flatten)]
    pub policy: PolicyArg,
}

impl ReviewArgs {
    pub fn into_options(self) -> ReviewOptions {
        ReviewOptions {
            limits: self.common.limits.limits(),
            today: self.common.today(),
            format: document_format(
                self.format,
                self.common.output.as_ref(),
                ReviewFormat::Table,
                ReviewFormat::Markdown,
            ),
            paths: self.common.paths,
            output: self.common.output,
            days: self.days,
            mark: self.mark,
            config: self.policy.config,
        }
    }
}

#[derive(Debug, Args)]
pub struct MeasureArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format [default: table on a terminal, else markdown]
    #[arg(long, value_enum)]
    pub format: Option<MeasureFormat>,

    /// The Prometheus server, over [prometheus] url in opx.toml
    #[arg(long, value_name = "URL")]
    pub prometheus: Option<String>,

    /// The most one query may take, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,

    /// Record the values in [system.baseline] (measured = DATE) and alerts that fired as exercised
    #[arg(long)]
    pub write: bool,

    /// Exit 1 when a risk at or above the failing threshold has a missing or broken alert
    #[arg(long)]
    pub check: bool,

    #[command(flatten)]
    pub policy: PolicyArg,
}

impl MeasureArgs {
    pub fn into_options(self) -> MeasureOptions {
        MeasureOptions {
            limits: self.common.limits.limits(),
            today: self.common.today(),
            format: document_format(
                self.format,
                self.common.output.as_ref(),
                MeasureFormat::Table,
                MeasureFormat::Markdown,
            ),
            paths: self.common.paths,
            output: self.common.output,
            config: self.policy.config,
            prometheus: self.prometheus,
            // Only from the environment: a token in a file would be committed.
            token: std::env::var(opx::prometheus::TOKEN_VARIABLE)
                .ok()
                .and_then(|text| opx::prometheus::Token::new(&text)),
            timeout: std::time::Duration::from_secs(self.timeout),
            write: self.write,
            check: self.check,
            now: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        }
    }
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print; opx's own without one
    #[arg(value_parser = MAN_PAGES.map(|(command, _)| command))]
    pub command: Option<String>,
}

/// The commands with a manual page of their own, and its name as `man`
/// knows it.
pub const MAN_PAGES: [(&str, &str); 14] = [
    ("rank", "opx-rank"),
    ("show", "opx-show"),
    ("matrix", "opx-matrix"),
    ("trend", "opx-trend"),
    ("report", "opx-report"),
    ("check", "opx-check"),
    ("assess", "opx-assess"),
    ("plan", "opx-plan"),
    ("review", "opx-review"),
    ("measure", "opx-measure"),
    ("diff", "opx-diff"),
    ("schema", "opx-schema"),
    ("init", "opx-init"),
    ("completions", "opx-completions"),
];

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// OLD and NEW (files or folders); with --git, the paths to compare (default: .)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Compare the working tree against this git revision
    #[arg(long, value_name = "REF")]
    pub git: Option<String>,

    /// Output format [default: table on a terminal, else markdown; CI that posts a comment should name markdown]
    #[arg(long, value_enum)]
    pub format: Option<DiffFormat>,

    /// Exit 1 when the change makes the register worse, adds a critical risk, or adds an exception to the gate
    #[arg(long, value_enum, value_name = "WHEN")]
    pub fail_on: Option<FailOn>,

    /// Read the policy from this file, not the opx.toml nearest the new register
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub limits: LimitArgs,

    /// Judge dates against this day instead of today (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_today)]
    pub today: Option<Date>,

    /// Write the report to FILE (atomically) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl DiffArgs {
    pub fn into_options(self) -> Result<DiffOptions, clap::Error> {
        use clap::CommandFactory;
        let sides = match (self.git, self.paths.as_slice()) {
            (Some(revision), _) => DiffSides::Git {
                revision,
                paths: if self.paths.is_empty() {
                    vec![PathBuf::from(".")]
                } else {
                    self.paths
                },
            },
            (None, [old, new]) => DiffSides::Paths {
                old: old.clone(),
                new: new.clone(),
            },
            (None, _) => {
                let mut cli = Cli::command();
                let diff = cli
                    .find_subcommand_mut("diff")
                    .expect("diff is a subcommand");
                diff.set_bin_name("opx diff");
                return Err(diff.error(
                    clap::error::ErrorKind::WrongNumberOfValues,
                    "opx diff takes OLD and NEW, or --git REF and the paths to compare",
                ));
            }
        };
        Ok(DiffOptions {
            limits: self.limits.limits(),
            sides,
            format: document_format(
                self.format,
                self.output.as_ref(),
                DiffFormat::Table,
                DiffFormat::Markdown,
            ),
            output: self.output,
            fail_on: self.fail_on,
            config: self.config,
            today: today_or_local(self.today),
        })
    }
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema
    #[arg(value_enum, default_value_t = SchemaKind::Register)]
    pub kind: SchemaKind,
}

/// Options both commands share.
#[derive(Debug, Args)]
pub struct Common {
    /// Register files, or folders to search for the *.toml files that are registers (other TOML files are skipped) [default: .]
    #[arg(value_name = "PATH", default_value = ".", hide_default_value = true)]
    pub paths: Vec<PathBuf>,

    /// Judge dates against this day instead of today (YYYY-MM-DD), for reproducible output
    #[arg(long, value_name = "DATE", value_parser = parse_today)]
    pub today: Option<Date>,

    /// Write the report to FILE (atomically) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub limits: LimitArgs,
}

impl Common {
    fn today(&self) -> Date {
        today_or_local(self.today)
    }
}

/// Where the policy comes from, for every command that judges by one.
#[derive(Debug, Args)]
pub struct PolicyArg {
    /// Read the policy from this file, not the opx.toml nearest the register
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// How much opx reads.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Refuse a register or policy file larger than SIZE (bytes, or with K, M or G: powers of 1024) [default: 16M]
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_file_size: self.max_file_size.unwrap_or(Limits::DEFAULT_MAX_FILE_SIZE),
        }
    }
}

/// `--simulate` and how: simulated years of incidents.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Simulate years of incidents: each risk's P50 and P90 bad minutes a year, and each system's chance of missing its error budget (--simulations or --seed imply it)
    #[arg(long)]
    pub simulate: bool,

    #[command(flatten)]
    pub how: SimulationArgs,
}

impl SimulateArgs {
    /// The simulation asked for: `--simulate`, or either of its settings.
    fn settings(&self) -> Option<Settings> {
        (self.simulate || self.how.simulations.is_some() || self.how.seed.is_some())
            .then(|| self.how.settings())
    }
}

/// How many years to simulate, and from which seed.
#[derive(Debug, Args)]
pub struct SimulationArgs {
    /// How many years to simulate [default: 10000]
    #[arg(long, value_name = "N", value_parser = parse_simulations)]
    pub simulations: Option<u32>,

    /// The simulation's seed: the same seed draws the same years [default: 1]
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

impl SimulationArgs {
    fn settings(&self) -> Settings {
        Settings {
            simulations: self.simulations.unwrap_or(simulate::DEFAULT_SIMULATIONS),
            seed: self.seed.unwrap_or(simulate::DEFAULT_SEED),
        }
    }
}

/// `--simulations`: 1 to a million years.
fn parse_simulations(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if (1..=simulate::MAX_SIMULATIONS).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a number of years from 1 to {}, such as 10000",
            simulate::MAX_SIMULATIONS
        )),
    }
}

/// `--max-file-size`: `1048576`, `64K`, `16M`, `1G` (also `16MiB`, `16MB`).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().map_err(|_| {
        format!(
            "`{text}` is not a size: write a number of bytes, or one with K, M or G, such as 64M"
        )
    })?;
    let scale: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => {
            return Err(format!(
                "`{unit}` is not a unit of size: use K, M or G, such as 64M"
            ));
        }
    };
    match number.checked_mul(scale) {
        Some(0) | None => Err(format!("`{text}` is not a size opx can use")),
        Some(size) => Ok(size),
    }
}

/// Words people reach for that opx spells another way: an unknown flag
/// among them suggests opx's.
const SYNONYMS: &[(&str, &str)] = &[
    ("--sort", "--by"),
    ("--sort-by", "--by"),
    ("--order", "--by"),
    ("--order-by", "--by"),
    ("--limit", "--top"),
    ("--head", "--top"),
    ("--first", "--top"),
    ("--band", "--min-band"),
    ("--severity", "--min-band"),
    ("--out", "--output"),
    ("--date", "--today"),
    ("--policy", "--config"),
    ("--strict", "--deny-warnings"),
];

/// A usage error, with opx's own flag suggested for a word people reach
/// for (in place of the flag spelled most alike, which clap suggests).
pub fn with_suggestion(mut error: clap::Error) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() != ErrorKind::UnknownArgument {
        return error;
    }
    let Some(ContextValue::String(given)) = error.get(ContextKind::InvalidArg) else {
        return error;
    };
    let flag = given.split('=').next().unwrap_or(given);
    if let Some((_, ours)) = SYNONYMS.iter().find(|(theirs, _)| *theirs == flag) {
        error.insert(
            ContextKind::SuggestedArg,
            ContextValue::String((*ours).to_string()),
        );
    }
    error
}

/// The width tables for people fit: the terminal's, when standard output
/// is one; else `COLUMNS`, when set; else 100.
pub fn width(stdout: &std::io::Stdout) -> usize {
    use std::io::IsTerminal;
    let terminal = stdout
        .is_terminal()
        .then(|| terminal_columns(stdout))
        .flatten();
    let columns = || {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
    };
    terminal
        .or_else(columns)
        .filter(|&w| w > 0)
        .unwrap_or(opx::report::TableView::DEFAULT_WIDTH)
}

#[cfg(unix)]
fn terminal_columns(stdout: &std::io::Stdout) -> Option<usize> {
    rustix::termios::tcgetwinsize(stdout)
        .ok()
        .map(|size| usize::from(size.ws_col))
}

#[cfg(not(unix))]
fn terminal_columns(stdout: &std::io::Stdout) -> Option<usize> {
    terminal_size::terminal_size_of(stdout).map(|(width, _)| usize::from(width.0))
}

/// The day given with --today, else the local date.
fn today_or_local(today: Option<Date>) -> Date {
    today.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

#[derive(Debug, Args)]
pub struct RankArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format
    #[arg(long, value_enum, default_value_t = RankFormat::Table)]
    pub format: RankFormat,

    /// What to rank by first: severity (then exposure), exposure (then severity), or budget (bad minutes a year)
    #[arg(long, value_enum, default_value_t = ByArg::Severity)]
    pub by: ByArg,

    /// Show only the first N risks
    #[arg(long, value_name = "N", value_parser = parse_top)]
    pub top: Option<usize>,

    /// Show only the risks of this system
    #[arg(long, value_name = "ID", add = crate::completion::system())]
    pub system: Option<String>,

    /// Show only risks in this band or above: one of the matrix's bands (low, medium, high, critical unless opx.toml's [matrix] names others)
    #[arg(long, value_name = "BAND")]
    pub min_band: Option<String>,

    /// Show every column in the table, not only the most telling
    #[arg(long)]
    pub wide: bool,

    /// Leave out the lines of actions under each risk in the table
    #[arg(long)]
    pub no_actions: bool,

    #[command(flatten)]
    pub simulate: SimulateArgs,

    #[command(flatten)]
    pub policy: PolicyArg,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,

    /// Fail on open risks with at least this impact: 1-5, or a word such as major [default: 4]
    #[arg(long, value_name = "LEVEL", value_parser = parse_impact)]
    pub fail_impact: Option<Level>,

    /// Treat warnings as errors
    #[arg(long, overrides_with = "no_deny_warnings")]
    pub deny_warnings: bool,

    /// Let warnings pass, even where opx.toml sets deny_warnings
    #[arg(long, overrides_with = "deny_warnings")]
    pub no_deny_warnings: bool,

    /// The share of its system's yearly error budget one risk may use before it is too big [default: 0.25]
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub single_risk_share: Option<f64>,

    #[command(flatten)]
    pub simulation: SimulationArgs,

    #[command(flatten)]
    pub policy: PolicyArg,

    /// Print only the summary line; the exit status is the same
    #[arg(long, short, conflicts_with = "format")]
    pub quiet: bool,
}

/// `opx check --help`: every gate rule by its default level, from the
/// codes themselves, and where the policy that tunes them lives.
fn check_long_about() -> String {
    use opx::diag::{Code, CodeKind, Severity};
    let mut text = String::from(
        "Check the register against the gate and report findings with their file, line and \
         column. Rules judge each risk's current view (its done actions applied).\n",
    );
    let levels = [
        (Severity::Error, "Errors (fail the build)"),
        (Severity::Warning, "Warnings (fail it under deny_warnings)"),
        (Severity::Note, "Notes"),
    ];
    for (severity, heading) in levels {
        text.push_str(&format!("\n{heading}:\n"));
        for &code in Code::ALL {
            if code.kind() != CodeKind::Input && code.default_severity() == severity {
                let mark = match code.kind() {
                    CodeKind::Guard => "*",
                    CodeKind::Oversight => "+",
                    _ if !code.waivable() => "°",
                    _ => "",
                };
                let id = format!("  {:<22}", format!("{}{mark}", code.id()));
                // Wrapped here, with a hanging indent, to fit 80 columns;
                // clap's own wrapping would start continued lines at the margin.
                for line in opx::report::wrap(code.description(), 79, &id, &" ".repeat(24)) {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
        }
    }
    text.push_str(
        "\n* guards the gate: it cannot be lowered or waived; a risk leaves it by a done action \
         or an acceptance with an end date.\n\
         + keeps waivers and acceptances honest: its level may be set, but no waiver sets it aside.\n\
         ° is about a system, not a risk: its level may be set, but no risk's waiver sets it aside.\n\n\
         Mitigation: a done action counts; one that shows no evidence of what it changed (an \
         effect such as likelihood = \"rare\", a detect action's signal, a respond action's \
         runbook) gets unevidenced-action. Under mitigation = \"evidence\" it does not count at \
         all. Under mitigation = \"exercised\" only a done action shown to work within its \
         cadence counts: exercised = DATE on the action, or an incident's worked_actions = \
         [\"risk/action\"] (by the action's id = \"...\"); exercise_every = \"90d\" on the \
         action (at most the policy's), else the policy's. status = \"failed\" with failed_on = DATE (and a reason), \
         or an incident's failed_actions, makes an action mitigate nothing. [system.slo] \
         rpo = \"1h\" is set against each risk's data_loss = \"24h\" (a range by its high end, \
         or \"none\"), which an action may lower; an incident records data_lost.\n\n\
         Policy: the opx.toml nearest each register file (its folder, then each parent up to \
         the one holding .git), or --config FILE; every file of a run must find the same one. \
         Flags override it; the summary line names it. Its keys, with their defaults:\n  \
         fail_impact = 4             open risks of this impact or more fail\n  \
         fail_band = \"critical\"      (unset unless set) open risks of this band or above fail too\n  \
         deny_warnings = false       warnings fail too\n  \
         single_risk_share = 0.25    the share of an error budget one risk may use\n  \
         max_miss_probability = 0.1  (unset unless set) simulate years (--simulations, --seed);\n  \
         \x20                           a system over budget in more of them fails\n  \
         mitigation = \"done\"         or \"evidence\": only evidenced actions mitigate, or\n  \
         \x20                           \"exercised\": only actions exercised in their cadence\n  \
         exercise_every = \"180d\"     how often a done action is shown to work\n  \
         expiring_within = \"14d\"     warn this long before an acceptance or waiver ends\n  \
         max_acceptance_days = 365   (no limit unless set) how far ahead they may run\n  \
         [rules]                     a rule's level: allow, warn or error\n  \
         no-runbook = \"allow\"        (an example)\n  \
         [matrix]                    the risk matrix that bands every cell:\n  \
         preset = \"opx\"              or \"nist-800-30\"; or the team's own, lowest first:\n  \
         # bands = [\"green\", \"amber\", \"red\"]\n  \
         # cells = [[...5 bands...], ...]  5 rows, likelihood 5 first; impact 1 to 5 across\n\n\
         Waive one rule for one risk, for a time; a waived finding is counted apart and still \
         reported (JSON, SARIF suppressions, JUnit skipped):\n  \
         [[risk.waive]]\n  \
         rule = \"no-detection\"\n  \
         reason = \"Batch job: a failed run is retried and reported the next morning\"\n  \
         by = \"eng-manager\"\n  \
         until = 2027-03-31",
    );
    text
}

impl RankArgs {
    pub fn into_options(self) -> RankOptions {
        RankOptions {
            limits: self.common.limits.limits(),
            today: self.common.today(),
            paths: self.common.paths,
            format: self.format,
            output: self.common.output,
            by: self.by.into(),
            top: self.top,
            system: self.system,
            min_band: self.min_band,
            wide: self.wide,
            actions: !self.no_actions,
            simulation: self.simulate.settings(),
            config: self.policy.config,
        }
    }
}

impl CheckArgs {
    pub fn into_options(self) -> CheckOptions {
        CheckOptions {
            limits: self.common.limits.limits(),
            today: self.common.today(),
            paths: self.common.paths,
            format: self.format,
            quiet: self.quiet,
            output: self.common.output,
            simulation: self.simulation.settings(),
            config: self.policy.config,
            overrides: Overrides {
                fail_impact: self.fail_impact,
                deny_warnings: match (self.deny_warnings, self.no_deny_warnings) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                },
                single_risk_share: self.single_risk_share,
            },
        }
    }
}

/// `--today`: exactly YYYY-MM-DD, a real day.
fn parse_today(text: &str) -> Result<Date, String> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err("expected a date as YYYY-MM-DD, such as 2026-11-27".to_string());
    }
    let date: Date = text
        .parse()
        .map_err(|_| format!("{text} is not a day of the calendar"))?;
    if date > opx::dates::LAST_DAY {
        return Err(format!(
            "{text} is past {}, the last day opx counts with",
            opx::dates::LAST_DAY
        ));
    }
    Ok(date)
}

/// `--top`: a number of risks, one or more.
fn parse_top(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("--top shows at least one risk; leave it out to show them all".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err("expected a number of risks, such as 10".to_string()),
    }
}

/// `--single-risk-share`: above 0, at most 1.
fn parse_share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(share) if share > 0.0 && share <= 1.0 => Ok(share),
        _ => Err("expected a share above 0 and at most 1, such as 0.25 for 25%".to_string()),
    }
}

/// `--fail-impact`: a level as the register writes it, a number or a word.
fn parse_impact(text: &str) -> Result<Level, String> {
    let level = match text.parse::<i64>() {
        Ok(n) => Scale::Impact.from_integer(n),
        Err(_) => Scale::Impact.parse_word(text),
    };
    level.map_err(|e| format!("{}\n  = help: {}", e.message, e.help))
}

/// One of a risk's three views, as `--view` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    /// The risk as written
    Inherent,
    /// With its done actions applied
    Current,
    /// With every action done: after the plan
    Target,
}

impl From<ViewArg> for ViewName {
    fn from(view: ViewArg) -> ViewName {
        match view {
            ViewArg::Inherent => ViewName::Inherent,
            ViewArg::Current => ViewName::Current,
            ViewArg::Target => ViewName::Target,
        }
    }
}

/// What a ranking sorts by first, as `--by` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    /// Severity, then exposure
    Severity,
    /// Exposure, then severity
    Exposure,
    /// Share of its own system's error budget, then bad minutes a year, then severity
    Budget,
}

impl From<ByArg> for RankBy {
    fn from(by: ByArg) -> RankBy {
        match by {
            ByArg::Severity => RankBy::Severity,
            ByArg::Exposure => RankBy::Exposure,
            ByArg::Budget => RankBy::Budget,
        }
    }
}
