//! `socialize_bad_debt` (permissionless): once an obligation has debt and no collateral left,
//! its debt in one reserve is written off against that reserve's suppliers: the cToken
//! exchange rate falls by exactly that amount.
use {
    crate::{
        errors::BallastError,
        events::{BadDebtSocialized, EventHeader},
        logic::bad_debt,
        state::{Market, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
};

#[event_cpi]
#[derive(Accounts)]
pub struct SocializeBadDebt<'info> {
    /// Anyone: recorded in the event.
    pub signer: Signer<'info>,
    #[account(constraint = !market.load()?.is_paused() @ BallastError::MarketPaused)]
    pub market: AccountLoader<'info, Market>,
    #[account(mut, has_one = market @ BallastError::WrongMarket)]
    pub reserve: AccountLoader<'info, Reserve>,
    #[account(mut, has_one = market @ BallastError::WrongMarket)]
    pub obligation: AccountLoader<'info, Obligation>,
}

pub fn handler(ctx: Context<SocializeBadDebt>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let reserve_key = a.reserve.key();
    let w = bad_debt::write_off(
        &mut *a.reserve.load_mut()?,
        &reserve_key,
        &mut *a.obligation.load_mut()?,
        now,
    )?;
    emit_cpi!(BadDebtSocialized {
        header: EventHeader::new(
            a.market.key(),
            reserve_key,
            a.obligation.key(),
            a.signer.key()
        )?,
        written_off_sf: w.debt.raw(),
        exchange_rate_before_sf: w.exchange_rate_before.raw(),
        exchange_rate_after_sf: w.exchange_rate_after.raw(),
    });
    Ok(())
}
