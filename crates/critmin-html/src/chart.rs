//! Charts as inline SVG: a line chart by year, horizontal share bars and a stacked bar.
//! Every chart names its unit; legends are drawn in the chart or beside it with
//! [`crate::legend`].

use maud::{Markup, html};

use crate::format::pct;

/// A "nice" axis maximum (1, 2 or 5 × 10^k) at or above `v`; 1 for nothing to show.
pub fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let base = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * base)
        .find(|m| *m >= v)
        .unwrap_or(10.0 * base)
}

fn f1(v: f64) -> String {
    format!("{v:.1}")
}

/// One line of a [`LineChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Legend label, tooltip and (with markers) `data-series`.
    pub label: String,
    /// Stroke colour.
    pub colour: &'static str,
    /// Dashed stroke.
    pub dashed: bool,
    /// (year, value) points.
    pub points: Vec<(u16, f64)>,
}

/// Space around the plot area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    /// Left (tick labels).
    pub left: f64,
    /// Right.
    pub right: f64,
    /// Top (title).
    pub top: f64,
    /// Bottom (year labels).
    pub bottom: f64,
}

/// Values by year, one line per series.
#[derive(Debug, Clone)]
pub struct LineChart<'a> {
    /// Element id.
    pub id: Option<&'a str>,
    /// Width and height of the plot box (the legend adds below).
    pub size: (f64, f64),
    /// Margins of the plot area.
    pub margins: Margins,
    /// Title written above the plot.
    pub title: String,
    /// Text for assistive technology.
    pub aria_label: String,
    /// First and last year of the x axis.
    pub years: (f64, f64),
    /// Years labelled on the x axis.
    pub x_ticks: Vec<u16>,
    /// Top of the y axis.
    pub y_max: f64,
    /// How a value is written (ticks, tooltips).
    pub number: fn(f64) -> String,
    /// Unit written along the y axis and in the point tooltips.
    pub unit: Option<String>,
    /// A circle per point carrying `data-series`, `data-year` and `data-value`.
    pub markers: bool,
    /// A legend inside the SVG, under the plot.
    pub legend: bool,
    /// The lines.
    pub lines: Vec<Line>,
}

impl LineChart<'_> {
    /// The chart as inline SVG.
    pub fn render(&self) -> Markup {
        let (w, h) = self.size;
        let Margins {
            left,
            right,
            top,
            bottom,
        } = self.margins;
        let (x0, x1) = self.years;
        let sx = |year: f64| left + (year - x0) / (x1 - x0) * (w - left - right);
        let sy = |v: f64| top + (1.0 - v / self.y_max) * (h - top - bottom);
        let number = self.number;
        let below = if self.legend {
            58.0 + 16.0 * (self.lines.len().saturating_sub(1) / 2).saturating_sub(2) as f64
        } else {
            4.0
        };
        let mid = (top + h - bottom) / 2.0;
        html! {
            svg class="chart" id=[self.id] viewBox={ "0 0 " (w) " " (h + below) } role="img" aria-label=(self.aria_label)
                xmlns="http://www.w3.org/2000/svg" {
                text x=(left) y="14" class="ct" { (self.title) }
                @for k in 0..=4 {
                    @let v = self.y_max * f64::from(k) / 4.0;
                    @let y = sy(v);
                    line x1=(left) x2=(w - right) y1=(f1(y)) y2=(f1(y)) stroke="#ddd" {}
                    text x=(left - 4.0) y=(f1(y + 3.0)) class="ax" text-anchor="end" { (number(v)) }
                }
                @for year in &self.x_ticks {
                    text x=(f1(sx(f64::from(*year)))) y=(f1(h - bottom + 14.0)) class="ax" text-anchor="middle" { (year) }
                }
                @if let Some(unit) = &self.unit {
                    text x="14" y=(f1(mid)) class="ax" transform={ "rotate(-90 14 " (f1(mid)) ")" } text-anchor="middle" { (unit) }
                }
                @for line in &self.lines {
                    @let points = line.points.iter()
                        .map(|(y, v)| format!("{:.1},{:.1}", sx(f64::from(*y)), sy(*v)))
                        .collect::<Vec<_>>()
                        .join(" ");
                    polyline fill="none" stroke=(line.colour) stroke-width="2"
                        stroke-dasharray=[line.dashed.then_some("5 3")] points=(points) { title { (line.label) } }
                    @if self.markers {
                        @for (year, v) in &line.points {
                            circle class="pt" cx=(f1(sx(f64::from(*year)))) cy=(f1(sy(*v))) r="2.5" fill=(line.colour)
                                data-series=(line.label) data-year=(year) data-value=(v) {
                                title {
                                    (line.label) " " (year) ": " (number(*v))
                                    @if let Some(unit) = &self.unit { " " (unit) }
                                }
                            }
                        }
                    }
                }
                @if self.legend {
                    @for (i, line) in self.lines.iter().enumerate() {
                        @let x = left + (i % 2) as f64 * 180.0;
                        @let y = h + 4.0 + (i / 2) as f64 * 16.0;
                        line x1=(x) x2=(x + 16.0) y1=(y) y2=(y) stroke=(line.colour) stroke-width="2"
                            stroke-dasharray=[line.dashed.then_some("5 3")] {}
                        text x=(x + 20.0) y=(y + 4.0) class="lg" { (line.label) }
                    }
                }
            }
        }
    }
}

