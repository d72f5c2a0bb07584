//! `init_obligation`: opens an empty obligation for `owner` in a market.
use {
    crate::{
        constants::OBLIGATION_SEED,
        events::{EventHeader, ObligationInitialized},
        state::{Market, Obligation},
    },
    anchor_lang::prelude::*,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitObligationArgs {
    /// Lets one owner hold several obligations in a market.
    pub obligation_id: u16,
}

#[event_cpi]
#[derive(Accounts)]
#[instruction(args: InitObligationArgs)]
pub struct InitObligation<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    /// The owner signs so nobody opens obligations in another's name (a program signs with its
    /// PDA seeds to own one).
    pub owner: Signer<'info>,
    pub market: AccountLoader<'info, Market>,
    #[account(
        init,
        payer = payer,
        space = Obligation::SPACE,
        seeds = [
            OBLIGATION_SEED,
            market.key().as_ref(),
            owner.key().as_ref(),
            &args.obligation_id.to_le_bytes(),
        ],
        bump,
    )]
    pub obligation: AccountLoader<'info, Obligation>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitObligation>, args: InitObligationArgs) -> Result<()> {
    {
        let mut obligation = ctx.accounts.obligation.load_init()?;
        obligation.market = ctx.accounts.market.key();
        obligation.owner = ctx.accounts.owner.key();
        obligation.obligation_id = args.obligation_id;
        obligation.bump = ctx.bumps.obligation;
    }
    emit_cpi!(ObligationInitialized {
        header: EventHeader::new(
            ctx.accounts.market.key(),
            Pubkey::default(),
            ctx.accounts.obligation.key(),
            ctx.accounts.owner.key(),
        )?,
        owner: ctx.accounts.owner.key(),
        obligation_id: args.obligation_id,
    });
    Ok(())
}
