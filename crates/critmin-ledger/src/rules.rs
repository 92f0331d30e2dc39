//! Dated rule packs (data files with their sources, in `rules/`) and claims checked against
//! them: does a lot's provenance meet a rule on a given date, and with what figures.

use critmin_model::{CountryCode, Group, GroupSet};
use num_bigint::BigInt;
use num_rational::BigRational;
use serde::{Deserialize, Serialize};

pub use crate::date::Date;
use crate::provenance::ElementProvenance;

/// The rule packs compiled into the binary: (file name, JSON).
pub const EMBEDDED_RULE_PACKS: [(&str, &str); 2] = [
    (
        "us-30d-critical-minerals.json",
        include_str!("../rules/us-30d-critical-minerals.json"),
    ),
    (
        "eu-2023-1542-recycled-content.json",
        include_str!("../rules/eu-2023-1542-recycled-content.json"),
    ),
];

/// Where a figure of a rule pack comes from, and whether it was checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The figures this source backs.
    pub figures: String,
    /// Where.
    pub url: String,
    /// A second source, if any.
    #[serde(default)]
    pub also: Option<String>,
    /// How and when it was verified (or that it was not).
    pub verified: String,
}

/// The rule itself.
#[derive(Debug, Clone)]
pub enum Rule {
    /// A share of each element must come from qualifying places (US §30D shape).
    QualifyingShare {
        /// Extraction or processing in these countries qualifies (the US itself) …
        qualifying_countries: Vec<CountryCode>,
        /// … and in this group.
        qualifying_group: Group,
        /// Recycling in these countries qualifies.
        recycled_in: Vec<CountryCode>,
        /// Required percentage from each date on.
        applicable_percent: Vec<(Date, u32)>,
        /// No material extracted, processed or recycled in this group …
        excluded_group: Group,
        /// … from this date on.
        excluded_from: Date,
        /// Last date the rule grants anything.
        ends: Option<Date>,
    },
    /// A minimum recycled share per element from dates on (EU Art. 8 shape).
    RecycledContent {
        /// (from, element, percent).
        minimums: Vec<(Date, String, u32)>,
    },
}

