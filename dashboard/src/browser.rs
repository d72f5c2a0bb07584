//! Debian's headless Chromium, for the tests that load the page (this crate's and the
//! indexer's): the flags this machine's closed network needs, console messages on stderr.
use std::{path::Path, process::Command};

/// Chromium ready to load a page with `profile` as its user data directory; `None`, with the
/// reason printed, where it is not installed (`.ci/run` installs it).
pub fn headless_chromium(profile: &Path) -> Option<Command> {
    let path = Path::new("/usr/bin/chromium");
    if !path.exists() {
        eprintln!("skipped: /usr/bin/chromium is not installed (apt-get install chromium)");
        return None;
    }
    let mut cmd = Command::new(path);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=10000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    Some(cmd)
}