/// One bar of [`share_bars`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Label left of the bar.
    pub label: String,
    /// Share (fraction of the whole).
    pub share: f64,
    /// Fill.
    pub colour: &'static str,
    /// `data-country` of the share label.
    pub code: String,
}

/// Horizontal bars of shares on a 0–100 % axis, each share written after its bar
/// (`class="bar-share"` with `data-country` and the exact `data-share`); `whole` names what
/// 100 % is of.
pub fn share_bars(bars: &[Bar], whole: &str) -> Markup {
    let bar_h = 18;
    let scale = 420.0;
    let height = bars.len() * (bar_h + 4) + 24;
    let axis_y = 4 + bars.len() * (bar_h + 4) + 14;
    html! {
        svg viewBox={ "0 0 640 " (height) } width="640" role="img" aria-label="Top suppliers" xmlns="http://www.w3.org/2000/svg" {
            @for (i, b) in bars.iter().enumerate() {
                @let y = 4 + i * (bar_h + 4);
                text x="150" y=(y + 13) text-anchor="end" font-size="12" { (b.label) }
                rect x="156" y=(y) width=(f1(b.share * scale)) height=(bar_h) fill=(b.colour) {}
                text class="bar-share" data-country=(b.code) data-share=(b.share) x=(f1(160.0 + b.share * scale))
                    y=(y + 13) font-size="12" { (pct(b.share)) }
            }
            text x="156" y=(axis_y) font-size="11" fill="#555" { "0%" }
            text x=(156.0 + scale) y=(axis_y) font-size="11" fill="#555" text-anchor="end" { "100% of the " (whole) }
        }
    }
}

/// One bar split into `segments` (fraction, colour), left to right, `width` × `height` pixels.
pub fn stacked_bar(segments: &[(f64, &'static str)], width: f64, height: f64) -> Markup {
    let mut x = 0.0;
    let placed: Vec<(f64, f64, &str)> = segments
        .iter()
        .map(|&(v, c)| {
            let at = x;
            x += v;
            (at, v, c)
        })
        .collect();
    html! {
        svg viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height) xmlns="http://www.w3.org/2000/svg" {
            @for (at, v, c) in placed {
                rect x=(f1(at * width)) y="0" width=(f1(v * width)) height=(height) fill=(c) {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis_maxima() {
        assert!((nice_max(0.9) - 1.0).abs() < 1e-12);
        assert!((nice_max(130.0) - 200.0).abs() < 1e-9);
        assert!((nice_max(4_100.0) - 5_000.0).abs() < 1e-9);
        assert!((nice_max(0.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_line_chart_has_its_points_and_escapes_its_labels() {
        let chart = LineChart {
            id: Some("c"),
            size: (400.0, 200.0),
            margins: Margins {
                left: 50.0,
                right: 10.0,
                top: 20.0,
                bottom: 30.0,
            },
            title: "t".into(),
            aria_label: "a".into(),
            years: (2024.0, 2030.0),
            x_ticks: vec![2024, 2030],
            y_max: 10.0,
            number: |v| format!("{v:.0}"),
            unit: Some("kt".into()),
            markers: true,
            legend: true,
            lines: vec![Line {
                label: "<x>".into(),
                colour: "#000",
                dashed: true,
                points: vec![(2024, 5.0), (2030, 10.0)],
            }],
        }
        .render()
        .into_string();
        assert_eq!(chart.matches("<circle").count(), 2);
        assert!(chart.contains("data-series=\"&lt;x&gt;\" data-year=\"2030\" data-value=\"10\""));
        assert!(chart.contains("stroke-dasharray=\"5 3\""));
        assert!(!chart.contains("<x>"));
    }

    #[test]
    fn bars_write_their_share_last() {
        let svg = share_bars(
            &[Bar {
                label: "Chile".into(),
                share: 0.25,
                colour: "#000",
                code: "CHL".into(),
            }],
            "world total",
        )
        .into_string();
        assert!(svg.contains("<text class=\"bar-share\" data-country=\"CHL\" data-share=\"0.25\""));
        assert!(svg.contains(">25.0%</text>"));
        assert_eq!(
            stacked_bar(&[(0.5, "#a"), (0.5, "#b")], 200.0, 12.0)
                .into_string()
                .matches("<rect")
                .count(),
            2
        );
    }
}
