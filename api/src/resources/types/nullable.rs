//! `Nullable<T>`: a PATCH member where absent leaves a setting as it is, `null` resets it to its
//! default and a value sets it; the spec declares it `nullable`.

use std::borrow::Cow;

use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::{MaybeUndefined, ParseFromJSON, ParseResult, ToJSON, Type};
use serde_json::Value;

/// Absent (unchanged), `null` (reset to the default) or a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nullable<T>(pub MaybeUndefined<T>);

impl<T> Default for Nullable<T> {
    fn default() -> Self {
        Self(MaybeUndefined::Undefined)
    }
}

impl<T: Type> Type for Nullable<T> {
    const IS_REQUIRED: bool = false;
    type RawValueType = T::RawValueType;
    type RawElementValueType = T::RawElementValueType;

    fn name() -> Cow<'static, str> {
        format!("nullable_{}", T::name()).into()
    }

    /// `T`'s schema with `nullable: true` (a named schema wrapped as `{allOf: [$ref]}` first).
    fn schema_ref() -> MetaSchemaRef {
        match super::wrapped(T::schema_ref()) {
            MetaSchemaRef::Inline(mut schema) => {
                schema.nullable = true;
                MetaSchemaRef::Inline(schema)
            }
            reference => reference,
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        self.0.as_raw_value()
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        self.0.raw_element_iter()
    }

    fn is_none(&self) -> bool {
        self.0.is_undefined()
    }
}

impl<T: ParseFromJSON> ParseFromJSON for Nullable<T> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        MaybeUndefined::parse_from_json(value)
            .map(Self)
            .map_err(poem_openapi::types::ParseError::propagate)
    }
}

impl<T: ToJSON> ToJSON for Nullable<T> {
    fn to_json(&self) -> Option<Value> {
        self.0.to_json()
    }
}
