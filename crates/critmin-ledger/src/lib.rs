//! critmin's chain-of-custody ledger.
//!
//! Organisations sign entries (ed25519) about material lots: extraction, transfer of custody,
//! transformation with per-element mass balance, recycling, auditor attestations, and their own
//! key registration and rotation. [`state`] decides what is accepted (access rules, replay
//! protection, custody, mass balance, mass-balance credit accounts); [`ledger`] appends accepted
//! entries durably to an RFC 9162 Merkle log (`critmin-merkle`) with signed [`checkpoint`]s;
//! [`provenance`] computes exact origin shares through the transformation graph; [`rules`]
//! checks claims against dated rule packs; [`bundle`] exports what an auditor needs to verify a
//! lot offline; [`passport`] writes a battery-passport-like summary.
//!
//! Storage sits behind [`store::LogStore`]; [`store::FileStore`] is the ledger's own durable
//! format until the project's store takes over.

mod codec;
mod date;

pub mod bundle;
pub mod checkpoint;
pub mod entry;
pub mod ledger;
pub mod passport;
pub mod provenance;
pub mod rules;
pub mod state;
pub mod store;
pub mod writer;

pub use codec::DecodeError;
pub use entry::{EntryBody, LotId, OrgId, Payload, Role, SignedEntry};
pub use ledger::{AppendError, Ledger, LedgerError};
pub use state::{Rejection, State, Viewer};
