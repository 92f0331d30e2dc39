//! Keeps each crate readable: no import circle between the top-level modules of a crate, and
//! no source file over `LONG_FILE_LINES` lines of non-test code unless its header says why.
//!
//! Text-level checks on purpose: they need no compiler plugin and read like the rules in
//! ARCHITECTURE.md. A module depends on another when it names `crate::other` (directly, in a
//! `use crate::{…}` group, or through a name the crate root re-exports from `other`); a
//! top-level file also reaches its siblings through `super::other`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Lines of non-test code a file may have before it must say why it is long.
const LONG_FILE_LINES: usize = 600;
/// The phrase a long file's header must carry, followed by its reason.
const LONG_FILE_MARK: &str = "Long file:";

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file without its unit tests: everything from the first `#[cfg(test)]` on.
fn non_test_code(text: &str) -> &str {
    text.find("\n#[cfg(test)]").map_or(text, |at| &text[..at])
}

/// A file that holds only tests (`mod tests;` in its own file, a `test_support` module).
fn is_test_only(path: &Path) -> bool {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    stem == "tests" || stem.ends_with("_tests") || path.components().any(|c| c.as_os_str() == "tests")
}

/// The top-level module a source file belongs to, or `None` for the crate root and binaries.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?.to_owned();
    if rel.components().count() == 1 {
        let stem = first.trim_end_matches(".rs");
        return (!matches!(stem, "lib" | "main")).then(|| stem.to_owned());
    }
    (first != "bin").then_some(first)
}

fn identifiers_after(text: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first identifier of each top-level item.
            let mut depth = 0usize;
            let mut items = vec![String::new()];
            for c in group.chars() {
                match c {
                    '}' if depth == 0 => break,
                    ',' if depth == 0 => items.push(String::new()),
                    _ => {
                        depth = match c {
                            '{' => depth + 1,
                            '}' => depth - 1,
                            _ => depth,
                        };
                        items.last_mut().unwrap().push(c);
                    }
                }
            }
            for item in items {
                let ident: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !ident.is_empty() {
                    found.push(ident);
                }
            }
        } else {
            let ident: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !ident.is_empty() {
                found.push(ident);
            }
        }
    }
    found
}

/// Names the crate root re-exports, mapped to the module that defines them.
fn root_reexports(root_file: &Path) -> BTreeMap<String, String> {
    let text = fs::read_to_string(root_file).unwrap_or_default();
    let mut map = BTreeMap::new();
    for statement in text.split(';') {
        let statement = statement.trim();
        let Some(path) = statement
            .strip_prefix("pub use ")
            .or_else(|| statement.strip_prefix("pub(crate) use "))
        else {
            continue;
        };
        let path = path.trim_start_matches("self::").trim_start_matches("crate::");
        let Some((module, items)) = path.split_once("::") else {
            continue;
        };
        for name in items.trim_matches(|c| c == '{' || c == '}').split(',') {
            let name = name
                .rsplit("::")
                .next()
                .unwrap_or("")
                .split(" as ")
                .last()
                .unwrap_or("")
                .trim();
            if !name.is_empty() {
                map.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    map
}

fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let root = ["lib.rs", "main.rs"].iter().map(|f| src.join(f)).find(|p| p.exists());
    let reexports = root.as_deref().map(root_reexports).unwrap_or_default();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        if let Some(module) = top_module(src, file) {
            graph.entry(module).or_default();
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for file in files.iter().filter(|f| !is_test_only(f)) {
        let Some(module) = top_module(src, file) else { continue };
        let text = fs::read_to_string(file).unwrap();
        // Comments name paths without depending on them (doc links).
        let code: String = non_test_code(&text)
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let code = code.as_str();
        let mut names = identifiers_after(code, "crate::");
        if file.parent() == Some(src) {
            names.extend(identifiers_after(code, "super::"));
        }
        for name in names {
            let target = if modules.contains(&name) {
                Some(name)
            } else {
                reexports.get(&name).cloned()
            };
            if let Some(target) = target.filter(|t| *t != module && modules.contains(t)) {
                graph.get_mut(&module).unwrap().insert(target);
            }
        }
    }
    graph
}

/// Every cycle's members, found by depth-first search from each module in name order.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str, seen: &mut BTreeSet<String>) -> bool {
        graph[from]
            .iter()
            .any(|next| next == to || (seen.insert(next.clone()) && reaches(graph, next, to, seen)))
    }
    let mut found: Vec<Vec<String>> = Vec::new();
    for module in graph.keys() {
        if found.iter().any(|c| c.contains(module)) {
            continue;
        }
        let members: Vec<String> = graph
            .keys()
            .filter(|other| {
                *other == module
                    || (reaches(graph, module, other, &mut BTreeSet::new())
                        && reaches(graph, other, module, &mut BTreeSet::new()))
            })
            .cloned()
            .collect();
        if members.len() > 1 {
            found.push(members);
        }
    }
    found
}

fn crate_sources() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = fs::read_dir(crates_dir())
        .unwrap()
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path().join("src")))
        .filter(|(_, src)| src.is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn no_import_circle_inside_a_crate() {
    let mut failures = Vec::new();
    for (name, src) in crate_sources() {
        for circle in circles(&module_graph(&src)) {
            failures.push(format!("{name}: {}", circle.join(" ↔ ")));
        }
    }
    assert!(
        failures.is_empty(),
        "import circles between top-level modules:\n{}",
        failures.join("\n")
    );
}

#[test]
fn long_files_say_why() {
    let mut failures = Vec::new();
    for (_, src) in crate_sources() {
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for file in files.iter().filter(|f| !is_test_only(f)) {
            let text = fs::read_to_string(file).unwrap();
            let lines = non_test_code(&text).lines().count();
            let header: String = text.lines().take(30).collect::<Vec<_>>().join("\n");
            if lines > LONG_FILE_LINES && !header.contains(LONG_FILE_MARK) {
                let shown = file.strip_prefix(crates_dir()).unwrap_or(file);
                failures.push(format!("{} ({lines} lines)", shown.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "files over {LONG_FILE_LINES} lines of non-test code without a `{LONG_FILE_MARK}` reason in their first 30 lines:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [("a", &["b"][..]), ("b", &["c"]), ("c", &["a"]), ("d", &["a"])]
        .into_iter()
        .map(|(m, deps)| (m.to_owned(), deps.iter().map(|d| (*d).to_owned()).collect()))
        .collect();
    assert_eq!(
        circles(&graph),
        vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]
    );
}

#[test]
fn use_groups_name_their_first_identifiers() {
    let names = identifiers_after("use crate::{a::X, b, c::{d, e}};\nlet y = crate::f::g();", "crate::");
    assert_eq!(names, ["a", "b", "c", "f"]);
}
