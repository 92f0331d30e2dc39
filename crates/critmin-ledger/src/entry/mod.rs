//! Ledger entries: what an organisation states, in one canonical, versioned byte encoding,
//! signed with ed25519.
//!
//! Layout of a signed entry (all integers little-endian, strings and lists prefixed by a u32
//! length): magic `CMLE`, version `1`, log origin, organisation id, signer public key (32 bytes),
//! per-key sequence number (u64), timestamp (unix seconds, i64), payload tag (u8) and payload
//! fields, then the 64-byte signature. The signature covers [`SIGNING_CONTEXT`] followed by every
//! byte before it, so the origin (no cross-log replay) and the sequence number (no replay within
//! the log) are signed. The Merkle leaf is the whole signed entry.
//!
//! The module is split by concern: `types` (what an entry says, with its JSON form),
//! `encoding` (the canonical bytes), `checks` (content rules that need no ledger state),
//! `signing` (ed25519 and [`Signer`]) and `hex` (hex text of keys and entries). Every public
//! item is re-exported here, so `critmin_ledger::entry::X` is the one path to use.

mod checks;
mod encoding;
mod hex;
mod signing;
mod types;

pub use hex::{from_hex, to_hex};
pub use signing::{SignatureError, Signer, VerifiedEntry, signing_message};
pub use types::{
    CreditClaim, CustodyModel, EntryBody, Feed, Grade, LotId, LotSpec, LotUse, OrgId, Origin, Payload, Role,
    SignedEntry,
};

/// First bytes of every encoded entry.
pub const MAGIC: &[u8; 4] = b"CMLE";
/// Version of the encoding written by this code.
pub const VERSION: u8 = 1;
/// Domain-separation prefix of the signed message.
pub const SIGNING_CONTEXT: &[u8] = b"critmin-ledger-entry/v1\0";
/// Largest encoded entry accepted, in bytes.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024;
/// Most items in any list of an entry (inputs, outputs, grades, feeds, credits).
pub const MAX_ITEMS: usize = 256;
/// Longest free text (names, sites, statements).
pub const MAX_TEXT: usize = 1024;
/// Longest identifier (organisations, lots, log origin).
pub const MAX_ID: usize = 64;
/// Parts per million: grades and tolerances are integers on this scale (1,000,000 = 100 %).
pub const PPM: u32 = 1_000_000;

/// An ed25519 public key, 32 bytes.
pub type PublicKey = [u8; 32];

/// Why an entry's content is not allowed, independent of the ledger's state: the field at
/// fault and what was expected (the model's one `FieldError`).
pub use critmin_model::FieldError;

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use super::*;
    use crate::codec::DecodeError;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn sample() -> EntryBody {
        EntryBody {
            origin: "test-log".into(),
            org: OrgId("mine-co".into()),
            key: key(1).verifying_key().to_bytes(),
            seq: 7,
            timestamp: 1_750_000_000,
            payload: Payload::Transform {
                inputs: vec![LotUse {
                    lot: LotId("ore-1".into()),
                    mass_g: 1_000,
                }],
                outputs: vec![LotSpec {
                    id: LotId("conc-1".into()),
                    form: "concentrate".into(),
                    mass_g: 100,
                    grades: vec![Grade {
                        element: "cobalt".into(),
                        ppm: 90_000,
                    }],
                    country: "COD".parse().unwrap(),
                }],
                tolerance_ppm: 50_000,
                model: CustodyModel::MassBalance,
                credits: vec![CreditClaim {
                    lot: LotId("conc-1".into()),
                    element: "cobalt".into(),
                    origin: Origin {
                        country: "AUS".parse().unwrap(),
                        recycled: false,
                    },
                    ug: 12,
                }],
            },
        }
    }

    #[test]
    fn encoding_round_trips_and_signature_verifies() {
        let signed = sample().sign(&key(1));
        let bytes = signed.encode();
        let back = SignedEntry::decode(&bytes).unwrap();
        assert_eq!(back, signed);
        assert_eq!(back.encode(), bytes);
        back.verify_signature().unwrap();
    }

    #[test]
    fn any_changed_byte_breaks_decoding_or_the_signature() {
        let bytes = sample().sign(&key(1)).encode();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x01;
            if let Ok(entry) = SignedEntry::decode(&bad) {
                assert!(entry.verify_signature().is_err(), "flipping byte {i} went unnoticed");
            }
        }
    }

    #[test]
    fn truncated_or_padded_input_is_refused() {
        let bytes = sample().sign(&key(1)).encode();
        for n in 0..bytes.len() {
            assert!(SignedEntry::decode(&bytes[..n]).is_err());
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(SignedEntry::decode(&longer), Err(DecodeError::Trailing(1)));
    }

    #[test]
    fn field_rules_name_the_field() {
        let mut body = sample();
        if let Payload::Transform { outputs, .. } = &mut body.payload {
            outputs[0].grades[0].ppm = 0;
        }
        let e = body.check_fields().unwrap_err();
        assert_eq!(e.field, "outputs[0].grades[0].ppm");
    }

    #[test]
    fn payloads_read_from_json() {
        let json = r#"{"type":"extract","lot":{"id":"ore-1","form":"ore","mass_g":5000,
            "grades":[{"element":"cobalt","ppm":10000}],"country":"COD"},"site":"Kamoto"}"#;
        let p: Payload = serde_json::from_str(json).unwrap();
        assert_eq!(p.kind(), "extract");
        assert!(serde_json::from_str::<Payload>(r#"{"type":"extract","extra":1}"#).is_err());
    }
}
