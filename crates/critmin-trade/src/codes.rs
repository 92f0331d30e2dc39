//! Country codes of bilateral trade files: BACI's (and UN Comtrade's) numeric codes mapped to
//! ISO 3166-1 alpha-3.
//!
//! The shipped table `data/baci_country_codes.csv` is CEPII's `country_codes_V202301.csv` as
//! published with BACI (read from a public copy of that release), with two columns added:
//! `baci_specific` marks codes that are not the ISO 3166-1 numeric code of the country (251
//! France with Monaco, 579 Norway with Svalbard, 699 India, 757 Switzerland with Liechtenstein,
//! 842 USA with Puerto Rico, 490 "Other Asia, nes", ...) and `historical` marks entities that no
//! longer report (USSR, Czechoslovakia, ...). A user code file (`--codes FILE`, BACI's own
//! `country_codes_V*.csv` in either its V2023 or its V2024+ header) replaces the table.

use critmin_data::CsvTable;
use critmin_model::{CountryCode, Problem};

/// The shipped table (see the module documentation for its source).
pub const EMBEDDED_COUNTRY_CODES: &str = critmin_data::tables::BACI_COUNTRY_CODES.text;
/// File name of the shipped table, used in messages.
pub const EMBEDDED_COUNTRY_CODES_NAME: &str = "baci_country_codes.csv";

/// Largest numeric country code accepted (BACI and Comtrade codes have three digits).
pub const MAX_COUNTRY_CODE: u16 = 999;

/// One numeric trade-country code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeCountry {
    /// The numeric code used in the trade file (`i`, `j` in BACI).
    pub code: u16,
    /// ISO 3166-1 alpha-3 code, when the code file gives one (`None` for "Other Asia, nes" and
    /// other "nes" areas).
    pub iso3: Option<CountryCode>,
    /// Name as given by the code file.
    pub name: String,
    /// `true` when the numeric code is BACI's (or Comtrade's) own and not the ISO numeric code.
    pub baci_specific: bool,
    /// `true` for entities that no longer exist (USSR, Czechoslovakia, Belgium-Luxembourg...).
    pub historical: bool,
}

/// The table of numeric codes, with a dense lookup by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryTable {
    /// Where the table came from (file name or path), for messages.
    pub source: String,
    countries: Vec<TradeCountry>,
    index: Vec<u16>,
}

const NO_ENTRY: u16 = u16::MAX;

impl CountryTable {
    /// The shipped table.
    pub fn embedded() -> CountryTable {
        // The shipped file is checked by a unit test; a failure here is a build defect.
        CountryTable::parse(EMBEDDED_COUNTRY_CODES_NAME, EMBEDDED_COUNTRY_CODES)
            .unwrap_or_else(|problems| panic!("shipped {EMBEDDED_COUNTRY_CODES_NAME} is invalid: {problems:?}"))
    }

    /// Builds a table from its entries; the last entry of a duplicated code wins and codes
    /// above [`MAX_COUNTRY_CODE`] are left out.
    pub fn from_countries(source: &str, countries: Vec<TradeCountry>) -> CountryTable {
        let mut table = CountryTable {
            source: source.to_owned(),
            countries: Vec::new(),
            index: vec![NO_ENTRY; usize::from(MAX_COUNTRY_CODE) + 1],
        };
        for c in countries.into_iter().filter(|c| c.code <= MAX_COUNTRY_CODE) {
            let slot = usize::from(c.code);
            if table.index[slot] == NO_ENTRY {
                table.index[slot] = table.countries.len() as u16;
                table.countries.push(c);
            } else {
                table.countries[usize::from(table.index[slot])] = c;
            }
        }
        table
    }

    /// Parses a code file: the shipped shape (`code,iso3,name,baci_specific,historical,note`) or
    /// BACI's own `country_codes_V*.csv` (`country_code,country_name,country_iso2,country_iso3`
    /// from V2024, `country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,
    /// iso_3digit_alpha` before). Columns are found by name. An ISO3 cell that is not three
    /// upper-case letters (`N/A`, `S19`) leaves the code without ISO3.
    pub fn parse(file: &str, text: &str) -> Result<CountryTable, Vec<Problem>> {
        let mut problems = Vec::new();
        let table = CsvTable::parse(file, text, &mut problems);
        let find = |names: &[&str]| {
            table
                .header()
                .iter()
                .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
        };
        let (Some(code_col), Some(iso_col)) = (
            find(&["code", "country_code"]),
            find(&["iso3", "country_iso3", "iso_3digit_alpha"]),
        ) else {
            return Err(vec![Problem {
                file: file.to_owned(),
                line: 1,
                column: None,
                value: Some(table.header().join(",")),
                expected: "a header with a numeric code column (`code` or `country_code`) and an ISO3 column \
                           (`iso3`, `country_iso3` or `iso_3digit_alpha`)"
                    .to_owned(),
            }]);
        };
        let header_name = |col: usize| table.header()[col].as_str();
        let columns = table.pick(&[
            (header_name(code_col), Some(code_col)),
            (header_name(iso_col), Some(iso_col)),
            ("name", find(&["name", "country_name", "country_name_abbreviation"])),
            ("baci_specific", find(&["baci_specific"])),
            ("historical", find(&["historical"])),
        ]);
        let mut countries = Vec::new();
        let mut seen = vec![false; usize::from(MAX_COUNTRY_CODE) + 1];
        table.each_row(&columns, &mut problems, |row| {
            let code = match row.cell(0).parse::<u16>() {
                Ok(c) if c <= MAX_COUNTRY_CODE => c,
                _ => {
                    row.problem(0, "a numeric country code from 0 to 999");
                    return;
                }
            };
            if std::mem::replace(&mut seen[usize::from(code)], true) {
                row.problem(0, "each code once (this one is listed twice)");
                return;
            }
            let flag = |i: usize| row.cell(i).eq_ignore_ascii_case("true");
            countries.push(TradeCountry {
                code,
                iso3: row.cell(1).parse().ok(),
                name: row.cell(2).to_owned(),
                baci_specific: flag(3),
                historical: flag(4),
            });
        });
        if problems.is_empty() {
            Ok(CountryTable::from_countries(file, countries))
        } else {
            Err(problems)
        }
    }

