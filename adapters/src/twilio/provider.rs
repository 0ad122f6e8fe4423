//! [`TelephonyProvider`] over Twilio's `AvailablePhoneNumbers`, `IncomingPhoneNumbers` and
//! `Messages` resources (REFERENCE §1.2–§1.4; OAI operationIds `ListAvailablePhoneNumberLocal|
//! TollFree|Mobile`, `CreateIncomingPhoneNumber`, `UpdateIncomingPhoneNumber`,
//! `DeleteIncomingPhoneNumber`, `ListIncomingPhoneNumber`, `CreateMessage` (in `messages.rs`)).

use std::collections::HashSet;

use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use switchboard_application::ports::{
    AvailableNumber, AvailableNumberQuery, OutboundRequest, OwnedNumber, ProviderError,
    PurchaseRequest, PurchaseTarget, SentMessage, TelephonyProvider, WebhookConfig,
};

use super::client::TwilioClient;
use super::wire::{AvailablePhoneNumbersPage, IncomingPhoneNumberItem, IncomingPhoneNumbersPage};

/// The `StatusCallbackMethod` Switchboard always uses.
const STATUS_CALLBACK_METHOD: &str = "POST";

/// Guard against a provider whose `next_page_uri` never ends (1000 pages × up to 1000 numbers).
const MAX_PAGES: usize = 1000;

#[async_trait]
impl TelephonyProvider for TwilioClient {
    /// `GET …/AvailablePhoneNumbers/{Country}/{Local|TollFree|Mobile}.json` with `AreaCode`,
    /// `Contains`, `SmsEnabled` and `PageSize = limit`. Items whose `phone_number` is not E.164
    /// are skipped (and logged).
    #[tracing::instrument(skip(self))]
    async fn search_available(
        &self,
        query: &AvailableNumberQuery,
    ) -> Result<Vec<AvailableNumber>, ProviderError> {
        let resource = format!("{}.json", query.number_type.twilio_resource());
        let url = self.account_url(&["AvailablePhoneNumbers", &query.country, &resource]);
        let mut params: Vec<(&str, String)> = vec![("PageSize", query.limit.to_string())];
        if let Some(area_code) = query.area_code {
            params.push(("AreaCode", area_code.to_string()));
        }
        if let Some(contains) = &query.contains {
            params.push(("Contains", contains.clone()));
        }
        if let Some(sms_enabled) = query.sms_enabled {
            params.push(("SmsEnabled", sms_enabled.to_string()));
        }
        let request = self.request(Method::GET, url).query(&params);
        let page: AvailablePhoneNumbersPage = self.call_json(request, StatusCode::OK).await?;
        let numbers = page
            .available_phone_numbers
            .into_iter()
            .filter_map(|item| match AvailableNumber::try_from(item) {
                Ok(number) => Some(number),
                Err(error) => {
                    tracing::warn!(%error, "skipping an available number we cannot use");
                    None
                }
            })
            .collect();
        Ok(numbers)
    }

    /// `POST …/IncomingPhoneNumbers.json` (201) with `PhoneNumber` or `AreaCode`, `FriendlyName`,
    /// `SmsUrl`, `SmsMethod`, `StatusCallback`, `StatusCallbackMethod=POST`.
    #[tracing::instrument(skip(self))]
    async fn purchase(&self, request: &PurchaseRequest) -> Result<OwnedNumber, ProviderError> {
        let mut form: Vec<(&str, String)> = match &request.target {
            PurchaseTarget::Number(number) => vec![("PhoneNumber", number.to_string())],
            PurchaseTarget::AreaCode(area_code) => vec![("AreaCode", area_code.to_string())],
        };
        if let Some(name) = &request.friendly_name {
            form.push(("FriendlyName", name.clone()));
        }
        push_webhooks(&mut form, &request.webhooks);
        let url = self.account_url(&["IncomingPhoneNumbers.json"]);
        let http = self.request(Method::POST, url).form(&form);
        let item: IncomingPhoneNumberItem = self.call_json(http, StatusCode::CREATED).await?;
        owned(item)
    }

