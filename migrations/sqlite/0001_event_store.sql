-- The event store used by sqlite-es, with the global log columns. SQLite has one writer at a
-- time, so insertion order is commit order; `position` is set from the rowid at insert time (and
-- then stored, so a VACUUM that renumbers rowids cannot move it). The primary key stays the one
-- sqlite-es expects: its optimistic-lock check reads SQLITE_CONSTRAINT_PRIMARYKEY (1555).
CREATE TABLE events
(
    aggregate_type text                          NOT NULL,
    aggregate_id   text                          NOT NULL,
    sequence       integer CHECK (sequence >= 0) NOT NULL,
    event_type     text                          NOT NULL,
    event_version  text                          NOT NULL,
    payload        text                          NOT NULL,
    metadata       text                          NOT NULL,
    position       integer,
    transaction_id integer DEFAULT 0             NOT NULL,
    recorded_at    integer DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)) NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
) STRICT;

CREATE TRIGGER events_position AFTER INSERT ON events
BEGIN
    UPDATE events SET position = NEW.rowid WHERE rowid = NEW.rowid;
END;

CREATE UNIQUE INDEX events_global_order ON events (position);

CREATE TABLE snapshots
(
    aggregate_type   text                                  NOT NULL,
    aggregate_id     text                                  NOT NULL,
    last_sequence    integer CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot integer CHECK (current_snapshot >= 0) NOT NULL,
    payload          text                                  NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
) STRICT;
