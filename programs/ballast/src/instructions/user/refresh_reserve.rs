//! `refresh_reserve`: permissionless crank that writes accrued interest and, when one of the
//! reserve's price sources gives a usable price, records it (its publish time, its source: a
//! fallback in use shows here, with a `PriceSourceChanged` event, and any outage it just ended).
//! Remaining accounts: the reserve's price accounts. Nothing requires it
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
        events::{EventHeader, PriceSourceChanged, ReserveRefreshed},
        logic,
        oracle::{self, Check, PriceClock},
        state::{Market, Reserve},
    },
    anchor_lang::prelude::*,
};

#[derive(Accounts)]
pub struct RefreshReserve<'info> {
    pub market: AccountLoader<'info, Market>,
    #[account(mut, has_one = market @ BallastError::WrongMarket)]
    pub reserve: AccountLoader<'info, Reserve>,
}

pub fn handler(ctx: Context<RefreshReserve>) -> Result<()> {
    let clock = Clock::get()?;
    let now = clock.unix_timestamp;
    let a = &ctx.accounts;
    let outage_threshold = a.market.load()?.config.oracle_outage_threshold_secs;
    let (liquidity, previous, source) = {
        let reserve = &mut *a.reserve.load_mut()?;
        logic::accrue(reserve, now)?;
        let previous = reserve.oracles.in_use;
        // The accounts must be the sources'; a price no source gives is simply not recorded.
        let read = oracle::reserve_price(
            reserve,
            ctx.remaining_accounts,
            PriceClock::from(&clock),
            Check::FirstUsable,
        )?;
        if let Ok(price) = read {
            logic::prices::observe_price(reserve, &price, outage_threshold);
        }
        logic::settle(reserve)?;
        (reserve.liquidity, previous, reserve.oracles.in_use)
    };
    let header = EventHeader::at(
        &clock,
        a.market.key(),
        a.reserve.key(),
        Pubkey::default(),
        Pubkey::default(),
    );
    if source != previous {
        emit!(PriceSourceChanged {
            header,
            previous,
            source,
        });
    }
    emit!(ReserveRefreshed {
        header,
        cumulative_borrow_index_sf: liquidity.index().raw(),
        borrowed_amount_sf: liquidity.borrowed().raw(),
        available_amount: liquidity.available_amount,
    });
    Ok(())
}