    /// `POST …/IncomingPhoneNumbers/{Sid}.json` (200) with `SmsUrl`, `SmsMethod`,
    /// `StatusCallback`, `StatusCallbackMethod=POST`.
    #[tracing::instrument(skip(self))]
    async fn configure_webhooks(
        &self,
        provider_sid: &str,
        webhooks: &WebhookConfig,
    ) -> Result<OwnedNumber, ProviderError> {
        let mut form = Vec::new();
        push_webhooks(&mut form, webhooks);
        let resource = format!("{provider_sid}.json");
        let url = self.account_url(&["IncomingPhoneNumbers", &resource]);
        let http = self.request(Method::POST, url).form(&form);
        let item: IncomingPhoneNumberItem = self.call_json(http, StatusCode::OK).await?;
        owned(item)
    }

    /// `DELETE …/IncomingPhoneNumbers/{Sid}.json` (204).
    #[tracing::instrument(skip(self))]
    async fn release(&self, provider_sid: &str) -> Result<(), ProviderError> {
        let resource = format!("{provider_sid}.json");
        let url = self.account_url(&["IncomingPhoneNumbers", &resource]);
        self.call(self.request(Method::DELETE, url), StatusCode::NO_CONTENT)
            .await?;
        Ok(())
    }

    /// `GET …/IncomingPhoneNumbers.json?PageSize={page_size}`, then each `next_page_uri`
    /// (resolved against the base URL's origin) until it is null. Items whose number is not
    /// E.164 or that have no SID are skipped (and logged): Switchboard never buys such numbers.
    ///
    /// # Errors
    /// As any call; `InvalidResponse` when a `next_page_uri` repeats, leaves the API origin or
    /// the pages exceed 1000.
    #[tracing::instrument(skip(self))]
    async fn list_owned(&self) -> Result<Vec<OwnedNumber>, ProviderError> {
        let mut url = self.account_url(&["IncomingPhoneNumbers.json"]);
        url.query_pairs_mut()
            .append_pair("PageSize", &self.page_size().to_string());
        let mut seen = HashSet::new();
        let mut numbers = Vec::new();
        for _ in 0..MAX_PAGES {
            let request = self.request(Method::GET, url.clone());
            let page: IncomingPhoneNumbersPage = self.call_json(request, StatusCode::OK).await?;
            for item in page.incoming_phone_numbers {
                match OwnedNumber::try_from(item) {
                    Ok(number) => numbers.push(number),
                    Err(error) => tracing::warn!(%error, "skipping an owned number we cannot use"),
                }
            }
            let Some(next) = page.next_page_uri else {
                return Ok(numbers);
            };
            if !seen.insert(next.clone()) {
                return Err(ProviderError::InvalidResponse(format!(
                    "next_page_uri `{next}` repeats"
                )));
            }
            url = self.next_page_url(&next)?;
        }
        Err(ProviderError::InvalidResponse(format!(
            "more than {MAX_PAGES} pages of owned numbers"
        )))
    }

    /// `POST …/Messages.json` (201) with `To`, `From`, `Body`, `MediaUrl` (repeated),
    /// `ContentSid`, `ContentVariables`, `StatusCallback`; see `messages.rs`. The span records
    /// how many media and whether it is a template, never the body, numbers or the token.
    #[tracing::instrument(
        skip(self, request),
        fields(media = request.media_urls.len(), template = request.content_sid.is_some())
    )]
    async fn send_message(&self, request: &OutboundRequest) -> Result<SentMessage, ProviderError> {
        self.create_message(request).await
    }
}

/// Appends our webhook fields to a form.
fn push_webhooks(form: &mut Vec<(&str, String)>, webhooks: &WebhookConfig) {
    form.push(("SmsUrl", webhooks.sms_url.clone()));
    form.push(("SmsMethod", webhooks.sms_method.clone()));
    form.push(("StatusCallback", webhooks.status_callback.clone()));
    form.push(("StatusCallbackMethod", STATUS_CALLBACK_METHOD.to_string()));
}

/// The owned number in a single-resource answer; a resource we cannot read is
/// `InvalidResponse` (the call itself succeeded, so the caller must reconcile).
fn owned(item: IncomingPhoneNumberItem) -> Result<OwnedNumber, ProviderError> {
    OwnedNumber::try_from(item)
        .map_err(|e| ProviderError::InvalidResponse(format!("unusable incoming_phone_number: {e}")))
}
