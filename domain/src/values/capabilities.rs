use serde::{Deserialize, Serialize};

/// What a number can do, as the provider reports it (`capabilities` on Twilio's
/// `IncomingPhoneNumber` and `AvailablePhoneNumber` resources).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Can send and receive SMS.
    pub sms: bool,
    /// Can send and receive MMS.
    pub mms: bool,
    /// Can place and receive voice calls.
    pub voice: bool,
}
