-- Requests (诉求): who reported what where, who owns it now, and how it went.
CREATE TABLE tickets (
    id                  INTEGER PRIMARY KEY,
    community_id        INTEGER NOT NULL REFERENCES communities(id),
    grid_id             INTEGER REFERENCES grids(id),
    building            TEXT,
    unit                TEXT,
    room                TEXT,
    category            TEXT NOT NULL,
    urgent              INTEGER NOT NULL DEFAULT 0,
    text                TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'accepted', 'resolved', 'closed')),
    reporter_tg         INTEGER,
    reporter_person_id  INTEGER REFERENCES people(id),
    reporter_name       TEXT NOT NULL,
    source_chat_id      INTEGER NOT NULL,
    source_message_id   INTEGER,
    assignee_person_id  INTEGER REFERENCES people(id),
    assign_seq          INTEGER NOT NULL DEFAULT 1,
    card_ref            TEXT,
    created_at          TEXT NOT NULL,
    assigned_at         TEXT NOT NULL,
    accepted_at         TEXT,
    resolved_at         TEXT,
    rating              TEXT,
    rating_comment      TEXT
);
CREATE INDEX tickets_assignee ON tickets (assignee_person_id, status);
CREATE INDEX tickets_reporter ON tickets (reporter_tg, status);
CREATE INDEX tickets_dup ON tickets (community_id, building, category, status, created_at);

-- The ticket's history: every change, who made it and when.
CREATE TABLE ticket_events (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    at         TEXT NOT NULL,
    actor_tg   INTEGER,
    actor_name TEXT,
    kind       TEXT NOT NULL,
    detail     TEXT
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- Photos, voice and locations that belong to a ticket, by where they were sent.
CREATE TABLE ticket_media (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    at         TEXT NOT NULL,
    UNIQUE (chat_id, message_id)
);

-- People who want a ticket's news besides its reporter (those who reported it again).
CREATE TABLE ticket_watchers (
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    telegram_id INTEGER NOT NULL,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER,
    PRIMARY KEY (ticket_id, telegram_id)
);

-- What a private chat is waiting for (an address to confirm, a comment to a rating…).
CREATE TABLE chat_states (
    telegram_id INTEGER PRIMARY KEY,
    state       TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    updated_at  TEXT NOT NULL
);

-- Residents who registered themselves in a private chat; a roster import leaves them be.
ALTER TABLE people ADD COLUMN self_registered INTEGER NOT NULL DEFAULT 0;
