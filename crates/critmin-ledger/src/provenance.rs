//! Provenance through the transformation graph, in exact rational arithmetic.
//!
//! The composition of a lot for one element is a distribution over [`Path`]s (origin country,
//! primary or recycled, countries where it was processed). An extracted lot is one path; a
//! recycled lot is one path (recycled in the recycler's country: recycling starts a new origin,
//! as the US and EU rules count it); a transformation output mixes its inputs in proportion to
//! the contained element each input brings (consumed grams × grade), adding the output's site
//! country to the processing countries. This is the ISO 22095 "proportional" reading of a
//! physical mix. Shares are exact fractions (arbitrary-precision integers), so there is no
//! rounding error at all; floating point appears only when a share is printed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use critmin_model::CountryCode;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

use crate::entry::{CustodyModel, LotId, LotSpec, LotUse, Origin, Payload};

/// How a lot came into being.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LotSource {
    /// Extracted at a mine (primary origin).
    Extracted,
    /// Output of a transformation.
    Transformed {
        /// Leaf index of the transformation.
        entry: u64,
        /// What it consumed.
        inputs: Vec<LotUse>,
        /// Chain-of-custody model declared.
        model: CustodyModel,
    },
    /// Output of recycling (secondary origin).
    Recycled {
        /// Leaf index of the recycling entry.
        entry: u64,
        /// Post-consumer feed (otherwise manufacturing scrap).
        post_consumer: bool,
    },
}

/// One lot in the graph.
#[derive(Debug, Clone)]
pub struct LotNode {
    /// As declared.
    pub spec: LotSpec,
    /// Leaf index of the entry that created it.
    pub created_by: u64,
    /// How.
    pub source: LotSource,
    /// Mass-balance credits allocated to it: element, characteristic, µg.
    pub credits: Vec<(String, Origin, u128)>,
}

/// Every lot and how it was made; the input of provenance (built from the whole log, or from
/// the entries of an export bundle).
#[derive(Debug, Clone, Default)]
pub struct LotGraph {
    nodes: HashMap<LotId, LotNode>,
}

/// Where a share of a lot's element comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    /// Origin (`None`: not allocated — only in the mass-balance view).
    pub origin: Option<Origin>,
    /// Countries where it was processed (transformation sites).
    pub processed_in: BTreeSet<CountryCode>,
    /// For recycled material: whether the recycler's feed was post-consumer waste (`Some(true)`)
    /// or manufacturing scrap (`Some(false)`); `None` otherwise and in the mass-balance view.
    pub post_consumer: Option<bool>,
}

/// A lot's composition for one element: shares summing to exactly 1.
pub type Composition = BTreeMap<Path, BigRational>;

impl LotGraph {
    /// Adds a lot.
    pub fn insert(&mut self, spec: LotSpec, created_by: u64, source: LotSource) {
        self.nodes.insert(
            spec.id.clone(),
            LotNode {
                spec,
                created_by,
                source,
                credits: Vec::new(),
            },
        );
    }

