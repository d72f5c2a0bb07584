//! `refresh_reserve`: permissionless crank that writes accrued interest. Nothing requires it
//! (every instruction accrues what it touches); it keeps stored state current for readers.
use {
    crate::{
        events::{EventHeader, ReserveRefreshed},
        logic,
        state::Reserve,
    },
    anchor_lang::prelude::*,
};

#[event_cpi]
#[derive(Accounts)]
pub struct RefreshReserve<'info> {
    #[account(mut)]
    pub reserve: AccountLoader<'info, Reserve>,
}

pub fn handler(ctx: Context<RefreshReserve>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let (market, liquidity) = {
        let reserve = &mut *ctx.accounts.reserve.load_mut()?;
        logic::accrue_interest(&mut reserve.liquidity, &reserve.config, now)?;
        reserve.check_invariants()?;
        (reserve.market, reserve.liquidity)
    };
    emit_cpi!(ReserveRefreshed {
        header: EventHeader::new(
            market,
            ctx.accounts.reserve.key(),
            Pubkey::default(),
            Pubkey::default()
        )?,
        cumulative_borrow_index_sf: liquidity.index().raw(),
        borrowed_amount_sf: liquidity.borrowed().raw(),
        available_amount: liquidity.available_amount,
    });
    Ok(())
}
