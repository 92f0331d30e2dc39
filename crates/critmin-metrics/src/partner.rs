//! Partner lens: a buyer's view of one series' suppliers, split into domestic supply, supply
//! from a partner set, supply from FEOC-covered nations and the rest.

use std::fmt;

use critmin_model::{CountryCode, Dataset, Group, GroupSet};

use crate::shares::SupplyShares;

/// A set of partner countries: the union of policy groups and explicit country codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnerSet {
    /// Groups whose members are partners (membership looked up with [`Dataset::in_group`]).
    pub groups: GroupSet,
    /// Countries that are partners whatever their groups.
    pub countries: Vec<CountryCode>,
}

impl PartnerSet {
    /// A partner set made of the given groups (membership from `countries.csv`, see
    /// [`Group::column`]).
    ///
    /// Formula: `partners = ⋃ groups`. Source: project DESIGN ("Partner lens").
    pub fn from_groups(groups: impl IntoIterator<Item = Group>) -> PartnerSet {
        PartnerSet {
            groups: groups.into_iter().collect(),
            countries: Vec::new(),
        }
    }

    /// Adds explicit partner countries.
    ///
    /// Formula: `partners = partners ∪ countries`. Source: project DESIGN ("Partner lens").
    pub fn with_countries(mut self, countries: impl IntoIterator<Item = CountryCode>) -> Self {
        self.countries.extend(countries);
        self
    }

    /// Parses a partner definition as users write it: policy groups and/or ISO3 codes of
    /// `dataset` joined by `+`, `,` or spaces (`msp`, `quad+CHL`; a URL query decodes `+` to a
    /// space). Every shell parses partner definitions through this.
    pub fn parse(dataset: &Dataset, text: &str) -> Result<PartnerSet, PartnerSetError> {
        let mut groups = Vec::new();
        let mut countries = Vec::new();
        for part in text.split(['+', ',', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
            match part.parse::<Group>() {
                Ok(g) => groups.push(g),
                Err(group_err) => match dataset.resolve_country(part) {
                    Ok(c) if part.len() == 3 => countries.push(c),
                    _ => return Err(PartnerSetError::Part(format!("{group_err}, or an ISO3 country code"))),
                },
            }
        }
        if groups.is_empty() && countries.is_empty() {
            return Err(PartnerSetError::Empty);
        }
        Ok(PartnerSet::from_groups(groups).with_countries(countries))
    }

    /// Whether `country` is a partner: listed explicitly or a member of one of the groups.
    ///
    /// Formula: `c ∈ countries ∨ ∃ g ∈ groups : in_group(c, g)`. Source: project DESIGN
    /// ("Partner lens").
    pub fn contains(&self, country: CountryCode, dataset: &Dataset) -> bool {
        self.countries.contains(&country) || self.groups.iter().any(|g| dataset.in_group(country, g))
    }

    /// Whether the set is empty (no group and no country): every non-domestic supplier is then
    /// FEOC or other.
    ///
    /// Formula: `groups = ∅ ∧ countries = ∅`. Source: project DESIGN ("Partner lens").
    pub fn is_empty(&self) -> bool {
        self.groups == GroupSet::EMPTY && self.countries.is_empty()
    }
}

/// Why a partner definition does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartnerSetError {
    /// A part is neither a group id nor a country code of the dataset.
    #[error("{0}")]
    Part(String),
    /// Nothing but separators.
    #[error("needs at least one group or country code, e.g. msp or quad+CHL")]
    Empty,
}

impl fmt::Display for PartnerSet {
    /// Group ids and country codes joined by `+` (`quad+msp+CHL`), or `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .groups
            .iter()
            .map(|g| g.id().to_owned())
            .chain(self.countries.iter().map(|c| c.to_string()))
            .collect();
        if parts.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&parts.join("+"))
        }
    }
}

/// Class of a named supplier, from the buyer's point of view. Precedence when several apply:
/// Domestic > Partner > Feoc > Other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SupplierClass {
    /// The buyer itself.
    Domestic,
    /// A member of the partner set (other than the buyer).
    Partner,
    /// A FEOC-covered nation ([`Group::Feoc`]) that is neither the buyer nor a partner.
    Feoc,
    /// Any other named supplier.
    Other,
}

