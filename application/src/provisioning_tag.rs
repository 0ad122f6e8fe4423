//! The tag Switchboard puts in a purchased number's `FriendlyName` (Twilio allows 64
//! characters, "IncomingPhoneNumbers" resource): the organization's name and the provisioning
//! request id, so the reconciler can tell, from the provider's own list, which purchase a
//! number belongs to even if we crashed before recording it.

use switchboard_domain::RequestId;

/// How much of the organization's name is kept (the request id takes 38 of the 64 characters).
const NAME_CHARS: usize = 24;

/// `"{name, at most 24 chars} [{request id}]"`.
pub fn friendly_name(organization_name: &str, request_id: RequestId) -> String {
    let name: String = organization_name.chars().take(NAME_CHARS).collect();
    format!("{} [{request_id}]", name.trim_end())
}

/// The request id in a friendly name made by [`friendly_name`], if it is one.
pub fn request_id(friendly_name: &str) -> Option<RequestId> {
    let inner = friendly_name.trim_end().strip_suffix(']')?;
    let (_, id) = inner.rsplit_once('[')?;
    uuid::Uuid::parse_str(id).ok().map(RequestId::from_uuid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_fits_twilio_and_carries_the_request() {
        let request = RequestId::from_uuid(uuid::Uuid::from_u128(42));
        let name = friendly_name(
            "A very long organization name indeed, longer than most",
            request,
        );
        assert!(name.chars().count() <= 64, "{name}");
        assert_eq!(request_id(&name), Some(request));
        assert_eq!(request_id("(415) 555-0100"), None);
        assert_eq!(request_id("Shop [not-a-uuid]"), None);
    }
}
