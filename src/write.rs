//! Writing a rewritten file without losing a byte or a bit of metadata.
//!
//! The new bytes go to a temporary file beside the original, opened relative to a
//! handle on the directory reached without following any link (`nofollow`). The
//! temporary file gets the original's owner, extended attributes (POSIX ACLs are one)
//! and mode, and then takes the original's place with `renameat2(RENAME_EXCHANGE)`: a
//! reader sees the old file or the new one, never half of one.
//!
//! A write by someone else is never lost. Before the swap we hold a write lease on the
//! original (`F_SETLEASE`): it is granted only while no one else has the file open, and
//! anyone who opens it afterwards blocks until we let go, which the lease tells us
//! (`F_GETLEASE`). Under the lease the content is compared with what the caller read;
//! after the exchange, the inode swapped out must be the original and no writer may have
//! opened it meanwhile, or the exchange is undone and the file reported as changed on
//! disk. Whoever opens the path after the exchange gets the new file, which stays. A
//! filesystem without leases (NFS, some FUSE) falls back to comparing what was swapped
//! out, which leaves a window of microseconds for a writer that opened the file before
//! and writes after the compare (README, design notes).
//!
//! Files the tool refuses to replace: hard-linked ones (the other names would keep
//! the old text), ones whose owner or extended attributes cannot be kept, and read-only
//! ones (mode without any write bit) unless forced. Nothing here prints.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use rustix::fs::{
    fchmod, fchown, fgetxattr, flistxattr, fremovexattr, fsetxattr, fstat, fsync, openat, renameat_with, statat, unlinkat,
    AtFlags, Gid, Mode, OFlags, RenameFlags, Stat, Uid, XattrFlags,
};
use rustix::io::Errno;

use crate::nofollow::{self, OpenError};

const TEMP_PREFIX: &str = ".s3-to-supabase-";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM_LEN: usize = 6;

/// How long to wait for other processes to close the file before giving up on it
/// (attempts of a random pause around `LEASE_PAUSE`: about two seconds).
const LEASE_ATTEMPTS: u32 = 300;
const LEASE_PAUSE: Duration = Duration::from_millis(10);

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("file changed on disk since it was read; not overwritten")]
    ChangedOnDisk,
    /// The new file was opened by someone while the swap was undone: kept, not deleted.
    #[error("file changed on disk while it was being replaced; not overwritten (the rewritten text, opened by another process meanwhile, is kept in {0})")]
    ChangedOnDiskKept(String),
    #[error("file stayed open in another process; not overwritten")]
    InUse,
    #[error("not a regular file (symbolic link or special file); not overwritten")]
    NotARegularFile,
    #[error("a directory on its path is a symbolic link (not followed); not overwritten")]
    ThroughSymlink,
    /// Mode without any write bit; written only with `--force`.
    #[error("read-only (mode {0:04o}); not overwritten without --force")]
    ReadOnly(u32),
    #[error("has {0} hard links; replacing it would leave the other names with the old text, so it is not overwritten (rewrite it by hand, or break the link first)")]
    HardLinks(u64),
    #[error("owned by uid {uid} gid {gid}, which this user cannot give the new file ({}); not overwritten", io_message(.err))]
    OwnerNotKept { uid: u32, gid: u32, err: io::Error },
    #[error("extended attribute {name} cannot be kept ({}); not overwritten", io_message(.err))]
    AttributeNotKept { name: String, err: io::Error },
    #[error("could not write file: {}", io_message(.0))]
    Io(io::Error),
}

impl From<io::Error> for WriteError {
    fn from(err: io::Error) -> Self {
        WriteError::Io(err)
    }
}

impl From<Errno> for WriteError {
    fn from(err: Errno) -> Self {
        WriteError::Io(err.into())
    }
}

