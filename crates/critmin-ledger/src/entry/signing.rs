//! ed25519 over a domain-separated message: signing a body, checking a signature against the
//! entry's own key, and [`Signer`], an organisation's key with its next sequence number.

use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier, VerifyingKey};

use super::{EntryBody, OrgId, Payload, PublicKey, SIGNING_CONTEXT, SignedEntry};

/// An entry whose signature has been checked against its own key (whether the key belongs to
/// the organisation is the ledger state's business).
#[derive(Debug, Clone)]
pub struct VerifiedEntry(SignedEntry);

impl VerifiedEntry {
    /// The entry.
    pub fn entry(&self) -> &SignedEntry {
        &self.0
    }
    /// Gives the entry back.
    pub fn into_inner(self) -> SignedEntry {
        self.0
    }
}

/// Why a signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The key bytes are not a valid ed25519 point.
    #[error("signer key is not a valid ed25519 public key")]
    BadKey,
    /// The signature does not verify.
    #[error("signature does not verify under the signer key")]
    BadSignature,
}

/// The message an entry's signature covers.
pub fn signing_message(body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(SIGNING_CONTEXT.len() + body.len());
    m.extend_from_slice(SIGNING_CONTEXT);
    m.extend_from_slice(body);
    m
}

impl EntryBody {
    /// Signs the body.
    pub fn sign(self, key: &SigningKey) -> SignedEntry {
        let message = signing_message(&self.encode());
        SignedEntry {
            body: self,
            signature: key.sign(&message).to_bytes(),
        }
    }
}

impl SignedEntry {
    /// Checks the signature against the entry's own key.
    pub fn verify_signature(self) -> Result<VerifiedEntry, SignatureError> {
        let Ok(key) = VerifyingKey::from_bytes(&self.body.key) else {
            return Err(SignatureError::BadKey);
        };
        let message = signing_message(&self.body.encode());
        match key.verify(&message, &Signature::from_bytes(&self.signature)) {
            Ok(()) => Ok(VerifiedEntry(self)),
            Err(_) => Err(SignatureError::BadSignature),
        }
    }
}

/// An organisation's signing key with its next sequence number: builds signed entries.
#[derive(Debug, Clone)]
pub struct Signer {
    /// Log origin.
    pub origin: String,
    /// The organisation.
    pub org: OrgId,
    /// Its key.
    pub key: SigningKey,
    /// Sequence number of the next entry.
    pub next_seq: u64,
}

impl Signer {
    /// A signer whose next entry has sequence number `next_seq`.
    pub fn new(origin: &str, org: &str, key: SigningKey, next_seq: u64) -> Signer {
        Signer {
            origin: origin.to_owned(),
            org: OrgId(org.to_owned()),
            key,
            next_seq,
        }
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        self.key.verifying_key().to_bytes()
    }

    /// Signs `payload` as the next entry, stamped `timestamp`.
    pub fn sign(&mut self, payload: Payload, timestamp: i64) -> SignedEntry {
        let body = EntryBody {
            origin: self.origin.clone(),
            org: self.org.clone(),
            key: self.public_key(),
            seq: self.next_seq,
            timestamp,
            payload,
        };
        self.next_seq += 1;
        body.sign(&self.key)
    }
}
