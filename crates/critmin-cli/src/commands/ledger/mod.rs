//! `critmin ledger`: the chain-of-custody ledger from the command line.
//!
//! A thin shell over `critmin-ledger`: every rule (access, replay, custody, mass balance,
//! credits) is enforced by the library; this module reads JSON, keeps a local key store,
//! signs, prints and writes files. Keys live in `DIR/keys/<org>.key` (hex secret, mode 0600):
//! convenient for one machine; in a real deployment each organisation keeps its own key and
//! submits signed entries.

//!
//! One module per group of subcommands: `orgs` (init, org, key), `entries` (append, show),
//! `lots` (provenance, claim, rules), `audit` (checkpoint, proof, export, verify); `place` opens
//! the ledger each command is given (a [`place::Place`]: its directory and database, passed
//! down, never global) and keeps the local keys.

mod audit;
mod entries;
mod lots;
mod orgs;
mod place;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use critmin_ledger::{OrgId, Viewer};

use self::audit::ProofCommand;
use self::lots::View;
use self::orgs::{KeyCommand, OrgCommand};
use self::place::Place;
use crate::output::Format;

/// Where the ledger lives and what to do with it.
#[derive(Debug, Args)]
pub(crate) struct LedgerArgs {
    /// Ledger directory (entries.log, checkpoints.log, keys/).
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "CRITMIN_LEDGER",
        default_value = "critmin-ledger"
    )]
    dir: PathBuf,
    /// Keep the log in the server's database (`sqlite:PATH` or `postgres://…`) instead of
    /// DIR's files; keys stay in DIR/keys. One writer at a time: not while `critmin serve`
    /// holds the same database's ledger.
    #[arg(long, global = true, value_name = "URL", env = "CRITMIN_LEDGER_DB")]
    db: Option<String>,
    /// Read as: `operator` (everything; the default for the local operator), `public` (lots the
    /// operator marked public), or an organisation id (its role's rights: auditors read all,
    /// members the lots they created or held).
    #[arg(long, global = true, default_value = "operator")]
    viewer: String,
    #[command(subcommand)]
    command: LedgerCommand,
}

