//! Durable storage behind a small trait, so the project's store (SQLite/PostgreSQL, server
//! issue) can take over later. [`FileStore`] is the ledger's own format until then.
//!
//! Durability invariants of [`FileStore`]:
//! 1. `append` returns `Ok` only after the records are written and `fdatasync`ed: an
//!    acknowledged record survives a crash.
//! 2. Records are framed `[u32 length][4-byte SHA-256 prefix of the record][record]`; on open
//!    the file is read up to the first incomplete or damaged frame and cut there, so a crash
//!    mid-write leaves the longest valid prefix — every acknowledged record and possibly some
//!    that were written but not acknowledged.
//! 3. Any write or sync error stops the store for good: it never acknowledges again (after a
//!    failed fsync the kernel may have dropped the dirty pages, so retrying could report success
//!    for data that is gone — the PostgreSQL "fsyncgate" lesson). Reopen to recover.
//! 4. One writer at a time: an exclusive lock on `LOCK` in the directory.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Largest record a store accepts, in bytes.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// The two append-only streams of a ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Signed entries (the Merkle leaves).
    Entries,
    /// Signed checkpoints.
    Checkpoints,
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An IO error; the store has stopped.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// The store stopped after an earlier write or sync error.
    #[error("the store stopped after an earlier write or sync error ({0}); reopen the ledger to recover")]
    Stopped(String),
    /// Another process holds the ledger.
    #[error("{0}: the ledger is open in another process")]
    Locked(PathBuf),
    /// A record is too large.
    #[error("record of {0} bytes is larger than {MAX_RECORD_BYTES}")]
    TooLarge(usize),
    /// Another storage backend (a database) failed; the store has stopped.
    #[error("{0}")]
    Backend(String),
}

/// Append-only durable storage of the ledger's two streams.
pub trait LogStore {
    /// Every record durably in `stream`, in order.
    fn read_all(&mut self, stream: Stream) -> Result<Vec<Vec<u8>>, StoreError>;
    /// Appends records to `stream`; returns only once they are durable.
    fn append(&mut self, stream: Stream, records: &[Vec<u8>]) -> Result<(), StoreError>;
}

impl<T: LogStore + ?Sized> LogStore for Box<T> {
    fn read_all(&mut self, stream: Stream) -> Result<Vec<Vec<u8>>, StoreError> {
        (**self).read_all(stream)
    }
    fn append(&mut self, stream: Stream, records: &[Vec<u8>]) -> Result<(), StoreError> {
        (**self).append(stream, records)
    }
}

type SyncFn = fn(&File) -> io::Result<()>;

struct StreamFile {
    path: PathBuf,
    file: File,
}

/// The ledger's own file format: `entries.log` and `checkpoints.log` in one directory.
pub struct FileStore {
    dir: PathBuf,
    entries: StreamFile,
    checkpoints: StreamFile,
    _lock: File,
    stopped: Option<String>,
    sync: SyncFn,
    /// Bytes cut from the ends of the files on open (torn writes of a crash).
    pub recovered_bytes: u64,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("dir", &self.dir)
            .field("stopped", &self.stopped)
            .finish()
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

fn check(record: &[u8]) -> [u8; 4] {
    let d = Sha256::digest(record);
    [d[0], d[1], d[2], d[3]]
}

/// Frames one record.
fn frame(record: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(record.len() as u32).to_le_bytes());
    out.extend_from_slice(&check(record));
    out.extend_from_slice(record);
}

/// Splits framed bytes into records, stopping at the first incomplete or damaged frame;
/// returns the records and the length of the valid prefix.
pub fn unframe(bytes: &[u8]) -> (Vec<Vec<u8>>, usize) {
    let mut records = Vec::new();
    let mut at = 0;
    while bytes.len() - at >= 8 {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        if len > MAX_RECORD_BYTES || bytes.len() - at - 8 < len {
            break;
        }
        let record = &bytes[at + 8..at + 8 + len];
        if check(record) != bytes[at + 4..at + 8] {
            break;
        }
        records.push(record.to_vec());
        at += 8 + len;
    }
    (records, at)
}

impl StreamFile {
    fn open(path: PathBuf) -> Result<StreamFile, StoreError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_err(&path))?;
        Ok(StreamFile { path, file })
    }

    /// Reads the valid prefix, cuts anything after it (durably) and leaves the cursor at the end.
    fn recover(&mut self) -> Result<(Vec<Vec<u8>>, u64), StoreError> {
        let mut bytes = Vec::new();
        self.file.seek(SeekFrom::Start(0)).map_err(io_err(&self.path))?;
        self.file.read_to_end(&mut bytes).map_err(io_err(&self.path))?;
        let (records, valid) = unframe(&bytes);
        let cut = (bytes.len() - valid) as u64;
        if cut > 0 {
            self.file.set_len(valid as u64).map_err(io_err(&self.path))?;
            self.file.sync_all().map_err(io_err(&self.path))?;
        }
        self.file.seek(SeekFrom::End(0)).map_err(io_err(&self.path))?;
        Ok((records, cut))
    }
}

