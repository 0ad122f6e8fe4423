-- When each organization API key was last used: operational state written by the
-- authentication check (at most once a minute per key per process), not a projection of the log.
CREATE TABLE api_key_usage
(
    key_id       text PRIMARY KEY,
    last_used_at text NOT NULL
);
