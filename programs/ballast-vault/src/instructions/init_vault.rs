//! `init_vault`: the vault, its share mint and idle account, and (by CPI) its Ballast obligation.
use {
    crate::ballast::{
        self, cpi::accounts::InitObligation, program::Ballast, types::InitObligationArgs,
    },
    crate::state::Vault,
    anchor_lang::prelude::*,
    anchor_spl::token::{Mint, Token, TokenAccount},
};

#[derive(Accounts)]
pub struct InitVault<'info> {
    #[account(mut)]
    pub manager: Signer<'info>,
    #[account(
        init,
        payer = manager,
        space = 8 + Vault::INIT_SPACE,
        seeds = [Vault::SEED, reserve.key().as_ref(), manager.key().as_ref()],
        bump,
    )]
    pub vault: Account<'info, Vault>,
    #[account(
        init,
        payer = manager,
        seeds = [b"shares", vault.key().as_ref()],
        bump,
        mint::decimals = liquidity_mint.decimals,
        mint::authority = vault,
    )]
    pub share_mint: Account<'info, Mint>,
    #[account(
        init,
        payer = manager,
        seeds = [b"idle", vault.key().as_ref()],
        bump,
        token::mint = liquidity_mint,
        token::authority = vault,
    )]
    pub idle: Account<'info, TokenAccount>,
    pub liquidity_mint: Account<'info, Mint>,
    /// CHECK: Ballast checks it is a market.
    pub ballast_market: UncheckedAccount<'info>,
    /// CHECK: the Ballast reserve of `liquidity_mint` (recorded; Ballast checks it on use).
    pub reserve: UncheckedAccount<'info>,
    /// CHECK: created by Ballast at its PDA for (market, vault, 0).
    #[account(mut)]
    pub obligation: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
    /// CHECK: Ballast's event authority (Ballast checks it).
    pub ballast_event_authority: UncheckedAccount<'info>,
    pub ballast_program: Program<'info, Ballast>,
}

pub fn handler(ctx: Context<InitVault>) -> Result<()> {
    let a = &ctx.accounts;
    let vault = Vault {
        manager: a.manager.key(),
        market: a.ballast_market.key(),
        reserve: a.reserve.key(),
        liquidity_mint: a.liquidity_mint.key(),
        share_mint: a.share_mint.key(),
        idle: a.idle.key(),
        obligation: a.obligation.key(),
        bump: ctx.bumps.vault,
    };
    let seeds = vault.seeds();
    ballast::cpi::init_obligation(
        CpiContext::new_with_signer(
            a.ballast_program.key(),
            InitObligation {
                payer: a.manager.to_account_info(),
                owner: a.vault.to_account_info(),
                market: a.ballast_market.to_account_info(),
                obligation: a.obligation.to_account_info(),
                system_program: a.system_program.to_account_info(),
                event_authority: a.ballast_event_authority.to_account_info(),
                program: a.ballast_program.to_account_info(),
            },
            &[&seeds],
        ),
        InitObligationArgs { obligation_id: 0 },
    )?;
    ctx.accounts.vault.set_inner(vault);
    Ok(())
}