impl SupplierClass {
    /// Short identifier (`domestic`, `partner`, `feoc`, `other`).
    ///
    /// Formula: none (a stable label for scripts and output). Source: this crate.
    pub fn id(self) -> &'static str {
        match self {
            SupplierClass::Domestic => "domestic",
            SupplierClass::Partner => "partner",
            SupplierClass::Feoc => "feoc",
            SupplierClass::Other => "other",
        }
    }
}

/// One named supplier with its class.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifiedShare {
    /// Country.
    pub country: CountryCode,
    /// Supply share (fraction).
    pub share: f64,
    /// Its class for this buyer and partner set.
    pub class: SupplierClass,
    /// Whether it is a FEOC-covered nation, whatever its class.
    pub feoc: bool,
}

/// A buyer's partner view of one series' shares.
///
/// Partition: `domestic_share + partner_share + feoc_class_share + other_share +
/// unattributed_share = 1`. [`feoc_share`](Self::feoc_share) is reported independently (it
/// includes FEOC-covered nations classified as domestic or partner).
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerLens {
    /// The buyer (domestic country).
    pub buyer: CountryCode,
    /// The partner set used.
    pub partners: PartnerSet,
    /// Named suppliers with their class, in the order of the shares.
    pub suppliers: Vec<ClassifiedShare>,
    /// Share of the buyer itself.
    pub domestic_share: f64,
    /// Share of partners, excluding the buyer.
    pub partner_share: f64,
    /// Share of FEOC-covered nations, whatever their class.
    pub feoc_share: f64,
    /// Share of suppliers classified [`SupplierClass::Feoc`] (FEOC-covered, neither domestic
    /// nor partner).
    pub feoc_class_share: f64,
    /// Share of named suppliers that are neither domestic, partner nor FEOC-covered.
    pub other_share: f64,
    /// The uncovered remainder `r` (residual row and gaps): not attributable to a country.
    pub unattributed_share: f64,
    /// HHI (0–10,000) after grouping suppliers into three blocks: domestic, partners, and the
    /// rest (other + FEOC + unattributed): `10,000 · (d² + p² + (1 − d − p)²)`.
    pub grouped_hhi: f64,
}

fn is_feoc(country: CountryCode, dataset: &Dataset) -> bool {
    dataset.in_group(country, Group::Feoc)
}

/// Classifies the named suppliers of `shares` for `buyer` and sums their shares by class.
///
/// Formulas:
/// - class: Domestic if `c = buyer`; else Partner if `c ∈ partners`; else Feoc if
///   `c ∈ Group::Feoc`; else Other.
/// - `d = Σ_{Domestic} s_c`, `p = Σ_{Partner} s_c`, `feoc_share = Σ_{c ∈ Feoc} s_c` (any class),
///   `other_share = Σ_{Other} s_c`, `unattributed_share = r`.
/// - `grouped_hhi = 10,000 · (d² + p² + (1 − d − p)²)`: the HHI of a market with three
///   suppliers, the buyer, the partner bloc and everyone else (the rest block holds other,
///   FEOC and the remainder; `1 − d − p` is clamped at 0). Merging suppliers never lowers an
///   HHI, so `grouped_hhi ≥ hhi_upper ≥ hhi` of the same shares.
///
/// Source: project DESIGN ("Partner lens": shares and HHI after grouping suppliers into
/// domestic, a partner group, FEOC-covered nations); FEOC covered nations as defined in
/// 10 U.S.C. § 4872 (China, Russia, North Korea, Iran), applied through the IIJA § 40207 /
/// IRA § 30D foreign-entity-of-concern rules.
pub fn partner_lens(
    shares: &SupplyShares,
    buyer: CountryCode,
    partners: &PartnerSet,
    dataset: &Dataset,
) -> PartnerLens {
    let mut domestic = 0.0;
    let mut partner = 0.0;
    let mut feoc_any = 0.0;
    let mut feoc_class = 0.0;
    let mut other = 0.0;
    let suppliers: Vec<ClassifiedShare> = shares
        .named
        .iter()
        .map(|c| {
            let feoc = is_feoc(c.country, dataset);
            let class = if c.country == buyer {
                SupplierClass::Domestic
            } else if partners.contains(c.country, dataset) {
                SupplierClass::Partner
            } else if feoc {
                SupplierClass::Feoc
            } else {
                SupplierClass::Other
            };
            match class {
                SupplierClass::Domestic => domestic += c.share,
                SupplierClass::Partner => partner += c.share,
                SupplierClass::Feoc => feoc_class += c.share,
                SupplierClass::Other => other += c.share,
            }
            if feoc {
                feoc_any += c.share;
            }
            ClassifiedShare {
                country: c.country,
                share: c.share,
                class,
                feoc,
            }
        })
        .collect();
    let rest = (1.0 - domestic - partner).max(0.0);
    let grouped_hhi = 10_000.0 * (domestic * domestic + partner * partner + rest * rest);
    PartnerLens {
        buyer,
        partners: partners.clone(),
        suppliers,
        domestic_share: domestic,
        partner_share: partner,
        feoc_share: feoc_any,
        feoc_class_share: feoc_class,
        other_share: other,
        unattributed_share: shares.remainder,
        grouped_hhi,
    }
}

