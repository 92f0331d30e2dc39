//! Setting a ledger up and managing who writes to it: `init`, `org add|list`, `key rotate`.

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Subcommand, ValueEnum};
use critmin_ledger::entry::{Payload, Signer, to_hex};
use critmin_ledger::{Ledger, OrgId, Role};
use serde::Serialize;

use super::place::{
    Place, append_one, key_path, log_place, new_key, now, open, open_log, parse_country, save_key, signer,
};
use crate::output::{Format, Table, emit};

#[derive(Debug, Subcommand)]
pub(super) enum OrgCommand {
    /// Register an organisation and create its first key.
    Add {
        /// Identifier (A-Z a-z 0-9 . _ - :).
        org: String,
        /// Role.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Home country (ISO 3166-1 alpha-3).
        #[arg(long)]
        country: String,
    },
    /// List organisations.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum RoleArg {
    /// A supply-chain company.
    Member,
    /// Reads and attests only.
    Auditor,
}

#[derive(Debug, Subcommand)]
pub(super) enum KeyCommand {
    /// Replace an organisation's key: the new key is added (signed by the old one), then the
    /// old key is revoked (signed by the new one).
    Rotate {
        /// The organisation.
        org: String,
    },
}

/// `org add`: the operator registers the organisation; its first key goes to the key store.
pub(super) fn add_org(place: &Place, org: &str, role: RoleArg, name: &str, country: &str) -> Result<ExitCode> {
    let dir = place.dir;
    let mut ledger = open(place)?;
    let key = new_key()?;
    let mut op = signer(dir, &ledger, "operator")?;
    let role = match role {
        RoleArg::Member => Role::Member,
        RoleArg::Auditor => Role::Auditor,
    };
    let payload = Payload::RegisterOrg {
        org: OrgId(org.to_owned()),
        role,
        name: name.to_owned(),
        country: parse_country(country)?,
        key: key.verifying_key().to_bytes(),
    };
    let index = append_one(&mut ledger, op.sign(payload, now()))?;
    save_key(dir, org, &key)?;
    println!(
        "registered `{org}` ({}) as entry {index}; key in {}",
        role.as_str(),
        key_path(dir, org).display()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct OrgRecord {
    org: String,
    role: &'static str,
    name: String,
    country: String,
    active_keys: usize,
}

/// `org list`.
pub(super) fn list_orgs(place: &Place, format: Format) -> Result<ExitCode> {
    let ledger = open(place)?;
    let mut records: Vec<OrgRecord> = ledger
        .state()
        .orgs()
        .iter()
        .map(|(id, o)| OrgRecord {
            org: id.to_string(),
            role: o.role.as_str(),
            name: o.name.clone(),
            country: o.country.to_string(),
            active_keys: o.keys.len(),
        })
        .collect();
    records.sort_by(|a, b| a.org.cmp(&b.org));
    emit(format, &records, || {
        let mut t = Table::new(&["org", "role", "name", "country", "keys>"]);
        for r in &records {
            t.row(vec![
                r.org.clone(),
                r.role.into(),
                r.name.clone(),
                r.country.clone(),
                r.active_keys.to_string(),
            ]);
        }
        t
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `key rotate`: the new key is added (signed by the old one), then the old key is revoked
/// (signed by the new one).
pub(super) fn rotate_key(place: &Place, org: &str) -> Result<ExitCode> {
    let dir = place.dir;
    let mut ledger = open(place)?;
    let mut old = signer(dir, &ledger, org)?;
    let new = new_key()?;
    let old_public = old.public_key();
    append_one(
        &mut ledger,
        old.sign(
            Payload::AddKey {
                key: new.verifying_key().to_bytes(),
            },
            now(),
        ),
    )?;
    // The new key is registered now: keep it before anything else can fail.
    save_key(dir, org, &new)?;
    let mut fresh = Signer::new(ledger.state().origin(), org, new, 0);
    let index = append_one(&mut ledger, fresh.sign(Payload::RevokeKey { key: old_public }, now()))?;
    println!(
        "rotated the key of `{org}`; old key {} revoked in entry {index}",
        &to_hex(&old_public)[..16]
    );
    Ok(ExitCode::SUCCESS)
}

/// `init`: the operator's key, its self-registration (entry 0) and a first checkpoint.
pub(super) fn init(place: &Place, origin: &str, country: &str) -> Result<ExitCode> {
    let dir = place.dir;
    let in_files = place.db.is_none();
    if in_files && dir.join("entries.log").exists() {
        bail!("{} already holds a ledger", dir.display());
    }
    let mut ledger = Ledger::open(open_log(place)?)?;
    if ledger.size() > 0 {
        bail!("{} already holds a ledger", log_place(place));
    }
    let key = new_key()?;
    let mut op = Signer::new(origin, "operator", key.clone(), 0);
    let payload = Payload::RegisterOrg {
        org: OrgId("operator".into()),
        role: Role::Operator,
        name: format!("{origin} operator"),
        country: parse_country(country)?,
        key: key.verifying_key().to_bytes(),
    };
    append_one(&mut ledger, op.sign(payload, now()))?;
    save_key(dir, "operator", &key)?;
    let c = ledger.checkpoint(&key, now())?;
    println!("created ledger `{origin}` in {}", log_place(place));
    println!("log key (give it to auditors): {}", to_hex(&c.key));
    Ok(ExitCode::SUCCESS)
}
