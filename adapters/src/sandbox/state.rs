//! Everything the sandbox remembers, the buy/release rules that move numbers between the
//! inventory and the account, and the rule for who may send.

use super::faults::Faults;
use std::time::Duration;

use chrono::{DateTime, Utc};
use switchboard_domain::{AreaCode, Channel, E164};

use super::errors::ApiError;
use super::inventory::{Inventory, MAGIC_AVAILABLE, MAGIC_INVALID};
use super::outbound;
use super::owned::{NumberSettings, OwnedNumbers, OwnedRecord};
use super::sent::{OutboundDraft, SentMessages, SentRecord};
use crate::twilio::Flavor;

/// How long the sandbox waits before each automatic status callback (`sent`, then
/// `delivered`), unless [`Sandbox::set_status_callback_delay`](super::Sandbox::set_status_callback_delay)
/// says otherwise.
pub(crate) const DEFAULT_STATUS_CALLBACK_DELAY: Duration = Duration::from_millis(50);

/// The sandbox's mutable state (behind the [`Sandbox`](super::Sandbox) handle's mutex).
#[derive(Debug)]
pub(crate) struct SandboxState {
    /// The dialect, for the shape of new SIDs.
    pub flavor: Flavor,
    pub inventory: Inventory,
    pub owned: OwnedNumbers,
    /// Every message the account sent, oldest first.
    pub sent: SentMessages,
    /// The pause before each automatic status callback.
    pub status_callback_delay: Duration,
    /// Numbers whose resource a test made fail.
    pub faults: Faults,
}

/// What `POST …/IncomingPhoneNumbers.json` asked to buy.
#[derive(Debug)]
pub(crate) enum Target<'a> {
    /// `PhoneNumber`, as given.
    Number(&'a str),
    /// `AreaCode` (North American).
    AreaCode(AreaCode),
}

impl SandboxState {
    /// A fresh account of `flavor` with the generated inventory and no numbers.
    pub fn new(flavor: Flavor) -> Self {
        Self {
            flavor,
            inventory: Inventory::generate(),
            owned: OwnedNumbers::default(),
            sent: SentMessages::default(),
            status_callback_delay: DEFAULT_STATUS_CALLBACK_DELAY,
            faults: Faults::default(),
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
                .take_in_area_code(area_code)
                .ok_or_else(|| ApiError::no_numbers_in_area_code(area_code))?,
        };
        let record = OwnedRecord::new(self.flavor.new_sid("PN"), entry, settings, now);
        let sid = record.sid.clone();
        self.owned.insert(record);
        Ok(self.owned.get(&sid).expect("just inserted"))
    }

    /// Logs `draft` as sent (`queued`) when the account may send from its `From`: the magic
    /// `+15005550006`, or a number it owns (SMS-capable, unless the message is on WhatsApp).
    ///
    /// # Errors
    /// 21606 for any other `From` (REFERENCE §5: "any other → 21606").
    pub fn send(
        &mut self,
        draft: OutboundDraft,
        now: DateTime<Utc>,
    ) -> Result<&SentRecord, ApiError> {
        let from = &draft.from;
        let allowed = from.number.as_str() == MAGIC_AVAILABLE
            || self.owned.by_number(&from.number).is_some_and(|record| {
                from.channel == Channel::Whatsapp || record.entry.capabilities.sms
            });
        if !allowed {
            return Err(outbound::not_owned(&from.number));
        }
        Ok(self.sent.push(SentRecord::new(draft, self.flavor, now)))
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
        let mut state = SandboxState::new(Flavor::Twilio);
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
                .purchase(
                    &Target::AreaCode(AreaCode::parse("500").unwrap()),
                    settings(),
                    now
                )
                .unwrap_err()
        )
        .contains("21452"));
        assert!(state.release(&sid));
        let by_area = state
            .purchase(
                &Target::AreaCode(AreaCode::parse("500").unwrap()),
                settings(),
                now,
            )
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
            .purchase(
                &Target::AreaCode(AreaCode::parse("533").unwrap()),
                settings(),
                now,
            )
            .unwrap_err();
        assert!(code(error).contains("21452"));
        assert!(!state.release("PNunknown"));
    }

    fn draft(from: &str) -> OutboundDraft {
        OutboundDraft {
            from: switchboard_domain::ChannelAddress::parse(from).unwrap(),
            to: switchboard_domain::ChannelAddress::parse("+15551230000").unwrap(),
            body: Some("hi".into()),
            media_urls: Vec::new(),
            content_sid: None,
            content_variables: None,
            status_callback: None,
        }
    }

    #[test]
    fn only_owned_sms_numbers_and_the_magic_number_may_send() {
        let mut state = SandboxState::new(Flavor::Twilio);
        let now = Utc::now();
        let sent = state.send(draft(MAGIC_AVAILABLE), now).unwrap();
        assert_eq!(sent.status, "queued");
        assert!(sent.sid.starts_with("SM") && sent.sid.len() == 34);
        assert!(code(state.send(draft("+14155550100"), now).unwrap_err()).contains("21606"));
        for number in ["+14155550100", "+14155550104"] {
            let target = Target::Number(number);
            state
                .purchase(&target, NumberSettings::default(), now)
                .unwrap();
        }
        assert!(state.send(draft("+14155550100"), now).is_ok());
        // +14155550104 is voice-only: no SMS, but WhatsApp is allowed.
        assert!(code(state.send(draft("+14155550104"), now).unwrap_err()).contains("21606"));
        let mut whatsapp = draft("whatsapp:+14155550104");
        whatsapp.to = switchboard_domain::ChannelAddress::parse("whatsapp:+15551230000").unwrap();
        assert!(state.send(whatsapp, now).is_ok());
        assert_eq!(state.sent.iter().count(), 3);
    }
}
