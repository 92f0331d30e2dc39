//! Why an entry is refused: one variant per rule, each message saying what to fix.

use crate::entry::{FieldError, LotId, OrgId, SignatureError};

/// Why an entry is rejected. Nothing changes when an entry is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Wrong log.
    #[error("entry is for log `{found}`, this log is `{expected}`")]
    WrongOrigin {
        /// This log.
        expected: String,
        /// The entry's.
        found: String,
    },
    /// The signature does not verify.
    #[error("unauthenticated: {0}")]
    Signature(#[from] SignatureError),
    /// The organisation is not registered.
    #[error("unknown organisation `{0}`")]
    UnknownOrg(OrgId),
    /// The key is not an active key of the organisation.
    #[error("key {key} is not an active key of `{org}`")]
    ForeignKey {
        /// The organisation claimed.
        org: OrgId,
        /// The key used (hex, shortened).
        key: String,
    },
    /// Replay or gap: the sequence number is not the next one for the key.
    #[error("sequence number {found} for this key, expected {expected} (replayed or out of order)")]
    Sequence {
        /// Next expected.
        expected: u64,
        /// Found.
        found: u64,
    },
    /// The role may not write this kind of entry.
    #[error("role `{role}` may not write `{kind}` entries")]
    Forbidden {
        /// The writer's role.
        role: &'static str,
        /// The entry kind.
        kind: &'static str,
    },
    /// The organisation does not hold the lot.
    #[error("lot `{lot}` is not in the custody of `{org}`")]
    NotInCustody {
        /// The lot.
        lot: LotId,
        /// The writer.
        org: OrgId,
    },
    /// A field breaks a content rule.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// The entry contradicts the ledger (unknown lot, duplicate id, too much mass …).
    #[error("{0}")]
    Conflict(String),
    /// Per-element mass balance outside the declared tolerance.
    #[error(
        "mass balance of {element}: {input_ug} µg in, {output_ug} µg out, outside the declared tolerance of {tolerance_ppm} ppm"
    )]
    MassBalance {
        /// Element.
        element: String,
        /// Contained input.
        input_ug: u128,
        /// Contained output.
        output_ug: u128,
        /// Declared tolerance.
        tolerance_ppm: u32,
    },
    /// A mass-balance credit account would go negative.
    #[error(
        "credit account of `{org}` for {element} ({origin}) in {period} holds {balance_ug} µg, {claimed_ug} µg claimed"
    )]
    InsufficientCredit {
        /// The site.
        org: OrgId,
        /// Element.
        element: String,
        /// Characteristic.
        origin: String,
        /// Period (calendar year).
        period: i32,
        /// Balance.
        balance_ug: u128,
        /// Claimed.
        claimed_ug: u128,
    },
}
