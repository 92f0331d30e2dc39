//! A load and crash-test writer: opens (or creates) a ledger in a directory, registers one
//! member per client thread with deterministic keys, and has every client append extraction
//! entries concurrently through the group committer while another thread asks for signed
//! checkpoints. Every acknowledgement is printed as it happens, so a test that kills this
//! process with SIGKILL knows exactly which entries and checkpoints were acknowledged:
//!
//! ```text
//! ACK <leaf index> <leaf hash hex>
//! CKPT <tree size> <root hash hex>
//! DONE <entries> <seconds>
//! ```
//!
//! Usage: `critmin-ledger-writer DIR [--clients N] [--entries N (per client; 0 = forever)]
//! [--checkpoint-ms N (0 = none)] [--quiet]`. Used by the durability test and by `bench/ledger`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use critmin_ledger::entry::{Grade, LotSpec, Payload, Signer};
use critmin_ledger::store::FileStore;
use critmin_ledger::writer::Committer;
use critmin_ledger::{Ledger, LotId, OrgId, Role};
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

const ORIGIN: &str = "critmin-writer-log";
const TIMESTAMP: i64 = 1_780_272_000;

struct Options {
    dir: PathBuf,
    clients: usize,
    entries: u64,
    checkpoint_ms: u64,
    quiet: bool,
}

fn parse() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut o = Options {
        dir: PathBuf::new(),
        clients: 4,
        entries: 0,
        checkpoint_ms: 5,
        quiet: false,
    };
    let mut dir = None;
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match a.as_str() {
            "--clients" => o.clients = value("--clients")?.clamp(1, 1024) as usize,
            "--entries" => o.entries = value("--entries")?,
            "--checkpoint-ms" => o.checkpoint_ms = value("--checkpoint-ms")?,
            "--quiet" => o.quiet = true,
            _ if dir.is_none() && !a.starts_with('-') => dir = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument `{a}`")),
        }
    }
    o.dir = dir.ok_or("usage: critmin-ledger-writer DIR [--clients N] [--entries N] [--checkpoint-ms N] [--quiet]")?;
    Ok(o)
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&Sha256::digest(name.as_bytes()).into())
}

fn hex(b: &[u8]) -> String {
    critmin_ledger::entry::to_hex(b)
}

fn say(line: String) {
    let mut out = std::io::stdout().lock();
    // A closed pipe means the reader is gone; the writer has nothing left to report to.
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

fn main() {
    let o = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&o) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(o: &Options) -> Result<(), String> {
    let store = FileStore::open(&o.dir).map_err(|e| e.to_string())?;
    let mut ledger = Ledger::open(store).map_err(|e| e.to_string())?;
    let op_key = key("writer-operator");
    let seq = |l: &Ledger<FileStore>, org: &str, k: &SigningKey| {
        l.state()
            .next_seq(&OrgId(org.into()), &k.verifying_key().to_bytes())
            .unwrap_or(0)
    };
    let mut operator = Signer::new(ORIGIN, "operator", op_key.clone(), seq(&ledger, "operator", &op_key));
    let register = |op: &mut Signer, org: &str, role: Role, k: &SigningKey| {
        op.sign(
            Payload::RegisterOrg {
                org: OrgId(org.into()),
                role,
                name: org.into(),
                country: "AUS".parse().expect("valid"),
                key: k.verifying_key().to_bytes(),
            },
            TIMESTAMP,
        )
    };
    if ledger.size() == 0 {
        let e = register(&mut operator, "operator", Role::Operator, &op_key);
        ledger.append(e).map_err(|e| e.to_string())?;
    }
    let mut clients = Vec::new();
    for i in 0..o.clients {
        let org = format!("miner-{i}");
        let k = key(&org);
        if ledger.state().org(&OrgId(org.clone())).is_none() {
            let e = register(&mut operator, &org, Role::Member, &k);
            ledger.append(e).map_err(|e| e.to_string())?;
        }
        let next = seq(&ledger, &org, &k);
        clients.push(Signer::new(ORIGIN, &org, k, next));
    }
    let (committer, handle) = Committer::spawn(ledger);
    let done = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let checkpointer = (o.checkpoint_ms > 0).then(|| {
        let committer = committer.clone();
        let done = done.clone();
        let period = Duration::from_millis(o.checkpoint_ms);
        let quiet = o.quiet;
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(period);
                match committer.checkpoint(&op_key, TIMESTAMP) {
                    Ok(c) if !quiet => say(format!("CKPT {} {}", c.size, hex(&c.root))),
                    Ok(_) => {}
                    Err(e) => {
                        eprintln!("error: checkpoint: {e}");
                        std::process::exit(1);
                    }
                }
            }
        })
    });
    let total: u64 = std::thread::scope(|s| {
        let workers: Vec<_> = clients
            .into_iter()
            .map(|mut signer| {
                let committer = committer.clone();
                s.spawn(move || {
                    let mut n = 0u64;
                    while o.entries == 0 || n < o.entries {
                        let lot = LotSpec {
                            id: LotId(format!("{}-{}", signer.org, signer.next_seq)),
                            form: "ore".into(),
                            mass_g: 1_000 + n,
                            grades: vec![Grade {
                                element: "cobalt".into(),
                                ppm: 10_000,
                            }],
                            country: "AUS".parse().expect("valid"),
                        };
                        let entry = signer.sign(
                            Payload::Extract {
                                lot,
                                site: "test pit".into(),
                            },
                            TIMESTAMP,
                        );
                        let leaf = critmin_merkle::leaf_hash(&entry.encode());
                        match committer.append(entry) {
                            Ok(index) if !o.quiet => say(format!("ACK {index} {}", hex(&leaf))),
                            Ok(_) => {}
                            Err(e) => {
                                eprintln!("error: append: {e}");
                                std::process::exit(1);
                            }
                        }
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("client thread")).sum()
    });
    let elapsed = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    if let Some(c) = checkpointer {
        c.join().map_err(|_| "checkpoint thread panicked")?;
    }
    drop(committer);
    let ledger = handle.join().map_err(|_| "ledger thread panicked")?;
    say(format!("DONE {total} {elapsed:.3} size {}", ledger.size()));
    Ok(())
}
