//! Writing a rewritten file safely.
//!
//! The new bytes go to a temporary file in the same directory, which is then
//! renamed over the original, so a reader sees either the old or the new file
//! and never half of one. The original is never opened for writing: that is
//! why a read-only file (mode 0o444) can be rewritten and keeps its mode.
//!
//! Right before the rename, the file is read again and compared with what the
//! caller read; if someone changed it meanwhile, nothing is written.
//! On every error path the temporary file is dropped, which deletes it.
//! Nothing here prints.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

use tempfile::NamedTempFile;

const TEMP_PREFIX: &str = ".s3-to-supabase-";
const TEMP_SUFFIX: &str = ".tmp";

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("file changed on disk since it was read; not overwritten")]
    ChangedOnDisk,
    #[error("not a regular file (symbolic link or special file); not overwritten")]
    NotARegularFile,
    #[error("could not write file: {}", io_message(.0))]
    Io(std::io::Error),
}

impl From<io::Error> for WriteError {
    fn from(err: io::Error) -> Self {
        WriteError::Io(err)
    }
}

/// Replaces the contents of `path` with `new`, provided it still holds
/// `expected_old`. Keeps the file's permissions (and, where allowed, owner).
pub fn write_atomically(path: &Path, expected_old: &[u8], new: &[u8]) -> Result<(), WriteError> {
    write_atomically_with(path, expected_old, new, |file, bytes| file.write_all(bytes))
}

/// [`write_atomically`] with the step that writes the bytes into the temporary
/// file passed in, so tests can make it fail or race with it.
fn write_atomically_with<F>(
    path: &Path,
    expected_old: &[u8],
    new: &[u8],
    write: F,
) -> Result<(), WriteError>
where
    F: FnOnce(&mut File, &[u8]) -> io::Result<()>,
{
    let meta = regular_file_metadata(path)?;
    let dir = parent_dir(path);
    // Dropping `temp` deletes the temporary file: every `?` below does that.
    let mut temp: NamedTempFile = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    write(temp.as_file_mut(), new)?;
    temp.as_file_mut().flush()?;
    copy_owner(temp.as_file(), &meta);
    // After chown: chown may clear setuid/setgid bits.
    temp.as_file().set_permissions(meta.permissions())?;
    temp.as_file().sync_all()?;

    regular_file_metadata(path).map_err(|err| match err {
        WriteError::Io(io) if io.kind() == io::ErrorKind::NotFound => WriteError::ChangedOnDisk,
        other => other,
    })?;
    let current = match fs::read(path) {
        Ok(current) => current,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Err(WriteError::ChangedOnDisk),
        Err(err) => return Err(err.into()),
    };
    if current != expected_old {
        return Err(WriteError::ChangedOnDisk);
    }
    // On failure, `PersistError` hands the temp file back; dropping it deletes it.
    temp.persist(path)
        .map_err(|err| WriteError::Io(err.error))?;
    sync_dir(dir);
    Ok(())
}

/// The directory holding `path`; `.` for a bare file name.
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

fn regular_file_metadata(path: &Path) -> Result<fs::Metadata, WriteError> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_file() {
        Ok(meta)
    } else {
        Err(WriteError::NotARegularFile)
    }
}

/// Best effort: a file written by root on behalf of another user keeps its
/// owner. An unprivileged user cannot give a file away, so errors are ignored.
#[cfg(unix)]
fn copy_owner(file: &File, meta: &fs::Metadata) {
    use std::os::unix::fs::{fchown, MetadataExt};
    if let Ok(current) = file.metadata() {
        if current.uid() != meta.uid() || current.gid() != meta.gid() {
            let _ = fchown(file, Some(meta.uid()), Some(meta.gid()));
        }
    }
}

#[cfg(not(unix))]
fn copy_owner(_file: &File, _meta: &fs::Metadata) {}

