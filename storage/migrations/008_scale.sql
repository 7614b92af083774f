-- A street office on one machine: indexes for the queries that grow with the data, the outbox's
-- priority and files on disk, and the state of paged lists. tests/storage/test_query_plans.py keeps
-- each query on its index.

-- The sender serves urgent and private messages first (0 urgent, 1 private chat, 2 group), each chat
-- in order; pending rows are few however large the history, so the queue's index holds only them.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 2;
-- A file the call uploads (an export, a chart), read from disk when sent and deleted after.
ALTER TABLE outbox ADD COLUMN file_path TEXT;
UPDATE outbox SET priority = 1 WHERE status = 'pending' AND chat_id > 0;
CREATE INDEX outbox_queue ON outbox (chat_id, id, priority, not_before) WHERE status = 'pending';

-- The ticket of a message replied to in a group; stats and exports by time, for a grid or the community.
CREATE INDEX tickets_source ON tickets (source_chat_id, source_message_id);
CREATE INDEX tickets_community_created ON tickets (community_id, created_at);
CREATE INDEX tickets_grid_created ON tickets (grid_id, created_at);
CREATE INDEX tickets_resolved ON tickets (resolved_at) WHERE resolved_at IS NOT NULL;
-- A ticket's first acceptance and its escalations, one seek each.
CREATE INDEX ticket_events_kind ON ticket_events (ticket_id, kind, at);
CREATE INDEX ticket_watchers_message ON ticket_watchers (chat_id, message_id);
CREATE INDEX ticket_watchers_person ON ticket_watchers (telegram_id);

CREATE INDEX tasks_community_created ON tasks (community_id, created_at);
CREATE INDEX notices_community_created ON notices (community_id, created_at);
CREATE INDEX notices_grid_created ON notices (grid_id, created_at);
CREATE INDEX points_person ON points (person_id, at);

-- People by name or phone across communities (a phone shared to link an account, a roster row).
CREATE INDEX people_by_name ON people (name);
CREATE INDEX people_by_phone ON people (phone) WHERE phone IS NOT NULL;

-- A list too long for one message: what it shows, for whom, one page at a time (bot/paging.py).
CREATE TABLE pages (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    telegram_id INTEGER NOT NULL,
    chat_id     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    items       TEXT NOT NULL,   -- JSON array of the ids listed, in order
    created_at  TEXT NOT NULL
);
CREATE INDEX pages_created ON pages (created_at);
