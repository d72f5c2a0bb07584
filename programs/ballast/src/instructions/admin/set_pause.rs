//! `set_pause`: the admin or the emergency authority pauses the market; only the admin
//! unpauses. See `Market::is_paused` for what goes through while paused.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, PauseSet},
        state::Market,
    },
    anchor_lang::prelude::*,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SetPauseArgs {
    pub paused: bool,
}

#[event_cpi]
#[derive(Accounts)]
pub struct SetPause<'info> {
    /// The admin, or (to pause only) the emergency authority.
    pub authority: Signer<'info>,
    #[account(mut)]
    pub market: AccountLoader<'info, Market>,
}

impl SetPause<'_> {
    pub fn validate(&self, args: &SetPauseArgs) -> Result<()> {
        let market = self.market.load()?;
        let signer = self.authority.key();
        if args.paused {
            require!(
                signer == market.admin
                    || (market.emergency_authority != Pubkey::default()
                        && signer == market.emergency_authority),
                BallastError::NotPauseAuthority
            );
        } else {
            require_keys_eq!(signer, market.admin, BallastError::OnlyAdminUnpauses);
        }
        Ok(())
    }
}

pub fn handler(ctx: Context<SetPause>, args: SetPauseArgs) -> Result<()> {
    ctx.accounts.market.load_mut()?.paused = u8::from(args.paused);
    emit_cpi!(PauseSet {
        header: EventHeader::new(
            ctx.accounts.market.key(),
            Pubkey::default(),
            Pubkey::default(),
            ctx.accounts.authority.key(),
        )?,
        paused: args.paused,
    });
    Ok(())
}
