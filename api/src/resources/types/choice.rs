//! `Choice<E>`: a request value the spec declares as the enum `E`, read leniently so that the
//! handler refuses an unknown value with the field's own problem (e.g. 422 `unknown_plan` naming
//! `plan`) rather than the framework's generic parse error. A value of the wrong JSON type is
//! still the framework's 400 `invalid_body`.

use std::borrow::Cow;

use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::{
    ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type,
};
use serde_json::Value;

use crate::problem::ApiError;

/// One of the values of the enum `E`, or the text that named none of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice<E> {
    /// A value of the enum.
    Known(E),
    /// Text that is no value of the enum.
    Unknown(String),
}

impl<E> Choice<E> {
    /// The value, or the problem `refuse` makes of the unknown text.
    ///
    /// # Errors
    /// `refuse(text)` for unknown text.
    pub fn known(self, refuse: impl FnOnce(&str) -> ApiError) -> Result<E, ApiError> {
        match self {
            Choice::Known(value) => Ok(value),
            Choice::Unknown(text) => Err(refuse(&text)),
        }
    }
}

impl<E: Type> Type for Choice<E> {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        E::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        super::wrapped(E::schema_ref())
    }

    fn register(registry: &mut Registry) {
        E::register(registry);
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

impl<E: ParseFromJSON> ParseFromJSON for Choice<E> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(text)) => Ok(
                match E::parse_from_json(Some(Value::String(text.clone()))) {
                    Ok(known) => Choice::Known(known),
                    Err(_) => Choice::Unknown(text),
                },
            ),
            other => E::parse_from_json(other)
                .map(Choice::Known)
                .map_err(ParseError::propagate),
        }
    }
}

impl<E: ParseFromParameter> ParseFromParameter for Choice<E> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Ok(match E::parse_from_parameter(value) {
            Ok(known) => Choice::Known(known),
            Err(_) => Choice::Unknown(value.to_string()),
        })
    }
}

impl<E: ToJSON> ToJSON for Choice<E> {
    fn to_json(&self) -> Option<Value> {
        match self {
            Choice::Known(value) => value.to_json(),
            Choice::Unknown(text) => Some(Value::from(text.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::types::Plan;

    #[test]
    fn a_known_value_parses_and_unknown_text_is_kept_for_the_handler() {
        let parse = |v: Value| Choice::<Plan>::parse_from_json(Some(v));
        assert_eq!(
            parse("starter".into()).unwrap(),
            Choice::Known(Plan::Starter)
        );
        assert_eq!(
            parse("Starter".into()).unwrap(),
            Choice::Unknown("Starter".into())
        );
        assert!(parse(Value::from(3)).is_err(), "a number is a type error");
        assert!(parse(Value::Null).is_err(), "null is a type error");
    }
}
