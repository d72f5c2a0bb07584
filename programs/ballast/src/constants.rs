//! Seeds, limits and units shared by the program and its clients.

/// PDA seed of a `Market`: `["market", creator, market_id (u64 LE)]`.
pub const MARKET_SEED: &[u8] = b"market";
/// PDA seed of the market authority that owns every vault and mint: `["authority", market]`.
pub const AUTHORITY_SEED: &[u8] = b"authority";
/// PDA seed of a `Reserve`: `["reserve", market, liquidity_mint]`.
pub const RESERVE_SEED: &[u8] = b"reserve";
/// PDA seed of a reserve's liquidity vault: `["liquidity_vault", reserve]`.
pub const LIQUIDITY_VAULT_SEED: &[u8] = b"liquidity_vault";
/// PDA seed of a reserve's protocol fee vault: `["fee_vault", reserve]`.
pub const FEE_VAULT_SEED: &[u8] = b"fee_vault";
/// PDA seed of a reserve's cToken mint: `["collateral_mint", reserve]`.
pub const COLLATERAL_MINT_SEED: &[u8] = b"collateral_mint";
/// PDA seed of a reserve's vault of pledged cTokens: `["collateral_vault", reserve]`.
pub const COLLATERAL_VAULT_SEED: &[u8] = b"collateral_vault";
/// PDA seed of an `Obligation`: `["obligation", market, owner, obligation_id (u16 LE)]`.
pub const OBLIGATION_SEED: &[u8] = b"obligation";

/// Collateral slots in an obligation.
pub const MAX_COLLATERALS: usize = 8;
/// Borrow slots in an obligation.
pub const MAX_BORROWS: usize = 5;
/// Positions (collateral + borrows) an obligation may hold at once. Bounded so that a
/// max-position `borrow` (each position's reserve and oracle as accounts) fits one legacy
/// transaction without lookup tables.
pub const MAX_POSITIONS: usize = 10;

/// Points of a reserve's borrow-rate curve.
pub const MAX_CURVE_POINTS: usize = 8;

/// Basis points in one (100%).
pub const BPS: u64 = 10_000;
/// Seconds in the 365-day year that annual rates are quoted over.
pub const SECONDS_PER_YEAR: u64 = 365 * 24 * 60 * 60;

/// The smallest seed deposit `init_reserve` accepts, in the liquidity mint's base units. The seed
/// is locked forever so the cToken supply never returns to zero.
pub const MIN_SEED_DEPOSIT: u64 = 1_000;

/// Highest annual borrow rate a curve point may set (1,000%). Interest past what a `u64`
/// repays saturates (`logic::interest::MAX_DEBT`): at this rate, 700 units of debt reach it
/// after about 2.4 idle years.
pub const MAX_BORROW_RATE_BPS: u32 = 100_000;
/// Longest `oracle_max_age_secs` a reserve may set.
pub const MAX_ORACLE_AGE_SECS: u32 = 24 * 60 * 60;
/// Largest liquidation bonus a reserve may set (50%).
pub const MAX_LIQUIDATION_BONUS_BPS: u16 = 5_000;
/// Largest borrow factor a reserve may set (10x).
pub const MAX_BORROW_FACTOR_BPS: u32 = 100_000;
/// Longest outflow window a reserve may set (30 days).
pub const MAX_OUTFLOW_WINDOW_SECS: u32 = 30 * 24 * 60 * 60;

/// Shortest ramp of a liquidation threshold lowering: owners see it coming.
pub const MIN_THRESHOLD_RAMP_SECS: u32 = 60 * 60;

/// E-mode groups a market can define (numbered 1..=32: one bit each in a reserve's masks).
pub const MAX_EMODE_GROUPS: usize = 32;
/// Most price sources a reserve reads, in priority order.
pub const MAX_PRICE_SOURCES: usize = 3;
