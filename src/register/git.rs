//! A register as git holds it: at one revision (`opx diff --git`), or at
//! each commit that changed it (`opx trend`).
//!
//! Objects are read through one `git cat-file --batch` process per run,
//! asked object after object; trees are walked here, and a tree or file
//! that several commits share is read once. So a history of hundreds of
//! commits costs three git processes (the log, and the batch with its
//! size checker), not one per file per commit. Each object's size is
//! checked before it is read, and an object over the cap is remembered
//! by its id, so a large blob beside the register is never read at all.
//!
//! git runs with nothing from the repository's config that runs a
//! program: no signature check (`gpg.program`), pager, fsmonitor,
//! external diff or textconv, no fetch of a missing object (and so no
//! `core.sshCommand` or credential helper), no prompt. See `command`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use jiff::civil::Date;

use super::Unreadable;
use super::discover::CONFIG_FILE_NAME;
use crate::diag::Diagnostic;
use crate::source::normalise;

/// Why git could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitError {
    pub message: String,
    pub help: String,
    /// No repository holds the register: where history is optional (the
    /// trend of `opx report`), nothing to mention.
    pub no_repository: bool,
}

fn cannot_run(e: &std::io::Error) -> GitError {
    GitError {
        message: format!("cannot run git: {e}"),
        help: "install git, or compare two folders with `opx diff OLD NEW`".to_string(),
        no_repository: false,
    }
}

fn failed(what: &str, stderr: &[u8]) -> GitError {
    // git's reason is its `fatal:` line; what follows is advice for git's
    // own users, which the help replaces.
    let stderr = String::from_utf8_lossy(stderr);
    let reason = stderr
        .lines()
        .find(|l| l.starts_with("fatal: "))
        .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or_default();
    GitError {
        message: format!(
            "git {what} failed: {}",
            reason.trim().trim_start_matches("fatal: ")
        ),
        help: "run opx inside the repository, and name a revision it has (a branch, tag or commit)"
            .to_string(),
        no_repository: false,
    }
}

/// git in `dir`, set so that the repository's config (which a pull
/// request may not reach, but a clone made by anyone may hold) runs no
/// program: signatures are never verified (`log.showSignature` would run
/// `gpg.program`), no pager, no fsmonitor hook, no transport (a partial
/// clone's missing object would be fetched, through `core.sshCommand` or
/// a credential helper), no terminal prompt. Commands that could diff add
/// `--no-ext-diff --no-textconv` themselves.
fn command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .args([
            "--no-pager",
            "-c",
            "log.showSignature=false",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.pager=cat",
            "-c",
            "protocol.allow=never",
            // Not a program, but colour codes in what opx parses.
            "-c",
            "color.ui=false",
        ])
        .env("GIT_PAGER", "cat")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env_remove("GIT_EXTERNAL_DIFF")
        .stdin(Stdio::null());
    command
}

/// Runs git in `dir` to the end and returns what it printed.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = command(dir)
        .args(args)
        .output()
        .map_err(|e| cannot_run(&e))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(failed(
            args.first().copied().unwrap_or_default(),
            &output.stderr,
        ))
    }
}

/// A register as a revision holds it.
#[derive(Debug)]
pub struct Revision {
    /// Each file, named `REV:path`, and its bytes.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// The files it could not take (too large), as problems.
    pub problems: Vec<Diagnostic>,
}

/// The repository a register lives in: git runs at its root, and every
/// path the user gave is named from there, so opx may run from anywhere.
#[derive(Debug)]
struct Repository {
    top: PathBuf,
    /// A shallow clone: history stops at its grafted commits.
    shallow: bool,
}

impl Repository {
    /// The repository that holds `path` (a file or folder, which need not
    /// exist any more), or the current folder.
    fn of(path: Option<&Path>) -> Result<Repository, GitError> {
        let here = std::env::current_dir().map_err(|e| cannot_run(&e))?;
        let start = path
            .map(|p| existing_folder(&here.join(p)))
            .unwrap_or_else(|| here.clone());
        let answer = git(
            &start,
            &["rev-parse", "--show-toplevel", "--is-shallow-repository"],
        )
        .map_err(|e| {
            let reason = e.message.trim_start_matches("git rev-parse failed: ");
            // git refuses a repository it does not trust (`safe.directory`):
            // that is a repository, and the user must hear why it is unread.
            let no_repository = reason.contains("not a git repository");
            GitError {
                message: if no_repository {
                    format!("no git repository holds `{}`: {reason}", start.display())
                } else {
                    format!("git cannot read the repository at `{}`: {reason}", start.display())
                },
                help: if no_repository {
                    "opx reads the register's history from git; name a register inside a clone"
                } else {
                    "run `git status` there to see why; a repository owned by another user needs `git config --global --add safe.directory PATH`"
                }
                .to_string(),
                no_repository,
            }
        })?;
        let answer = String::from_utf8_lossy(&answer);
        let mut lines = answer.lines();
        let top = PathBuf::from(lines.next().unwrap_or_default());
        let shallow = lines.next() == Some("true");
        Ok(Repository {
            top: std::fs::canonicalize(&top).unwrap_or(top),
            shallow,
        })
    }

