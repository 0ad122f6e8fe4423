-- Tamper evidence: a SHA-256 hash chain over the stored events in the log's final (commit)
-- order, written by the `audit_chain` projection when it first reads each event (same
-- transaction as its checkpoint). Never rebuilt from the events: `switchboard audit verify`
-- recomputes it and names the first position where stored history changed.
CREATE TABLE audit_chain
(
    chain_seq      integer PRIMARY KEY,
    position       integer NOT NULL UNIQUE,
    transaction_id integer NOT NULL,
    hash           text    NOT NULL
);
