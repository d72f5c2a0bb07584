//! `Reserve`: one asset of a market: its vaults, cToken mint, price sources, risk config and
//! live state.
use {
    super::{OracleSources, ReserveConfig},
    crate::{
        errors::{BallastError, OrOverflow},
        math::{Fixed, Sf},
    },
    anchor_lang::prelude::*,
};

/// PDA `["reserve", market, liquidity_mint]`.
// `unsafe`: its config fields are Borsh types in the IDL (see `MarketConfig`); `repr(C)` keeps
// the layout, and `state/mod.rs` asserts there is no padding, as the `Pod` derive would.
#[account(zero_copy(unsafe))]
#[repr(C)]
#[derive(Debug)]
pub struct Reserve {
    pub market: Pubkey,
    /// The asset lent and borrowed (SPL Token or Token-2022).
    pub liquidity_mint: Pubkey,
    /// PDA `["liquidity_vault", reserve]`: holds `liquidity.available_amount`.
    pub liquidity_vault: Pubkey,
    /// PDA `["fee_vault", reserve]`: protocol fees collected out of the pool.
    pub fee_vault: Pubkey,
    /// PDA `["collateral_mint", reserve]`: the reserve's cToken (SPL Token, liquidity decimals).
    pub collateral_mint: Pubkey,
    /// PDA `["collateral_vault", reserve]`: cTokens pledged by obligations.
    pub collateral_vault: Pubkey,
    /// Token program of the liquidity mint.
    pub token_program: Pubkey,
    /// Where its price comes from.
    pub oracles: OracleSources,
    pub liquidity: ReserveLiquidity,
    pub config: ReserveConfig,
    /// cTokens of the seed deposit: counted in the supply, never minted, so never redeemable.
    pub locked_collateral: u64,
    /// Newest publish time of a price this reserve has used, from any source: how long it has
    /// gone without a price (each source's own newest is in `oracles`).
    pub last_oracle_publish_time: i64,
    /// When the reserve's price last came back from an outage, every source down (0: never
    /// seen). Liquidations wait the market's grace period after it.
    pub oracle_recovered_at: i64,
    /// cTokens in the collateral vault owned by the protocol (its share of liquidation bonuses),
    /// redeemed into the fee vault by `withdraw_protocol_fees`.
    pub protocol_collateral: u64,
    /// Start of the current outflow window.
    pub outflow_window_start: i64,
    /// Liquidity that has left the pool in the current window.
    pub outflow_in_window: u64,
    /// Liquidity lent by a flash loan not yet repaid (only ever non-zero inside the transaction
    /// that holds both halves). It stays counted in `liquidity.available_amount`, so the
    /// exchange rate does not move while the loan is out.
    pub flash_loan_outstanding: u64,
    /// Decimals of the liquidity mint (and of the cToken mint).
    pub decimals: u8,
    pub bump: u8,
    pub padding: [u8; 6],
    /// Spot price of the last usable oracle price (published at `last_oracle_publish_time`;
    /// 0: none yet). When the oracle is unusable, liquidation values a position here to tell
    /// dust (left out) from a position worth waiting for.
    pub last_price_sf: Sf,
    /// The per-second borrow rate at the pool state of the last write.
    pub rate_cache: RateCache,
    /// A lowering of the liquidation threshold in progress (`config` holds its target).
    pub threshold_ramp: ThresholdRamp,
    /// Room for fields added later without a migration.
    pub reserved: [u8; 56],
}

/// A liquidation threshold moving linearly from `from_bps` at `start` down to the config's at
/// `end` (Euler's ramping: a lowering never liquidates anyone at once). `end` 0: none.
#[zero_copy]
#[repr(C)]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ThresholdRamp {
    pub from_bps: u16,
    pub padding: [u8; 6],
    pub start: i64,
    pub end: i64,
}

/// A reserve's per-second borrow rate and the pool state it was computed at (utilization is
/// available, borrowed and fees). Every write stores it for the state it leaves, so the next
/// accrual, or a read-only reserve's projection, skips utilization and the rate curve (a
/// 256-bit division and four more). Used only while the state is the one it was computed at;
/// a change of rate curve stores it anew.
#[zero_copy]
#[repr(C)]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RateCache {
    pub available_amount: u64,
    pub borrowed_amount_sf: Sf,
    pub accumulated_protocol_fees_sf: Sf,
    pub rate_per_second_sf: Sf,
}

impl RateCache {
    /// The rate, if it was computed at `liquidity`'s state.
    pub fn rate_at(&self, liquidity: &ReserveLiquidity) -> Option<Fixed> {
        (self.available_amount == liquidity.available_amount
            && self.borrowed_amount_sf == liquidity.borrowed_amount_sf
            && self.accumulated_protocol_fees_sf == liquidity.accumulated_protocol_fees_sf)
            .then(|| self.rate_per_second_sf.get())
    }

    /// `rate`, computed at `liquidity`'s state.
    pub fn new(liquidity: &ReserveLiquidity, rate: Fixed) -> RateCache {
        let mut cache = RateCache {
            available_amount: liquidity.available_amount,
            borrowed_amount_sf: liquidity.borrowed_amount_sf,
            accumulated_protocol_fees_sf: liquidity.accumulated_protocol_fees_sf,
            ..RateCache::default()
        };
        cache.rate_per_second_sf.set(rate);
        cache
    }
}

impl Reserve {
    pub const SPACE: usize = 8 + std::mem::size_of::<Reserve>();

