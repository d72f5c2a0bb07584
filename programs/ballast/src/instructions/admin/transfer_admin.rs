//! Two-step admin transfer: `transfer_admin` (the admin proposes a key) then `accept_admin`
//! (that key signs). A mistyped key never takes over; the old admin keeps control until then.
use {
    crate::{
        errors::BallastError,
        events::{AdminChanged, EventHeader},
        state::Market,
    },
    anchor_lang::prelude::*,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct TransferAdminArgs {
    /// The proposed admin (`Pubkey::default()` withdraws a proposal).
    pub new_admin: Pubkey,
}

#[event_cpi]
#[derive(Accounts)]
pub struct TransferAdmin<'info> {
    pub admin: Signer<'info>,
    #[account(mut, has_one = admin @ BallastError::NotMarketAdmin)]
    pub market: AccountLoader<'info, Market>,
}

pub fn transfer_handler(ctx: Context<TransferAdmin>, args: TransferAdminArgs) -> Result<()> {
    ctx.accounts.market.load_mut()?.pending_admin = args.new_admin;
    emit_cpi!(AdminChanged {
        header: EventHeader::new(
            ctx.accounts.market.key(),
            Pubkey::default(),
            Pubkey::default(),
            ctx.accounts.admin.key(),
        )?,
        admin: ctx.accounts.admin.key(),
        pending_admin: args.new_admin,
    });
    Ok(())
}

#[event_cpi]
#[derive(Accounts)]
pub struct AcceptAdmin<'info> {
    pub pending_admin: Signer<'info>,
    #[account(mut, has_one = pending_admin @ BallastError::NotPendingAdmin)]
    pub market: AccountLoader<'info, Market>,
}

pub fn accept_handler(ctx: Context<AcceptAdmin>) -> Result<()> {
    let new_admin = ctx.accounts.pending_admin.key();
    {
        let mut market = ctx.accounts.market.load_mut()?;
        market.admin = new_admin;
        market.pending_admin = Pubkey::default();
    }
    emit_cpi!(AdminChanged {
        header: EventHeader::new(
            ctx.accounts.market.key(),
            Pubkey::default(),
            Pubkey::default(),
            new_admin
        )?,
        admin: new_admin,
        pending_admin: Pubkey::default(),
    });
    Ok(())
}
