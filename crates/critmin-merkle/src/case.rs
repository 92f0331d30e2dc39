//! Proof files: one inclusion or consistency case in JSON, in the shape of the public
//! `transparency-dev/merkle` test vectors (hashes in standard base64).
//!
//! - inclusion: `leafIdx`, `treeSize`, `root`, `leafHash`, `proof` (list or null);
//! - consistency: `size1`, `size2`, `root1`, `root2`, `proof` (list or null).
//!
//! `desc` and `wantErr` may be present and are ignored by verification. The two kinds are told
//! apart by their fields. Reading is bounded: at most [`MAX_FILE_BYTES`] of input and
//! [`MAX_PROOF_HASHES`] hashes, so a hostile file cannot make the reader allocate without limit.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::{Hash, ProofError, verify_consistency, verify_inclusion};

/// Largest proof file read, in bytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Most hashes a proof may hold: a tree of 2^64 leaves needs at most 64 (inclusion) or 128.
pub const MAX_PROOF_HASHES: usize = 130;

/// Why a proof file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("proof file is {0} bytes; at most {MAX_FILE_BYTES} are read")]
    TooLarge(usize),
    /// The file is not JSON of the expected shape.
    #[error("not a proof file: {0}")]
    Malformed(String),
    /// A hash is not valid base64.
    #[error("field `{field}`: not base64: {message}")]
    Base64 {
        /// The field.
        field: String,
        /// What the decoder said.
        message: String,
    },
    /// The proof has more than [`MAX_PROOF_HASHES`] hashes.
    #[error("proof has {0} hashes; at most {MAX_PROOF_HASHES} are accepted")]
    ProofTooLong(usize),
}

/// Why a well-formed case does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseInvalid {
    /// A hash is not 32 bytes long.
    #[error("`{field}` is {len} bytes, expected 32")]
    HashLength {
        /// The field.
        field: String,
        /// Its length.
        len: usize,
    },
    /// The proof itself does not verify.
    #[error(transparent)]
    Proof(#[from] ProofError),
}

