-- Learning from the community: labelled messages from corrections, the retrained models, the language-model budget.

-- One labelled message: a triage answer ([登记为诉求]/[不是]), a category changed by a ticket's owner, a 退回
-- "不属于我". What the bot had read (was_*) is kept beside the label, for `python -m bot nlu report`.
CREATE TABLE nlu_examples (
    id           INTEGER PRIMARY KEY,
    text         TEXT NOT NULL,
    intent       TEXT NOT NULL,
    category     TEXT,
    urgent       INTEGER NOT NULL DEFAULT 0,
    context      TEXT NOT NULL DEFAULT 'group',
    source       TEXT NOT NULL,
    was_intent   TEXT,
    was_category TEXT,
    ticket_id    INTEGER,
    person_id    INTEGER,
    created_at   TEXT NOT NULL
);
CREATE INDEX nlu_examples_created ON nlu_examples (created_at);

-- Every retraining, taken or not, with its figures on the shipped held-out set.
CREATE TABLE nlu_retrains (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    local_examples  INTEGER NOT NULL,
    intent_accuracy REAL NOT NULL,
    category_accuracy REAL NOT NULL,
    was_intent      REAL,
    was_category    REAL,
    accepted        INTEGER NOT NULL,
    note            TEXT NOT NULL DEFAULT ''
);

-- Calls to the optional language model, per local day, for the daily cap.
CREATE TABLE llm_calls (
    day   TEXT PRIMARY KEY,
    calls INTEGER NOT NULL
);

INSERT OR IGNORE INTO jobs (kind, key, due_at, payload, created_at) VALUES
    ('nlu_retrain', 'cron:nlu_retrain', '2000-01-01T00:00:00.000000Z', '{}', '2000-01-01T00:00:00.000000Z');
