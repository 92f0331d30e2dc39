//! Validation problems and the load error.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with an input file: where, what was found, and what was expected.
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
    pub(crate) fn cell(file: &str, line: u64, column: &str, value: &str, expected: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            line,
            column: Some(column.to_owned()),
            value: Some(value.to_owned()),
            expected: expected.into(),
        }
    }

    pub(crate) fn line(file: &str, line: u64, expected: impl Into<String>) -> Problem {
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

/// Why a dataset could not be loaded. Nothing of a failed load is returned.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// One or more files have problems; every problem found is listed.
    #[error("{} problem(s) in the input; nothing was loaded:\n{}", .0.len(), ProblemList(.0))]
    Invalid(Vec<Problem>),
    /// A file or directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl LoadError {
    /// The problems, when the input was invalid.
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Invalid(p) => p,
            LoadError::Io { .. } => &[],
        }
    }
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  - {p}")?;
        }
        Ok(())
    }
}
