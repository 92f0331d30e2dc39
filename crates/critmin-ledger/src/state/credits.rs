//! Mass-balance credit accounts (ISO 22095): per site, element and calendar year, physical
//! qualifying inputs fill the account and credits claimed on outputs are debited from it; an
//! account never goes negative.

use std::collections::BTreeMap;

use super::{AccountKey, Rejection, State, conflict};
use crate::date::Date;
use crate::entry::{CreditClaim, EntryBody, LotId, LotSpec, LotUse, Origin};
use crate::provenance;

/// The calendar year (UTC) of a unix timestamp: the mass-balance period.
pub fn year_of(timestamp: i64) -> i32 {
    Date::from_unix(timestamp).year
}

impl State {
    /// Credits added by the physical inputs (floored to whole µg, so never over-credited) and
    /// debited by the claims; fails if an account would go negative.
    pub(super) fn credit_change(
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
}
