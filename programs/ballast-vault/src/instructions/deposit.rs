//! `deposit`: a user's liquidity goes into the vault's Ballast obligation by CPI (`supply`);
//! the user gets one share per cToken Ballast minted for it.
use {
    super::ballast_accounts::*,
    crate::ballast::{self, cpi::accounts::Supply, types::SupplyArgs},
    crate::{errors::VaultError, state::Vault},
    anchor_lang::prelude::*,
    anchor_spl::token::{self, Mint, TokenAccount},
};

#[derive(Accounts)]
pub struct Deposit<'info> {
    pub user: Signer<'info>,
    #[account(mut)]
    pub user_liquidity: Account<'info, TokenAccount>,
    #[account(mut)]
    pub user_shares: Account<'info, TokenAccount>,
    #[account(
        has_one = share_mint,
        has_one = idle,
        constraint = vault.reserve == ballast.reserve.key() @ VaultError::WrongReserve,
    )]
    pub vault: Account<'info, Vault>,
    #[account(mut)]
    pub share_mint: Account<'info, Mint>,
    #[account(mut)]
    pub idle: Account<'info, TokenAccount>,
    pub ballast: BallastReserve<'info>,
}

pub fn handler(ctx: Context<Deposit>, amount: u64) -> Result<()> {
    require!(amount > 0, VaultError::ZeroAmount);
    let a = &ctx.accounts;
    let b = &a.ballast;
    token::transfer(
        CpiContext::new(
            b.token_program.key(),
            token::Transfer {
                from: a.user_liquidity.to_account_info(),
                to: a.idle.to_account_info(),
                authority: a.user.to_account_info(),
            },
        ),
        amount,
    )?;
    let before = b.pledged()?;
    let seeds = a.vault.seeds();
    ballast::cpi::supply(
        CpiContext::new_with_signer(
            b.program.key(),
            Supply {
                owner: a.vault.to_account_info(),
                market: b.market.to_account_info(),
                market_authority: b.market_authority.to_account_info(),
                reserve: b.reserve.to_account_info(),
                obligation: b.obligation.to_account_info(),
                liquidity_mint: b.liquidity_mint.to_account_info(),
                liquidity_vault: b.liquidity_vault.to_account_info(),
                collateral_mint: b.collateral_mint.to_account_info(),
                collateral_vault: b.collateral_vault.to_account_info(),
                user_liquidity: a.idle.to_account_info(),
                token_program: b.token_program.to_account_info(),
                collateral_token_program: b.token_program.to_account_info(),
                event_authority: b.event_authority.to_account_info(),
                program: b.program.to_account_info(),
            },
            &[&seeds],
        ),
        SupplyArgs { amount },
    )?;
    let minted = b.pledged()? - before;
    token::mint_to(
        CpiContext::new_with_signer(
            b.token_program.key(),
            token::MintTo {
                mint: a.share_mint.to_account_info(),
                to: a.user_shares.to_account_info(),
                authority: a.vault.to_account_info(),
            },
            &[&seeds],
        ),
        minted,
    )
}
