//! Where a ledger lives and what every command needs from it: the log (DIR's files or the
//! database of `--db`), the local key store in `DIR/keys`, signing and appending.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use critmin_ledger::checkpoint::Checkpoint;
use critmin_ledger::entry::{Signer, from_hex, to_hex};
use critmin_ledger::store::{FileStore, LogStore, StoreError, Stream};
use critmin_ledger::{Ledger, OrgId, SignedEntry};
use critmin_model::CountryCode;
use ed25519_dalek::SigningKey;

/// The log behind a ledger: the files in DIR, or the database given with `--db`.
pub(super) type AnyLog = Box<dyn LogStore>;

/// Where a ledger lives: its directory (keys, and the log unless `db` is given) and the
/// database of `--db`, if any. Passed down from `run` instead of held in a global.
#[derive(Debug, Clone, Copy)]
pub(super) struct Place<'a> {
    pub(super) dir: &'a Path,
    pub(super) db: Option<&'a str>,
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
pub(super) fn open_log(place: &Place) -> Result<AnyLog> {
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
pub(super) fn log_place(place: &Place) -> String {
    match place.db {
        Some(url) => url.to_owned(),
        None => place.dir.display().to_string(),
    }
}

/// Unix seconds now: the timestamp of new entries and checkpoints.
pub(super) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A country code as typed (any case).
pub(super) fn parse_country(s: &str) -> Result<CountryCode> {
    s.to_ascii_uppercase().parse().map_err(|e| anyhow!("{e}"))
}

/// Opens an existing ledger; refuses a place that holds none.
pub(super) fn open(place: &Place) -> Result<Ledger<AnyLog>> {
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

/// The key store's file for `org`.
pub(super) fn key_path(dir: &Path, org: &str) -> PathBuf {
    dir.join("keys").join(format!("{org}.key"))
}

/// A fresh signing key from the operating system's randomness.
pub(super) fn new_key() -> Result<SigningKey> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow!("no randomness for a new key: {e}"))?;
    Ok(SigningKey::from_bytes(&secret))
}

/// Stores `org`'s key (mode 0600, written whole or not at all).
pub(super) fn save_key(dir: &Path, org: &str, key: &SigningKey) -> Result<()> {
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

/// `org`'s key from the key store.
fn load_key(dir: &Path, org: &str) -> Result<SigningKey> {
    let path = key_path(dir, org);
    let text = std::fs::read_to_string(&path).with_context(|| format!("no key for `{org}` at {}", path.display()))?;
    let bytes: [u8; 32] = from_hex(text.trim())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow!("{}: expected 64 hex digits", path.display()))?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// A signer for `org` with its key from the key store and its next sequence number.
pub(super) fn signer(dir: &Path, ledger: &Ledger<AnyLog>, org: &str) -> Result<Signer> {
    let key = load_key(dir, org)?;
    let seq = ledger
        .state()
        .next_seq(&OrgId(org.to_owned()), &key.verifying_key().to_bytes())
        .unwrap_or(0);
    Ok(Signer::new(ledger.state().origin(), org, key, seq))
}

/// Appends one entry; a rejection is an error naming the kind of entry.
pub(super) fn append_one(ledger: &mut Ledger<AnyLog>, entry: SignedEntry) -> Result<u64> {
    let kind = entry.body.payload.kind();
    ledger.append(entry).map_err(|e| anyhow!("{kind}: {e}"))
}

/// The operator signs a checkpoint of the log as it is now.
pub(super) fn checkpoint(dir: &Path, ledger: &mut Ledger<AnyLog>) -> Result<Checkpoint> {
    let key = load_key(dir, "operator")?;
    Ok(ledger.checkpoint(&key, now())?)
}

/// Writes a file through a temporary file and a rename, so it is never half written.
pub(super) fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
