-- Analytics read models, built by the `message_analytics` and `number_history` projections.
-- Times are milliseconds since the Unix epoch; buckets (days in the organization's time zone,
-- billing periods) are cut when read, so a settings change needs no replay.

-- One row per message of an organization (inbound routed, outbound, responder replies): the
-- ledger that makes every derived figure idempotent (a fact is counted when first inserted).
CREATE TABLE message_facts
(
    message_sid     text PRIMARY KEY,
    organization_id text   NOT NULL,
    direction       text   NOT NULL,
    channel         text   NOT NULL,
    customer        text   NOT NULL,
    at_ms           bigint NOT NULL,
    outcome         text,
    opt_out         bigint NOT NULL,
    status          text,
    template        bigint NOT NULL
);

CREATE INDEX message_facts_by_organization ON message_facts (organization_id, at_ms);

-- Each customer of an organization and when they first wrote or were written to.
CREATE TABLE customers
(
    organization_id text   NOT NULL,
    customer        text   NOT NULL,
    first_ms        bigint NOT NULL,
    PRIMARY KEY (organization_id, customer)
);

CREATE INDEX customers_by_first ON customers (organization_id, first_ms);

-- Conversations: a customer's messages with no 24 h silence between them. `position` is the log
-- position of the message that started it (unique, the list cursor); `first_reply_ms` is when the
-- business first answered one the customer started.
CREATE TABLE conversations
(
    position        bigint PRIMARY KEY,
    organization_id text   NOT NULL,
    customer        text   NOT NULL,
    channel         text   NOT NULL,
    started_by      text   NOT NULL,
    started_ms      bigint NOT NULL,
    last_ms         bigint NOT NULL,
    messages        bigint NOT NULL,
    first_reply_ms  bigint
);

CREATE INDEX conversations_by_customer ON conversations (organization_id, customer, started_ms);
CREATE INDEX conversations_by_organization ON conversations (organization_id, position);

-- Every ownership of every number: who held it from when to when.
CREATE TABLE number_ownerships
(
    phone_number    text   NOT NULL,
    sequence        bigint NOT NULL,
    organization_id text   NOT NULL,
    provider        text   NOT NULL,
    provider_sid    text   NOT NULL,
    provisioned_ms  bigint NOT NULL,
    released_ms     bigint,
    PRIMARY KEY (phone_number, sequence)
);

CREATE INDEX number_ownerships_by_organization ON number_ownerships (organization_id, provisioned_ms);
