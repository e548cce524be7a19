//! Credentials: password hashing, client tokens, session JWTs and the backend secret key.

pub mod client_token;
pub mod jwt;
pub mod key_ring;
pub mod password;
pub mod secret_key;

use std::io::Write as _;
use std::path::Path;

/// Write `contents` to `path` readable only by the owner (mode 0600 on Unix), atomically via a temporary file.
pub(crate) fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(contents)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}
