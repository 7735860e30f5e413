//! The commands, as functions from plain options to an exit status.
//!
//! Each follows the one path load → validate → analyse → check → report,
//! writing through the [`Io`] the binary hands it; the library never
//! prints on its own. Input problems stop a command before it analyses
//! anything, with status 2.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::analysis::Analysis;
use crate::diag::{Code, Diagnostic, Tally, has_errors, render_human, thousands};
use crate::policy::{self, Overrides, Policy};
use crate::register::{self, Limits, Loaded, Register};
use crate::report::{
    AssessFormat, CheckFormat, CheckReport, DiffFormat, MatrixFormat, MatrixView, MeasureFormat,
    PlanFormat, RankFormat, RankReport, Ranked, ReviewFormat, STEP_SUMMARY_LIMIT, Screen,
    ShowFormat, TableView, TrendFormat, paint, write_step_summary,
};
use crate::schema::SchemaKind;
use crate::score::{RankBy, ViewName};
use crate::source::{Sources, display_path};
use crate::suggest::did_you_mean;
use crate::visible::{log_safe, visible_line};
use crate::years::Settings;

/// How a run ended; its number is the process's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done, and the gate (if any) passed.
    Success = 0,
    /// 1: the gate failed.
    Failure = 1,
    /// 2: the input or the command line is wrong.
    Error = 2,
}

/// Where a command writes, as the binary opened it.
pub struct Io<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Standard output takes colour.
    pub colour: bool,
    /// Standard error takes colour.
    pub stderr_colour: bool,
    /// The width, in columns, that tables for people fit.
    pub width: usize,
    /// The CI job's summary file (`$GITHUB_STEP_SUMMARY`), if there is one.
    pub step_summary: Option<PathBuf>,
}

impl Io<'_> {
    /// What a format for people may assume of where it is written: colour
    /// and width are the terminal's, and a file gets no colour.
    fn screen(&self, output: Option<&Path>) -> Screen {
        Screen {
            colour: self.colour && output.is_none(),
            width: self.width,
        }
    }

    /// Writes `error: message` and a help line to standard error.
    fn usage_error(&mut self, message: impl std::fmt::Display, help: impl std::fmt::Display) {
        let error = paint("error", red(), self.stderr_colour);
        self.tell(&error, &message.to_string(), &help.to_string());
    }

    /// `label: message` and a help line on standard error, both of which
    /// may quote a file's or a system's name: through the one output
    /// filter, one line each.
    fn tell(&mut self, label: &str, message: &str, help: &str) {
        let (message, help) = (visible_line(message), visible_line(help));
        let _ = log_safe(self.stderr, |out| {
            writeln!(out, "{label}: {message}\n  = help: {help}")
        });
    }

    /// Writes `warning: message` and a help line to standard error: the
    /// command goes on.
    fn warning(&mut self, message: impl std::fmt::Display, help: impl std::fmt::Display) {
        let warning = paint("warning", yellow(), self.stderr_colour);
        self.tell(&warning, &message.to_string(), &help.to_string());
    }

    /// What loading noted without stopping (a link skipped), for people,
    /// on standard error.
    fn notes(&mut self, loaded: &Loaded) {
        let notes: Vec<Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity != crate::diag::Severity::Error)
            .cloned()
            .collect();
        if !notes.is_empty() {
            let _ = render_human(self.stderr, &notes, &loaded.sources, self.stderr_colour);
        }
    }

    /// Input problems, for people, on standard error, and what they mean.
    fn input_errors(&mut self, diagnostics: &[Diagnostic], sources: &Sources) {
        let _ = render_human(self.stderr, diagnostics, sources, self.stderr_colour);
        let errors = Tally::of(diagnostics).errors;
        let _ = writeln!(
            self.stderr,
            "{}: {} {} in the input; opx stopped before using it",
            paint("error", red(), self.stderr_colour),
            thousands(errors),
            if errors == 1 { "problem" } else { "problems" },
        );
    }

    /// Puts a report where the user asked: standard output, or `--output
    /// FILE`, written atomically and never over a file of the register.
    /// `false` when the file could not be written (and the user was told).
    fn deliver(
        &mut self,
        output: Option<&Path>,
        registers: &[&Sources],
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<bool> {
        let Some(path) = output else {
            write(self.stdout)?;
            return Ok(true);
        };
        let target = std::fs::canonicalize(path).ok();
        let is_register_file = target.is_some()
            && registers
                .iter()
                .flat_map(|sources| sources.iter())
                .any(|(_, f)| std::fs::canonicalize(f.path()).ok() == target);
        let failure = if is_register_file {
            Some("it is a file of the register, which opx never writes".to_string())
        } else {
            crate::output::write_atomically(path, write)
                .err()
                .map(|e| register::io_reason(&e))
        };
        if let Some(reason) = failure {
            self.usage_error(
                format!("cannot write `{}`: {reason}", display_path(path)),
                "choose another --output path, in a folder that exists and is writable",
            );
            return Ok(false);
        }
        Ok(true)
    }
}

