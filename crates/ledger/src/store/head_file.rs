//! The ledger's checkpoint kept outside sled, one file per collective
//! (`STORE/checkpoints/{code}`): the latest checkpoint note, written after every append.
//!
//! sled takes a checksum failure near the end of its log for a torn write and silently drops
//! everything after it, acknowledged appends included. This file is written atomically and
//! durably (temp file, fsync, rename, fsync of the directory) after sled holds the append, so on
//! open a sled head behind it or different from it is found and named (exit 3) instead of the
//! ledger quietly answering from an older state.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The directory beside sled's files that holds one checkpoint file per collective.
pub const DIRECTORY: &str = "checkpoints";
/// The largest checkpoint file read back: a body and its signature lines.
const FILE_BYTES_MAX: u64 = 1024 * 1024;

pub fn path(store: &Path, ledger_id: &str) -> PathBuf {
    store.join(DIRECTORY).join(ledger_id)
}

/// Replaces the file at `path` with `text`: written to a temporary file, fsynced, renamed over
/// the old one, and the directory fsynced, so after a crash the file holds either the old text
/// or the new, never a mixture or nothing.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other(format!("{} has no directory", path.display())))?;
    std::fs::create_dir_all(dir)?;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path)?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// The file's text, or None when there is no file.
pub fn read(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
        Ok(meta) if meta.len() > FILE_BYTES_MAX => {
            return Err(std::io::Error::other(format!(
                "{} is {} bytes, more than a checkpoint holds",
                path.display(),
                meta.len()
            )))
        }
        Ok(_) => {}
    }
    let bytes = std::fs::read(path)?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| std::io::Error::other(format!("{} is not UTF-8", path.display())))
}
