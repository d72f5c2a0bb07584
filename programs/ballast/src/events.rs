//! Events, emitted by self-CPI (`emit_cpi!`) so they survive log truncation. Every event starts
//! with the same header, so indexers and the monitor never parse free-text logs.
use anchor_lang::prelude::*;

/// Common to every event. `reserve` / `obligation` are the default key when not involved.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventHeader {
    pub market: Pubkey,
    pub reserve: Pubkey,
    pub obligation: Pubkey,
    pub signer: Pubkey,
    pub slot: u64,
    pub unix_timestamp: i64,
}

impl EventHeader {
    pub fn new(
        market: Pubkey,
        reserve: Pubkey,
        obligation: Pubkey,
        signer: Pubkey,
    ) -> Result<Self> {
        Ok(EventHeader::at(
            &Clock::get()?,
            market,
            reserve,
            obligation,
            signer,
        ))
    }

    /// A header at `clock`, for handlers that already read it (a sysvar read costs CU).
    pub fn at(
        clock: &Clock,
        market: Pubkey,
        reserve: Pubkey,
        obligation: Pubkey,
        signer: Pubkey,
    ) -> Self {
        EventHeader {
            market,
            reserve,
            obligation,
            signer,
            slot: clock.slot,
            unix_timestamp: clock.unix_timestamp,
        }
    }
}

#[event]
#[derive(Debug, PartialEq)]
pub struct MarketInitialized {
    pub header: EventHeader,
    pub admin: Pubkey,
    pub config: crate::state::MarketConfig,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct MarketUpdated {
    pub header: EventHeader,
    pub change: crate::state::MarketChange,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct ReserveInitialized {
    pub header: EventHeader,
    pub liquidity_mint: Pubkey,
    pub oracle: Pubkey,
    pub seed_amount: u64,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct ReserveUpdated {
    pub header: EventHeader,
    pub change: crate::state::ReserveChange,
}

/// Interest accrued by the permissionless crank; values after accrual.
#[event]
#[derive(Debug, PartialEq)]
pub struct ReserveRefreshed {
    pub header: EventHeader,
    /// Raw `Fixed` (18 decimals).
    pub cumulative_borrow_index_sf: u128,
    /// Raw `Fixed` (18 decimals).
    pub borrowed_amount_sf: u128,
    pub available_amount: u64,
}

/// The source a reserve's price comes from changed: above 0, a fallback is in use (every
/// source before it was unusable when the price was read).
#[event]
#[derive(Debug, PartialEq)]
pub struct PriceSourceChanged {
    pub header: EventHeader,
    /// The source used before (0: the primary).
    pub previous: u8,
    /// The source used now.
    pub source: u8,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct ObligationInitialized {
    pub header: EventHeader,
    pub owner: Pubkey,
    pub obligation_id: u16,
}

/// Liquidity in, cTokens out (`deposit`), or straight into the obligation (`supply`).
#[event]
#[derive(Debug, PartialEq)]
pub struct Deposited {
    pub header: EventHeader,
    pub liquidity_amount: u64,
    pub collateral_amount: u64,
    /// True when the cTokens were pledged to `header.obligation` (`supply`).
    pub pledged: bool,
}

/// cTokens burned for liquidity (`redeem`), or taken from the obligation first (`withdraw`).
#[event]
#[derive(Debug, PartialEq)]
pub struct Redeemed {
    pub header: EventHeader,
    pub collateral_amount: u64,
    pub liquidity_amount: u64,
    /// True when the cTokens came out of `header.obligation` (`withdraw`).
    pub unpledged: bool,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct CollateralDeposited {
    pub header: EventHeader,
    pub collateral_amount: u64,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct CollateralWithdrawn {
    pub header: EventHeader,
    pub collateral_amount: u64,
}

/// An obligation entered, left or changed its e-mode group.
#[event]
#[derive(Debug, PartialEq)]
pub struct EmodeSet {
    pub header: EventHeader,
    /// The group before (0: none).
    pub previous_group: u8,
    /// The group now (0: none).
    pub group: u8,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct Borrowed {
    pub header: EventHeader,
    /// Liquidity sent to the borrower.
    pub amount: u64,
    /// Raw `Fixed`: origination fee added to the debt.
    pub fee_sf: u128,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct Repaid {
    pub header: EventHeader,
    pub amount: u64,
    /// True when the position's debt is now zero.
    pub closed: bool,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct ProtocolFeesWithdrawn {
    pub header: EventHeader,
    /// Fees moved from the pool into the fee vault before paying out (earned fees plus the
    /// liquidity of the protocol's redeemed cTokens).
    pub collected: u64,
    /// Protocol-owned cTokens (liquidation bonus shares) redeemed into the fee vault.
    pub redeemed_collateral: u64,
    pub amount: u64,
    pub destination: Pubkey,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct Liquidated {
    /// `reserve` is the repay reserve.
    pub header: EventHeader,
    pub withdraw_reserve: Pubkey,
    /// Liquidity repaid by the liquidator.
    pub repaid_amount: u64,
    /// cTokens taken from the obligation (liquidator's and protocol's together).
    pub seized_collateral: u64,
    /// Of those, the protocol's share of the bonus.
    pub protocol_collateral: u64,
    pub payout: crate::state::LiquidationPayout,
    /// cTokens or liquidity paid to the liquidator.
    pub payout_amount: u64,
    /// Raw `Fixed`: the bonus applied.
    pub bonus_sf: u128,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct BadDebtSocialized {
    pub header: EventHeader,
    /// Raw `Fixed`: debt written off.
    pub written_off_sf: u128,
    /// Raw `Fixed`: liquidity per cToken before and after.
    pub exchange_rate_before_sf: u128,
    pub exchange_rate_after_sf: u128,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct PauseSet {
    pub header: EventHeader,
    pub paused: bool,
}

/// A proposed admin (`transfer_admin`) or a new one (`accept_admin`).
#[event]
#[derive(Debug, PartialEq)]
pub struct AdminChanged {
    pub header: EventHeader,
    pub admin: Pubkey,
    pub pending_admin: Pubkey,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct ObligationClosed {
    pub header: EventHeader,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct FlashBorrowed {
    pub header: EventHeader,
    pub amount: u64,
}

#[event]
#[derive(Debug, PartialEq)]
pub struct FlashRepaid {
    pub header: EventHeader,
    pub amount: u64,
    /// Paid into the fee vault.
    pub fee: u64,
}
