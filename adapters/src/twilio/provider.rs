//! [`TelephonyProvider`] over Twilio's `AvailablePhoneNumbers`, `IncomingPhoneNumbers` and
//! `Messages` resources (REFERENCE §1.2–§1.4; OAI operationIds `ListAvailablePhoneNumberLocal|
//! TollFree|Mobile`, `CreateIncomingPhoneNumber`, `UpdateIncomingPhoneNumber`,
//! `DeleteIncomingPhoneNumber`, `ListIncomingPhoneNumber`, `CreateMessage` (in `messages.rs`)),
//! in the client's [`Flavor`](super::Flavor): resource names are `Name.json` at Twilio and
//! `Name` at SignalWire (REFERENCE §6).

use std::collections::HashSet;

use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use switchboard_application::ports::{
    AvailableNumber, AvailableNumberQuery, OutboundRequest, OwnedNumber, ProviderError,
    ProviderFault, PurchaseRequest, PurchaseTarget, SentMessage, TelephonyProvider, WebhookConfig,
};
use switchboard_domain::NumberType;

use super::area_code::area_code_filter;
use super::client::TwilioClient;
use super::wire::{AvailablePhoneNumbersPage, IncomingPhoneNumberItem, IncomingPhoneNumbersPage};

/// The `StatusCallbackMethod` Switchboard always uses.
const STATUS_CALLBACK_METHOD: &str = "POST";

/// Guard against a provider whose `next_page_uri` never ends (1000 pages × up to 1000 numbers).
const MAX_PAGES: usize = 1000;