/// Best effort: make the rename itself durable.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The OS message on one line, starting lowercase, without ` (os error N)`.
fn io_message(err: &io::Error) -> String {
    let text = err.to_string();
    // tempfile adds ` at path "/dir/.s3-to-supabase-XXXX.tmp"` after the OS
    // error: cut there too, the temporary name means nothing to the user.
    let text = match text.find(" (os error ") {
        Some(at) => &text[..at],
        None => text.as_str(),
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};
    use std::path::PathBuf;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn setup(mode: u32) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("storage.py");
        fs::write(&path, "import boto3\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        (dir, path)
    }

    /// Every entry of the directory, sorted; a leftover temp file shows up here.
    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_replaces_content_and_keeps_mode() {
        for m in [0o644, 0o444, 0o755, 0o600] {
            let (dir, path) = setup(m);
            write_atomically(
                &path,
                b"import boto3\n",
                b"from supabase import create_client\n",
            )
            .unwrap();
            assert_eq!(
                fs::read(&path).unwrap(),
                b"from supabase import create_client\n"
            );
            assert_eq!(mode(&path), m, "mode {m:o}");
            assert_eq!(entries(dir.path()), vec!["storage.py"]);
        }
    }

    #[test]
    fn write_temp_goes_next_to_the_file() {
        assert_eq!(parent_dir(Path::new("storage.py")), Path::new("."));
        assert_eq!(parent_dir(Path::new("app/storage.py")), Path::new("app"));
        assert_eq!(parent_dir(Path::new("/app/storage.py")), Path::new("/app"));
    }

    #[test]
    fn write_refuses_when_changed_on_disk() {
        let (dir, path) = setup(0o644);
        fs::write(&path, "import boto3  # edited\n").unwrap();
        let err = write_atomically(&path, b"import boto3\n", b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::ChangedOnDisk), "{err:?}");
        assert_eq!(
            err.to_string(),
            "file changed on disk since it was read; not overwritten"
        );
        assert_eq!(fs::read(&path).unwrap(), b"import boto3  # edited\n");
        assert_eq!(entries(dir.path()), vec!["storage.py"]);
    }

    #[test]
    fn write_refuses_when_changed_during_write() {
        // The file changes while the temp file is being written: the check
        // right before the rename catches it.
        let (dir, path) = setup(0o644);
        let racer = path.clone();
        let err = write_atomically_with(&path, b"import boto3\n", b"new\n", |file, bytes| {
            fs::write(&racer, "edited by someone else\n")?;
            file.write_all(bytes)
        })
        .unwrap_err();
        assert!(matches!(err, WriteError::ChangedOnDisk), "{err:?}");
        assert_eq!(fs::read(&path).unwrap(), b"edited by someone else\n");
        assert_eq!(entries(dir.path()), vec!["storage.py"]);
    }

    #[test]
    fn write_refuses_when_deleted_during_write() {
        let (dir, path) = setup(0o644);
        let racer = path.clone();
        let err = write_atomically_with(&path, b"import boto3\n", b"new\n", |file, bytes| {
            fs::remove_file(&racer)?;
            file.write_all(bytes)
        })
        .unwrap_err();
        assert!(matches!(err, WriteError::ChangedOnDisk), "{err:?}");
        assert!(!path.exists());
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn write_refuses_symlink() {
        let (dir, path) = setup(0o644);
        let link = dir.path().join("link.py");
        symlink(&path, &link).unwrap();
        let err = write_atomically(&link, b"import boto3\n", b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::NotARegularFile), "{err:?}");
        assert_eq!(fs::read(&path).unwrap(), b"import boto3\n");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(entries(dir.path()), vec!["link.py", "storage.py"]);
    }

    #[test]
    fn write_refuses_directory_and_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("pkg.py");
        fs::create_dir(&sub).unwrap();
        let err = write_atomically(&sub, b"", b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::NotARegularFile), "{err:?}");

        let fifo = dir.path().join("pipe.py");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = write_atomically(&fifo, b"", b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::NotARegularFile), "{err:?}");
        assert_eq!(entries(dir.path()), vec!["pipe.py", "pkg.py"]);
    }

    #[test]
    fn write_failure_leaves_original_and_no_temp() {
        let (dir, path) = setup(0o444);
        let err = write_atomically_with(&path, b"import boto3\n", b"new\n", |file, bytes| {
            file.write_all(&bytes[..1])?;
            Err(io::Error::from_raw_os_error(28)) // ENOSPC
        })
        .unwrap_err();
        assert!(matches!(err, WriteError::Io(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            "could not write file: no space left on device"
        );
        assert_eq!(fs::read(&path).unwrap(), b"import boto3\n");
        assert_eq!(mode(&path), 0o444);
        assert_eq!(entries(dir.path()), vec!["storage.py"]);
    }

    #[test]
    fn write_missing_parent_is_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing/storage.py");
        let err = write_atomically(&path, b"", b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::Io(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            "could not write file: no such file or directory"
        );
        assert!(entries(dir.path()).is_empty());
    }
}