/// Share of supply from FEOC-covered nations ([`Group::Feoc`]).
///
/// Formula: `Σ_{c ∈ Feoc} s_c` over named suppliers (the remainder is not attributed, so this
/// is a lower bound when `r > 0`; at most `feoc_share + r`).
///
/// Source: covered nations of 10 U.S.C. § 4872 (China, Russia, North Korea, Iran) as used by
/// the foreign-entity-of-concern rules (IIJA § 40207; IRA § 30D); project DESIGN ("Partner
/// lens").
pub fn feoc_share(shares: &SupplyShares, dataset: &Dataset) -> f64 {
    shares
        .named
        .iter()
        .filter(|c| is_feoc(c.country, dataset))
        .map(|c| c.share)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{arb_series, code, dataset, row, series};
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    fn example() -> SupplyShares {
        // CHN 0.4, AUS 0.2, IND 0.1, USA 0.1, BRA 0.1, ROW 0.1.
        let s = series(
            &[
                ("CHN", Some(40.0)),
                ("AUS", Some(20.0)),
                ("IND", Some(10.0)),
                ("USA", Some(10.0)),
                ("BRA", Some(10.0)),
            ],
            Some(row("ROW", Some(10.0))),
            Some(row("WLD", Some(100.0))),
        );
        SupplyShares::from_series(&s).unwrap()
    }

    #[test]
    fn india_with_quad_partners() {
        let sh = example();
        let quad = PartnerSet::from_groups([Group::Quad]);
        let lens = partner_lens(&sh, CountryCode::INDIA, &quad, &dataset());
        assert_relative_eq!(lens.domestic_share, 0.1, epsilon = 1e-12);
        assert_relative_eq!(lens.partner_share, 0.3, epsilon = 1e-12); // AUS + USA
        assert_relative_eq!(lens.feoc_share, 0.4, epsilon = 1e-12);
        assert_relative_eq!(lens.feoc_class_share, 0.4, epsilon = 1e-12);
        assert_relative_eq!(lens.other_share, 0.1, epsilon = 1e-12); // BRA
        assert_relative_eq!(lens.unattributed_share, 0.1, epsilon = 1e-12);
        // 10,000 · (0.01 + 0.09 + 0.36) = 4,600
        assert_relative_eq!(lens.grouped_hhi, 4_600.0, epsilon = 1e-6);
        let ind = lens.suppliers.iter().find(|c| c.country == CountryCode::INDIA).unwrap();
        assert_eq!(ind.class, SupplierClass::Domestic);
        let chn = lens.suppliers.iter().find(|c| c.country == CountryCode::CHINA).unwrap();
        assert_eq!(chn.class, SupplierClass::Feoc);
        assert!(chn.feoc);
        assert_eq!(quad.to_string(), "quad");
    }

    #[test]
    fn precedence_domestic_then_partner_then_feoc() {
        let sh = example();
        // China as the buyer: domestic wins over FEOC, but feoc_share still counts it.
        let lens = partner_lens(&sh, CountryCode::CHINA, &PartnerSet::default(), &dataset());
        assert_relative_eq!(lens.domestic_share, 0.4, epsilon = 1e-12);
        assert_relative_eq!(lens.feoc_share, 0.4, epsilon = 1e-12);
        assert_relative_eq!(lens.feoc_class_share, 0.0);
        // A partner set that (artificially) lists China: partner wins over FEOC.
        let odd = PartnerSet::default().with_countries([CountryCode::CHINA]);
        let lens = partner_lens(&sh, CountryCode::USA, &odd, &dataset());
        assert_relative_eq!(lens.partner_share, 0.4, epsilon = 1e-12);
        assert_relative_eq!(lens.domestic_share, 0.1, epsilon = 1e-12);
        assert_relative_eq!(lens.feoc_share, 0.4, epsilon = 1e-12);
        assert_relative_eq!(lens.feoc_class_share, 0.0);
        assert_eq!(odd.to_string(), "CHN");
        assert_eq!(PartnerSet::default().to_string(), "none");
        assert!(PartnerSet::default().is_empty());
    }

    #[test]
    fn buyer_in_partner_group_counts_as_domestic_only() {
        let sh = example();
        let lens = partner_lens(
            &sh,
            CountryCode::USA,
            &PartnerSet::from_groups([Group::Quad]),
            &dataset(),
        );
        assert_relative_eq!(lens.domestic_share, 0.1, epsilon = 1e-12);
        assert_relative_eq!(lens.partner_share, 0.3, epsilon = 1e-12); // AUS + IND
    }

    #[test]
    fn feoc_share_alone() {
        let sh = example();
        assert_relative_eq!(feoc_share(&sh, &dataset()), 0.4, epsilon = 1e-12);
        let s = series(&[("AUS", Some(1.0))], None, None);
        let sh = SupplyShares::from_series(&s).unwrap();
        assert_relative_eq!(feoc_share(&sh, &dataset()), 0.0);
        assert!(PartnerSet::from_groups([Group::Msp]).contains(code("CAN"), &dataset()));
        assert!(!PartnerSet::from_groups([Group::Msp]).contains(code("BRA"), &dataset()));
    }

    proptest! {
        #[test]
        fn grouping_never_lowers_hhi(
            s in arb_series(),
            buyer in 0usize..12,
            groups in prop::collection::vec(0usize..Group::ALL.len(), 0..3),
            extra in prop::collection::vec(0usize..12, 0..3),
        ) {
            if let Ok(sh) = SupplyShares::from_series(&s) {
                let partners = PartnerSet::from_groups(groups.iter().map(|&i| Group::ALL[i]))
                    .with_countries(extra.iter().map(|&i| code(&crate::test_support::nth_code(i))));
                let buyer = code(&crate::test_support::nth_code(buyer));
                let lens = partner_lens(&sh, buyer, &partners, &dataset());
                let c = sh.concentration();
                prop_assert!(c.hhi <= c.hhi_upper);
                prop_assert!(lens.grouped_hhi >= c.hhi_upper - 1e-6,
                    "grouped {} < upper {}", lens.grouped_hhi, c.hhi_upper);
                prop_assert!(lens.grouped_hhi <= 10_000.0 * (1.0 + 1e-9));
                let total = lens.domestic_share + lens.partner_share + lens.feoc_class_share
                    + lens.other_share + lens.unattributed_share;
                prop_assert!((total - 1.0).abs() <= 1e-9, "partition sums to {total}");
                prop_assert!((lens.feoc_share - feoc_share(&sh, &dataset())).abs() <= 1e-12);
                for x in [lens.domestic_share, lens.partner_share, lens.feoc_share, lens.other_share] {
                    prop_assert!((0.0..=1.0 + 1e-9).contains(&x));
                }
            }
        }
    }
}
