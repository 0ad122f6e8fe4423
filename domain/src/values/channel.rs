use std::fmt;

use serde::{Deserialize, Serialize};

use super::{InvalidE164, E164};

/// The channel a message travels on. Twilio marks WhatsApp addresses with a `whatsapp:` prefix
/// ("Twilio's request to your incoming message Webhook URL" doc page); everything else is SMS/MMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// SMS or MMS on a phone number.
    Sms,
    /// WhatsApp Business, address `whatsapp:+E164`.
    Whatsapp,
}

impl Channel {
    /// The wire name: `sms` or `whatsapp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Twilio channel address such as `+14155550100` or `whatsapp:+14155550100`, split into its
/// channel and E.164 number.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelAddress {
    /// The channel the prefix names (no prefix: SMS).
    pub channel: Channel,
    /// The number without its prefix.
    pub number: E164,
}

impl ChannelAddress {
    /// Parses `+E164` or `whatsapp:+E164` (prefix case-insensitive).
    ///
    /// # Errors
    /// [`InvalidE164`] when the part after the prefix is not an E.164 number.
    pub fn parse(input: &str) -> Result<Self, InvalidE164> {
        let trimmed = input.trim();
        let (channel, rest) = match trimmed.get(..9) {
            Some(prefix) if prefix.eq_ignore_ascii_case("whatsapp:") => {
                (Channel::Whatsapp, &trimmed[9..])
            }
            _ => (Channel::Sms, trimmed),
        };
        let number = E164::parse(rest).map_err(|_| InvalidE164 {
            input: input.to_string(),
        })?;
        Ok(Self { channel, number })
    }
}

impl fmt::Display for ChannelAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.channel {
            Channel::Sms => write!(f, "{}", self.number),
            Channel::Whatsapp => write!(f, "whatsapp:{}", self.number),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whatsapp_prefix_selects_the_whatsapp_channel() {
        let address = ChannelAddress::parse("whatsapp:+14155238886").unwrap();
        assert_eq!(address.channel, Channel::Whatsapp);
        assert_eq!(address.number.as_str(), "+14155238886");
        assert_eq!(address.to_string(), "whatsapp:+14155238886");
    }

    #[test]
    fn a_bare_number_is_sms() {
        let address = ChannelAddress::parse("+14155238886").unwrap();
        assert_eq!(address.channel, Channel::Sms);
    }

    #[test]
    fn a_prefix_without_a_number_is_refused() {
        assert!(ChannelAddress::parse("whatsapp:").is_err());
        assert!(ChannelAddress::parse("messenger:+14155238886").is_err());
    }
}
