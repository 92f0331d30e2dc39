//! API keys. A key is 32 random bytes shown once at creation; the store keeps only its
//! SHA-256. A slow password hash (argon2, bcrypt) protects low-entropy secrets against
//! guessing; a 256-bit random key cannot be guessed, so a fast hash loses nothing and lets
//! every request find its key with one indexed lookup instead of spending tens of
//! milliseconds of CPU per request.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Store, StoreError, hex, now_ms, random_hex};

/// Prefix of every key, so a leaked key is recognisable in logs and scanners.
const KEY_PREFIX: &str = "cmk_";

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read only, like no key at all on the public data, plus reading stored items.
    Viewer,
    /// Writes: import datasets, start jobs.
    Analyst,
    /// Everything, including creating keys.
    Admin,
}

impl Role {
    /// The lowercase name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "analyst" => Ok(Role::Analyst),
            "admin" => Ok(Role::Admin),
            other => Err(format!("unknown role {other:?}: expected admin, analyst or viewer")),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored key, as the server sees it after authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Public id (not secret): names the key in logs and in `created_by` columns.
    pub id: String,
    /// What it may do.
    pub role: Role,
    /// Free text given at creation.
    pub label: String,
}

/// A key just created: the secret is here and nowhere else.
#[derive(Debug, Clone)]
pub struct CreatedKey {
    /// The stored part.
    pub key: ApiKey,
    /// The secret to hand to the user, once.
    pub secret: String,
}

/// SHA-256 of the secret, lowercase hex.
fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Inserts a new key through `executor` (the pool, or a transaction that also writes more).
pub(crate) async fn insert_key<'e, E>(executor: E, role: Role, label: &str) -> Result<CreatedKey, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let secret = format!("{KEY_PREFIX}{}", random_hex(32)?);
    let id = random_hex(8)?;
    sqlx::query("INSERT INTO api_keys (id, key_hash, role, label, created_at_ms) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(hash_secret(&secret))
        .bind(role.as_str())
        .bind(label)
        .bind(now_ms())
        .execute(executor)
        .await?;
    Ok(CreatedKey {
        key: ApiKey {
            id,
            role,
            label: label.to_owned(),
        },
        secret,
    })
}

impl Store {
    /// Creates a key with `role`; returns the secret (never stored).
    pub async fn create_key(&self, role: Role, label: &str) -> Result<CreatedKey, StoreError> {
        insert_key(&self.pool, role, label).await
    }

    /// The key whose secret this is, unless unknown or revoked.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<ApiKey>, StoreError> {
        if !secret.starts_with(KEY_PREFIX) {
            return Ok(None);
        }
        let row: Option<(String, String, String)> =
            sqlx::query_as("SELECT id, role, label FROM api_keys WHERE key_hash = $1 AND revoked_at_ms IS NULL")
                .bind(hash_secret(secret))
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(id, role, label)| {
            let role = role.parse().map_err(|_| StoreError::Corrupt {
                what: "api_keys.role",
                value: role,
            })?;
            Ok(ApiKey { id, role, label })
        })
        .transpose()
    }

    /// Revokes a key by its public id; returns whether a live key was revoked.
    pub async fn revoke_key(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE api_keys SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_hex() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn roles_parse_and_order() {
        assert_eq!("analyst".parse::<Role>().unwrap(), Role::Analyst);
        assert!("root".parse::<Role>().is_err());
        assert!(Role::Viewer < Role::Analyst && Role::Analyst < Role::Admin);
    }
}
