//! Headless Debian Chromium for this crate's browser tests (one copy, `mod support;` in each).
//!
//! `browse` runs Chromium on a URL with `--enable-logging=stderr --v=0`, so every console
//! message of the page is a `CONSOLE` line on stderr (see
//! `crates/critmin-cli/tests/report_browser.rs`), and fails on any of them, on a non-zero exit
//! or on a hang. Without `/usr/bin/chromium` a test prints a note and passes, except on CI (`CI`
//! set), where it fails. Screenshots go to the workspace's `target/test-artifacts/`.

// Each test binary uses a part of this module.
#![allow(dead_code)]
#![cfg(unix)]

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium, or `None` (with a loud note) when it is missing off CI.
pub(crate) fn chromium() -> Option<&'static Path> {
    let path = Path::new(CHROMIUM);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        !critmin_store::test_postgres::test_tools_required(),
        "{CHROMIUM} is missing: `./dev test` installs chromium (or apt-get install -y chromium)"
    );
    eprintln!("\n!!! SKIPPED: {CHROMIUM} not found; this browser test did not run !!!\n");
    None
}

/// Runs Chromium on `url` with `extra` flags and returns its stdout (the DOM with
/// `--dump-dom`); fails on a non-zero exit, a hang (killed after 60 s) or any console line.
pub(crate) fn browse(chromium: &Path, extra: &[String], url: &str) -> String {
    let work = tempfile::tempdir().unwrap();
    let (out, err) = (work.path().join("out"), work.path().join("err"));
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", work.path().join("profile").display()))
        .args(extra)
        .arg(url)
        .current_dir(work.path())
        .stdin(Stdio::null())
        .stdout(File::create(&out).unwrap())
        .stderr(File::create(&err).unwrap())
        .process_group(0)
        .spawn()
        .expect("starting Chromium");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!("Chromium hung on {url}");
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    assert!(status.success(), "Chromium failed on {url}: {status:?}\n{stderr}");
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("Uncaught") || l.contains(":CONSOLE") || l.contains("CONSOLE("))
        .collect();
    assert!(problems.is_empty(), "console output on {url}:\n{}", problems.join("\n"));
    std::fs::read_to_string(&out).unwrap_or_default()
}

/// Saves a screenshot of `url` as `target/test-artifacts/dashboard-{name}.png` (1300 × 1700)
/// and checks it is a PNG with something on it; returns its path.
pub(crate) fn screenshot(chromium: &Path, url: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join(format!("dashboard-{name}.png"));
    let _ = std::fs::remove_file(&png);
    browse(
        chromium,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1300,1700".into(),
        ],
        url,
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot {}: {e}", png.display()));
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 20 * 1024,
        "blank screenshot of {url}?"
    );
    png
}

/// The value of attribute `name` in the tag text `tag`.
pub(crate) fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// Every element of the DOM whose start tag contains `marker`, up to the next `end`.
pub(crate) fn tags_with<'a>(dom: &'a str, marker: &str, end: &str) -> Vec<&'a str> {
    dom.match_indices(marker)
        .map(|(i, _)| {
            let start = dom[..i].rfind('<').unwrap();
            let stop = dom[i..].find(end).map_or(dom.len(), |e| i + e);
            &dom[start..stop]
        })
        .collect()
}

pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver process, killed when dropped.
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// chromedriver listening on a free port, or `None` (with a loud note) when it is missing
/// off CI.
pub(crate) fn start_driver() -> Option<(Driver, u16)> {
    if !Path::new(CHROMEDRIVER).is_file() {
        assert!(
            !critmin_store::test_postgres::test_tools_required(),
            "{CHROMEDRIVER} is missing: `./dev test` installs chromium-driver (or apt-get install -y chromium-driver)"
        );
        eprintln!("\n!!! SKIPPED: {CHROMEDRIVER} not found; this WebDriver test did not run !!!\n");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromedriver");
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((driver, port))
}