fn red() -> anstyle::Style {
    anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Red.into()))
}

fn yellow() -> anstyle::Style {
    anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Yellow.into()))
}

/// Loads the register and its policy, their problems together; `None`,
/// with the reason on standard error, when its files fall under two
/// policies.
fn load(
    io: &mut Io<'_>,
    paths: &[PathBuf],
    config: Option<&Path>,
    overrides: Overrides,
    limits: Limits,
) -> Option<(Loaded, Policy)> {
    let mut loaded = register::load(paths, limits);
    let file = policy_file(io, &mut loaded, paths, config)?;
    let policy = policy::resolve(
        file.as_deref(),
        overrides,
        limits,
        &mut loaded.sources,
        &mut loaded.diagnostics,
    );
    register::sort_and_dedup(&mut loaded.diagnostics);
    Some((loaded, policy))
}

/// [`load`], when the register can be used; otherwise its problems on
/// standard error, and `None`.
fn load_usable(
    io: &mut Io<'_>,
    paths: &[PathBuf],
    config: Option<&Path>,
    overrides: Overrides,
    limits: Limits,
) -> Option<(Loaded, Policy)> {
    let (loaded, policy) = load(io, paths, config, overrides, limits)?;
    if loaded.failed() {
        io.input_errors(&loaded.diagnostics, &loaded.sources);
        return None;
    }
    io.notes(&loaded);
    Some((loaded, policy))
}

/// The policy file for a run over `loaded`, read from `paths`: `--config`,
/// else the nearest to its files (with none read, the paths stand in for
/// them; their problems are reported anyway). `None`, with the reason on
/// standard error, when its files fall under two policies. A policy file
/// passed over (a link out of the repository) is a note in `loaded`.
fn policy_file(
    io: &mut Io<'_>,
    loaded: &mut Loaded,
    paths: &[PathBuf],
    config: Option<&Path>,
) -> Option<Option<PathBuf>> {
    // A TOML file passed over (`Cargo.toml` beside the register) is no
    // file of the register: its folder's policy does not count.
    let files: Vec<PathBuf> = loaded
        .sources
        .iter()
        .filter(|(_, f)| !f.is_skipped())
        .map(|(_, f)| f.path().to_path_buf())
        .collect();
    let looked_at = if files.is_empty() { paths } else { &files };
    let mut notes = Vec::new();
    let found = policy::find(looked_at.iter().map(PathBuf::as_path), config, &mut notes);
    loaded.diagnostics.append(&mut notes);
    match found {
        Ok(file) => Some(file),
        Err(conflict) => {
            io.usage_error(conflict.message, conflict.help);
            None
        }
    }
}

#[derive(Debug, Clone)]
pub struct RankOptions {
    pub paths: Vec<PathBuf>,
    pub format: RankFormat,
    pub output: Option<PathBuf>,
    pub by: RankBy,
    pub top: Option<usize>,
    pub system: Option<String>,
    /// A band of the policy's matrix, as typed.
    pub min_band: Option<String>,
    /// Every column in the table, not only the most telling.
    pub wide: bool,
    /// Each risk's actions under it in the table.
    pub actions: bool,
    /// `--simulate`: simulated years, and how many from which seed.
    pub simulation: Option<Settings>,
    /// `--config FILE`; without it, the `opx.toml` nearest the register.
    pub config: Option<PathBuf>,
    pub today: Date,
    /// What opx reads at most of each file.
    pub limits: Limits,
}

/// `opx rank`: what should we fix first?
pub fn rank(options: &RankOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    let Some((loaded, policy)) = load_usable(
        io,
        &options.paths,
        options.config.as_deref(),
        Overrides::default(),
        options.limits,
    ) else {
        return Ok(ExitStatus::Error);
    };
    let register = &loaded.register;
    if let Some(system) = &options.system
        && register.system(system).is_none()
    {
        unknown_system(io, system, register);
        return Ok(ExitStatus::Error);
    }
    let min_band = match options.min_band.as_deref() {
        Some(name) => match policy.matrix.find(name) {
            Some(band) => Some(band),
            None => {
                unknown_band(io, name, &policy);
                return Ok(ExitStatus::Error);
            }
        },
        None => None,
    };
    let analysis = analyse(register, options.today, &policy, options.simulation);
    let mut ranked: Vec<Ranked> = analysis
        .ranked(options.by)
        .into_iter()
        .filter(|&i| {
            options
                .system
                .as_ref()
                .is_none_or(|s| analysis.risks[i].risk.system == *s)
        })
        .enumerate()
        .map(|(i, index)| Ranked { rank: i + 1, index })
        .filter(|r| min_band.is_none_or(|min| analysis.risks[r.index].score.current.band >= min))
        .collect();
    if let Some(top) = options.top {
        ranked.truncate(top);
    }
    // Factors follow the risks: they have no likelihood × impact to rank by.
    let factors: Vec<usize> = analysis
        .ranked_factors(0..analysis.factors.len())
        .into_iter()
        .filter(|&i| {
            let system = analysis.systems[analysis.factors[i].system].system;
            options.system.as_ref().is_none_or(|s| system.id == *s)
        })
        .collect();
    let report = RankReport {
        analysis: &analysis,
        ranked: &ranked,
        factors: &factors,
        sources: &loaded.sources,
        colour: io.colour && options.output.is_none(),
        view: TableView {
            width: io.width,
            wide: options.wide,
            actions: options.actions,
            by: options.by,
        },
    };
    let delivered = io.deliver(options.output.as_deref(), &[&loaded.sources], |out| {
        options.format.write(&report, out)
    })?;
    Ok(if delivered {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}

/// `--min-band` names no band of the policy's matrix.
fn unknown_band(io: &mut Io<'_>, band: &str, policy: &Policy) {
    let help = policy::band_help(band, policy.matrix.names());
    let matrix = match policy.file_name() {
        Some(file) if policy.matrix.preset != Some(crate::band::Preset::Opx) => {
            format!("the matrix of `{file}`")
        }
        _ => "the matrix".to_string(),
    };
    io.usage_error(format!("no band `{band}` in {matrix}"), help);
}

/// The register assessed, with simulated years when `simulation` asks.
fn analyse<'r>(
    register: &'r Register,
    today: Date,
    policy: &Policy,
    simulation: Option<Settings>,
) -> Analysis<'r> {
    let mut analysis = Analysis::new(register, today, policy);
    if let Some(settings) = simulation {
        crate::simulate::apply(&mut analysis, settings);
    }
    analysis
}

