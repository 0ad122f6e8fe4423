-- Appends are announced after commit, by the appending process (a coalesced NOTIFY on its own),
-- no longer by a trigger inside the appending transaction: a NOTIFY in a transaction makes its
-- commit hold PostgreSQL's notification-queue lock through the WAL flush, so every appending
-- transaction committed one after another and group commit never happened.
DROP TRIGGER events_notify ON events;
DROP FUNCTION switchboard_notify_events();
