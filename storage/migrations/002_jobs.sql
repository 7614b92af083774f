-- Durable reminders: each fires once, late if the bot was down when it came due.
CREATE TABLE jobs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    key        TEXT UNIQUE,
    due_at     TEXT NOT NULL,
    payload    TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    done_at    TEXT,
    outcome    TEXT
);
CREATE INDEX jobs_due ON jobs (done_at, due_at);