#[async_trait]
impl TelephonyProvider for TwilioClient {
    /// `GET …/AvailablePhoneNumbers/{Country}/{Local|TollFree|Mobile}.json` with `AreaCode`
    /// (US/CA; elsewhere the area code's `Contains` prefix, `area_code.rs`), `Contains`, `SmsEnabled` and `PageSize = limit` (SignalWire: no `.json`, no `PageSize`,
    /// and `SmsEnabled` applied here since it ignores it; the first `limit` items are kept).
    /// Items whose `phone_number` is not E.164 are skipped (and logged).
    ///
    /// # Errors
    /// As any call; `Unsupported` (without calling) for a type the flavor does not sell
    /// (Mobile at SignalWire).
    #[tracing::instrument(skip(self))]
    async fn search_available(
        &self,
        query: &AvailableNumberQuery,
    ) -> Result<Vec<AvailableNumber>, ProviderError> {
        let flavor = self.flavor();
        if !flavor.sells(query.number_type) {
            return Err(unsupported_type(self, query.number_type));
        }
        let resource = flavor.resource(query.number_type.twilio_resource());
        let url = self.account_url(&["AvailablePhoneNumbers", &query.country, &resource]);
        let mut params: Vec<(&str, String)> = Vec::new();
        if flavor.pages_searches() {
            params.push(("PageSize", query.limit.to_string()));
        }
        if let Some(area_code) = &query.area_code {
            params.push(area_code_filter(
                area_code,
                &query.country,
                query.contains.is_some(),
            )?);
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
            .filter(|number: &AvailableNumber| {
                flavor.filters_capabilities()
                    || query
                        .sms_enabled
                        .is_none_or(|w| w == number.capabilities.sms)
            })
            .take(query.limit as usize)
            .collect();
        Ok(numbers)
    }

    /// `POST …/IncomingPhoneNumbers.json` (201) with `PhoneNumber`, `FriendlyName`, `SmsUrl`,
    /// `SmsMethod`, `StatusCallback`, `StatusCallbackMethod=POST` and the `Voice*` URLs. An area
    /// code is never bought with create's `AreaCode`, which may pick a voice-only number (sends
    /// from it then fail with 21606): it is searched with `SmsEnabled=true` first and the first
    /// number found is bought (`area_code.rs`); SignalWire takes no `AreaCode` on create anyway.
    ///
    /// # Errors
    /// As any call; `Unsupported` for a type the flavor does not sell.
    #[tracing::instrument(skip(self))]
    async fn purchase(&self, request: &PurchaseRequest) -> Result<OwnedNumber, ProviderError> {
        match &request.target {
            PurchaseTarget::Number(number) => {
                self.create_incoming(("PhoneNumber", number.to_string()), request)
                    .await
            }
            PurchaseTarget::AreaCode {
                area_code,
                country,
                number_type,
            } => {
                if !self.flavor().sells(*number_type) {
                    return Err(unsupported_type(self, *number_type));
                }
                self.purchase_first_available(request, area_code, country, *number_type)
                    .await
            }
        }
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
        let resource = self.flavor().resource(provider_sid);
        let url = self.account_url(&["IncomingPhoneNumbers", &resource]);
        let http = self.request(Method::POST, url).form(&form);
        let item: IncomingPhoneNumberItem = self.call_json(http, StatusCode::OK).await?;
        owned(item)
    }

    /// `DELETE …/IncomingPhoneNumbers/{Sid}.json` (204).
    #[tracing::instrument(skip(self))]
    async fn release(&self, provider_sid: &str) -> Result<(), ProviderError> {
        let resource = self.flavor().resource(provider_sid);
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
        let resource = self.flavor().resource("IncomingPhoneNumbers");
        let mut url = self.account_url(&[&resource]);
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

impl TwilioClient {
    /// `POST …/IncomingPhoneNumbers(.json)` (201) with `target` (`PhoneNumber` or `AreaCode`)
    /// and the request's name and webhooks.
    ///
    /// # Errors
    /// As any call.
    pub(crate) async fn create_incoming(
        &self,
        target: (&'static str, String),
        request: &PurchaseRequest,
    ) -> Result<OwnedNumber, ProviderError> {
        let mut form: Vec<(&str, String)> = vec![target];
        if let Some(name) = &request.friendly_name {
            form.push(("FriendlyName", name.clone()));
        }
        push_webhooks(&mut form, &request.webhooks);
        let url = self.account_url(&[&self.flavor().resource("IncomingPhoneNumbers")]);
        let http = self.request(Method::POST, url).form(&form);
        let item: IncomingPhoneNumberItem = self.call_json(http, StatusCode::CREATED).await?;
        owned(item)
    }
}

/// The refusal of a number type the flavor does not sell (Mobile at SignalWire), raised
/// without calling the provider.
fn unsupported_type(client: &TwilioClient, number_type: NumberType) -> ProviderError {
    ProviderError::Unsupported(ProviderFault {
        code: 404,
        message: format!(
            "the {} provider offers no {} numbers (its AvailablePhoneNumbers has Local and \
             TollFree only)",
            client.flavor(),
            number_type.twilio_resource()
        ),
        more_info: None,
        http_status: 404,
    })
}

/// Appends our webhook fields to a form.
fn push_webhooks(form: &mut Vec<(&str, String)>, webhooks: &WebhookConfig) {
    form.push(("SmsUrl", webhooks.sms_url.clone()));
    form.push(("SmsMethod", webhooks.sms_method.clone()));
    form.push(("StatusCallback", webhooks.call_status_callback.clone()));
    form.push(("StatusCallbackMethod", STATUS_CALLBACK_METHOD.to_string()));
    form.push(("VoiceUrl", webhooks.voice_url.clone()));
    form.push(("VoiceMethod", webhooks.voice_method.clone()));
    form.push(("VoiceFallbackUrl", webhooks.voice_fallback_url.clone()));
    form.push(("VoiceFallbackMethod", webhooks.voice_method.clone()));
}

/// The owned number in a single-resource answer; a resource we cannot read is
/// `InvalidResponse` (the call itself succeeded, so the caller must reconcile).
fn owned(item: IncomingPhoneNumberItem) -> Result<OwnedNumber, ProviderError> {
    OwnedNumber::try_from(item)
        .map_err(|e| ProviderError::InvalidResponse(format!("unusable incoming_phone_number: {e}")))
}
