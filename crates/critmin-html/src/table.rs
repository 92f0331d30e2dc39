//! Table heads.

use maud::{Markup, html};

/// One column of a table head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column<'a> {
    /// Header text.
    pub label: &'a str,
    /// Right-aligned numbers.
    pub numeric: bool,
}

/// A text column.
pub fn text<'a>(label: &'a str) -> Column<'a> {
    Column { label, numeric: false }
}

/// A numeric column.
pub fn num<'a>(label: &'a str) -> Column<'a> {
    Column { label, numeric: true }
}

/// `<thead>` with one row of `columns`; numeric ones carry `numeric_class`.
pub fn head(columns: &[Column<'_>], numeric_class: &str) -> Markup {
    html! {
        thead { tr {
            @for c in columns {
                @if c.numeric { th class=(numeric_class) { (c.label) } } @else { th { (c.label) } }
            }
        } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_columns_carry_the_class() {
        assert_eq!(
            head(&[text("A"), num("B")], "n").into_string(),
            "<thead><tr><th>A</th><th class=\"n\">B</th></tr></thead>"
        );
    }
}