/// One proof case as read from a file; hashes are kept as raw bytes, since a file may hold hashes
/// of the wrong length (which makes the proof invalid, not the file unreadable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofCase {
    /// Inclusion of a leaf in a tree.
    Inclusion {
        /// Leaf index, from 0.
        leaf_index: u64,
        /// Tree size.
        tree_size: u64,
        /// Expected root.
        root: Vec<u8>,
        /// Leaf hash.
        leaf_hash: Vec<u8>,
        /// Audit path.
        proof: Vec<Vec<u8>>,
    },
    /// Consistency of two tree sizes.
    Consistency {
        /// Size of the earlier tree.
        size1: u64,
        /// Size of the later tree.
        size2: u64,
        /// Root of the earlier tree.
        root1: Vec<u8>,
        /// Root of the later tree.
        root2: Vec<u8>,
        /// Consistency path.
        proof: Vec<Vec<u8>>,
    },
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InclusionJson {
    leaf_idx: u64,
    tree_size: u64,
    root: String,
    leaf_hash: String,
    proof: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    desc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    want_err: Option<bool>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ConsistencyJson {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    proof: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    desc: Option<String>,
    #[serde(default, rename = "wantErr", skip_serializing_if = "Option::is_none")]
    want_err: Option<bool>,
}

fn decode(field: &str, text: &str) -> Result<Vec<u8>, CaseError> {
    STANDARD.decode(text).map_err(|e| CaseError::Base64 {
        field: field.to_owned(),
        message: e.to_string(),
    })
}

fn decode_proof(proof: Option<Vec<String>>) -> Result<Vec<Vec<u8>>, CaseError> {
    let proof = proof.unwrap_or_default();
    if proof.len() > MAX_PROOF_HASHES {
        return Err(CaseError::ProofTooLong(proof.len()));
    }
    proof
        .iter()
        .enumerate()
        .map(|(i, p)| decode(&format!("proof[{i}]"), p))
        .collect()
}

fn encode_proof(proof: &[Vec<u8>]) -> Vec<String> {
    proof.iter().map(|p| STANDARD.encode(p)).collect()
}

fn to_hash(field: &str, bytes: &[u8]) -> Result<Hash, CaseInvalid> {
    bytes.try_into().map_err(|_| CaseInvalid::HashLength {
        field: field.to_owned(),
        len: bytes.len(),
    })
}

fn to_hashes(proof: &[Vec<u8>]) -> Result<Vec<Hash>, CaseInvalid> {
    proof
        .iter()
        .enumerate()
        .map(|(i, p)| to_hash(&format!("proof[{i}]"), p))
        .collect()
}

impl ProofCase {
    /// Reads a case from JSON bytes.
    pub fn parse(bytes: &[u8]) -> Result<ProofCase, CaseError> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(CaseError::TooLarge(bytes.len()));
        }
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| CaseError::Malformed(e.to_string()))?;
        let object = value
            .as_object()
            .ok_or_else(|| CaseError::Malformed("expected a JSON object".into()))?;
        if object.contains_key("leafIdx") {
            let c: InclusionJson = serde_json::from_value(value).map_err(|e| CaseError::Malformed(e.to_string()))?;
            Ok(ProofCase::Inclusion {
                leaf_index: c.leaf_idx,
                tree_size: c.tree_size,
                root: decode("root", &c.root)?,
                leaf_hash: decode("leafHash", &c.leaf_hash)?,
                proof: decode_proof(c.proof)?,
            })
        } else if object.contains_key("size1") {
            let c: ConsistencyJson = serde_json::from_value(value).map_err(|e| CaseError::Malformed(e.to_string()))?;
            Ok(ProofCase::Consistency {
                size1: c.size1,
                size2: c.size2,
                root1: decode("root1", &c.root1)?,
                root2: decode("root2", &c.root2)?,
                proof: decode_proof(c.proof)?,
            })
        } else {
            Err(CaseError::Malformed(
                "expected an inclusion case (leafIdx, treeSize, root, leafHash, proof) or a consistency case \
                 (size1, size2, root1, root2, proof)"
                    .into(),
            ))
        }
    }

    /// Writes the case as pretty JSON in the same shape it is read from.
    pub fn to_json(&self) -> String {
        let value = match self {
            ProofCase::Inclusion {
                leaf_index,
                tree_size,
                root,
                leaf_hash,
                proof,
            } => serde_json::to_value(InclusionJson {
                leaf_idx: *leaf_index,
                tree_size: *tree_size,
                root: STANDARD.encode(root),
                leaf_hash: STANDARD.encode(leaf_hash),
                proof: Some(encode_proof(proof)),
                desc: None,
                want_err: None,
            }),
            ProofCase::Consistency {
                size1,
                size2,
                root1,
                root2,
                proof,
            } => serde_json::to_value(ConsistencyJson {
                size1: *size1,
                size2: *size2,
                root1: STANDARD.encode(root1),
                root2: STANDARD.encode(root2),
                proof: Some(encode_proof(proof)),
                desc: None,
                want_err: None,
            }),
        };
        serde_json::to_string_pretty(&value.expect("plain structs serialize")).expect("values serialize")
    }

    /// Verifies the case (RFC 9162 §2.1.3.2 or §2.1.4.2).
    ///
    /// For equal consistency sizes the roots are compared and an empty proof required before
    /// any hash length is looked at, as the RFC's algorithm does.
    pub fn verify(&self) -> Result<(), CaseInvalid> {
        match self {
            ProofCase::Inclusion {
                leaf_index,
                tree_size,
                root,
                leaf_hash,
                proof,
            } => {
                let root = to_hash("root", root)?;
                let leaf = to_hash("leafHash", leaf_hash)?;
                verify_inclusion(*leaf_index, *tree_size, &leaf, &to_hashes(proof)?, &root)?;
            }
            ProofCase::Consistency {
                size1,
                size2,
                root1,
                root2,
                proof,
            } => {
                if size1 > size2 {
                    return Err(ProofError::SizesReversed {
                        first: *size1,
                        second: *size2,
                    }
                    .into());
                }
                if *size1 == 0 {
                    return Err(ProofError::FromEmptyTree { second: *size2 }.into());
                }
                if size1 == size2 {
                    if !proof.is_empty() {
                        return Err(ProofError::NotEmpty.into());
                    }
                    if root1 != root2 {
                        return Err(ProofError::RootMismatch.into());
                    }
                    return Ok(());
                }
                let r1 = to_hash("root1", root1)?;
                let r2 = to_hash("root2", root2)?;
                verify_consistency(*size1, *size2, &r1, &r2, &to_hashes(proof)?)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MerkleTree;

    #[test]
    fn generated_cases_round_trip_and_verify() {
        let mut t = MerkleTree::new();
        for i in 0..11u8 {
            t.push_entry(&[i]);
        }
        let inc = ProofCase::Inclusion {
            leaf_index: 4,
            tree_size: 9,
            root: t.root_at(9).unwrap().to_vec(),
            leaf_hash: t.leaf(4).unwrap().to_vec(),
            proof: t.inclusion_proof(4, 9).unwrap().iter().map(|h| h.to_vec()).collect(),
        };
        let con = ProofCase::Consistency {
            size1: 3,
            size2: 11,
            root1: t.root_at(3).unwrap().to_vec(),
            root2: t.root().to_vec(),
            proof: t.consistency_proof(3, 11).unwrap().iter().map(|h| h.to_vec()).collect(),
        };
        for case in [inc, con] {
            let back = ProofCase::parse(case.to_json().as_bytes()).unwrap();
            assert_eq!(back, case);
            back.verify().unwrap();
        }
    }

    #[test]
    fn unreadable_files_are_told_apart_from_invalid_proofs() {
        assert!(matches!(ProofCase::parse(b"[1]"), Err(CaseError::Malformed(_))));
        assert!(matches!(ProofCase::parse(b"{\"x\":1}"), Err(CaseError::Malformed(_))));
        let bad64 = br#"{"size1":1,"size2":2,"root1":"!!","root2":"","proof":[]}"#;
        assert!(matches!(ProofCase::parse(bad64), Err(CaseError::Base64 { .. })));
        let short = br#"{"leafIdx":0,"treeSize":1,"root":"AAAA","leafHash":"AAAA","proof":null}"#;
        let case = ProofCase::parse(short).unwrap();
        assert!(matches!(case.verify(), Err(CaseInvalid::HashLength { .. })));
    }
}
