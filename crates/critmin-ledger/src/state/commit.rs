//! Applying an accepted entry: keys and sequence numbers, organisations, custody, remaining
//! mass, the lot graph and the credit accounts. Runs only after `check` passed, so it cannot
//! fail.

use std::collections::HashMap;

use super::{Change, Lot, Org, State};
use crate::entry::{EntryBody, LotSpec, LotUse, OrgId, Payload, Role};

impl State {
    pub(super) fn commit(&mut self, body: &EntryBody, change: Change) {
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
            Payload::Transfer { lot, to } => {
                self.lots.get_mut(lot).expect("checked").owner = to.clone();
                self.custodians.entry(lot.clone()).or_default().insert(to.clone());
            }
            Payload::Transform { inputs, .. } | Payload::Recycle { inputs, .. } => self.consume(inputs),
            Payload::Publish { lot } => {
                self.public_lots.insert(lot.clone());
            }
            Payload::Extract { .. } | Payload::Attest { .. } => {}
        }
        for created in self.graph.record(index, &body.payload) {
            self.add_lot(created, &body.org);
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

    /// A new lot (already in the graph) held by its creator.
    fn add_lot(&mut self, spec: &LotSpec, owner: &OrgId) {
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
    }
}
