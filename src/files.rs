//! Files named by options (`ca_bundle`, `certificate_store`, `oauth_settings_location`): opened
//! without following a final symbolic link and without blocking (a FIFO must not hang a
//! backend), accepted only when they are regular files owned by the server's OS user or root,
//! and read with a size cap, so that no option can make a backend read `/dev/zero` or write
//! through a planted link.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

use crate::error::{Error, Result};

/// Largest file an option may name: far above any PEM bundle or token file.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

fn file_error(option: &'static str, path: &Path, reason: impl Into<String>) -> Error {
    Error::File {
        option,
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::ELOOP) => "it is a symbolic link".into(),
        _ => e.kind().to_string(),
    }
}

/// Options for opening without following a final link, without blocking, closed on exec.
fn guarded(options: &mut OpenOptions) -> &mut OpenOptions {
    options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
}

/// Checks that an open file is a regular file owned by this process's user or root.
fn check_open(option: &'static str, path: &Path, file: &File) -> Result<u64> {
    let meta = file
        .metadata()
        .map_err(|e| file_error(option, path, io_reason(&e)))?;
    if !meta.file_type().is_file() {
        return Err(file_error(option, path, "it is not a regular file"));
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Err(file_error(
            option,
            path,
            "it is not owned by the database server's OS user or root",
        ));
    }
    Ok(meta.len())
}

/// Reads the file `path` named by `option`, at most [`MAX_FILE_BYTES`]; `None` when it does
/// not exist.
pub fn read(option: &'static str, path: &Path) -> Result<Option<Vec<u8>>> {
    let file = match guarded(OpenOptions::new().read(true)).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(file_error(option, path, io_reason(&e))),
    };
    let len = check_open(option, path, &file)?;
    if len > MAX_FILE_BYTES {
        return Err(file_error(
            option,
            path,
            format!("it is larger than {MAX_FILE_BYTES} bytes"),
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // A file that grows while it is read still stops at the cap.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| file_error(option, path, io_reason(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(file_error(
            option,
            path,
            format!("it is larger than {MAX_FILE_BYTES} bytes"),
        ));
    }
    Ok(Some(bytes))
}

/// Reads a file that must exist.
pub fn read_existing(option: &'static str, path: &Path) -> Result<Vec<u8>> {
    read(option, path)?.ok_or_else(|| file_error(option, path, "it does not exist"))
}

/// Creates `dir` (mode 0700) when it is missing; an existing directory is left as it is.
fn ensure_dir(option: &'static str, dir: &Path) -> Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| file_error(option, dir, io_reason(&e)))
}

/// Replaces `path` with `bytes` atomically: a new temporary file (created exclusively, mode
/// 0600) is written and synced, renamed over `path`, and the directory is synced.
pub fn replace(option: &'static str, path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new(""));
    ensure_dir(option, dir)?;
    if let Ok(meta) = fs::symlink_metadata(path) {
        if !meta.file_type().is_file() {
            return Err(file_error(option, path, "it is not a regular file"));
        }
    }
    let tmp = path.with_extension(format!(
        "tmp{}.{:016x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let mut file = guarded(OpenOptions::new().write(true).create_new(true))
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| file_error(option, &tmp, io_reason(&e)))?;
    let written = file.write_all(bytes).and_then(|_| file.sync_all());
    if let Err(e) = written.and_then(|_| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(file_error(option, path, io_reason(&e)));
    }
    if !dir.as_os_str().is_empty() {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| file_error(option, dir, io_reason(&e)))?;
    }
    Ok(())
}

/// Opens (creating, mode 0600) a lock file beside the data it guards.
pub fn lock_file(option: &'static str, path: &Path) -> Result<File> {
    let dir = path.parent().unwrap_or(Path::new(""));
    ensure_dir(option, dir)?;
    let file = guarded(
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false),
    )
    .mode(0o600)
    .open(path)
    .map_err(|e| file_error(option, path, io_reason(&e)))?;
    check_open(option, path, &file)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("jira_fdw_files_{name}_{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn reads_regular_files_and_refuses_links_devices_and_huge_files() {
        let dir = scratch("read");
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.pem");
        fs::write(&file, b"hello").unwrap();
        assert_eq!(read("ca_bundle", &file).unwrap().unwrap(), b"hello");
        assert_eq!(read("ca_bundle", &dir.join("missing")).unwrap(), None);
        let link = dir.join("link");
        symlink(&file, &link).unwrap();
        let err = read("ca_bundle", &link).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(
            !err.to_string().contains("jira_fdw_files"),
            "no path in {err}"
        );
        let err = read("ca_bundle", Path::new("/dev/zero")).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let err = read("ca_bundle", &dir).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let big = dir.join("big");
        File::create(&big)
            .unwrap()
            .set_len(MAX_FILE_BYTES + 1)
            .unwrap();
        assert!(read("ca_bundle", &big)
            .unwrap_err()
            .to_string()
            .contains("larger than"));
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_fifo_does_not_block() {
        let dir = scratch("fifo");
        fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let err = read("certificate_store", &fifo).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn replace_is_atomic_private_and_leaves_directories_alone() {
        let dir = scratch("replace");
        let file = dir.join("sub").join("t.json");
        replace("oauth_settings_location", &file, b"one").unwrap();
        replace("oauth_settings_location", &file, b"two").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"two");
        let mode = fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let sub = fs::metadata(dir.join("sub")).unwrap().permissions().mode();
        assert_eq!(sub & 0o777, 0o700);
        // An existing directory keeps its mode.
        fs::set_permissions(dir.join("sub"), fs::Permissions::from_mode(0o755)).unwrap();
        replace("oauth_settings_location", &file, b"three").unwrap();
        let sub = fs::metadata(dir.join("sub")).unwrap().permissions().mode();
        assert_eq!(sub & 0o777, 0o755);
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.join("sub")).unwrap().count(), 1);
        // A link in place of the file is not written through.
        let target = dir.join("target");
        fs::write(&target, b"keep").unwrap();
        let link = dir.join("sub").join("l.json");
        symlink(&target, &link).unwrap();
        assert!(replace("oauth_settings_location", &link, b"x").is_err());
        assert_eq!(fs::read(&target).unwrap(), b"keep");
        let _ = fs::remove_dir_all(dir);
    }
}
