-- The event store used by postgres-es, with the global log columns: a global position, the
-- writing transaction's id (for a commit-safe read: rows with transaction_id below
-- pg_snapshot_xmin(pg_current_snapshot()) are all committed or aborted) and the time recorded.
-- postgres-es names its columns in its INSERT, so the defaults fill the extra ones.
CREATE TABLE events
(
    aggregate_type text                         NOT NULL,
    aggregate_id   text                         NOT NULL,
    sequence       bigint CHECK (sequence >= 0) NOT NULL,
    event_type     text                         NOT NULL,
    event_version  text                         NOT NULL,
    payload        json                         NOT NULL,
    metadata       json                         NOT NULL,
    position       bigserial                    NOT NULL,
    transaction_id xid8        DEFAULT pg_current_xact_id() NOT NULL,
    recorded_at    timestamptz DEFAULT now()               NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE UNIQUE INDEX events_global_order ON events (transaction_id, position);

CREATE TABLE snapshots
(
    aggregate_type   text                                 NOT NULL,
    aggregate_id     text                                 NOT NULL,
    last_sequence    bigint CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL,
    payload          json                                 NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);

-- Wakes projectors (LISTEN switchboard_events) after every statement that appends events.
CREATE FUNCTION switchboard_notify_events() RETURNS trigger AS
$$
BEGIN
    PERFORM pg_notify('switchboard_events', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_notify
    AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION switchboard_notify_events();
