//! The page shell: doctype, head (charset, viewport, no favicon request, title, inline CSS)
//! and body. Pages load nothing from the network.

use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The CSS of the kit's own parts (legends, the map, charts); each page adds its own.
pub const BASE_CSS: &str = r#"
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:12.5px;margin:6px 0}
.legend span{display:inline-flex;align-items:center;gap:5px}
.sw{display:inline-block;width:14px;height:14px;border:1px solid #9aa3b2;flex:none}
path.country{stroke:#fff;stroke-width:.4}
path.country:hover{stroke:#111;stroke-width:1}
svg{max-width:100%;height:auto}
svg.chart .ct{font-size:12px;font-weight:600}
svg.chart .ax{font-size:10px;fill:#5b6475}
svg.chart .lg{font-size:10px}
"#;

/// A whole page titled `title` with [`BASE_CSS`] and `css` inline, and `body`.
pub fn page(title: &str, css: &[&str], body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                link rel="icon" href="data:,";
                title { (title) }
                style {
                    (PreEscaped(BASE_CSS))
                    @for sheet in css { (PreEscaped(sheet)) }
                }
            }
            body { (body) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_escapes_the_title() {
        let html = page("<script>x</script>", &[], html! { p { "hi" } }).into_string();
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\"><head>"));
        assert!(html.contains("<title>&lt;script&gt;x&lt;/script&gt;</title>"));
        assert!(html.ends_with("<body><p>hi</p></body></html>"));
    }
}
