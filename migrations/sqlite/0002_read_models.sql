-- Read models, rebuilt by the projector from the global log. Each projection records the log
-- position it has applied, in the same transaction as its rows.
CREATE TABLE projection_checkpoints
(
    projection     text PRIMARY KEY,
    transaction_id bigint NOT NULL,
    position       bigint NOT NULL
);

-- number -> owning organization, as the routing table projection builds it.
CREATE TABLE routing_table
(
    phone_number    text PRIMARY KEY,
    organization_id text   NOT NULL,
    status          text   NOT NULL,
    provider        text   NOT NULL,
    provider_sid    text   NOT NULL,
    sms_url         text   NOT NULL,
    status_callback text   NOT NULL,
    updated_at      text   NOT NULL
);

CREATE INDEX routing_table_by_organization ON routing_table (organization_id);

-- organizations, for listing with a cursor (the log position of their creation).
CREATE TABLE organizations_view
(
    organization_id text PRIMARY KEY,
    created_position bigint NOT NULL,
    name            text   NOT NULL,
    description     text,
    industry        text,
    plan            text   NOT NULL,
    created_at      text   NOT NULL,
    updated_at      text   NOT NULL,
    deleted_at      text
);

CREATE INDEX organizations_view_by_position ON organizations_view (created_position);