    /// Adds the lots that entry `index` creates (an extraction's lot, the outputs of a
    /// transformation with the credits allocated to them, the outputs of a recycling) and
    /// returns their declarations. Replaying the log, or a bundle's entries, through this builds
    /// the same graph.
    pub fn record<'p>(&mut self, index: u64, payload: &'p Payload) -> &'p [LotSpec] {
        match payload {
            Payload::Extract { lot, .. } => {
                self.insert(lot.clone(), index, LotSource::Extracted);
                std::slice::from_ref(lot)
            }
            Payload::Transform {
                inputs,
                outputs,
                model,
                credits,
                ..
            } => {
                for o in outputs {
                    let source = LotSource::Transformed {
                        entry: index,
                        inputs: inputs.clone(),
                        model: *model,
                    };
                    self.insert(o.clone(), index, source);
                }
                for c in credits {
                    self.add_credit(&c.lot, &c.element, c.origin, c.ug);
                }
                outputs
            }
            Payload::Recycle {
                outputs, post_consumer, ..
            } => {
                for o in outputs {
                    let source = LotSource::Recycled {
                        entry: index,
                        post_consumer: *post_consumer,
                    };
                    self.insert(o.clone(), index, source);
                }
                outputs
            }
            Payload::RegisterOrg { .. }
            | Payload::AddKey { .. }
            | Payload::RevokeKey { .. }
            | Payload::Transfer { .. }
            | Payload::Attest { .. }
            | Payload::Publish { .. } => &[],
        }
    }

    /// Records credits allocated to a lot.
    pub fn add_credit(&mut self, lot: &LotId, element: &str, origin: Origin, ug: u128) {
        if let Some(n) = self.nodes.get_mut(lot) {
            n.credits.push((element.to_owned(), origin, ug));
        }
    }

    /// A lot.
    pub fn node(&self, lot: &LotId) -> Option<&LotNode> {
        self.nodes.get(lot)
    }

    /// A lot's declaration.
    pub fn spec(&self, lot: &LotId) -> Option<&LotSpec> {
        self.nodes.get(lot).map(|n| &n.spec)
    }

    /// Every lot.
    pub fn lots(&self) -> impl Iterator<Item = &LotNode> {
        self.nodes.values()
    }

    /// The lot and every lot it was made from, recursively.
    pub fn ancestry(&self, lot: &LotId) -> Vec<LotId> {
        let mut seen = HashSet::new();
        let mut stack = vec![lot.clone()];
        let mut out = Vec::new();
        while let Some(l) = stack.pop() {
            if !seen.insert(l.clone()) {
                continue;
            }
            if let Some(n) = self.nodes.get(&l)
                && let LotSource::Transformed { inputs, .. } = &n.source
            {
                stack.extend(inputs.iter().map(|u| u.lot.clone()));
            }
            out.push(l);
        }
        out
    }

    /// The origin lots (extracted or recycled) a lot descends from.
    pub fn origin_lots(&self, lot: &LotId) -> HashSet<LotId> {
        self.ancestry(lot)
            .into_iter()
            .filter(|l| {
                self.nodes
                    .get(l)
                    .is_some_and(|n| !matches!(n.source, LotSource::Transformed { .. }))
            })
            .collect()
    }

    /// The origin classes (country, primary or recycled) a lot descends from.
    pub fn origins(&self, lot: &LotId) -> HashSet<Origin> {
        self.origin_lots(lot)
            .iter()
            .filter_map(|l| self.nodes.get(l))
            .map(|n| Origin {
                country: n.spec.country,
                recycled: matches!(n.source, LotSource::Recycled { .. }),
            })
            .collect()
    }
}

/// The composition of `lot` for `element` (empty if the lot contains none or is unknown).
pub fn composition(graph: &LotGraph, lot: &LotId, element: &str) -> Composition {
    let mut memo = HashMap::new();
    compose(graph, lot, element, &mut memo).as_ref().clone()
}

fn compose(
    graph: &LotGraph,
    lot: &LotId,
    element: &str,
    memo: &mut HashMap<LotId, Rc<Composition>>,
) -> Rc<Composition> {
    if let Some(c) = memo.get(lot) {
        return c.clone();
    }
    let mut out = Composition::new();
    if let Some(node) = graph.nodes.get(lot)
        && node.spec.contained_ug(element) > 0
    {
        match &node.source {
            LotSource::Extracted => {
                out.insert(
                    Path {
                        origin: Some(Origin {
                            country: node.spec.country,
                            recycled: false,
                        }),
                        processed_in: BTreeSet::new(),
                        post_consumer: None,
                    },
                    one(),
                );
            }
            LotSource::Recycled { post_consumer, .. } => {
                out.insert(
                    Path {
                        origin: Some(Origin {
                            country: node.spec.country,
                            recycled: true,
                        }),
                        processed_in: BTreeSet::new(),
                        post_consumer: Some(*post_consumer),
                    },
                    one(),
                );
            }
            LotSource::Transformed { inputs, .. } => {
                let weights: Vec<(&LotId, u128)> = inputs
                    .iter()
                    .filter_map(|u| {
                        let spec = graph.spec(&u.lot)?;
                        let grade = spec.grades.iter().find(|g| g.element == element)?;
                        Some((&u.lot, u128::from(u.mass_g) * u128::from(grade.ppm)))
                    })
                    .collect();
                let total: u128 = weights.iter().map(|(_, w)| w).sum();
                if total > 0 {
                    for (input, w) in weights {
                        let weight = BigRational::new(BigInt::from(w), BigInt::from(total));
                        for (path, share) in compose(graph, input, element, memo).iter() {
                            let mut p = path.clone();
                            p.processed_in.insert(node.spec.country);
                            *out.entry(p).or_insert_with(BigRational::zero) += share * &weight;
                        }
                    }
                }
            }
        }
    }
    let rc = Rc::new(out);
    memo.insert(lot.clone(), rc.clone());
    rc
}

