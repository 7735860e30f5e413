//! Writing a report to a file without ever leaving half of one behind.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// then renames it over `path`: a reader sees the old file or the new one,
/// never a torn one, and a failed write leaves `path` as it was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    Staged::write(path, bytes)?.commit()
}

/// New content for a file, written beside it and not yet in place. Several
/// files can be staged, checked, then committed together, or all discarded.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
}

impl Staged {
    /// Writes `bytes` to a temporary file beside `path`. An existing file's
    /// permissions carry over to the new content.
    pub fn write(path: &Path, bytes: &[u8]) -> io::Result<Staged> {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
        let temp = folder.join(format!(
            ".{}.{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let staged = Staged {
            temp,
            target: path.to_path_buf(),
        };
        let written = (|| {
            let mut file = fs::File::create_new(&staged.temp)?;
            file.write_all(bytes)?;
            if let Ok(metadata) = fs::metadata(path) {
                file.set_permissions(metadata.permissions())?;
            }
            file.sync_all()
        })();
        match written {
            Ok(()) => Ok(staged),
            Err(e) => {
                staged.discard();
                Err(e)
            }
        }
    }

    /// Puts the new content in place.
    pub fn commit(self) -> io::Result<()> {
        let renamed = fs::rename(&self.temp, &self.target);
        if renamed.is_err() {
            let _ = fs::remove_file(&self.temp);
        }
        renamed
    }

    /// Drops the new content; the file stays as it was.
    pub fn discard(self) {
        let _ = fs::remove_file(&self.temp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_whole_files() {
        let dir = std::env::temp_dir().join(format!("opx-output-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.sarif");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file is left"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let err = write_atomically(Path::new("/nonexistent-opx-folder/x.json"), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
