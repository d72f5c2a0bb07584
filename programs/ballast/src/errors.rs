//! Program errors. Codes are grouped by subsystem and never shift: a retired variant keeps its
//! number as a placeholder. Anchor adds 6000 to each number.
use anchor_lang::prelude::*;

#[error_code]
// `TryFromPrimitive`: clients turn a failed transaction's code back into the error and its message.
#[derive(PartialEq, Eq, num_enum::TryFromPrimitive)]
pub enum BallastError {
    // --- math (0..) ---
    #[msg("arithmetic overflow: an amount or value is too large for the fixed-point range")]
    MathOverflow = 0,
    #[msg("division by zero")]
    DivisionByZero = 1,

    // --- market and admin (100..) ---
    #[msg("signer is not the market admin")]
    NotMarketAdmin = 100,
    #[msg("invalid market config: see the field named in the log")]
    InvalidMarketConfig = 101,
    #[msg("account belongs to a different market")]
    WrongMarket = 102,
    #[msg("market authority account does not match the market's authority PDA")]
    WrongMarketAuthority = 103,
    #[msg("market is paused: only repays, collateral top-ups and admin actions go through")]
    MarketPaused = 104,
    #[msg("signer is not the pending admin of this market")]
    NotPendingAdmin = 105,
    #[msg("only the admin or the emergency authority may pause")]
    NotPauseAuthority = 106,
    #[msg("only the admin may unpause")]
    OnlyAdminUnpauses = 107,

    // --- reserve config and accounts (200..) ---
    #[msg("invalid reserve config: see the field named in the log")]
    InvalidReserveConfig = 200,
    #[msg("borrow-rate curve must start at 0% and end at 100% utilization, with increasing utilization and non-decreasing rates")]
    InvalidRateCurve = 201,
    #[msg("account is not this reserve's liquidity mint, vault, fee vault, cToken mint or collateral vault")]
    WrongReserveAccount = 202,
    #[msg("token program does not match the reserve's liquidity token program")]
    WrongTokenProgram = 203,
    #[msg("seed deposit is below the minimum that init_reserve locks")]
    SeedDepositTooSmall = 204,
    #[msg("liquidity mint has Token-2022 extensions this program does not accept")]
    UnsupportedMintExtension = 205,
    #[msg("reserve does not have that much liquidity available")]
    InsufficientLiquidity = 206,
    #[msg("deposit would exceed the reserve's deposit cap")]
    DepositCapExceeded = 207,
    #[msg("borrow would exceed the reserve's borrow cap")]
    BorrowCapExceeded = 208,
    #[msg("reserve state is out of date: interest must be accrued first")]
    ReserveStale = 209,
    #[msg("vault balance did not change by the transferred amount")]
    VaultBalanceMismatch = 210,
    #[msg("reserve accounting invariant broken")]
    ReserveInvariantViolated = 211,
    #[msg("this much liquidity would exceed the reserve's outflow limit for the current window")]
    OutflowLimitExceeded = 212,
    #[msg("Token-2022 mint charges a transfer fee (now or scheduled): not accepted")]
    TransferFeeNotZero = 213,
    #[msg("Token-2022 mint has a transfer hook program: not accepted")]
    LiveTransferHook = 214,
    #[msg("Token-2022 mint is non-transferable")]
    NonTransferableMint = 215,
    #[msg("Token-2022 mint freezes new accounts by default")]
    DefaultFrozenAccounts = 216,
    #[msg("Token-2022 mint has a permanent delegate: list it only with permanent_delegate_acknowledged = 1")]
    PermanentDelegateNotAcknowledged = 217,
    #[msg("the liquidity mint charges a transfer fee now (switched on after listing): nothing may leave the reserve until it is zero; repays and deposits still work")]
    TransferFeeActive = 218,
    #[msg("a lower liquidation threshold must ramp down over at least an hour (ramp_secs): owners must see it coming")]
    ThresholdLoweringTooFast = 219,

