-- What /stats and the digest count of each ticket, kept beside it: a narrow copy ordered by community
-- and creation time, with the first acceptance and any escalation already looked up and the times as
-- seconds since 1970, so a month of a whole street office is read in one short range of the table.
-- Triggers keep it in the same transaction as every change to a ticket or its history, whoever makes
-- it; paged lists remember how long the list really was.
CREATE TABLE ticket_facts (
    community_id INTEGER NOT NULL,
    created_s    REAL NOT NULL,     -- seconds since 1970 of tickets.created_at
    ticket_id    INTEGER NOT NULL,
    grid_id      INTEGER,
    category     TEXT NOT NULL,
    status       TEXT NOT NULL,
    urgent       INTEGER NOT NULL,
    accepted_s   REAL,              -- the first acceptance, whoever it was by
    resolved_s   REAL,
    escalated    INTEGER NOT NULL DEFAULT 0,
    rating       TEXT,
    PRIMARY KEY (community_id, created_s, ticket_id)
) WITHOUT ROWID;
-- A grid's window, every column the tally needs in the index itself.
CREATE INDEX ticket_facts_grid ON ticket_facts
    (grid_id, created_s, category, status, urgent, accepted_s, resolved_s, escalated, rating);

INSERT INTO ticket_facts (community_id, created_s, ticket_id, grid_id, category, status, urgent, accepted_s,
                          resolved_s, escalated, rating)
SELECT t.community_id, (julianday(t.created_at) - 2440587.5) * 86400.0, t.id, t.grid_id, t.category, t.status,
       t.urgent,
       (julianday(CASE WHEN t.assign_seq = 1 THEN t.accepted_at
                       ELSE COALESCE((SELECT MIN(ev.at) FROM ticket_events ev
                                      WHERE ev.ticket_id = t.id AND ev.kind = 'accepted'), t.accepted_at) END)
        - 2440587.5) * 86400.0,
       (julianday(t.resolved_at) - 2440587.5) * 86400.0,
       EXISTS (SELECT 1 FROM ticket_events ev WHERE ev.ticket_id = t.id AND ev.kind = 'escalated'),
       t.rating
FROM tickets t;

CREATE TRIGGER ticket_facts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_facts (community_id, created_s, ticket_id, grid_id, category, status, urgent, accepted_s,
                              resolved_s, escalated, rating)
    VALUES (NEW.community_id, (julianday(NEW.created_at) - 2440587.5) * 86400.0, NEW.id, NEW.grid_id,
            NEW.category, NEW.status, NEW.urgent, (julianday(NEW.accepted_at) - 2440587.5) * 86400.0,
            (julianday(NEW.resolved_at) - 2440587.5) * 86400.0, 0, NEW.rating);
END;

-- A new owner clears accepted_at; the first acceptance stays what it was.
CREATE TRIGGER ticket_facts_update AFTER UPDATE OF community_id, created_at, grid_id, category, status, urgent,
        accepted_at, resolved_at, rating ON tickets BEGIN
    UPDATE ticket_facts
       SET community_id = NEW.community_id, created_s = (julianday(NEW.created_at) - 2440587.5) * 86400.0,
           grid_id = NEW.grid_id, category = NEW.category, status = NEW.status, urgent = NEW.urgent,
           accepted_s = COALESCE(accepted_s, (julianday(NEW.accepted_at) - 2440587.5) * 86400.0),
           resolved_s = (julianday(NEW.resolved_at) - 2440587.5) * 86400.0, rating = NEW.rating
     WHERE community_id = OLD.community_id AND created_s = (julianday(OLD.created_at) - 2440587.5) * 86400.0
       AND ticket_id = OLD.id;
END;

CREATE TRIGGER ticket_facts_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_facts
     WHERE community_id = OLD.community_id AND created_s = (julianday(OLD.created_at) - 2440587.5) * 86400.0
       AND ticket_id = OLD.id;
END;

CREATE TRIGGER ticket_facts_event AFTER INSERT ON ticket_events WHEN NEW.kind IN ('accepted', 'escalated') BEGIN
    UPDATE ticket_facts
       SET escalated = MAX(escalated, NEW.kind = 'escalated'),
           accepted_s = CASE WHEN NEW.kind = 'accepted'
                             THEN MIN(COALESCE(accepted_s, 1e18), (julianday(NEW.at) - 2440587.5) * 86400.0)
                             ELSE accepted_s END
     WHERE community_id = (SELECT community_id FROM tickets WHERE id = NEW.ticket_id)
       AND created_s = (SELECT (julianday(created_at) - 2440587.5) * 86400.0 FROM tickets WHERE id = NEW.ticket_id)
       AND ticket_id = NEW.ticket_id;
END;

ALTER TABLE pages ADD COLUMN total INTEGER;
