//! `redeem`: the user's cTokens burned, liquidity out.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, Redeemed},
        instructions::shared::token::{AuthoritySeeds, Collateral, Liquidity},
        logic,
        state::{Market, Reserve},
    },
    anchor_lang::prelude::*,
    anchor_spl::{token::Token, token_interface::TokenInterface},
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RedeemArgs {
    /// cTokens to burn.
    pub collateral_amount: u64,
}

#[event_cpi]
#[derive(Accounts)]
pub struct Redeem<'info> {
    pub user: Signer<'info>,
    #[account(constraint = !market.load()?.is_paused() @ BallastError::MarketPaused)]
    pub market: AccountLoader<'info, Market>,
    /// CHECK: the market's authority PDA (key stored in the market); signs for the vault.
    #[account(address = market.load()?.authority @ BallastError::WrongMarketAuthority)]
    pub market_authority: UncheckedAccount<'info>,
    #[account(
        mut,
        has_one = market @ BallastError::WrongMarket,
        has_one = liquidity_mint @ BallastError::WrongReserveAccount,
        has_one = liquidity_vault @ BallastError::WrongReserveAccount,
        has_one = collateral_mint @ BallastError::WrongReserveAccount,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
    /// CHECK: the reserve's liquidity mint (has_one).
    pub liquidity_mint: UncheckedAccount<'info>,
    /// CHECK: the reserve's liquidity vault (has_one).
    #[account(mut)]
    pub liquidity_vault: UncheckedAccount<'info>,
    /// CHECK: the reserve's cToken mint (has_one).
    #[account(mut)]
    pub collateral_mint: UncheckedAccount<'info>,
    /// CHECK: the user's cToken account; the token program checks owner and mint.
    #[account(mut)]
    pub user_collateral: UncheckedAccount<'info>,
    /// CHECK: receives the liquidity; the token program checks the mint.
    #[account(mut)]
    pub user_liquidity: UncheckedAccount<'info>,
    #[account(address = reserve.load()?.token_program @ BallastError::WrongTokenProgram)]
    pub token_program: Interface<'info, TokenInterface>,
    pub collateral_token_program: Program<'info, Token>,
}

impl Redeem<'_> {
    pub fn validate(&self, args: &RedeemArgs) -> Result<()> {
        require!(args.collateral_amount > 0, BallastError::ZeroAmount);
        Ok(())
    }
}

pub fn handler(ctx: Context<Redeem>, args: RedeemArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let (amount, decimals) = {
        let reserve = &mut *a.reserve.load_mut()?;
        let amount = logic::redeem_collateral(reserve, args.collateral_amount, now)?;
        (amount, reserve.decimals)
    };
    Collateral {
        token_program: &a.collateral_token_program,
    }
    .burn_from_user(
        &a.collateral_mint,
        &a.user_collateral,
        &a.user,
        args.collateral_amount,
    )?;
    let seeds = AuthoritySeeds::new(a.market.key(), a.market.load()?.authority_bump);
    Liquidity {
        token_program: &a.token_program.to_account_info(),
        mint: &a.liquidity_mint,
        decimals,
    }
    .transfer_out(
        &a.liquidity_vault,
        &a.user_liquidity,
        &a.market_authority,
        &seeds,
        amount,
    )?;
    emit_cpi!(Redeemed {
        header: EventHeader::new(
            a.market.key(),
            a.reserve.key(),
            Pubkey::default(),
            a.user.key()
        )?,
        collateral_amount: args.collateral_amount,
        liquidity_amount: amount,
        unpledged: false,
    });
    Ok(())
}
