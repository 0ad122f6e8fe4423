//! `POST …/Messages.json`: the account sends a message (REFERENCE §1.4; OAI operationId
//! `CreateMessage`). Form fields honoured: `To`, `From`, `Body`, `MediaUrl` (repeated),
//! `ContentSid`, `ContentVariables`, `StatusCallback`; others are accepted and ignored. The
//! validation rules and their Twilio codes are in `outbound.rs` and `SandboxState::send`.
//!
//! On success the message is logged (`GET {mount}/messages/outbound`), answered 201 with the
//! `message` resource (`status: queued`), and its status callbacks (`sent`, then `delivered`)
//! follow in the background (`status_callbacks.rs`).

use chrono::Utc;
use poem::http::StatusCode;
use poem::web::{Data, Json, Path};
use poem::{handler, IntoResponse, Request, Response};

use super::auth::authorize;
use super::outbound;
use super::resources::{message, Uris};
use super::routes::Params;
use super::status_callbacks::spawn_lifecycle;
use super::Sandbox;

#[handler]
pub(crate) async fn create(
    request: &Request,
    Data(sandbox): Data<&Sandbox>,
    Path(account_sid): Path<String>,
    body: Vec<u8>,
) -> poem::Result<Response> {
    authorize(request, sandbox, &account_sid)?;
    let draft = outbound::parse(&Params::parse(&body))?;
    let uris = Uris::of(request, sandbox, &account_sid);
    let (sid, resource) = {
        let mut state = sandbox.state();
        let record = state.send(draft, Utc::now())?;
        let resource = message(record, &uris);
        (record.sid.clone(), resource)
    };
    tracing::info!(message_sid = %sid, "sandbox accepted an outbound message");
    spawn_lifecycle(sandbox.clone(), sid);
    Ok(Json(resource)
        .with_status(StatusCode::CREATED)
        .into_response())
}
