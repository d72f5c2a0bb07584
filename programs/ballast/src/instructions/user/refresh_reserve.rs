//! `refresh_reserve`: permissionless crank that writes accrued interest and, when the oracle's
//! price is valid, records its publish time and any outage it just ended. Nothing requires it
//! (every instruction accrues what it touches); it keeps stored state current for readers and
//! lets the oracle grace period see outages that no user transaction happened to observe.
//!
//! Its event goes to the program log (`emit!`), not through a self-CPI like every instruction
//! that moves funds: keepers run it often, the self-CPI would be two thirds of its cost (the
//! event authority's signature alone is a 1,500 CU PDA derivation), and a transaction this
//! small never has its logs truncated.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, ReserveRefreshed},
        logic, oracle,
        state::{Market, Reserve},
    },
    anchor_lang::prelude::*,
};

#[derive(Accounts)]
pub struct RefreshReserve<'info> {
    pub market: AccountLoader<'info, Market>,
    #[account(mut, has_one = market @ BallastError::WrongMarket)]
    pub reserve: AccountLoader<'info, Reserve>,
    /// CHECK: must be the reserve's oracle account (checked); a price that fails validation
    /// (stale, too wide...) is simply not recorded.
    pub oracle: UncheckedAccount<'info>,
}

pub fn handler(ctx: Context<RefreshReserve>) -> Result<()> {
    let clock = Clock::get()?;
    let now = clock.unix_timestamp;
    let a = &ctx.accounts;
    let outage_threshold = a.market.load()?.config.oracle_outage_threshold_secs;
    let liquidity = {
        let reserve = &mut *a.reserve.load_mut()?;
        require_keys_eq!(
            a.oracle.key(),
            reserve.oracle.account,
            BallastError::WrongOracleAccount
        );
        logic::accrue(reserve, now)?;
        if let Ok(price) = oracle::load_price(&a.oracle, reserve, now) {
            logic::prices::observe_price(reserve, &price, outage_threshold);
        }
        logic::settle(reserve)?;
        reserve.liquidity
    };
    emit!(ReserveRefreshed {
        header: EventHeader::at(
            &clock,
            a.market.key(),
            a.reserve.key(),
            Pubkey::default(),
            Pubkey::default()
        ),
        cumulative_borrow_index_sf: liquidity.index().raw(),
        borrowed_amount_sf: liquidity.borrowed().raw(),
        available_amount: liquidity.available_amount,
    });
    Ok(())
}
