//! The load error. [`Problem`] itself lives in `critmin-model`, so crates that only report
//! problems need not depend on the loader; it is re-exported here.

use std::fmt;
use std::path::PathBuf;

pub use critmin_model::Problem;

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
