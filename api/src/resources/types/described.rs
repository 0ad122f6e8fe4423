//! `Described<T>`: a member whose type is a named schema (an enum or an object) and which has a
//! description of its own. The spec then says `{description, allOf: [$ref]}`, which client
//! generators read as the named type itself; poem-openapi's own form,
//! `allOf: [$ref, {description}]`, makes openapi-python-client refuse an enum and copy an object
//! into a new class.

use std::borrow::Cow;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::{ParseFromJSON, ParseResult, ToJSON, Type};
use serde_json::Value;

/// A `T` that is described where it is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Described<T>(pub T);

/// `{allOf: [schema]}`: a place for a description (and `nullable`) beside a named schema.
pub fn wrapped(schema: MetaSchemaRef) -> MetaSchemaRef {
    match schema {
        MetaSchemaRef::Reference(_) => MetaSchemaRef::Inline(Box::new(MetaSchema {
            all_of: vec![schema],
            ..MetaSchema::ANY
        })),
        inline => inline,
    }
}

impl<T: Type> Type for Described<T> {
    const IS_REQUIRED: bool = T::IS_REQUIRED;
    type RawValueType = T::RawValueType;
    type RawElementValueType = T::RawElementValueType;

    fn name() -> Cow<'static, str> {
        T::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        wrapped(T::schema_ref())
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
}

impl<T: ParseFromJSON> ParseFromJSON for Described<T> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        T::parse_from_json(value)
            .map(Self)
            .map_err(poem_openapi::types::ParseError::propagate)
    }
}

impl<T: ToJSON> ToJSON for Described<T> {
    fn to_json(&self) -> Option<Value> {
        self.0.to_json()
    }
}

impl<T> From<T> for Described<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}
