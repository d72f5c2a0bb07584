//! A throwaway PostgreSQL server on 127.0.0.1 in a temporary directory, for the tests and the
//! benchmark: `initdb` and `pg_ctl` from PostgreSQL's binaries (`PG_BIN`, Debian's
//! /usr/lib/postgresql/<version>/bin, or PATH). PostgreSQL refuses to run as root: as root it
//! runs as the `postgres` user the Debian package creates.
use std::{
    os::unix::{fs::chown, process::CommandExt},
    path::{Path, PathBuf},
    process::Command,
};

pub struct LocalPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    user: Option<(u32, u32)>,
    port: u16,
}

impl LocalPostgres {
    /// Starts a server; `Err` says why it cannot (no binaries, no user to run it as, ...).
    /// `durable: false` turns fsync off (tests); the benchmark keeps it on.
    pub fn start(durable: bool) -> Result<LocalPostgres, String> {
        let bin = binaries().ok_or("no PostgreSQL server binaries (initdb, pg_ctl) found in PG_BIN, /usr/lib/postgresql/*/bin or PATH")?;
        // SAFETY: geteuid has no preconditions.
        let user =
            if unsafe { libc::geteuid() } == 0 {
                Some(uid_gid("postgres").ok_or(
                    "running as root and there is no `postgres` user to run PostgreSQL as",
                )?)
            } else {
                None
            };
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        if let Some((uid, gid)) = user {
            chown(dir.path(), Some(uid), Some(gid)).map_err(|e| format!("chown: {e}"))?;
        }
        let data = dir.path().join("data");
        let run = |program: &str, args: &[&str]| -> Result<(), String> {
            let mut command = Command::new(bin.join(program));
            command.args(args);
            if let Some((uid, gid)) = user {
                command.uid(uid).gid(gid);
            }
            let out = command.output().map_err(|e| format!("{program}: {e}"))?;
            match out.status.success() {
                true => Ok(()),
                false => Err(format!(
                    "{program} failed: {}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                )),
            }
        };
        let data_arg = data.to_string_lossy().to_string();
        run(
            "initdb",
            &[
                "-D",
                &data_arg,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        )?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("free port: {e}"))?
            .port();
        let fsync = if durable { "on" } else { "off" };
        let options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync={fsync}",
            dir.path().display()
        );
        let log = dir.path().join("server.log").to_string_lossy().to_string();
        run(
            "pg_ctl",
            &[
                "-D", &data_arg, "-o", &options, "-l", &log, "-w", "-t", "60", "start",
            ],
        )?;
        Ok(LocalPostgres {
            dir,
            bin,
            user,
            port,
        })
    }

    /// A URL for the server's `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for LocalPostgres {
    fn drop(&mut self) {
        let mut command = Command::new(self.bin.join("pg_ctl"));
        command.args([
            "-D",
            &self.dir.path().join("data").to_string_lossy(),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]);
        if let Some((uid, gid)) = self.user {
            command.uid(uid).gid(gid);
        }
        let _ = command.output();
    }
}

fn binaries() -> Option<PathBuf> {
    let has = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("PG_BIN").map(PathBuf::from) {
        return has(&dir).then_some(dir);
    }
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|d| has(d))
        .collect();
    // The newest version installed.
    debian.sort();
    if let Some(dir) = debian.pop() {
        return Some(dir);
    }
    std::env::split_paths(&std::env::var_os("PATH")?).find(|d| has(d))
}

fn uid_gid(user: &str) -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, user]).output().ok()?;
        String::from_utf8(out.stdout).ok()?.trim().parse().ok()
    };
    Some((id("-u")?, id("-g")?))
}
