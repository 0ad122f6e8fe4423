-- Provisioning requests, for the reconciler: in_flight until attached or failed.
CREATE TABLE provisioning_requests
(
    request_id      text PRIMARY KEY,
    organization_id text NOT NULL,
    requested_at    text NOT NULL,
    state           text NOT NULL
);

CREATE INDEX provisioning_requests_by_state ON provisioning_requests (state, requested_at);
