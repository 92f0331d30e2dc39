//! Colour legends: a row of swatches with their labels.

use maud::{Markup, html};

use crate::format::thousands;
use crate::palette::{HHI_COLOURS, HHI_EDGES, NO_DATA, SHARE_BINS, SHARE_COLOURS, WITHHELD};

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Swatch {
    /// Fill colour.
    pub colour: &'static str,
    /// What the colour means.
    pub label: String,
}

impl Swatch {
    /// A swatch of `colour` meaning `label`.
    pub fn new(colour: &'static str, label: impl Into<String>) -> Swatch {
        Swatch {
            colour,
            label: label.into(),
        }
    }
}

/// `<div class="legend">`: an optional caption, then one swatch per entry, then optional
/// closing words.
pub fn legend(id: Option<&str>, caption: Option<&str>, swatches: &[Swatch], after: Option<&str>) -> Markup {
    html! {
        div.legend id=[id] {
            @if let Some(caption) = caption { span { (caption) } }
            @for s in swatches {
                span { i.sw style={ "background:" (s.colour) } {} (s.label) }
            }
            @if let Some(after) = after { span { (after) } }
        }
    }
}

/// The swatches of the share bins, then withheld and not listed.
pub fn share_legend(withheld: &str, not_listed: &str) -> Vec<Swatch> {
    let mut out: Vec<Swatch> = SHARE_COLOURS
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let label = match SHARE_BINS.get(i + 1) {
                Some(next) => format!("{}–{}%", SHARE_BINS[i] * 100.0, next * 100.0),
                None => format!("≥ {}%", SHARE_BINS[i] * 100.0),
            };
            Swatch::new(c, label)
        })
        .collect();
    out.push(Swatch::new(WITHHELD, withheld));
    out.push(Swatch::new(NO_DATA, not_listed));
    out
}

/// The swatches of the HHI classes.
pub fn hhi_legend() -> Vec<Swatch> {
    HHI_COLOURS
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let label = match HHI_EDGES.get(i + 1) {
                Some(next) => format!("{}–{}", thousands(HHI_EDGES[i]), thousands(*next)),
                None => format!("≥ {}", thousands(HHI_EDGES[i])),
            };
            Swatch::new(c, label)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_legend_escapes_its_labels() {
        let html = legend(Some("l"), Some("Share:"), &[Swatch::new("#fff", "<b>x</b>")], None).into_string();
        assert_eq!(
            html,
            "<div class=\"legend\" id=\"l\"><span>Share:</span><span><i class=\"sw\" style=\"background:#fff\"></i>&lt;b&gt;x&lt;/b&gt;</span></div>"
        );
        assert_eq!(hhi_legend()[2].label, "1,500–2,500");
        assert_eq!(share_legend("w", "n").len(), 8);
    }
}
