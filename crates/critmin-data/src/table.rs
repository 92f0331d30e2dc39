//! The one CSV table reader: every table critmin reads (the dataset, the reference tables of
//! the planner, network and trade crates, user files of the same shapes) goes through
//! [`CsvTable`], so every reader reports the same problems the same way (file, line, column,
//! value, expected). Only bulk trade files (BACI, Comtrade) have their own streaming parser,
//! in `critmin-trade`.
//!
//! Reading a table: [`CsvTable::parse`] the text (malformed records become problems), resolve
//! the columns by name ([`CsvTable::columns`]; [`CsvTable::fixed_columns`] for a file of one
//! exact header; [`CsvTable::pick`] when the caller finds them itself), then
//! [`CsvTable::each_row`] hands out [`Row`]s whose `parse`/`problem` record problems that name
//! the cell.

use crate::problem::Problem;

/// A parsed CSV file: its header and records with their line numbers.
pub struct CsvTable {
    file: String,
    header: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

/// Column positions resolved against a list of names, with the names (for messages).
pub struct Columns {
    positions: Vec<Option<usize>>,
    names: Vec<String>,
}

impl CsvTable {
    /// Parses `text`; structural errors (ragged rows, invalid UTF-8) become problems and the
    /// offending record is skipped (callers fail the whole file anyway).
    pub fn parse(file: &str, text: &str, problems: &mut Vec<Problem>) -> CsvTable {
        CsvTable::read(file, text, false, problems)
    }

    /// Like [`CsvTable::parse`], but records may have fewer or more fields than the header
    /// (published files such as the USGS salient statistics); a missing cell reads as empty.
    pub fn parse_ragged(file: &str, text: &str, problems: &mut Vec<Problem>) -> CsvTable {
        CsvTable::read(file, text, true, problems)
    }

    fn read(file: &str, text: &str, ragged: bool, problems: &mut Vec<Problem>) -> CsvTable {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(ragged)
            .from_reader(text.as_bytes());
        let header = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
            Err(e) => {
                problems.push(Problem::line(file, 1, format!("a readable CSV header ({e})")));
                Vec::new()
            }
        };
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        let mut lines = LineCounter::new(text.as_bytes());
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {
                    let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
                    rows.push((line, record.clone()));
                }
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                    let expected = match e.kind() {
                        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                            format!("{expected_len} fields as in the header, found {len}")
                        }
                        csv::ErrorKind::Utf8 { .. } => "UTF-8 text".to_owned(),
                        _ => format!("a well-formed CSV record ({e})"),
                    };
                    problems.push(Problem::line(file, line, expected));
                    // A broken record may not advance the reader; stop after reporting it.
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        break;
                    }
                }
            }
        }
        CsvTable {
            file: file.to_owned(),
            header,
            rows,
        }
    }

    /// The file name given to [`CsvTable::parse`].
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The header, trimmed.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Whether the header is exactly `expected` (trimmed names, in order).
    pub fn header_is(&self, expected: &[&str]) -> bool {
        self.header.iter().map(String::as_str).eq(expected.iter().copied())
    }

    /// For files of one fixed shape: the columns, when the header is exactly `expected`
    /// (trimmed names, in order). When it is not, the problems of this file are replaced by the
    /// one that matters, on line 1 (why the header could not be read, or the header found
    /// against the one expected): no row of a file of another shape means anything.
    pub fn fixed_columns(&self, expected: &[&str], problems: &mut Vec<Problem>) -> Option<Columns> {
        if self.header_is(expected) {
            return self.columns(expected, problems);
        }
        let unreadable = problems
            .iter()
            .position(|p| p.file == self.file && p.line == 1 && p.column.is_none());
        let problem = match unreadable {
            Some(i) => problems.remove(i),
            None => Problem {
                file: self.file.clone(),
                line: 1,
                column: None,
                value: Some(self.header.join(",")),
                expected: format!("the header `{}`", expected.join(",")),
            },
        };
        problems.retain(|p| p.file != self.file);
        problems.push(problem);
        None
    }

    /// The number of records read (malformed ones skipped).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no record was read.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Columns the caller found itself (alternative names, optional columns): each with the
    /// name its problems carry and its position, `None` for an absent column (its cells read
    /// as empty).
    pub fn pick(&self, picked: &[(&str, Option<usize>)]) -> Columns {
        Columns {
            positions: picked.iter().map(|(_, position)| *position).collect(),
            names: picked.iter().map(|(name, _)| (*name).to_owned()).collect(),
        }
    }

    /// Resolves `required` column names; a missing one is reported on line 1. Returns `None`
    /// when any is missing, because no row can then be read.
    pub fn columns(&self, required: &[&str], problems: &mut Vec<Problem>) -> Option<Columns> {
        let mut found = Vec::with_capacity(required.len());
        let mut ok = true;
        for name in required {
            let pos = self.header.iter().position(|h| h == name);
            if pos.is_none() {
                ok = false;
                problems.push(Problem {
                    file: self.file.clone(),
                    line: 1,
                    column: Some((*name).to_owned()),
                    value: None,
                    expected: format!(
                        "a column named `{name}` in the header (found: {})",
                        self.header.join(",")
                    ),
                });
            }
            found.push(pos);
        }
        ok.then(|| Columns {
            positions: found,
            names: required.iter().map(|n| (*n).to_owned()).collect(),
        })
    }

    /// Each record, in file order, as a [`Row`] that reports its problems into `problems`.
    pub fn each_row<'t>(
        &'t self,
        columns: &'t Columns,
        problems: &mut Vec<Problem>,
        mut f: impl FnMut(&mut Row<'t, '_>),
    ) {
        for (line, record) in &self.rows {
            let mut row = Row {
                file: &self.file,
                line: *line,
                record,
                columns,
                problems,
            };
            f(&mut row);
        }
    }
}

