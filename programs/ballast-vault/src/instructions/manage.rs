//! The manager borrows against the vault's collateral, and repays, by CPI. Borrowed liquidity
//! stays in an account the vault owns. Remaining accounts (borrow): what Ballast's `borrow`
//! takes (the obligation's position accounts, then a new position's price accounts), passed
//! through.
use {
    crate::ballast::{
        self,
        accounts::Obligation,
        cpi::accounts::{Borrow as BallastBorrow, Repay as BallastRepay},
        program::Ballast,
        types::{BorrowArgs, RepayArgs},
    },
    crate::state::Vault,
    anchor_lang::prelude::*,
    anchor_spl::token::{Token, TokenAccount},
};

/// The Ballast reserve borrowed from, and the vault's account of its liquidity.
#[derive(Accounts)]
pub struct Manage<'info> {
    pub manager: Signer<'info>,
    #[account(has_one = manager)]
    pub vault: Account<'info, Vault>,
    /// Holds what the vault borrowed; the vault PDA owns it.
    #[account(mut, token::authority = vault)]
    pub vault_liquidity: Account<'info, TokenAccount>,
    /// CHECK: Ballast checks it.
    pub market: UncheckedAccount<'info>,
    /// CHECK: Ballast checks it.
    pub market_authority: UncheckedAccount<'info>,
    /// CHECK: Ballast checks it.
    #[account(mut)]
    pub reserve: UncheckedAccount<'info>,
    #[account(mut)]
    pub obligation: AccountLoader<'info, Obligation>,
    /// CHECK: Ballast checks it.
    pub liquidity_mint: UncheckedAccount<'info>,
    /// CHECK: Ballast checks it.
    #[account(mut)]
    pub liquidity_vault: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
    /// CHECK: Ballast's event authority (Ballast checks it).
    pub event_authority: UncheckedAccount<'info>,
    pub ballast_program: Program<'info, Ballast>,
}

pub fn borrow_handler<'info>(ctx: Context<'info, Manage<'info>>, amount: u64) -> Result<()> {
    let a = &ctx.accounts;
    let seeds = a.vault.seeds();
    ballast::cpi::borrow(
        CpiContext::new_with_signer(
            a.ballast_program.key(),
            BallastBorrow {
                owner: a.vault.to_account_info(),
                market: a.market.to_account_info(),
                market_authority: a.market_authority.to_account_info(),
                reserve: a.reserve.to_account_info(),
                obligation: a.obligation.to_account_info(),
                liquidity_mint: a.liquidity_mint.to_account_info(),
                liquidity_vault: a.liquidity_vault.to_account_info(),
                user_liquidity: a.vault_liquidity.to_account_info(),
                token_program: a.token_program.to_account_info(),
                event_authority: a.event_authority.to_account_info(),
                program: a.ballast_program.to_account_info(),
            },
            &[&seeds],
        )
        .with_remaining_accounts(ctx.remaining_accounts.to_vec()),
        BorrowArgs { amount },
    )
}

pub fn repay_handler(ctx: Context<Manage>, amount: u64) -> Result<()> {
    let a = &ctx.accounts;
    let seeds = a.vault.seeds();
    ballast::cpi::repay(
        CpiContext::new_with_signer(
            a.ballast_program.key(),
            BallastRepay {
                repayer: a.vault.to_account_info(),
                market: a.market.to_account_info(),
                reserve: a.reserve.to_account_info(),
                obligation: a.obligation.to_account_info(),
                liquidity_mint: a.liquidity_mint.to_account_info(),
                liquidity_vault: a.liquidity_vault.to_account_info(),
                repayer_liquidity: a.vault_liquidity.to_account_info(),
                token_program: a.token_program.to_account_info(),
                event_authority: a.event_authority.to_account_info(),
                program: a.ballast_program.to_account_info(),
            },
            &[&seeds],
        ),
        RepayArgs { amount },
    )
}
