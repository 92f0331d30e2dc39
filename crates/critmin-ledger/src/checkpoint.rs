//! Signed checkpoints: the log operator's signed statement of (origin, tree size, root hash,
//! time). The signed text follows the shape of a C2SP checkpoint note, with a version line:
//!
//! ```text
//! critmin-checkpoint/v1
//! <origin>
//! <tree size>
//! <root hash, base64>
//! <unix seconds>
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use critmin_merkle::Hash;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::codec::{DecodeError, Reader, Writer};
use crate::entry::{MAX_ID, PublicKey};

/// A signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Log origin.
    pub origin: String,
    /// Tree size.
    pub size: u64,
    /// Root hash of the first `size` leaves.
    pub root: Hash,
    /// Unix seconds.
    pub timestamp: i64,
    /// The operator key that signed.
    pub key: PublicKey,
    /// ed25519 signature over [`Checkpoint::note`].
    pub signature: [u8; 64],
}

/// Why a checkpoint signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("checkpoint signature does not verify under key {0}")]
pub struct CheckpointSignatureError(pub String);

impl Checkpoint {
    /// Signs a checkpoint.
    pub fn sign(origin: &str, size: u64, root: Hash, timestamp: i64, key: &SigningKey) -> Checkpoint {
        let note = note(origin, size, &root, timestamp);
        Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            timestamp,
            key: key.verifying_key().to_bytes(),
            signature: key.sign(note.as_bytes()).to_bytes(),
        }
    }

    /// The signed text.
    pub fn note(&self) -> String {
        note(&self.origin, self.size, &self.root, self.timestamp)
    }

    /// Checks the signature against the checkpoint's key.
    pub fn verify(&self) -> Result<(), CheckpointSignatureError> {
        let err = || CheckpointSignatureError(crate::entry::to_hex(&self.key));
        let key = VerifyingKey::from_bytes(&self.key).map_err(|_| err())?;
        key.verify(self.note().as_bytes(), &Signature::from_bytes(&self.signature))
            .map_err(|_| err())
    }

    /// Canonical bytes (the stored record).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.bytes(b"CMCP");
        w.str(&self.origin);
        w.u64(self.size);
        w.bytes(&self.root);
        w.i64(self.timestamp);
        w.bytes(&self.key);
        w.bytes(&self.signature);
        w.buf
    }

    /// Reads canonical bytes.
    pub fn decode(bytes: &[u8]) -> Result<Checkpoint, DecodeError> {
        let mut r = Reader::new(bytes);
        if r.take(4, "magic")? != b"CMCP" {
            return Err(DecodeError::Invalid {
                field: "magic",
                message: "not a critmin checkpoint".into(),
            });
        }
        let c = Checkpoint {
            origin: r.str("origin", MAX_ID)?,
            size: r.u64("size")?,
            root: r.array("root")?,
            timestamp: r.i64("timestamp")?,
            key: r.array("key")?,
            signature: r.array("signature")?,
        };
        r.finish()?;
        Ok(c)
    }
}

fn note(origin: &str, size: u64, root: &Hash, timestamp: i64) -> String {
    format!(
        "critmin-checkpoint/v1\n{origin}\n{size}\n{}\n{timestamp}\n",
        STANDARD.encode(root)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_checkpoints_round_trip_and_detect_changes() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let c = Checkpoint::sign("log", 10, [7; 32], 1_700_000_000, &key);
        c.verify().unwrap();
        assert_eq!(Checkpoint::decode(&c.encode()).unwrap(), c);
        let mut forged = c.clone();
        forged.size = 11;
        assert!(forged.verify().is_err());
        assert!(c.note().starts_with("critmin-checkpoint/v1\nlog\n10\n"));
    }
}
