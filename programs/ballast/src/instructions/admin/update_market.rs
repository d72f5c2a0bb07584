//! `update_market`: applies one typed, validated change to the market's config.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, MarketUpdated},
        state::{Market, MarketChange},
    },
    anchor_lang::prelude::*,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateMarketArgs {
    pub change: MarketChange,
}

#[event_cpi]
#[derive(Accounts)]
pub struct UpdateMarket<'info> {
    pub admin: Signer<'info>,
    #[account(mut, has_one = admin @ BallastError::NotMarketAdmin)]
    pub market: AccountLoader<'info, Market>,
}

/// The change is validated against the whole resulting config by `MarketChange::apply`.
pub fn handler(ctx: Context<UpdateMarket>, args: UpdateMarketArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    args.change
        .apply_to(&mut *ctx.accounts.market.load_mut()?, now)?;
    emit_cpi!(MarketUpdated {
        header: EventHeader::new(
            ctx.accounts.market.key(),
            Pubkey::default(),
            Pubkey::default(),
            ctx.accounts.admin.key(),
        )?,
        change: args.change,
    });
    Ok(())
}
