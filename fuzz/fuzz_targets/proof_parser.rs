//! The proof-file parser and verifier behind `critmin ledger proof verify`: no panic, and a
//! parsed case survives a write-and-read round trip unchanged with the same verdict.
#![no_main]

use critmin_merkle::case::ProofCase;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(case) = ProofCase::parse(data) {
        let verdict = case.verify();
        let again = ProofCase::parse(case.to_json().as_bytes()).expect("own output parses");
        assert_eq!(again, case);
        assert_eq!(again.verify(), verdict);
    }
});
