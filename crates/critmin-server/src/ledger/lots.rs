//! Lots as a reader sees them: custody and grades, provenance shares, claims checked against a
//! rule pack, and the offline bundle.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use critmin_app::ledger::{self as spec, ShareRow, View};
use critmin_ledger::bundle;
use critmin_ledger::entry::SignedEntry;
use critmin_ledger::rules::{Date, Verdict, embedded_rule_packs, evaluate};
use critmin_ledger::{Ledger, LotId, Viewer};
use critmin_model::{CountryCode, Group, GroupSet};
use critmin_store::SqlLogStore;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{now, service, viewer};
use crate::AppState;
use crate::auth::Caller;
use crate::body::ApiQuery;
use crate::error::{ApiError, ErrorBody};

/// A lot as a reader sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LotView {
    /// Lot id.
    pub lot: String,
    /// Form (ore, concentrate, cathode, …).
    pub form: String,
    /// Declared mass, grams.
    pub mass_g: u64,
    /// Grams not yet consumed.
    pub remaining_g: u64,
    /// Current custodian.
    pub owner: String,
    /// Country of the site that made it.
    pub country: String,
    /// Grades: element and parts per million of mass.
    pub grades: Vec<GradeView>,
    /// Whether the operator marked it public.
    pub public: bool,
    /// Leaf indices of the entries about it that the caller may read.
    pub entries: Vec<u64>,
}

/// A grade.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradeView {
    /// Element.
    pub element: String,
    /// Parts per million of mass.
    pub ppm: u32,
}

fn unknown_lot(lot: &str) -> ApiError {
    ApiError::not_found(format!("no lot `{lot}` you may read"))
}

/// A lot: custodian, mass, grades and the entries about it (if the caller may read it).
#[utoipa::path(get, path = "/api/v1/ledger/lots/{lot}", tag = "ledger",
    params(("lot" = String, Path, description = "Lot id")),
    responses((status = 200, body = LotView), (status = 404, body = ErrorBody)))]
pub(super) async fn get_lot(
    State(state): State<AppState>,
    caller: Caller,
    Path(lot): Path<String>,
) -> Result<Json<LotView>, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    service.with(|l| {
        let id = LotId(lot.clone());
        let st = l.state();
        let (Some(now), Some(spec)) = (st.lot(&id), st.graph().spec(&id)) else {
            return Err(unknown_lot(&lot));
        };
        if !st.may_read_lot(&viewer, &id) {
            return Err(unknown_lot(&lot));
        }
        let mut entries = Vec::new();
        for (i, bytes) in l.entries().iter().enumerate() {
            let e = SignedEntry::decode(bytes).map_err(|e| ApiError::internal(&e))?;
            if e.body.payload.lots().contains(&&id) && st.may_read_entry(&viewer, &e.body) {
                entries.push(i as u64);
            }
        }
        Ok(Json(LotView {
            lot,
            form: spec.form.clone(),
            mass_g: spec.mass_g,
            remaining_g: now.remaining_g,
            owner: now.owner.to_string(),
            country: spec.country.to_string(),
            grades: spec
                .grades
                .iter()
                .map(|g| GradeView {
                    element: g.element.clone(),
                    ppm: g.ppm,
                })
                .collect(),
            public: st.is_public(&id),
            entries,
        }))
    })?
}

/// Which lot and how to read its provenance.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProvenanceQuery {
    /// The lot.
    pub lot: String,
    /// `physical` (default) or `mass_balance`.
    pub view: Option<String>,
    /// Partner group for the partner share (default `ira-fta`).
    pub partners: Option<String>,
}

/// Origin shares of a lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvenanceView {
    /// The lot.
    pub lot: String,
    /// `physical` or `mass_balance`.
    pub view: &'static str,
    /// Partner group of the partner share.
    pub partners: String,
    /// One row per element and measure; shares of contained element (mass), 0 to 1.
    #[schema(value_type = Vec<Object>)]
    pub shares: Vec<ShareRow>,
}

fn parse_view(view: Option<&str>) -> Result<View, ApiError> {
    view.map_or(Ok(View::Physical), |v| {
        v.parse().map_err(|e: String| ApiError::bad_param("view", e))
    })
}

fn groups_of(state: &AppState) -> impl Fn(CountryCode) -> GroupSet + '_ {
    move |c| state.dataset.country(c).map_or(GroupSet::EMPTY, |k| k.groups)
}

/// The provenance shares of a lot, computed as `critmin ledger provenance` does.
pub fn provenance_view(
    state: &AppState,
    ledger: &Ledger<SqlLogStore>,
    viewer: &Viewer,
    lot: &str,
    view: View,
    partners: Group,
) -> Result<ProvenanceView, ApiError> {
    let elements =
        spec::lot_provenance(ledger.state(), viewer, &LotId(lot.to_owned()), view).ok_or_else(|| unknown_lot(lot))?;
    Ok(ProvenanceView {
        lot: lot.to_owned(),
        view: view.as_str(),
        partners: partners.id().to_owned(),
        shares: spec::share_rows(&elements, partners, view, &groups_of(state)),
    })
}

