use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Channel, ChannelAddress, E164};

/// Twilio's `To` of an inbound message: a channel address we can route (`+E164`,
/// `whatsapp:+E164`), or anything else Twilio may deliver to us (a short code such as `12345`,
/// `messenger:…`, `rcs:…`), kept as sent so that the message is still recorded (unrouted)
/// rather than refused.
///
/// Stored as the [`ChannelAddress`] object (`{"channel", "number"}`) or as `{"raw": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum InboundAddress {
    /// An address on a channel we route.
    Routable(ChannelAddress),
    /// Any other address, as sent (trimmed).
    Unparsed {
        /// The `To` as Twilio sent it.
        raw: String,
    },
}

impl InboundAddress {
    /// Reads `input`: a [`ChannelAddress`] when it parses as one, else kept as sent. Never
    /// fails: whatever reached us is recorded.
    pub fn parse(input: &str) -> Self {
        match ChannelAddress::parse(input) {
            Ok(address) => Self::Routable(address),
            Err(_) => Self::Unparsed {
                raw: input.trim().to_string(),
            },
        }
    }

    /// The E.164 number, when the address is one we route.
    pub fn number(&self) -> Option<&E164> {
        match self {
            Self::Routable(address) => Some(&address.number),
            Self::Unparsed { .. } => None,
        }
    }

    /// The channel: the address's, or SMS for an address we do not route (the webhook it came
    /// on is the messaging one).
    pub fn channel(&self) -> Channel {
        match self {
            Self::Routable(address) => address.channel,
            Self::Unparsed { .. } => Channel::Sms,
        }
    }
}

impl From<ChannelAddress> for InboundAddress {
    fn from(address: ChannelAddress) -> Self {
        Self::Routable(address)
    }
}

impl fmt::Display for InboundAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Routable(address) => address.fmt(f),
            Self::Unparsed { raw } => f.write_str(raw),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_routable_address_is_stored_as_a_channel_address_was() {
        let address = ChannelAddress::parse("whatsapp:+14155550100").unwrap();
        let stored = serde_json::to_value(&address).unwrap();
        let read: InboundAddress = serde_json::from_value(stored.clone()).unwrap();
        assert_eq!(read, InboundAddress::Routable(address));
        assert_eq!(serde_json::to_value(&read).unwrap(), stored);
    }

    #[test]
    fn short_codes_and_other_channels_are_kept_as_sent() {
        for to in ["12345", "messenger:abc", "rcs:x", " +1 "] {
            let address = InboundAddress::parse(to);
            assert_eq!(
                address,
                InboundAddress::Unparsed {
                    raw: to.trim().into()
                }
            );
            assert_eq!(address.number(), None);
            assert_eq!(address.to_string(), to.trim());
            let stored = serde_json::to_value(&address).unwrap();
            assert_eq!(stored, json!({"raw": to.trim()}));
            assert_eq!(
                serde_json::from_value::<InboundAddress>(stored).unwrap(),
                address
            );
        }
    }
}