fn unknown_system(io: &mut Io<'_>, system: &str, register: &Register) {
    let ids = register.systems.iter().map(|s| s.id.as_str());
    let help = match did_you_mean(system, ids.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!(
            "the register's systems: {}",
            ids.collect::<Vec<_>>().join(", ")
        ),
    };
    io.usage_error(format!("no system `{system}` in the register"), help);
}

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: CheckFormat,
    /// Only the summary line.
    pub quiet: bool,
    pub output: Option<PathBuf>,
    pub today: Date,
    /// How many years to simulate, from which seed, when the policy's
    /// `max_miss_probability` asks for simulated years.
    pub simulation: Settings,
    /// `--config FILE`; without it, the `opx.toml` nearest the register.
    pub config: Option<PathBuf>,
    /// What flags say, over `opx.toml`.
    pub overrides: Overrides,
    /// What opx reads at most of each file.
    pub limits: Limits,
}

/// `opx check`: the CI gate.
pub fn check(options: &CheckOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    let Some((loaded, policy)) = load(
        io,
        &options.paths,
        options.config.as_deref(),
        options.overrides,
        options.limits,
    ) else {
        return Ok(ExitStatus::Error);
    };
    let input_failed = loaded.failed();
    // The gate simulates only when the policy limits the chance of
    // missing a budget, which only simulated years tell, and the rule
    // that judges it is on.
    let simulation = (policy.max_miss_probability.is_some()
        && policy.severity(Code::BudgetAtRisk).is_some())
    .then_some(options.simulation);
    let analysis =
        (!input_failed).then(|| analyse(&loaded.register, options.today, &policy, simulation));
    let checked = match &analysis {
        Some(analysis) => {
            let mut checked = crate::check::check(analysis, &policy);
            // What loading noted (a link skipped) comes first, as input
            // problems would.
            checked
                .findings
                .splice(0..0, loaded.diagnostics.iter().cloned());
            checked
        }
        None => crate::check::Checked {
            findings: loaded.diagnostics.clone(),
            waived: Vec::new(),
        },
    };
    let findings = &checked.findings;
    let status = if input_failed {
        ExitStatus::Error
    } else if has_errors(findings) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    if input_failed {
        // `short` on standard output already lists them, one a line.
        let listed = options.format == CheckFormat::Short && options.output.is_none();
        if !listed {
            io.input_errors(findings, &loaded.sources);
        }
        if options.format == CheckFormat::Human {
            // People read the errors on standard error; there is no report.
            return Ok(status);
        }
    }
    // A register that failed to load is judged as holding no risk; machine
    // formats carry its input errors, so CI shows them on their lines.
    let empty = Register::default();
    let report = CheckReport {
        findings,
        waived: &checked.waived,
        policy: &policy,
        job_summary: io.step_summary.is_some() && options.format.has_step_summary(),
        register: if input_failed {
            &empty
        } else {
            &loaded.register
        },
        sources: &loaded.sources,
        today: options.today,
        colour: io.colour && options.output.is_none(),
    };
    if let Some(path) = io
        .step_summary
        .clone()
        .filter(|_| options.format.has_step_summary())
    {
        let plain = CheckReport {
            colour: false,
            ..report
        };
        // The limit is the step's: what earlier tools appended counts too.
        let used = std::fs::metadata(&path).map_or(0, |m| m.len());
        let budget = STEP_SUMMARY_LIMIT.saturating_sub(usize::try_from(used).unwrap_or(usize::MAX));
        // The job summary is a nicety: failing to write it never fails the gate.
        if let Err(e) = crate::output::append(&path, |out| write_step_summary(&plain, out, budget))
        {
            let _ = writeln!(
                io.stderr,
                "warning: cannot append to $GITHUB_STEP_SUMMARY: {e}"
            );
        }
    }
    let delivered = io.deliver(options.output.as_deref(), &[&loaded.sources], |out| {
        if options.quiet {
            CheckFormat::write_summary(&report, out)
        } else {
            options.format.write(&report, out)
        }
    })?;
    Ok(if delivered { status } else { ExitStatus::Error })
}

