//! Live streams for dashboards: `GET /v1/organizations/{id}/stream` and, for the platform,
//! `GET /v1/stream`. Server-Sent Events of the delivery envelopes, read from the global log in
//! commit order (`event:` the type, `id:` the global position, `data:` the JSON), with a
//! keep-alive comment every 15 s; `Last-Event-ID` (or `?after=`) resumes after a position, so a
//! browser's `EventSource` reconnects without a gap. The stream is pulled: a slow reader only
//! holds its connection, never a growing buffer in the server.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures::stream::BoxStream;
use futures::StreamExt;
use poem::web::sse::{Event, SSE};
use poem::web::Data;
use poem::IntoResponse;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::registry::{
    MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry,
};
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::ports::{wait_for_append, LogPosition, StoreError};
use switchboard_application::AppError;
use switchboard_domain::EventType;
use switchboard_projections::delivery::envelope_of;

use super::envelope_dtos::Envelope;
use super::types::OrganizationIdParam;
use super::ApiTags;
use crate::auth::ApiKey;
use crate::problem::status::{AUTHENTICATED, BAD_REQUEST, NOT_FOUND};
use crate::problem::{ApiError, Problems};
use crate::state::AppState;
use tokio::sync::watch;

/// Keep-alive comment interval.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events read from the log per round.
const BATCH: u32 = 200;
/// How long a caught-up stream waits for an append before looking again.
const IDLE_WAIT: Duration = Duration::from_secs(1);

/// The event stream: one SSE event per envelope. Documented per event (as schemathesis and
/// OpenAPI 3.2's `itemSchema` read a `text/event-stream` schema): `data` is the JSON of an
/// `Envelope`, `event` its type, `id` its global position.
struct StreamResponse(BoxStream<'static, Envelope>);

impl ApiResponse for StreamResponse {
    fn meta() -> MetaResponses {
        let text = |description: &'static str| {
            let mut schema = MetaSchema::new("string");
            schema.description = Some(description);
            MetaSchemaRef::Inline(Box::new(schema))
        };
        let mut event = MetaSchema::new("string");
        event.description = Some("The envelope's type.");
        event.enum_items = EventType::ALL
            .iter()
            .map(|t| serde_json::Value::from(t.as_str()))
            .collect();
        let mut id = MetaSchema::new("string");
        id.description = Some("The global log position; send it back as `Last-Event-ID`.");
        id.pattern = Some("^[0-9]{1,18}$".into());
        let mut item = MetaSchema::new("object");
        item.description = Some("One Server-Sent Event.");
        item.required = vec!["data", "event", "id"];
        item.properties = vec![
            (
                "data",
                text("The JSON of an `Envelope` (see the `Envelope` schema)."),
            ),
            ("event", MetaSchemaRef::Inline(Box::new(event))),
            ("id", MetaSchemaRef::Inline(Box::new(id))),
        ];
        MetaResponses {
            responses: vec![MetaResponse {
                description:
                    "The event stream (`text/event-stream`), one event per envelope, with \
                              a keep-alive comment every 15 s.",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: "text/event-stream",
                    schema: MetaSchemaRef::Inline(Box::new(item)),
                }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        <Envelope as poem_openapi::types::Type>::register(registry);
    }
}

impl IntoResponse for StreamResponse {
    fn into_response(self) -> poem::Response {
        let events = self.0.map(|envelope| {
            let json = poem_openapi::types::ToJSON::to_json_string(&envelope);
            Event::message(json)
                .event_type(EventType::from(envelope.event_type.0).as_str())
                .id(envelope.position.to_string())
        });
        SSE::new(events).keep_alive(KEEP_ALIVE).into_response()
    }
}

/// Live streams of envelopes.
pub struct StreamApi;

/// Where a stream starts: after `Last-Event-ID`, else after `after`, else at the log's end (also
/// for a position no event has).
async fn start(
    state: &AppState,
    last_event_id: Option<String>,
    after: Option<i64>,
) -> Result<LogPosition, ApiError> {
    // The header's pattern (digits) was checked by the framework.
    let position = match last_event_id {
        Some(id) => Some(id.trim().parse::<i64>().map_err(|_| {
            ApiError::bad_parameter(
                "Last-Event-ID",
                "invalid_parameter",
                "Last-Event-ID is not a position this stream sent",
            )
        })?),
        None => after,
    };
    let store = |e: StoreError| ApiError::from(AppError::Store(e));
    match position {
        Some(0) => Ok(LogPosition::START),
        Some(position) => match state.log.locate(position).await.map_err(store)? {
            Some(at) => Ok(at),
            // Not a position this server sent (ids are positions of existing events): resume
            // from the log's end rather than replay or refuse.
            None => state.log.head().await.map_err(store),
        },
        None => state.log.head().await.map_err(store),
    }
}

struct Cursor {
    state: Arc<AppState>,
    organization: Option<String>,
    at: LogPosition,
    ready: VecDeque<Envelope>,
    appends: watch::Receiver<u64>,
}

/// The envelopes after `at` (of one organization, or all), forever.
fn envelopes(
    state: Arc<AppState>,
    organization: Option<String>,
    at: LogPosition,
) -> BoxStream<'static, Envelope> {
    let cursor = Cursor {
        appends: state.log.appends(),
        state,
        organization,
        at,
        ready: VecDeque::new(),
    };
    futures::stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(next) = cursor.ready.pop_front() {
                return Some((next, cursor));
            }
            cursor.appends.borrow_and_update();
            match fill(&mut cursor).await {
                Ok(true) => {}
                Ok(false) => wait_for_append(&mut cursor.appends, IDLE_WAIT).await,
                Err(error) => {
                    tracing::warn!(%error, "live stream cannot read the log; ending it");
                    return None;
                }
            }
        }
    })
    .boxed()
}

