//! `Requiring<T, R>`: a request body `T` whose schema also states which members must be present
//! (rule `R`: exactly one of, or at least one of, some members), which an object's own schema
//! cannot say. The handler enforces the rule with its own problem codes.

use std::borrow::Cow;
use std::marker::PhantomData;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use serde_json::Value;

/// Which members a body must carry.
pub trait PresenceRule: Send + Sync + 'static {
    /// `true`: exactly one of [`PresenceRule::MEMBERS`]; `false`: at least one of them.
    const EXACTLY_ONE: bool;
    /// The members.
    const MEMBERS: &'static [&'static str];
}

/// A body `T` under the presence rule `R`.
pub struct Requiring<T, R>(pub T, PhantomData<R>);

impl<T, R> Requiring<T, R> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: Type, R: PresenceRule> Type for Requiring<T, R> {
    const IS_REQUIRED: bool = true;
    type RawValueType = T::RawValueType;
    type RawElementValueType = T::RawElementValueType;

    fn name() -> Cow<'static, str> {
        T::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    /// Registers `T`'s schema with `allOf: [{oneOf|anyOf: [{required: [member]}, …]}]` added.
    fn register(registry: &mut Registry) {
        T::register(registry);
        let alternatives: Vec<MetaSchemaRef> = R::MEMBERS
            .iter()
            .map(|member| {
                MetaSchemaRef::Inline(Box::new(MetaSchema {
                    required: vec![member],
                    ..MetaSchema::ANY
                }))
            })
            .collect();
        let rule = if R::EXACTLY_ONE {
            MetaSchema {
                one_of: alternatives,
                ..MetaSchema::ANY
            }
        } else {
            MetaSchema {
                any_of: alternatives,
                ..MetaSchema::ANY
            }
        };
        if let Some(schema) = registry.schemas.get_mut(T::name().as_ref()) {
            schema.all_of = vec![MetaSchemaRef::Inline(Box::new(rule))];
        }
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

impl<T: ParseFromJSON, R: PresenceRule> ParseFromJSON for Requiring<T, R> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        T::parse_from_json(value)
            .map(|body| Self(body, PhantomData))
            .map_err(ParseError::propagate)
    }
}

impl<T: ToJSON, R: PresenceRule> ToJSON for Requiring<T, R> {
    fn to_json(&self) -> Option<Value> {
        self.0.to_json()
    }
}
