//! `critmin ledger`: the chain-of-custody ledger from the command line.
//!
//! A thin shell over `critmin-ledger`: every rule (access, replay, custody, mass balance,
//! credits) is enforced by the library; this module reads JSON, keeps a local key store,
//! signs, prints and writes files. Keys live in `DIR/keys/<org>.key` (hex secret, mode 0600):
//! convenient for one machine; in a real deployment each organisation keeps its own key and
//! submits signed entries.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand, ValueEnum};
use critmin_ledger::bundle;
use critmin_ledger::entry::{Payload, Signer, from_hex, to_hex};
use critmin_ledger::provenance::{ElementProvenance, mass_balance_view, provenance, to_f64};
use critmin_ledger::rules::{Date, Verdict, embedded_rule_packs, evaluate};
use critmin_ledger::store::{FileStore, LogStore, StoreError, Stream};
use critmin_ledger::{Ledger, LotId, OrgId, Role, SignedEntry, Viewer};
use critmin_merkle::case::ProofCase;
use critmin_model::{CountryCode, Group, GroupSet};
use ed25519_dalek::SigningKey;
use serde::Serialize;

use crate::output::{Format, Table, emit, pct};

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

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
enum View {
    /// Shares of contained element, proportional through the transformation graph.
    #[default]
    Physical,
    /// Credits allocated to the lot under the mass-balance model (the rest unallocated).
    MassBalance,
}

