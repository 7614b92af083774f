-- The unguessable part of a ticket's follow link (https://t.me/<bot>?start=f_<token>): ticket
-- numbers are sequential, so a link by number would let anyone list every home's problems.
ALTER TABLE tickets ADD COLUMN follow_token TEXT;
CREATE UNIQUE INDEX tickets_follow_token ON tickets (follow_token) WHERE follow_token IS NOT NULL;