fn one() -> BigRational {
    BigRational::from_integer(BigInt::from(1))
}

/// Shares summed by origin (whatever the processing countries).
pub fn origin_totals(comp: &Composition) -> BTreeMap<Option<Origin>, BigRational> {
    let mut out: BTreeMap<Option<Origin>, BigRational> = BTreeMap::new();
    for (p, s) in comp {
        *out.entry(p.origin).or_insert_with(BigRational::zero) += s;
    }
    out
}

/// ⌊share × x⌋ for a share in [0, 1].
pub fn floor_times(share: BigRational, x: u128) -> u128 {
    (share * BigRational::from_integer(BigInt::from(x)))
        .floor()
        .to_integer()
        .to_u128()
        .unwrap_or(0)
}

/// Provenance of one element of a lot.
#[derive(Debug, Clone)]
pub struct ElementProvenance {
    /// Element.
    pub element: String,
    /// Contained mass of the whole lot as declared, µg.
    pub contained_ug: u128,
    /// Where it comes from (exact shares summing to 1).
    pub composition: Composition,
}

impl ElementProvenance {
    /// Exact share of the paths that satisfy `pred`.
    pub fn share(&self, pred: impl Fn(&Path) -> bool) -> BigRational {
        self.composition
            .iter()
            .filter(|(p, _)| pred(p))
            .fold(BigRational::zero(), |acc, (_, s)| acc + s)
    }

    /// Shares by origin country (primary and recycled together), largest first.
    pub fn by_country(&self) -> Vec<(CountryCode, BigRational)> {
        let mut m: BTreeMap<CountryCode, BigRational> = BTreeMap::new();
        for (p, s) in &self.composition {
            if let Some(o) = p.origin {
                *m.entry(o.country).or_insert_with(BigRational::zero) += s;
            }
        }
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// Share that is recycled material.
    pub fn recycled_share(&self) -> BigRational {
        self.share(|p| p.origin.is_some_and(|o| o.recycled))
    }
}

/// Physical provenance of every element of a lot; `None` for an unknown lot.
pub fn provenance(graph: &LotGraph, lot: &LotId) -> Option<Vec<ElementProvenance>> {
    let spec = graph.spec(lot)?;
    Some(
        spec.grades
            .iter()
            .map(|g| ElementProvenance {
                element: g.element.clone(),
                contained_ug: spec.contained_ug(&g.element),
                composition: composition(graph, lot, &g.element),
            })
            .collect(),
    )
}

/// The mass-balance view of a lot: the credits allocated to it (each a path with no processing
/// country) and the unallocated rest (origin `None`).
pub fn mass_balance_view(graph: &LotGraph, lot: &LotId) -> Option<Vec<ElementProvenance>> {
    let node = graph.node(lot)?;
    Some(
        node.spec
            .grades
            .iter()
            .map(|g| {
                let contained = node.spec.contained_ug(&g.element);
                let mut composition = Composition::new();
                let mut allocated = 0u128;
                for (element, origin, ug) in &node.credits {
                    if *element == g.element {
                        allocated += ug;
                        let path = Path {
                            origin: Some(*origin),
                            processed_in: BTreeSet::new(),
                            post_consumer: None,
                        };
                        *composition.entry(path).or_insert_with(BigRational::zero) +=
                            BigRational::new(BigInt::from(*ug), BigInt::from(contained));
                    }
                }
                if allocated < contained {
                    composition.insert(
                        Path {
                            origin: None,
                            processed_in: BTreeSet::new(),
                            post_consumer: None,
                        },
                        BigRational::new(BigInt::from(contained - allocated), BigInt::from(contained)),
                    );
                }
                ElementProvenance {
                    element: g.element.clone(),
                    contained_ug: contained,
                    composition,
                }
            })
            .collect(),
    )
}

/// A share as a float, for display.
pub fn to_f64(share: &BigRational) -> f64 {
    share.to_f64().unwrap_or(f64::NAN)
}
