//! Where output goes: standard output, a file named with `--output`, or
//! the CI job's summary. This is the one place that decides, and a file is
//! only ever written whole: into a temporary file beside it, then renamed
//! over it, so a reader sees the old file or the new one, never half of one.
//!
//! Only a regular file is replaced so. A pipe, a device or a socket
//! (`-o /dev/stdout`, a FIFO) is written into as it is, and a symbolic
//! link keeps being a link: the file it leads to is the one replaced.
//! Temporary files are named after the file they stand in for
//! (`.opx-risks.toml.Ab12Cd.tmp`), so one left by a killed run can be
//! found and removed by the next edit of that file.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The folder a file is written in, for its temporary sibling.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes a report with what `write` produces, through a buffer: a
/// regular file (or a new one) atomically, anything else straight into it;
/// through a symbolic link, into the file it leads to. A new file gets the
/// usual permissions (as the umask allows); an existing one keeps its own.
/// A report can be made again, so it is not forced to disk before the
/// rename, as a register file is.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let target = follow_links(path)?;
    match fs::metadata(&target) {
        Ok(metadata) if !metadata.is_file() && !metadata.is_dir() => {
            let mut buffer = BufWriter::new(open_stream(&target, &metadata)?);
            write(&mut buffer)?;
            buffer.flush()
        }
        _ => {
            let staged = Staged::new(&target)?;
            let mut buffer = BufWriter::new(staged.file.as_file());
            write(&mut buffer)?;
            buffer.into_inner().map_err(|e| e.into_error())?;
            staged.put_in_place()
        }
    }
}

/// The path at the end of `path`'s symbolic links, followed one by one so
/// that a link to a file not made yet leads to where it will be.
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    // As many links as Linux follows (MAXSYMLINKS) before it gives up.
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let target = fs::read_link(&path)?;
                path = folder_of(&path).join(target);
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// A pipe, a device or a socket, opened to be written into as it is. A
/// pipe waits for its reader, as a shell's `>` does.
#[cfg(unix)]
fn open_stream(path: &Path, metadata: &fs::Metadata) -> io::Result<Box<dyn Write>> {
    use std::os::unix::fs::FileTypeExt;
    if metadata.file_type().is_socket() {
        return Ok(Box::new(std::os::unix::net::UnixStream::connect(path)?));
    }
    Ok(Box::new(fs::OpenOptions::new().write(true).open(path)?))
}

#[cfg(not(unix))]
fn open_stream(path: &Path, _: &fs::Metadata) -> io::Result<Box<dyn Write>> {
    Ok(Box::new(fs::OpenOptions::new().write(true).open(path)?))
}

/// `.opx-NAME.`: how the temporary files beside `path` begin, the name
/// cut short so that the whole stays within a file name's limit.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut end = name.len().min(120);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".opx-{}.", &name[..end])
}

/// How many random characters a temporary file's name carries.
const RANDOM_CHARACTERS: usize = 6;

/// Removes the temporary files a killed run left beside `path`; the
/// caller holds the file's lock, so none is in use. Returns how many.
pub fn remove_stale(path: &Path) -> io::Result<usize> {
    let prefix = temp_prefix(path);
    let mut removed = 0;
    for entry in fs::read_dir(folder_of(path))? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Exactly this file's name and the random characters of its
        // temporary files: `a.toml`'s clean-up never takes the temporary
        // file of `a.toml.md` or `a.toml.x.toml`.
        let stale = name
            .strip_prefix(&*prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .is_some_and(|random| {
                random.len() == RANDOM_CHARACTERS
                    && random.bytes().all(|b| b.is_ascii_alphanumeric())
            })
            && entry.file_type().is_ok_and(|t| t.is_file());
        if stale {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// New content for a file, written beside it and not yet in place. Several
/// files can be staged, checked, then committed together, or all discarded.
#[derive(Debug)]
pub struct Staged {
    file: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    /// An empty temporary file beside `path`, with `path`'s permissions if
    /// it exists.
    fn new(path: &Path) -> io::Result<Staged> {
        if path.file_name().is_none() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the path names no file",
            ));
        }
        let mut builder = tempfile::Builder::new();
        let prefix = temp_prefix(path);
        builder
            .prefix(&prefix)
            .suffix(".tmp")
            .rand_bytes(RANDOM_CHARACTERS);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let file = builder.tempfile_in(folder_of(path))?;
        if let Ok(metadata) = fs::metadata(path) {
            file.as_file().set_permissions(metadata.permissions())?;
            keep_owner(file.as_file(), &metadata);
        }
        Ok(Staged {
            file,
            target: path.to_path_buf(),
        })
    }

    /// Writes `bytes` to a temporary file beside `path`.
    pub fn write(path: &Path, bytes: &[u8]) -> io::Result<Staged> {
        let staged = Staged::new(path)?;
        staged.file.as_file().write_all(bytes)?;
        Ok(staged)
    }

    /// Forces the new content to disk, before it is put in place.
    pub fn sync(&self) -> io::Result<()> {
        self.file.as_file().sync_all()
    }

    /// Renames the new content over the file, as it is (see [`Staged::sync`]).
    pub fn put_in_place(self) -> io::Result<()> {
        self.file
            .persist(&self.target)
            .map(drop)
            .map_err(|e| e.error)
    }

    /// Puts the new content in place where no file is yet; fails, writing
    /// nothing, if one is there.
    pub fn commit_new(self) -> io::Result<()> {
        self.file.as_file().sync_all()?;
        self.file
            .persist_noclobber(&self.target)
            .map(drop)
            .map_err(|e| e.error)
    }

    /// Drops the new content; the file stays as it was.
    pub fn discard(self) {
        drop(self.file);
    }
}

