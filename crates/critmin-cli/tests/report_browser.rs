//! The HTML report in a real browser: `critmin report` writes the page, headless Debian
//! Chromium loads it from `file://`, and we check that the script ran without a JavaScript
//! error, that it drew the map and the supplier table itself, and take a screenshot into
//! `target/test-artifacts/report.png` for people to look at.
//!
//! Without `/usr/bin/chromium` the tests print a note and pass, except on CI (env `CI` set),
//! where they fail: `.ci/run` must install the `chromium` package.
//!
//! How Chromium reports page errors (checked with Chromium 156 on Debian 12, and re-checked
//! by `the_console_error_detector_catches_real_chromium_output` below): with
//! `--enable-logging=stderr --v=0`, every console message and every uncaught exception of the
//! page is a stderr line like
//! `[pid:tid:MMDD/HHMMSS.micros:INFO:CONSOLE:3] "Uncaught TypeError: boom", source: file:///…/x.html (3)`.
//! The level is always `INFO`: `console.error("x")` and `console.log("x")` print the same
//! line. The report's script never writes to the console, so any console line from the page is
//! treated as an error, as is any line containing `Uncaught`.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
/// A hung browser is killed after this long, and the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The Chromium binary, or `None` (after printing a note) when it is missing outside CI.
fn chromium() -> Option<&'static Path> {
    let path = Path::new(CHROMIUM);
    if path.is_file() {
        return Some(path);
    }
    if critmin_store::test_postgres::test_tools_required() {
        panic!(
            "{CHROMIUM} is missing: `./dev test` installs chromium (or apt-get install -y chromium) for the browser test of the report"
        );
    }
    eprintln!(
        "note: {CHROMIUM} not found; skipping the browser test of the report (install the `chromium` package to run it)"
    );
    None
}

struct BrowserRun {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `url` with a fresh profile, output captured in files under a
/// temporary directory, and kills its whole process group after [`TIMEOUT`].
fn run_chromium(chromium: &Path, extra: &[String], url: &str) -> BrowserRun {
    let work = tempfile::tempdir().expect("a temporary directory for Chromium");
    let profile = work.path().join("profile");
    let out_path = work.path().join("stdout");
    let err_path = work.path().join("stderr");
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000"])
    .args(extra)
    .arg(url)
    .current_dir(work.path())
    .stdin(Stdio::null())
    .stdout(File::create(&out_path).expect("creating the stdout file"))
    .stderr(File::create(&err_path).expect("creating the stderr file"))
    // Its own process group, so that a timeout can end the browser and all its helpers.
    .process_group(0);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", chromium.display()));
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait().expect("waiting for Chromium") {
            Some(status) => break status,
            None if Instant::now() >= deadline => {
                // The group id is the child's pid (process_group(0) above).
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
                panic!(
                    "Chromium did not finish within {} s and was killed; url {url}; stderr:\n{stderr}",
                    TIMEOUT.as_secs()
                );
            }
            // Polling, not a timing assertion: the loop ends as soon as Chromium exits.
            None => std::thread::sleep(Duration::from_millis(25)),
        }
    };
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).expect("reading Chromium output")).into_owned();
    BrowserRun {
        status,
        stdout: read(&out_path),
        stderr: read(&err_path),
    }
}

/// stderr lines that report a JavaScript problem of the page (see the module docs).
fn js_problems(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            l.contains("Uncaught")
                || l.contains(":CONSOLE")
                || (l.contains("CONSOLE") && l.to_ascii_lowercase().contains("error"))
        })
        .collect()
}

fn assert_clean(run: &BrowserRun, what: &str) {
    assert!(
        run.status.success(),
        "Chromium failed on {what} with {:?}; stderr:\n{}",
        run.status,
        run.stderr
    );
    let problems = js_problems(&run.stderr);
    assert!(
        problems.is_empty(),
        "JavaScript errors or console output in {what}:\n{}",
        problems.join("\n")
    );
}

fn file_url(path: &Path) -> String {
    let abs = path.canonicalize().expect("an existing file");
    format!("file://{}", abs.display())
}

