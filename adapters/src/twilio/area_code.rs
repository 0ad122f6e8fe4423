//! Buying "the first number in an area code" from a provider whose `IncomingPhoneNumbers`
//! create takes no `AreaCode` (SignalWire requires `PhoneNumber`, REFERENCE §6): search
//! `AvailablePhoneNumbers/{country}/{type}` with the area code, then buy the first number found
//! by `PhoneNumber`. A number taken between the search and the purchase (21422) makes the next
//! candidate be tried, up to [`ATTEMPTS`].

use switchboard_application::ports::{
    AvailableNumberQuery, OwnedNumber, ProviderError, ProviderFault, PurchaseRequest,
    TelephonyProvider,
};
use switchboard_domain::NumberType;

use super::client::TwilioClient;
use super::errors::{more_info_url, NO_NUMBERS_IN_AREA_CODE};

/// How many candidates a search asks for (at most; SignalWire ignores paging) and how many are
/// tried when each in turn proves taken.
const ATTEMPTS: usize = 3;

impl TwilioClient {
    /// Searches `area_code` among `country`'s numbers of `number_type` and buys the first
    /// available one with `request`'s name and webhooks.
    ///
    /// # Errors
    /// `NoNumbersInAreaCode` (code 21452, HTTP 400: what Twilio answers the same purchase) when
    /// the search finds nothing; `NumberUnavailable` when every candidate tried was taken
    /// meanwhile; anything the search or the purchase fails with.
    pub(crate) async fn purchase_first_available(
        &self,
        request: &PurchaseRequest,
        area_code: u16,
        country: &str,
        number_type: NumberType,
    ) -> Result<OwnedNumber, ProviderError> {
        let query = AvailableNumberQuery {
            country: country.to_string(),
            number_type,
            area_code: Some(area_code),
            contains: None,
            sms_enabled: None,
            limit: ATTEMPTS as u32,
        };
        let candidates = self.search_available(&query).await?;
        let mut last_refusal = None;
        for candidate in candidates.into_iter().take(ATTEMPTS) {
            let number = candidate.phone_number.to_string();
            match self.create_incoming(("PhoneNumber", number), request).await {
                Err(ProviderError::NumberUnavailable(fault)) => {
                    tracing::debug!(number = %candidate.phone_number, "taken since the search; trying the next");
                    last_refusal = Some(ProviderError::NumberUnavailable(fault));
                }
                outcome => return outcome,
            }
        }
        Err(last_refusal.unwrap_or_else(|| {
            ProviderError::NoNumbersInAreaCode(ProviderFault {
                code: NO_NUMBERS_IN_AREA_CODE,
                message: format!(
                    "No {number_type} phone numbers found in area code {area_code} ({country})"
                ),
                more_info: Some(more_info_url(NO_NUMBERS_IN_AREA_CODE)),
                http_status: 400,
            })
        }))
    }
}
