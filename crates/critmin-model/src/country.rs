//! Countries (ISO 3166-1 alpha-3) and the policy groups critmin reasons about.

use std::fmt;
use std::str::FromStr;

/// An ISO 3166-1 alpha-3 code, or one of the pseudo-codes `WLD` (world total), `ROW` (the
/// source's residual) and user-assigned codes such as `XKX` (Kosovo).
///
/// Invariant: exactly three ASCII upper-case letters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 3]);

/// Why a string is not a country code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a three-letter upper-case ISO 3166-1 alpha-3 code")]
pub struct CountryCodeError(pub String);

impl CountryCode {
    /// The source's published world total. Never a supplier.
    pub const WORLD: CountryCode = CountryCode(*b"WLD");
    /// The source's own residual row ("Other countries", "Rest of world").
    pub const REST_OF_WORLD: CountryCode = CountryCode(*b"ROW");
    /// India.
    pub const INDIA: CountryCode = CountryCode(*b"IND");
    /// The United States.
    pub const USA: CountryCode = CountryCode(*b"USA");
    /// China.
    pub const CHINA: CountryCode = CountryCode(*b"CHN");

    /// Builds a code from three upper-case ASCII letters; `None` for anything else.
    pub const fn from_bytes(bytes: [u8; 3]) -> Option<CountryCode> {
        let mut i = 0;
        while i < 3 {
            if !bytes[i].is_ascii_uppercase() {
                return None;
            }
            i += 1;
        }
        Some(CountryCode(bytes))
    }

    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        // Invariant: the three bytes are ASCII upper-case letters, hence valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// `true` for `WLD` and `ROW`, which are never individual suppliers.
    pub fn is_pseudo(&self) -> bool {
        *self == Self::WORLD || *self == Self::REST_OF_WORLD
    }
}

impl FromStr for CountryCode {
    type Err = CountryCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if b.len() != 3 {
            return Err(CountryCodeError(s.to_owned()));
        }
        CountryCode::from_bytes([b[0], b[1], b[2]]).ok_or_else(|| CountryCodeError(s.to_owned()))
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

/// A policy group a country may belong to (columns of `countries.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Minerals Security Partnership (14 countries; the EU takes part as an organisation).
    Msp,
    /// The Quad: Australia, India, Japan, the United States.
    Quad,
    /// Group of Seven.
    G7,
    /// The 27 member states of the European Union.
    Eu27,
    /// OECD members.
    Oecd,
    /// Indo-Pacific Economic Framework.
    Ipef,
    /// Countries with a comprehensive free-trade agreement with the United States.
    UsFta,
    /// Countries with a critical-minerals agreement with the United States (Japan).
    UsCma,
    /// US FTA or critical-minerals-agreement partner, as used by the IRA §30D test.
    UsFtaOrCmaForIra,
    /// "Covered nations" of the foreign-entity-of-concern definition (CHN, RUS, PRK, IRN).
    Feoc,
}

/// Why a string names no group.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown group `{0}`; expected one of: {list}", list = Group::ALL.iter().map(|g| g.id()).collect::<Vec<_>>().join(", "))]
pub struct ParseGroupError(pub String);

impl Group {
    /// Every group, in a stable order.
    pub const ALL: [Group; 10] = [
        Group::Msp,
        Group::Quad,
        Group::G7,
        Group::Eu27,
        Group::Oecd,
        Group::Ipef,
        Group::UsFta,
        Group::UsCma,
        Group::UsFtaOrCmaForIra,
        Group::Feoc,
    ];

