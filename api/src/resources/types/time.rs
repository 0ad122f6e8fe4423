//! Time on the wire: an IANA time zone (the spec enum `TimeZone`, every name of the tz database)
//! and a time of day (`HH:MM`, 24-hour, `24:00` allowed).

use std::borrow::Cow;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::{
    ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type,
};
use serde_json::Value;
use switchboard_domain::TimeZone;

/// An IANA time zone, e.g. `Europe/Madrid`: exactly one of the tz database's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeZoneName(pub TimeZone);

impl Type for TimeZoneName {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "TimeZone".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Reference(Self::name().into_owned())
    }

    fn register(registry: &mut Registry) {
        registry.create_schema::<Self, _>(Self::name().into_owned(), |_| MetaSchema {
            description: Some("An IANA time zone (tz database name), e.g. `Europe/Madrid`."),
            enum_items: TimeZone::names().map(Value::from).collect(),
            ..MetaSchema::new("string")
        });
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

impl ParseFromParameter for TimeZoneName {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        // Exactly a listed name: `TimeZone::parse` would also take surrounding blanks.
        if !TimeZone::names().any(|name| name == value) {
            return Err(ParseError::custom(format!(
                "`{value}` is not an IANA time zone"
            )));
        }
        TimeZone::parse(value).map(Self).map_err(ParseError::custom)
    }
}

impl ParseFromJSON for TimeZoneName {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(text)) => Self::parse_from_parameter(&text),
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl ToJSON for TimeZoneName {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(String::from(self.0)))
    }
}

/// The spec pattern of a time of day.
pub const TIME_OF_DAY_PATTERN: &str = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";

/// A local time of day as written on the wire, `HH:MM` 24-hour (`24:00` allowed as an end). The
/// spec declares its pattern; the text is read as it is so that the settings handler refuses a
/// bad time naming its day (`business_hours.monday`), with [`TimeOfDay::is_well_formed`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeOfDay(pub String);

impl TimeOfDay {
    /// Whether the text matches [`TIME_OF_DAY_PATTERN`].
    pub fn is_well_formed(&self) -> bool {
        let b = self.0.as_bytes();
        if b.len() != 5 || b[2] != b':' || ![b[0], b[1], b[3], b[4]].iter().all(u8::is_ascii_digit)
        {
            return false;
        }
        let (hours, minutes) = (
            (b[0] - b'0') * 10 + b[1] - b'0',
            (b[3] - b'0') * 10 + b[4] - b'0',
        );
        (hours < 24 && minutes < 60) || (hours == 24 && minutes == 0)
    }
}

impl Type for TimeOfDay {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string_time_of_day".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            pattern: Some(TIME_OF_DAY_PATTERN.to_string()),
            example: Some(Value::from("09:00")),
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

impl ParseFromJSON for TimeOfDay {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(text)) => Ok(Self(text)),
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl ToJSON for TimeOfDay {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(self.0.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_of_day_is_hh_mm_up_to_24_00() {
        for good in ["00:00", "09:30", "23:59", "24:00"] {
            assert!(TimeOfDay(good.into()).is_well_formed(), "{good}");
        }
        for bad in [
            "9:30", "24:01", "25:00", "12:60", " 09:00", "+9:00", "09-00", "9am",
        ] {
            assert!(!TimeOfDay(bad.into()).is_well_formed(), "{bad}");
        }
    }

    #[test]
    fn a_time_zone_is_exactly_a_tz_database_name() {
        assert!(TimeZoneName::parse_from_parameter("Europe/Madrid").is_ok());
        for bad in ["europe/madrid", " UTC", "Mars/Olympus_Mons"] {
            assert!(TimeZoneName::parse_from_parameter(bad).is_err(), "{bad}");
        }
    }
}
