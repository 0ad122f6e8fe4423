//! `GET /metrics`: refreshes the projection-lag gauges from the stored checkpoints and the
//! projector's log-read counts, then renders
//! every family in the Prometheus text format.

use std::sync::Arc;

use poem::web::Data;
use poem::{handler, Response};

use crate::state::AppState;

/// The Prometheus text format's content type (exposition format 0.0.4).
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Serves the metrics. A failing lag query leaves the gauges at their last values (and is
/// logged); the rest is served regardless.
#[handler]
pub async fn metrics_endpoint(state: Data<&Arc<AppState>>) -> Response {
    match state.projector.lag().await {
        Ok(lags) => {
            for lag in lags {
                state
                    .metrics
                    .projection_lag_events
                    .with_label_values(&[lag.projection])
                    .set(i64::try_from(lag.events).unwrap_or(i64::MAX));
                state
                    .metrics
                    .projection_lag_seconds
                    .with_label_values(&[lag.projection])
                    .set(lag.seconds);
            }
        }
        Err(error) => tracing::warn!(%error, "cannot measure projection lag"),
    }
    state.metrics.projector_reads(state.projector.log_reads());
    Response::builder()
        .content_type(CONTENT_TYPE)
        .body(state.metrics.render())
}
