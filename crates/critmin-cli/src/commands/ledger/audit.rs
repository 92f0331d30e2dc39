//! What an auditor needs: `checkpoint` (sign the log's current root), `proof` (RFC 9162
//! inclusion and consistency proofs), `export` (a lot's offline bundle, and a passport) and
//! `verify` (a bundle, trusting nothing but the log key).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Subcommand;
use critmin_ledger::entry::{from_hex, to_hex};
use critmin_ledger::passport::passport;
use critmin_ledger::provenance::to_f64;
use critmin_ledger::{Ledger, Viewer, bundle};
use critmin_merkle::case::ProofCase;

use super::lots::{groups_fn, readable};
use super::place::{AnyLog, Place, checkpoint, open, write_atomic};
use crate::output::pct;

#[derive(Debug, Subcommand)]
pub(super) enum ProofCommand {
    /// Inclusion proof of entry INDEX in the tree of SIZE entries (default: latest checkpoint).
    Inclusion {
        /// Leaf index.
        #[arg(long)]
        index: u64,
        /// Tree size.
        #[arg(long)]
        size: Option<u64>,
        /// Write the proof here instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Consistency proof from size FROM to size TO (default: latest checkpoint).
    Consistency {
        /// Earlier size.
        #[arg(long)]
        from: u64,
        /// Later size.
        #[arg(long)]
        to: Option<u64>,
        /// Write the proof here instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Verify a proof file (inclusion or consistency, told apart by its fields): prints `valid`
    /// (exit 0) or `invalid: REASON` (exit 1); exit 2 when the file is unreadable.
    Verify {
        /// Proof file (JSON, the shape of the transparency-dev test vectors).
        file: PathBuf,
    },
}

/// `checkpoint`: the operator signs the log's current size and root.
pub(super) fn sign_checkpoint(place: &Place) -> Result<ExitCode> {
    let mut ledger = open(place)?;
    let c = checkpoint(place.dir, &mut ledger)?;
    println!(
        "checkpoint: size {} root {} (signed by the operator)",
        c.size,
        to_hex(&c.root)
    );
    Ok(ExitCode::SUCCESS)
}

/// The size asked for, or the latest checkpoint's.
fn latest_size(ledger: &Ledger<AnyLog>, size: Option<u64>) -> Result<u64> {
    match size {
        Some(s) => Ok(s),
        None => ledger
            .latest_checkpoint()
            .map(|c| c.size)
            .ok_or_else(|| anyhow!("no checkpoint yet")),
    }
}

/// `proof inclusion|consistency|verify`.
pub(super) fn proof(place: &Place, cmd: &ProofCommand) -> Result<ExitCode> {
    let (case, out) = match cmd {
        ProofCommand::Verify { file } => {
            let bytes = match std::fs::read(file) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: {}: {e}", file.display());
                    return Ok(ExitCode::from(2));
                }
            };
            return Ok(match ProofCase::parse(&bytes) {
                Err(e) => {
                    eprintln!("error: {}: {e}", file.display());
                    ExitCode::from(2)
                }
                Ok(case) => match case.verify() {
                    Ok(()) => {
                        println!("valid");
                        ExitCode::SUCCESS
                    }
                    Err(reason) => {
                        println!("invalid: {reason}");
                        ExitCode::FAILURE
                    }
                },
            });
        }
        ProofCommand::Inclusion { index, size, out } => {
            let ledger = open(place)?;
            let size = latest_size(&ledger, *size)?;
            let proof = ledger.inclusion_proof(*index, size)?;
            let case = ProofCase::Inclusion {
                leaf_index: *index,
                tree_size: size,
                root: ledger.root_at(size)?.to_vec(),
                leaf_hash: ledger.tree().leaf(*index).expect("index below size").to_vec(),
                proof: proof.iter().map(|h| h.to_vec()).collect(),
            };
            (case, out)
        }
        ProofCommand::Consistency { from, to, out } => {
            let ledger = open(place)?;
            let to = latest_size(&ledger, *to)?;
            let proof = ledger.consistency_proof(*from, to)?;
            let case = ProofCase::Consistency {
                size1: *from,
                size2: to,
                root1: ledger.root_at(*from)?.to_vec(),
                root2: ledger.root_at(to)?.to_vec(),
                proof: proof.iter().map(|h| h.to_vec()).collect(),
            };
            (case, out)
        }
    };
    let json = case.to_json();
    match out {
        Some(path) => {
            write_atomic(path, &(json + "\n"))?;
            println!("wrote {}", path.display());
        }
        None => println!("{json}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `export`: the bundle of a lot (and a passport), anchored to a checkpoint covering the log.
pub(super) fn export(
    place: &Place,
    viewer: &Viewer,
    lot: &str,
    out: &Path,
    passport_path: Option<&Path>,
) -> Result<ExitCode> {
    let mut ledger = open(place)?;
    let id = readable(&ledger, viewer, lot)?;
    // Anchor the bundle to a checkpoint that covers the whole log.
    if ledger.latest_checkpoint().is_none_or(|c| c.size < ledger.size()) {
        checkpoint(place.dir, &mut ledger)?;
    }
    let b = bundle::export(&ledger, &id)?;
    write_atomic(out, &(serde_json::to_string_pretty(&b)? + "\n"))?;
    println!(
        "wrote {} ({} entries, checkpoint size {})",
        out.display(),
        b.entries.len(),
        b.checkpoint.size
    );
    if let Some(path) = passport_path {
        let report = bundle::verify(&b, None)?;
        let spec = ledger.state().graph().spec(&id).expect("checked");
        let attestations: Vec<(u64, String, bool, String)> = report
            .attestations
            .iter()
            .map(|(i, who, _, ok, what)| (*i, who.to_string(), *ok, what.clone()))
            .collect();
        let doc = passport(
            spec,
            &report.provenance,
            &attestations,
            ledger.latest_checkpoint(),
            &groups_fn()?,
        );
        write_atomic(path, &(serde_json::to_string_pretty(&doc)? + "\n"))?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `verify`: checks a bundle offline and prints what it proves.
pub(super) fn verify(path: &Path, log_key: Option<&str>) -> Result<ExitCode> {
    let pinned: Option<[u8; 32]> = match log_key {
        Some(k) => Some(
            from_hex(k)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| anyhow!("--log-key: expected 64 hex digits"))?,
        ),
        None => None,
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return Ok(ExitCode::from(2));
        }
    };
    let b = match bundle::parse(&bytes) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return Ok(ExitCode::from(2));
        }
    };
    match bundle::verify(&b, pinned.as_ref()) {
        Err(e) => {
            println!("invalid: {e}");
            Ok(ExitCode::FAILURE)
        }
        Ok(r) => {
            println!(
                "valid: lot {} in log `{}`, {} entries proven against checkpoint size {} root {}",
                r.lot,
                r.origin,
                r.entries,
                r.size,
                to_hex(&r.root)
            );
            if !r.key_pinned {
                println!(
                    "warning: the log key was taken from the bundle; pin it with --log-key {}",
                    b.log_key
                );
            }
            for e in &r.provenance {
                let origins: Vec<String> = e
                    .by_country()
                    .iter()
                    .map(|(c, s)| format!("{c} {}", pct(to_f64(s))))
                    .collect();
                println!(
                    "{}: {:.3} kg contained; origin {}; recycled {}",
                    e.element,
                    e.contained_ug as f64 / 1e9,
                    origins.join(", "),
                    pct(to_f64(&e.recycled_share()))
                );
            }
            for (i, lot, from, to) in &r.transfers {
                println!("custody: #{i} {lot} {from} -> {to}");
            }
            for (i, who, subject, ok, what) in &r.attestations {
                println!(
                    "attestation: #{i} {who} on #{subject}: {} — {what}",
                    if *ok { "confirmed" } else { "disputed" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
