//! The chain-of-custody ledger's log in the project's database: [`SqlLogStore`] implements
//! `critmin_ledger::store::LogStore` over the tables of `0004_ledger.sql`, and API keys are bound
//! to ledger organisations ([`Store::create_ledger_key`], [`Store::ledger_org_of_key`]).
//!
//! Durability and exclusion, as the ledger's own `FileStore` promises them:
//! 1. `append` returns `Ok` only after the transaction holding the whole batch committed
//!    (SQLite in WAL with `synchronous=FULL`; PostgreSQL's durable commit): an acknowledged
//!    record survives a crash, and a batch is stored whole or not at all.
//! 2. Records are numbered by their position in the stream (`idx`, the primary key): a record
//!    can neither be stored twice nor leave a gap; `read_all` refuses a stream with a gap.
//! 3. Any database error stops the store for good (a failed commit may or may not have
//!    happened): reopen the ledger to recover from what the database holds.
//! 4. One writer at a time: an exclusive lock on the file `DB.ledger-lock` beside a SQLite
//!    database, a session advisory lock on PostgreSQL (released by the server when the
//!    writer's connection dies, so a killed writer does not keep the log locked).
//!
//! The trait is synchronous (the ledger is plain library code); its calls block on the async
//! pool through a runtime handle, so they must run outside the runtime's worker threads
//! (`tokio::task::spawn_blocking`, or a thread of one's own).

use std::fs::{File, OpenOptions};
use std::path::PathBuf;

use critmin_ledger::entry::from_hex;
use critmin_ledger::store::{LogStore, StoreError as LogError, Stream};
use sqlx::{AnyConnection, Connection, Row};
use tokio::runtime::Handle;

use crate::keys::{CreatedKey, Role};
use crate::{Backend, Store, StoreError, hex, now_ms};

/// Key of the PostgreSQL advisory lock held by the ledger's writer ("CMLEDGER" in ASCII).
pub const POSTGRES_LOCK_KEY: i64 = 0x434d_4c45_4447_4552;

/// What keeps other writers out while a [`SqlLogStore`] is open.
enum WriterLock {
    /// An exclusive `flock` on the lock file beside the SQLite database.
    File(#[allow(dead_code)] File),
    /// The connection that holds the PostgreSQL session advisory lock (in a mutex only so that
    /// the store is `Sync`; nothing uses it).
    Postgres(#[allow(dead_code)] std::sync::Mutex<AnyConnection>),
}

/// The ledger's two streams in SQL tables (see the module documentation).
pub struct SqlLogStore {
    store: Store,
    handle: Handle,
    /// Next `idx` of each stream: entries, checkpoints.
    next: [i64; 2],
    stopped: Option<String>,
    _lock: WriterLock,
}

impl std::fmt::Debug for SqlLogStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlLogStore")
            .field("backend", &self.store.backend)
            .field("next", &self.next)
            .field("stopped", &self.stopped)
            .finish()
    }
}

/// The SQL of one stream: its table, count, read and insert statements, and its slot.
struct Table {
    name: &'static str,
    count: &'static str,
    read: &'static str,
    insert: &'static str,
    slot: usize,
}

fn table(stream: Stream) -> Table {
    match stream {
        Stream::Entries => Table {
            name: "ledger_entries",
            count: "SELECT COUNT(*) FROM ledger_entries",
            read: "SELECT idx, entry_hex FROM ledger_entries ORDER BY idx",
            insert: "INSERT INTO ledger_entries (idx, entry_hex, appended_at_ms) VALUES ($1, $2, $3)",
            slot: 0,
        },
        Stream::Checkpoints => Table {
            name: "ledger_checkpoints",
            count: "SELECT COUNT(*) FROM ledger_checkpoints",
            read: "SELECT idx, checkpoint_hex FROM ledger_checkpoints ORDER BY idx",
            insert: "INSERT INTO ledger_checkpoints (idx, checkpoint_hex, appended_at_ms) VALUES ($1, $2, $3)",
            slot: 1,
        },
    }
}

fn backend_err(e: impl std::fmt::Display) -> LogError {
    LogError::Backend(format!("database: {e}"))
}

