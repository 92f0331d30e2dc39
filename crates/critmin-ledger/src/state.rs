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

use std::collections::{BTreeMap, HashMap, HashSet};

use critmin_model::CountryCode;

use crate::entry::{
    CreditClaim, CustodyModel, EntryBody, FieldError, LotId, LotSpec, LotUse, OrgId, Origin, PPM, Payload, PublicKey,
    Role, VerifiedEntry,
};
use crate::provenance::{self, LotGraph, LotSource};

/// Largest per-element imbalance a transformation may declare: 20 % (processing losses above
/// this are a different process and must be declared as separate outputs, e.g. tailings).
pub const MAX_TOLERANCE_PPM: u32 = 200_000;

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
    Signature(#[from] crate::entry::SignatureError),
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

/// The calendar year (UTC) of a unix timestamp: the mass-balance period.
pub fn year_of(timestamp: i64) -> i32 {
    // Days since 1970-01-01 to civil year (Howard Hinnant's algorithm).
    let days = timestamp.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
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

    fn check(&self, body: &EntryBody) -> Result<Change, Rejection> {
        let bootstrapping = self.orgs.is_empty() && self.origin.is_empty();
        if !bootstrapping && body.origin != self.origin {
            return Err(Rejection::WrongOrigin {
                expected: self.origin.clone(),
                found: body.origin.clone(),
            });
        }
        body.check_fields()?;
        if self.orgs.is_empty() {
            // Bootstrap: the operator registers itself with the key that signs.
            return match &body.payload {
                Payload::RegisterOrg {
                    org,
                    role: Role::Operator,
                    key,
                    ..
                } if *org == body.org && *key == body.key && body.seq == 0 => Ok(Change::None),
                _ => Err(conflict(
                    "the first entry must be the operator registering itself with its own key, seq 0",
                )),
            };
        }
        let org = self
            .orgs
            .get(&body.org)
            .ok_or_else(|| Rejection::UnknownOrg(body.org.clone()))?;
        let expected = *org.keys.get(&body.key).ok_or_else(|| Rejection::ForeignKey {
            org: body.org.clone(),
            key: short(&body.key),
        })?;
        if body.seq != expected {
            return Err(Rejection::Sequence {
                expected,
                found: body.seq,
            });
        }
        let forbidden = || Rejection::Forbidden {
            role: org.role.as_str(),
            kind: body.payload.kind(),
        };
        let allowed = match &body.payload {
            Payload::RegisterOrg { .. } | Payload::Publish { .. } => org.role == Role::Operator,
            Payload::AddKey { .. } | Payload::RevokeKey { .. } => true,
            Payload::Extract { .. }
            | Payload::Transfer { .. }
            | Payload::Transform { .. }
            | Payload::Recycle { .. } => org.role == Role::Member,
            Payload::Attest { .. } => org.role == Role::Auditor,
        };
        if !allowed {
            return Err(forbidden());
        }
        match &body.payload {
            Payload::RegisterOrg {
                org: new, role, key, ..
            } => {
                if self.orgs.contains_key(new) {
                    return Err(conflict(format!("organisation `{new}` is already registered")));
                }
                if *role == Role::Operator {
                    return Err(conflict("a log has one operator"));
                }
                if self.key_owner.contains_key(key) {
                    return Err(conflict(format!("key {} is already registered", short(key))));
                }
                Ok(Change::None)
            }
            Payload::AddKey { key } => {
                if self.key_owner.contains_key(key) {
                    return Err(conflict(format!("key {} is already registered", short(key))));
                }
                Ok(Change::None)
            }
            Payload::RevokeKey { key } => {
                if !org.keys.contains_key(key) {
                    return Err(Rejection::ForeignKey {
                        org: body.org.clone(),
                        key: short(key),
                    });
                }
                if org.keys.len() == 1 {
                    return Err(conflict("cannot revoke the organisation's last active key"));
                }
                Ok(Change::None)
            }
            Payload::Extract { lot, .. } => {
                self.check_new_lots(std::slice::from_ref(lot))?;
                Ok(Change::None)
            }
            Payload::Transfer { lot, to } => {
                let held = self.held(&body.org, lot)?;
                if held.remaining_g == 0 {
                    return Err(conflict(format!("lot `{lot}` is used up")));
                }
                match self.orgs.get(to) {
                    Some(o) if o.role == Role::Member && *to != body.org => Ok(Change::None),
                    Some(_) => Err(conflict(format!("`{to}` cannot receive lots (not another member)"))),
                    None => Err(Rejection::UnknownOrg(to.clone())),
                }
            }
            Payload::Transform {
                inputs,
                outputs,
                tolerance_ppm,
                model,
                credits,
            } => {
                self.check_uses(&body.org, inputs)?;
                self.check_new_lots(outputs)?;
                let input_mass = self.input_contained(inputs, &[]);
                check_balance(&input_mass, outputs, *tolerance_ppm)?;
                self.check_model(inputs, *model)?;
                if *model != CustodyModel::MassBalance && !credits.is_empty() {
                    return Err(conflict("credits can be allocated only under the mass-balance model"));
                }
                let credit = if *model == CustodyModel::MassBalance {
                    self.credit_change(body, inputs, outputs, credits)?
                } else {
                    Vec::new()
                };
                Ok(Change::Credits(credit))
            }
            Payload::Recycle {
                inputs,
                feed,
                outputs,
                tolerance_ppm,
                ..
            } => {
                self.check_uses(&body.org, inputs)?;
                self.check_new_lots(outputs)?;
                let input_mass = self.input_contained(inputs, feed);
                check_balance(&input_mass, outputs, *tolerance_ppm)?;
                Ok(Change::None)
            }
            Payload::Attest { subject, .. } => {
                if *subject >= self.size {
                    return Err(conflict(format!(
                        "entry {subject} does not exist (log size {})",
                        self.size
                    )));
                }
                Ok(Change::None)
            }
            Payload::Publish { lot } => {
                if !self.lots.contains_key(lot) {
                    return Err(conflict(format!("unknown lot `{lot}`")));
                }
                Ok(Change::None)
            }
        }
    }

    fn held(&self, org: &OrgId, lot: &LotId) -> Result<&Lot, Rejection> {
        let held = self
            .lots
            .get(lot)
            .ok_or_else(|| conflict(format!("unknown lot `{lot}`")))?;
        if held.owner != *org {
            return Err(Rejection::NotInCustody {
                lot: lot.clone(),
                org: org.clone(),
            });
        }
        Ok(held)
    }

    fn check_uses(&self, org: &OrgId, uses: &[LotUse]) -> Result<(), Rejection> {
        for u in uses {
            let held = self.held(org, &u.lot)?;
            if u.mass_g > held.remaining_g {
                return Err(conflict(format!(
                    "lot `{}` has {} g left, {} g asked for",
                    u.lot, held.remaining_g, u.mass_g
                )));
            }
        }
        Ok(())
    }

    fn check_new_lots(&self, lots: &[LotSpec]) -> Result<(), Rejection> {
        for l in lots {
            if self.lots.contains_key(&l.id) {
                return Err(conflict(format!("lot `{}` already exists", l.id)));
            }
        }
        Ok(())
    }

    /// Contained mass per element of the inputs (consumed share of each lot) and outside feed.
    fn input_contained(&self, uses: &[LotUse], feed: &[crate::entry::Feed]) -> BTreeMap<String, u128> {
        let mut mass = BTreeMap::new();
        for u in uses {
            let spec = self.graph.spec(&u.lot).expect("checked by check_uses");
            for g in &spec.grades {
                *mass.entry(g.element.clone()).or_insert(0) += u128::from(u.mass_g) * u128::from(g.ppm);
            }
        }
        for f in feed {
            for g in &f.grades {
                *mass.entry(g.element.clone()).or_insert(0) += u128::from(f.mass_g) * u128::from(g.ppm);
            }
        }
        mass
    }

    fn check_model(&self, inputs: &[LotUse], model: CustodyModel) -> Result<(), Rejection> {
        match model {
            CustodyModel::MassBalance => Ok(()),
            CustodyModel::IdentityPreserved => {
                let mut roots = HashSet::new();
                for u in inputs {
                    roots.extend(self.graph.origin_lots(&u.lot));
                }
                if roots.len() == 1 {
                    Ok(())
                } else {
                    Err(conflict(format!(
                        "identity preserved needs inputs from one origin lot; these come from {}",
                        roots.len()
                    )))
                }
            }
            CustodyModel::Segregated => {
                let mut classes = HashSet::new();
                for u in inputs {
                    classes.extend(self.graph.origins(&u.lot));
                }
                if classes.len() == 1 {
                    Ok(())
                } else {
                    Err(conflict(format!(
                        "segregated needs inputs of one origin country and kind; these have {}",
                        classes.len()
                    )))
                }
            }
        }
    }

    /// Credits added by the physical inputs (floored to whole µg, so never over-credited) and
    /// debited by the claims; fails if an account would go negative.
    fn credit_change(
        &self,
        body: &EntryBody,
        inputs: &[LotUse],
        outputs: &[LotSpec],
        credits: &[CreditClaim],
    ) -> Result<Vec<(AccountKey, Origin, i128)>, Rejection> {
        let period = year_of(body.timestamp);
        let mut delta: BTreeMap<(String, Origin), i128> = BTreeMap::new();
        for u in inputs {
            let spec = self.graph.spec(&u.lot).expect("checked");
            for g in &spec.grades {
                let contained = u128::from(u.mass_g) * u128::from(g.ppm);
                let comp = provenance::composition(&self.graph, &u.lot, &g.element);
                for (origin, share) in provenance::origin_totals(&comp) {
                    let Some(origin) = origin else { continue };
                    let ug = provenance::floor_times(share, contained);
                    *delta.entry((g.element.clone(), origin)).or_insert(0) += ug as i128;
                }
            }
        }
        let mut claimed_per_output: BTreeMap<(&LotId, &str), u128> = BTreeMap::new();
        for c in credits {
            let Some(out) = outputs.iter().find(|o| o.id == c.lot) else {
                return Err(conflict(format!(
                    "credit for `{}`, which is not an output of this transformation",
                    c.lot
                )));
            };
            let total = claimed_per_output.entry((&c.lot, c.element.as_str())).or_insert(0);
            *total += c.ug;
            if *total > out.contained_ug(&c.element) {
                return Err(conflict(format!(
                    "credits of {} µg {} on `{}` exceed its contained {} µg",
                    total,
                    c.element,
                    c.lot,
                    out.contained_ug(&c.element)
                )));
            }
            *delta.entry((c.element.clone(), c.origin)).or_insert(0) -= c.ug as i128;
        }
        let mut changes = Vec::new();
        for ((element, origin), d) in delta {
            let key = (body.org.clone(), element.clone(), period);
            let balance = self
                .accounts
                .get(&key)
                .and_then(|a| a.get(&origin))
                .copied()
                .unwrap_or(0);
            if (balance as i128) + d < 0 {
                return Err(Rejection::InsufficientCredit {
                    org: body.org.clone(),
                    element,
                    origin: format!("{}{}", origin.country, if origin.recycled { " recycled" } else { "" }),
                    period,
                    balance_ug: balance,
                    claimed_ug: (balance as i128 - d) as u128,
                });
            }
            changes.push((key, origin, d));
        }
        Ok(changes)
    }

    fn commit(&mut self, body: &EntryBody, change: Change) {
        let index = self.size;
        self.size += 1;
        if self.origin.is_empty() {
            self.origin = body.origin.clone();
        }
        if let Some(seq) = self.orgs.get_mut(&body.org).and_then(|org| org.keys.get_mut(&body.key)) {
            *seq += 1;
        }
        match &body.payload {
            Payload::RegisterOrg {
                org,
                role,
                name,
                country,
                key,
            } => {
                let first_seq = u64::from(*role == Role::Operator && self.orgs.is_empty());
                self.orgs.insert(
                    org.clone(),
                    Org {
                        role: *role,
                        name: name.clone(),
                        country: *country,
                        keys: HashMap::from([(*key, first_seq)]),
                    },
                );
                self.key_owner.insert(*key, org.clone());
            }
            Payload::AddKey { key } => {
                self.orgs.get_mut(&body.org).expect("checked").keys.insert(*key, 0);
                self.key_owner.insert(*key, body.org.clone());
            }
            Payload::RevokeKey { key } => {
                self.orgs.get_mut(&body.org).expect("checked").keys.remove(key);
            }
            Payload::Extract { lot, .. } => {
                self.add_lot(lot, &body.org, index, LotSource::Extracted);
            }
            Payload::Transfer { lot, to } => {
                self.lots.get_mut(lot).expect("checked").owner = to.clone();
                self.custodians.entry(lot.clone()).or_default().insert(to.clone());
            }
            Payload::Transform {
                inputs,
                outputs,
                model,
                credits,
                ..
            } => {
                self.consume(inputs);
                for o in outputs {
                    let source = LotSource::Transformed {
                        entry: index,
                        inputs: inputs.clone(),
                        model: *model,
                    };
                    self.add_lot(o, &body.org, index, source);
                }
                for c in credits {
                    self.graph.add_credit(&c.lot, &c.element, c.origin, c.ug);
                }
            }
            Payload::Recycle {
                inputs,
                outputs,
                post_consumer,
                ..
            } => {
                self.consume(inputs);
                for o in outputs {
                    let source = LotSource::Recycled {
                        entry: index,
                        post_consumer: *post_consumer,
                    };
                    self.add_lot(o, &body.org, index, source);
                }
            }
            Payload::Attest { .. } => {}
            Payload::Publish { lot } => {
                self.public_lots.insert(lot.clone());
            }
        }
        if let Change::Credits(changes) = change {
            for (key, origin, d) in changes {
                let balance = self.accounts.entry(key).or_default().entry(origin).or_insert(0);
                *balance = (*balance as i128 + d) as u128;
            }
        }
    }

    fn consume(&mut self, uses: &[LotUse]) {
        for u in uses {
            self.lots.get_mut(&u.lot).expect("checked").remaining_g -= u.mass_g;
        }
    }

    fn add_lot(&mut self, spec: &LotSpec, owner: &OrgId, index: u64, source: LotSource) {
        self.lots.insert(
            spec.id.clone(),
            Lot {
                owner: owner.clone(),
                remaining_g: spec.mass_g,
            },
        );
        self.custodians
            .entry(spec.id.clone())
            .or_default()
            .insert(owner.clone());
        self.graph.insert(spec.clone(), index, source);
    }
}

enum Change {
    None,
    Credits(Vec<(AccountKey, Origin, i128)>),
}

/// Per element, |in − out| · 10^6 ≤ tolerance · in (exact integers).
pub(crate) fn check_balance(
    input: &BTreeMap<String, u128>,
    outputs: &[LotSpec],
    tolerance_ppm: u32,
) -> Result<(), Rejection> {
    if tolerance_ppm > MAX_TOLERANCE_PPM {
        return Err(Rejection::Field(FieldError {
            field: "tolerance_ppm".into(),
            message: format!("{tolerance_ppm}: at most {MAX_TOLERANCE_PPM} ppm"),
        }));
    }
    let mut output: BTreeMap<String, u128> = BTreeMap::new();
    for o in outputs {
        for g in &o.grades {
            *output.entry(g.element.clone()).or_insert(0) += u128::from(o.mass_g) * u128::from(g.ppm);
        }
    }
    let elements: std::collections::BTreeSet<&String> = input.keys().chain(output.keys()).collect();
    for e in elements {
        let i = input.get(e).copied().unwrap_or(0);
        let o = output.get(e).copied().unwrap_or(0);
        let diff = i.abs_diff(o);
        if diff.saturating_mul(u128::from(PPM)) > i.saturating_mul(u128::from(tolerance_ppm)) {
            return Err(Rejection::MassBalance {
                element: e.clone(),
                input_ug: i,
                output_ug: o,
                tolerance_ppm,
            });
        }
    }
    Ok(())
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
