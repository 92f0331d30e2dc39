//! One thing wrong with an input file, as every reader reports it.

use std::fmt;

/// One thing wrong with an input file: where, what was found, and what was expected.
///
/// Displayed as `file:line: column `c`: value `v`: expected …`, the parts that are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// File name (embedded) or path (user file).
    pub file: String,
    /// 1-based line number; the header is line 1. Zero when the problem concerns the whole file.
    pub line: u64,
    /// Column name, when the problem is in one cell.
    pub column: Option<String>,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    /// What was expected instead (or what is wrong), in plain words.
    pub expected: String,
}

impl Problem {
    /// A problem with one cell: its column and the value as written.
    pub fn cell(file: &str, line: u64, column: &str, value: &str, expected: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            line,
            column: Some(column.to_owned()),
            value: Some(value.to_owned()),
            expected: expected.into(),
        }
    }

    /// A problem with a whole line (or, on line 0, the whole file).
    pub fn line(file: &str, line: u64, expected: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            line,
            column: None,
            value: None,
            expected: expected.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column `{column}`")?;
        }
        if let Some(value) = &self.value {
            write!(f, ": value `{value}`")?;
        }
        write!(f, ": {}", self.expected)
    }
}