impl From<OpenError> for WriteError {
    fn from(err: OpenError) -> Self {
        match err {
            OpenError::SymbolicLink => WriteError::ThroughSymlink,
            OpenError::Io(err) if err.kind() == io::ErrorKind::NotFound => WriteError::ChangedOnDisk,
            OpenError::Io(err) => WriteError::Io(err),
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOptions {
    /// Also replace read-only files (mode without any write bit); the mode is kept.
    pub force: bool,
}

/// Replaces the contents of `path` with `new`, provided it still holds `expected_old`,
/// keeping its owner, mode and extended attributes.
pub fn write_atomically(path: &Path, expected_old: &[u8], new: &[u8], options: WriteOptions) -> Result<(), WriteError> {
    write_atomically_with(path, expected_old, new, options, &Hooks::default())
}

type WriteHook<'a> = &'a dyn Fn(&mut File, &[u8]) -> io::Result<()>;

/// Points where tests make a write fail or race with it.
#[derive(Default)]
struct Hooks<'a> {
    /// Writes the new bytes into the temporary file.
    write: Option<WriteHook<'a>>,
    /// Runs right before the exchange.
    before_swap: Option<&'a dyn Fn()>,
}

fn write_atomically_with(
    path: &Path,
    expected_old: &[u8],
    new: &[u8],
    options: WriteOptions,
    hooks: &Hooks,
) -> Result<(), WriteError> {
    let (dir, name) = nofollow::open_parent(path)?;
    let original = open_leased(&dir, name, options)?;
    // Under the lease no one else has the file open: its content is final unless
    // someone opens it, which the lease reports.
    if !same_content(&original.file, expected_old)? {
        return Err(WriteError::ChangedOnDisk);
    }
    let mode = original.meta.st_mode & 0o7777;
    let attributes = attributes(&original.file)?;

    let mut temp = TempFile::create(&dir)?;
    match hooks.write {
        Some(write) => write(&mut temp.file, new)?,
        None => temp.file.write_all(new)?,
    }
    temp.file.flush()?;
    keep_owner(&temp.file, &original.meta)?;
    keep_attributes(&temp.file, &attributes)?;
    // After chown (which clears setuid/setgid) and the ACL (which sets the group bits).
    fchmod(&temp.file, Mode::from_raw_mode(mode))?;
    let written = fstat(&temp.file)?;
    if written.st_mode & 0o7777 != mode {
        return Err(WriteError::AttributeNotKept {
            name: format!("mode {mode:04o}"),
            err: io::Error::from(io::ErrorKind::PermissionDenied),
        });
    }
    fsync(&temp.file)?;

    swap_in(&dir, name, &original, expected_old, temp, hooks)?;
    sync_dir(&dir);
    Ok(())
}

/// The file being replaced, as opened, with its write lease (released before the
/// file is closed: fields drop in order, and `lease` comes first).
struct Original {
    lease: Lease,
    file: File,
    meta: Stat,
}

/// Opens the file, refuses what must not be replaced, and takes the write lease. While
/// someone else has the file open (another `apply` among them), closes it again and
/// retries after a random pause, so two runs never wait for each other in step.
fn open_leased(dir: &OwnedFd, name: &OsStr, options: WriteOptions) -> Result<Original, WriteError> {
    for _ in 0..LEASE_ATTEMPTS {
        let original = nofollow::open_file_in(dir, name)?.ok_or(WriteError::NotARegularFile)?;
        let meta = fstat(&original)?;
        if meta.st_nlink > 1 {
            return Err(WriteError::HardLinks(meta.st_nlink));
        }
        let mode = meta.st_mode & 0o7777;
        if mode & 0o222 == 0 && !options.force {
            return Err(WriteError::ReadOnly(mode));
        }
        if let Some(lease) = Lease::take(&original)? {
            return Ok(Original { file: original, meta, lease });
        }
        drop(original);
        std::thread::sleep(LEASE_PAUSE.mul_f64(0.2 + fastrand::f64()));
    }
    Err(WriteError::InUse)
}

/// Puts `temp` in the place of `name` unless the original changed; see the module docs.
fn swap_in(
    dir: &OwnedFd,
    name: &OsStr,
    original: &Original,
    expected_old: &[u8],
    mut temp: TempFile,
    hooks: &Hooks,
) -> Result<(), WriteError> {
    // Anyone opening the new file before an undo would write into it: watched too.
    let new_lease = Lease::take(&temp.file).ok().flatten().filter(|lease| lease.held);
    if let Some(before_swap) = hooks.before_swap {
        before_swap();
    }
    match renameat_with(dir, &temp.name, dir, name, RenameFlags::EXCHANGE) {
        Ok(()) => {}
        Err(Errno::NOENT) => return Err(WriteError::ChangedOnDisk),
        // A filesystem without RENAME_EXCHANGE: a plain rename, safe as long as the lease held.
        Err(Errno::INVAL) if original.lease.held => {
            if original.lease.writer_opened() {
                return Err(WriteError::ChangedOnDisk);
            }
            renameat_with(dir, &temp.name, dir, name, RenameFlags::empty())?;
            temp.forget();
            return Ok(());
        }
        Err(err) => return Err(err.into()),
    }
    // `temp.name` now holds whatever was at `name`.
    let swapped_out = statat(dir, &temp.name, AtFlags::SYMLINK_NOFOLLOW)?;
    let unchanged = swapped_out.st_dev == original.meta.st_dev
        && swapped_out.st_ino == original.meta.st_ino
        && if original.lease.held { !original.lease.writer_opened() } else { same_content(&original.file, expected_old)? };
    if unchanged {
        // Dropping `temp` deletes what has its name now: the original.
        return Ok(());
    }
    // Undo: the file someone else wrote goes back in place.
    if let Err(err) = renameat_with(dir, &temp.name, dir, name, RenameFlags::EXCHANGE) {
        // The other content sits under the temporary name: never delete it.
        let kept = temp.forget();
        return Err(WriteError::Io(io::Error::other(format!(
            "{}; the file's previous content is in {}",
            io_message(&err.into()),
            kept.to_string_lossy()
        ))));
    }
    if new_lease.as_ref().is_some_and(Lease::writer_opened) {
        let kept = temp.forget();
        return Err(WriteError::ChangedOnDiskKept(kept.to_string_lossy().into_owned()));
    }
    Err(WriteError::ChangedOnDisk)
}

/// A write lease on a file we have open, or the fact that the filesystem offers none.
/// Dropped (released) before the file is closed: declared after it.
struct Lease {
    fd: RawFd,
    held: bool,
}

impl Lease {
    /// Takes the lease; `None` while someone else has the file open; `held` is false
    /// where leases are not available (the caller falls back).
    fn take(file: &File) -> Result<Option<Lease>, WriteError> {
        let fd = file.as_raw_fd();
        ignore_lease_signal();
        // SAFETY: F_SETLEASE on a file descriptor we own; no memory is passed.
        if unsafe { libc::fcntl(fd, libc::F_SETLEASE, libc::F_WRLCK) } == 0 {
            return Ok(Some(Lease { fd, held: true }));
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EAGAIN) => Ok(None),
            // EINVAL: no leases on this filesystem (or turned off); EACCES: neither
            // the owner nor CAP_LEASE.
            Some(libc::EINVAL | libc::EACCES) => Ok(Some(Lease { fd, held: false })),
            _ => Err(err.into()),
        }
    }

    /// Whether someone opened the file for writing since the lease was taken (the lease
    /// is then being broken down to nothing; a reader only downgrades it).
    fn writer_opened(&self) -> bool {
        // SAFETY: F_GETLEASE on a file descriptor we own.
        let state = unsafe { libc::fcntl(self.fd, libc::F_GETLEASE) };
        self.held && state != libc::F_WRLCK && state != libc::F_RDLCK
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if self.held {
            // SAFETY: as in `take`; releasing lets the blocked openers proceed.
            unsafe { libc::fcntl(self.fd, libc::F_SETLEASE, libc::F_UNLCK) };
        }
    }
}

/// A lease break is signalled with SIGIO, whose default action ends the process; the
/// lease state is what we read, so the signal itself is not needed.
fn ignore_lease_signal() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: SIG_IGN is a valid disposition for SIGIO.
    ONCE.call_once(|| unsafe {
        libc::signal(libc::SIGIO, libc::SIG_IGN);
    });
}

