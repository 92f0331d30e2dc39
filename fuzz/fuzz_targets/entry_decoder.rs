//! The canonical entry decoder: never panics, never allocates beyond its input, and whatever
//! it accepts re-encodes to exactly the same bytes (one encoding per entry); accepted entries
//! go through the field rules, the signature check and the state rules without panicking.
#![no_main]

use critmin_ledger::{SignedEntry, State};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(entry) = SignedEntry::decode(data) {
        assert_eq!(entry.encode(), data, "decoding is not canonical");
        let _ = entry.body.check_fields();
        if let Ok(verified) = entry.verify_signature() {
            let mut state = State::new(&verified.entry().body.origin);
            let _ = state.apply(&verified);
        }
    }
});