/// Writes the report with the real binary into `dir` and returns its path.
fn write_report(dir: &Path) -> PathBuf {
    let out = Command::new(env!("CARGO_BIN_EXE_critmin"))
        .args(["report", "--out", "report.html"])
        .current_dir(dir)
        .env_remove("CRITMIN_DATA")
        .output()
        .expect("running critmin report");
    assert!(
        out.status.success(),
        "critmin report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("report.html")
}

// ---------------------------------------------------------------------------------------------
// Small HTML helpers (the report is generated by us, so plain string search is enough)
// ---------------------------------------------------------------------------------------------

/// The byte range of the content between `open` and the next `close`.
fn inner_range(html: &str, open: &str, close: &str) -> std::ops::Range<usize> {
    let start = html.find(open).unwrap_or_else(|| panic!("no {open:?} in the page")) + open.len();
    let len = html[start..]
        .find(close)
        .unwrap_or_else(|| panic!("no {close:?} after {open:?}"));
    start..start + len
}

fn inner<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    &html[inner_range(html, open, close)]
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Text content of a fragment: tags removed, entities decoded.
fn text(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in fragment.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(out.trim())
}

/// Value of attribute `name` inside one start tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// The start tags `<path class="country" …>` of the map.
fn country_paths(html: &str) -> Vec<&str> {
    let open = "<path class=\"country\"";
    html.match_indices(open)
        .map(|(i, _)| {
            let end = html[i..].find('>').expect("a closed path tag");
            &html[i..=i + end]
        })
        .collect()
}

/// `data-code` → `fill` of every country path (fill `None` when absent).
fn fills(html: &str) -> BTreeMap<String, Option<String>> {
    country_paths(html)
        .into_iter()
        .map(|tag| {
            let code = attr(tag, "data-code").expect("a country path has data-code").to_owned();
            (code, attr(tag, "fill").map(str::to_owned))
        })
        .collect()
}

/// The rows of `<tbody id="map-top">` as cell texts.
fn top_rows(html: &str) -> Vec<Vec<String>> {
    inner(html, "<tbody id=\"map-top\">", "</tbody>")
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| text(&format!("<td{cell}")))
                .collect()
        })
        .collect()
}