/// Our temporary file, open for writing; dropping it unlinks whatever has its name.
struct TempFile {
    dir: OwnedFd,
    name: OsString,
    file: File,
    armed: bool,
}

impl TempFile {
    fn create(dir: &OwnedFd) -> Result<TempFile, WriteError> {
        let dir = dir.try_clone()?;
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        loop {
            let random: String = std::iter::repeat_with(fastrand::alphanumeric).take(TEMP_RANDOM_LEN).collect();
            let name = OsString::from(format!("{TEMP_PREFIX}{random}{TEMP_SUFFIX}"));
            match openat(&dir, &name, flags, Mode::from_raw_mode(0o600)) {
                Ok(fd) => return Ok(TempFile { dir, name, file: File::from(fd), armed: true }),
                Err(Errno::EXIST) => continue,
                Err(err) => return Err(err.into()),
            }
        }
    }

    /// Keep the file under its temporary name; returns that name.
    fn forget(&mut self) -> OsString {
        self.armed = false;
        self.name.clone()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            let _ = unlinkat(&self.dir, &self.name, AtFlags::empty());
        }
    }
}

/// Whether `name` is one of our temporary files: `.s3-to-supabase-XXXXXX.tmp`.
pub fn is_temp_name(name: &OsStr) -> bool {
    let name = name.as_bytes();
    name.len() == TEMP_PREFIX.len() + TEMP_RANDOM_LEN + TEMP_SUFFIX.len()
        && name.starts_with(TEMP_PREFIX.as_bytes())
        && name.ends_with(TEMP_SUFFIX.as_bytes())
        && name[TEMP_PREFIX.len()..TEMP_PREFIX.len() + TEMP_RANDOM_LEN].iter().all(u8::is_ascii_alphanumeric)
}

