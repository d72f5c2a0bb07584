//! `withdraw`: a user's shares are burned and as many cTokens withdrawn from Ballast by CPI
//! (`withdraw`); the liquidity Ballast pays goes to the user. Remaining accounts: the
//! obligation's position accounts, passed through to Ballast.
use {
    super::ballast_accounts::*,
    crate::ballast::{self, cpi::accounts::Withdraw as BallastWithdraw, types::WithdrawArgs},
    crate::{errors::VaultError, state::Vault},
    anchor_lang::prelude::*,
    anchor_spl::token::{self, Mint, TokenAccount},
};

#[derive(Accounts)]
pub struct Withdraw<'info> {
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

pub fn handler<'info>(ctx: Context<'info, Withdraw<'info>>, shares: u64) -> Result<()> {
    require!(shares > 0, VaultError::ZeroAmount);
    let a = &ctx.accounts;
    let b = &a.ballast;
    token::burn(
        CpiContext::new(
            b.token_program.key(),
            token::Burn {
                mint: a.share_mint.to_account_info(),
                from: a.user_shares.to_account_info(),
                authority: a.user.to_account_info(),
            },
        ),
        shares,
    )?;
    let before = a.idle.amount;
    let seeds = a.vault.seeds();
    ballast::cpi::withdraw(
        CpiContext::new_with_signer(
            b.program.key(),
            BallastWithdraw {
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
        )
        .with_remaining_accounts(ctx.remaining_accounts.to_vec()),
        WithdrawArgs {
            collateral_amount: shares,
        },
    )?;
    // What Ballast paid is what the idle account received.
    let received = {
        let mut idle = a.idle.clone();
        idle.reload()?;
        idle.amount - before
    };
    token::transfer(
        CpiContext::new_with_signer(
            a.ballast.token_program.key(),
            token::Transfer {
                from: a.idle.to_account_info(),
                to: a.user_liquidity.to_account_info(),
                authority: a.vault.to_account_info(),
            },
            &[&seeds],
        ),
        received,
    )
}
