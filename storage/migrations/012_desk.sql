-- The office's web desk (web/desk): one-time login links from /desk, the sessions they open, and
-- which history entries were made on the web. Tokens are stored as SHA-256 hashes only: a copy of
-- the database gives nobody a way in.
CREATE TABLE desk_logins (
    token_hash  TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX desk_logins_expires ON desk_logins (expires_at);

CREATE TABLE desk_sessions (
    token_hash  TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX desk_sessions_expires ON desk_sessions (expires_at);

-- "网页" for a change made on the desk; NULL for Telegram.
ALTER TABLE ticket_events ADD COLUMN via TEXT;

-- The desk's filters by status and by category within a community's time order.
CREATE INDEX tickets_community_status ON tickets (community_id, status, created_at);

-- A photo's Telegram file id, so the desk can show it (older photos have none: only a count).
ALTER TABLE ticket_media ADD COLUMN file_id TEXT;
