//! Writing and listing entries: `append` (payloads from a JSON file, signed as an
//! organisation) and `show` (the entries a viewer may read).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use critmin_ledger::entry::{Payload, to_hex};
use critmin_ledger::{AppendError, SignedEntry, Viewer};
use serde::Serialize;

use super::place::{Place, now, open, signer};
use crate::output::{Format, Table, emit};

/// `append`: signs each payload of the file as `org` and appends it; exit 1 if any is rejected.
pub(super) fn append(place: &Place, file: &Path, org: &str) -> Result<ExitCode> {
    let dir = place.dir;
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", file.display()))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    let mut payloads = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let p: Payload =
            serde_json::from_value(item).map_err(|e| anyhow!("{}: entry {}: {e}", file.display(), i + 1))?;
        payloads.push(p);
    }
    let mut ledger = open(place)?;
    let mut s = signer(dir, &ledger, org)?;
    let mut rejected = 0;
    for (i, p) in payloads.into_iter().enumerate() {
        let kind = p.kind();
        let entry = s.sign(p, now());
        match ledger.append(entry) {
            Ok(index) => println!("entry {}: {kind} accepted as #{index}", i + 1),
            Err(AppendError::Rejected(r)) => {
                // The sequence number was not used; the next entry reuses it.
                s.next_seq -= 1;
                rejected += 1;
                eprintln!("entry {}: {kind} rejected: {r}", i + 1);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(if rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[derive(Serialize)]
struct EntryRecord {
    index: u64,
    org: String,
    seq: u64,
    kind: &'static str,
    timestamp: i64,
    summary: String,
}

/// One line saying what an entry states.
fn summary(p: &Payload) -> String {
    match p {
        Payload::RegisterOrg { org, role, country, .. } => format!("{org} ({}, {country})", role.as_str()),
        Payload::AddKey { key } | Payload::RevokeKey { key } => to_hex(&key[..8]),
        Payload::Extract { lot, site } => format!("{} {} g at {site} ({})", lot.id, lot.mass_g, lot.country),
        Payload::Transfer { lot, to } => format!("{lot} -> {to}"),
        Payload::Transform { inputs, outputs, .. } | Payload::Recycle { inputs, outputs, .. } => format!(
            "{} -> {}",
            inputs
                .iter()
                .map(|u| format!("{} ({} g)", u.lot, u.mass_g))
                .collect::<Vec<_>>()
                .join(" + "),
            outputs.iter().map(|o| o.id.to_string()).collect::<Vec<_>>().join(", ")
        ),
        Payload::Attest {
            subject,
            verdict,
            statement,
        } => {
            format!(
                "#{subject} {}: {statement}",
                if *verdict { "confirmed" } else { "disputed" }
            )
        }
        Payload::Publish { lot } => lot.to_string(),
    }
}

/// The local operator (the default viewer) sees every entry.
fn is_local_operator(viewer: &Viewer) -> bool {
    matches!(viewer, Viewer::Org(o) if o.as_str() == "operator")
}

/// `show`: the entries the viewer may read, optionally only those about one lot.
pub(super) fn show(place: &Place, viewer: &Viewer, lot: Option<&str>, format: Format) -> Result<ExitCode> {
    let ledger = open(place)?;
    let mut records = Vec::new();
    for (index, bytes) in ledger.entries().iter().enumerate() {
        let e = SignedEntry::decode(bytes)?;
        let lots = e.body.payload.lots();
        if lot.is_some_and(|l| !lots.iter().any(|x| x.as_str() == l)) {
            continue;
        }
        let own = matches!(viewer, Viewer::Org(o) if *o == e.body.org);
        let visible = is_local_operator(viewer) || own || lots.iter().any(|l| ledger.state().may_read_lot(viewer, l));
        if !visible {
            continue;
        }
        records.push(EntryRecord {
            index: index as u64,
            org: e.body.org.to_string(),
            seq: e.body.seq,
            kind: e.body.payload.kind(),
            timestamp: e.body.timestamp,
            summary: summary(&e.body.payload),
        });
    }
    emit(format, &records, || {
        let mut t = Table::new(&["#>", "org", "seq>", "kind", "what"]);
        for r in &records {
            t.row(vec![
                r.index.to_string(),
                r.org.clone(),
                r.seq.to_string(),
                r.kind.into(),
                r.summary.clone(),
            ]);
        }
        if let Some(c) = ledger.latest_checkpoint() {
            t.footer.push(format!(
                "log size {}; latest checkpoint: size {} root {}",
                ledger.size(),
                c.size,
                to_hex(&c.root)
            ));
        }
        t
    })?;
    Ok(ExitCode::SUCCESS)
}