    // --- oracle (300..) ---
    #[msg("oracle account is not the one configured for this reserve")]
    WrongOracleAccount = 300,
    #[msg("oracle account is not owned by the expected oracle program")]
    WrongOracleOwner = 301,
    #[msg("oracle account data cannot be decoded")]
    InvalidOracleData = 302,
    #[msg("oracle price feed id does not match the reserve's feed")]
    WrongOracleFeed = 303,
    #[msg("oracle price update is not fully verified")]
    OracleNotFullyVerified = 304,
    #[msg("oracle price is older than the reserve's max age")]
    OraclePriceStale = 305,
    #[msg("oracle confidence interval is wider than the reserve's cap")]
    OracleConfidenceTooWide = 306,
    #[msg("oracle price is zero or negative")]
    OraclePriceNotPositive = 307,
    #[msg("oracle price exponent is outside the supported range")]
    OracleExponentOutOfRange = 308,
    #[msg("oracle publish time is older than a price this reserve has already used")]
    OraclePriceWentBackwards = 309,
    #[msg("legacy Pyth account: wrong magic number")]
    LegacyOracleBadMagic = 310,
    #[msg("legacy Pyth account: unsupported layout version")]
    LegacyOracleBadVersion = 311,
    #[msg("legacy Pyth account is not a price account (e.g. a product or mapping account)")]
    LegacyOracleWrongAccountType = 312,
    #[msg("oracle price is not trading (halted, auction or unknown status)")]
    OracleNotTrading = 313,
    #[msg("missing price accounts: pass each of the reserve's sources' accounts, in order")]
    MissingOracleAccount = 314,
    #[msg(
        "the stake pool's last update is more than one epoch old: its exchange rate is not current"
    )]
    StakePoolNotUpdated = 315,
    #[msg("oracle price is outside the reserve's price band (its sanity bounds)")]
    OraclePriceOutsideBand = 316,
    #[msg("invalid price sources: 1 to 3, each a known kind (a fixed price above 0 only on a fixed source), divergence at most 100%")]
    InvalidOracleSources = 317,
    #[msg("the reserve's price sources disagree by more than its maximum divergence: borrows and withdrawals with debt wait until they agree")]
    OracleSourcesDiverge = 318,
    #[msg("the stake pool or Marinade state is for another token than the reserve's")]
    WrongPriceRateMint = 319,

    // --- obligation and position accounts (400..) ---
    #[msg("signer is not the obligation owner")]
    NotObligationOwner = 400,
    #[msg("obligation already holds the maximum number of positions")]
    ObligationPositionsFull = 401,
    #[msg("obligation has no collateral in this reserve")]
    CollateralPositionNotFound = 402,
    #[msg("obligation has no debt in this reserve")]
    BorrowPositionNotFound = 403,
    #[msg("fewer position accounts than the obligation's positions: pass each position's reserve and its price accounts, in order")]
    MissingPositionAccounts = 404,
    #[msg("more position accounts than the obligation's positions")]
    UnexpectedPositionAccounts = 405,
    #[msg("position account is not the reserve of the obligation's position at that index")]
    PositionReserveMismatch = 406,
    #[msg("position account is not a reserve of this program")]
    InvalidPositionReserve = 407,
    #[msg("an obligation cannot hold collateral and debt in the same reserve")]
    SameReserveCollateralAndDebt = 408,
    #[msg("obligation still holds collateral or debt: empty it before closing")]
    ObligationNotEmpty = 409,
    #[msg("collateral position would be below the reserve's minimum: pledge at least the minimum, or withdraw all of it")]
    CollateralBelowMinimum = 410,
    #[msg("internal: a reserve's interest was projected for another kind of position than it is read for")]
    PositionNotProjected = 411,

    // --- lending operations (500..) ---
    #[msg("amount must be greater than zero")]
    ZeroAmount = 500,
    #[msg("amount is too small: it would round to zero")]
    AmountTooSmall = 501,
    #[msg("obligation would be unhealthy: borrowed value would exceed the collateral's borrowing power")]
    ObligationUnhealthy = 502,
    #[msg("withdraw amount exceeds the obligation's collateral in this reserve")]
    WithdrawTooLarge = 503,
    #[msg("reserve does not allow borrowing (borrow cap is zero)")]
    BorrowingDisabled = 504,
    #[msg("fee vault holds less than the requested amount, after collecting what the pool can pay out")]
    InsufficientProtocolFees = 505,
    #[msg("an isolated asset may only be borrowed as the obligation's only debt: repay the other debt first, or borrow from another obligation")]
    IsolatedAssetNotOnlyDebt = 506,
    #[msg(
        "the debt this borrow leaves is below the reserve's minimum (min_debt_usd): borrow more"
    )]
    DebtBelowMinimum = 507,
    #[msg("this borrow would take the reserve's borrowed value past its USD cap")]
    BorrowCapUsdExceeded = 508,
    #[msg("this reserve is not a member of the obligation's e-mode group: leave the group first, or use a member reserve")]
    NotEmodeMember = 509,
    #[msg("the obligation's e-mode group allows only its listed debt reserves, and this is not one of them")]
    EmodeDebtNotAllowed = 510,
    #[msg("no such e-mode group in this market: groups are numbered 1..=32 and must be configured first")]
    EmodeGroupNotFound = 511,
    #[msg("internal: an obligation's positions were priced without its e-mode group's parameters")]
    EmodeNotApplied = 512,

    // --- liquidation and bad debt (600..) ---
    #[msg("obligation is healthy: its debt is within the liquidation threshold")]
    ObligationHealthy = 600,
    #[msg("an oracle of this obligation just recovered from an outage: liquidations wait for the grace period")]
    LiquidationGracePeriod = 601,
    #[msg("liquidation would pay out less than the liquidator's minimum")]
    LiquidationBelowMinimum = 602,
    #[msg("liquidity payout needs, after the position accounts: cToken mint, liquidity vault, liquidity mint, token program, destination")]
    InvalidPayoutAccounts = 603,
    #[msg("obligation still has collateral: liquidate it before writing off its debt")]
    ObligationHasCollateral = 604,
    #[msg("liquidation would lower the obligation's health margin")]
    LiquidationWorsensHealth = 605,
    #[msg("this liquidation takes the last collateral and writes off the remaining debt: pass every debt reserve writable among the position accounts")]
    WriteOffReserveNotWritable = 606,
    #[msg("a collateral position worth more than dust has no usable price: liquidations wait until its oracle is usable again")]
    CollateralPriceUnavailable = 607,

    // --- flash loans (700..) ---
    #[msg("flash loans are disabled for this reserve")]
    FlashLoansDisabled = 700,
    #[msg("no flash_repay of this reserve follows the flash_borrow in this transaction")]
    NoFlashRepay = 701,
    #[msg("flash_repay must repay exactly the borrowed amount")]
    FlashRepayWrongAmount = 702,
    #[msg("flash_repay is for another reserve than the flash_borrow")]
    FlashRepayWrongReserve = 703,
    #[msg("a second flash_borrow comes before the first one's flash_repay")]
    FlashBorrowBeforeRepay = 704,
    #[msg("flash_borrow must be called directly by the transaction, not by another program")]
    FlashBorrowByCpi = 705,
    #[msg("a flash loan of this reserve is out: liquidity cannot leave it until it is repaid")]
    FlashLoanActive = 706,
    #[msg("flash_repay does not match a flash_borrow at the given instruction index")]
    FlashRepayWithoutBorrow = 707,
}

