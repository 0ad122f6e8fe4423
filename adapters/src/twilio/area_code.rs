//! Buying "the first number in an area code": search `AvailablePhoneNumbers/{country}/{type}`
//! with the area code and `SmsEnabled=true`, then buy the first number found by `PhoneNumber`.
//! Create's own `AreaCode` cannot ask for SMS (it may pick a voice-only number, from which sends
//! fail with 21606), so it is used only when the search lists nothing (Twilio then answers 21452
//! itself, or sells a number no search lists); SignalWire has none (REFERENCE §6). A number taken between the search and the purchase (21422) makes the next
//! candidate be tried, up to [`ATTEMPTS`].
//!
//! Twilio's `AreaCode` (search and create) takes only US and Canadian codes ("Applies to only
//! phone numbers in the US and Canada"). Elsewhere an area code is searched the way Twilio
//! documents for any country: a `Contains` pattern anchored at the start of the E.164 number
//! (`+` then the digits), so GB's `020` is searched as `Contains=+4420`.

use switchboard_application::ports::{
    AvailableNumberQuery, OwnedNumber, ProviderError, ProviderFault, PurchaseRequest,
    TelephonyProvider,
};
use switchboard_domain::{AreaCode, NumberType};

use super::client::TwilioClient;
use super::errors::{more_info_url, NO_NUMBERS_IN_AREA_CODE};

/// How many candidates a search asks for (at most; SignalWire ignores paging) and how many are
/// tried when each in turn proves taken.
const ATTEMPTS: usize = 3;

impl TwilioClient {
    /// Searches `area_code` among `country`'s SMS-capable numbers of `number_type`
    /// (`SmsEnabled=true`: Switchboard buys numbers to message from) and buys the first
    /// available one with `request`'s name and webhooks.
    ///
    /// # Errors
    /// `NoNumbersInAreaCode` (code 21452, HTTP 400: what Twilio answers the same purchase) when
    /// the search finds nothing; `NumberUnavailable` when every candidate tried was taken
    /// meanwhile; anything the search or the purchase fails with.
    pub(crate) async fn purchase_first_available(
        &self,
        request: &PurchaseRequest,
        area_code: &AreaCode,
        country: &str,
        number_type: NumberType,
    ) -> Result<OwnedNumber, ProviderError> {
        let query = AvailableNumberQuery {
            country: country.to_string(),
            number_type,
            area_code: Some(area_code.clone()),
            contains: None,
            sms_enabled: Some(true),
            limit: ATTEMPTS as u32,
        };
        let candidates = self.search_available(&query).await?;
        if candidates.is_empty() && self.flavor().buys_by_area_code() && takes_area_code(country) {
            return self
                .purchase_unlisted(request, area_code, country, number_type)
                .await;
        }
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
        Err(last_refusal.unwrap_or_else(|| no_numbers(area_code, country, number_type)))
    }

    /// When a search lists nothing, Twilio's own create with `AreaCode` has the last word: it
    /// answers 21452 itself, or buys a number no search lists (test credentials' `500`). A
    /// number bought so that cannot take SMS is released again and refused as 21452.
    async fn purchase_unlisted(
        &self,
        request: &PurchaseRequest,
        area_code: &AreaCode,
        country: &str,
        number_type: NumberType,
    ) -> Result<OwnedNumber, ProviderError> {
        let bought = self
            .create_incoming(("AreaCode", area_code.to_string()), request)
            .await?;
        if bought.capabilities.sms {
            return Ok(bought);
        }
        tracing::warn!(number = %bought.phone_number, "bought by area code without SMS; releasing");
        self.release(&bought.provider_sid).await?;
        Err(no_numbers(area_code, country, number_type))
    }
}

/// 21452 as Twilio words it, HTTP 400.
fn no_numbers(area_code: &AreaCode, country: &str, number_type: NumberType) -> ProviderError {
    ProviderError::NoNumbersInAreaCode(ProviderFault {
        code: NO_NUMBERS_IN_AREA_CODE,
        message: format!(
            "No SMS-capable {number_type} phone numbers found in area code {area_code} ({country})"
        ),
        more_info: Some(more_info_url(NO_NUMBERS_IN_AREA_CODE)),
        http_status: 400,
    })
}

/// Whether `country` is one whose area codes Twilio's `AreaCode` parameter takes.
pub(crate) fn takes_area_code(country: &str) -> bool {
    AreaCode::is_north_american_country(country)
}

/// The search parameter that selects `area_code` in `country`: `AreaCode` in the US and Canada,
/// elsewhere `Contains` with the E.164 prefix of the area's numbers (`+4420` for GB `020`).
///
/// # Errors
/// `Unsupported` (400, without calling the provider) outside the US and Canada when the search
/// also has its own `Contains` pattern (one parameter cannot hold both), or for a country
/// whose calling code is unknown.
pub(crate) fn area_code_filter(
    area_code: &AreaCode,
    country: &str,
    has_pattern: bool,
) -> Result<(&'static str, String), ProviderError> {
    if takes_area_code(country) {
        return Ok(("AreaCode", area_code.to_string()));
    }
    let refuse = |message: String| {
        ProviderError::Unsupported(ProviderFault {
            code: 400,
            message,
            more_info: None,
            http_status: 400,
        })
    };
    if has_pattern {
        return Err(refuse(format!(
            "outside the US and Canada an area code is searched with Contains: give area code \
             {area_code} or a pattern, not both"
        )));
    }
    area_code
        .international_prefix(country)
        .map(|prefix| ("Contains", prefix))
        .ok_or_else(|| refuse(format!("no calling code is known for country {country}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(
        code: &str,
        country: &str,
        has_pattern: bool,
    ) -> Result<(&'static str, String), ProviderError> {
        area_code_filter(&AreaCode::parse(code).unwrap(), country, has_pattern)
    }

    #[test]
    fn north_american_codes_use_area_code_and_others_an_anchored_contains() {
        assert_eq!(
            filter("415", "US", true).unwrap(),
            ("AreaCode", "415".into())
        );
        assert_eq!(
            filter("416", "CA", false).unwrap(),
            ("AreaCode", "416".into())
        );
        assert_eq!(
            filter("020", "GB", false).unwrap(),
            ("Contains", "+4420".into())
        );
        assert!(
            matches!(filter("020", "GB", true), Err(ProviderError::Unsupported(f)) if f.http_status == 400)
        );
        assert!(matches!(
            filter("020", "ZZ", false),
            Err(ProviderError::Unsupported(_))
        ));
    }
}
