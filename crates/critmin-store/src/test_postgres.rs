//! A throwaway PostgreSQL server for tests: `initdb` into a temporary directory, started on a
//! free loopback port with its unix socket in that directory, stopped and deleted when the
//! value drops (also when the test panics, since unwinding runs `Drop`).
//!
//! The binaries are found through `CRITMIN_PG_BINDIR`, then `pg_config --bindir`, then `initdb`
//! on `PATH`, then the newest `/usr/lib/postgresql/*/bin` (Debian's layout).
//!
//! `initdb` and `postgres` refuse to run as root. When the test runs as root (as on CI), both
//! run as the unprivileged user `nobody` through `runuser -u nobody --`, with the temporary
//! directory chowned to it.
//!
//! Without PostgreSQL, [`ThrowawayPostgres::start`] returns `Ok(None)` and prints a loud note,
//! except under `./dev test` or on CI ([`test_tools_required`]): then it is an error, because
//! the suite must test both engines.

use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A running PostgreSQL server owned by the test.
#[derive(Debug)]
pub struct ThrowawayPostgres {
    bindir: PathBuf,
    data: PathBuf,
    run_as_nobody: bool,
    url: String,
    // Dropped last: the directory goes after the server stopped.
    _dir: tempfile::TempDir,
}

/// Where the PostgreSQL binaries are, if anywhere.
pub fn find_bindir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CRITMIN_PG_BINDIR") {
        return Some(PathBuf::from(dir));
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && dir.join("initdb").is_file() {
            return Some(dir);
        }
    }
    if let Some(path) = std::env::var_os("PATH")
        && let Some(dir) = std::env::split_paths(&path).find(|d| d.join("initdb").is_file())
    {
        return Some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

fn id_of_nobody(flag: &str) -> Result<u32, String> {
    let out = Command::new("id")
        .args([flag, "nobody"])
        .output()
        .map_err(|e| format!("id: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|_| "user nobody not found (needed to run PostgreSQL as non-root)".to_owned())
}

fn check(what: &str, out: std::io::Result<Output>) -> Result<Output, String> {
    let out = out.map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Whether a test must fail rather than skip when a tool it needs (PostgreSQL, Chromium,
/// chromedriver) is missing: on CI (`CI` set) and under `./dev test`
/// (`CRITMIN_REQUIRE_TEST_TOOLS` set), which installs them first. A plain `cargo test` on a
/// machine without them skips those tests with a loud note instead.
pub fn test_tools_required() -> bool {
    std::env::var_os("CI").is_some() || std::env::var_os("CRITMIN_REQUIRE_TEST_TOOLS").is_some()
}

impl ThrowawayPostgres {
    /// Starts a server, or returns `Ok(None)` when PostgreSQL is not installed and
    /// [`test_tools_required`] is false (after printing why the caller's test is skipped).
    pub fn start() -> Result<Option<ThrowawayPostgres>, String> {
        let Some(bindir) = find_bindir() else {
            if test_tools_required() {
                return Err(
                    "PostgreSQL is not installed: `./dev test` installs the postgresql package \
                            (or run `apt-get install -y postgresql`); these tests may not be skipped here"
                        .into(),
                );
            }
            eprintln!(
                "\n!!! SKIPPED: PostgreSQL not found (no initdb via CRITMIN_PG_BINDIR, pg_config, PATH or \
                 /usr/lib/postgresql/*/bin); the PostgreSQL half of this test did not run !!!\n"
            );
            return Ok(None);
        };
        let dir = tempfile::Builder::new()
            .prefix("critmin-pg-")
            .tempdir()
            .map_err(|e| format!("temp dir: {e}"))?;
        let run_as_nobody = running_as_root();
        if run_as_nobody {
            let (uid, gid) = (id_of_nobody("-u")?, id_of_nobody("-g")?);
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).map_err(|e| format!("chown: {e}"))?;
        }
        let data = dir.path().join("data");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("finding a free port: {e}"))?
            .port();
        let server = ThrowawayPostgres {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            bindir,
            data,
            run_as_nobody,
            _dir: dir,
        };
        let data = server.data.display().to_string();
        check(
            "initdb",
            server
                .command("initdb")
                .args(["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
                .output(),
        )?;
        let socket_dir = server._dir.path().display().to_string();
        let log = server._dir.path().join("postgres.log").display().to_string();
        // fsync off: the tests kill the critmin server, never PostgreSQL, so PostgreSQL's own
        // crash safety is not under test and syncing only costs time.
        let options = format!("-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off");
        check(
            "pg_ctl start",
            server
                .command("pg_ctl")
                .args(["-D", &data, "-l", &log, "-w", "-t", "60", "-o", &options, "start"])
                .output(),
        )
        .map_err(|e| {
            format!(
                "{e}\nserver log:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        })?;
        Ok(Some(server))
    }

    /// The connection URL (`postgres://postgres@127.0.0.1:PORT/postgres`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A command running the PostgreSQL binary `name`, as `nobody` when we are root.
    fn command(&self, name: &str) -> Command {
        let program = self.bindir.join(name);
        let mut cmd = if self.run_as_nobody {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        // The working directory must be readable by the user the server runs as.
        cmd.current_dir(Path::new("/"));
        cmd
    }
}

impl Drop for ThrowawayPostgres {
    fn drop(&mut self) {
        let data = self.data.display().to_string();
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .output();
    }
}