/// Builds a `MathOverflow` error that names the caller's source location, so a failing checked
/// step says where it failed.
#[track_caller]
#[cold]
pub fn math_overflow() -> Error {
    error_at(BallastError::MathOverflow)
}

impl BallastError {
    /// The program error `error` carries, if it is one of this program's.
    pub fn of(error: &Error) -> Option<BallastError> {
        match error {
            Error::AnchorError(e) => e
                .error_code_number
                .checked_sub(anchor_lang::error::ERROR_CODE_OFFSET)
                .and_then(|n| BallastError::try_from(n).ok()),
            Error::ProgramError(_) => None,
        }
    }
}

/// `MathOverflow` for a checked step that returned `None`, naming the caller's location
/// (`.ok_or_else(math_overflow)` would name the closure in the standard library instead).
pub trait OrOverflow<T> {
    fn or_overflow(self) -> Result<T>;
}

impl<T> OrOverflow<T> for Option<T> {
    #[track_caller]
    #[inline]
    fn or_overflow(self) -> Result<T> {
        match self {
            Some(value) => Ok(value),
            None => Err(math_overflow()),
        }
    }
}

/// An error for `code` whose origin is the caller's source location.
#[track_caller]
#[cold]
pub fn error_at(code: BallastError) -> Error {
    let loc = std::panic::Location::caller();
    Error::from(code).with_source(anchor_lang::error::Source {
        filename: loc.file(),
        line: loc.line(),
    })
}
