-- Calls, newest first per organization: status, duration, where the call was put through and
-- the voicemail left. Unrouted calls have no organization.
CREATE TABLE calls_view
(
    call_sid           text PRIMARY KEY,
    log_position       bigint NOT NULL,
    organization_id    text,
    from_address       text   NOT NULL,
    to_address         text   NOT NULL,
    caller_name        text,
    status             text   NOT NULL,
    outcome            text,
    forwarded_to       text,
    dial_status        text,
    duration_secs      bigint,
    voicemail_url      text,
    voicemail_secs     bigint,
    created_at         text   NOT NULL,
    completed_at       text
);

CREATE INDEX calls_view_by_organization ON calls_view (organization_id, log_position);