/// A dated rule pack.
#[derive(Debug, Clone)]
pub struct RulePack {
    /// Identifier used on the command line.
    pub id: String,
    /// Title.
    pub title: String,
    /// What is measured and how critmin reads it.
    pub basis: String,
    /// The rule.
    pub rule: Rule,
    /// Sources of every figure.
    pub sources: Vec<Source>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PercentFrom {
    from: String,
    percent: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Minimum {
    from: String,
    element: String,
    percent: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackJson {
    id: String,
    title: String,
    kind: String,
    basis: String,
    #[serde(default)]
    qualifying_countries: Vec<String>,
    #[serde(default)]
    qualifying_group: Option<String>,
    #[serde(default)]
    recycled_in: Vec<String>,
    #[serde(default)]
    applicable_percent: Vec<PercentFrom>,
    #[serde(default)]
    excluded_group: Option<String>,
    #[serde(default)]
    excluded_from: Option<String>,
    #[serde(default)]
    ends: Option<String>,
    #[serde(default)]
    minimums: Vec<Minimum>,
    sources: Vec<Source>,
}

/// Why a rule pack file is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct RulePackError {
    /// The file.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl RulePack {
    /// Reads a rule pack from JSON; `file` names it in errors.
    pub fn parse(file: &str, json: &str) -> Result<RulePack, RulePackError> {
        let err = |message: String| RulePackError {
            file: file.to_owned(),
            message,
        };
        let p: PackJson = serde_json::from_str(json).map_err(|e| err(e.to_string()))?;
        let date = |field: &str, s: &str| s.parse::<Date>().map_err(|e| err(format!("{field}: {e}")));
        let group = |field: &str, s: &Option<String>| {
            s.as_deref()
                .ok_or_else(|| err(format!("{field}: missing")))?
                .parse::<Group>()
                .map_err(|e| err(format!("{field}: {e}")))
        };
        let percent = |field: &str, v: u32| {
            if v <= 100 {
                Ok(v)
            } else {
                Err(err(format!("{field}: {v} is above 100")))
            }
        };
        let rule = match p.kind.as_str() {
            "qualifying_share" => {
                let mut applicable = Vec::new();
                for (i, a) in p.applicable_percent.iter().enumerate() {
                    let field = format!("applicable_percent[{i}]");
                    applicable.push((date(&field, &a.from)?, percent(&field, a.percent)?));
                }
                if applicable.is_empty() || applicable.windows(2).any(|w| w[0].0 >= w[1].0) {
                    return Err(err("applicable_percent: expected dates in increasing order".into()));
                }
                Rule::QualifyingShare {
                    qualifying_countries: p
                        .qualifying_countries
                        .iter()
                        .map(|c| c.parse().map_err(|e| err(format!("qualifying_countries: {e}"))))
                        .collect::<Result<_, _>>()?,
                    qualifying_group: group("qualifying_group", &p.qualifying_group)?,
                    recycled_in: p
                        .recycled_in
                        .iter()
                        .map(|c| c.parse().map_err(|e| err(format!("recycled_in: {e}"))))
                        .collect::<Result<_, _>>()?,
                    applicable_percent: applicable,
                    excluded_group: group("excluded_group", &p.excluded_group)?,
                    excluded_from: date("excluded_from", p.excluded_from.as_deref().unwrap_or(""))?,
                    ends: p.ends.as_deref().map(|e| date("ends", e)).transpose()?,
                }
            }
            "recycled_content" => {
                let mut minimums = Vec::new();
                for (i, m) in p.minimums.iter().enumerate() {
                    let field = format!("minimums[{i}]");
                    minimums.push((date(&field, &m.from)?, m.element.clone(), percent(&field, m.percent)?));
                }
                if minimums.is_empty() {
                    return Err(err("minimums: at least one expected".into()));
                }
                Rule::RecycledContent { minimums }
            }
            other => {
                return Err(err(format!(
                    "kind `{other}`: expected qualifying_share or recycled_content"
                )));
            }
        };
        if p.sources.is_empty() {
            return Err(err("sources: every rule pack names its sources".into()));
        }
        Ok(RulePack {
            id: p.id,
            title: p.title,
            basis: p.basis,
            rule,
            sources: p.sources,
        })
    }
}

/// Every embedded rule pack.
pub fn embedded_rule_packs() -> Vec<RulePack> {
    EMBEDDED_RULE_PACKS
        .iter()
        .map(|(file, json)| RulePack::parse(file, json).expect("embedded rule packs are valid (tested)"))
        .collect()
}

/// Outcome of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Meets the rule.
    Pass,
    /// Does not.
    Fail,
    /// The rule says nothing about this lot on this date.
    NotApplicable,
}

/// One figure behind a verdict.
#[derive(Debug, Clone)]
pub struct Check {
    /// Element.
    pub element: String,
    /// What is measured.
    pub measure: String,
    /// The lot's share (exact).
    pub share: BigRational,
    /// Required minimum (or maximum, for exclusions).
    pub required: BigRational,
    /// Whether a larger share is better (minimum) or not (exclusion: must be zero).
    pub is_minimum: bool,
    /// Whether it passes.
    pub pass: bool,
}

/// A claim checked against a rule pack.
#[derive(Debug, Clone)]
pub struct ClaimOutcome {
    /// Rule pack id.
    pub rule: String,
    /// Date the claim is made for.
    pub date: Date,
    /// Verdict.
    pub verdict: Verdict,
    /// Figures.
    pub checks: Vec<Check>,
    /// Caveats.
    pub notes: Vec<String>,
}

fn percent(p: u32) -> BigRational {
    BigRational::new(BigInt::from(p), BigInt::from(100))
}

/// Checks a lot's provenance (physical or mass-balance view) against a rule pack on `date`;
/// `groups` gives a country's policy groups.
pub fn evaluate(
    pack: &RulePack,
    provenance: &[ElementProvenance],
    date: Date,
    groups: &dyn Fn(CountryCode) -> GroupSet,
) -> ClaimOutcome {
    let mut checks = Vec::new();
    let mut notes = Vec::new();
    let verdict = match &pack.rule {
        Rule::QualifyingShare {
            qualifying_countries,
            qualifying_group,
            recycled_in,
            applicable_percent,
            excluded_group,
            excluded_from,
            ends,
        } => {
            if let Some(end) = ends.filter(|e| date > *e) {
                notes.push(format!(
                    "the rule grants nothing after {end}; figures shown against the enacted schedule"
                ));
            }
            match applicable_percent.iter().rev().find(|(from, _)| *from <= date) {
                None => {
                    notes.push(format!("no applicable percentage before {}", applicable_percent[0].0));
                    Verdict::NotApplicable
                }
                Some((_, required)) => {
                    let in_group = |c: CountryCode, g: Group| groups(c).contains(g);
                    let qualifies =
                        |c: CountryCode| qualifying_countries.contains(&c) || in_group(c, *qualifying_group);
                    for e in provenance {
                        let share = e.share(|p| match p.origin {
                            Some(o) if o.recycled => recycled_in.contains(&o.country),
                            Some(o) => qualifies(o.country) || p.processed_in.iter().any(|c| qualifies(*c)),
                            None => false,
                        });
                        let required = percent(*required);
                        checks.push(Check {
                            element: e.element.clone(),
                            measure: format!(
                                "extracted or processed in {}{}, or recycled in {}",
                                qualifying_countries.iter().map(|c| format!("{c}/")).collect::<String>(),
                                qualifying_group.id(),
                                recycled_in.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("/")
                            ),
                            pass: share >= required,
                            share,
                            required,
                            is_minimum: true,
                        });
                        if date >= *excluded_from {
                            let share = e.share(|p| {
                                p.origin.is_some_and(|o| in_group(o.country, *excluded_group))
                                    || p.processed_in.iter().any(|c| in_group(*c, *excluded_group))
                            });
                            checks.push(Check {
                                element: e.element.clone(),
                                measure: format!("extracted, processed or recycled in {}", excluded_group.id()),
                                pass: share == percent(0),
                                share,
                                required: percent(0),
                                is_minimum: false,
                            });
                        }
                    }
                    if provenance.is_empty() {
                        Verdict::NotApplicable
                    } else if checks.iter().all(|c| c.pass) {
                        Verdict::Pass
                    } else {
                        Verdict::Fail
                    }
                }
            }
        }
        Rule::RecycledContent { minimums } => {
            for e in provenance {
                let in_force = minimums
                    .iter()
                    .filter(|(from, el, _)| *el == e.element && *from <= date)
                    .max_by_key(|m| m.0);
                if let Some((from, _, required)) = in_force {
                    let share = e.recycled_share();
                    let required = percent(*required);
                    checks.push(Check {
                        element: e.element.clone(),
                        measure: format!("recycled share (minimum in force since {from})"),
                        pass: share >= required,
                        share,
                        required,
                        is_minimum: true,
                    });
                }
            }
            if checks.is_empty() {
                notes.push("no minimum in force for the elements of this lot on this date".into());
                Verdict::NotApplicable
            } else if checks.iter().all(|c| c.pass) {
                Verdict::Pass
            } else {
                Verdict::Fail
            }
        }
    };
    ClaimOutcome {
        rule: pack.id.clone(),
        date,
        verdict,
        checks,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_packs_parse_and_carry_the_published_figures() {
        let packs = embedded_rule_packs();
        let us = packs.iter().find(|p| p.id == "us-30d-critical-minerals").unwrap();
        let Rule::QualifyingShare {
            applicable_percent,
            excluded_from,
            ..
        } = &us.rule
        else {
            panic!()
        };
        let figures: Vec<u32> = applicable_percent.iter().map(|a| a.1).collect();
        assert_eq!(figures, [40, 50, 60, 70, 80]);
        assert_eq!(excluded_from.to_string(), "2025-01-01");
        let eu = packs.iter().find(|p| p.id == "eu-2023-1542-recycled-content").unwrap();
        let Rule::RecycledContent { minimums } = &eu.rule else {
            panic!()
        };
        let at = |year: i32, el: &str| minimums.iter().find(|m| m.0.year == year && m.1 == el).unwrap().2;
        assert_eq!(
            [
                at(2031, "cobalt"),
                at(2031, "lithium"),
                at(2031, "nickel"),
                at(2031, "lead")
            ],
            [16, 6, 6, 85]
        );
        assert_eq!(
            [
                at(2036, "cobalt"),
                at(2036, "lithium"),
                at(2036, "nickel"),
                at(2036, "lead")
            ],
            [26, 12, 15, 85]
        );
    }

    #[test]
    fn bad_packs_name_the_file_and_field() {
        let e = RulePack::parse(
            "x.json",
            r#"{"id":"x","title":"t","kind":"recycled_content","basis":"b",
            "minimums":[{"from":"2031-13-01","element":"cobalt","percent":5}],"sources":[]}"#,
        )
        .unwrap_err();
        assert_eq!(e.file, "x.json");
        assert!(e.message.starts_with("minimums[0]"), "{}", e.message);
    }
}
