//! The telephony provider with every call counted and timed, by operation and result.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use switchboard_application::ports::{
    AvailableNumber, AvailableNumberQuery, OutboundRequest, OwnedNumber, ProviderError,
    PurchaseRequest, SentMessage, TelephonyProvider, WebhookConfig,
};

use super::Metrics;

/// Wraps a [`TelephonyProvider`], recording `switchboard_provider_calls_total` and
/// `switchboard_provider_call_duration_seconds` for each call.
pub struct MeteredProvider {
    inner: Arc<dyn TelephonyProvider>,
    metrics: Arc<Metrics>,
}

impl MeteredProvider {
    /// Meters `inner` into `metrics`.
    pub fn new(inner: Arc<dyn TelephonyProvider>, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }

    async fn observe<T>(
        &self,
        operation: &str,
        call: impl Future<Output = Result<T, ProviderError>>,
    ) -> Result<T, ProviderError> {
        let started = Instant::now();
        let result = call.await;
        self.metrics
            .provider_duration
            .with_label_values(&[operation])
            .observe(started.elapsed().as_secs_f64());
        let outcome = match &result {
            Ok(_) => "ok",
            Err(error) => error_kind(error),
        };
        self.metrics
            .provider_calls
            .with_label_values(&[operation, outcome])
            .inc();
        result
    }
}

/// A stable label for a provider error.
fn error_kind(error: &ProviderError) -> &'static str {
    match error {
        ProviderError::NumberUnavailable(_) => "number_unavailable",
        ProviderError::InvalidNumber(_) => "invalid_number",
        ProviderError::NoNumbersInAreaCode(_) => "no_numbers_in_area_code",
        ProviderError::Authentication(_) => "authentication",
        ProviderError::NotFound(_) => "not_found",
        ProviderError::Rejected(_) => "rejected",
        ProviderError::Unavailable(_) => "unavailable",
        ProviderError::InvalidResponse(_) => "invalid_response",
        ProviderError::Unsupported(_) => "unsupported",
    }
}

#[async_trait]
impl TelephonyProvider for MeteredProvider {
    async fn search_available(
        &self,
        query: &AvailableNumberQuery,
    ) -> Result<Vec<AvailableNumber>, ProviderError> {
        self.observe("search_available", self.inner.search_available(query))
            .await
    }

    async fn purchase(&self, request: &PurchaseRequest) -> Result<OwnedNumber, ProviderError> {
        self.observe("purchase", self.inner.purchase(request)).await
    }

    async fn configure_webhooks(
        &self,
        provider_sid: &str,
        webhooks: &WebhookConfig,
    ) -> Result<OwnedNumber, ProviderError> {
        self.observe(
            "configure_webhooks",
            self.inner.configure_webhooks(provider_sid, webhooks),
        )
        .await
    }

    async fn release(&self, provider_sid: &str) -> Result<(), ProviderError> {
        self.observe("release", self.inner.release(provider_sid))
            .await
    }

    async fn list_owned(&self) -> Result<Vec<OwnedNumber>, ProviderError> {
        self.observe("list_owned", self.inner.list_owned()).await
    }

    async fn send_message(&self, request: &OutboundRequest) -> Result<SentMessage, ProviderError> {
        self.observe("send_message", self.inner.send_message(request))
            .await
    }
}
