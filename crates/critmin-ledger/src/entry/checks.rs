//! The content rules an entry must meet whatever the ledger holds: identifiers, text, grades,
//! masses, no item listed twice. Each failure names the field at fault.

use super::{EntryBody, FieldError, Grade, LotSpec, LotUse, MAX_ID, MAX_TEXT, PPM, Payload};

fn field_error(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError::new(field, message)
}

fn check_id(field: &str, s: &str) -> Result<(), FieldError> {
    let ok = !s.is_empty()
        && s.len() <= MAX_ID
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':'));
    if ok {
        Ok(())
    } else {
        Err(field_error(
            field,
            format!("`{s}`: expected 1 to {MAX_ID} characters of A-Z a-z 0-9 . _ - :"),
        ))
    }
}

fn check_text(field: &str, s: &str) -> Result<(), FieldError> {
    if s.len() > MAX_TEXT || s.chars().any(char::is_control) {
        return Err(field_error(
            field,
            format!("expected at most {MAX_TEXT} bytes of text without control characters"),
        ));
    }
    Ok(())
}

impl EntryBody {
    /// Checks the content rules that need no ledger state: identifiers, text, grades, masses.
    pub fn check_fields(&self) -> Result<(), FieldError> {
        check_id("origin", &self.origin)?;
        check_id("org", self.org.as_str())?;
        let check_grades = |field: &str, grades: &[Grade]| -> Result<(), FieldError> {
            if grades.is_empty() {
                return Err(field_error(field, "at least one contained element expected"));
            }
            let mut total: u64 = 0;
            for (i, g) in grades.iter().enumerate() {
                let ok = !g.element.is_empty()
                    && g.element.len() <= 32
                    && g.element.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
                if !ok {
                    return Err(field_error(
                        format!("{field}[{i}].element"),
                        format!("`{}`: expected a lower-case mineral id such as cobalt", g.element),
                    ));
                }
                if g.ppm == 0 || g.ppm > PPM {
                    return Err(field_error(
                        format!("{field}[{i}].ppm"),
                        format!("{}: expected 1 to {PPM}", g.ppm),
                    ));
                }
                if grades[..i].iter().any(|h| h.element == g.element) {
                    return Err(field_error(
                        format!("{field}[{i}].element"),
                        format!("`{}` listed twice", g.element),
                    ));
                }
                total += u64::from(g.ppm);
            }
            if total > u64::from(PPM) {
                return Err(field_error(
                    field,
                    format!("grades add up to {total} ppm, more than the whole mass"),
                ));
            }
            Ok(())
        };
        let check_lot = |field: &str, lot: &LotSpec| -> Result<(), FieldError> {
            check_id(&format!("{field}.id"), lot.id.as_str())?;
            check_id(&format!("{field}.form"), &lot.form)?;
            if lot.mass_g == 0 {
                return Err(field_error(
                    format!("{field}.mass_g"),
                    "expected a positive mass in grams",
                ));
            }
            if lot.country.is_pseudo() {
                return Err(field_error(
                    format!("{field}.country"),
                    "expected a real country, not WLD or ROW",
                ));
            }
            check_grades(&format!("{field}.grades"), &lot.grades)
        };
        let check_uses = |uses: &[LotUse]| -> Result<(), FieldError> {
            for (i, u) in uses.iter().enumerate() {
                check_id(&format!("inputs[{i}].lot"), u.lot.as_str())?;
                if u.mass_g == 0 {
                    return Err(field_error(
                        format!("inputs[{i}].mass_g"),
                        "expected a positive mass in grams",
                    ));
                }
                if uses[..i].iter().any(|v| v.lot == u.lot) {
                    return Err(field_error(
                        format!("inputs[{i}].lot"),
                        format!("`{}` listed twice", u.lot),
                    ));
                }
            }
            Ok(())
        };
        let check_outputs = |outputs: &[LotSpec]| -> Result<(), FieldError> {
            if outputs.is_empty() {
                return Err(field_error("outputs", "at least one output lot expected"));
            }
            for (i, o) in outputs.iter().enumerate() {
                check_lot(&format!("outputs[{i}]"), o)?;
                if outputs[..i].iter().any(|p| p.id == o.id) {
                    return Err(field_error(
                        format!("outputs[{i}].id"),
                        format!("`{}` listed twice", o.id),
                    ));
                }
            }
            Ok(())
        };
        match &self.payload {
            Payload::RegisterOrg { org, name, country, .. } => {
                check_id("org", org.as_str())?;
                check_text("name", name)?;
                if country.is_pseudo() {
                    return Err(field_error("country", "expected a real country, not WLD or ROW"));
                }
            }
            Payload::AddKey { .. } | Payload::RevokeKey { .. } => {}
            Payload::Extract { lot, site } => {
                check_lot("lot", lot)?;
                check_text("site", site)?;
            }
            Payload::Transfer { lot, to } => {
                check_id("lot", lot.as_str())?;
                check_id("to", to.as_str())?;
            }
            Payload::Transform { inputs, outputs, .. } => {
                if inputs.is_empty() {
                    return Err(field_error("inputs", "at least one input lot expected"));
                }
                check_uses(inputs)?;
                check_outputs(outputs)?;
            }
            Payload::Recycle {
                inputs, feed, outputs, ..
            } => {
                if inputs.is_empty() && feed.is_empty() {
                    return Err(field_error("inputs", "a recycling needs input lots or outside feed"));
                }
                check_uses(inputs)?;
                for (i, f) in feed.iter().enumerate() {
                    check_text(&format!("feed[{i}].description"), &f.description)?;
                    if f.mass_g == 0 {
                        return Err(field_error(
                            format!("feed[{i}].mass_g"),
                            "expected a positive mass in grams",
                        ));
                    }
                    check_grades(&format!("feed[{i}].grades"), &f.grades)?;
                }
                check_outputs(outputs)?;
            }
            Payload::Attest { statement, .. } => check_text("statement", statement)?,
            Payload::Publish { lot } => check_id("lot", lot.as_str())?,
        }
        Ok(())
    }
}
