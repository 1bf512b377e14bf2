//! Opening paths without following a symbolic link anywhere in them.
//!
//! A path is resolved one component at a time from the current directory (relative
//! paths) or `/` (absolute ones), each directory opened with `O_NOFOLLOW` relative to
//! the one before it. A symbolic link in any component makes the open fail, so nothing
//! is read or written through a link; and once a directory handle is open, replacing
//! that directory (or one above it) by a link changes nothing for the reads and writes
//! made through the handle. Nothing here prints.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::OwnedFd;
use std::path::{Component, Path};

use rustix::fs::{openat, openat2, statat, AtFlags, FileType, Mode, OFlags, ResolveFlags, CWD};
use rustix::io::Errno;

/// `O_PATH` handles are enough to open, create, rename and unlink relative to a directory,
/// and need no read permission on it (a directory one may only traverse still works).
fn dir_flags() -> OFlags {
    OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
}

/// Why a path could not be opened without following a link.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// A component is a symbolic link (or was swapped for one).
    #[error("a symbolic link is on the path (not followed)")]
    SymbolicLink,
    #[error("{}", crate::discover::io_message(.0))]
    Io(io::Error),
}

impl OpenError {
    fn from_errno(err: Errno) -> OpenError {
        // ELOOP: the component is a link (O_NOFOLLOW).
        if err == Errno::LOOP {
            OpenError::SymbolicLink
        } else {
            OpenError::Io(io::Error::from(err))
        }
    }
}

/// A handle on the directory holding `path`, and the file's name in it.
pub fn open_parent(path: &Path) -> Result<(OwnedFd, &OsStr), OpenError> {
    let name = match path.components().next_back() {
        Some(Component::Normal(name)) => name,
        _ => return Err(OpenError::Io(io::Error::from(io::ErrorKind::InvalidInput))),
    };
    let parent = path.parent().unwrap_or(Path::new(""));
    Ok((open_dir(parent)?, name))
}

/// A handle on the directory `path` (`""` is the current directory).
pub fn open_dir(path: &Path) -> Result<OwnedFd, OpenError> {
    let mut dir = openat(CWD, ".", dir_flags(), Mode::empty()).map_err(OpenError::from_errno)?;
    for component in path.components() {
        let step: &OsStr = match component {
            Component::RootDir => "/".as_ref(),
            Component::CurDir => continue,
            Component::ParentDir => "..".as_ref(),
            Component::Normal(name) => name,
            Component::Prefix(_) => return Err(OpenError::Io(io::Error::from(io::ErrorKind::InvalidInput))),
        };
        dir = match openat(&dir, step, dir_flags(), Mode::empty()) {
            Ok(next) => next,
            // With O_PATH, O_NOFOLLOW opens a link itself, which then is no directory.
            Err(Errno::NOTDIR) if is_link_in(&dir, step) => return Err(OpenError::SymbolicLink),
            Err(err) => return Err(OpenError::from_errno(err)),
        };
    }
    Ok(dir)
}

fn is_link_in(dir: &OwnedFd, name: &OsStr) -> bool {
    statat(dir, name, AtFlags::SYMLINK_NOFOLLOW).is_ok_and(|stat| FileType::from_raw_mode(stat.st_mode) == FileType::Symlink)
}

/// Opens the regular file `name` in `dir` for reading, never through a link and never
/// blocking on a FIFO. `Ok(None)` when it is not a regular file.
pub fn open_file_in(dir: &OwnedFd, name: &OsStr) -> Result<Option<File>, OpenError> {
    open_regular(|flags| openat(dir, name, flags, Mode::empty()))
}

/// The regular file `open` opens with the flags it is given (`Ok(None)`: not one).
fn open_regular(open: impl Fn(OFlags) -> Result<OwnedFd, Errno>) -> Result<Option<File>, OpenError> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = match open(flags | OFlags::NONBLOCK) {
        Ok(fd) => fd,
        // O_NOFOLLOW on a final link fails with ELOOP: not a regular file.
        Err(Errno::LOOP) => return Ok(None),
        // A regular file under another `apply`'s write lease: wait for it (a FIFO never
        // answers EAGAIN to a non-blocking open for reading).
        Err(Errno::AGAIN) => match open(flags) {
            Ok(fd) => fd,
            Err(Errno::LOOP) => return Ok(None),
            Err(err) => return Err(OpenError::Io(io::Error::from(err))),
        },
        Err(err) => return Err(OpenError::Io(io::Error::from(err))),
    };
    let file = File::from(fd);
    let is_file = file.metadata().map_err(OpenError::Io)?.file_type().is_file();
    Ok(is_file.then_some(file))
}

/// Reads the regular file at `path` without following any link on the way.
pub fn read(path: &Path) -> Result<Vec<u8>, OpenError> {
    // One `openat2(RESOLVE_NO_SYMLINKS)` instead of an open per directory on the way
    // (every file of every run is read here); a link anywhere fails it with ELOOP. On a
    // kernel without it (before 5.6, or a sandbox refusing it) the walk does the same.
    let opened = match open_regular(|flags| openat2(CWD, path, flags, Mode::empty(), ResolveFlags::NO_SYMLINKS)) {
        Err(OpenError::Io(err)) if matches!(err.raw_os_error(), Some(code) if code == Errno::NOSYS.raw_os_error() || code == Errno::PERM.raw_os_error()) => {
            let (dir, name) = open_parent(path)?;
            open_file_in(&dir, name)
        }
        opened => opened,
    };
    let mut file = opened?.ok_or(OpenError::SymbolicLink)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(OpenError::Io)?;
    Ok(bytes)
}

/// The first proper prefix of `path` (a directory on the way) that is a symbolic link.
pub fn linked_parent(path: &Path) -> Option<&Path> {
    let mut ancestors: Vec<&Path> = path.ancestors().skip(1).filter(|prefix| !prefix.as_os_str().is_empty()).collect();
    ancestors.reverse();
    ancestors.into_iter().find(|prefix| {
        prefix.file_name().is_some() && std::fs::symlink_metadata(prefix).is_ok_and(|meta| meta.file_type().is_symlink())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn reads_a_real_path_and_refuses_any_link_on_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("real/sub")).unwrap();
        std::fs::write(root.join("real/sub/a.py"), "x = 1\n").unwrap();
        symlink(root.join("real"), root.join("link")).unwrap();
        symlink(root.join("real/sub/a.py"), root.join("real/sub/b.py")).unwrap();
        assert_eq!(read(&root.join("real/sub/a.py")).unwrap(), b"x = 1\n");
        assert_eq!(read(&root.join("real/./sub/../sub/a.py")).unwrap(), b"x = 1\n");
        assert!(matches!(read(&root.join("link/sub/a.py")), Err(OpenError::SymbolicLink)));
        assert!(matches!(read(&root.join("real/sub/b.py")), Err(OpenError::SymbolicLink)));
        assert!(matches!(read(&root.join("real/missing.py")), Err(OpenError::Io(_))));
        assert_eq!(linked_parent(&root.join("link/sub/a.py")), Some(root.join("link").as_path()));
        assert_eq!(linked_parent(&root.join("real/sub/a.py")), None);
        assert_eq!(linked_parent(&root.join("link")), None);
    }
}
