-- Idempotency-Key of /v1 writes (IETF draft "The Idempotency-Key HTTP Header Field"):
-- operational state written at the API's edge, not a projection of the log. A row is claimed
-- (status NULL, locked_at set) before its request runs and completed with the response; it is
-- forgotten 24 hours after created_at. Times are RFC 3339 UTC text with milliseconds, so they
-- compare as text.
CREATE TABLE idempotency_keys
(
    scope           text NOT NULL,
    idempotency_key text NOT NULL,
    fingerprint     text NOT NULL,
    created_at      text NOT NULL,
    locked_at       text NOT NULL,
    status          integer,
    content_type    text,
    body            text,
    PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
