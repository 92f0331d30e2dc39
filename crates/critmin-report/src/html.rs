//! Rendering the report as one self-contained HTML page.

use std::fmt::Write;

use crate::build::{HeatCell, MapSeries, Report, StageCell};
use crate::worldmap::{self, VIEW_BOX};

/// Share bins of the map, lower edges, and their colours (sequential blues).
const SHARE_BINS: [f64; 6] = [0.0, 0.01, 0.05, 0.10, 0.25, 0.50];
const SHARE_COLOURS: [&str; 6] = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
const NO_DATA: &str = "#ececec";
const WITHHELD: &str = "#bdbdbd";
/// HHI classes, lower edges, and their colours; the DOJ/FTC thresholds 1,500 and 2,500 are
/// class edges.
const HHI_EDGES: [f64; 6] = [0.0, 1000.0, 1500.0, 2500.0, 5000.0, 7500.0];
const HHI_COLOURS: [&str; 6] = ["#edf8e9", "#c7e9c0", "#fee391", "#fdae6b", "#f16913", "#a63603"];

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn share_colour(share: f64) -> &'static str {
    let i = SHARE_BINS.iter().rposition(|&edge| share >= edge).unwrap_or(0);
    SHARE_COLOURS[i]
}

fn hhi_colour(hhi: f64) -> (&'static str, bool) {
    let i = HHI_EDGES.iter().rposition(|&edge| hhi >= edge).unwrap_or(0);
    (HHI_COLOURS[i], i >= 4)
}

fn pct(f: f64) -> String {
    if f > 0.0 && f < 0.001 {
        "<0.1%".to_owned()
    } else {
        format!("{:.1}%", f * 100.0)
    }
}

fn thousands(v: f64) -> String {
    if v.abs() < 1e-12 {
        return "0".to_owned();
    }
    let decimals = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 1.0 {
        1
    } else {
        3
    };
    let s = format!("{v:.decimals$}");
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    frac.map_or(grouped.clone(), |f| format!("{grouped}.{f}"))
}

