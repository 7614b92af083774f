-- Elders looked after (包保): the registry, who looks after whom, visits, 防走失 codes and their scans.
CREATE TABLE elders (
    id                INTEGER PRIMARY KEY,
    community_id      INTEGER NOT NULL REFERENCES communities(id),
    grid_id           INTEGER REFERENCES grids(id),
    name              TEXT NOT NULL,
    building          TEXT NOT NULL,
    unit              TEXT,
    room              TEXT,
    categories        TEXT NOT NULL DEFAULT '',
    risk              TEXT NOT NULL CHECK (risk IN ('high', 'medium', 'low')),
    family_name       TEXT,
    family_phone      TEXT,
    health_note       TEXT,
    photo_name        TEXT,
    photo             BLOB,
    photo_sha         TEXT,
    photo_source_sha  TEXT,
    active            INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    -- The wait for the next visit: when it began (last visit or registration), when it is due,
    -- and its number, which names the reminder jobs so a new visit makes the old ones moot.
    last_visit_at     TEXT,
    cycle_start_at    TEXT NOT NULL,
    next_due_at       TEXT NOT NULL,
    cycle             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX elders_grid ON elders (community_id, grid_id, active, next_due_at);
CREATE INDEX elders_due ON elders (active, next_due_at);
CREATE INDEX elders_name ON elders (community_id, name);

-- 包保人: the roster people who answer for an elder, in the order the sheet lists them.
CREATE TABLE elder_keepers (
    elder_id  INTEGER NOT NULL REFERENCES elders(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (elder_id, person_id)
);
CREATE INDEX elder_keepers_person ON elder_keepers (person_id, elder_id);

-- Family members who linked their Telegram account to an elder (through a family link).
CREATE TABLE elder_family (
    elder_id    INTEGER NOT NULL REFERENCES elders(id),
    telegram_id INTEGER NOT NULL,
    name        TEXT NOT NULL,
    linked_at   TEXT NOT NULL,
    PRIMARY KEY (elder_id, telegram_id)
);

-- Every visit: who, how it went, and the due time of the wait it ended (NULL for an extra
-- visit within a wait that had already been ended the same day).
CREATE TABLE elder_visits (
    id           INTEGER PRIMARY KEY,
    elder_id     INTEGER NOT NULL REFERENCES elders(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    grid_id      INTEGER REFERENCES grids(id),
    person_id    INTEGER REFERENCES people(id),
    visitor_name TEXT NOT NULL,
    at           TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'concern')),
    how          TEXT NOT NULL,
    said         TEXT,
    note         TEXT,
    due_at       TEXT,
    ticket_id    INTEGER REFERENCES tickets(id)
);
CREATE INDEX elder_visits_elder ON elder_visits (elder_id, at);
-- Tallies and the 台账 read a period (a week, a month) and filter it by community and grid.
CREATE INDEX elder_visits_at ON elder_visits (at);
CREATE INDEX elder_visits_due ON elder_visits (due_at);

-- Deep-link tokens: 'qr' for the 防走失 code (many scans), 'family' for a one-time family link.
CREATE TABLE elder_links (
    token      TEXT PRIMARY KEY,
    elder_id   INTEGER NOT NULL REFERENCES elders(id),
    kind       TEXT NOT NULL CHECK (kind IN ('qr', 'family')),
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    used_by    INTEGER,
    used_at    TEXT
);
CREATE INDEX elder_links_elder ON elder_links (elder_id, kind);

-- Every scan of a 防走失 code, known or not; a scan of a valid code is a case until someone closes it.
CREATE TABLE elder_scans (
    id          INTEGER PRIMARY KEY,
    elder_id    INTEGER REFERENCES elders(id),
    token       TEXT NOT NULL,
    finder_tg   INTEGER NOT NULL,
    at          TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'closed', 'repeat', 'revoked', 'unknown')),
    latitude    REAL,
    longitude   REAL,
    located_at  TEXT,
    finder_phone TEXT,
    closed_at   TEXT,
    closed_by   TEXT
);
CREATE INDEX elder_scans_elder ON elder_scans (elder_id, at);
CREATE INDEX elder_scans_finder ON elder_scans (finder_tg, status);

-- Who was alerted for a scan: only they may talk to the finder or close the case.
CREATE TABLE elder_responders (
    scan_id     INTEGER NOT NULL REFERENCES elder_scans(id),
    telegram_id INTEGER NOT NULL,
    person_id   INTEGER REFERENCES people(id),
    name        TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('family', 'community', 'police')),
    PRIMARY KEY (scan_id, telegram_id)
);
