//! No input makes the loaders panic: arbitrary text, and CSV-shaped rows with arbitrary
//! cells, in an observation file added to the embedded data.

use critmin_data::{InputFile, embedded_inputs, load, overlay};
use proptest::prelude::*;

fn with_embedded(name: &str, text: String) -> Vec<InputFile> {
    overlay(
        embedded_inputs(),
        vec![InputFile {
            name: name.to_owned(),
            text,
        }],
    )
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[A-Z]{3}",
        "-?[0-9]{1,6}(\\.[0-9]{1,3})?",
        "[a-z_]{1,12}",
        "\\PC{0,8}",
        Just("\"a,b\"".to_owned()),
        Just("NaN".to_owned()),
        Just("1e400".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = load(&with_embedded("user.csv", text.clone()));
        let _ = load(&with_embedded("stages.csv", text));
    }

    #[test]
    fn csv_shaped_rows_never_panic(rows in prop::collection::vec(prop::collection::vec(cell(), 0..10), 0..12)) {
        let mut text = String::from("mineral,stage,country_iso3,year,value,unit,source,note\n");
        for row in rows {
            text.push_str(&row.join(","));
            text.push('\n');
        }
        let _ = load(&with_embedded("user.csv", text));
    }
}
