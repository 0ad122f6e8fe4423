-- How each ownership of a number ended: `released` (given up at the provider) or `lost` (the
-- provider no longer had it, `NumberLost`); NULL while held. Rows ended before this column
-- existed were all releases.
ALTER TABLE number_ownerships ADD COLUMN ended_as text;
UPDATE number_ownerships SET ended_as = 'released' WHERE released_ms IS NOT NULL;
