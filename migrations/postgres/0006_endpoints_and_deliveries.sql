-- Organizations' endpoints, as the delivery projection builds them from Endpoint events.
CREATE TABLE endpoints_view
(
    endpoint_id              text PRIMARY KEY,
    organization_id          text   NOT NULL,
    created_position         bigint NOT NULL,
    url                      text   NOT NULL,
    description              text,
    event_types              text,
    responder                bigint NOT NULL,
    secret                   text   NOT NULL,
    previous_secret          text,
    previous_secret_until_ms bigint,
    disabled_reason          text,
    deleted                  bigint NOT NULL,
    created_at               text   NOT NULL,
    updated_at               text   NOT NULL
);

CREATE INDEX endpoints_view_by_organization ON endpoints_view (organization_id, created_position);

-- The delivery outbox: one row per (endpoint, event), created by the delivery projection in the
-- same transaction as its checkpoint, so nothing is lost or doubled; delivery_id is a UUID v5 of
-- (endpoint, event key) and the webhook-id is derived from it. Never emptied by a rebuild.
CREATE TABLE deliveries
(
    delivery_id      text PRIMARY KEY,
    seq              bigserial NOT NULL,
    endpoint_id      text   NOT NULL,
    organization_id  text   NOT NULL,
    event_key        text   NOT NULL,
    event_type       text   NOT NULL,
    conversation_key text   NOT NULL,
    log_tx           bigint NOT NULL,
    log_position     bigint NOT NULL,
    payload          text   NOT NULL,
    status           text   NOT NULL,
    attempts         bigint NOT NULL,
    next_attempt_ms  bigint NOT NULL,
    lease_until_ms   bigint,
    lease_owner      text,
    last_http_status bigint,
    last_error       text,
    created_at       text   NOT NULL,
    created_ms       bigint NOT NULL,
    updated_at       text   NOT NULL
);

CREATE INDEX deliveries_due ON deliveries (status, next_attempt_ms);
CREATE INDEX deliveries_by_conversation ON deliveries (endpoint_id, conversation_key, status, log_tx, log_position);
CREATE INDEX deliveries_by_endpoint ON deliveries (endpoint_id, seq);

-- Every attempt of a delivery: time, HTTP status (none on a timeout or connection error),
-- latency and the error text cut to 1 KiB.
CREATE TABLE delivery_attempts
(
    delivery_id  text   NOT NULL,
    attempt      bigint NOT NULL,
    attempted_at text   NOT NULL,
    http_status  bigint,
    latency_ms   bigint NOT NULL,
    error        text,
    PRIMARY KEY (delivery_id, attempt)
);

-- Since when an endpoint has failed without a success in between (it is disabled after 24 h).
CREATE TABLE endpoint_health
(
    endpoint_id      text PRIMARY KEY,
    failing_since_ms bigint,
    last_success_ms  bigint
);
