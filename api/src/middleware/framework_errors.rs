//! The conversion of every framework error into problem+json with a stable code: a parameter or
//! body member the spec's validators refuse keeps the code and `field` the handler would have
//! given it; never a bare text body.

use poem::http::StatusCode;
use poem::Response;
use poem_openapi::error::{
    AuthorizationError, ContentTypeError, ParseParamError, ParsePathError, ParseRequestPayloadError,
};

use crate::problem::Problem;

/// The code of a path or query parameter whose value the spec refuses.
fn parameter_code(name: &str) -> &'static str {
    match name {
        "id" => "invalid_organization_id",
        "phone_number" => "invalid_phone_number",
        "limit" => "invalid_limit",
        "cursor" => "invalid_cursor",
        "country" => "invalid_country",
        "area_code" => "invalid_area_code",
        "contains" => "invalid_pattern",
        "Idempotency-Key" => "invalid_idempotency_key",
        "address" => "invalid_address",
        _ => "invalid_parameter",
    }
}

/// The code of a body member whose value a spec validator (`maxLength`, `pattern`, …) refuses.
fn member_code(member: &str, validator: &str) -> &'static str {
    match (member, validator) {
        ("name", _) => "invalid_name",
        ("description", _) => "invalid_description",
        ("industry", _) => "invalid_industry",
        ("phone_number" | "to", _) => "invalid_phone_number",
        ("area_code", _) => "invalid_area_code",
        ("country", _) => "invalid_country",
        ("content_sid", _) => "invalid_content_sid",
        ("body", "minLength") | ("media_urls", "minItems") => "missing_content",
        ("body", _) => "body_too_long",
        ("media_urls", "maxItems") => "too_many_media",
        ("media_urls", _) => "invalid_url",
        (
            "welcome_message"
            | "away_message"
            | "help_message"
            | "quota_exhausted_message"
            | "voice_greeting",
            _,
        ) => "invalid_message",
        ("forward_to", _) => "invalid_phone_number",
        ("voice_language", _) => "invalid_voice_language",
        ("voice", _) => "invalid_voice",
        ("billing_day", _) => "invalid_billing_day",
        _ => "invalid_field",
    }
}

/// The member and validator named by poem-openapi's message for a refused member:
/// ``field `NAME` verification failed. VALIDATOR(…)``.
fn refused_member(reason: &str) -> Option<(&str, &str)> {
    let rest = &reason[reason.find("field `")? + "field `".len()..];
    let (member, rest) = rest.split_once("` verification failed. ")?;
    let validator = rest
        .split(" (occurred while parsing")
        .next()
        .unwrap_or_default();
    Some((member, validator))
}

/// `maxLength` of `maxLength(200)`.
fn validator_kind(validator: &str) -> &str {
    validator.split('(').next().unwrap_or_default()
}

fn parameter_problem(name: &str, reason: &str, coded: bool) -> Problem {
    let code = if coded {
        parameter_code(name)
    } else {
        "invalid_parameter"
    };
    Problem::new(StatusCode::BAD_REQUEST, code, reason).with_field(name)
}

fn body_problem(reason: &str) -> Problem {
    match refused_member(reason) {
        Some((member, validator)) => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            member_code(member, validator_kind(validator)),
            format!("`{member}` does not satisfy the spec: {validator}"),
        )
        .with_field(member),
        None => Problem::new(StatusCode::BAD_REQUEST, "invalid_body", reason),
    }
}

/// Maps framework errors (unparseable parameters or bodies, missing auth, unknown routes) to
/// problem+json: a path parameter that is no valid value, or a query parameter outside the
/// spec's bounds, gets 400 with the parameter's code (`invalid_organization_id`,
/// `invalid_limit`, …; a query value of the wrong type is `invalid_parameter`); a body member a
/// spec validator refuses gets 422 with the member's code and `field`; other malformed bodies
/// 400 `invalid_body`.
pub fn problem_from_error(error: poem::Error) -> Response {
    if error.is_from_response() {
        // Our own `ApiError`s arrive here already rendered as problem+json.
        return error.into_response();
    }
    let status = error.status();
    let problem = if let Some(e) = error.downcast_ref::<ParseParamError>() {
        parameter_problem(
            e.name,
            &e.reason,
            e.reason.starts_with("verification failed"),
        )
    } else if let Some(e) = error.downcast_ref::<ParsePathError>() {
        // poem-openapi names path parameters `param0`, `param1`, …; our path types are named
        // after their parameter, and the reason names the type: `failed to parse "id": …`.
        let name = e
            .reason
            .strip_prefix("failed to parse \"")
            .and_then(|rest| rest.split_once('"'))
            .map_or(e.name, |(name, _)| name);
        parameter_problem(name, &e.reason, true)
    } else if let Some(e) = error.downcast_ref::<ParseRequestPayloadError>() {
        body_problem(&e.reason)
    } else if error.is::<AuthorizationError>() {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send Authorization: Bearer <ADMIN_API_KEY or an organization API key>",
        )
        .with_field("Authorization")
    } else if let Some(e) = error.downcast_ref::<ContentTypeError>() {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            e.to_string(),
        )
        .with_field("Content-Type")
    } else if status == StatusCode::NOT_FOUND {
        Problem::new(status, "not_found", "no such resource")
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        Problem::new(
            status,
            "method_not_allowed",
            "method not allowed on this resource",
        )
    } else if status.is_server_error() {
        tracing::error!(%error, "request failed");
        Problem::new(status, "internal_error", "internal error")
    } else {
        Problem::new(status, "bad_request", error.to_string())
    };
    let mut response = Problem::into_response(problem);
    if status == StatusCode::UNAUTHORIZED {
        if let Ok(value) = "Bearer".parse() {
            response.headers_mut().insert("WWW-Authenticate", value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_member_is_read_from_the_framework_message() {
        let reason = "failed to parse \"SettingsPatch\": field `billing_day` verification \
                      failed. maximum(28, exclusive: false) (occurred while parsing \
                      \"UpdateOrganization\")";
        let (member, validator) = refused_member(reason).unwrap();
        assert_eq!(member, "billing_day");
        assert_eq!(validator, "maximum(28, exclusive: false)");
        assert_eq!(validator_kind(validator), "maximum");
        assert_eq!(refused_member("expected a string"), None);
    }

    #[test]
    fn media_urls_get_a_code_per_rule() {
        assert_eq!(member_code("media_urls", "maxItems"), "too_many_media");
        assert_eq!(member_code("media_urls", "pattern"), "invalid_url");
        assert_eq!(member_code("body", "maxLength"), "body_too_long");
    }
}
