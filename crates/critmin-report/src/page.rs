//! The report as one self-contained HTML page: findings, map, heat table, shift, exposure,
//! then the stress and outlook sections, sources and the map picker's script.

use critmin_app::report::{HeatCell, MapSeries, Report, SourceEntry, StageCell};
use critmin_html::format::{pct_small as pct, thousands};
use critmin_html::palette::{NO_DATA, WITHHELD, hhi_colour, share_colour};
use critmin_html::table::{self, Column};
use critmin_html::worldmap::{self, CountryFill, MapLabel};
use critmin_html::{Markup, PreEscaped, hhi_legend, html, json_script, legend, share_legend};

const CSS: &str = r##"
:root{--ink:#1d2433;--muted:#5b6475;--line:#dfe3ea;--bg:#f6f7f9;--accent:#0b4f8a}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#0b2545;color:#fff;padding:28px 40px 22px}
header h1{margin:0;font-size:26px;font-weight:650;letter-spacing:.2px}
header p{margin:6px 0 0;color:#c9d6e8;max-width:900px}
nav{background:#13315c;padding:8px 40px}
nav a{color:#dbe7f7;text-decoration:none;margin-right:22px;font-size:14px;display:inline-block}
nav a:hover{text-decoration:underline}
main{max-width:1240px;margin:0 auto;padding:8px 24px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;margin:22px 0;padding:20px 26px}
h2{font-size:20px;margin:0 0 4px}
h3{font-size:16px;margin:18px 0 6px}
.lede{color:var(--muted);margin:0 0 14px;max-width:920px}
.findings li{margin:6px 0}
.maprow{display:flex;gap:22px;align-items:flex-start;flex-wrap:wrap}
.mapbox{flex:1 1 640px;min-width:320px}
.mapbox svg{width:100%;height:auto;display:block;background:#fff}
.side{flex:0 1 300px;min-width:260px}
.picker{display:flex;gap:10px;align-items:center;margin:4px 0 10px;flex-wrap:wrap}
select{font:inherit;padding:5px 8px;border:1px solid #b9c1cf;border-radius:6px;max-width:100%}
.legend{color:var(--muted)}
.caption{font-size:13px;color:var(--muted);margin-top:6px}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:#394256;background:#f1f3f7;position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.heat{text-align:center;cursor:pointer;font-variant-numeric:tabular-nums;min-width:130px}
td.heat small{display:block;font-size:11.5px;opacity:.85}
td.heat.dark{color:#fff}
td.empty{color:#a0a7b4;text-align:center}
.tag{display:inline-block;font-size:11px;padding:0 5px;border-radius:3px;background:#e8eef7;color:#23446f;margin-right:3px}
.bar{display:inline-block;height:9px;background:#3182bd;border-radius:2px;vertical-align:middle;margin-right:6px}
.bar.alt{background:#e6550d}
.note{font-size:13px;color:var(--muted)}
.sources li{margin:6px 0}
.scroll{overflow-x:auto}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.charts figure{margin:0;background:#fff;border:1px solid var(--line);padding:6px}
svg.chart{width:100%;height:auto}
footer{max-width:1240px;margin:0 auto;padding:0 24px 30px;color:var(--muted);font-size:12.5px}
@media (max-width:640px){header,nav{padding-left:16px;padding-right:16px}main{padding:4px 8px 24px}section{padding:14px 12px}}
@media print{nav{display:none}section{break-inside:avoid;border:none}}
"##;

const SCRIPT: &str = r##"
(function(){
  var data = JSON.parse(document.getElementById('map-data').textContent);
  var bins = [0,0.01,0.05,0.10,0.25,0.50];
  var colours = ["#deebf7","#c6dbef","#9ecae1","#6baed6","#3182bd","#08519c"];
  var byId = {}; data.forEach(function(m){ byId[m.id] = m; });
  var select = document.getElementById('map-select');
  var paths = document.querySelectorAll('path.country');
  function colour(s){ var i = 0; for (var k = 0; k < bins.length; k++) { if (s >= bins[k]) i = k; } return colours[i]; }
  function pct(f){ return (f > 0 && f < 0.001) ? '<0.1%' : (f * 100).toFixed(1) + '%'; }
  function num(v){ return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toLocaleString('en-US', {maximumFractionDigits: 3}); }
  function show(id){
    var m = byId[id]; if (!m) return;
    select.value = id;
    var shares = {}; m.shares.forEach(function(s){ shares[s.code] = s; });
    var missing = {}; m.missing.forEach(function(c){ missing[c] = true; });
    paths.forEach(function(p){
      var code = p.getAttribute('data-code'), name = p.getAttribute('data-name'), s = shares[code];
      var t = p.querySelector('title');
      if (s) { p.setAttribute('fill', colour(s.share)); t.textContent = name + ': ' + pct(s.share) + ' (' + num(s.value) + ' ' + m.unit + ')'; }
      else if (missing[code]) { p.setAttribute('fill', '#bdbdbd'); t.textContent = name + ': listed, value withheld or not available'; }
      else { p.setAttribute('fill', '#ececec'); t.textContent = name + ': not listed by the source'; }
    });
    document.getElementById('map-title').textContent = m.mineral + ' — ' + m.stage + ', ' + m.year;
    document.getElementById('map-caption').textContent = 'Share of the ' + m.basis + ', unit: ' + m.unit + '. HHI ' + Math.round(m.hhi[0]).toLocaleString('en-US') + '–' + Math.round(m.hhi[1]).toLocaleString('en-US') + '. Source: ' + m.source_detail + '.' + (m.notes.length ? ' Note: ' + m.notes.join('; ') + '.' : '');
    var body = document.getElementById('map-top');
    body.textContent = '';
    m.shares.slice(0, 10).forEach(function(s, i){
      var tr = document.createElement('tr');
      [String(i + 1), s.name, num(s.value), pct(s.share)].forEach(function(v, j){ var td = document.createElement('td'); td.textContent = v; if (j != 1) td.className = 'num'; tr.appendChild(td); });
      body.appendChild(tr);
    });
    if (m.remainder > 0.0005) {
      var tr = document.createElement('tr');
      ['', 'Others / not attributed', '', pct(m.remainder)].forEach(function(v, j){ var td = document.createElement('td'); td.textContent = v; if (j != 1) td.className = 'num'; tr.appendChild(td); });
      body.appendChild(tr);
    }
    document.getElementById('map-unit').textContent = m.unit;
  }
  select.addEventListener('change', function(){ show(select.value); });
  document.querySelectorAll('[data-series]').forEach(function(td){
    td.addEventListener('click', function(){ show(td.getAttribute('data-series')); document.getElementById('map').scrollIntoView({behavior: 'smooth'}); });
  });
  show(select.value);
})();
"##;

const METHOD: [&str; 5] = [
    "Shares are of the source's published world total where it has one, otherwise of the sum of all rows including the source's residual; the basis is stated with each map.",
    "HHI = 10,000 × Σ sᵢ² over named countries (lower bound); the upper bound adds the uncovered remainder as one supplier. Top-3 share is over named countries.",
    "Missing values (USGS “W”, withheld) are never counted as zero; those countries are shown in grey. WLD (world) is never a supplier.",
    "Series from different files are never added; the IEA refined series present in two files are used once.",
    "Partner and FEOC shares use the groups of countries.csv (MSP as of March 2024; FEOC-covered nations per 42 U.S.C. 18741).",
];

/// The report as one self-contained HTML document.
pub fn to_html(report: &Report) -> String {
    let countries: Vec<&str> = report.exposures.iter().map(|e| e.name.as_str()).collect();
    let body = html! {
        header {
            h1 { "Critical-mineral supply: concentration and exposure" }
            p {
                "Who supplies each stage of " (report.heat.len()) " minerals, how concentrated each stage is, and how exposed "
                (countries.join(" and ")) " are. Data: USGS Mineral Commodity Summaries 2025, IEA Critical Minerals Dataset 2025 (base year 2024), World Governance Indicators 2024."
            }
        }
        nav {
            a href="#findings" { "Key findings" } a href="#map" { "World map" } a href="#heat" { "Concentration by stage" }
            a href="#shift" { "Mine to refinery" } a href="#exposure" { "Country exposure" } a href="#stress" { "Stress tests" }
            a href="#outlook" { "Outlook & options" } a href="#sources" { "Sources & method" }
        }
        main {
            section id="findings" {
                h2 { "Key findings" }
                ul.findings { @for f in &report.findings { li { (f) } } }
            }
            (map_section(report))
            (heat_section(report))
            (shift_section(report))
            (exposure_section(report))
            (crate::stress::section(&report.stress))
            (crate::outlook::section(&report.outlook))
            (sources_section(report))
        }
        footer {
            "Generated by critmin from its embedded dataset; every figure traces to a row of the files named under Sources. HHI = Herfindahl–Hirschman index on 0–10,000."
        }
        (json_script("map-data", &report.maps))
        script { (PreEscaped(SCRIPT)) }
    };
    critmin_html::page("critmin — critical-mineral supply report", &[CSS], body).into_string()
}

/// The map caption; the page script writes the same text when the series changes.
fn caption(m: &MapSeries) -> String {
    let mut text = format!(
        "Share of the {}, unit: {}. HHI {}–{}. Source: {}.",
        m.basis,
        m.unit,
        thousands(m.hhi.0.round()),
        thousands(m.hhi.1.round()),
        m.source_detail
    );
    if !m.notes.is_empty() {
        text.push_str(&format!(" Note: {}.", m.notes.join("; ")));
    }
    text
}

/// The series picker's options, grouped by mineral.
fn picker(report: &Report) -> Markup {
    let mut groups: Vec<(&str, Vec<&MapSeries>)> = Vec::new();
    for m in &report.maps {
        match groups.last_mut() {
            Some((mineral, list)) if *mineral == m.mineral => list.push(m),
            _ => groups.push((&m.mineral, vec![m])),
        }
    }
    html! {
        div.picker {
            label for="map-select" { strong { "Series" } }
            select id="map-select" {
                @for (mineral, list) in &groups {
                    optgroup label=(mineral) {
                        @for m in list {
                            option value=(m.id) selected[m.id == report.default_map] {
                                (m.mineral) " — " (m.stage) " " (m.year) " (" (m.source) ")"
                            }
                        }
                    }
                }
            }
        }
    }
}

fn map_section(report: &Report) -> Markup {
    let default = report.maps.iter().find(|m| m.id == report.default_map);
    let map = worldmap::world_map(None, MapLabel::By("map-title"), |shape| {
        let (fill, title) = match default {
            Some(m) => match m.shares.iter().find(|s| s.code == shape.code) {
                Some(s) => (
                    share_colour(s.share),
                    format!("{}: {} ({} {})", shape.name, pct(s.share), thousands(s.value), m.unit),
                ),
                None if m.missing.iter().any(|c| c == shape.code) => (
                    WITHHELD,
                    format!("{}: listed, value withheld or not available", shape.name),
                ),
                None => (NO_DATA, format!("{}: not listed by the source", shape.name)),
            },
            None => (NO_DATA, shape.name.to_owned()),
        };
        CountryFill {
            fill,
            title,
            value: None,
        }
    });
    html! {
        section id="map" {
            h2 { "World supply shares by mineral and stage" }
            p.lede { "Each country's share of world supply for the chosen series. Pick a mineral and stage, or click a cell of the concentration table below. Hover a country for its figure." }
            (picker(report))
            div.maprow {
                div.mapbox {
                    h3 id="map-title" { @if let Some(m) = default { (m.mineral) " — " (m.stage) ", " (m.year) } }
                    (map)
                    (legend(None, None, &share_legend("listed, value withheld", "not listed by the source"), None))
                    p.caption id="map-caption" { @if let Some(m) = default { (caption(m)) } }
                }
                div.side {
                    h3 { "Largest suppliers" }
                    table {
                        thead { tr {
                            th.num { "#" } th { "Country" } th.num id="map-unit" { @if let Some(m) = default { (m.unit) } } th.num { "Share" }
                        } }
                        tbody id="map-top" {
                            @if let Some(m) = default {
                                @for (i, s) in m.shares.iter().take(10).enumerate() {
                                    tr { td.num { (i + 1) } td { (s.name) } td.num { (thousands(s.value)) } td.num { (pct(s.share)) } }
                                }
                                @if m.remainder > 0.0005 {
                                    tr { td.num {} td { "Others / not attributed" } td.num {} td.num { (pct(m.remainder)) } }
                                }
                            }
                        }
                    }
                    p.note { "Countries too small for a 1:110m map (e.g. Singapore) appear in this table but not on the map." }
                }
            }
        }
    }
}

/// `CHN 78.4%`: the largest supplier and its share.
fn top_label(top: Option<&(String, f64)>) -> String {
    top.map_or(String::new(), |(code, share)| format!("{code} {}", pct(*share)))
}

fn heat_cell(cell: Option<&HeatCell>) -> Markup {
    let Some(c) = cell else {
        return html! { td.empty { "no data" } };
    };
    let (colour, dark) = hhi_colour(c.hhi);
    let top = top_label(c.top.as_ref());
    html! {
        td class={ "heat" @if dark { " dark" } } style={ "background:" (colour) } data-series=(c.series_id)
            title={ (c.label) " — HHI " (thousands(c.hhi)) "–" (thousands(c.hhi_upper)) ", top-3 " (pct(c.top3)) ", FEOC " (pct(c.feoc)) } {
            (thousands(c.hhi)) small { (top) } small { (c.label) }
        }
    }
}

fn heat_section(report: &Report) -> Markup {
    html! {
        section id="heat" {
            h2 { "Concentration by mineral and stage" }
            p.lede { "Herfindahl–Hirschman index (HHI, 0–10,000) of country shares in the latest year, from the most detailed source. The large figure is the lower bound (the source's residual “other countries” left out); the upper bound counts the residual as one supplier. Click a cell to map it." }
            (legend(None, None, &hhi_legend(), Some("· DOJ/FTC bands: below 1,500 unconcentrated, 1,500–2,500 moderately, above 2,500 highly concentrated")))
            div.scroll { table {
                (table::head(&[table::text("Mineral"), table::text("Critical lists"), table::text("Reserves"), table::text("Mining"), table::text("Processing")], "num"))
                tbody {
                    @for row in &report.heat {
                        tr {
                            td { strong { (row.name) } br; span.note { (row.mineral) } }
                            td { @for l in &row.lists { span.tag { (l) } } }
                            @for cell in &row.cells { (heat_cell(cell.as_ref())) }
                        }
                    }
                }
            } }
        }
    }
}

fn shift_section(report: &Report) -> Markup {
    if report.shift.is_empty() {
        return html! {};
    }
    html! {
        section id="shift" {
            h2 { "From mine to refinery (IEA, 2024)" }
            p.lede { "Top-3 country share of world mining and of refining, from one consistent source (IEA Critical Minerals Dataset, base year 2024). Refining is more concentrated than mining for most battery minerals." }
            table {
                (table::head(&[table::text("Mineral"), table::text("Mining: top-3 share"), table::text("Largest miner"), table::text("Refining: top-3 share"), table::text("Largest refiner")], "num"))
                tbody {
                    @for r in &report.shift {
                        tr {
                            td { strong { (r.name) } }
                            @for (stage, alt) in [(&r.mine, false), (&r.refined, true)] {
                                @match stage {
                                    Some((top3, country, share)) => {
                                        td { span class={ "bar" @if alt { " alt" } } style={ "width:" (format!("{:.0}", top3 * 120.0)) "px" } {} (pct(*top3)) }
                                        td { (country) " (" (pct(*share)) ")" }
                                    }
                                    None => { td.empty { "–" } td {} }
                                }
                            }
                        }
                    }
                }
            }
            p.note { "Source: IEA (2025), Critical Minerals Dataset, CC BY 4.0. Shares of the IEA's published world total." }
        }
    }
}

fn stage_cell(cell: Option<&StageCell>) -> Markup {
    let Some(c) = cell else {
        return html! { td.empty { "no data" } td {} };
    };
    let (colour, dark) = hhi_colour(c.hhi);
    html! {
        td title=(c.label) {
            span.tag style={ "background:" (colour) @if dark { ";color:#fff" } } { (thousands(c.hhi)) } " " (top_label(c.top.as_ref()))
        }
        td.num { (pct(c.domestic)) " / " (pct(c.partner)) " / " (pct(c.feoc)) }
    }
}

const EXPOSURE_COLUMNS: [Column<'static>; 6] = [
    Column {
        label: "Mineral",
        numeric: false,
    },
    Column {
        label: "Import reliance",
        numeric: true,
    },
    Column {
        label: "Mining: HHI · largest",
        numeric: false,
    },
    Column {
        label: "domestic / partners / FEOC",
        numeric: true,
    },
    Column {
        label: "Processing: HHI · largest",
        numeric: false,
    },
    Column {
        label: "domestic / partners / FEOC",
        numeric: true,
    },
];

fn exposure_section(report: &Report) -> Markup {
    html! {
        section id="exposure" {
            h2 { "Country exposure" }
            p.lede { "For each mineral: the country's published import reliance, and for the mining and processing stages it depends on, the concentration of world supply and the shares from the country itself, from its partners, and from FEOC-covered nations (China, Russia, North Korea, Iran)." }
            @for e in &report.exposures {
                h3 { (e.name) " (" (e.code) ")" }
                p.note { "Partners: " (e.partners) ". Reliance figures for the US are USGS net import reliance (MCS 2025); for India, secondary summaries of official reports (lower confidence)." }
                div.scroll { table {
                    (table::head(&EXPOSURE_COLUMNS, "num"))
                    tbody {
                        @for r in &e.rows {
                            @let style = r.reliance_pct.map(|p| {
                                let (c, dark) = hhi_colour(p.clamp(0.0, 100.0) * 100.0);
                                format!("background:{c}{}", if dark { ";color:#fff" } else { "" })
                            });
                            tr {
                                td { strong { (r.name) } }
                                td.num style=[style] title=(r.reliance_source) { (r.reliance) }
                                (stage_cell(r.mining.as_ref()))
                                (stage_cell(r.processing.as_ref()))
                            }
                        }
                    }
                } }
            }
        }
    }
}

fn sources_section(report: &Report) -> Markup {
    let map = SourceEntry {
        code: "map".into(),
        citation: worldmap::CITATION.into(),
        files: vec![worldmap::FILE.into()],
        count: worldmap::shapes().count(),
    };
    html! {
        section id="sources" {
            h2 { "Sources and method" }
            ul.sources {
                @for s in report.sources.iter().chain([&map]) {
                    li { strong { (s.code) } " — " (s.citation) " " span.note { "[" (s.files.join(", ")) "; " (s.count) " used]" } }
                }
            }
            h3 { "Method" }
            ul.note { @for m in METHOD { li { (m) } } }
            @if !report.quality_notes.is_empty() {
                h3 { "Data-quality notes" }
                ul.note { @for n in &report.quality_notes { li { (n) } } }
            }
            @if !report.left_out.is_empty() {
                h3 { "Series left out" }
                ul.note { @for n in &report.left_out { li { (n) } } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_what_it_is_given() {
        let ds = critmin_data::load_embedded().unwrap();
        let mut report = critmin_app::report::build_report(&ds, &Default::default());
        report.findings.push("<script>window.__xss=1</script>".into());
        report.maps[0].mineral = "</script><script>window.__xss=1</script>".into();
        let html = to_html(&report);
        assert!(!html.contains("<script>window.__xss"), "an injected script survived");
        assert!(html.contains("&lt;script&gt;window.__xss=1&lt;/script&gt;"));
        assert_eq!(
            html.matches("<script").count(),
            2,
            "only the data block and the page script"
        );
        assert!(html.contains("<section id=\"stress\">") && html.contains("drc-cobalt-2025"));
        assert!(html.contains("capacity not published") && html.contains("kt contained per year"));
    }
}
