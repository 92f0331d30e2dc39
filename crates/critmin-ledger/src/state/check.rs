//! The rules an entry must pass against the state: log origin, content, bootstrap, signing key
//! and sequence number (replay), role, custody, then the rules of its kind (mass balance,
//! custody model, credits). Checking changes nothing.

use std::collections::{BTreeMap, HashSet};
use std::hash::Hash;

use super::{Change, Lot, Rejection, State, check_balance, conflict, input_contained, short};
use crate::entry::{CustodyModel, EntryBody, Feed, LotId, LotSpec, LotUse, OrgId, Payload, Role};

impl State {
    /// Every rule an entry must pass, in order: log, content, bootstrap, key and sequence,
    /// role, then the rules of its kind. Returns what the entry changes beyond its own effect.
    pub(super) fn check(&self, body: &EntryBody) -> Result<Change, Rejection> {
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
                check_balance(&self.input_contained(inputs, &[])?, outputs, *tolerance_ppm)?;
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
                check_balance(&self.input_contained(inputs, feed)?, outputs, *tolerance_ppm)?;
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
    fn input_contained(&self, uses: &[LotUse], feed: &[Feed]) -> Result<BTreeMap<String, u128>, Rejection> {
        input_contained(&self.graph, uses, feed).map_err(|lot| conflict(format!("unknown lot `{lot}`")))
    }

    /// Identity preserved: one origin lot behind every input; segregated: one origin country
    /// and kind; mass balance: any mix.
    fn check_model(&self, inputs: &[LotUse], model: CustodyModel) -> Result<(), Rejection> {
        let (distinct, what) = match model {
            CustodyModel::MassBalance => return Ok(()),
            CustodyModel::IdentityPreserved => (
                count_distinct(inputs, |lot| self.graph.origin_lots(lot)),
                "identity preserved needs inputs from one origin lot; these come from",
            ),
            CustodyModel::Segregated => (
                count_distinct(inputs, |lot| self.graph.origins(lot)),
                "segregated needs inputs of one origin country and kind; these have",
            ),
        };
        if distinct == 1 {
            Ok(())
        } else {
            Err(conflict(format!("{what} {distinct}")))
        }
    }
}

/// How many distinct values `of` finds over the input lots.
fn count_distinct<T: Eq + Hash>(inputs: &[LotUse], of: impl Fn(&LotId) -> HashSet<T>) -> usize {
    inputs.iter().flat_map(|u| of(&u.lot)).collect::<HashSet<T>>().len()
}