/// Origin shares of a lot's contained elements (by country, partner group, FEOC-covered
/// nations, recycled), exact through the transformation graph.
#[utoipa::path(get, path = "/api/v1/ledger/provenance", tag = "ledger", params(ProvenanceQuery),
    responses((status = 200, body = ProvenanceView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_provenance(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ProvenanceQuery>,
) -> Result<Json<ProvenanceView>, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    let view = parse_view(q.view.as_deref())?;
    let partners: Group = q
        .partners
        .as_deref()
        .unwrap_or("ira-fta")
        .parse()
        .map_err(|e: critmin_model::ParseGroupError| ApiError::bad_param("partners", e.to_string()))?;
    service.with(|l| provenance_view(&state, l, &viewer, &q.lot, view, partners).map(Json))?
}

/// A claim to check.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ClaimQuery {
    /// The lot.
    pub lot: String,
    /// Rule pack id (`us-30d-critical-minerals`, `eu-2023-1542-recycled-content`).
    pub rule: String,
    /// Date of the claim, YYYY-MM-DD (default today, UTC).
    pub date: Option<String>,
    /// `physical` (default) or `mass_balance`.
    pub view: Option<String>,
}

/// A claim checked against a rule pack.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimView {
    /// The lot.
    pub lot: String,
    /// Rule pack id.
    pub rule: String,
    /// Rule pack title.
    pub title: String,
    /// Date of the claim.
    pub date: String,
    /// `pass`, `fail` or `not_applicable`.
    #[schema(value_type = String)]
    pub verdict: Verdict,
    /// The figures.
    pub checks: Vec<CheckView>,
    /// Caveats.
    pub notes: Vec<String>,
    /// What is measured and how.
    pub basis: String,
}

/// One figure of a claim.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckView {
    /// Element.
    pub element: String,
    /// What is measured.
    pub measure: String,
    /// The lot's share, 0 to 1.
    pub share: f64,
    /// Required share, 0 to 1.
    pub required: f64,
    /// Whether the requirement is a minimum (else a maximum).
    pub is_minimum: bool,
    /// Whether it passes.
    pub pass: bool,
}

/// Checks a lot against a dated rule pack, as `critmin ledger claim` does.
#[utoipa::path(get, path = "/api/v1/ledger/claims", tag = "ledger", params(ClaimQuery),
    responses((status = 200, body = ClaimView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_claim(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ClaimQuery>,
) -> Result<Json<ClaimView>, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    let view = parse_view(q.view.as_deref())?;
    let packs = embedded_rule_packs();
    let pack = packs.iter().find(|p| p.id == q.rule).ok_or_else(|| {
        ApiError::bad_param(
            "rule",
            format!(
                "unknown rule `{}`; expected one of: {}",
                q.rule,
                packs.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )
    })?;
    let date: Date = match &q.date {
        Some(d) => d.parse().map_err(|e: String| ApiError::bad_param("date", e))?,
        None => Date::from_unix(now()),
    };
    let elements = service.with(|l| spec::lot_provenance(l.state(), &viewer, &LotId(q.lot.clone()), view))?;
    let elements = elements.ok_or_else(|| unknown_lot(&q.lot))?;
    let outcome = evaluate(pack, &elements, date, &groups_of(&state));
    Ok(Json(ClaimView {
        lot: q.lot.clone(),
        rule: outcome.rule.clone(),
        title: pack.title.clone(),
        date: date.to_string(),
        verdict: outcome.verdict,
        checks: outcome
            .checks
            .iter()
            .map(|c| CheckView {
                element: c.element.clone(),
                measure: c.measure.clone(),
                share: critmin_ledger::provenance::to_f64(&c.share),
                required: critmin_ledger::provenance::to_f64(&c.required),
                is_minimum: c.is_minimum,
                pass: c.pass,
            })
            .collect(),
        notes: outcome.notes.clone(),
        basis: pack.basis.clone(),
    }))
}

/// The lot of a bundle.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LotQuery {
    /// The lot.
    pub lot: String,
}

/// The offline bundle of a lot (format `critmin-bundle/1`): what `critmin ledger verify`
/// checks without the server — the latest checkpoint, the entries of the lot's ancestry,
/// custody and attestations, the key registry, and an inclusion proof of each.
#[utoipa::path(get, path = "/api/v1/ledger/bundle", tag = "ledger", params(LotQuery),
    responses((status = 200, description = "The bundle (critmin-bundle/1)", content_type = "application/json"),
        (status = 404, body = ErrorBody), (status = 409, description = "No checkpoint covers the lot yet", body = ErrorBody)))]
pub(super) async fn get_bundle(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<LotQuery>,
) -> Result<Response, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    service.with(|l| {
        let id = LotId(q.lot.clone());
        if !l.state().may_read_lot(&viewer, &id) {
            return Err(unknown_lot(&q.lot));
        }
        let b =
            bundle::export(l, &id).map_err(|e| ApiError::new(StatusCode::CONFLICT, "no_checkpoint", e.to_string()))?;
        Ok(Json(b).into_response())
    })?
}
