-- Tasks a grid worker hands out in the group, who is expected to do them, and who did.
CREATE TABLE tasks (
    id                 INTEGER PRIMARY KEY,
    community_id       INTEGER NOT NULL REFERENCES communities(id),
    grid_id            INTEGER REFERENCES grids(id),
    chat_id            INTEGER NOT NULL,
    source_message_id  INTEGER,
    title              TEXT NOT NULL,
    topic              TEXT,
    text               TEXT NOT NULL,
    audience           TEXT NOT NULL CHECK (audience IN ('unit', 'building')),
    deadline           TEXT,
    creator_person_id  INTEGER REFERENCES people(id),
    creator_tg         INTEGER,
    creator_name       TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    card_ref           TEXT,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    closed_at          TEXT,
    summary_sent_at    TEXT
);
CREATE INDEX tasks_chat ON tasks (chat_id, status);
CREATE INDEX tasks_grid ON tasks (community_id, grid_id, created_at);

-- One line of the card: a unit (or a building) and the person expected to answer for it.
CREATE TABLE task_targets (
    id                 INTEGER PRIMARY KEY,
    task_id            INTEGER NOT NULL REFERENCES tasks(id),
    building           TEXT NOT NULL,
    unit               TEXT,
    person_id          INTEGER REFERENCES people(id),
    person_name        TEXT,
    done_at            TEXT,
    done_by_person_id  INTEGER REFERENCES people(id),
    done_by_name       TEXT,
    done_how           TEXT
);
CREATE UNIQUE INDEX task_targets_key ON task_targets (task_id, building, IFNULL(unit, ''));

-- Every completion said or pressed, including help from someone who was not expected.
CREATE TABLE task_completions (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks(id),
    target_id   INTEGER REFERENCES task_targets(id),
    person_id   INTEGER REFERENCES people(id),
    telegram_id INTEGER,
    name        TEXT NOT NULL,
    how         TEXT NOT NULL,
    text        TEXT,
    at          TEXT NOT NULL
);
CREATE INDEX task_completions_task ON task_completions (task_id, id);

-- Notices (通知) and who said 收到.
CREATE TABLE notices (
    id                 INTEGER PRIMARY KEY,
    community_id       INTEGER NOT NULL REFERENCES communities(id),
    grid_id            INTEGER REFERENCES grids(id),
    chat_id            INTEGER NOT NULL,
    source_message_id  INTEGER,
    text               TEXT NOT NULL,
    creator_person_id  INTEGER REFERENCES people(id),
    creator_tg         INTEGER,
    creator_name       TEXT NOT NULL,
    card_ref           TEXT,
    quoted             INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL
);
CREATE INDEX notices_chat ON notices (chat_id, created_at);

-- Who is expected to read a notice: the grid's building and unit heads when it went out.
CREATE TABLE notice_audience (
    notice_id   INTEGER NOT NULL REFERENCES notices(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    name        TEXT NOT NULL,
    telegram_id INTEGER,
    PRIMARY KEY (notice_id, person_id)
);

CREATE TABLE notice_acks (
    id          INTEGER PRIMARY KEY,
    notice_id   INTEGER NOT NULL REFERENCES notices(id),
    telegram_id INTEGER NOT NULL,
    person_id   INTEGER REFERENCES people(id),
    name        TEXT NOT NULL,
    how         TEXT NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (notice_id, telegram_id)
);

-- Points (积分): awarded by hand or by rules; `ref` keeps an automatic award from repeating.
CREATE TABLE points (
    id                   INTEGER PRIMARY KEY,
    community_id         INTEGER NOT NULL REFERENCES communities(id),
    person_id            INTEGER NOT NULL REFERENCES people(id),
    amount               INTEGER NOT NULL,
    reason               TEXT NOT NULL,
    source               TEXT NOT NULL,
    ref                  TEXT UNIQUE,
    awarded_by_person_id INTEGER REFERENCES people(id),
    at                   TEXT NOT NULL
);
CREATE INDEX points_community ON points (community_id, at);

-- Telegram usernames as last seen, so a reminder can @-mention people who have one.
CREATE TABLE tg_usernames (
    telegram_id INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    seen_at     TEXT NOT NULL
);

-- Standing schedules: each handler finds its next time from the config and moves itself there.
-- The first run (due long ago) only schedules; it sends nothing.
INSERT OR IGNORE INTO jobs (kind, key, due_at, payload, created_at) VALUES
    ('weekly_digest', 'cron:weekly_digest', '2000-01-01T00:00:00.000000Z', '{}', '2000-01-01T00:00:00.000000Z'),
    ('regular_days', 'cron:regular_days', '2000-01-01T00:00:00.000000Z', '{}', '2000-01-01T00:00:00.000000Z'),
    ('points_sweep', 'cron:points_sweep', '2000-01-01T00:00:00.000000Z', '{}', '2000-01-01T00:00:00.000000Z');
