//! `update_reserve`: applies one typed, validated change to a reserve's risk config.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, ReserveUpdated},
        logic,
        oracle::{self, PriceClock},
        state::{Market, OracleSources, Reserve, ReserveChange},
    },
    anchor_lang::prelude::*,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateReserveArgs {
    pub change: ReserveChange,
}

#[event_cpi]
#[derive(Accounts)]
pub struct UpdateReserve<'info> {
    pub admin: Signer<'info>,
    #[account(has_one = admin @ BallastError::NotMarketAdmin)]
    pub market: AccountLoader<'info, Market>,
    #[account(mut, has_one = market @ BallastError::WrongMarket)]
    pub reserve: AccountLoader<'info, Reserve>,
}

/// The change is validated against the whole resulting config by `ReserveChange::apply`; new
/// price sources against live prices from their accounts (the remaining accounts).
pub fn handler(ctx: Context<UpdateReserve>, args: UpdateReserveArgs) -> Result<()> {
    let clock = Clock::get()?;
    let now = clock.unix_timestamp;
    {
        let reserve = &mut *ctx.accounts.reserve.load_mut()?;
        // Interest up to now accrues under the config it was earned under.
        logic::accrue(reserve, now)?;
        if let ReserveChange::OracleSources {
            sources,
            max_divergence_bps,
        } = &args.change
        {
            let candidate = logic::prices::with_sources(
                reserve,
                OracleSources::new(sources, *max_divergence_bps)?,
            );
            let prices = oracle::require_every_source(
                &candidate,
                ctx.remaining_accounts,
                PriceClock::from(&clock),
            )?;
            logic::prices::change_sources(reserve, &candidate, &prices, now);
        } else {
            let (old_target, current) = (
                reserve.config.liquidation_threshold_bps,
                logic::ramp::liquidation_threshold_at(reserve, now),
            );
            reserve.config = args.change.apply(&reserve.config)?;
            if let ReserveChange::LoanToValue { ramp_secs, .. } = args.change {
                logic::ramp::ramp_threshold(reserve, old_target, current, ramp_secs, now)?;
            }
        }
        logic::ramp::check_ramp(reserve, now)?;
        logic::settle(reserve)?;
    }
    emit_cpi!(ReserveUpdated {
        header: EventHeader::new(
            ctx.accounts.market.key(),
            ctx.accounts.reserve.key(),
            Pubkey::default(),
            ctx.accounts.admin.key(),
        )?,
        change: args.change,
    });
    Ok(())
}
