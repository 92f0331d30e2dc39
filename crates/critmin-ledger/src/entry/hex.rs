//! Hex text of bytes: keys and entries as people and JSON carry them.

/// Hex text of bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex text.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Serde for public keys as 64 hex digits.
pub(super) mod hex_key {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(in crate::entry) fn serialize<S: Serializer>(key: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::to_hex(key))
    }

    pub(in crate::entry) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(d)?;
        super::from_hex(&text)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| D::Error::custom(format!("`{text}`: expected a public key as 64 hex digits")))
    }
}