/// Gives the new file the old one's owner and group, where the user may
/// (as editors and `sed -i` do): owner and group, else the group alone,
/// else neither. A file renamed over another would otherwise take on
/// whoever wrote it.
#[cfg(unix)]
fn keep_owner(file: &fs::File, old: &fs::Metadata) {
    use std::os::unix::fs::{MetadataExt, fchown};
    if fchown(file, Some(old.uid()), Some(old.gid())).is_err() {
        let _ = fchown(file, None, Some(old.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &fs::File, _: &fs::Metadata) {}

/// Standard output that its reader may close early (`opx check | head -1`).
/// Once the pipe is closed, what follows is dropped rather than failed, so
/// the run goes on to the exit status it decides: a failing gate still
/// exits 1 under `set -o pipefail`.
#[derive(Debug)]
pub struct ClosablePipe<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> ClosablePipe<W> {
    pub fn new(inner: W) -> Self {
        ClosablePipe {
            inner,
            closed: false,
        }
    }

    /// Whether the reader has gone.
    pub fn closed(&self) -> bool {
        self.closed
    }

    /// `result` of a write of `len` bytes, a closed pipe taken as the end
    /// of writing.
    fn absorb<T>(&mut self, result: io::Result<T>, len: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(len)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for ClosablePipe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let written = self.inner.write(buf);
        self.absorb(written, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let flushed = self.inner.flush();
        self.absorb(flushed, ())
    }
}

/// Appends `write`'s text to the CI job's summary file.
pub fn append(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let file = fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)?;
    let mut buffer = BufWriter::new(file);
    write(&mut buffer)?;
    buffer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.sarif");
        write_atomically(&path, |out| out.write_all(b"first")).unwrap();
        write_atomically(&path, |out| out.write_all(b"second")).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left"
        );
    }

    #[test]
    fn a_failed_write_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        fs::write(&path, "old").unwrap();
        let failed = write_atomically(&path, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("the disk is full"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// A writer whose reader has gone after `room` bytes.
    struct Closing {
        room: usize,
        got: Vec<u8>,
    }

    impl Write for Closing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            if self.room == 0 {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_ends_writing_without_an_error() {
        let mut pipe = ClosablePipe::new(Closing {
            room: 4,
            got: Vec::new(),
        });
        let mut out = BufWriter::with_capacity(2, &mut pipe);
        out.write_all(b"first line\nsecond line\n").unwrap();
        out.flush().unwrap();
        drop(out);
        assert!(pipe.closed());
        assert_eq!(pipe.inner.got, b"firs");
        // Another error is still an error.
        let mut full = ClosablePipe::new(Failing);
        assert!(full.write_all(b"x").is_err());
        assert!(!full.closed());
    }

    struct Failing;

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::other("the disk is full"))
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_kept_and_its_target_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("reports")).unwrap();
        let target = dir.path().join("reports/latest.json");
        fs::write(&target, "old").unwrap();
        let link = dir.path().join("report.json");
        std::os::unix::fs::symlink("reports/latest.json", &link).unwrap();
        write_atomically(&link, |out| out.write_all(b"new")).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read(&target).unwrap(), b"new");
        // A link to a file not made yet makes it.
        let dangling = dir.path().join("next.json");
        std::os::unix::fs::symlink("reports/next.json", &dangling).unwrap();
        write_atomically(&dangling, |out| out.write_all(b"made")).unwrap();
        assert!(fs::symlink_metadata(&dangling).unwrap().is_symlink());
        assert_eq!(
            fs::read(dir.path().join("reports/next.json")).unwrap(),
            b"made"
        );
        assert_eq!(fs::read_dir(dir.path().join("reports")).unwrap().count(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_socket_is_written_into() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.sock");
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let reader = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut got = String::new();
            std::io::Read::read_to_string(&mut stream, &mut got).unwrap();
            got
        });
        write_atomically(&path, |out| out.write_all(b"report")).unwrap();
        assert_eq!(reader.join().unwrap(), "report");
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::symlink_metadata(&path).unwrap().file_type().is_socket());
    }

    #[test]
    fn stale_temporary_files_of_one_file_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("risks.toml");
        fs::write(&path, "x").unwrap();
        let staged = Staged::write(&path, b"y").unwrap();
        // Killed before it was put in place: its temporary file stays.
        std::mem::forget(staged);
        // Another file's, and those of files whose names begin with this
        // one's (a report beside it, a register named longer): kept.
        let others = [
            ".opx-other.toml.Ab12Cd.tmp",
            ".opx-risks.toml.md.Ab12Cd.tmp",
            ".opx-risks.toml.x.toml.Ab12Cd.tmp",
        ];
        for other in others {
            fs::write(dir.path().join(other), "").unwrap();
        }
        assert_eq!(remove_stale(&path).unwrap(), 1);
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected = [others.as_slice(), &["risks.toml"]].concat();
        expected.sort();
        assert_eq!(left, expected);
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let err =
            write_atomically(Path::new("/nonexistent-opx-folder/x.json"), |_| Ok(())).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_report_is_readable_by_others_and_a_replaced_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.md");
        write_atomically(&new, |out| out.write_all(b"x")).unwrap();
        let mode = fs::metadata(&new).unwrap().permissions().mode();
        assert_eq!(mode & 0o044, 0o044, "{mode:o}");
        let kept = dir.path().join("kept.md");
        fs::write(&kept, "x").unwrap();
        fs::set_permissions(&kept, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&kept, |out| out.write_all(b"y")).unwrap();
        let mode = fs::metadata(&kept).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}