    /// `path` as git names it from the root (`risks/checkout.toml`, or
    /// `` for the root), or an error when it lies outside the repository.
    fn name(&self, path: &Path) -> Result<String, GitError> {
        let here = std::env::current_dir().map_err(|e| cannot_run(&e))?;
        let absolute = here.join(path);
        // The part that exists, with its links resolved as git's root is;
        // the rest (gone from the working tree) as written.
        let base = existing_folder(&absolute);
        let rest = absolute.strip_prefix(&base).unwrap_or(Path::new(""));
        let resolved = std::fs::canonicalize(&base).unwrap_or(base).join(rest);
        let inside = normalise(&resolved)
            .strip_prefix(&self.top)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .map_err(|_| GitError {
                message: format!(
                    "`{}` is not in the git repository at `{}`",
                    path.display(),
                    self.top.display()
                ),
                help: "name paths inside one repository".to_string(),
                no_repository: false,
            })?;
        Ok(inside)
    }
}

/// The nearest folder at or above `path` that exists.
fn existing_folder(path: &Path) -> PathBuf {
    let mut folder = normalise(path);
    while !folder.is_dir() && folder.pop() {}
    folder
}

/// One object as `cat-file --batch` gives it.
enum Object {
    Blob(Vec<u8>),
    /// A blob over the size asked for, left unread.
    LargeBlob(u64),
    /// A tree's entries: (name, object id, is a folder).
    Tree(Vec<(String, String, bool)>),
    Other,
    Missing,
}

/// One `git cat-file` process, answering a name a line.
struct Pipe {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Pipe {
    fn start(repository: &Repository, mode: &str) -> Result<Pipe, GitError> {
        let mut child = command(&repository.top)
            .args(["cat-file", mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| cannot_run(&e))?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(cannot_run(&std::io::Error::other("no pipe to git")));
        };
        Ok(Pipe {
            child,
            input,
            output: BufReader::new(output),
        })
    }

