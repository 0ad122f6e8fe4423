-- Per-customer data keys (crypto-shredding): the personal fields of a customer's events are
-- stored sealed with the key of (organization, customer address); erasing the customer deletes
-- the row, which leaves those fields unreadable in the event store for good. Not a projection of
-- the log: a key is created on the customer's first sealed event and never rebuilt.
CREATE TABLE customer_keys
(
    key_id          text PRIMARY KEY,
    organization_id text NOT NULL,
    address         text NOT NULL,
    -- base64 of the 32-byte XChaCha20-Poly1305 key.
    secret          text NOT NULL,
    UNIQUE (organization_id, address)
);