impl FileStore {
    /// Opens (creating if needed) the store in `dir`, recovering each stream to its longest
    /// valid prefix.
    pub fn open(dir: &Path) -> Result<FileStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let lock_path = dir.join("LOCK");
        let lock = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::Locked(dir.to_owned())),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(StoreError::Io {
                    path: lock_path,
                    source: e,
                });
            }
        }
        let entries = StreamFile::open(dir.join("entries.log"))?;
        let checkpoints = StreamFile::open(dir.join("checkpoints.log"))?;
        // Make the new files' names durable too.
        File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))?;
        Ok(FileStore {
            dir: dir.to_owned(),
            entries,
            checkpoints,
            _lock: lock,
            stopped: None,
            sync: File::sync_data,
            recovered_bytes: 0,
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Replaces the sync call (tests inject failures with it).
    #[doc(hidden)]
    pub fn set_sync_for_tests(&mut self, sync: fn(&File) -> io::Result<()>) {
        self.sync = sync;
    }

    fn stream(&mut self, stream: Stream) -> &mut StreamFile {
        match stream {
            Stream::Entries => &mut self.entries,
            Stream::Checkpoints => &mut self.checkpoints,
        }
    }
}

impl LogStore for FileStore {
    fn read_all(&mut self, stream: Stream) -> Result<Vec<Vec<u8>>, StoreError> {
        let (records, cut) = self.stream(stream).recover()?;
        self.recovered_bytes += cut;
        Ok(records)
    }

    fn append(&mut self, stream: Stream, records: &[Vec<u8>]) -> Result<(), StoreError> {
        if let Some(why) = &self.stopped {
            return Err(StoreError::Stopped(why.clone()));
        }
        let mut buf = Vec::with_capacity(records.iter().map(|r| r.len() + 8).sum());
        for r in records {
            if r.len() > MAX_RECORD_BYTES {
                return Err(StoreError::TooLarge(r.len()));
            }
            frame(r, &mut buf);
        }
        let sync = self.sync;
        let s = self.stream(stream);
        let result = s.file.write_all(&buf).and_then(|()| sync(&s.file));
        if let Err(e) = result {
            let err = StoreError::Io {
                path: s.path.clone(),
                source: e,
            };
            self.stopped = Some(err.to_string());
            return Err(err);
        }
        Ok(())
    }
}

/// A store in memory (nothing durable): for tests, benchmarks of the logic, and fuzzing.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Vec<Vec<u8>>,
    checkpoints: Vec<Vec<u8>>,
}

impl LogStore for MemoryStore {
    fn read_all(&mut self, stream: Stream) -> Result<Vec<Vec<u8>>, StoreError> {
        Ok(match stream {
            Stream::Entries => self.entries.clone(),
            Stream::Checkpoints => self.checkpoints.clone(),
        })
    }

    fn append(&mut self, stream: Stream, records: &[Vec<u8>]) -> Result<(), StoreError> {
        match stream {
            Stream::Entries => self.entries.extend_from_slice(records),
            Stream::Checkpoints => self.checkpoints.extend_from_slice(records),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_tails_are_cut_to_the_last_whole_record() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut s = FileStore::open(dir.path()).unwrap();
            s.append(Stream::Entries, &[b"one".to_vec(), b"two".to_vec()]).unwrap();
        }
        let path = dir.path().join("entries.log");
        let whole = std::fs::read(&path).unwrap();
        // Every possible torn write of a third record, and garbage.
        let mut third = Vec::new();
        frame(b"three", &mut third);
        for cut in 0..third.len() {
            let mut bytes = whole.clone();
            bytes.extend_from_slice(&third[..cut]);
            std::fs::write(&path, &bytes).unwrap();
            let mut s = FileStore::open(dir.path()).unwrap();
            assert_eq!(
                s.read_all(Stream::Entries).unwrap(),
                vec![b"one".to_vec(), b"two".to_vec()]
            );
            assert_eq!(s.recovered_bytes, cut as u64);
            assert_eq!(std::fs::read(&path).unwrap(), whole);
        }
        let mut bytes = whole.clone();
        bytes[whole.len() - 1] ^= 1; // damage the last record
        std::fs::write(&path, &bytes).unwrap();
        let mut s = FileStore::open(dir.path()).unwrap();
        assert_eq!(s.read_all(Stream::Entries).unwrap(), vec![b"one".to_vec()]);
    }

    #[test]
    fn a_failed_sync_stops_the_store_for_good() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::open(dir.path()).unwrap();
        s.append(Stream::Entries, &[b"ok".to_vec()]).unwrap();
        s.set_sync_for_tests(|_| Err(io::Error::other("injected EIO")));
        assert!(matches!(
            s.append(Stream::Entries, &[b"lost".to_vec()]),
            Err(StoreError::Io { .. })
        ));
        s.set_sync_for_tests(File::sync_data);
        assert!(matches!(
            s.append(Stream::Entries, &[b"later".to_vec()]),
            Err(StoreError::Stopped(_))
        ));
    }

    #[test]
    fn a_second_writer_is_locked_out() {
        let dir = tempfile::tempdir().unwrap();
        let _first = FileStore::open(dir.path()).unwrap();
        assert!(matches!(FileStore::open(dir.path()), Err(StoreError::Locked(_))));
    }
}