const CSS: &str = r##"
:root{--ink:#1d2433;--muted:#5b6475;--line:#dfe3ea;--bg:#f6f7f9;--accent:#0b4f8a}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#0b2545;color:#fff;padding:28px 40px 22px}
header h1{margin:0;font-size:26px;font-weight:650;letter-spacing:.2px}
header p{margin:6px 0 0;color:#c9d6e8;max-width:900px}
nav{background:#13315c;padding:8px 40px}
nav a{color:#dbe7f7;text-decoration:none;margin-right:22px;font-size:14px}
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
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px;color:var(--muted);margin:8px 0}
.legend span.sw{display:inline-block;width:14px;height:14px;border:1px solid #9aa3b2;vertical-align:-2px;margin-right:5px}
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
path.country{stroke:#fff;stroke-width:.4}
path.country:hover{stroke:#111;stroke-width:1}
footer{max-width:1240px;margin:0 auto;padding:0 24px 30px;color:var(--muted);font-size:12.5px}
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

impl Report {
    /// The report as one self-contained HTML document.
    pub fn to_html(&self) -> String {
        let mut h = String::with_capacity(400_000);
        let _ = self.write_html(&mut h);
        h
    }

    fn write_html(&self, h: &mut String) -> std::fmt::Result {
        let countries: Vec<&str> = self.exposures.iter().map(|e| e.1.as_str()).collect();
        write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <link rel=\"icon\" href=\"data:,\"><title>critmin — critical-mineral supply report</title><style>{CSS}</style></head><body>"
        )?;
        write!(
            h,
            "<header><h1>Critical-mineral supply: concentration and exposure</h1>\
             <p>Who supplies each stage of {} minerals, how concentrated each stage is, and how exposed {} are. \
             Data: USGS Mineral Commodity Summaries 2025, IEA Critical Minerals Dataset 2025 (base year 2024), World Governance Indicators 2024.</p></header>",
            self.heat.len(),
            esc(&countries.join(" and "))
        )?;
        h.push_str("<nav><a href=\"#findings\">Key findings</a><a href=\"#map\">World map</a><a href=\"#heat\">Concentration by stage</a><a href=\"#shift\">Mine to refinery</a><a href=\"#exposure\">Country exposure</a><a href=\"#stress\">Stress tests</a><a href=\"#outlook\">Outlook &amp; options</a><a href=\"#sources\">Sources &amp; method</a></nav><main>");

        h.push_str("<section id=\"findings\"><h2>Key findings</h2><ul class=\"findings\">");
        for f in &self.findings {
            write!(h, "<li>{}</li>", esc(f))?;
        }
        h.push_str("</ul></section>");

        self.write_map(h)?;
        self.write_heat(h)?;
        self.write_shift(h)?;
        self.write_exposure(h)?;
        self.write_stress(h)?;
        self.outlook.write_html(h)?;
        self.write_sources(h)?;

        h.push_str("</main><footer>Generated by critmin from its embedded dataset; every figure traces to a row of the files named under Sources. HHI = Herfindahl–Hirschman index on 0–10,000.</footer>");
        let json = serde_json::to_string(&self.maps)
            .unwrap_or_else(|_| "[]".to_owned())
            .replace("</", "<\\/");
        write!(
            h,
            "<script type=\"application/json\" id=\"map-data\">{json}</script><script>{SCRIPT}</script></body></html>"
        )
    }

    fn write_map(&self, h: &mut String) -> std::fmt::Result {
        let default = self.maps.iter().find(|m| m.id == self.default_map);
        h.push_str("<section id=\"map\"><h2>World supply shares by mineral and stage</h2>");
        h.push_str("<p class=\"lede\">Each country's share of world supply for the chosen series. Pick a mineral and stage, or click a cell of the concentration table below. Hover a country for its figure.</p>");
        h.push_str(
            "<div class=\"picker\"><label for=\"map-select\"><strong>Series</strong></label><select id=\"map-select\">",
        );
        let mut current = "";
        for m in &self.maps {
            if m.mineral != current {
                if !current.is_empty() {
                    h.push_str("</optgroup>");
                }
                write!(h, "<optgroup label=\"{}\">", esc(&m.mineral))?;
                current = &m.mineral;
            }
            let selected = if m.id == self.default_map { " selected" } else { "" };
            write!(
                h,
                "<option value=\"{}\"{selected}>{} — {} {} ({})</option>",
                esc(&m.id),
                esc(&m.mineral),
                esc(&m.stage),
                m.year,
                esc(&m.source)
            )?;
        }
        if !current.is_empty() {
            h.push_str("</optgroup>");
        }
        h.push_str("</select></div><div class=\"maprow\"><div class=\"mapbox\">");
        write!(
            h,
            "<h3 id=\"map-title\">{}</h3>",
            default.map_or_else(String::new, |m| esc(&format!(
                "{} — {}, {}",
                m.mineral, m.stage, m.year
            )))
        )?;
        self.write_svg(h, default)?;
        h.push_str("<div class=\"legend\" aria-label=\"legend\">");
        for (i, c) in SHARE_COLOURS.iter().enumerate() {
            let label = match SHARE_BINS.get(i + 1) {
                Some(next) => format!("{}–{}%", SHARE_BINS[i] * 100.0, next * 100.0),
                None => format!("≥ {}%", SHARE_BINS[i] * 100.0),
            };
            write!(
                h,
                "<span><span class=\"sw\" style=\"background:{c}\"></span>{label}</span>"
            )?;
        }
        write!(
            h,
            "<span><span class=\"sw\" style=\"background:{WITHHELD}\"></span>listed, value withheld</span><span><span class=\"sw\" style=\"background:{NO_DATA}\"></span>not listed by the source</span></div>"
        )?;
        write!(
            h,
            "<p class=\"caption\" id=\"map-caption\">{}</p></div>",
            default.map_or_else(String::new, |m| esc(&caption(m)))
        )?;
        write!(
            h,
            "<div class=\"side\"><h3>Largest suppliers</h3><table><thead><tr><th class=\"num\">#</th><th>Country</th><th class=\"num\" id=\"map-unit\">{}</th><th class=\"num\">Share</th></tr></thead><tbody id=\"map-top\">",
            default.map_or_else(String::new, |m| esc(&m.unit))
        )?;
        if let Some(m) = default {
            for (i, s) in m.shares.iter().take(10).enumerate() {
                write!(
                    h,
                    "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    i + 1,
                    esc(&s.name),
                    thousands(s.value),
                    pct(s.share)
                )?;
            }
            if m.remainder > 0.0005 {
                write!(
                    h,
                    "<tr><td class=\"num\"></td><td>Others / not attributed</td><td class=\"num\"></td><td class=\"num\">{}</td></tr>",
                    pct(m.remainder)
                )?;
            }
        }
        h.push_str("</tbody></table><p class=\"note\">Countries too small for a 1:110m map (e.g. Singapore) appear in this table but not on the map.</p></div></div></section>");
        Ok(())
    }

    fn write_svg(&self, h: &mut String, default: Option<&MapSeries>) -> std::fmt::Result {
        let (w, ht) = VIEW_BOX;
        write!(
            h,
            "<svg viewBox=\"0 0 {w} {ht}\" role=\"img\" aria-labelledby=\"map-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        )?;
        if let Some(sphere) = worldmap::shape("_SPHERE") {
            write!(
                h,
                "<path d=\"{}\" fill=\"#f4f8fc\" stroke=\"#c3cad6\" stroke-width=\"0.6\"/>",
                sphere.path
            )?;
        }
        for shape in worldmap::shapes().filter(|s| !s.code.starts_with('_')) {
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
            write!(
                h,
                "<path class=\"country\" data-code=\"{}\" data-name=\"{}\" fill=\"{fill}\" d=\"{}\"><title>{}</title></path>",
                esc(shape.code),
                esc(shape.name),
                shape.path,
                esc(&title)
            )?;
        }
        h.push_str("</svg>");
        Ok(())
    }

    fn write_heat(&self, h: &mut String) -> std::fmt::Result {
        h.push_str("<section id=\"heat\"><h2>Concentration by mineral and stage</h2>");
        h.push_str("<p class=\"lede\">Herfindahl–Hirschman index (HHI, 0–10,000) of country shares in the latest year, from the most detailed source. The large figure is the lower bound (the source's residual “other countries” left out); the upper bound counts the residual as one supplier. Click a cell to map it.</p>");
        h.push_str("<div class=\"legend\">");
        for (i, c) in HHI_COLOURS.iter().enumerate() {
            let label = match HHI_EDGES.get(i + 1) {
                Some(next) => format!("{}–{}", thousands(HHI_EDGES[i]), thousands(*next)),
                None => format!("≥ {}", thousands(HHI_EDGES[i])),
            };
            write!(
                h,
                "<span><span class=\"sw\" style=\"background:{c}\"></span>{label}</span>"
            )?;
        }
        h.push_str("<span>· DOJ/FTC bands: below 1,500 unconcentrated, 1,500–2,500 moderately, above 2,500 highly concentrated</span></div>");
        h.push_str("<div class=\"scroll\"><table><thead><tr><th>Mineral</th><th>Critical lists</th><th>Reserves</th><th>Mining</th><th>Processing</th></tr></thead><tbody>");
        for row in &self.heat {
            write!(
                h,
                "<tr><td><strong>{}</strong><br><span class=\"note\">{}</span></td><td>",
                esc(&row.name),
                esc(&row.mineral)
            )?;
            for l in &row.lists {
                write!(h, "<span class=\"tag\">{}</span>", esc(l))?;
            }
            h.push_str("</td>");
            for cell in &row.cells {
                write_heat_cell(h, cell.as_ref())?;
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table></div></section>");
        Ok(())
    }

    fn write_shift(&self, h: &mut String) -> std::fmt::Result {
        if self.shift.is_empty() {
            return Ok(());
        }
        h.push_str("<section id=\"shift\"><h2>From mine to refinery (IEA, 2024)</h2>");
        h.push_str("<p class=\"lede\">Top-3 country share of world mining and of refining, from one consistent source (IEA Critical Minerals Dataset, base year 2024). Refining is more concentrated than mining for most battery minerals.</p>");
        h.push_str("<table><thead><tr><th>Mineral</th><th>Mining: top-3 share</th><th>Largest miner</th><th>Refining: top-3 share</th><th>Largest refiner</th></tr></thead><tbody>");
        for r in &self.shift {
            write!(h, "<tr><td><strong>{}</strong></td>", esc(&r.name))?;
            for (stage, alt) in [(&r.mine, false), (&r.refined, true)] {
                match stage {
                    Some((top3, country, share)) => write!(
                        h,
                        "<td><span class=\"bar{}\" style=\"width:{:.0}px\"></span>{}</td><td>{} ({})</td>",
                        if alt { " alt" } else { "" },
                        top3 * 120.0,
                        pct(*top3),
                        esc(country),
                        pct(*share)
                    )?,
                    None => h.push_str("<td class=\"empty\">–</td><td></td>"),
                }
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table><p class=\"note\">Source: IEA (2025), Critical Minerals Dataset, CC BY 4.0. Shares of the IEA's published world total.</p></section>");
        Ok(())
    }

    fn write_exposure(&self, h: &mut String) -> std::fmt::Result {
        h.push_str("<section id=\"exposure\"><h2>Country exposure</h2>");
        h.push_str("<p class=\"lede\">For each mineral: the country's published import reliance, and for the mining and processing stages it depends on, the concentration of world supply and the shares from the country itself, from its partners, and from FEOC-covered nations (China, Russia, North Korea, Iran).</p>");
        for (code, name, partners, rows) in &self.exposures {
            write!(
                h,
                "<h3>{} ({})</h3><p class=\"note\">Partners: {}. Reliance figures for the US are USGS net import reliance (MCS 2025); for India, secondary summaries of official reports (lower confidence).</p>",
                esc(name),
                esc(code),
                esc(partners)
            )?;
            h.push_str("<div class=\"scroll\"><table><thead><tr><th>Mineral</th><th class=\"num\">Import reliance</th><th>Mining: HHI · largest</th><th class=\"num\">domestic / partners / FEOC</th><th>Processing: HHI · largest</th><th class=\"num\">domestic / partners / FEOC</th></tr></thead><tbody>");
            for r in rows {
                let style = r.reliance_pct.map_or(String::new(), |p| {
                    let (c, dark) = hhi_colour(p.clamp(0.0, 100.0) * 100.0);
                    format!(" style=\"background:{c}{}\"", if dark { ";color:#fff" } else { "" })
                });
                write!(
                    h,
                    "<tr><td><strong>{}</strong></td><td class=\"num\"{style} title=\"{}\">{}</td>",
                    esc(&r.name),
                    esc(&r.reliance_source),
                    esc(&r.reliance)
                )?;
                for s in [&r.mining, &r.processing] {
                    write_stage_cell(h, s.as_ref())?;
                }
                h.push_str("</tr>");
            }
            h.push_str("</tbody></table></div>");
        }
        h.push_str("</section>");
        Ok(())
    }

    fn write_sources(&self, h: &mut String) -> std::fmt::Result {
        h.push_str("<section id=\"sources\"><h2>Sources and method</h2><ul class=\"sources\">");
        for s in &self.sources {
            write!(
                h,
                "<li><strong>{}</strong> — {} <span class=\"note\">[{}; {} used]</span></li>",
                esc(&s.code),
                esc(&s.citation),
                esc(&s.files.join(", ")),
                s.count
            )?;
        }
        h.push_str("</ul><h3>Method</h3><ul class=\"note\">");
        for m in [
            "Shares are of the source's published world total where it has one, otherwise of the sum of all rows including the source's residual; the basis is stated with each map.",
            "HHI = 10,000 × Σ sᵢ² over named countries (lower bound); the upper bound adds the uncovered remainder as one supplier. Top-3 share is over named countries.",
            "Missing values (USGS “W”, withheld) are never counted as zero; those countries are shown in grey. WLD (world) is never a supplier.",
            "Series from different files are never added; the IEA refined series present in two files are used once.",
            "Partner and FEOC shares use the groups of countries.csv (MSP as of March 2024; FEOC-covered nations per 42 U.S.C. 18741).",
        ] {
            write!(h, "<li>{}</li>", esc(m))?;
        }
        h.push_str("</ul>");
        if !self.quality_notes.is_empty() {
            h.push_str("<h3>Data-quality notes</h3><ul class=\"note\">");
            for n in &self.quality_notes {
                write!(h, "<li>{}</li>", esc(n))?;
            }
            h.push_str("</ul>");
        }
        if !self.left_out.is_empty() {
            h.push_str("<h3>Series left out</h3><ul class=\"note\">");
            for n in &self.left_out {
                write!(h, "<li>{}</li>", esc(n))?;
            }
            h.push_str("</ul>");
        }
        h.push_str("</section>");
        Ok(())
    }
}

/// `CHN 78.4%`: the largest supplier and its share.
fn top_label(top: Option<&(String, f64)>) -> String {
    top.map_or(String::new(), |(code, share)| format!("{code} {}", pct(*share)))
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

fn write_heat_cell(h: &mut String, cell: Option<&HeatCell>) -> std::fmt::Result {
    match cell {
        None => {
            h.push_str("<td class=\"empty\">no data</td>");
            Ok(())
        }
        Some(c) => {
            let (colour, dark) = hhi_colour(c.hhi);
            let top = top_label(c.top.as_ref());
            write!(
                h,
                "<td class=\"heat{}\" style=\"background:{colour}\" data-series=\"{}\" title=\"{} — HHI {}–{}, top-3 {}, FEOC {}\">{}<small>{}</small><small>{}</small></td>",
                if dark { " dark" } else { "" },
                esc(&c.series_id),
                esc(&c.label),
                thousands(c.hhi),
                thousands(c.hhi_upper),
                pct(c.top3),
                pct(c.feoc),
                thousands(c.hhi),
                esc(&top),
                esc(&c.label)
            )
        }
    }
}

fn write_stage_cell(h: &mut String, cell: Option<&StageCell>) -> std::fmt::Result {
    match cell {
        None => {
            h.push_str("<td class=\"empty\">no data</td><td></td>");
            Ok(())
        }
        Some(c) => {
            let (colour, dark) = hhi_colour(c.hhi);
            let top = top_label(c.top.as_ref());
            write!(
                h,
                "<td title=\"{}\"><span class=\"tag\" style=\"background:{colour}{}\">{}</span> {}</td><td class=\"num\">{} / {} / {}</td>",
                esc(&c.label),
                if dark { ";color:#fff" } else { "" },
                thousands(c.hhi),
                esc(&top),
                pct(c.domestic),
                pct(c.partner),
                pct(c.feoc)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_colours() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(share_colour(0.0), SHARE_COLOURS[0]);
        assert_eq!(share_colour(0.6), SHARE_COLOURS[5]);
        assert_eq!(hhi_colour(2499.0).0, HHI_COLOURS[2]);
        assert_eq!(hhi_colour(2500.0).0, HHI_COLOURS[3]);
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(pct(0.0004), "<0.1%");
    }
}
