//! The HTML kit shared by the report and the dashboard: one page shell, the palettes and
//! legends, the world map, line and bar charts, table heads and number formats.
//!
//! Every page is written with [`maud`], which escapes every spliced value (`&`, `<`, `>`,
//! `"`) and always quotes attributes with double quotes, so user text can go anywhere in
//! content or in a (double-quoted) attribute. Two places it cannot go: a hand-written
//! single-quoted attribute, and a `<script>` block; data for a script goes through
//! [`json_script`].
//!
//! Boundary: markup only; no critmin crate, no formula, no IO.

pub mod chart;
pub mod format;
mod legend;
mod page;
pub mod palette;
pub mod table;
pub mod worldmap;

pub use legend::{Swatch, hhi_legend, legend, share_legend};
pub use maud::{DOCTYPE, Markup, PreEscaped, Render, html};
pub use page::{BASE_CSS, page};

/// `text` escaped for HTML content or a double-quoted attribute, as every splice in
/// [`html!`] is.
pub fn escape(text: &str) -> String {
    html! { (text) }.into_string()
}

/// A `<script type="application/json">` block holding `value`, for a page script to read
/// with `JSON.parse(el.textContent)`. Inside a script element the HTML parser only looks for
/// `</script`, so every `<` (and, for good measure, `>` and `&`) is written as its JSON
/// escape: the text cannot close the element, and `JSON.parse` gives back the same strings.
pub fn json_script<T: serde::Serialize + ?Sized>(id: &str, value: &T) -> Markup {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    let json = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    html! { script type="application/json" id=(id) { (PreEscaped(json)) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_the_characters_that_break_out() {
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        let payload = "\"><img src=x onerror=alert(1)>";
        let attribute = html! { input value=(payload); }.into_string();
        assert_eq!(
            attribute,
            "<input value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">"
        );
        let content = html! { p { (payload) } }.into_string();
        assert!(!content.contains("<img"), "{content}");
    }

    #[test]
    fn json_for_a_script_cannot_close_it() {
        let names = vec!["</script><script>window.__xss=1</script>", "a & b > c"];
        let block = json_script("data", &names).into_string();
        assert_eq!(block.matches("</script>").count(), 1, "{block}");
        assert!(block.ends_with("</script>"));
        let inner = &block[block.find('>').unwrap() + 1..block.len() - "</script>".len()];
        let back: Vec<String> = serde_json::from_str(inner).unwrap();
        assert_eq!(back, names);
    }
}