/// Reads the next batch into `ready`; returns whether the log had anything new.
async fn fill(cursor: &mut Cursor) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let log = cursor.state.log.as_ref();
    let stored = log.read_after(cursor.at, BATCH).await?;
    let Some(last) = stored.last() else {
        return Ok(false);
    };
    let last = last.log_position;
    let events = log.opened(&stored).await?.unwrap_or(stored);
    let mut conn = cursor.state.projector.pool().acquire().await?;
    for event in &events {
        let Some(envelope) = envelope_of(&mut conn, event, Some(log)).await? else {
            continue;
        };
        if cursor
            .organization
            .as_ref()
            .is_some_and(|org| *org != envelope.organization_id.to_string())
        {
            continue;
        }
        let mut typed = Envelope::parse(&envelope.body())?;
        typed.position = event.log_position.position;
        cursor.ready.push_back(typed);
    }
    cursor.at = last;
    Ok(true)
}

fn sse(stream: BoxStream<'static, Envelope>) -> StreamResponse {
    StreamResponse(stream)
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Endpoints")]
impl StreamApi {
    /// Follow the organization's envelopes live (Server-Sent Events, resumable)
    #[oai(
        path = "/organizations/:id/stream",
        method = "get",
        operation_id = "streamOrganization"
    )]
    async fn organization(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// Resume after this global position (sent by `EventSource` on reconnection).
        #[oai(name = "Last-Event-ID", validator(pattern = "^[0-9]{1,18}$"))]
        last_event_id: Header<Option<String>>,
        /// Start after this global position (0: from the beginning); without it or
        /// `Last-Event-ID`, the stream starts now.
        #[oai(validator(minimum(value = "0")))]
        after: Query<Option<i64>>,
    ) -> Result<StreamResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let organization = id.0 .0;
        state.app.organization(organization).await?;
        let at = start(&state, last_event_id.0, after.0).await?;
        Ok(sse(envelopes(
            Arc::clone(&state),
            Some(organization.to_string()),
            at,
        )))
    }

    /// Follow every organization's envelopes live (platform admin; Server-Sent Events)
    #[oai(path = "/stream", method = "get", operation_id = "streamPlatform")]
    async fn platform(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// Resume after this global position (sent by `EventSource` on reconnection).
        #[oai(name = "Last-Event-ID", validator(pattern = "^[0-9]{1,18}$"))]
        last_event_id: Header<Option<String>>,
        /// Start after this global position (0: from the beginning); without it or
        /// `Last-Event-ID`, the stream starts now.
        #[oai(validator(minimum(value = "0")))]
        after: Query<Option<i64>>,
    ) -> Result<StreamResponse, Problems<{ AUTHENTICATED | BAD_REQUEST }>> {
        let at = start(&state, last_event_id.0, after.0).await?;
        Ok(sse(envelopes(Arc::clone(&state), None, at)))
    }
}
