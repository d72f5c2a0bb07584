-- Every event of the program, decoded. One row per (transaction, position in it).
CREATE TABLE events (
    signature   TEXT    NOT NULL,
    -- Position among the transaction's events: self-CPI events first, then logged ones.
    event_index INTEGER NOT NULL,
    slot        BIGINT  NOT NULL,
    -- The block's time (unix seconds), when the node knows it.
    block_time  BIGINT,
    -- The header's clock time (unix seconds).
    event_time  BIGINT  NOT NULL,
    kind        TEXT    NOT NULL,
    market      TEXT    NOT NULL,
    -- NULL when the event involves none (the header's default key).
    reserve     TEXT,
    obligation  TEXT,
    signer      TEXT    NOT NULL,
    -- The event's own fields; raw Fixed values (u128) as decimal strings.
    fields      TEXT    NOT NULL,
    PRIMARY KEY (signature, event_index)
);
CREATE INDEX events_kind_slot ON events (kind, slot);
CREATE INDEX events_market_slot ON events (market, slot);
CREATE INDEX events_reserve_slot ON events (reserve, slot);
CREATE INDEX events_obligation ON events (obligation);

-- The last transaction indexed, per source (the program's history, or one market's).
CREATE TABLE cursors (
    name       TEXT   PRIMARY KEY,
    signature  TEXT   NOT NULL,
    slot       BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Each reserve as the chain had it at `taken_at`, interest projected to then. Amounts in the
-- reserve's base units; rates and utilization as fractions (0.05 = 5%); price in USD per
-- whole token, NULL when no source gave a usable one.
CREATE TABLE reserve_snapshots (
    taken_at    BIGINT NOT NULL,
    slot        BIGINT NOT NULL,
    market      TEXT   NOT NULL,
    reserve     TEXT   NOT NULL,
    available   BIGINT NOT NULL,
    borrowed    BIGINT NOT NULL,
    supply      BIGINT NOT NULL,
    utilization REAL   NOT NULL,
    borrow_apr  REAL   NOT NULL,
    supply_apr  REAL   NOT NULL,
    price       REAL,
    PRIMARY KEY (reserve, taken_at)
);
CREATE INDEX reserve_snapshots_market ON reserve_snapshots (market, taken_at);

-- The market's obligations by health factor, one row per bucket per snapshot.
CREATE TABLE health_snapshots (
    taken_at    BIGINT NOT NULL,
    slot        BIGINT NOT NULL,
    market      TEXT   NOT NULL,
    bucket      INTEGER NOT NULL,
    label       TEXT   NOT NULL,
    -- Health factor bounds [lower, upper); NULL for the buckets that have none (no debt,
    -- unpriced) and for the open top.
    lower_bound REAL,
    upper_bound REAL,
    obligations BIGINT NOT NULL,
    -- USD.
    debt_value  REAL   NOT NULL,
    PRIMARY KEY (market, taken_at, bucket)
);
