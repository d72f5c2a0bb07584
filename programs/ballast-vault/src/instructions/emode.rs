//! The manager moves the vault's obligation into a Ballast e-mode group (or out, group 0) by
//! CPI. Remaining accounts: the obligation's position accounts, passed through to Ballast.
use {
    crate::ballast::{
        self, accounts::Obligation, cpi::accounts::SetObligationEmode, program::Ballast,
        types::SetObligationEmodeArgs,
    },
    crate::state::Vault,
    anchor_lang::prelude::*,
};

#[derive(Accounts)]
pub struct SetEmode<'info> {
    pub manager: Signer<'info>,
    #[account(has_one = manager)]
    pub vault: Account<'info, Vault>,
    /// CHECK: Ballast checks it.
    pub market: UncheckedAccount<'info>,
    #[account(mut)]
    pub obligation: AccountLoader<'info, Obligation>,
    /// CHECK: Ballast's event authority (Ballast checks it).
    pub event_authority: UncheckedAccount<'info>,
    pub ballast_program: Program<'info, Ballast>,
}

pub fn handler<'info>(ctx: Context<'info, SetEmode<'info>>, group: u8) -> Result<()> {
    let a = &ctx.accounts;
    let seeds = a.vault.seeds();
    ballast::cpi::set_obligation_emode(
        CpiContext::new_with_signer(
            a.ballast_program.key(),
            SetObligationEmode {
                owner: a.vault.to_account_info(),
                market: a.market.to_account_info(),
                obligation: a.obligation.to_account_info(),
                event_authority: a.event_authority.to_account_info(),
                program: a.ballast_program.to_account_info(),
            },
            &[&seeds],
        )
        .with_remaining_accounts(ctx.remaining_accounts.to_vec()),
        SetObligationEmodeArgs { group },
    )
}
