//! The harness every CLI test file shares: run the real `critmin` binary in a temporary
//! directory and read what it printed. Each test file includes it with `mod support;`, so a
//! helper one file does not use is not dead code in another.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Result of one run of the binary, with stdout and stderr decoded.
pub(crate) struct Run {
    pub(crate) args: Vec<String>,
    pub(crate) output: Output,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    /// Asserts exit status 0 and returns self.
    pub(crate) fn success(self) -> Run {
        assert!(
            self.output.status.success(),
            "`critmin {}` failed with {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.output.status,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts exit status `code` and returns self.
    pub(crate) fn fails_with(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            Some(code),
            "`critmin {}`: expected exit status {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.stdout,
            self.stderr
        );
        self
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "`critmin {}` did not print JSON ({e}):\n{}",
                self.args.join(" "),
                self.stdout
            )
        })
    }
}

/// Runs `critmin args...` in `dir`, with the environment's `CRITMIN_DATA` removed so that a
/// developer's own data directory cannot leak into the tests.
pub(crate) fn critmin(dir: &Path, args: &[&str]) -> Run {
    critmin_with(dir, args, &[])
}

pub(crate) fn critmin_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_critmin"));
    cmd.args(args).current_dir(dir).env_remove("CRITMIN_DATA");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("running the critmin binary");
    Run {
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        stdout: String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8"),
        output,
    }
}

pub(crate) fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("creating a temporary directory")
}

/// A path under the workspace `data/` directory.
pub(crate) fn data_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(rel)
}

pub(crate) fn as_f64(v: &Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what}: expected a number, found {v}"))
}

pub(crate) fn as_str<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what}: expected a string, found {v}"))
}

pub(crate) fn records(v: &Value) -> &Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected a JSON array, found {v}"))
}

/// A `critmin serve` child process on a free loopback port, with `dir` as its working
/// directory (and trade cache), the embedded data only; killed when dropped. Tests kill it
/// with SIGKILL through `child`.
pub(crate) struct Server {
    pub(crate) child: std::process::Child,
    pub(crate) addr: std::net::SocketAddr,
}

impl Server {
    /// Starts `critmin serve --bind 127.0.0.1:0 --db DB EXTRA...` and reads the address from
    /// its first stdout line.
    pub(crate) fn start(dir: &Path, db: &str, extra: &[&str]) -> Server {
        use std::io::{BufRead, BufReader};
        use std::process::Stdio;
        let mut child = Command::new(env!("CARGO_BIN_EXE_critmin"))
            .args(["serve", "--bind", "127.0.0.1:0", "--db", db])
            .args(extra)
            .current_dir(dir)
            .env("RUST_LOG", "warn")
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env_remove("CRITMIN_DATA")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting critmin serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("reading the first line of critmin serve");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .expect("an address");
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
