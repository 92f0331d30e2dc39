//! The projected world map (Natural Earth 1:110m via npm `world-atlas`, projected once with
//! d3-geo's Natural Earth projection into a 960 × 500 box; see `assets/README.md`).

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_has_the_countries_the_data_names() {
        assert!(shapes().count() > 170);
        for code in ["USA", "IND", "CHN", "COD", "AUS", "CHL", "IDN", "_SPHERE", "_GRATICULE"] {
            let s = shape(code).unwrap_or_else(|| panic!("{code} missing"));
            assert!(s.path.starts_with('M'), "{code}");
        }
    }
}
