//! A small CSV reader for the planner's files that reports problems the way the core loaders do
//! (`file:line: column `c`: value `v`: expected …`, see [`critmin_data::Problem`]).

use critmin_data::Problem;

/// A parsed CSV file with its header and records (line numbers kept).
pub(crate) struct Table {
    pub(crate) file: String,
    header: Vec<String>,
    pub(crate) rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Parses `text`; malformed records become problems.
    pub(crate) fn parse(file: &str, text: &str, problems: &mut Vec<Problem>) -> Table {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        let header = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
            Err(e) => {
                problems.push(line_problem(file, 1, format!("a readable CSV header ({e})")));
                Vec::new()
            }
        };
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => rows.push((record.position().map_or(0, |p| p.line()), record.clone())),
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    let expected = match e.kind() {
                        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                            format!("{expected_len} fields as in the header, found {len}")
                        }
                        csv::ErrorKind::Utf8 { .. } => "UTF-8 text".to_owned(),
                        _ => format!("a well-formed CSV record ({e})"),
                    };
                    problems.push(line_problem(file, line, expected));
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        break;
                    }
                }
            }
        }
        Table {
            file: file.to_owned(),
            header,
            rows,
        }
    }

    /// Positions of the `required` columns; each missing one is a problem on line 1.
    pub(crate) fn require(&self, required: &[&str], problems: &mut Vec<Problem>) -> Option<Vec<usize>> {
        let mut positions = Vec::with_capacity(required.len());
        for name in required {
            match self.header.iter().position(|h| h == name) {
                Some(p) => positions.push(p),
                None => problems.push(Problem {
                    file: self.file.clone(),
                    line: 1,
                    column: Some((*name).to_owned()),
                    value: None,
                    expected: format!(
                        "a column named `{name}` in the header (found: {})",
                        self.header.join(",")
                    ),
                }),
            }
        }
        (positions.len() == required.len()).then_some(positions)
    }
}

/// One record with its required columns, reporting problems with file, line, column and value.
pub(crate) struct Row<'a> {
    pub(crate) file: &'a str,
    pub(crate) line: u64,
    pub(crate) record: &'a csv::StringRecord,
    pub(crate) positions: &'a [usize],
    pub(crate) names: &'a [&'a str],
}

impl<'a> Row<'a> {
    /// The trimmed cell of required column `i`.
    pub(crate) fn cell(&self, i: usize) -> &'a str {
        self.record.get(self.positions[i]).map_or("", str::trim)
    }

    /// Parses cell `i`, pushing a problem when the parser says what it expected instead.
    pub(crate) fn parse<T>(
        &self,
        i: usize,
        problems: &mut Vec<Problem>,
        parser: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parser(self.cell(i)) {
            Ok(v) => Some(v),
            Err(expected) => {
                problems.push(self.problem(i, expected));
                None
            }
        }
    }

    /// A problem with cell `i`.
    pub(crate) fn problem(&self, i: usize, expected: impl Into<String>) -> Problem {
        Problem {
            file: self.file.to_owned(),
            line: self.line,
            column: Some(self.names[i].to_owned()),
            value: Some(self.cell(i).to_owned()),
            expected: expected.into(),
        }
    }
}

pub(crate) fn line_problem(file: &str, line: u64, expected: impl Into<String>) -> Problem {
    Problem {
        file: file.to_owned(),
        line,
        column: None,
        value: None,
        expected: expected.into(),
    }
}

/// Iterates the rows of `table` with the `names` columns resolved (nothing when one is missing).
pub(crate) fn rows<'a>(
    table: &'a Table,
    names: &'a [&'a str],
    positions: &'a [usize],
) -> impl Iterator<Item = Row<'a>> + 'a {
    table.rows.iter().map(move |(line, record)| Row {
        file: &table.file,
        line: *line,
        record,
        positions,
        names,
    })
}

/// A finite number ≥ 0.
pub(crate) fn non_negative(cell: &str) -> Result<f64, String> {
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err("a non-negative decimal number such as 1234 or 12.5 (no separators, units or words)".to_owned()),
    }
}

/// An empty cell (missing) or a finite number ≥ 0.
pub(crate) fn optional_non_negative(cell: &str) -> Result<Option<f64>, String> {
    if cell.is_empty() {
        Ok(None)
    } else {
        non_negative(cell).map(Some)
    }
}

/// A share in [0, 1], or empty.
pub(crate) fn optional_share(cell: &str) -> Result<Option<f64>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(Some(v)),
        _ => Err("a share between 0 and 1 (e.g. 0.35), or empty".to_owned()),
    }
}

/// A year between 1900 and 2100, or empty.
pub(crate) fn optional_year(cell: &str) -> Result<Option<u16>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<u16>() {
        Ok(y) if (1900..=2100).contains(&y) => Ok(Some(y)),
        _ => Err("a year between 1900 and 2100, or empty".to_owned()),
    }
}