#[derive(Debug, Clone)]
pub struct ShowOptions {
    pub paths: Vec<PathBuf>,
    /// `system/risk`, or a risk id no other system uses.
    pub risk: String,
    pub format: ShowFormat,
    pub output: Option<PathBuf>,
    /// `--simulate`: simulated years, and how many from which seed.
    pub simulation: Option<Settings>,
    pub config: Option<PathBuf>,
    pub today: Date,
    /// What opx reads at most of each file.
    pub limits: Limits,
}

/// `opx show`: everything about one risk.
pub fn show(options: &ShowOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    if let Some((risk, path)) = swapped(options) {
        io.usage_error(
            format!(
                "`{}` is a {} and `{risk}` is not on disk: the risk comes first",
                display_path(path),
                if path.is_dir() { "folder" } else { "file" },
            ),
            format!("run `opx show {} {}`", risk, display_path(path)),
        );
        return Ok(ExitStatus::Error);
    }
    let Some((loaded, policy)) = load_usable(
        io,
        &options.paths,
        options.config.as_deref(),
        Overrides::default(),
        options.limits,
    ) else {
        return Ok(ExitStatus::Error);
    };
    let analysis = analyse(&loaded.register, options.today, &policy, options.simulation);
    // A risk, else a systemic factor: their ids never clash within a system.
    let named = match loaded.register.find_risk(&options.risk) {
        Ok(risk) => Named::Risk(risk),
        Err(e) => match analysis.find_factor(&options.risk) {
            Some(factor) => Named::Factor(factor),
            None => {
                // No risk is near the name: perhaps a factor is.
                let bare = options.risk.rsplit('/').next().unwrap_or(&options.risk);
                let factors = analysis.factors.iter().map(|f| f.factor.id.value.as_str());
                let named = Path::new(&options.risk);
                let help = match did_you_mean(bare, factors) {
                    // `opx show risks.toml`: the register with no risk.
                    _ if named.exists() => format!(
                        "`{}` is a {}; name the risk first: `opx show RISK {}`",
                        display_path(named),
                        if named.is_dir() { "folder" } else { "file" },
                        display_path(named)
                    ),
                    Some(best) if !e.help.starts_with("did you mean") => {
                        format!("did you mean the factor `{best}`?")
                    }
                    _ => e.help,
                };
                io.usage_error(e.message, help);
                return Ok(ExitStatus::Error);
            }
        },
    };
    let findings = crate::check::check(&analysis, &policy);
    let screen = io.screen(options.output.as_deref());
    let delivered = match named {
        Named::Risk(risk) => {
            let shown = crate::show::show(&analysis, &loaded.sources, risk, findings);
            io.deliver(options.output.as_deref(), &[&loaded.sources], |out| {
                options.format.write(&shown, screen, out)
            })?
        }
        Named::Factor(factor) => {
            let shown = crate::show::show_factor(&analysis, &loaded.sources, factor, findings);
            io.deliver(options.output.as_deref(), &[&loaded.sources], |out| {
                options.format.write_factor(&shown, screen, out)
            })?
        }
    };
    Ok(success_if(delivered))
}

/// The risk and the register when `opx show` got them the wrong way round
/// (`opx show risks.toml restore-untested`): the "risk" is a file or
/// folder that exists and the only path is none, but could be a risk.
fn swapped(options: &ShowOptions) -> Option<(&str, &Path)> {
    let [path] = options.paths.as_slice() else {
        return None;
    };
    let named = Path::new(&options.risk);
    let risk = path.to_str()?;
    let could_be_risk = !risk.is_empty()
        && !risk.ends_with(".toml")
        && risk.split('/').count() <= 2
        && risk
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
    (named.exists() && !path.exists() && could_be_risk).then_some((risk, named))
}

/// What `opx show` was asked about: a place in [`Analysis::risks`] or in
/// [`Analysis::factors`].
enum Named {
    Risk(usize),
    Factor(usize),
}

#[derive(Debug, Clone)]
pub struct InitOptions {
    /// Where to write the starter files; made if missing.
    pub folder: PathBuf,
    pub today: Date,
}

