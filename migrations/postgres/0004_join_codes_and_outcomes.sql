-- Join codes for the shared number, inbound outcomes and delivery error codes.
ALTER TABLE organizations_view ADD COLUMN join_code text;
CREATE INDEX organizations_view_by_join_code ON organizations_view (join_code);

ALTER TABLE messages_view ADD COLUMN outcome text;
ALTER TABLE messages_view ADD COLUMN error_code bigint;