    /// Short identifier used on the command line and in output.
    pub fn id(self) -> &'static str {
        match self {
            Group::Msp => "msp",
            Group::Quad => "quad",
            Group::G7 => "g7",
            Group::Eu27 => "eu27",
            Group::Oecd => "oecd",
            Group::Ipef => "ipef",
            Group::UsFta => "us-fta",
            Group::UsCma => "us-cma",
            Group::UsFtaOrCmaForIra => "ira-fta",
            Group::Feoc => "feoc",
        }
    }

    /// The column of `countries.csv` that holds membership of this group.
    pub fn column(self) -> &'static str {
        match self {
            Group::Msp => "msp_member",
            Group::Quad => "quad",
            Group::G7 => "g7",
            Group::Eu27 => "eu27",
            Group::Oecd => "oecd",
            Group::Ipef => "ipef",
            Group::UsFta => "us_fta_partner",
            Group::UsCma => "us_critical_minerals_agreement",
            Group::UsFtaOrCmaForIra => "us_fta_or_cma_for_ira",
            Group::Feoc => "feoc_covered_nation",
        }
    }

    /// Human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            Group::Msp => "Minerals Security Partnership",
            Group::Quad => "Quad",
            Group::G7 => "G7",
            Group::Eu27 => "EU-27",
            Group::Oecd => "OECD",
            Group::Ipef => "IPEF",
            Group::UsFta => "US free-trade partners",
            Group::UsCma => "US critical-minerals agreement partners",
            Group::UsFtaOrCmaForIra => "US FTA or CMA partners (IRA 30D)",
            Group::Feoc => "FEOC-covered nations",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl FromStr for Group {
    type Err = ParseGroupError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Group::ALL
            .into_iter()
            .find(|g| g.id() == wanted || g.column().replace('_', "-") == wanted)
            .ok_or_else(|| ParseGroupError(s.to_owned()))
    }
}

/// A set of [`Group`]s, stored as bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GroupSet(u16);

impl GroupSet {
    /// The empty set.
    pub const EMPTY: GroupSet = GroupSet(0);

    /// Adds a group.
    pub fn insert(&mut self, group: Group) {
        self.0 |= group.bit();
    }

    /// Whether the set holds `group`.
    pub fn contains(self, group: Group) -> bool {
        self.0 & group.bit() != 0
    }

    /// The groups in the set, in [`Group::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Group> {
        Group::ALL.into_iter().filter(move |g| self.contains(*g))
    }
}

impl FromIterator<Group> for GroupSet {
    fn from_iter<I: IntoIterator<Item = Group>>(iter: I) -> Self {
        let mut set = GroupSet::EMPTY;
        for g in iter {
            set.insert(g);
        }
        set
    }
}

/// One row of the country table.
#[derive(Debug, Clone, PartialEq)]
pub struct Country {
    /// ISO 3166-1 alpha-3 (or a pseudo-code).
    pub code: CountryCode,
    /// ISO 3166-1 alpha-2, empty for pseudo-codes.
    pub iso2: String,
    /// Short English name.
    pub name: String,
    /// UN M49 sub-region.
    pub un_region: String,
    /// Continent.
    pub continent: String,
    /// Policy groups the country belongs to.
    pub groups: GroupSet,
    /// Year the country joined the OECD, when it is a member.
    pub oecd_accession_year: Option<u16>,
    /// Free-text note from the source table.
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_parse_and_reject() {
        let ind: CountryCode = "IND".parse().unwrap();
        assert_eq!(ind, CountryCode::INDIA);
        assert_eq!(ind.to_string(), "IND");
        for bad in ["", "IN", "ind", "INDI", "I1D", "ÄBC"] {
            assert!(bad.parse::<CountryCode>().is_err(), "{bad} accepted");
        }
        assert!(CountryCode::WORLD.is_pseudo() && CountryCode::REST_OF_WORLD.is_pseudo());
        assert!(!CountryCode::USA.is_pseudo());
    }

    #[test]
    fn groups_parse_by_id_and_column() {
        assert_eq!("quad".parse::<Group>().unwrap(), Group::Quad);
        assert_eq!("FEOC".parse::<Group>().unwrap(), Group::Feoc);
        assert_eq!("us_fta_partner".parse::<Group>().unwrap(), Group::UsFta);
        let err = "nato".parse::<Group>().unwrap_err().to_string();
        assert!(err.contains("nato") && err.contains("msp"), "{err}");
        let set: GroupSet = [Group::Quad, Group::Msp].into_iter().collect();
        assert!(set.contains(Group::Quad) && !set.contains(Group::G7));
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![Group::Msp, Group::Quad]);
    }
}
