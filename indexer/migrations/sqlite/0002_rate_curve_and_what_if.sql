-- Each reserve's borrow rate curve as it was at the snapshot: JSON `[[utilization_bps,
-- borrow_rate_bps], ...]` (`ReserveConfig::rate_curve`). NULL in rows written before it.
ALTER TABLE reserve_snapshots ADD COLUMN rate_curve TEXT;

-- What a fall of one asset's price would make liquidatable: at each snapshot, per priced
-- reserve and per drop (5, 10, ..., 50 percent), the obligations with a position in that
-- reserve that the program would liquidate with it priced `drop_pct`% below its spot (every
-- other price unchanged), and their debt and collateral valued at those prices (USD).
CREATE TABLE what_if_snapshots (
    taken_at             BIGINT  NOT NULL,
    market               TEXT    NOT NULL,
    reserve              TEXT    NOT NULL,
    drop_pct             INTEGER NOT NULL,
    obligations          BIGINT  NOT NULL,
    debt_value_usd       REAL    NOT NULL,
    collateral_value_usd REAL    NOT NULL,
    PRIMARY KEY (reserve, taken_at, drop_pct)
);
