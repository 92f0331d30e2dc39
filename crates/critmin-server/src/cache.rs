//! A bounded map from request key to serialized answer, for answers computed from the public
//! dataset, which does not change while the server runs.

use std::collections::HashMap;
use std::sync::RwLock;

use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

/// Serialized answers by key; once full, new answers are computed but not kept.
#[derive(Debug)]
pub struct ResponseCache {
    entries: RwLock<HashMap<String, Bytes>>,
    capacity: usize,
}

impl ResponseCache {
    /// An empty cache holding at most `capacity` answers.
    pub fn new(capacity: usize) -> ResponseCache {
        ResponseCache {
            entries: RwLock::new(HashMap::new()),
            capacity,
        }
    }

    /// The cached answer for `key`, or `compute()` (kept when there is room).
    pub fn get_or_try<E>(&self, key: &str, compute: impl FnOnce() -> Result<Bytes, E>) -> Result<Bytes, E> {
        if let Some(hit) = self.entries.read().unwrap_or_else(|p| p.into_inner()).get(key) {
            return Ok(hit.clone());
        }
        let value = compute()?;
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() < self.capacity {
            entries.insert(key.to_owned(), value.clone());
        }
        Ok(value)
    }

    /// The cached JSON answer for `key`, or `compute()` serialized (kept when there is room).
    pub(crate) fn json<T: Serialize>(
        &self,
        key: &str,
        compute: impl FnOnce() -> Result<T, ApiError>,
    ) -> Result<Response, ApiError> {
        let bytes = self.get_or_try(key, || {
            serde_json::to_vec(&compute()?)
                .map(Bytes::from)
                .map_err(|e| ApiError::internal(&e))
        })?;
        Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
    }

    /// Number of cached answers.
    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_once_and_respects_the_capacity() {
        let cache = ResponseCache::new(1);
        let mut calls = 0;
        for _ in 0..3 {
            let v: Result<Bytes, ()> = cache.get_or_try("a", || {
                calls += 1;
                Ok(Bytes::from_static(b"1"))
            });
            assert_eq!(v.unwrap(), Bytes::from_static(b"1"));
        }
        assert_eq!(calls, 1);
        let _ = cache.get_or_try::<()>("b", || Ok(Bytes::from_static(b"2")));
        assert_eq!(cache.len(), 1);
        assert!(cache.get_or_try::<&str>("c", || Err("boom")).is_err());
    }
}
