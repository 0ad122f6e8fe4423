//! Provider failures a test asks for: the sandbox answers 500 (Twilio's error body, code 20500)
//! to every update and release of a chosen number's `IncomingPhoneNumbers/{Sid}` resource until
//! it is healed, so a test can show one number's failure leaving the others unharmed.

use std::collections::HashSet;

use poem::http::StatusCode;
use switchboard_domain::E164;

use super::errors::ApiError;
use super::Sandbox;

/// Twilio's code for its own internal failure.
const INTERNAL_ERROR: u32 = 20500;

/// The numbers whose resource fails.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    failing: HashSet<E164>,
}

impl Faults {
    /// 500 / 20500 when `number`'s resource is set to fail.
    pub(crate) fn check(&self, number: &E164) -> Result<(), ApiError> {
        if self.failing.contains(number) {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                INTERNAL_ERROR,
                "Internal Server Error",
            ));
        }
        Ok(())
    }
}

impl Sandbox {
    /// Makes every update and release of `number` answer 500 (code 20500) until
    /// [`heal_number`](Self::heal_number).
    pub fn fail_number(&self, number: &E164) {
        self.state().faults.failing.insert(number.clone());
    }

    /// Lets `number`'s resource work again.
    pub fn heal_number(&self, number: &E164) {
        self.state().faults.failing.remove(number);
    }
}
