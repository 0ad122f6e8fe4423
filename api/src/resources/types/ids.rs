//! Identifiers on the wire: an organization id (`format: uuid`) and a phone number (E.164,
//! `pattern: ^\+[1-9][0-9]{7,14}$`), parsed at the edge into their value objects.

use std::borrow::Cow;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{
    ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type,
};
use serde_json::Value;
use switchboard_domain::{OrganizationId, E164};

/// The E.164 pattern of the spec: `+`, a digit 1–9, 7 to 14 more digits.
pub const E164_PATTERN: &str = r"^\+[1-9][0-9]{7,14}$";

/// An organization id in a path: a UUID in its hyphenated form (36 characters, any case). Its
/// type is named after the path parameter `id`, which a parse error names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrganizationIdParam(pub OrganizationId);

impl Type for OrganizationIdParam {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "id".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", "uuid")))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromParameter for OrganizationIdParam {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        let invalid =
            || ParseError::custom(format!("`{value}` is not an organization id (a UUID)"));
        if value.len() != 36 {
            return Err(invalid());
        }
        value.parse().map(Self).map_err(|_| invalid())
    }
}

/// A phone number in E.164's canonical form, e.g. `+14155550100`, in a path or a response. Its
/// type is named after the path parameter `phone_number`, which a parse error names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber(pub E164);

impl Type for PhoneNumber {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "phone_number".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            pattern: Some(E164_PATTERN.to_string()),
            example: Some(Value::from("+14155550100")),
            ..MetaSchema::new("string")
        }))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromParameter for PhoneNumber {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        E164::parse_canonical(value)
            .map(Self)
            .map_err(ParseError::custom)
    }
}

impl ParseFromJSON for PhoneNumber {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(text)) => Self::parse_from_parameter(&text),
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl ToJSON for PhoneNumber {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(self.0.as_str()))
    }
}

impl From<E164> for PhoneNumber {
    fn from(number: E164) -> Self {
        Self(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organization_id_is_a_hyphenated_uuid() {
        let id = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        assert!(OrganizationIdParam::parse_from_parameter(id).is_ok());
        assert!(OrganizationIdParam::parse_from_parameter(&id.to_uppercase()).is_ok());
        for bad in ["0", "67e5504410b1426f9247bb680e5fe0c8", "not-a-uuid"] {
            assert!(
                OrganizationIdParam::parse_from_parameter(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_phone_number_is_canonical_e164() {
        assert!(PhoneNumber::parse_from_parameter("+14155550100").is_ok());
        for bad in [
            "14155550100",
            "+1 415 555 0100",
            "+0123456789",
            "+1234567",
            "abc",
        ] {
            assert!(PhoneNumber::parse_from_parameter(bad).is_err(), "{bad}");
        }
    }
}
