//! `update_reserve`: applies one typed, validated change to a reserve's risk config.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, ReserveUpdated},
        logic, oracle,
        state::{Market, OracleConfig, Reserve, ReserveChange},
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

/// The change is validated against the whole resulting config by `ReserveChange::apply`; an
/// oracle change against a live price from the new account (the first remaining account).
pub fn handler(ctx: Context<UpdateReserve>, args: UpdateReserveArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    {
        let reserve = &mut *ctx.accounts.reserve.load_mut()?;
        // Interest up to now accrues under the config it was earned under.
        logic::accrue(reserve, now)?;
        if let ReserveChange::Oracle {
            account,
            source,
            feed_id,
        } = args.change
        {
            let info = ctx
                .remaining_accounts
                .first()
                .ok_or(BallastError::MissingOracleAccount)?;
            require_keys_eq!(*info.key, account, BallastError::WrongOracleAccount);
            let oracle = OracleConfig {
                account,
                feed_id,
                source: source as u8,
                padding: [0; 7],
            };
            let candidate = logic::prices::with_oracle(reserve, oracle);
            let price = oracle::load_price(info, &candidate, now)?;
            logic::prices::change_oracle(reserve, &candidate, &price, now);
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