    /// Counts `amount` of liquidity leaving the pool at `now` against the outflow limit of the
    /// current window (a fixed window that restarts when it has run out: across a boundary, up
    /// to twice the limit may leave within one window's length).
    pub fn record_outflow(&mut self, amount: u64, now: i64) -> Result<()> {
        self.require_no_flash_loan()?;
        if self.config.outflow_limit == u64::MAX {
            return Ok(());
        }
        let window = i64::from(self.config.outflow_window_secs);
        if now >= self.outflow_window_start.saturating_add(window) {
            self.outflow_window_start = now;
            self.outflow_in_window = 0;
        }
        let total = self.outflow_in_window.checked_add(amount).or_overflow()?;
        require!(
            total <= self.config.outflow_limit,
            BallastError::OutflowLimitExceeded
        );
        self.outflow_in_window = total;
        Ok(())
    }

    /// Liquidity may not leave a reserve while a flash loan of it is out: it could be the very
    /// liquidity the flash loan has lent.
    pub fn require_no_flash_loan(&self) -> Result<()> {
        require!(
            self.flash_loan_outstanding == 0,
            BallastError::FlashLoanActive
        );
        Ok(())
    }

    /// Rules every stored reserve obeys; checked after each change.
    pub fn check_invariants(&self) -> Result<()> {
        let l = &self.liquidity;
        require!(
            l.cumulative_borrow_index_sf.get() >= Fixed::ONE,
            BallastError::ReserveInvariantViolated
        );
        require!(
            l.collateral_supply >= self.locked_collateral && self.locked_collateral > 0,
            BallastError::ReserveInvariantViolated
        );
        // Protocol fees are a claim on the pool, never more than all of it.
        require!(
            l.protocol_fees() <= Fixed::from_u64(l.available_amount).checked_add(l.borrowed())?,
            BallastError::ReserveInvariantViolated
        );
        Ok(())
    }
}

/// The live accounting of a reserve. Amounts are in liquidity base units.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReserveLiquidity {
    /// Liquidity in the vault that belongs to the pool. Donations to the vault do not count.
    pub available_amount: u64,
    /// cTokens outstanding, including the locked seed.
    pub collateral_supply: u64,
    /// Unix time interest was last accrued to.
    pub last_update_ts: i64,
    /// Total debt owed to the reserve, interest included.
    pub borrowed_amount_sf: Sf,
    /// Growth of one unit of debt since the reserve opened; starts at 1.
    pub cumulative_borrow_index_sf: Sf,
    /// Protocol fees earned and not yet collected (part of `available + borrowed`).
    pub accumulated_protocol_fees_sf: Sf,
}

impl ReserveLiquidity {
    pub fn borrowed(&self) -> Fixed {
        self.borrowed_amount_sf.get()
    }

    pub fn index(&self) -> Fixed {
        self.cumulative_borrow_index_sf.get()
    }

    pub fn protocol_fees(&self) -> Fixed {
        self.accumulated_protocol_fees_sf.get()
    }

    /// What the pool owes its suppliers: `available + borrowed - protocol fees`.
    pub fn total_supply(&self) -> Result<Fixed> {
        Fixed::from_u64(self.available_amount)
            .checked_add(self.borrowed())?
            .checked_sub(self.protocol_fees())
    }

    /// `borrowed / total supply`, in [0, 1] (0 for an empty pool).
    pub fn utilization(&self) -> Result<Fixed> {
        let total = self.total_supply()?;
        if total.is_zero() {
            return Ok(Fixed::ZERO);
        }
        Ok(self.borrowed().div_floor(total)?.min(Fixed::ONE))
    }

    /// Liquidity per cToken.
    pub fn exchange_rate(&self) -> Result<Fixed> {
        // Exactly `div_floor(Fixed::from_u64(collateral_supply))`: the scales cancel.
        self.total_supply()?
            .mul_div_int_floor(1, self.collateral_supply)
    }

    /// Liquidity that `collateral` cTokens are worth, rounded down: exactly
    /// `Fixed::from_u64(collateral) x total / Fixed::from_u64(collateral_supply)`, with the
    /// scales cancelled (whole-number factors take the cheaper path).
    pub fn collateral_to_liquidity(&self, collateral: u64) -> Result<Fixed> {
        self.total_supply()?
            .mul_div_int_floor(collateral, self.collateral_supply)
    }

    /// cTokens that `liquidity` buys, rounded down.
    pub fn liquidity_to_collateral(&self, liquidity: u64) -> Result<u64> {
        let total = self.total_supply()?;
        Fixed::from_u64(liquidity)
            .mul_div_floor(Fixed::from_u64(self.collateral_supply), total)?
            .to_floor()
    }

    /// cTokens that redeem for at least `liquidity`, rounded up: what a withdrawal of that much
    /// liquidity must burn.
    pub fn liquidity_to_collateral_ceil(&self, liquidity: u64) -> Result<u64> {
        let total = self.total_supply()?;
        Fixed::from_u64(liquidity)
            .mul_div_ceil(Fixed::from_u64(self.collateral_supply), total)?
            .to_ceil()
    }

    pub fn add_available(&mut self, amount: u64) -> Result<()> {
        self.available_amount = self.available_amount.checked_add(amount).or_overflow()?;
        Ok(())
    }

    pub fn remove_available(&mut self, amount: u64) -> Result<()> {
        require!(
            amount <= self.available_amount,
            BallastError::InsufficientLiquidity
        );
        self.available_amount -= amount;
        Ok(())
    }
}
