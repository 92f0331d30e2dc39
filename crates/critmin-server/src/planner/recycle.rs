//! The dynamic stock model by cohort (`POST /api/v1/recycle/stock`; nothing is stored), the
//! document of `critmin recycle stock`.

use axum::Json;
use critmin_app::plan::StockSpec;
use critmin_app::recycle::StockDocument;

use super::compose_error;
use crate::error::{ApiError, ErrorBody};

/// The dynamic stock model by cohort (no key: nothing is stored): stock and outflow from an
/// inflow series, or the inflow a stock series needs, with the secondary supply.
#[utoipa::path(post, path = "/api/v1/recycle/stock", tag = "planner", request_body = StockSpec,
    responses((status = 200, body = StockDocument), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub(super) async fn recycle_stock(
    crate::body::JsonBody(spec): crate::body::JsonBody<StockSpec>,
) -> Result<Json<StockDocument>, ApiError> {
    let document = crate::blocking(move || critmin_app::recycle::stock(&spec))
        .await?
        .map_err(compose_error)?;
    Ok(Json(document))
}
