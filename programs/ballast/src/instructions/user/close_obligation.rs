//! `close_obligation`: the owner closes an empty obligation and takes back its rent.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, ObligationClosed},
        state::{Market, Obligation},
    },
    anchor_lang::prelude::*,
};

#[event_cpi]
#[derive(Accounts)]
pub struct CloseObligation<'info> {
    pub owner: Signer<'info>,
    /// CHECK: receives the rent; any account the owner chooses.
    #[account(mut)]
    pub rent_receiver: UncheckedAccount<'info>,
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        close = rent_receiver,
        has_one = market @ BallastError::WrongMarket,
        has_one = owner @ BallastError::NotObligationOwner,
        constraint = obligation.load()?.position_count() == 0 @ BallastError::ObligationNotEmpty,
    )]
    pub obligation: AccountLoader<'info, Obligation>,
}

pub fn handler(ctx: Context<CloseObligation>) -> Result<()> {
    emit_cpi!(ObligationClosed {
        header: EventHeader::new(
            ctx.accounts.market.key(),
            Pubkey::default(),
            ctx.accounts.obligation.key(),
            ctx.accounts.owner.key(),
        )?,
    });
    Ok(())
}