#[derive(Debug, Subcommand)]
enum LedgerCommand {
    /// Create a ledger: the operator's key, its self-registration (entry 0) and a first
    /// checkpoint.
    Init {
        /// Log origin: the log's name, signed into every entry (no replay across logs).
        #[arg(long)]
        origin: String,
        /// The operator's country.
        #[arg(long, default_value = "USA")]
        country: String,
    },
    /// Register an organisation (signed by the operator) and create its key.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage an organisation's keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Append entries from a JSON file (one payload or an array), signed as ORG.
    #[command(after_help = APPEND_HELP)]
    Append {
        /// JSON file: `{"type": "extract", ...}` or an array of such payloads.
        file: PathBuf,
        /// The organisation that signs.
        #[arg(long = "as", value_name = "ORG")]
        org: String,
    },
    /// List entries (optionally only those about one lot).
    Show {
        /// Only entries that create, move or consume this lot.
        #[arg(long)]
        lot: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Origin shares of a lot by contained element: by country, partner group, FEOC-covered
    /// nations, recycled.
    Provenance {
        /// The lot.
        lot: String,
        /// Partner group for the partner share.
        #[arg(long, default_value = "ira-fta")]
        partners: String,
        /// Physical provenance (proportional through the graph) or mass-balance credits.
        #[arg(long, value_enum, default_value_t)]
        view: View,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check a lot against a rule pack: pass (exit 0) or fail / not applicable (exit 1), with
    /// the figures.
    Claim {
        /// The lot.
        lot: String,
        /// Rule pack id (see `critmin ledger rules`).
        #[arg(long)]
        rule: String,
        /// Date of the claim (YYYY-MM-DD); default today (UTC).
        #[arg(long)]
        date: Option<String>,
        /// Physical provenance or mass-balance credits.
        #[arg(long, value_enum, default_value_t)]
        view: View,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// List the rule packs and the sources of their figures.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Sign a checkpoint of the current log with the operator key.
    Checkpoint,
    /// Make or verify inclusion and consistency proofs (RFC 9162 §2.1.3–2.1.4).
    #[command(subcommand)]
    Proof(ProofCommand),
    /// Write the bundle that lets an auditor verify a lot offline.
    Export {
        /// The lot.
        #[arg(long)]
        lot: String,
        /// Bundle file to write.
        #[arg(long, default_value = "bundle.json")]
        out: PathBuf,
        /// Also write a battery-passport-like JSON summary here.
        #[arg(long)]
        passport: Option<PathBuf>,
    },
    /// Verify a bundle offline: checkpoint signature, inclusion proofs, entry signatures, key
    /// registry, ancestry, mass balance; prints the recomputed provenance (exit 0 valid, 1
    /// invalid, 2 unreadable).
    Verify {
        /// Bundle file.
        bundle: PathBuf,
        /// The log's public key (hex), obtained out of band; without it the key in the bundle
        /// is trusted.
        #[arg(long)]
        log_key: Option<String>,
    },
}

const APPEND_HELP: &str = r#"Payloads ("type" and fields; masses in grams, grades in ppm of mass, countries ISO alpha-3):
  extract     {"type":"extract","lot":{"id":"ore-1","form":"ore","mass_g":1000000,
               "grades":[{"element":"cobalt","ppm":20000}],"country":"COD"},"site":"Kolwezi"}
  transfer    {"type":"transfer","lot":"ore-1","to":"refiner"}
  transform   {"type":"transform","inputs":[{"lot":"ore-1","mass_g":1000000}],"outputs":[LOT...],
               "tolerance_ppm":50000,"model":"identity_preserved|segregated|mass_balance",
               "credits":[{"lot":"out-1","element":"cobalt","origin":{"country":"USA","recycled":true},"ug":9000000000}]}
  recycle     {"type":"recycle","inputs":[...],"feed":[{"description":"scrap","mass_g":1000,"grades":[...]}],
               "outputs":[LOT...],"tolerance_ppm":50000,"post_consumer":true}
  attest      {"type":"attest","subject":12,"verdict":true,"statement":"records checked"}   (auditors)
  publish     {"type":"publish","lot":"cathode-1"}                                          (operator)
  add_key / revoke_key / register_org: use `critmin ledger key rotate` and `critmin ledger org add`.
Exit status 1 when any entry is rejected (the reason is printed; rejected entries change nothing)."#;

pub(crate) fn run(args: &LedgerArgs) -> Result<ExitCode> {
    let place = &Place {
        dir: &args.dir,
        db: args.db.as_deref(),
    };
    let viewer = match args.viewer.as_str() {
        "public" => Viewer::Public,
        org => Viewer::Org(OrgId(org.to_owned())),
    };
    let viewer = &viewer;
    match &args.command {
        LedgerCommand::Init { origin, country } => orgs::init(place, origin, country),
        LedgerCommand::Org(OrgCommand::Add {
            org,
            role,
            name,
            country,
        }) => orgs::add_org(place, org, *role, name, country),
        LedgerCommand::Org(OrgCommand::List { format }) => orgs::list_orgs(place, *format),
        LedgerCommand::Key(KeyCommand::Rotate { org }) => orgs::rotate_key(place, org),
        LedgerCommand::Append { file, org } => entries::append(place, file, org),
        LedgerCommand::Show { lot, format } => entries::show(place, viewer, lot.as_deref(), *format),
        LedgerCommand::Provenance {
            lot,
            partners,
            view,
            format,
        } => lots::provenance_cmd(place, viewer, lot, partners, *view, *format),
        LedgerCommand::Claim {
            lot,
            rule,
            date,
            view,
            format,
        } => lots::claim(place, viewer, lot, rule, date.as_deref(), *view, *format),
        LedgerCommand::Rules { format } => lots::rules(*format),
        LedgerCommand::Checkpoint => audit::sign_checkpoint(place),
        LedgerCommand::Proof(cmd) => audit::proof(place, cmd),
        LedgerCommand::Export { lot, out, passport } => audit::export(place, viewer, lot, out, passport.as_deref()),
        LedgerCommand::Verify { bundle, log_key } => audit::verify(bundle, log_key.as_deref()),
    }
}
