//! Everything the sandbox remembers, and the buy/release rules that move numbers between the
//! inventory and the account. A Messages API would add an outbound message log (and its status
//! callback schedule) here, beside `owned`.

use chrono::{DateTime, Utc};
use switchboard_domain::E164;

use super::errors::ApiError;
use super::inventory::{Inventory, MAGIC_INVALID};
use super::owned::{NumberSettings, OwnedNumbers, OwnedRecord};

/// The sandbox's mutable state (behind the [`Sandbox`](super::Sandbox) handle's mutex).
#[derive(Debug)]
pub(crate) struct SandboxState {
    pub inventory: Inventory,
    pub owned: OwnedNumbers,
}

/// What `POST …/IncomingPhoneNumbers.json` asked to buy.
#[derive(Debug)]
pub(crate) enum Target<'a> {
    /// `PhoneNumber`, as given.
    Number(&'a str),
    /// `AreaCode`.
    AreaCode(u16),
}

impl SandboxState {
    /// A fresh account with the generated inventory and no numbers.
    pub fn new() -> Self {
        Self {
            inventory: Inventory::generate(),
            owned: OwnedNumbers::default(),
        }
    }

    /// Buys `target` with `settings`.
    ///
    /// # Errors
    /// 21421 when the number is not E.164 or is the magic invalid number `+15005550001`; 21422
    /// when it is not on sale (unknown, already owned, or the magic `+15005550000`); 21452 when
    /// the area code has nothing left (always for the magic `533`). REFERENCE §5.
    pub fn purchase(
        &mut self,
        target: &Target<'_>,
        settings: NumberSettings,
        now: DateTime<Utc>,
    ) -> Result<&OwnedRecord, ApiError> {
        let entry = match target {
            Target::Number(raw) => {
                let number = E164::parse(raw).map_err(|_| ApiError::invalid_number(raw))?;
                if number.as_str() == MAGIC_INVALID {
                    return Err(ApiError::invalid_number(raw));
                }
                self.inventory
                    .take_number(&number)
                    .ok_or_else(|| ApiError::number_unavailable(number.as_str()))?
            }
            Target::AreaCode(area_code) => self
                .inventory
                .take_in_area_code(*area_code)
                .ok_or_else(|| ApiError::no_numbers_in_area_code(*area_code))?,
        };
        let record = OwnedRecord::new(entry, settings, now);
        let sid = record.sid.clone();
        self.owned.insert(record);
        Ok(self.owned.get(&sid).expect("just inserted"))
    }

    /// Releases `sid`, putting its number back on sale; `false` when the account owns no such
    /// number.
    pub fn release(&mut self, sid: &str) -> bool {
        match self.owned.remove(sid) {
            Some(record) => {
                self.inventory.restore(record.entry);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::inventory::MAGIC_AVAILABLE;

    fn code(error: ApiError) -> String {
        error.to_string()
    }

    #[test]
    fn magic_numbers_behave_as_twilio_test_credentials() {
        let mut state = SandboxState::new();
        let now = Utc::now();
        let settings = NumberSettings::default;
        let bought = state
            .purchase(&Target::Number(MAGIC_AVAILABLE), settings(), now)
            .unwrap();
        assert_eq!(bought.entry.phone_number.as_str(), MAGIC_AVAILABLE);
        let sid = bought.sid.clone();
        let again = state.purchase(&Target::Number(MAGIC_AVAILABLE), settings(), now);
        assert!(code(again.unwrap_err()).contains("21422"));
        assert!(code(
            state
                .purchase(&Target::AreaCode(500), settings(), now)
                .unwrap_err()
        )
        .contains("21452"));
        assert!(state.release(&sid));
        let by_area = state
            .purchase(&Target::AreaCode(500), settings(), now)
            .unwrap();
        assert_eq!(by_area.entry.phone_number.as_str(), MAGIC_AVAILABLE);
        for (raw, expected) in [
            ("+15005550000", "21422"),
            ("+15005550001", "21421"),
            ("415", "21421"),
        ] {
            let error = state
                .purchase(&Target::Number(raw), settings(), now)
                .unwrap_err();
            assert!(code(error).contains(expected), "{raw}");
        }
        let error = state
            .purchase(&Target::AreaCode(533), settings(), now)
            .unwrap_err();
        assert!(code(error).contains("21452"));
        assert!(!state.release("PNunknown"));
    }
}
