//! The bundle reader and offline verifier: any bytes either fail to parse, fail to verify with
//! a reason, or verify — never a panic or an unbounded allocation.
#![no_main]

use critmin_ledger::bundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = bundle::parse(data) {
        let _ = bundle::verify(&b, None);
    }
});