/// A copy of the report with everything the script draws removed: the supplier rows, the map
/// fills, the map title and caption. If the browser shows them again, the script ran.
fn blank_script_output(html: &str) -> String {
    let mut s = html.to_owned();
    for (open, close) in [
        ("<tbody id=\"map-top\">", "</tbody>"),
        ("<h3 id=\"map-title\">", "</h3>"),
        ("id=\"map-caption\">", "</p>"),
    ] {
        let range = inner_range(&s, open, close);
        s.replace_range(range, "");
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    let open = "<path class=\"country\"";
    while let Some(i) = rest.find(open) {
        let end = i + rest[i..].find('>').expect("a closed path tag");
        out.push_str(&rest[..i]);
        let tag = &rest[i..=end];
        match attr(tag, "fill") {
            Some(fill) => out.push_str(&tag.replacen(&format!(" fill=\"{fill}\""), "", 1)),
            None => out.push_str(tag),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn the_report_runs_in_chromium_and_its_script_draws_the_map() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let report = write_report(dir.path());
    let html = std::fs::read_to_string(&report).expect("reading the report");

    // What the server side rendered, to compare with what the script draws.
    let static_fills = fills(&html);
    let static_rows = top_rows(&html);
    let static_title = text(inner(&html, "<h3 id=\"map-title\">", "</h3>"));
    assert!(static_fills.len() > 100, "only {} country paths", static_fills.len());
    assert!(
        static_rows.len() >= 3,
        "the static supplier table has {} rows",
        static_rows.len()
    );
    assert!(!static_title.is_empty());

    // The blanked copy: the same page minus everything the script is expected to draw.
    let blank = blank_script_output(&html);
    assert!(
        fills(&blank).values().all(Option::is_none),
        "a fill survived the blanking"
    );
    assert!(top_rows(&blank).is_empty() && text(inner(&blank, "<h3 id=\"map-title\">", "</h3>")).is_empty());
    let blank_path = dir.path().join("blank.html");
    std::fs::write(&blank_path, &blank).expect("writing the blanked copy");

    let run = run_chromium(chromium, &["--dump-dom".to_owned()], &file_url(&blank_path));
    assert_clean(&run, "the report (blanked copy)");
    let dom = run.stdout;
    assert!(
        dom.contains("id=\"map-top\""),
        "the dumped DOM is not the report:\n{}",
        &dom[..dom.len().min(500)]
    );

    // The supplier table was filled by the script, with the same suppliers in the same order.
    let rows = top_rows(&dom);
    assert!(rows.len() >= 3, "the script drew {} supplier rows", rows.len());
    assert!(rows.iter().all(|r| r.len() == 4), "rows of 4 cells expected: {rows:?}");
    let names = |rows: &[Vec<String>]| {
        rows.iter()
            .filter(|r| !r[0].is_empty())
            .map(|r| r[1].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&rows),
        names(&static_rows),
        "the script and the page list different suppliers"
    );
    for (drawn, page) in rows.iter().zip(&static_rows) {
        assert_eq!(
            drawn[3], page[3],
            "share of {} differs between script and page",
            page[1]
        );
    }

    // Every country path got a fill, the same colour the server side gives it.
    let drawn_fills = fills(&dom);
    assert_eq!(drawn_fills.len(), static_fills.len(), "country paths lost or added");
    let unfilled: Vec<&String> = drawn_fills
        .iter()
        .filter(|(_, f)| f.is_none())
        .map(|(c, _)| c)
        .collect();
    assert!(
        unfilled.is_empty(),
        "the script left {} paths without fill: {unfilled:?}",
        unfilled.len()
    );
    let coloured = drawn_fills
        .values()
        .flatten()
        .filter(|f| f.as_str() != "#ececec" && f.as_str() != "#bdbdbd")
        .count();
    assert!(coloured >= 3, "only {coloured} countries coloured as suppliers");
    let differing: Vec<String> = drawn_fills
        .iter()
        .filter(|(code, fill)| static_fills.get(*code) != Some(*fill))
        .map(|(code, fill)| format!("{code}: script {fill:?}, page {:?}", static_fills[code]))
        .collect();
    assert!(
        differing.is_empty(),
        "script and page colour countries differently:\n{}",
        differing.join("\n")
    );

    // Title and caption.
    let title = text(inner(&dom, "<h3 id=\"map-title\">", "</h3>"));
    assert_eq!(title, static_title, "#map-title");
    let caption = text(inner(&dom, "id=\"map-caption\">", "</p>"));
    assert!(
        caption.starts_with("Share of the") && caption.contains("HHI"),
        "#map-caption: {caption}"
    );
}

#[test]
fn the_report_screenshot_is_written_to_test_artifacts() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let report = write_report(dir.path());
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
    std::fs::create_dir_all(&artifacts).expect("creating target/test-artifacts");
    let png = artifacts.join("report.png");
    // A stale screenshot from an earlier run must not make this pass.
    let _ = std::fs::remove_file(&png);

    let run = run_chromium(
        chromium,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1400,2400".to_owned(),
        ],
        &file_url(&report),
    );
    assert_clean(&run, "the report (screenshot)");
    let bytes = std::fs::read(&png)
        .unwrap_or_else(|e| panic!("no screenshot at {}: {e}; stderr:\n{}", png.display(), run.stderr));
    assert!(
        bytes.len() > 20 * 1024,
        "the screenshot is only {} bytes (blank page?)",
        bytes.len()
    );
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    assert_eq!(
        (be(&bytes[16..20]), be(&bytes[20..24])),
        (1400, 2400),
        "screenshot size"
    );
}

/// Guards the detector above: a throwaway page with a console error and an uncaught exception
/// must be caught, so a change in Chromium's log format cannot make the report test vacuous.
#[test]
fn the_console_error_detector_catches_real_chromium_output() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"></head><body><p>x</p>\
         <script>console.error('plain message');</script>\
         <script>document.getElementById('no-such-element').textContent = 'x';</script></body></html>",
    )
    .expect("writing the throwaway page");
    let run = run_chromium(chromium, &["--dump-dom".to_owned()], &file_url(&page));
    assert!(
        run.status.success(),
        "Chromium failed: {:?}\n{}",
        run.status,
        run.stderr
    );
    let problems = js_problems(&run.stderr);
    assert!(
        problems.iter().any(|l| l.contains("plain message")),
        "console.error not detected; stderr:\n{}",
        run.stderr
    );
    assert!(
        problems.iter().any(|l| l.contains("Uncaught TypeError")),
        "uncaught exception not detected; stderr:\n{}",
        run.stderr
    );
    // And the harmless noise of a headless run is not mistaken for a page error.
    assert_eq!(problems.len(), 2, "unexpected matches: {problems:#?}");
}
