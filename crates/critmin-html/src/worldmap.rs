//! The projected world map (Natural Earth 1:110m via npm `world-atlas`, projected once with
//! d3-geo's Natural Earth projection into a 960 × 500 box; see `assets/README.md`), and the
//! one way every page draws it: [`world_map`].

use maud::{Markup, html};

const WORLD_110M: &str = include_str!("../assets/world_110m.tsv");

/// Width and height of the map's coordinate space.
pub const VIEW_BOX: (u32, u32) = (960, 500);

/// One drawable shape of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapShape {
    /// ISO alpha-3 code, an `X-` pseudo-code for territories without one, or `_SPHERE` /
    /// `_GRATICULE` for the globe outline and the 10° graticule.
    pub code: &'static str,
    /// Natural Earth short name.
    pub name: &'static str,
    /// SVG path data.
    pub path: &'static str,
}

/// Every shape of the map, in code order.
pub fn shapes() -> impl Iterator<Item = MapShape> {
    WORLD_110M.lines().skip(1).filter_map(|line| {
        let mut parts = line.splitn(3, '\t');
        Some(MapShape {
            code: parts.next()?,
            name: parts.next()?,
            path: parts.next()?,
        })
    })
}

/// The shape of one code, if drawn.
pub fn shape(code: &str) -> Option<MapShape> {
    shapes().find(|s| s.code == code)
}

/// Where the outlines come from, for a page's list of sources.
pub const CITATION: &str = "Country outlines: Natural Earth 1:110m (public domain) via the world-atlas 2.0.2 npm package (ISC), Natural Earth projection.";
/// The file the outlines are read from.
pub const FILE: &str = "crates/critmin-html/assets/world_110m.tsv";

/// How the map is named for assistive technology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapLabel<'a> {
    /// `aria-label` with this text.
    Text(&'a str),
    /// `aria-labelledby` the element with this id.
    By(&'a str),
}

/// A raw figure a country path carries for scripts and tests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MapValue {
    /// `data-shortfall-pct`: shortfall in percent of consumption.
    ShortfallPct(f64),
}

/// How one country is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryFill {
    /// Fill colour.
    pub fill: &'static str,
    /// Tooltip text.
    pub title: String,
    /// Raw figure, if any.
    pub value: Option<MapValue>,
}

/// The world map as inline SVG: the globe, the graticule, and every country path
/// (`class="country"`, `data-name`, `fill`, `d`, the raw figure, `data-code` last) with its
/// tooltip, each country drawn as `country` says.
pub fn world_map(id: Option<&str>, label: MapLabel<'_>, country: impl Fn(&MapShape) -> CountryFill) -> Markup {
    let (w, h) = VIEW_BOX;
    let (aria_label, labelled_by) = match label {
        MapLabel::Text(t) => (Some(t), None),
        MapLabel::By(id) => (None, Some(id)),
    };
    html! {
        svg id=[id] viewBox={ "0 0 " (w) " " (h) } role="img" aria-label=[aria_label] aria-labelledby=[labelled_by]
            xmlns="http://www.w3.org/2000/svg" {
            @if let Some(sphere) = shape("_SPHERE") {
                path d=(sphere.path) fill="#f4f8fb" stroke="#c3cad6" stroke-width="0.6" {}
            }
            @if let Some(graticule) = shape("_GRATICULE") {
                path d=(graticule.path) fill="none" stroke="#e3e3e3" stroke-width="0.5" {}
            }
            @for shape in shapes().filter(|s| !s.code.starts_with('_')) {
                @let f = country(&shape);
                @match f.value {
                    Some(MapValue::ShortfallPct(v)) => {
                        path class="country" data-name=(shape.name) fill=(f.fill) d=(shape.path)
                            data-shortfall-pct=(v) data-code=(shape.code) { title { (f.title) } }
                    }
                    None => {
                        path class="country" data-name=(shape.name) fill=(f.fill) d=(shape.path)
                            data-code=(shape.code) { title { (f.title) } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_is_a_titled_path_with_its_code_last() {
        let svg = world_map(Some("m"), MapLabel::Text("World"), |s| CountryFill {
            fill: "#fff",
            title: format!("{} <b>", s.name),
            value: (s.code == "COD").then_some(MapValue::ShortfallPct(12.5)),
        })
        .into_string();
        assert!(svg.starts_with("<svg id=\"m\" viewBox=\"0 0 960 500\" role=\"img\" aria-label=\"World\""));
        assert!(svg.contains("data-shortfall-pct=\"12.5\" data-code=\"COD\"><title>"));
        assert!(svg.contains("data-code=\"IND\"><title>India &lt;b&gt;</title>"));
        assert_eq!(svg.matches("<path class=\"country\"").count(), shapes().count() - 2);
    }

    #[test]
    fn the_map_has_the_countries_the_data_names() {
        assert!(shapes().count() > 170);
        for code in ["USA", "IND", "CHN", "COD", "AUS", "CHL", "IDN", "_SPHERE", "_GRATICULE"] {
            let s = shape(code).unwrap_or_else(|| panic!("{code} missing"));
            assert!(s.path.starts_with('M'), "{code}");
        }
    }
}