/// `opx init`: a starter register and policy, never over an existing file.
pub fn init(options: &InitOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    let files = crate::init::files(&options.folder, options.today);
    let refuse = |io: &mut Io<'_>, message: String| {
        io.usage_error(
            format!("{message}; opx init wrote nothing"),
            "run it in another folder (opx init DIR), or move the file away",
        );
        Ok(ExitStatus::Error)
    };
    if let Some((path, _)) = files.iter().find(|(path, _)| path.exists()) {
        return refuse(io, format!("`{}` exists", display_path(path)));
    }
    if let Err(e) = std::fs::create_dir_all(&options.folder) {
        let reason = register::io_reason(&e);
        return refuse(
            io,
            format!("cannot make `{}`: {reason}", display_path(&options.folder)),
        );
    }
    let mut written = Vec::new();
    for (path, text) in &files {
        let result =
            crate::output::Staged::write(path, text.as_bytes()).and_then(|s| s.commit_new());
        if let Err(e) = result {
            // All or nothing: what this run wrote goes again.
            for path in written {
                let _ = std::fs::remove_file(path);
            }
            let reason = register::io_reason(&e);
            return refuse(
                io,
                format!("cannot write `{}`: {reason}", display_path(path)),
            );
        }
        written.push(path.clone());
    }
    for path in &written {
        writeln!(io.stdout, "wrote {}", visible_line(&display_path(path)))?;
    }
    let folder = display_path(&options.folder);
    let folder = visible_line(&folder);
    writeln!(
        io.stdout,
        "next: edit them, then `opx rank {folder}` and `opx check {folder}`"
    )?;
    Ok(ExitStatus::Success)
}

/// `opx schema`: a published JSON Schema.
pub fn schema(kind: SchemaKind, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    io.stdout.write_all(kind.text().as_bytes())?;
    Ok(ExitStatus::Success)
}

#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub paths: Vec<PathBuf>,
    pub output: Option<PathBuf>,
    /// Show the trend where the register is in git (`--no-trend` clears it).
    pub trend: bool,
    /// How many years to simulate, from which seed: the page always shows them.
    pub simulation: Settings,
    pub config: Option<PathBuf>,
    pub today: Date,
    /// What opx reads at most of each file.
    pub limits: Limits,
}

/// `opx report`: the whole picture on one HTML page.
pub fn report(options: &ReportOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    let Some((loaded, policy)) = load_usable(
        io,
        &options.paths,
        options.config.as_deref(),
        Overrides::default(),
        options.limits,
    ) else {
        return Ok(ExitStatus::Error);
    };
    let analysis = analyse(
        &loaded.register,
        options.today,
        &policy,
        Some(options.simulation),
    );
    let mut checked = crate::check::check(&analysis, &policy);
    // What loading noted (a link skipped) is on the page with the findings.
    checked
        .findings
        .splice(0..0, loaded.diagnostics.iter().cloned());
    // The trend is there when the register is in git: every commit up to
    // today. Outside a repository the page goes without it; when git fails
    // otherwise, the page is still made and the user told why it has none.
    let commits = register::git::Commits {
        until: Some(options.today),
        ..Default::default()
    };
    let mut missing = None;
    let history = match options.trend {
        false => register::git::History::default(),
        true => {
            match register::git::history(&options.paths, &commits, options.limits.max_file_size) {
                Ok(history) => history,
                Err(e) if e.no_repository => register::git::History::default(),
                Err(e) => {
                    io.warning(format!("the page has no trend: {}", e.message), &e.help);
                    missing = Some(e.message);
                    register::git::History::default()
                }
            }
        }
    };
    let trend =
        (!history.snapshots.is_empty()).then(|| crate::trend::trend(history, &commits, &policy));
    let mut overview =
        crate::overview::overview(&analysis, &policy, &loaded.sources, checked, trend);
    overview.trend_missing = missing;
    let delivered = io.deliver(options.output.as_deref(), &[&loaded.sources], |out| {
        crate::report::write_html(&overview, out)
    })?;
    // The page is a file to open: say where it went, and how big it is.
    if let Some(path) = options.output.as_deref().filter(|_| delivered) {
        let size = std::fs::metadata(path)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map_or(String::new(), |m| {
                format!(" ({})", register::size_text(m.len()))
            });
        let line = format!("wrote {}{size}", display_path(path));
        let _ = log_safe(io.stderr, |out| writeln!(out, "{}", visible_line(&line)));
    }
    Ok(success_if(delivered))
}

#[derive(Debug, Clone)]
pub struct TrendOptions {
    pub paths: Vec<PathBuf>,
    pub format: TrendFormat,
    pub output: Option<PathBuf>,
    /// Which commits: a range, a day to start from, or the tagged ones,
    /// up to today.
    pub commits: register::git::Commits,
    pub config: Option<PathBuf>,
    /// What opx reads at most of each file.
    pub limits: Limits,
}

