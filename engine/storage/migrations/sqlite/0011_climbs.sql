-- The ladder game (/climb) of each scope: its latest game, saved with optimistic versioning
-- like a cluster. No reference to clusters: a channel can climb before it ever traced.
CREATE TABLE climbs (
    scope      TEXT PRIMARY KEY,
    version    INTEGER NOT NULL CHECK (version > 0),
    game       INTEGER NOT NULL CHECK (game > 0),
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Deleting a scope (/forget-me's own space) is one INSERT into this view: its cluster (the
-- traces cascade) and its climb, in one statement.
CREATE VIEW scope_deletions AS SELECT scope FROM clusters WHERE 0;

CREATE TRIGGER scope_delete INSTEAD OF INSERT ON scope_deletions
BEGIN
    DELETE FROM clusters WHERE scope = NEW.scope;
    DELETE FROM climbs WHERE scope = NEW.scope;
END;
