//! Upcasters of `Organization` events: stored events of an older schema, rewritten to the
//! current one when read (by cqrs-es when loading an organization, and by every reader of the
//! global log), so old events keep replaying and are never rewritten in place.

use cqrs_es::persist::{EventUpcaster, SemanticVersionEventUpcaster};
use serde_json::Value;

/// `NumberRequested` 1.0 → 2.0: 1.0 stored an area-code target's `area_code` as a number (so
/// `020` could not be told from `20`); 2.0 stores the digits as written. 1.0 only ever held
/// North American codes, 200 to 999, so the number's decimal digits are the code exactly.
pub fn number_requested_v2() -> Box<dyn EventUpcaster> {
    Box::new(SemanticVersionEventUpcaster::new(
        "NumberRequested",
        "2.0",
        Box::new(area_code_as_text),
    ))
}

fn area_code_as_text(mut payload: Value) -> Value {
    let area_code = payload
        .get_mut("NumberRequested")
        .and_then(|event| event.get_mut("target"))
        .and_then(|target| target.get_mut("area_code"));
    if let Some(code) = area_code {
        if let Some(number) = code.as_u64() {
            *code = Value::String(number.to_string());
        }
    }
    payload
}

#[cfg(test)]
mod tests {
    use cqrs_es::Aggregate;
    use serde_json::json;

    use super::super::{NumberTarget, Organization, OrganizationEvent};
    use crate::upcasting::{is_current, upcast};
    use crate::{AreaCode, NumberType, RequestId};

    /// A `NumberRequested` for an area code exactly as version 1.0 stored it.
    fn stored_v1(request_id: RequestId) -> serde_json::Value {
        json!({"NumberRequested": {
            "request_id": request_id,
            "target": {"kind": "area_code", "country": "US", "area_code": 415,
                       "number_type": "local"},
            "requested_at": "2025-01-02T03:04:05Z"
        }})
    }

    #[test]
    fn a_stored_v1_area_code_request_reads_with_its_code_as_text() {
        let request_id = RequestId::new_random();
        assert!(serde_json::from_value::<OrganizationEvent>(stored_v1(request_id)).is_err());
        assert!(!is_current("NumberRequested", "1.0"));
        let event: OrganizationEvent =
            serde_json::from_value(upcast("NumberRequested", "1.0", stored_v1(request_id)))
                .unwrap();
        let OrganizationEvent::NumberRequested { target, .. } = &event else {
            panic!("not a NumberRequested: {event:?}");
        };
        assert_eq!(
            target,
            &NumberTarget::AreaCode {
                country: "US".into(),
                area_code: AreaCode::parse("415").unwrap(),
                number_type: NumberType::Local,
            }
        );
        // It replays: the request is in flight on the organization.
        let mut organization = Organization::default();
        organization.apply(event);
        assert!(organization.requests_in_flight().contains_key(&request_id));
    }

    #[test]
    fn version_2_and_number_targets_are_left_alone() {
        let mut v2 = stored_v1(RequestId::new_random());
        v2["NumberRequested"]["target"]["area_code"] = json!("020");
        assert_eq!(upcast("NumberRequested", "2.0", v2.clone()), v2);
        assert!(is_current("NumberRequested", "2.0"));
        let by_number = json!({"NumberRequested": {"target": {"kind": "number",
                                                   "phone_number": "+14155550100"}}});
        assert_eq!(
            upcast("NumberRequested", "1.0", by_number.clone()),
            by_number
        );
    }
}
