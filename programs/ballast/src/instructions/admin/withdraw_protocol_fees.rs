//! `withdraw_protocol_fees`: collects what the protocol has earned into the fee vault (as far
//! as the pool's liquidity allows): its cTokens from liquidation bonuses, redeemed, and its
//! accrued fees. Then pays `amount` from the fee vault.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, ProtocolFeesWithdrawn},
        instructions::shared::token::{token_amount, AuthoritySeeds, Collateral, Liquidity},
        logic,
        state::{Market, Reserve},
    },
    anchor_lang::prelude::*,
    anchor_spl::{token::Token, token_interface::TokenInterface},
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct WithdrawProtocolFeesArgs {
    /// Liquidity to pay out of the fee vault; `u64::MAX` for all of it.
    pub amount: u64,
}

#[event_cpi]
#[derive(Accounts)]
pub struct WithdrawProtocolFees<'info> {
    pub admin: Signer<'info>,
    #[account(
        has_one = admin @ BallastError::NotMarketAdmin,
        constraint = !market.load()?.is_paused() @ BallastError::MarketPaused,
    )]
    pub market: AccountLoader<'info, Market>,
    /// CHECK: the market's authority PDA (key stored in the market); signs for the vaults.
    #[account(address = market.load()?.authority @ BallastError::WrongMarketAuthority)]
    pub market_authority: UncheckedAccount<'info>,
    #[account(
        mut,
        has_one = market @ BallastError::WrongMarket,
        has_one = liquidity_mint @ BallastError::WrongReserveAccount,
        has_one = liquidity_vault @ BallastError::WrongReserveAccount,
        has_one = fee_vault @ BallastError::WrongReserveAccount,
        has_one = collateral_mint @ BallastError::WrongReserveAccount,
        has_one = collateral_vault @ BallastError::WrongReserveAccount,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
    /// CHECK: the reserve's liquidity mint (has_one).
    pub liquidity_mint: UncheckedAccount<'info>,
    /// CHECK: the reserve's liquidity vault (has_one).
    #[account(mut)]
    pub liquidity_vault: UncheckedAccount<'info>,
    /// CHECK: the reserve's fee vault (has_one).
    #[account(mut)]
    pub fee_vault: UncheckedAccount<'info>,
    /// CHECK: the reserve's cToken mint (has_one).
    #[account(mut)]
    pub collateral_mint: UncheckedAccount<'info>,
    /// CHECK: the reserve's collateral vault (has_one), which holds the protocol's cTokens.
    #[account(mut)]
    pub collateral_vault: UncheckedAccount<'info>,
    /// CHECK: any token account of the liquidity mint; the token program checks the mint.
    #[account(mut)]
    pub destination: UncheckedAccount<'info>,
    #[account(address = reserve.load()?.token_program @ BallastError::WrongTokenProgram)]
    pub token_program: Interface<'info, TokenInterface>,
    pub collateral_token_program: Program<'info, Token>,
}

impl WithdrawProtocolFees<'_> {
    pub fn validate(&self, args: &WithdrawProtocolFeesArgs) -> Result<()> {
        require!(args.amount > 0, BallastError::ZeroAmount);
        Ok(())
    }
}

pub fn handler(ctx: Context<WithdrawProtocolFees>, args: WithdrawProtocolFeesArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &ctx.accounts;
    let (collected, redeemed_collateral, decimals) = {
        let reserve = &mut *accounts.reserve.load_mut()?;
        let collected = logic::fees::collect_protocol_fees(reserve, now)?;
        (
            collected.liquidity,
            collected.redeemed_collateral,
            reserve.decimals,
        )
    };
    let seeds = AuthoritySeeds::new(
        accounts.market.key(),
        accounts.market.load()?.authority_bump,
    );
    let liquidity = Liquidity {
        token_program: &accounts.token_program.to_account_info(),
        mint: &accounts.liquidity_mint,
        decimals,
    };
    let authority = &accounts.market_authority;
    if redeemed_collateral > 0 {
        Collateral {
            token_program: &accounts.collateral_token_program,
        }
        .burn_from_vault(
            &accounts.collateral_mint,
            &accounts.collateral_vault,
            authority,
            &seeds,
            redeemed_collateral,
        )?;
    }
    if collected > 0 {
        liquidity.transfer_out(
            &accounts.liquidity_vault,
            &accounts.fee_vault,
            authority,
            &seeds,
            collected,
        )?;
    }
    let balance = token_amount(&accounts.fee_vault)?;
    let amount = if args.amount == u64::MAX {
        balance
    } else {
        args.amount
    };
    require!(
        amount > 0 && amount <= balance,
        BallastError::InsufficientProtocolFees
    );
    liquidity.transfer_out(
        &accounts.fee_vault,
        &accounts.destination,
        authority,
        &seeds,
        amount,
    )?;
    emit_cpi!(ProtocolFeesWithdrawn {
        header: EventHeader::new(
            accounts.market.key(),
            accounts.reserve.key(),
            Pubkey::default(),
            accounts.admin.key(),
        )?,
        collected,
        redeemed_collateral,
        amount,
        destination: accounts.destination.key(),
    });
    Ok(())
}
