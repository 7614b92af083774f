-- Places, people and their roles, as imported from the roster.
CREATE TABLE communities (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE grids (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    name         TEXT NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE buildings (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    grid_id      INTEGER REFERENCES grids(id),
    name         TEXT NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    building_id INTEGER NOT NULL REFERENCES buildings(id),
    name        TEXT NOT NULL,
    UNIQUE (building_id, name)
);

CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    name         TEXT NOT NULL,
    phone        TEXT,
    telegram_id  INTEGER UNIQUE,
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    linked_at    TEXT
);
CREATE UNIQUE INDEX people_phone ON people (community_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX people_name ON people (community_id, name);

-- A role is held at a place: the grid of a grid worker, the unit of a unit head, the home of a resident.
CREATE TABLE person_roles (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    grid_id      INTEGER REFERENCES grids(id),
    building_id  INTEGER REFERENCES buildings(id),
    unit_id      INTEGER REFERENCES units(id),
    room         TEXT
);
-- NULLs are distinct in a plain UNIQUE, so the key spells them out.
CREATE UNIQUE INDEX person_roles_key ON person_roles (
    person_id, role, community_id, IFNULL(grid_id, 0), IFNULL(building_id, 0), IFNULL(unit_id, 0)
);
CREATE INDEX person_roles_role ON person_roles (role, community_id);

CREATE TABLE invites (
    code       TEXT PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    used_at    TEXT,
    used_by    INTEGER
);
CREATE INDEX invites_person ON invites (person_id);

-- Telegram users who opened a private chat with the bot: only they can be written to first.
CREATE TABLE private_chats (
    telegram_id   INTEGER PRIMARY KEY,
    first_seen_at TEXT NOT NULL,
    blocked_at    TEXT
);

CREATE TABLE group_chats (
    chat_id  INTEGER PRIMARY KEY,
    grid_id  INTEGER NOT NULL REFERENCES grids(id),
    title    TEXT,
    bound_by INTEGER,
    bound_at TEXT NOT NULL
);
CREATE INDEX group_chats_grid ON group_chats (grid_id);

-- Every update the bot has acted on; a redelivered one is recognised here.
CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    processed_at TEXT NOT NULL
);

-- Messages that must reach Telegram, written in the transaction that caused them.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL,
    method     TEXT NOT NULL,
    payload    TEXT NOT NULL,
    ref        TEXT UNIQUE,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    not_before TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at    TEXT,
    message_id INTEGER,
    error      TEXT
);
CREATE INDEX outbox_pending ON outbox (status, not_before, id);
CREATE INDEX outbox_message ON outbox (chat_id, message_id);

-- Small facts about the deployment, such as the bot's username for invite links.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