/// `opx trend`: how the register's risk moved over its git history.
pub fn trend(options: &TrendOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    // Today's policy judges every commit: the one beside the register now,
    // which may itself be mid-edit (its problems belong to its own points).
    let mut now = register::load(&options.paths, options.limits);
    let Some(file) = policy_file(io, &mut now, &options.paths, options.config.as_deref()) else {
        return Ok(ExitStatus::Error);
    };
    io.notes(&now);
    let (mut sources, mut problems) = (crate::source::Sources::default(), Vec::new());
    let policy = policy::resolve(
        file.as_deref(),
        Overrides::default(),
        options.limits,
        &mut sources,
        &mut problems,
    );
    if has_errors(&problems) {
        io.input_errors(&problems, &sources);
        return Ok(ExitStatus::Error);
    }
    let history = match register::git::history(
        &options.paths,
        &options.commits,
        options.limits.max_file_size,
    ) {
        Ok(history) => history,
        Err(e) => {
            io.usage_error(e.message, e.help);
            return Ok(ExitStatus::Error);
        }
    };
    let trend = crate::trend::trend(history, &options.commits, &policy);
    let screen = io.screen(options.output.as_deref());
    let delivered = io.deliver(options.output.as_deref(), &[&now.sources], |out| {
        options.format.write(&trend, screen, out)
    })?;
    Ok(success_if(delivered))
}

#[derive(Debug, Clone)]
pub struct MatrixOptions {
    pub paths: Vec<PathBuf>,
    pub format: MatrixFormat,
    pub output: Option<PathBuf>,
    pub view: ViewName,
    pub ids: bool,
    pub system: Option<String>,
    pub config: Option<PathBuf>,
    pub today: Date,
    /// What opx reads at most of each file.
    pub limits: Limits,
}

/// `opx matrix`: where the risks sit on the likelihood × impact grid.
pub fn matrix(options: &MatrixOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    let Some((loaded, policy)) = load_usable(
        io,
        &options.paths,
        options.config.as_deref(),
        Overrides::default(),
        options.limits,
    ) else {
        return Ok(ExitStatus::Error);
    };
    if let Some(system) = &options.system
        && loaded.register.system(system).is_none()
    {
        unknown_system(io, system, &loaded.register);
        return Ok(ExitStatus::Error);
    }
    let analysis = Analysis::new(&loaded.register, options.today, &policy);
    let m = crate::matrix::matrix(&analysis, options.view, options.system.as_deref());
    let screen = io.screen(options.output.as_deref());
    let view = MatrixView {
        ids: options.ids,
        today: options.today,
    };
    let delivered = io.deliver(options.output.as_deref(), &[&loaded.sources], |out| {
        options.format.write(&m, view, screen, out)
    })?;
    Ok(success_if(delivered))
}

#[derive(Debug, Clone)]
pub struct AssessOptions {
    pub paths: Vec<PathBuf>,
    pub format: AssessFormat,
    pub output: Option<PathBuf>,
    /// `--simulate`: simulated years, and how many from which seed.
    pub simulation: Option<Settings>,
    pub config: Option<PathBuf>,
    pub today: Date,
    /// What opx reads at most of each file.
    pub limits: Limits,
}

/// `opx assess`: each system's current state.
pub fn assess(options: &AssessOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    let Some((loaded, policy)) = load_usable(
        io,
        &options.paths,
        options.config.as_deref(),
        Overrides::default(),
        options.limits,
    ) else {
        return Ok(ExitStatus::Error);
    };
    let analysis = analyse(&loaded.register, options.today, &policy, options.simulation);
    let systems = crate::assess::assess(&analysis, &policy.thresholds);
    let screen = io.screen(options.output.as_deref());
    let delivered = io.deliver(options.output.as_deref(), &[&loaded.sources], |out| {
        options.format.write(&systems, options.today, screen, out)
    })?;
    Ok(success_if(delivered))
}

fn success_if(delivered: bool) -> ExitStatus {
    if delivered {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    }
}

#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub paths: Vec<PathBuf>,
    pub format: PlanFormat,
    pub output: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub single_risk_share: Option<f64>,
    pub today: Date,
    /// What opx reads at most of each file.
    pub limits: Limits,
}

/// `opx plan`: what to do now and later, and what it buys.
pub fn plan(options: &PlanOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    let overrides = Overrides {
        single_risk_share: options.single_risk_share,
        ..Overrides::default()
    };
    let Some((loaded, policy)) = load_usable(
        io,
        &options.paths,
        options.config.as_deref(),
        overrides,
        options.limits,
    ) else {
        return Ok(ExitStatus::Error);
    };
    let analysis = Analysis::new(&loaded.register, options.today, &policy);
    let plan = crate::plan::plan(&analysis);
    let screen = io.screen(options.output.as_deref());
    let delivered = io.deliver(options.output.as_deref(), &[&loaded.sources], |out| {
        options.format.write(&plan, screen, out)
    })?;
    Ok(success_if(delivered))
}

#[derive(Debug, Clone)]
pub struct ReviewOptions {
    pub paths: Vec<PathBuf>,
    pub format: ReviewFormat,
    pub output: Option<PathBuf>,
    pub days: i64,
    /// Risks to record as reviewed today, instead of printing the digest.
    pub mark: Vec<String>,
    pub config: Option<PathBuf>,
    pub today: Date,
    /// What opx reads at most of each file.
    pub limits: Limits,
}

