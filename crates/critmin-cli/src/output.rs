//! Rendering command results: a plain-text table for people, CSV and JSON for scripts.
//!
//! Every command builds serializable records (the JSON and CSV shapes) and a [`Table`] view of
//! the same records for the terminal.

use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::locale;
use serde::Serialize;

/// Output format chosen with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum Format {
    /// Aligned columns for reading in a terminal.
    #[default]
    Table,
    /// One JSON document (an array of records, or an object).
    Json,
    /// Comma-separated values with a header line.
    Csv,
}

/// A text table: headers, rows, and which columns are numeric (right-aligned).
pub(crate) struct Table {
    pub(crate) title: Option<String>,
    headers: Vec<&'static str>,
    numeric: Vec<bool>,
    rows: Vec<Vec<String>>,
    pub(crate) footer: Vec<String>,
}

impl Table {
    /// A table with these columns; a header ending in `>` is numeric (right-aligned).
    pub(crate) fn new(columns: &[&'static str]) -> Table {
        Table {
            title: None,
            headers: columns.iter().map(|c| c.trim_end_matches('>')).collect(),
            numeric: columns.iter().map(|c| c.ends_with('>')).collect(),
            rows: Vec::new(),
            footer: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        if let Some(title) = &self.title {
            writeln!(out, "{title}")?;
        }
        let width = |s: &str| s.chars().count();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let line = |cells: &[String], out: &mut dyn Write| -> std::io::Result<()> {
            let mut text = String::new();
            for (i, cell) in cells.iter().enumerate() {
                let pad = widths.get(i).copied().unwrap_or(0).saturating_sub(width(cell));
                if i > 0 {
                    text.push_str("  ");
                }
                if self.numeric.get(i).copied().unwrap_or(false) {
                    text.extend(std::iter::repeat_n(' ', pad));
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            writeln!(out, "{}", text.trim_end())
        };
        let headers: Vec<String> = self.headers.iter().map(|h| (*h).to_owned()).collect();
        line(&headers, out)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(&rule, out)?;
        for row in &self.rows {
            line(row, out)?;
        }
        for f in &self.footer {
            writeln!(out, "{f}")?;
        }
        Ok(())
    }
}

/// Writes `records` in `format`; `table` builds the terminal view when asked for.
pub(crate) fn emit<T: Serialize>(format: Format, records: &[T], table: impl FnOnce() -> Table) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, records)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            for r in records {
                w.serialize(r)?;
            }
            w.flush()?;
        }
        Format::Table => table().write(&mut out)?,
    }
    Ok(())
}

/// A fraction as a percentage with one decimal (`0.4818` → `48.2%`).
pub(crate) fn pct(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// A quantity with thousands separators and at most three significant decimals.
pub(crate) fn quantity(v: f64) -> String {
    let decimals = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 1.0 {
        2
    } else {
        3
    };
    let text = format!("{v:.decimals$}");
    // Grouped by thousands in English (CLDR, through ICU4X); `NaN` and `inf` stay as they are.
    let english = DecimalFormatter::try_new(locale!("en").into(), Default::default()).ok();
    english
        .zip(text.parse::<Decimal>().ok())
        .map_or(text, |(en, number)| en.format_to_string(&number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_grouped() {
        assert_eq!(quantity(1234567.0), "1,234,567");
        assert_eq!(quantity(-1234.4), "-1,234");
        assert_eq!(quantity(12.345), "12.35");
        assert_eq!(quantity(0.1234), "0.123");
        assert_eq!(quantity(-0.0001), "-0.000");
        assert_eq!(quantity(1e21), "1,000,000,000,000,000,000,000");
        assert_eq!(quantity(f64::NAN), "NaN");
        assert_eq!(pct(0.48183), "48.2%");
    }

    #[test]
    fn tables_align() {
        let mut t = Table::new(&["name", "value>"]);
        t.row(vec!["a".into(), "1".into()]);
        t.row(vec!["Côte".into(), "100".into()]);
        let mut buf = Vec::new();
        t.write(&mut buf).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "name  value\n----  -----\na         1\nCôte    100\n"
        );
    }
}