    /// Asks for `name` and reads the header of the answer: `<oid> <type>
    /// <size>`, or `None` for `<name> missing` (or `ambiguous`).
    fn ask(&mut self, name: &str) -> Result<Option<Header>, GitError> {
        writeln!(self.input, "{name}").map_err(lost)?;
        self.input.flush().map_err(lost)?;
        let mut header = String::new();
        self.output.read_line(&mut header).map_err(lost)?;
        let fields: Vec<&str> = header.trim_end().split(' ').collect();
        Ok(match fields.as_slice() {
            [id, kind, size] => size.parse::<u64>().ok().map(|size| Header {
                id: (*id).to_string(),
                kind: (*kind).to_string(),
                size,
            }),
            _ => None,
        })
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lost(e: std::io::Error) -> GitError {
    GitError {
        message: format!("git cat-file stopped answering: {e}"),
        help: "run opx inside the repository".to_string(),
        no_repository: false,
    }
}

/// What `cat-file` says of an object before its content.
struct Header {
    id: String,
    kind: String,
    size: u64,
}

/// Two `git cat-file` processes: `--batch-check` for an object's id, type
/// and size, `--batch` for its content, asked only when it is within the
/// cap. Trees and blobs, and a blob's being over the cap, are remembered
/// by object id, which names the content.
struct Batch {
    check: Pipe,
    read: Pipe,
    trees: HashMap<String, Vec<(String, String, bool)>>,
    blobs: HashMap<String, Vec<u8>>,
    large: HashMap<String, u64>,
}

impl Batch {
    fn start(repository: &Repository) -> Result<Batch, GitError> {
        Ok(Batch {
            check: Pipe::start(repository, "--batch-check")?,
            read: Pipe::start(repository, "--batch")?,
            trees: HashMap::new(),
            blobs: HashMap::new(),
            large: HashMap::new(),
        })
    }

    /// The object `name` names (`HEAD:./risks`, an object id), a blob read
    /// only when it is at most `max` bytes; its size is checked first, and
    /// what is known by id is not asked again.
    fn get(&mut self, name: &str, max: u64) -> Result<Object, GitError> {
        if name.contains('\n') {
            return Ok(Object::Missing);
        }
        let Some(header) = self.check.ask(name)? else {
            return Ok(Object::Missing);
        };
        let id_bytes = header.id.len() / 2;
        match header.kind.as_str() {
            "blob" if header.size > max => {
                self.large.insert(header.id, header.size);
                return Ok(Object::LargeBlob(header.size));
            }
            "blob" | "tree" => {}
            _ => return Ok(Object::Other),
        }
        if let Some(bytes) = self.blobs.get(&header.id) {
            return Ok(Object::Blob(bytes.clone()));
        }
        if let Some(entries) = self.trees.get(&header.id) {
            return Ok(Object::Tree(entries.clone()));
        }
        // Asked by its id, so that the content is the object just checked.
        let Some(read) = self.read.ask(&header.id)? else {
            return Ok(Object::Missing);
        };
        let output = &mut self.read.output;
        let size = read.size;
        let object = {
            let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            output.take(size).read_to_end(&mut bytes).map_err(lost)?;
            match read.kind.as_str() {
                "blob" => {
                    self.blobs.insert(read.id, bytes.clone());
                    Object::Blob(bytes)
                }
                "tree" => {
                    let entries = parse_tree(&bytes, id_bytes);
                    self.trees.insert(read.id, entries.clone());
                    Object::Tree(entries)
                }
                _ => Object::Other,
            }
        };
        // Each object ends with a newline.
        let mut end = [0u8; 1];
        self.read.output.read_exact(&mut end).map_err(lost)?;
        Ok(object)
    }

    /// A tree's entries: (name, object id, is a folder); files other than
    /// plain and executable ones (links, submodules) are left out.
    fn tree(&mut self, id: &str) -> Result<Vec<(String, String, bool)>, GitError> {
        if let Some(entries) = self.trees.get(id) {
            return Ok(entries.clone());
        }
        match self.get(id, u64::MAX)? {
            Object::Tree(entries) => Ok(entries),
            _ => Ok(Vec::new()),
        }
    }

    /// The register files at `root` (`REV:./path`) as `revision` holds
    /// them, each named `REV:path`; `path` is the folder or file the user
    /// named. Hidden entries and `opx.toml` are skipped below a folder.
    fn register_at(
        &mut self,
        revision: &str,
        path: &Path,
        inside: &str,
        max: u64,
        found: &mut Revision,
    ) -> Result<(), GitError> {
        let shown = path.to_string_lossy().replace('\\', "/");
        let shown = shown.trim_start_matches("./").trim_end_matches('/');
        let root = format!("{revision}:{inside}");
        let name = |relative: &str| -> PathBuf {
            let joined = match (shown, relative) {
                ("" | ".", r) => r.to_string(),
                (s, "") => s.to_string(),
                (s, r) => format!("{s}/{r}"),
            };
            PathBuf::from(format!("{revision}:{joined}"))
        };
        match self.get(&root, max)? {
            Object::Blob(bytes) => found.files.push((name(""), bytes)),
            Object::LargeBlob(size) => found
                .problems
                .push(Unreadable::TooLarge(Some(size)).diagnostic(&name(""), max)),
            Object::Tree(entries) => {
                // Folders to walk: the root's entries, then each subfolder
                // by its id, with its path below the root.
                let mut folders = vec![(entries, String::new())];
                let mut next = Vec::new();
                while let Some((entries, below)) = folders.pop() {
                    for (entry, id, folder) in entries {
                        if entry.starts_with('.') {
                            continue;
                        }
                        let relative = if below.is_empty() {
                            entry.clone()
                        } else {
                            format!("{below}/{entry}")
                        };
                        if folder {
                            next.push((id, relative));
                        } else if entry.ends_with(".toml") && entry != CONFIG_FILE_NAME {
                            self.blob(&id, &name(&relative), max, found)?;
                        }
                    }
                    for (id, relative) in next.drain(..) {
                        folders.push((self.tree(&id)?, relative));
                    }
                }
            }
            Object::Other | Object::Missing => {}
        }
        Ok(())
    }

    fn blob(
        &mut self,
        id: &str,
        name: &Path,
        max: u64,
        found: &mut Revision,
    ) -> Result<(), GitError> {
        if let Some(bytes) = self.blobs.get(id) {
            found.files.push((name.to_path_buf(), bytes.clone()));
            return Ok(());
        }
        // Over the cap at an earlier commit: not asked again.
        if let Some(&size) = self.large.get(id) {
            found
                .problems
                .push(Unreadable::TooLarge(Some(size)).diagnostic(name, max));
            return Ok(());
        }
        match self.get(id, max)? {
            Object::Blob(bytes) => found.files.push((name.to_path_buf(), bytes)),
            Object::LargeBlob(size) => found
                .problems
                .push(Unreadable::TooLarge(Some(size)).diagnostic(name, max)),
            _ => {}
        }
        Ok(())
    }
}

/// A tree object's entries: `<mode> <name>\0<id bytes>` after one another.
fn parse_tree(bytes: &[u8], id_bytes: usize) -> Vec<(String, String, bool)> {
    let id_bytes = if id_bytes == 32 { 32 } else { 20 };
    let mut entries = Vec::new();
    let mut rest = bytes;
    while let Some(space) = rest.iter().position(|&b| b == b' ') {
        let mode = &rest[..space];
        let Some(nul) = rest[space..]
            .iter()
            .position(|&b| b == 0)
            .map(|n| space + n)
        else {
            break;
        };
        let name = String::from_utf8_lossy(&rest[space + 1..nul]).into_owned();
        let Some(id) = rest.get(nul + 1..nul + 1 + id_bytes) else {
            break;
        };
        let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        match mode {
            b"40000" => entries.push((name, id, true)),
            b"100644" | b"100755" => entries.push((name, id, false)),
            _ => {}
        }
        rest = &rest[nul + 1 + id_bytes..];
    }
    entries
}

/// Checks that `revision` names a commit, with a message that says so.
fn verify(repository: &Repository, revision: &str) -> Result<(), GitError> {
    let commit = format!("{revision}^{{commit}}");
    let output = command(&repository.top)
        .args([
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &commit,
        ])
        .output()
        .map_err(|e| cannot_run(&e))?;
    match (output.status.success(), output.stderr.is_empty()) {
        (true, _) => Ok(()),
        // With --quiet, git explains only what is not about the revision
        // itself, such as running outside a repository.
        (false, false) => Err(failed("rev-parse", &output.stderr)),
        (false, true) => Err(GitError {
            message: format!("no revision `{revision}` in this repository"),
            help: "name a branch, tag or commit that exists, such as origin/main or HEAD~1"
                .to_string(),
            no_repository: false,
        }),
    }
}

/// The register files under `paths` (folders or files, relative to the
/// current folder) as they are at `revision`, and a `file-too-large`
/// problem for each one larger than `max` bytes, which is not read.
pub fn files_at(revision: &str, paths: &[PathBuf], max: u64) -> Result<Revision, GitError> {
    let repository = Repository::of(paths.first().map(PathBuf::as_path))?;
    verify(&repository, revision)?;
    let mut batch = Batch::start(&repository)?;
    let mut found = Revision {
        files: Vec::new(),
        problems: Vec::new(),
    };
    for path in paths {
        let inside = repository.name(path)?;
        batch.register_at(revision, path, &inside, max, &mut found)?;
    }
    found.files.sort();
    found.files.dedup_by(|a, b| a.0 == b.0);
    Ok(found)
}

/// The file at `path` (relative to the current folder) as `revision` has
/// it; `None` when the revision has no such file. A file over `max` bytes
/// is refused unread.
pub fn file_at(revision: &str, path: &Path, max: u64) -> Result<Option<Vec<u8>>, GitError> {
    let repository = Repository::of(Some(path))?;
    let mut batch = Batch::start(&repository)?;
    let name = format!("{revision}:{}", repository.name(path)?);
    match batch.get(&name, max)? {
        Object::Blob(bytes) => Ok(Some(bytes)),
        Object::LargeBlob(size) => Err(GitError {
            message: format!(
                "`{revision}:{}` is {}, over the {} opx reads",
                path.display(),
                super::size_text(size),
                super::size_text(max)
            ),
            help: "raise the cap with --max-file-size".to_string(),
            no_repository: false,
        }),
        _ => Ok(None),
    }
}

/// Which commits a history takes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Commits {
    /// A revision range, `v1.0..HEAD`; all of HEAD's history without one.
    pub range: Option<String>,
    /// Commits on or after this day.
    pub since: Option<Date>,
    /// The tagged commits rather than every commit that changed the register.
    pub tags: bool,
    /// Commits on or before this day (the run's today), so a report made
    /// with `--today` reads the same history whenever it is made again.
    pub until: Option<Date>,
}

impl Commits {
    /// What a point is: `commit` or `tagged commit`.
    pub fn noun(&self) -> &'static str {
        if self.tags { "tagged commit" } else { "commit" }
    }