#[derive(Debug, Subcommand)]
enum OrgCommand {
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
enum RoleArg {
    /// A supply-chain company.
    Member,
    /// Reads and attests only.
    Auditor,
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Replace an organisation's key: the new key is added (signed by the old one), then the
    /// old key is revoked (signed by the new one).
    Rotate {
        /// The organisation.
        org: String,
    },
}

#[derive(Debug, Subcommand)]
enum ProofCommand {
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

/// The log behind a ledger: the files in DIR, or the database given with `--db`.
type AnyLog = Box<dyn LogStore>;

/// Where a ledger lives: its directory (keys, and the log unless `db` is given) and the
/// database of `--db`, if any. Passed down from [`run`] instead of held in a global.
#[derive(Debug, Clone, Copy)]
struct Place<'a> {
    dir: &'a Path,
    db: Option<&'a str>,
}

/// The ledger's log in a database, with the runtime its calls block on.
struct DbLog {
    log: critmin_store::SqlLogStore,
    _runtime: tokio::runtime::Runtime,
}

impl LogStore for DbLog {
    fn read_all(&mut self, stream: Stream) -> Result<Vec<Vec<u8>>, StoreError> {
        self.log.read_all(stream)
    }
    fn append(&mut self, stream: Stream, records: &[Vec<u8>]) -> Result<(), StoreError> {
        self.log.append(stream, records)
    }
}

/// Opens the log: the database of `--db`, else the files in the ledger's directory.
fn open_log(place: &Place) -> Result<AnyLog> {
    let dir = place.dir;
    match place.db {
        None => Ok(Box::new(
            FileStore::open(dir).with_context(|| format!("opening the ledger in {}", dir.display()))?,
        )),
        Some(url) => {
            // The log's calls block on this runtime from this thread: it needs its own worker.
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            let log = runtime.block_on(async {
                let store = critmin_store::Store::connect(url)
                    .await
                    .with_context(|| format!("opening the database {url}"))?;
                critmin_store::SqlLogStore::open(&store)
                    .await
                    .with_context(|| format!("opening the ledger in {url}"))
            })?;
            Ok(Box::new(DbLog { log, _runtime: runtime }))
        }
    }
}

/// Where the log is, for messages.
fn log_place(place: &Place) -> String {
    match place.db {
        Some(url) => url.to_owned(),
        None => place.dir.display().to_string(),
    }
}

pub(crate) fn run(args: &LedgerArgs) -> Result<ExitCode> {
    let place = &Place {
        dir: &args.dir,
        db: args.db.as_deref(),
    };
    let dir = place.dir;
    let viewer = match args.viewer.as_str() {
        "public" => Viewer::Public,
        org => Viewer::Org(OrgId(org.to_owned())),
    };
    let viewer = &viewer;
    match &args.command {
        LedgerCommand::Init { origin, country } => init(place, origin, country),
        LedgerCommand::Org(OrgCommand::Add {
            org,
            role,
            name,
            country,
        }) => {
            let mut ledger = open(place)?;
            let key = new_key()?;
            let mut op = signer(dir, &ledger, "operator")?;
            let role = match role {
                RoleArg::Member => Role::Member,
                RoleArg::Auditor => Role::Auditor,
            };
            let payload = Payload::RegisterOrg {
                org: OrgId(org.clone()),
                role,
                name: name.clone(),
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
        LedgerCommand::Org(OrgCommand::List { format }) => {
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
            emit(*format, &records, || {
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
        LedgerCommand::Key(KeyCommand::Rotate { org }) => {
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
        LedgerCommand::Append { file, org } => append(place, file, org),
        LedgerCommand::Show { lot, format } => show(place, viewer, lot.as_deref(), *format),
        LedgerCommand::Provenance {
            lot,
            partners,
            view,
            format,
        } => provenance_cmd(place, viewer, lot, partners, *view, *format),
        LedgerCommand::Claim {
            lot,
            rule,
            date,
            view,
            format,
        } => claim(place, viewer, lot, rule, date.as_deref(), *view, *format),
        LedgerCommand::Rules { format } => rules(*format),
        LedgerCommand::Checkpoint => {
            let mut ledger = open(place)?;
            let c = checkpoint(dir, &mut ledger)?;
            println!(
                "checkpoint: size {} root {} (signed by the operator)",
                c.size,
                to_hex(&c.root)
            );
            Ok(ExitCode::SUCCESS)
        }
        LedgerCommand::Proof(cmd) => proof(place, cmd),
        LedgerCommand::Export { lot, out, passport } => export(place, viewer, lot, out, passport.as_deref()),
        LedgerCommand::Verify { bundle, log_key } => verify(bundle, log_key.as_deref()),
    }
}

#[derive(Serialize)]
struct OrgRecord {
    org: String,
    role: &'static str,
    name: String,
    country: String,
    active_keys: usize,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn parse_country(s: &str) -> Result<CountryCode> {
    s.to_ascii_uppercase().parse().map_err(|e| anyhow!("{e}"))
}

fn open(place: &Place) -> Result<Ledger<AnyLog>> {
    let dir = place.dir;
    let in_files = place.db.is_none();
    if in_files && !dir.join("entries.log").exists() {
        bail!(
            "no ledger in {}; create one with `critmin ledger init --origin NAME`",
            dir.display()
        );
    }
    let ledger =
        Ledger::open(open_log(place)?).with_context(|| format!("reading the ledger in {}", log_place(place)))?;
    if ledger.size() == 0 {
        bail!(
            "no ledger in {}; create one with `critmin ledger init --origin NAME`",
            log_place(place)
        );
    }
    Ok(ledger)
}

fn key_path(dir: &Path, org: &str) -> PathBuf {
    dir.join("keys").join(format!("{org}.key"))
}

fn new_key() -> Result<SigningKey> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow!("no randomness for a new key: {e}"))?;
    Ok(SigningKey::from_bytes(&secret))
}

fn save_key(dir: &Path, org: &str, key: &SigningKey) -> Result<()> {
    let path = key_path(dir, org);
    std::fs::create_dir_all(path.parent().expect("keys dir"))?;
    let tmp = path.with_extension("key.tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options
            .open(&tmp)
            .with_context(|| format!("writing {}", tmp.display()))?;
        writeln!(f, "{}", to_hex(&key.to_bytes()))?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn load_key(dir: &Path, org: &str) -> Result<SigningKey> {
    let path = key_path(dir, org);
    let text = std::fs::read_to_string(&path).with_context(|| format!("no key for `{org}` at {}", path.display()))?;
    let bytes: [u8; 32] = from_hex(text.trim())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow!("{}: expected 64 hex digits", path.display()))?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// A signer for `org` with its key from the key store and its next sequence number.
fn signer(dir: &Path, ledger: &Ledger<AnyLog>, org: &str) -> Result<Signer> {
    let key = load_key(dir, org)?;
    let seq = ledger
        .state()
        .next_seq(&OrgId(org.to_owned()), &key.verifying_key().to_bytes())
        .unwrap_or(0);
    Ok(Signer::new(ledger.state().origin(), org, key, seq))
}

fn append_one(ledger: &mut Ledger<AnyLog>, entry: SignedEntry) -> Result<u64> {
    let kind = entry.body.payload.kind();
    ledger.append(entry).map_err(|e| anyhow!("{kind}: {e}"))
}

fn checkpoint(dir: &Path, ledger: &mut Ledger<AnyLog>) -> Result<critmin_ledger::checkpoint::Checkpoint> {
    let key = load_key(dir, "operator")?;
    Ok(ledger.checkpoint(&key, now())?)
}

fn init(place: &Place, origin: &str, country: &str) -> Result<ExitCode> {
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

fn append(place: &Place, file: &Path, org: &str) -> Result<ExitCode> {
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
            Err(critmin_ledger::AppendError::Rejected(r)) => {
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

/// Refuses a lot the viewer may not read, with the same message as for an unknown lot, so a
/// refusal does not reveal that the lot exists.
fn readable(ledger: &Ledger<AnyLog>, viewer: &Viewer, lot: &str) -> Result<LotId> {
    let id = LotId(lot.to_owned());
    if ledger.state().may_read_lot(viewer, &id) {
        Ok(id)
    } else {
        bail!("unknown lot `{lot}`")
    }
}

/// The local operator (the default viewer) sees every entry.
fn is_local_operator(viewer: &Viewer) -> bool {
    matches!(viewer, Viewer::Org(o) if o.as_str() == "operator")
}

fn show(place: &Place, viewer: &Viewer, lot: Option<&str>, format: Format) -> Result<ExitCode> {
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

fn groups_fn() -> Result<impl Fn(CountryCode) -> GroupSet> {
    let ds = critmin_data::load_embedded()?;
    Ok(move |c| ds.country(c).map_or(GroupSet::EMPTY, |k| k.groups))
}

fn lot_view(ledger: &Ledger<AnyLog>, viewer: &Viewer, lot: &str, view: View) -> Result<Vec<ElementProvenance>> {
    let graph = ledger.state().graph();
    let id = readable(ledger, viewer, lot)?;
    match view {
        View::Physical => provenance(graph, &id),
        View::MassBalance => mass_balance_view(graph, &id),
    }
    .ok_or_else(|| anyhow!("unknown lot `{lot}`"))
}

fn provenance_cmd(
    place: &Place,
    viewer: &Viewer,
    lot: &str,
    partners: &str,
    view: View,
    format: Format,
) -> Result<ExitCode> {
    let partner: Group = partners.parse()?;
    let ledger = open(place)?;
    let elements = lot_view(&ledger, viewer, lot, view)?;
    let groups = groups_fn()?;
    let spec_view = match view {
        View::Physical => critmin_ledger::spec::View::Physical,
        View::MassBalance => critmin_ledger::spec::View::MassBalance,
    };
    let records = critmin_ledger::spec::share_rows(&elements, partner, spec_view, &groups);
    emit(format, &records, || {
        let mut t = Table::new(&["element", "contained kg>", "measure", "share>", "exact"]);
        t.title = Some(format!(
            "provenance of {lot} ({} view, shares of contained element)",
            view_name(view)
        ));
        for r in &records {
            t.row(vec![
                r.element.clone(),
                format!("{:.3}", r.contained_kg),
                r.measure.clone(),
                pct(r.share),
                r.exact.clone(),
            ]);
        }
        t
    })?;
    Ok(ExitCode::SUCCESS)
}

fn view_name(view: View) -> &'static str {
    match view {
        View::Physical => "physical",
        View::MassBalance => "mass-balance",
    }
}

#[derive(Serialize)]
struct ClaimRecord {
    lot: String,
    rule: String,
    date: String,
    verdict: Verdict,
    element: String,
    measure: String,
    share: f64,
    required: String,
    pass: bool,
}

#[allow(clippy::too_many_arguments)]
fn claim(
    place: &Place,
    viewer: &Viewer,
    lot: &str,
    rule: &str,
    date: Option<&str>,
    view: View,
    format: Format,
) -> Result<ExitCode> {
    let packs = embedded_rule_packs();
    let pack = packs.iter().find(|p| p.id == rule).ok_or_else(|| {
        anyhow!(
            "unknown rule `{rule}`; expected one of: {}",
            packs.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
        )
    })?;
    let date: Date = match date {
        Some(d) => d.parse().map_err(|e: String| anyhow!(e))?,
        None => Date::from_unix(now()),
    };
    let ledger = open(place)?;
    let elements = lot_view(&ledger, viewer, lot, view)?;
    let outcome = evaluate(pack, &elements, date, &groups_fn()?);
    let records: Vec<ClaimRecord> = outcome
        .checks
        .iter()
        .map(|c| ClaimRecord {
            lot: lot.to_owned(),
            rule: outcome.rule.clone(),
            date: date.to_string(),
            verdict: outcome.verdict,
            element: c.element.clone(),
            measure: c.measure.clone(),
            share: to_f64(&c.share),
            required: format!("{} {}", if c.is_minimum { ">=" } else { "=" }, pct(to_f64(&c.required))),
            pass: c.pass,
        })
        .collect();
    let verdict = match outcome.verdict {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::NotApplicable => "NOT APPLICABLE",
    };
    emit(format, &records, || {
        let mut t = Table::new(&["element", "measure", "share>", "required>", "pass"]);
        t.title = Some(format!(
            "{verdict}: {lot} against {} on {date} ({} view)",
            pack.title,
            view_name(view)
        ));
        for r in &records {
            t.row(vec![
                r.element.clone(),
                r.measure.clone(),
                pct(r.share),
                r.required.clone(),
                if r.pass { "yes" } else { "no" }.into(),
            ]);
        }
        t.footer.extend(outcome.notes.iter().map(|n| format!("note: {n}")));
        t.footer.push(format!("basis: {}", pack.basis));
        t
    })?;
    if !matches!(format, Format::Table) {
        eprintln!("{verdict}");
    }
    Ok(if outcome.verdict == Verdict::Pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[derive(Serialize)]
struct SourceRecord {
    rule: String,
    figures: String,
    url: String,
    verified: String,
}

fn rules(format: Format) -> Result<ExitCode> {
    let packs = embedded_rule_packs();
    let records: Vec<SourceRecord> = packs
        .iter()
        .flat_map(|p| {
            p.sources.iter().map(|s| SourceRecord {
                rule: p.id.clone(),
                figures: s.figures.clone(),
                url: s.url.clone(),
                verified: s.verified.clone(),
            })
        })
        .collect();
    emit(format, &records, || {
        let mut t = Table::new(&["rule", "figures", "source", "verified"]);
        for r in &records {
            t.row(vec![
                r.rule.clone(),
                r.figures.clone(),
                r.url.clone(),
                r.verified.clone(),
            ]);
        }
        t
    })?;
    Ok(ExitCode::SUCCESS)
}

fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn latest_size(ledger: &Ledger<AnyLog>, size: Option<u64>) -> Result<u64> {
    match size {
        Some(s) => Ok(s),
        None => ledger
            .latest_checkpoint()
            .map(|c| c.size)
            .ok_or_else(|| anyhow!("no checkpoint yet")),
    }
}

fn proof(place: &Place, cmd: &ProofCommand) -> Result<ExitCode> {
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

fn export(place: &Place, viewer: &Viewer, lot: &str, out: &Path, passport_path: Option<&Path>) -> Result<ExitCode> {
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
        let doc = critmin_ledger::passport::passport(
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

fn verify(path: &Path, log_key: Option<&str>) -> Result<ExitCode> {
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
