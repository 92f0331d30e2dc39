//! The JSON body extractor: reads the body within the size limit and the body timeout, and
//! on a malformed body answers 400 naming the field (`files[0].name: missing field`), using
//! serde_path_to_error.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use http_body_util::BodyExt;
use http_body_util::Limited;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON with the header Content-Type: application/json",
            ));
        }
        let bytes = read_limited(req.into_body(), state.config.body_limit, state.config.body_timeout).await?;
        parse(&bytes).map(JsonBody)
    }
}

/// Reads at most `limit` bytes within `timeout`: 413 past the limit (without reading the
/// rest), 408 when the client is too slow.
pub(crate) async fn read_limited(body: Body, limit: usize, timeout: Duration) -> Result<axum::body::Bytes, ApiError> {
    match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!("the body did not arrive within {} s", timeout.as_secs()),
        )),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large(limit)),
        Ok(Err(e)) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("reading the body: {e}"),
        )),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}

/// The 413 answer.
pub(crate) fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!("the body is larger than the limit of {limit} bytes"),
    )
}

/// Parses JSON, naming the path of the field at fault.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // Syntax errors have a line and column, not a field; type and shape errors have a field.
        if path == "." || !matches!(inner.classify(), serde_json::error::Category::Data) {
            return malformed(&inner);
        }
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("field `{path}`: {inner}"),
        )
        .with_field(path)
    })?;
    // Trailing garbage after the value is an error too.
    de.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", format!("malformed JSON: {e}"))
}

/// A name given in a body (`name`): trimmed, 1–200 characters; 400 naming the field otherwise.
pub(crate) fn name_field(name: &str) -> Result<String, ApiError> {
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "field `name`: expected 1–200 characters",
        )
        .with_field("name"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Upload {
        name: String,
        files: Vec<File>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct File {
        name: String,
        content: String,
    }

    fn field_of(json: &str) -> Option<String> {
        let err = parse::<Upload>(json.as_bytes()).unwrap_err();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        err.field().map(str::to_owned)
    }

    #[test]
    fn errors_name_the_field_at_fault() {
        assert_eq!(
            field_of(r#"{"name": "x", "files": [{"name": "a.csv", "content": 3}]}"#).as_deref(),
            Some("files[0].content")
        );
        assert_eq!(field_of(r#"{"name": 1, "files": []}"#).as_deref(), Some("name"));
        assert_eq!(
            field_of(r#"{"name": "x", "files": [{"name": "a"}]}"#).as_deref(),
            Some("files[0]")
        );
        // Syntax errors have no field.
        assert_eq!(field_of(r#"{"name": "x", "#), None);
        assert_eq!(field_of(r#"{"name": "x", "files": []} trailing"#), None);
    }
}

/// Query parameters of type `T`; a malformed query gets a JSON 400 naming the parameter.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(ApiQuery).map_err(|e| {
            let path = e.path().to_string();
            let message = format!("query parameter `{path}`: {}", e.into_inner());
            let err = ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", message);
            if path == "." { err } else { err.with_field(path) }
        })
    }
}