/// One record being read: its cells by required-column number, and problem reporting that
/// names the file, line, column and value.
pub struct Row<'t, 'p> {
    /// The file name.
    pub file: &'t str,
    /// The record's 1-based line (the header is line 1).
    pub line: u64,
    record: &'t csv::StringRecord,
    columns: &'t Columns,
    problems: &'p mut Vec<Problem>,
}

impl<'t> Row<'t, '_> {
    /// The trimmed cell of column number `i` (in the order given to [`CsvTable::columns`],
    /// [`CsvTable::fixed_columns`] or [`CsvTable::pick`]); empty when the record or the
    /// picked column has none.
    pub fn cell(&self, i: usize) -> &'t str {
        self.columns
            .positions
            .get(i)
            .copied()
            .flatten()
            .and_then(|pos| self.record.get(pos))
            .map_or("", str::trim)
    }

    /// Parses cell `i`; on failure records a problem saying what was expected.
    pub fn parse<T>(&mut self, i: usize, parser: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let cell = self.cell(i);
        match parser(cell) {
            Ok(v) => Some(v),
            Err(expected) => {
                self.problem(i, expected);
                None
            }
        }
    }

    /// Records a problem with cell `i`.
    pub fn problem(&mut self, i: usize, expected: impl Into<String>) {
        let column = self.columns.names.get(i).map_or("", String::as_str);
        self.problems
            .push(Problem::cell(self.file, self.line, column, self.cell(i), expected));
    }

    /// Records a problem with the whole record.
    pub fn line_problem(&mut self, expected: impl Into<String>) {
        self.problems.push(Problem::line(self.file, self.line, expected));
    }

    /// Records a problem built by the caller (one that names another file, say).
    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// How many problems have been recorded so far (in this file and before it): compare
    /// before and after reading a row's cells to know whether the row is usable.
    pub fn problem_count(&self) -> usize {
        self.problems.len()
    }
}

/// One-based line numbers from byte offsets, counting `\n` only.
///
/// The csv crate's own `Position::line` undercounts on CRLF files (the USGS salient files have
/// Windows line endings), so messages would point one line too high: a record's recorded start
/// can sit on the `\n` of the previous line's `\r\n`. Skipping line-ending bytes at the start
/// and counting newlines before it is exact for both endings and for skipped blank lines.
/// Offsets arrive in increasing order, so each byte is scanned once.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        while matches!(self.bytes.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        if byte < self.offset {
            // Never happens with a forward reader; recount rather than return a wrong line.
            self.offset = 0;
            self.line = 1;
        }
        let newlines = self.bytes[self.offset..byte].iter().filter(|&&b| b == b'\n').count();
        self.line += newlines as u64;
        self.offset = byte;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(problems: &[Problem]) -> Vec<String> {
        problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn rows_name_their_cell_and_crlf_lines_are_exact() {
        let mut problems = Vec::new();
        let table = CsvTable::parse("t.csv", "\u{feff}a, b\r\n1,x\r\n\r\n2,3\r\n", &mut problems);
        let columns = table.columns(&["b", "a"], &mut problems).unwrap();
        let mut numbers = Vec::new();
        table.each_row(&columns, &mut problems, |row| {
            if let Some(n) = row.parse(0, |c| c.parse::<u32>().map_err(|_| "a number".to_owned())) {
                numbers.push((row.line, n, row.cell(1).to_owned()));
            }
        });
        assert_eq!(numbers, [(4, 3, "2".to_owned())]);
        assert_eq!(messages(&problems), ["t.csv:2: column `b`: value `x`: a number"]);
    }

    #[test]
    fn ragged_records_are_problems_unless_ragged_is_asked_for() {
        let text = "a,b\n1\n2,3\n";
        let mut problems = Vec::new();
        let strict = CsvTable::parse("t.csv", text, &mut problems);
        assert_eq!(strict.len(), 1);
        assert_eq!(messages(&problems), ["t.csv:2: 2 fields as in the header, found 1"]);
        let mut problems = Vec::new();
        let ragged = CsvTable::parse_ragged("t.csv", text, &mut problems);
        assert!(problems.is_empty());
        let columns = ragged.pick(&[("b", Some(1)), ("c", None)]);
        let mut cells = Vec::new();
        ragged.each_row(&columns, &mut problems, |row| cells.push((row.cell(0), row.cell(1))));
        assert_eq!(cells, [("", ""), ("3", "")]);
    }

    #[test]
    fn a_file_of_another_shape_is_one_problem() {
        let mut problems = vec![Problem::line("other.csv", 3, "kept")];
        let table = CsvTable::parse("t.csv", "a,c\n1\n", &mut problems);
        assert!(table.fixed_columns(&["a", "b"], &mut problems).is_none());
        assert_eq!(
            messages(&problems),
            ["other.csv:3: kept", "t.csv:1: value `a,c`: the header `a,b`"]
        );
        let mut problems = Vec::new();
        let table = CsvTable::parse("t.csv", "a,b\n1,2\n", &mut problems);
        assert!(table.fixed_columns(&["a", "b"], &mut problems).is_some());
        assert!(problems.is_empty());
    }

    #[test]
    fn missing_columns_are_named_on_line_one() {
        let mut problems = Vec::new();
        let table = CsvTable::parse("t.csv", "a\n1\n", &mut problems);
        assert!(table.columns(&["a", "b"], &mut problems).is_none());
        assert_eq!(
            messages(&problems),
            ["t.csv:1: column `b`: a column named `b` in the header (found: a)"]
        );
    }
}