    /// The entry of a numeric code.
    pub fn get(&self, code: u16) -> Option<&TradeCountry> {
        let slot = *self.index.get(usize::from(code))?;
        (slot != NO_ENTRY).then(|| &self.countries[usize::from(slot)])
    }

    /// Whether the code is listed.
    pub fn contains(&self, code: u16) -> bool {
        self.get(code).is_some()
    }

    /// ISO3 of a numeric code, if any.
    pub fn iso3(&self, code: u16) -> Option<CountryCode> {
        self.get(code).and_then(|c| c.iso3)
    }

    /// A label for output: the ISO3 code, or `#490` when the code has no ISO3.
    pub fn label(&self, code: u16) -> String {
        match self.iso3(code) {
            Some(iso) => iso.to_string(),
            None => format!("#{code}"),
        }
    }

    /// Numeric codes whose ISO3 is `iso3` (India: 699; Germany: 276 and the historical 280).
    pub fn codes_for(&self, iso3: CountryCode) -> Vec<u16> {
        self.countries
            .iter()
            .filter(|c| c.iso3 == Some(iso3))
            .map(|c| c.code)
            .collect()
    }

    /// Every entry, in file order.
    pub fn countries(&self) -> &[TradeCountry] {
        &self.countries
    }

    /// A digest of the table's content (codes and ISO3), part of the cache key: validation and
    /// labels depend on it.
    pub fn digest(&self) -> u64 {
        let mut bytes = Vec::with_capacity(self.countries.len() * 6);
        for c in &self.countries {
            bytes.extend_from_slice(&c.code.to_le_bytes());
            bytes.extend_from_slice(c.iso3.as_ref().map_or("---", |i| i.as_str()).as_bytes());
            bytes.push(u8::from(c.historical));
        }
        xxhash_rust::xxh3::xxh3_64(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_has_baci_particularities() {
        let t = CountryTable::embedded();
        assert!(t.countries().len() > 230);
        for (code, iso) in [
            (251, "FRA"),
            (579, "NOR"),
            (699, "IND"),
            (757, "CHE"),
            (842, "USA"),
            (156, "CHN"),
        ] {
            assert_eq!(t.iso3(code).map(|c| c.to_string()).as_deref(), Some(iso), "code {code}");
        }
        assert!(t.get(699).is_some_and(|c| c.baci_specific));
        assert!(t.get(156).is_some_and(|c| !c.baci_specific));
        assert_eq!(t.iso3(490), None);
        assert_eq!(t.label(490), "#490");
        assert!(t.get(810).is_some_and(|c| c.historical));
        assert_eq!(t.codes_for(CountryCode::INDIA), vec![699]);
        assert!(!t.contains(356), "ISO numeric India is not a BACI code");
    }

    #[test]
    fn baci_code_files_of_both_headers_parse() {
        let old = "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\n\
                   699,India,India,IN,IND\n490,\"Other Asia, nes\",\"Other Asia, nes\",N/A,N/A\n";
        let t = CountryTable::parse("cc.csv", old).unwrap();
        assert_eq!(t.label(699), "IND");
        assert_eq!(t.iso3(490), None);
        let new = "country_code,country_name,country_iso2,country_iso3\n842,USA,US,USA\n";
        assert_eq!(CountryTable::parse("cc.csv", new).unwrap().label(842), "USA");
    }

    #[test]
    fn bad_code_files_name_line_and_column() {
        let text = "code,iso3,name\n699,IND,India\nabc,FRA,France\n699,IND,India again\n";
        let problems = CountryTable::parse("cc.csv", text).unwrap_err();
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec![
                "cc.csv:3: column `code`: value `abc`: a numeric country code from 0 to 999",
                "cc.csv:4: column `code`: value `699`: each code once (this one is listed twice)",
            ]
        );
        assert!(CountryTable::parse("cc.csv", "a,b\n1,2\n").is_err());
    }
}
