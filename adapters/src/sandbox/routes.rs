//! The sandbox's routing table and the small request helpers its handlers share.

use poem::error::{NotFoundError, ResponseError};
use poem::{get, post, Endpoint, EndpointExt, Request, Response, Route};
use switchboard_domain::AreaCode;

use super::errors::{ApiError, INVALID_AREA_CODE};
use super::receiver;
use super::{available, calls, incoming, messages, outbox, simulator, Sandbox};
use crate::twilio::{Flavor, API_VERSION};

/// Routes relative to the mount point (see [`Sandbox::endpoint`]): the REST resources under
/// `{api_path}/2010-04-01/Accounts/:account_sid` (`api_path` is empty for Twilio, `/api/laml`
/// for SignalWire), then the sandbox's own endpoints. Collections are `Name.json` at Twilio and
/// `Name` or `Name.json` at SignalWire; single resources and search types are captured whole
/// and their suffix checked by the handlers ([`Flavor::resource_name`](crate::twilio::Flavor)).
pub(crate) fn endpoint(sandbox: Sandbox) -> impl Endpoint<Output = Response> {
    let flavor = sandbox.flavor();
    let accounts = format!("{}/{API_VERSION}/Accounts/:account_sid", flavor.api_path());
    let collection = |name: &str| match flavor {
        Flavor::Twilio => vec![format!("{accounts}/{name}.json")],
        Flavor::SignalWire => vec![
            format!("{accounts}/{name}"),
            format!("{accounts}/{name}.json"),
        ],
    };
    let mut route = Route::new()
        .at(
            format!("{accounts}/AvailablePhoneNumbers/:country/:resource"),
            get(available::search),
        )
        .at(
            format!("{accounts}/IncomingPhoneNumbers/:resource"),
            get(incoming::fetch)
                .post(incoming::update)
                .delete(incoming::release),
        );
    for path in collection("IncomingPhoneNumbers") {
        route = route.at(path, get(incoming::list).post(incoming::create));
    }
    for path in collection("Messages") {
        route = route.at(path, post(messages::create));
    }
    route
        .at("/messages", post(simulator::receive))
        .at("/calls", post(calls::place))
        .at("/messages/outbound", get(outbox::list))
        .at("/messages/:message_sid/status", post(outbox::push_status))
        .nest("/receivers", receiver::endpoint())
        .data(sandbox)
        .catch_error(
            |_: NotFoundError| async move { ApiError::not_found("at this path").as_response() },
        )
}

/// The path the sandbox is mounted at (`/sandbox` when served by
/// [`serve_sandbox`](super::serve_sandbox)): the original path minus what the router saw.
pub(crate) fn mount_prefix(request: &Request) -> String {
    let full = request.original_uri().path();
    full.strip_suffix(request.uri().path())
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string()
}

/// Decoded `application/x-www-form-urlencoded` pairs (a query string or a form body), in order,
/// repeats kept.
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// The request's query parameters.
    pub fn query(request: &Request) -> Self {
        Self::parse(request.uri().query().unwrap_or_default().as_bytes())
    }

    /// Form parameters from a body; bytes that are not form-encoded give no parameters.
    pub fn parse(bytes: &[u8]) -> Self {
        Self(serde_urlencoded::from_bytes(bytes).unwrap_or_default())
    }

    /// The last value of `name`, trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
    }

    /// The last value of `name` exactly as sent (not trimmed), e.g. a message `Body`.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of a repeated `name` (e.g. `MediaUrl`), in order, trimmed.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .collect()
    }

    /// `name` as a boolean (`true`/`false`, any case).
    ///
    /// # Errors
    /// 400 / 20001 for any other value.
    pub fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.get(name)
            .map(|value| match value.to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(ApiError::invalid_parameter(format!(
                    "{name} must be true or false, not `{value}`"
                ))),
            })
            .transpose()
    }

    /// `name` as a number in `range`.
    ///
    /// # Errors
    /// 400 / 20001 when it is not an integer in `range`.
    pub fn number(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<u32>,
    ) -> Result<Option<u32>, ApiError> {
        self.get(name)
            .map(|value| {
                value
                    .parse()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| {
                        ApiError::invalid_parameter(format!(
                            "{name} must be an integer in {}..={}, not `{value}`",
                            range.start(),
                            range.end()
                        ))
                    })
            })
            .transpose()
    }

    /// `AreaCode`: three digits, 200–999 (North American area codes never start with 0 or 1).
    ///
    /// # Errors
    /// 400 / 21451 "invalid area code" otherwise.
    pub fn area_code(&self) -> Result<Option<AreaCode>, ApiError> {
        self.get("AreaCode")
            .map(|value| {
                AreaCode::parse(value)
                    .ok()
                    .filter(AreaCode::is_nanp)
                    .ok_or_else(|| {
                        ApiError::new(
                            poem::http::StatusCode::BAD_REQUEST,
                            INVALID_AREA_CODE,
                            format!("AreaCode `{value}` is invalid"),
                        )
                    })
            })
            .transpose()
    }
}