/// `opx review`: the weekly digest, or `--mark` to record reviews.
pub fn review(options: &ReviewOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    let Some((loaded, policy)) = load_usable(
        io,
        &options.paths,
        options.config.as_deref(),
        Overrides::default(),
        options.limits,
    ) else {
        return Ok(ExitStatus::Error);
    };
    if !options.mark.is_empty() {
        return match crate::mark::mark(&loaded, &options.mark, options.today) {
            Ok(marked) => {
                for m in marked {
                    writeln!(
                        io.stdout,
                        "{}: reviewed = {} ({} in {})",
                        m.risk,
                        options.today,
                        m.change.name(),
                        visible_line(&m.file)
                    )?;
                }
                Ok(ExitStatus::Success)
            }
            Err(e) => {
                io.usage_error(e.message, e.help);
                Ok(ExitStatus::Error)
            }
        };
    }
    let analysis = Analysis::new(&loaded.register, options.today, &policy);
    let digest = crate::review::digest(&analysis, options.days);
    let screen = io.screen(options.output.as_deref());
    let delivered = io.deliver(options.output.as_deref(), &[&loaded.sources], |out| {
        options.format.write(&digest, screen, out)
    })?;
    Ok(success_if(delivered))
}

#[derive(Debug, Clone)]
pub struct MeasureOptions {
    pub paths: Vec<PathBuf>,
    pub format: MeasureFormat,
    pub output: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub today: Date,
    pub limits: Limits,
    /// `--prometheus`: the server, over the policy's `[prometheus] url`.
    pub prometheus: Option<String>,
    /// A bearer token, from the environment only.
    pub token: Option<crate::prometheus::Token>,
    /// The most one query may take.
    pub timeout: std::time::Duration,
    /// Record the values in the register.
    pub write: bool,
    /// Exit 1 when a gated risk's alert is missing or broken.
    pub check: bool,
    /// The time now, in seconds since the epoch: a day that has not ended
    /// is measured up to now.
    pub now: i64,
}

/// `opx measure`: each system's measured health and each detect action's
/// alert, from Prometheus; with `--write`, recorded in the register.
pub fn measure(options: &MeasureOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    let Some((loaded, policy)) = load_usable(
        io,
        &options.paths,
        options.config.as_deref(),
        Overrides::default(),
        options.limits,
    ) else {
        return Ok(ExitStatus::Error);
    };
    let Some(url) = options
        .prometheus
        .clone()
        .or_else(|| policy.prometheus_url.clone())
    else {
        io.usage_error(
            "no Prometheus server to read",
            "set [prometheus] url = \"http://...\" in opx.toml, or pass --prometheus URL",
        );
        return Ok(ExitStatus::Error);
    };
    let client = match crate::prometheus::Client::new(&url, options.token.clone(), options.timeout)
    {
        Ok(client) => client,
        Err(message) => {
            io.usage_error(
                message,
                "write the server's address such as http://prometheus:9090, in [prometheus] url or --prometheus",
            );
            return Ok(ExitStatus::Error);
        }
    };
    let analysis = Analysis::new(&loaded.register, options.today, &policy);
    let gate = crate::measure::Gate {
        fail_impact: policy.fail_impact,
        fail_band: policy.fail_band,
    };
    let measurement = crate::measure::measure(&analysis, &client, &gate, options.now);
    if !measurement.diagnostics.is_empty() {
        let _ = render_human(
            io.stderr,
            &measurement.diagnostics,
            &loaded.sources,
            io.stderr_colour,
        );
    }
    let screen = io.screen(options.output.as_deref());
    let delivered = io.deliver(options.output.as_deref(), &[&loaded.sources], |out| {
        options
            .format
            .write(&measurement, &client.url(), screen, out)
    })?;
    if !measurement.complete() {
        let failed = measurement
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::MeasureFailed)
            .count();
        io.usage_error(
            format!(
                "{failed} {} could not be read{}",
                if failed == 1 {
                    "measurement"
                } else {
                    "measurements"
                },
                if options.write {
                    "; nothing was written"
                } else {
                    ""
                }
            ),
            "fix what the messages above say, then run again",
        );
        return Ok(ExitStatus::Error);
    }
    if options.write {
        match crate::measure::write::record(&loaded, &measurement) {
            Ok(recorded) => {
                for file in recorded {
                    for change in file.changes {
                        let line = format!("recorded in {}: {change}", file.file);
                        let _ = log_safe(io.stderr, |out| writeln!(out, "{}", visible_line(&line)));
                    }
                }
            }
            Err(e) => {
                io.usage_error(e.message, e.help);
                return Ok(ExitStatus::Error);
            }
        }
    }
    let failing = measurement.failing_signals();
    if options.check && failing > 0 {
        io.usage_error(
            format!(
                "{failing} {} at or above the failing threshold {} a missing or broken alert",
                if failing == 1 {
                    "risk's detect action"
                } else {
                    "risks' detect actions"
                },
                if failing == 1 { "has" } else { "have" }
            ),
            "add or mend the alerting rules named by signal = \"alert:NAME\"",
        );
        return Ok(ExitStatus::Failure);
    }
    Ok(success_if(delivered))
}

