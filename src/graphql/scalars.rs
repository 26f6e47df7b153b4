//! The schema's own scalars. `DateTime` is ours rather than async-graphql's so that every
//! instant is written one way (UTC, `Z`, six fractional digits) and described once;
//! `MessageMetadata` names what the JSON is for, so that it cannot clash with another
//! subgraph's `JSON`.

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::Field;
use async_graphql::{
    ContextSelectionSet, InputType, InputValueError, InputValueResult, OutputType, Positioned,
    Scalar, ScalarType, ServerResult, Value, registry,
};
use chrono::Utc;
use std::borrow::Cow;
use std::sync::Arc;

/// An instant, as the schema's `DateTime`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub chrono::DateTime<Utc>);

impl From<chrono::DateTime<Utc>> for Timestamp {
    fn from(t: chrono::DateTime<Utc>) -> Self {
        Timestamp(t)
    }
}

/// The format of every `DateTime` this API writes.
const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// Where the `DateTime` format is specified.
const SPECIFIED_BY: &str = "https://scalars.graphql.org/andimarek/date-time";

const DESCRIPTION: &str = "An instant, as an RFC 3339 date-time string. Output is always in \
UTC with `Z` and exactly six fractional digits (microseconds, the precision stored): \
`2026-12-07T09:30:00.000000Z`. Input takes any RFC 3339 date-time with an offset (`Z`, \
`+02:00`), fractions optional, in the years 1 to 9999.";

impl ScalarType for Timestamp {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => s
                .parse::<chrono::DateTime<Utc>>()
                .map(Timestamp)
                .map_err(|_| {
                    InputValueError::custom(
                        "expected an RFC 3339 date and time with an offset, such as 2026-12-07T09:30:00Z",
                    )
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format(FORMAT).to_string())
    }
}

/// The scalar's registration, as `#[Scalar]` writes it, with `@specifiedBy` written as a
/// directive of its own as well: async-graphql prints `specified_by_url` only when the SDL
/// export asks for it (`include_specified_by`), which neither `sdl()` nor the federation
/// SDL of `_service { sdl }` does, and the supergraph should carry it. (An export with
/// `include_specified_by` would print it twice; nothing here uses one.)
fn timestamp_type() -> registry::MetaType {
    let mut url = IndexMap::new();
    url.insert("url".to_owned(), Value::String(SPECIFIED_BY.to_owned()));
    registry::MetaType::Scalar {
        name: "DateTime".to_owned(),
        description: Some(DESCRIPTION.to_owned()),
        is_valid: Some(Arc::new(<Timestamp as ScalarType>::is_valid)),
        visible: None,
        inaccessible: false,
        tags: Vec::new(),
        specified_by_url: Some(SPECIFIED_BY.to_owned()),
        directive_invocations: vec![registry::MetaDirectiveInvocation {
            name: "specifiedBy".to_owned(),
            args: url,
        }],
        requires_scopes: Vec::new(),
    }
}

impl InputType for Timestamp {
    type RawValueType = Self;

    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed("DateTime")
    }

    fn create_type_info(registry: &mut registry::Registry) -> String {
        registry
            .create_input_type::<Timestamp, _>(registry::MetaTypeId::Scalar, |_| timestamp_type())
    }

    fn parse(value: Option<Value>) -> InputValueResult<Self> {
        <Timestamp as ScalarType>::parse(value.unwrap_or_default())
    }

    fn to_value(&self) -> Value {
        <Timestamp as ScalarType>::to_value(self)
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

impl OutputType for Timestamp {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed("DateTime")
    }

    fn create_type_info(registry: &mut registry::Registry) -> String {
        registry
            .create_output_type::<Timestamp, _>(registry::MetaTypeId::Scalar, |_| timestamp_type())
    }

    async fn resolve(
        &self,
        _: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        Ok(<Timestamp as ScalarType>::to_value(self))
    }
}

/// A message's metadata: any JSON value (at most 16 KiB of compact JSON), as the client
/// that wrote it gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct Metadata(pub serde_json::Value);

/// A message's metadata: any JSON value, usually an object (at most 16 KiB of compact JSON,
/// no NUL characters), returned as it was written.
#[Scalar(name = "MessageMetadata")]
impl ScalarType for Metadata {
    fn parse(value: Value) -> InputValueResult<Self> {
        value
            .into_json()
            .map(Metadata)
            .map_err(|e| InputValueError::custom(e.to_string()))
    }

    fn to_value(&self) -> Value {
        Value::from_json(self.0.clone()).unwrap_or(Value::Null)
    }
}

/// A changed field's old or new value: any JSON value, as the field's own type writes it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventValue(pub serde_json::Value);

/// A changed field's old or new value, as JSON: a string for text, ids, enums (their
/// GraphQL value) and instants, a number, a boolean, or null.
#[Scalar(name = "ConversationEventValue")]
impl ScalarType for EventValue {
    fn parse(value: Value) -> InputValueResult<Self> {
        value
            .into_json()
            .map(EventValue)
            .map_err(|e| InputValueError::custom(e.to_string()))
    }

    fn to_value(&self) -> Value {
        Value::from_json(self.0.clone()).unwrap_or(Value::Null)
    }
}

/// A position in the event log, as clients hold it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventCursor(pub i64);

const EVENT_CURSOR_PREFIX: &str = "event:";

impl EventCursor {
    pub fn encode(self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!("{EVENT_CURSOR_PREFIX}{}", self.0))
    }

    pub fn decode(text: &str) -> Option<EventCursor> {
        use base64::Engine;
        if text.len() > 64 {
            return None;
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        let position: i64 = text.strip_prefix(EVENT_CURSOR_PREFIX)?.parse().ok()?;
        (position >= 0).then_some(EventCursor(position))
    }
}

/// An opaque position in the company's event log: every event carries one. Pass the last
/// one received as `after` to resume without missing or repeating an event.
#[Scalar(name = "EventCursor")]
impl ScalarType for EventCursor {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => EventCursor::decode(text).ok_or_else(|| {
                InputValueError::custom("not an event cursor: pass one an event carried")
            }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.encode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn event_cursors_round_trip_and_refuse_anything_else() {
        for position in [0, 1, 42, i64::MAX] {
            let cursor = EventCursor(position);
            assert_eq!(EventCursor::decode(&cursor.encode()), Some(cursor));
        }
        for bad in ["", "event:1", "ZXZlbnQ6LTE", "bm90OjE", &"A".repeat(100)] {
            assert_eq!(EventCursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_instant_is_written_in_utc_with_six_fractional_digits() {
        let whole = Utc.with_ymd_and_hms(2026, 12, 7, 9, 30, 0).unwrap();
        assert_eq!(
            ScalarType::to_value(&Timestamp(whole)),
            Value::String("2026-12-07T09:30:00.000000Z".into())
        );
        let fraction = whole + chrono::TimeDelta::microseconds(1_250);
        assert_eq!(
            ScalarType::to_value(&Timestamp(fraction)),
            Value::String("2026-12-07T09:30:00.001250Z".into())
        );
    }

    #[test]
    fn input_takes_any_offset() {
        let parsed =
            <Timestamp as ScalarType>::parse(Value::String("2026-12-07T11:30:00+02:00".into()))
                .unwrap();
        assert_eq!(
            parsed.0,
            Utc.with_ymd_and_hms(2026, 12, 7, 9, 30, 0).unwrap()
        );
        assert!(<Timestamp as ScalarType>::parse(Value::String("yesterday".into())).is_err());
        assert!(<Timestamp as ScalarType>::parse(Value::Number(1.into())).is_err());
    }
}
