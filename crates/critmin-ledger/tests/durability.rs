//! Crash safety: the real writer process (`critmin-ledger-writer`, four concurrent clients and
//! a checkpointer) is killed with SIGKILL at seeded random moments, again and again on the same
//! directory. After every kill the reopened log must hold every acknowledged entry unaltered at
//! its acknowledged index, must hold every acknowledged checkpoint, and every checkpoint must be
//! consistent (RFC 9162 consistency proof) with every earlier one.
//!
//! `CRITMIN_CRASH_ITERATIONS` (default 10) sets the number of kills; `CRITMIN_CRASH_SEED` the
//! seed of the kill points (a number of acknowledgements after which the writer is killed).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use critmin_ledger::Ledger;
use critmin_ledger::entry::to_hex;
use critmin_ledger::store::FileStore;
use critmin_merkle::{Hash, verify_consistency};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn acknowledged_entries_and_checkpoints_survive_sigkill() {
    let iterations = env_number("CRITMIN_CRASH_ITERATIONS", 10);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(env_number("CRITMIN_CRASH_SEED", 9162));
    let dir = tempfile::tempdir().unwrap();
    let mut acked: HashMap<u64, String> = HashMap::new();
    let mut checkpoints: Vec<(u64, Hash)> = Vec::new();
    let mut torn_recoveries = 0;

    for iteration in 0..iterations {
        let mut child = Command::new(env!("CARGO_BIN_EXE_critmin-ledger-writer"))
            .arg(dir.path())
            .args(["--clients", "4", "--checkpoint-ms", "10"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line.starts_with("CKPT"));
                lines.push(line);
            }
            lines
        });
        // Kill after a seeded random number of acknowledgements (and at least one checkpoint),
        // so every run is cut in the middle of concurrent appends and exercises the same amount
        // of work however slow or loaded the machine is: counting, not sleeping.
        let wanted_acks = 11 + rng.next_u64() % 40;
        let (mut acks, mut ckpts) = (0, 0);
        while acks < wanted_acks || ckpts == 0 {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(true) => ckpts += 1,
                Ok(false) => acks += 1,
                Err(_) => break,
            }
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        let lines = reader.join().unwrap();
        assert!(
            acks >= wanted_acks && ckpts > 0,
            "iteration {iteration}: the writer acknowledged {acks} of {wanted_acks} entries and {ckpts} \
             checkpoints before it went quiet for a minute"
        );
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(
            !stderr.contains("error"),
            "iteration {iteration}: writer failed ({status}): {stderr}"
        );

        let mut new_checkpoints = Vec::new();
        for line in &lines {
            let mut f = line.split(' ');
            match (f.next(), f.next(), f.next()) {
                (Some("ACK"), Some(i), Some(h)) => {
                    let i: u64 = i.parse().unwrap();
                    if let Some(old) = acked.insert(i, h.to_owned()) {
                        assert_eq!(old, h, "index {i} acknowledged twice with different entries");
                    }
                }
                (Some("CKPT"), Some(size), Some(root)) => {
                    new_checkpoints.push((size.parse::<u64>().unwrap(), root.to_owned()))
                }
                _ => panic!("iteration {iteration}: unexpected output `{line}`"),
            }
        }

        let store = FileStore::open(dir.path()).unwrap();
        torn_recoveries += u64::from(store.recovered_bytes > 0);
        let ledger = Ledger::open(store).unwrap_or_else(|e| panic!("iteration {iteration}: reopen failed: {e}"));
        for (i, h) in &acked {
            let leaf = ledger
                .tree()
                .leaf(*i)
                .unwrap_or_else(|| panic!("iteration {iteration}: acknowledged entry {i} lost"));
            assert_eq!(
                &to_hex(&leaf),
                h,
                "iteration {iteration}: acknowledged entry {i} altered"
            );
        }
        let stored: Vec<(u64, Hash)> = ledger.checkpoints().iter().map(|c| (c.size, c.root)).collect();
        for (size, root) in &new_checkpoints {
            assert!(
                stored.iter().any(|(s, r)| s == size && to_hex(r) == *root),
                "iteration {iteration}: acknowledged checkpoint of size {size} lost"
            );
        }
        // Every checkpoint stored now, old or new, against every one seen before.
        for (size, root) in &stored {
            for (earlier_size, earlier_root) in &checkpoints {
                let (a, b) = if earlier_size <= size {
                    ((*earlier_size, *earlier_root), (*size, *root))
                } else {
                    ((*size, *root), (*earlier_size, *earlier_root))
                };
                let proof = ledger.consistency_proof(a.0, b.0).unwrap();
                verify_consistency(a.0, b.0, &a.1, &b.1, &proof).unwrap_or_else(|e| {
                    panic!(
                        "iteration {iteration}: checkpoints {} and {} inconsistent: {e}",
                        a.0, b.0
                    )
                });
            }
        }
        for c in stored {
            if !checkpoints.contains(&c) {
                checkpoints.push(c);
            }
        }
    }
    assert!(
        acked.len() > 100,
        "the writer acknowledged only {} entries; the test exercised too little",
        acked.len()
    );
    assert!(checkpoints.len() > 2, "only {} checkpoints", checkpoints.len());
    eprintln!(
        "{iterations} kills: {} acknowledged entries, {} checkpoints, {torn_recoveries} torn tails cut on reopen",
        acked.len(),
        checkpoints.len()
    );
}