/// Which two versions of the register `opx diff` compares.
#[derive(Debug, Clone)]
pub enum DiffSides {
    /// Two files or folders.
    Paths { old: PathBuf, new: PathBuf },
    /// The working tree against a git revision, under these paths.
    Git {
        revision: String,
        paths: Vec<PathBuf>,
    },
}

/// When `opx diff` fails (exits 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any risk or factor worse, a new risk of band high or above, or a new factor that costs now
    Worse,
    /// A risk new, or newly, critical
    NewCritical,
    /// An acceptance or waiver added, extended, loosened or re-signed, or the policy loosened
    NewWaiver,
}

#[derive(Debug, Clone)]
pub struct DiffOptions {
    pub sides: DiffSides,
    pub format: DiffFormat,
    pub output: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    /// `--config FILE`; without it, the `opx.toml` nearest the new register.
    pub config: Option<PathBuf>,
    pub today: Date,
    /// What opx reads at most of each file.
    pub limits: Limits,
}

/// `opx diff`: what a change does to the register.
pub fn diff(options: &DiffOptions, io: &mut Io<'_>) -> io::Result<ExitStatus> {
    let (mut old, new_paths) = match &options.sides {
        DiffSides::Paths { old, new } => (
            register::load(std::slice::from_ref(old), options.limits),
            vec![new.clone()],
        ),
        DiffSides::Git { revision, paths } => {
            match register::git::files_at(revision, paths, options.limits.max_file_size) {
                Ok(revision) => (
                    register::load_contents(revision.files, revision.problems),
                    paths.clone(),
                ),
                Err(e) => {
                    io.usage_error(e.message, e.help);
                    return Ok(ExitStatus::Error);
                }
            }
        }
    };
    // Both versions are judged by the new version's policy, on the same day.
    let Some((new, policy)) = load(
        io,
        &new_paths,
        options.config.as_deref(),
        Overrides::default(),
        options.limits,
    ) else {
        return Ok(ExitStatus::Error);
    };
    // The old version's own policy, only to see what the change loosens.
    let old_policy = match (&options.sides, &options.config) {
        (_, Some(_)) => policy.clone(),
        (DiffSides::Paths { old: old_path, .. }, None) => {
            let Some(file) = policy_file(io, &mut old, std::slice::from_ref(old_path), None) else {
                return Ok(ExitStatus::Error);
            };
            policy::resolve(
                file.as_deref(),
                Overrides::default(),
                options.limits,
                &mut old.sources,
                &mut old.diagnostics,
            )
        }
        (DiffSides::Git { revision, .. }, None) => match &policy.file {
            // Where the new policy lies, as the revision has it; where it
            // had none there, the nearest above it then: a register moved
            // under a new, looser opx.toml is judged against the policy it
            // left.
            Some(file) => {
                let max = options.limits.max_file_size;
                let here = std::env::current_dir().unwrap_or_default();
                let file = here.join(file);
                let candidates = file.parent().into_iter().flat_map(Path::ancestors);
                let mut found = Policy::default();
                for (i, folder) in candidates.enumerate() {
                    let candidate = if i == 0 {
                        file.clone()
                    } else {
                        folder.join(register::CONFIG_FILE_NAME)
                    };
                    match register::git::file_at(revision, &candidate, max) {
                        Ok(Some(bytes)) => {
                            found = policy::from_text(
                                PathBuf::from(format!(
                                    "{revision}:{}",
                                    display_path(
                                        candidate.strip_prefix(&here).unwrap_or(&candidate)
                                    )
                                )),
                                String::from_utf8_lossy(&bytes).into_owned(),
                                &mut old.sources,
                                &mut old.diagnostics,
                            );
                            break;
                        }
                        Ok(None) => continue,
                        // The policy's own path must be readable; above
                        // the repository the walk ends.
                        Err(e) if i == 0 => {
                            io.usage_error(e.message, e.help);
                            return Ok(ExitStatus::Error);
                        }
                        Err(_) => break,
                    }
                }
                found
            }
            None => Policy::default(),
        },
    };
    for side in [&old, &new] {
        if side.failed() {
            io.input_errors(&side.diagnostics, &side.sources);
            return Ok(ExitStatus::Error);
        }
    }
    for side in [&old, &new] {
        io.notes(side);
    }
    let (before, after) = (
        Analysis::new(&old.register, options.today, &policy),
        Analysis::new(&new.register, options.today, &policy),
    );
    let mut d = crate::diff::diff(&before, &after);
    d.policy_loosened = policy.loosened_from(&old_policy);
    let failed = match options.fail_on {
        Some(FailOn::Worse) => d.worsened() > 0,
        Some(FailOn::NewCritical) => d.new_critical() > 0,
        Some(FailOn::NewWaiver) => !d.exceptions.is_empty() || !d.policy_loosened.is_empty(),
        None => false,
    };
    let screen = io.screen(options.output.as_deref());
    let delivered = io.deliver(
        options.output.as_deref(),
        &[&old.sources, &new.sources],
        |out| options.format.write(&d, screen, out),
    )?;
    Ok(if !delivered {
        ExitStatus::Error
    } else if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
