"""Schemathesis hooks of the fuzz run: the one check the built-in ones lack for this API.

`schemathesis.toml` lets some operations answer a schema-valid request with 422, for refusals
no schema can state. This check keeps that allowance narrow: such a 422 must carry one of the
problem codes listed here for its operation.
"""

import os

import schemathesis

# Operation -> the problem codes a schema-valid request may be refused with (422).
REFUSALS_BEYOND_THE_SCHEMA = {
    # Business-hours ranges that end before they start or overlap.
    ("PATCH", "/v1/organizations/{id}"): {"invalid_business_hours"},
    # The provider has no such number for sale, or none left in the area code; an area code
    # that is not North American (`020`) in the US or Canada, where the country is another member.
    # (And for both creating operations: the fuzzer sends one generated Idempotency-Key with two
    # different bodies, which is refused as `idempotency_key_reused`.)
    ("POST", "/v1/organizations/{id}/numbers"): {
        "provider_refused",
        "invalid_area_code",
        "idempotency_key_reused",
    },
    ("POST", "/v1/organizations"): {"invalid_area_code"},
    # The same area-code rule between parameters, or an area code outside the US and Canada
    # (searched as a number pattern) together with `contains`.
    ("GET", "/v1/available-numbers"): {"invalid_area_code"},
    # Free-form WhatsApp text outside the customer's 24-hour window; the provider's refusals.
    ("POST", "/v1/organizations/{id}/messages"): {
        "whatsapp_window_closed",
        "provider_refused",
        "idempotency_key_reused",
    },
    # A position no event has (the log has gaps where transactions rolled back).
    ("GET", "/v1/events"): {"unknown_position"},
    # `from` after `to`, or a range over 400 days: a constraint between two parameters.
    # ... or a day the calendar lacks (2026-02-30), which the pattern cannot rule out.
    ("GET", "/v1/organizations/{id}/stats"): {"invalid_range", "range_too_long", "invalid_date"},
    # Plain http to a host that is not loopback (allowed only with ALLOW_INSECURE_ENDPOINTS), or
    # a host the URL parser refuses.
    ("POST", "/v1/organizations/{id}/endpoints"): {"invalid_url"},
    ("PATCH", "/v1/organizations/{id}/endpoints/{endpoint_id}"): {"invalid_url"},
}


@schemathesis.check
def refusals_beyond_the_schema(ctx, response, case):
    """A 400 or 422 to a schema-valid request names a refusal the schema cannot state."""
    if response.status_code not in (400, 422) or case.meta is None:
        return None
    if not case.meta.generation.mode.is_positive:
        return None
    allowed = REFUSALS_BEYOND_THE_SCHEMA.get((case.method.upper(), case.operation.path), set())
    try:
        code = response.json().get("code")
    except ValueError:
        code = None
    if code not in allowed:
        raise AssertionError(
            f"schema-valid request refused with {response.status_code} `{code}`: a constraint the spec does not state "
            f"(allowed here: {sorted(allowed) or 'none'})"
        )
    return None


@schemathesis.hook
def filter_case(ctx, case):
    """Keep the seeded organization (`run` seeds it for the operations that need one with a
    number): a generated DELETE of it would leave those operations nothing to work on."""
    seeded = os.environ.get("FUZZ_ORGANIZATION_ID")
    if seeded and case.method.upper() == "DELETE" and case.operation.path == "/v1/organizations/{id}":
        return (case.path_parameters or {}).get("id") != seeded
    return True
