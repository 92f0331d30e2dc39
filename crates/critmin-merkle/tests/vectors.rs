//! The 196 public RFC 9162 proof test vectors (transparency-dev/merkle `testdata/`), kept in the
//! repository at `testdata/rfc9162` with their licence. A missing directory fails the test: a
//! silently skipped conformance gate is worse than none.

use std::path::{Path, PathBuf};

use critmin_merkle::case::ProofCase;

fn vectors_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/rfc9162");
    assert!(
        dir.is_dir(),
        "RFC 9162 test vectors not found at {}: the repository's testdata/rfc9162 is missing",
        dir.display()
    );
    dir
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_public_vector_agrees() {
    let dir = vectors_dir();
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    files.sort();
    let (mut inclusion, mut consistency) = (0, 0);
    let mut disagreements = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let meta: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let want_err = meta["wantErr"].as_bool().expect("every vector says wantErr");
        let case = ProofCase::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match case {
            ProofCase::Inclusion { .. } => inclusion += 1,
            ProofCase::Consistency { .. } => consistency += 1,
        }
        let result = case.verify();
        if result.is_err() != want_err {
            disagreements.push(format!("{}: wantErr {want_err}, got {result:?}", path.display()));
        }
    }
    assert_eq!(
        (inclusion, consistency),
        (98, 98),
        "expected the 98 + 98 published cases"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
