//! Loaders for critmin: the embedded default dataset and user CSV files of the same shapes.
//!
//! Every file goes through the same validation. A bad file yields one [`Problem`] per fault
//! (file, line, column, value, what was expected), and [`load`] returns a [`Dataset`] only
//! when there is no problem at all: nothing half-loaded is ever used.
//!
//! Conventions enforced (see `data/SOURCES.md`): an empty value is missing, never zero;
//! `WLD` is the source's world total and never a supplier; `ROW` is the source's residual;
//! one unit per series; quantities are non-negative; keys are unique; series that appear in
//! two files are never added together (identical copies, like the IEA refined rows in
//! `refining.csv` and `iea_supply_2024.csv`, are kept once).
//!
//! [`CsvTable`] is the one CSV reader of the workspace: the other crates read their tables
//! (from [`tables`] or from the user) through it, with the same problems.
//!
//! Boundary: this crate knows CSV and the file layout; it knows nothing of metrics, terminals
//! or HTTP.

pub mod cells;
pub mod editions;
mod embedded;
mod load;
mod parse;
mod problem;
mod readers;
mod series;
mod table;
pub mod tables;

pub use embedded::{EMBEDDED_FILES, EmbeddedFile, embedded_file};
pub use load::{
    FileKind, InputFile, PIPELINE_COLUMNS, embedded_inputs, load, load_embedded, load_with_overlay, overlay,
    read_dir_inputs, read_inputs, read_text,
};
pub use problem::{LoadError, Problem};
pub use table::{Columns, CsvTable, Row};