/// Removes our temporary file at `path` if nothing has touched it since `before` (a
/// file still in use by a running `apply` is younger: renames and writes update its
/// status-change time). Returns whether it was removed.
pub fn remove_stale_temp(path: &Path, before: SystemTime) -> Result<bool, WriteError> {
    let (dir, name) = nofollow::open_parent(path)?;
    if !is_temp_name(name) {
        return Ok(false);
    }
    let meta = statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW)?;
    let changed = SystemTime::UNIX_EPOCH + Duration::new(meta.st_ctime as u64, meta.st_ctime_nsec as u32);
    let is_file = meta.st_mode & libc::S_IFMT == libc::S_IFREG;
    if !is_file || meta.st_ctime < 0 || changed >= before {
        return Ok(false);
    }
    unlinkat(&dir, name, AtFlags::empty())?;
    Ok(true)
}

/// Does `file` (read from its start) hold exactly `expected`? Reads in blocks.
fn same_content(file: &File, expected: &[u8]) -> io::Result<bool> {
    let mut buffer = vec![0u8; 64 << 10];
    let mut offset = 0usize;
    loop {
        let read = match file.read_at(&mut buffer, offset as u64) {
            Ok(read) => read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if read == 0 {
            return Ok(offset == expected.len());
        }
        if expected.get(offset..offset + read) != Some(&buffer[..read]) {
            return Ok(false);
        }
        offset += read;
    }
}

/// Extended attributes: names and values.
type Attributes = Vec<(Vec<u8>, Vec<u8>)>;

/// Every extended attribute of `file` (names and values), `user.*`, `security.*`,
/// `trusted.*` and `system.posix_acl_access` alike.
fn attributes(file: &File) -> Result<Attributes, WriteError> {
    let names = match xattr_list(file) {
        Ok(names) => names,
        Err(err) if err == Errno::NOTSUP => return Ok(Vec::new()),
        Err(err) => return Err(err.into()),
    };
    let mut out = Vec::new();
    for name in names.split(|&byte| byte == 0).filter(|name| !name.is_empty()) {
        match xattr_value(file, name) {
            Ok(value) => out.push((name.to_vec(), value)),
            // Removed meanwhile.
            Err(Errno::NODATA) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(out)
}

fn xattr_list(file: &File) -> Result<Vec<u8>, Errno> {
    loop {
        let size = rustix::fs::flistxattr_query(file)?;
        let mut buffer = vec![0u8; size];
        match flistxattr(file, &mut buffer[..]) {
            Ok(len) => {
                buffer.truncate(len);
                return Ok(buffer);
            }
            // Grew between the two calls.
            Err(Errno::RANGE) => continue,
            Err(err) => return Err(err),
        }
    }
}

fn xattr_value(file: &File, name: &[u8]) -> Result<Vec<u8>, Errno> {
    let name = OsStr::from_bytes(name);
    loop {
        let size = rustix::fs::fgetxattr_query(file, name)?;
        let mut buffer = vec![0u8; size];
        match fgetxattr(file, name, &mut buffer[..]) {
            Ok(len) => {
                buffer.truncate(len);
                return Ok(buffer);
            }
            Err(Errno::RANGE) => continue,
            Err(err) => return Err(err),
        }
    }
}

/// Makes the temporary file's extended attributes exactly the original's: the ones it
/// got on creation (a directory's default ACL, a security label) are replaced.
fn keep_attributes(temp: &File, wanted: &Attributes) -> Result<(), WriteError> {
    let not_kept = |name: &[u8], err: Errno| WriteError::AttributeNotKept {
        name: String::from_utf8_lossy(name).into_owned(),
        err: err.into(),
    };
    let current = attributes(temp)?;
    for (name, _) in &current {
        if !wanted.iter().any(|(wanted_name, _)| wanted_name == name) {
            fremovexattr(temp, OsStr::from_bytes(name)).map_err(|err| not_kept(name, err))?;
        }
    }
    for (name, value) in wanted {
        if current.iter().any(|(current_name, current_value)| current_name == name && current_value == value) {
            continue;
        }
        fsetxattr(temp, OsStr::from_bytes(name), value, XattrFlags::empty()).map_err(|err| not_kept(name, err))?;
    }
    Ok(())
}

/// The new file gets the original's owner and group, or the file is refused.
fn keep_owner(temp: &File, meta: &Stat) -> Result<(), WriteError> {
    let current = fstat(temp)?;
    if current.st_uid == meta.st_uid && current.st_gid == meta.st_gid {
        return Ok(());
    }
    let (uid, gid) = (Uid::from_raw(meta.st_uid), Gid::from_raw(meta.st_gid));
    fchown(temp, Some(uid), Some(gid)).map_err(|err| WriteError::OwnerNotKept {
        uid: meta.st_uid,
        gid: meta.st_gid,
        err: err.into(),
    })
}

/// Best effort: make the rename itself durable.
fn sync_dir(dir: &OwnedFd) {
    if let Ok(dir) = openat(dir, ".", OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
        let _ = fsync(dir.as_fd());
    }
}

/// The OS message on one line, starting lowercase, without ` (os error N)`.
fn io_message(err: &io::Error) -> String {
    let text = crate::discover::io_message(err);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// One of our temporary files met by the walk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TempFound {
    pub path: std::path::PathBuf,
    pub display: String,
}

/// Our temporary files under the walked directories: `apply` removes those untouched
/// since the run `started` (left by a killed run: younger ones belong to a run in
/// progress); `check` and `diff` write nothing and only report them. One note each.
pub fn tidy_temp_files(found: &[TempFound], started: Option<SystemTime>, remove: bool) -> Vec<String> {
    found
        .iter()
        .map(|temp| {
            let display = &temp.display;
            match started {
                Some(started) if remove => match remove_stale_temp(&temp.path, started) {
                    Ok(true) => format!("removed {display}, a temporary file left by an interrupted run"),
                    Ok(false) => format!("{display} is a temporary file of a run still in progress; left alone"),
                    Err(err) => format!("{display} is a temporary file left by an interrupted run; it could not be removed: {err}"),
                },
                _ => format!("{display} is a temporary file left by an interrupted run; `apply` removes it"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
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
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    const FORCE: WriteOptions = WriteOptions { force: true };

    fn write_with(path: &Path, new: &[u8], hooks: &Hooks) -> Result<(), WriteError> {
        write_atomically_with(path, b"import boto3\n", new, WriteOptions::default(), hooks)
    }

    #[test]
    fn write_replaces_content_and_keeps_mode() {
        for (m, options) in [(0o644, WriteOptions::default()), (0o755, WriteOptions::default()), (0o600, WriteOptions::default()), (0o444, FORCE), (0o4755, WriteOptions::default())] {
            let (dir, path) = setup(m);
            write_atomically(&path, b"import boto3\n", b"from supabase import create_client\n", options).unwrap();
            assert_eq!(fs::read(&path).unwrap(), b"from supabase import create_client\n");
            assert_eq!(mode(&path), m, "mode {m:o}");
            assert_eq!(entries(dir.path()), vec!["storage.py"]);
        }
    }

    #[test]
    fn write_skips_read_only_file_unless_forced() {
        let (dir, path) = setup(0o444);
        let err = write_atomically(&path, b"import boto3\n", b"new\n", WriteOptions::default()).unwrap_err();
        assert_eq!(err.to_string(), "read-only (mode 0444); not overwritten without --force");
        assert_eq!(fs::read(&path).unwrap(), b"import boto3\n");
        assert_eq!(entries(dir.path()), vec!["storage.py"]);
    }

    #[test]
    fn write_refuses_hard_linked_file() {
        let (dir, path) = setup(0o644);
        fs::hard_link(&path, dir.path().join("other.py")).unwrap();
        let err = write_atomically(&path, b"import boto3\n", b"new\n", WriteOptions::default()).unwrap_err();
        assert!(matches!(err, WriteError::HardLinks(2)), "{err:?}");
        assert_eq!(fs::read(&path).unwrap(), b"import boto3\n");
        assert_eq!(fs::read(dir.path().join("other.py")).unwrap(), b"import boto3\n");
        assert_eq!(entries(dir.path()), vec!["other.py", "storage.py"]);
    }

    #[test]
    fn write_keeps_user_extended_attributes_and_drops_none() {
        let (dir, path) = setup(0o640);
        let file = File::open(&path).unwrap();
        fsetxattr(&file, "user.origin", b"course-export", XattrFlags::empty()).unwrap();
        fsetxattr(&file, "user.empty", b"", XattrFlags::empty()).unwrap();
        drop(file);
        write_atomically(&path, b"import boto3\n", b"new\n", WriteOptions::default()).unwrap();
        let file = File::open(&path).unwrap();
        let mut kept = attributes(&file).unwrap();
        kept.sort();
        assert_eq!(kept, vec![(b"user.empty".to_vec(), Vec::new()), (b"user.origin".to_vec(), b"course-export".to_vec())]);
        assert_eq!(mode(&path), 0o640);
        assert_eq!(entries(dir.path()), vec!["storage.py"]);
    }

    #[test]
    fn write_refuses_when_changed_on_disk() {
        let (dir, path) = setup(0o644);
        fs::write(&path, "import boto3  # edited\n").unwrap();
        let err = write_atomically(&path, b"import boto3\n", b"new\n", WriteOptions::default()).unwrap_err();
        assert!(matches!(err, WriteError::ChangedOnDisk), "{err:?}");
        assert_eq!(err.to_string(), "file changed on disk since it was read; not overwritten");
        assert_eq!(fs::read(&path).unwrap(), b"import boto3  # edited\n");
        assert_eq!(entries(dir.path()), vec!["storage.py"]);
    }

    /// Runs `race` on another thread once the write is at the point `hooks` picks, and
    /// waits until it is blocked on the lease (the way any writer meets a rewrite).
    fn racing<'a>(path: &Path, race: impl Fn(&Path) + Send + Clone + 'static, slot: &'a RaceSlot) -> impl Fn() + 'a {
        let path = path.to_path_buf();
        move || {
            let (racer, race) = (path.clone(), race.clone());
            *slot.borrow_mut() = Some(std::thread::spawn(move || race(&racer)));
            while !lease_breaking(&path) {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }

    type RaceSlot = std::cell::RefCell<Option<std::thread::JoinHandle<()>>>;

    #[test]
    fn write_refuses_when_changed_during_write() {
        // Someone rewrites the file while the temp file is written: they wait on the
        // lease, the swap is undone, their text is what stays.
        let (dir, path) = setup(0o644);
        let slot = RaceSlot::default();
        let race = racing(&path, |path| fs::write(path, "edited by someone else\n").unwrap(), &slot);
        let write = |file: &mut File, bytes: &[u8]| {
            race();
            file.write_all(bytes)
        };
        let err = write_with(&path, b"new\n", &Hooks { write: Some(&write), ..Hooks::default() }).unwrap_err();
        slot.borrow_mut().take().unwrap().join().unwrap();
        assert!(matches!(err, WriteError::ChangedOnDisk), "{err:?}");
        assert_eq!(fs::read(&path).unwrap(), b"edited by someone else\n");
        assert_eq!(entries(dir.path()), vec!["storage.py"]);
    }

    #[test]
    fn write_by_someone_who_opens_the_file_during_the_swap_is_kept() {
        let (dir, path) = setup(0o644);
        let slot = RaceSlot::default();
        let append = |path: &Path| fs::OpenOptions::new().append(true).open(path).unwrap().write_all(b"# appended\n").unwrap();
        let race = racing(&path, append, &slot);
        let err = write_with(&path, b"new\n", &Hooks { before_swap: Some(&race), ..Hooks::default() }).unwrap_err();
        slot.borrow_mut().take().unwrap().join().unwrap();
        assert!(matches!(err, WriteError::ChangedOnDisk), "{err:?}");
        assert_eq!(fs::read(&path).unwrap(), b"import boto3\n# appended\n");
        assert_eq!(entries(dir.path()), vec!["storage.py"]);
    }

    /// Whether a lease on `path` is being broken (someone waits to open it): /proc/locks
    /// lists `LEASE BREAKING ... <major>:<minor>:<inode>`. Looking does not break it.
    fn lease_breaking(path: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        let inode = format!(":{} ", fs::metadata(path).unwrap().ino());
        fs::read_to_string("/proc/locks")
            .unwrap()
            .lines()
            .any(|line| line.contains("LEASE") && line.contains("BREAK") && line.contains(&inode))
    }

    #[test]
    fn write_refuses_when_deleted_during_write() {
        let (dir, path) = setup(0o644);
        let racer = path.clone();
        let write = move |file: &mut File, bytes: &[u8]| {
            fs::remove_file(&racer)?;
            file.write_all(bytes)
        };
        let err = write_with(&path, b"new\n", &Hooks { write: Some(&write), ..Hooks::default() }).unwrap_err();
        assert!(matches!(err, WriteError::ChangedOnDisk), "{err:?}");
        assert!(!path.exists());
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn write_refuses_when_replaced_during_write() {
        // Someone saves the file by rename (as editors do) with the same bytes: the
        // exchange swaps out another inode, which goes back.
        let (dir, path) = setup(0o644);
        let racer = path.clone();
        let write = move |file: &mut File, bytes: &[u8]| {
            let other = racer.with_file_name("editor-save");
            fs::write(&other, "import boto3\n")?;
            fs::rename(&other, &racer)?;
            file.write_all(bytes)
        };
        let err = write_with(&path, b"new\n", &Hooks { write: Some(&write), ..Hooks::default() }).unwrap_err();
        assert!(matches!(err, WriteError::ChangedOnDisk), "{err:?}");
        assert_eq!(fs::read(&path).unwrap(), b"import boto3\n");
        assert_eq!(entries(dir.path()), vec!["storage.py"]);
    }

    #[test]
    fn write_refuses_symlink_and_symlinked_parent() {
        let (dir, path) = setup(0o644);
        let link = dir.path().join("link.py");
        symlink(&path, &link).unwrap();
        let err = write_atomically(&link, b"import boto3\n", b"new\n", WriteOptions::default()).unwrap_err();
        assert!(matches!(err, WriteError::NotARegularFile), "{err:?}");
        symlink(dir.path(), dir.path().join("linkdir")).unwrap();
        let err = write_atomically(&dir.path().join("linkdir/storage.py"), b"import boto3\n", b"new\n", WriteOptions::default())
            .unwrap_err();
        assert!(matches!(err, WriteError::ThroughSymlink), "{err:?}");
        assert_eq!(err.to_string(), "a directory on its path is a symbolic link (not followed); not overwritten");
        assert_eq!(fs::read(&path).unwrap(), b"import boto3\n");
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(entries(dir.path()), vec!["link.py", "linkdir", "storage.py"]);
    }

    #[test]
    fn write_refuses_directory_and_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("pkg.py");
        fs::create_dir(&sub).unwrap();
        let err = write_atomically(&sub, b"", b"new\n", WriteOptions::default()).unwrap_err();
        assert!(matches!(err, WriteError::NotARegularFile), "{err:?}");

        let fifo = dir.path().join("pipe.py");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let err = write_atomically(&fifo, b"", b"new\n", WriteOptions::default()).unwrap_err();
        assert!(matches!(err, WriteError::NotARegularFile), "{err:?}");
        assert_eq!(entries(dir.path()), vec!["pipe.py", "pkg.py"]);
    }

    #[test]
    fn write_failure_leaves_original_and_no_temp() {
        let (dir, path) = setup(0o444);
        let write = |file: &mut File, bytes: &[u8]| {
            file.write_all(&bytes[..1])?;
            Err(io::Error::from_raw_os_error(28)) // ENOSPC
        };
        let hooks = Hooks { write: Some(&write), ..Hooks::default() };
        let err = write_atomically_with(&path, b"import boto3\n", b"new\n", FORCE, &hooks).unwrap_err();
        assert!(matches!(err, WriteError::Io(_)), "{err:?}");
        assert_eq!(err.to_string(), "could not write file: no space left on device");
        assert_eq!(fs::read(&path).unwrap(), b"import boto3\n");
        assert_eq!(mode(&path), 0o444);
        assert_eq!(entries(dir.path()), vec!["storage.py"]);
    }

    #[test]
    fn write_to_a_vanished_directory_is_a_change_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing/storage.py");
        let err = write_atomically(&path, b"", b"new\n", WriteOptions::default()).unwrap_err();
        assert!(matches!(err, WriteError::ChangedOnDisk), "{err:?}");
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn temp_names_match_exactly_and_only_old_ones_are_removed() {
        for good in [".s3-to-supabase-abc123.tmp", ".s3-to-supabase-ZZZZZZ.tmp"] {
            assert!(is_temp_name(OsStr::new(good)), "{good}");
        }
        for bad in [".s3-to-supabase-abc12.tmp", ".s3-to-supabase-abc1234.tmp", ".s3-to-supabase-abc-12.tmp", "s3-to-supabase-abc123.tmp", ".s3-to-supabase-abc123.py"] {
            assert!(!is_temp_name(OsStr::new(bad)), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".s3-to-supabase-old123.tmp");
        fs::write(&old, "left by a killed run").unwrap();
        std::thread::sleep(Duration::from_millis(20));
        let started = SystemTime::now();
        std::thread::sleep(Duration::from_millis(20));
        let young = dir.path().join(".s3-to-supabase-new123.tmp");
        fs::write(&young, "in flight").unwrap();
        let found = [
            TempFound { path: old.clone(), display: "a/.s3-to-supabase-old123.tmp".to_owned() },
            TempFound { path: young.clone(), display: "a/.s3-to-supabase-new123.tmp".to_owned() },
        ];
        assert_eq!(
            tidy_temp_files(&found, Some(started), false),
            vec![
                "a/.s3-to-supabase-old123.tmp is a temporary file left by an interrupted run; `apply` removes it",
                "a/.s3-to-supabase-new123.tmp is a temporary file left by an interrupted run; `apply` removes it",
            ]
        );
        assert!(old.exists());
        assert_eq!(
            tidy_temp_files(&found, Some(started), true),
            vec![
                "removed a/.s3-to-supabase-old123.tmp, a temporary file left by an interrupted run",
                "a/.s3-to-supabase-new123.tmp is a temporary file of a run still in progress; left alone",
            ]
        );
        assert_eq!(entries(dir.path()), vec![".s3-to-supabase-new123.tmp"]);
    }
}
