//! `deposit`: liquidity in, cTokens out to the user.
use {
    crate::{
        errors::BallastError,
        events::{Deposited, EventHeader},
        instructions::shared::token::{AuthoritySeeds, Collateral, Liquidity},
        logic,
        state::{Market, Reserve},
    },
    anchor_lang::prelude::*,
    anchor_spl::{token::Token, token_interface::TokenInterface},
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct DepositArgs {
    /// Liquidity to supply, in base units.
    pub amount: u64,
}

#[event_cpi]
#[derive(Accounts)]
pub struct Deposit<'info> {
    pub user: Signer<'info>,
    #[account(constraint = !market.load()?.is_paused() @ BallastError::MarketPaused)]
    pub market: AccountLoader<'info, Market>,
    /// CHECK: the market's authority PDA (key stored in the market); signs the cToken mint.
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
    /// CHECK: the user's liquidity account; the token program checks owner and mint.
    #[account(mut)]
    pub user_liquidity: UncheckedAccount<'info>,
    /// CHECK: receives the cTokens; the token program checks the mint.
    #[account(mut)]
    pub user_collateral: UncheckedAccount<'info>,
    #[account(address = reserve.load()?.token_program @ BallastError::WrongTokenProgram)]
    pub token_program: Interface<'info, TokenInterface>,
    pub collateral_token_program: Program<'info, Token>,
}

impl Deposit<'_> {
    pub fn validate(&self, args: &DepositArgs) -> Result<()> {
        require!(args.amount > 0, BallastError::ZeroAmount);
        Ok(())
    }
}

pub fn handler(ctx: Context<Deposit>, args: DepositArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let liquidity = Liquidity {
        token_program: &a.token_program.to_account_info(),
        mint: &a.liquidity_mint,
        decimals: a.reserve.load()?.decimals,
    };
    // The pool is credited with what the vault receives (a transfer fee is the sender's).
    let received = liquidity.received(args.amount)?;
    let collateral = logic::deposit_liquidity(&mut *a.reserve.load_mut()?, received, now)?;
    liquidity.transfer_in(&a.user_liquidity, &a.liquidity_vault, &a.user, args.amount)?;
    let seeds = AuthoritySeeds::new(a.market.key(), a.market.load()?.authority_bump);
    Collateral {
        token_program: &a.collateral_token_program,
    }
    .mint_to(
        &a.collateral_mint,
        &a.user_collateral,
        &a.market_authority,
        &seeds,
        collateral,
    )?;
    emit_cpi!(Deposited {
        header: EventHeader::new(
            a.market.key(),
            a.reserve.key(),
            Pubkey::default(),
            a.user.key()
        )?,
        liquidity_amount: received,
        collateral_amount: collateral,
        pledged: false,
    });
    Ok(())
}