impl SqlLogStore {
    /// Opens the ledger's log in `store`, taking the writer lock (fails with
    /// [`LogError::Locked`] when another process writes the log). Call it inside the runtime
    /// whose handle the store's calls will block on.
    pub async fn open(store: &Store) -> Result<SqlLogStore, LogError> {
        let lock = match store.backend {
            Backend::Sqlite => {
                let row = sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_one(&store.pool)
                    .await
                    .map_err(backend_err)?;
                let file: String = row.try_get(0).map_err(backend_err)?;
                if file.is_empty() {
                    return Err(LogError::Backend(
                        "the ledger needs a SQLite file, not an in-memory database".into(),
                    ));
                }
                let path = PathBuf::from(format!("{file}.ledger-lock"));
                let f = OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(&path)
                    .map_err(|source| LogError::Io {
                        path: path.clone(),
                        source,
                    })?;
                match f.try_lock() {
                    Ok(()) => WriterLock::File(f),
                    Err(std::fs::TryLockError::WouldBlock) => return Err(LogError::Locked(path)),
                    Err(std::fs::TryLockError::Error(source)) => return Err(LogError::Io { path, source }),
                }
            }
            Backend::Postgres => {
                let mut conn = store.pool.acquire().await.map_err(backend_err)?.detach();
                let row = sqlx::query("SELECT pg_try_advisory_lock($1)")
                    .bind(POSTGRES_LOCK_KEY)
                    .fetch_one(&mut conn)
                    .await
                    .map_err(backend_err)?;
                let got: bool = row.try_get(0).map_err(backend_err)?;
                if !got {
                    let _ = conn.close().await;
                    return Err(LogError::Locked(PathBuf::from(format!(
                        "PostgreSQL advisory lock {POSTGRES_LOCK_KEY}"
                    ))));
                }
                WriterLock::Postgres(std::sync::Mutex::new(conn))
            }
        };
        let mut next = [0i64; 2];
        for stream in [Stream::Entries, Stream::Checkpoints] {
            let t = table(stream);
            let row = sqlx::query(t.count).fetch_one(&store.pool).await.map_err(backend_err)?;
            next[t.slot] = row.try_get::<i64, _>(0).map_err(backend_err)?;
        }
        Ok(SqlLogStore {
            store: store.clone(),
            handle: Handle::current(),
            next,
            stopped: None,
            _lock: lock,
        })
    }

    async fn read(&self, stream: Stream) -> Result<Vec<Vec<u8>>, LogError> {
        let Table { name, read, .. } = table(stream);
        let rows = sqlx::query(read)
            .fetch_all(&self.store.pool)
            .await
            .map_err(backend_err)?;
        let mut records = Vec::with_capacity(rows.len());
        for (position, row) in rows.iter().enumerate() {
            let idx: i64 = row.try_get(0).map_err(backend_err)?;
            if idx != position as i64 {
                return Err(LogError::Backend(format!(
                    "{name}: record {position} is stored with index {idx} (a gap: the table was edited)"
                )));
            }
            let text: String = row.try_get(1).map_err(backend_err)?;
            let bytes = from_hex(&text)
                .ok_or_else(|| LogError::Backend(format!("{name}: record {idx} is not hex (the table was edited)")))?;
            records.push(bytes);
        }
        Ok(records)
    }

    async fn write(&self, stream: Stream, first: i64, records: &[Vec<u8>]) -> Result<(), sqlx::Error> {
        let sql = table(stream).insert;
        let at = now_ms();
        let mut tx = self.store.pool.begin().await?;
        for (i, r) in records.iter().enumerate() {
            sqlx::query(sql)
                .bind(first + i as i64)
                .bind(hex(r))
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }
}

impl LogStore for SqlLogStore {
    fn read_all(&mut self, stream: Stream) -> Result<Vec<Vec<u8>>, LogError> {
        let records = self.handle.clone().block_on(self.read(stream))?;
        self.next[table(stream).slot] = records.len() as i64;
        Ok(records)
    }

    fn append(&mut self, stream: Stream, records: &[Vec<u8>]) -> Result<(), LogError> {
        if let Some(why) = &self.stopped {
            return Err(LogError::Stopped(why.clone()));
        }
        if records.is_empty() {
            return Ok(());
        }
        if let Some(r) = records
            .iter()
            .find(|r| r.len() > critmin_ledger::store::MAX_RECORD_BYTES)
        {
            return Err(LogError::TooLarge(r.len()));
        }
        let i = table(stream).slot;
        let first = self.next[i];
        match self.handle.clone().block_on(self.write(stream, first, records)) {
            Ok(()) => {
                self.next[i] += records.len() as i64;
                Ok(())
            }
            Err(e) => {
                let err = backend_err(e);
                self.stopped = Some(err.to_string());
                Err(err)
            }
        }
    }
}

impl Store {
    /// Creates an API key with `role` that speaks for the ledger organisation `org` (one
    /// transaction: the key and its binding, or nothing).
    pub async fn create_ledger_key(&self, role: Role, label: &str, org: &str) -> Result<CreatedKey, StoreError> {
        let mut tx = self.pool.begin().await?;
        let created = crate::keys::insert_key(&mut *tx, role, label).await?;
        sqlx::query("INSERT INTO ledger_key_orgs (key_id, org) VALUES ($1, $2)")
            .bind(&created.key.id)
            .bind(org)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// The ledger organisation an API key speaks for, if it is bound to one.
    pub async fn ledger_org_of_key(&self, key_id: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT org FROM ledger_key_orgs WHERE key_id = $1")
            .bind(key_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }

    /// Number of entries in the ledger's log as the database holds it.
    pub async fn ledger_entry_count(&self) -> Result<i64, StoreError> {
        let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ledger_entries")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.0)
    }

    /// Number of checkpoints stored.
    pub async fn ledger_checkpoint_count(&self) -> Result<i64, StoreError> {
        let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ledger_checkpoints")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_odd_or_non_hex_text() {
        let bytes = vec![0u8, 1, 0xab, 0xff];
        assert_eq!(from_hex(&hex(&bytes)).unwrap(), bytes);
        assert!(from_hex("abc").is_none());
        assert!(from_hex("zz").is_none());
    }
}
