-- Messages, newest first per organization (inbound now; outbound joins later). Unrouted inbound
-- messages have no organization.
CREATE TABLE messages_view
(
    message_sid     text PRIMARY KEY,
    log_position    bigint NOT NULL,
    organization_id text,
    direction       text   NOT NULL,
    channel         text   NOT NULL,
    from_address    text   NOT NULL,
    to_address      text   NOT NULL,
    body            text   NOT NULL,
    media_urls      text   NOT NULL,
    profile_name    text,
    status          text   NOT NULL,
    created_at      text   NOT NULL
);

CREATE INDEX messages_view_by_organization ON messages_view (organization_id, log_position);
