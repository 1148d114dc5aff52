-- The ladder game (/climb) of each scope (the PostgreSQL twin of sqlite/0011).
CREATE TABLE climbs (
    scope      text PRIMARY KEY,
    version    bigint NOT NULL CHECK (version > 0),
    game       bigint NOT NULL CHECK (game > 0),
    state      text NOT NULL,
    updated_at timestamptz NOT NULL
);
