//! The ledger's state and the rules an entry must pass before it is accepted: who may write
//! what (access), replay protection (per-key sequence numbers), custody, mass balance and
//! mass-balance credit accounts. [`State::apply`] checks everything first and changes nothing
//! unless the entry is accepted.
//!
//! Access rules (the same for the CLI and the future HTTP API, which only call this):
//! - the operator registers organisations and marks lots public, and writes nothing else;
//! - a member writes only entries about lots in its own custody (extract creates them, transfer
//!   hands them over, transform and recycle consume its own lots);
//! - an auditor writes attestations only;
//! - every organisation manages its own keys only.
//!
//! Split by concern: `rejection` (why an entry is refused), `check` (the rules, changing
//! nothing), `balance` (per-element mass balance, shared with the bundle verifier), `credits`
//! (mass-balance credit accounts) and `commit` (applying an accepted entry).

mod balance;
mod check;
mod commit;
mod credits;
mod rejection;

use std::collections::{BTreeMap, HashMap, HashSet};

use critmin_model::CountryCode;

pub use balance::MAX_TOLERANCE_PPM;
pub(crate) use balance::{check_balance, input_contained};
pub use credits::year_of;
pub use rejection::Rejection;

use crate::entry::{EntryBody, LotId, OrgId, Origin, PublicKey, Role, VerifiedEntry};
use crate::provenance::LotGraph;

/// A registered organisation.
#[derive(Debug, Clone)]
pub struct Org {
    /// Role.
    pub role: Role,
    /// Display name.
    pub name: String,
    /// Home country.
    pub country: CountryCode,
    /// Active keys with their next sequence number.
    pub keys: HashMap<PublicKey, u64>,
}

/// A lot as the ledger knows it now.
#[derive(Debug, Clone)]
pub struct Lot {
    /// Who holds it.
    pub owner: OrgId,
    /// Grams not yet consumed.
    pub remaining_g: u64,
}

/// Who is reading: the public, or a registered organisation (by id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Anyone: sees checkpoints and the lots the operator marked public.
    Public,
    /// A registered organisation, with the rights of its role.
    Org(OrgId),
}

/// Key of a mass-balance credit account: site (organisation), element, period (calendar year).
pub type AccountKey = (OrgId, String, i32);

/// The state built by replaying accepted entries.
#[derive(Debug, Clone, Default)]
pub struct State {
    origin: String,
    orgs: HashMap<OrgId, Org>,
    /// Every key ever registered, with its organisation (keys are never reused).
    key_owner: HashMap<PublicKey, OrgId>,
    lots: HashMap<LotId, Lot>,
    graph: LotGraph,
    public_lots: HashSet<LotId>,
    /// Every organisation that created or held each lot.
    custodians: HashMap<LotId, HashSet<OrgId>>,
    accounts: HashMap<AccountKey, BTreeMap<Origin, u128>>,
    /// Index of the next entry.
    size: u64,
}

fn short(key: &PublicKey) -> String {
    crate::entry::to_hex(&key[..8])
}

fn conflict(msg: impl Into<String>) -> Rejection {
    Rejection::Conflict(msg.into())
}

impl State {
    /// An empty ledger for the log named `origin`.
    pub fn new(origin: &str) -> State {
        State {
            origin: origin.to_owned(),
            ..State::default()
        }
    }

    /// Log origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of accepted entries.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Registered organisations.
    pub fn orgs(&self) -> &HashMap<OrgId, Org> {
        &self.orgs
    }

    /// An organisation.
    pub fn org(&self, id: &OrgId) -> Option<&Org> {
        self.orgs.get(id)
    }

    /// The operator's organisation id (the first entry's signer), once there is one.
    pub fn operator(&self) -> Option<(&OrgId, &Org)> {
        self.orgs.iter().find(|(_, o)| o.role == Role::Operator)
    }

    /// The organisation a key is or was registered to.
    pub fn key_org(&self, key: &PublicKey) -> Option<&OrgId> {
        self.key_owner.get(key)
    }

    /// A lot's current holder and remaining mass.
    pub fn lot(&self, id: &LotId) -> Option<&Lot> {
        self.lots.get(id)
    }

    /// The transformation graph of all lots.
    pub fn graph(&self) -> &LotGraph {
        &self.graph
    }

    /// Whether the operator marked the lot public.
    pub fn is_public(&self, id: &LotId) -> bool {
        self.public_lots.contains(id)
    }

    /// Read access to a lot (its record and provenance): the operator and auditors read every
    /// lot; a member reads the lots it created or held; the public reads the lots the operator
    /// marked public. (Auditor engagement scopes are not modelled yet.)
    pub fn may_read_lot(&self, viewer: &Viewer, lot: &LotId) -> bool {
        match viewer {
            Viewer::Public => self.public_lots.contains(lot),
            Viewer::Org(org) => match self.orgs.get(org).map(|o| o.role) {
                Some(Role::Operator | Role::Auditor) => self.lots.contains_key(lot),
                Some(Role::Member) => self.custodians.get(lot).is_some_and(|c| c.contains(org)),
                None => false,
            },
        }
    }

    /// Read access to an entry: the operator and auditors read every entry; an organisation
    /// reads its own entries; anyone reads an entry about a lot they may read
    /// ([`State::may_read_lot`]). The public thus sees the entries about public lots only.
    pub fn may_read_entry(&self, viewer: &Viewer, body: &EntryBody) -> bool {
        if let Viewer::Org(org) = viewer
            && (matches!(self.orgs.get(org).map(|o| o.role), Some(Role::Operator | Role::Auditor)) || *org == body.org)
        {
            return true;
        }
        body.payload.lots().into_iter().any(|l| self.may_read_lot(viewer, l))
    }

    /// Mass-balance credit accounts.
    pub fn accounts(&self) -> &HashMap<AccountKey, BTreeMap<Origin, u128>> {
        &self.accounts
    }

    /// The next sequence number for `key`, if it is an active key of `org`.
    pub fn next_seq(&self, org: &OrgId, key: &PublicKey) -> Option<u64> {
        self.orgs.get(org)?.keys.get(key).copied()
    }

    /// Checks an entry against the state and, if it passes, applies it (the entry becomes leaf
    /// `self.size()`). On rejection nothing changes.
    pub fn apply(&mut self, entry: &VerifiedEntry) -> Result<(), Rejection> {
        let body = &entry.entry().body;
        let change = self.check(body)?;
        self.commit(body, change);
        Ok(())
    }
}

/// What an accepted entry changes beyond its own effect: the credit accounts of a
/// mass-balance transformation.
enum Change {
    None,
    Credits(Vec<(AccountKey, Origin, i128)>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_of_timestamps() {
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(1_735_689_599), 2024); // 2024-12-31T23:59:59Z
        assert_eq!(year_of(1_735_689_600), 2025);
        assert_eq!(year_of(-1), 1969);
        assert_eq!(year_of(951_782_400), 2000); // 2000-02-29
    }
}