    /// Where the commits were taken from, as a reader would say it:
    /// ` in v1.0..HEAD since 2026-01-01`, or nothing for all of them.
    pub fn within(&self) -> String {
        let range = self.range.as_ref().map(|r| format!(" in {r}"));
        let since = self.since.map(|d| format!(" since {d}"));
        range.unwrap_or_default() + &since.unwrap_or_default()
    }
}

/// One commit of a register's history, and the register as it held it.
#[derive(Debug)]
pub struct Snapshot {
    pub commit: String,
    pub date: Date,
    /// The commit's subject, or its tags.
    pub label: String,
    pub register: Revision,
}

/// A register's history, as [`history`] reads it.
#[derive(Debug, Default)]
pub struct History {
    /// Oldest first.
    pub snapshots: Vec<Snapshot>,
    /// Read from a shallow clone, whose history stops short.
    pub shallow: bool,
}

/// The register under `paths` at each commit that changed it (or each
/// tagged commit), oldest first, from one `git log` and one
/// `git cat-file` pair.
pub fn history(paths: &[PathBuf], commits: &Commits, max: u64) -> Result<History, GitError> {
    let repository = Repository::of(paths.first().map(PathBuf::as_path))?;
    let names: Vec<String> = paths
        .iter()
        .map(|p| repository.name(p))
        .collect::<Result<_, _>>()?;
    if let Some(range) = commits.range.as_deref().filter(|r| r.starts_with('-')) {
        return Err(GitError {
            message: format!("`{range}` is not a range of revisions"),
            help: "name revisions, such as v1.0..HEAD or origin/main..".to_string(),
            no_repository: false,
        });
    }
    // Parents before children whatever their dates say, once reversed.
    let mut args: Vec<String> = vec![
        "log".into(),
        "--no-show-signature".into(),
        "--no-ext-diff".into(),
        "--no-textconv".into(),
        "--no-color".into(),
        "--topo-order".into(),
        "--format=%H%x09%cs%x09%D%x09%s".into(),
    ];
    if commits.tags {
        // The tagged commits of the history, in its order; the rows without
        // a tag that simplification keeps (the root) are dropped below.
        args.extend([
            "--simplify-by-decoration".into(),
            "--decorate-refs=refs/tags/".into(),
        ]);
    }
    // A bare date would take the time of day git runs at.
    if let Some(since) = commits.since {
        args.push(format!("--since={since} 00:00:00"));
    }
    if let Some(until) = commits.until {
        args.push(format!("--until={until} 23:59:59"));
    }
    args.push("--end-of-options".into());
    if let Some(range) = &commits.range {
        args.push(range.clone());
    }
    if !commits.tags {
        // From the root, `:/` names a path from the root (`:/` alone, all of it).
        args.push("--".into());
        args.extend(names.iter().map(|n| format!(":/{n}")));
    }
    let listing = git(
        &repository.top,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    let mut commits: Vec<(String, Date, String)> = String::from_utf8_lossy(&listing)
        .lines()
        .filter_map(|line| {
            let mut fields = line.splitn(4, '\t');
            let (commit, date, refs, subject) = (
                fields.next()?,
                fields.next()?,
                fields.next()?,
                fields.next()?,
            );
            let date: Date = date.parse().ok()?;
            let tags: Vec<&str> = refs
                .split(", ")
                .filter_map(|r| r.strip_prefix("tag: "))
                .collect();
            let label = match (commits.tags, tags.is_empty()) {
                (true, true) => return None,
                (true, false) => tags.join(", "),
                (false, _) => subject.to_string(),
            };
            Some((commit.to_string(), date, label))
        })
        .collect();
    // git lists the newest first; a trend reads from the oldest.
    commits.reverse();
    let mut batch = Batch::start(&repository)?;
    let mut history = Vec::with_capacity(commits.len());
    for (commit, date, label) in commits {
        let mut register = Revision {
            files: Vec::new(),
            problems: Vec::new(),
        };
        let short = &commit[..commit.len().min(12)];
        for (path, inside) in paths.iter().zip(&names) {
            batch.register_at(short, path, inside, max, &mut register)?;
        }
        register.files.sort();
        register.files.dedup_by(|a, b| a.0 == b.0);
        history.push(Snapshot {
            commit: short.to_string(),
            date,
            label,
            register,
        });
    }
    Ok(History {
        snapshots: history,
        shallow: repository.shallow,
    })
}
