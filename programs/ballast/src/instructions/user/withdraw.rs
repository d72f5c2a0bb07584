//! `withdraw`: `withdraw_collateral` and `redeem` in one: pledged cTokens burned in the vault,
//! liquidity out, if the obligation stays within its borrow limit. Remaining accounts: the
//! obligation's position accounts.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, Redeemed},
        instructions::shared::{
            positions::{check_position_accounts, priced_positions_only},
            token::{AuthoritySeeds, Collateral, Liquidity},
        },
        logic::{self, unpriced::Priced},
        oracle::{Check, PriceClock},
        state::{Market, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
    anchor_spl::{token::Token, token_interface::TokenInterface},
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct WithdrawArgs {
    /// Pledged cTokens to redeem; `u64::MAX` for the whole position.
    pub collateral_amount: u64,
}

#[event_cpi]
#[derive(Accounts)]
pub struct Withdraw<'info> {
    pub owner: Signer<'info>,
    #[account(constraint = !market.load()?.is_paused() @ BallastError::MarketPaused)]
    pub market: AccountLoader<'info, Market>,
    /// CHECK: the market's authority PDA (key stored in the market); signs for the vaults.
    #[account(address = market.load()?.authority @ BallastError::WrongMarketAuthority)]
    pub market_authority: UncheckedAccount<'info>,
    #[account(
        mut,
        has_one = market @ BallastError::WrongMarket,
        has_one = liquidity_mint @ BallastError::WrongReserveAccount,
        has_one = liquidity_vault @ BallastError::WrongReserveAccount,
        has_one = collateral_mint @ BallastError::WrongReserveAccount,
        has_one = collateral_vault @ BallastError::WrongReserveAccount,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
    #[account(
        mut,
        has_one = market @ BallastError::WrongMarket,
        has_one = owner @ BallastError::NotObligationOwner,
    )]
    pub obligation: AccountLoader<'info, Obligation>,
    /// CHECK: the reserve's liquidity mint (has_one).
    pub liquidity_mint: UncheckedAccount<'info>,
    /// CHECK: the reserve's liquidity vault (has_one).
    #[account(mut)]
    pub liquidity_vault: UncheckedAccount<'info>,
    /// CHECK: the reserve's cToken mint (has_one).
    #[account(mut)]
    pub collateral_mint: UncheckedAccount<'info>,
    /// CHECK: the reserve's collateral vault (has_one).
    #[account(mut)]
    pub collateral_vault: UncheckedAccount<'info>,
    /// CHECK: receives the liquidity; the token program checks the mint.
    #[account(mut)]
    pub user_liquidity: UncheckedAccount<'info>,
    #[account(address = reserve.load()?.token_program @ BallastError::WrongTokenProgram)]
    pub token_program: Interface<'info, TokenInterface>,
    pub collateral_token_program: Program<'info, Token>,
}

impl Withdraw<'_> {
    pub fn validate(&self, args: &WithdrawArgs) -> Result<()> {
        require!(args.collateral_amount > 0, BallastError::ZeroAmount);
        Ok(())
    }
}

pub fn handler<'info>(ctx: Context<'info, Withdraw<'info>>, args: WithdrawArgs) -> Result<()> {
    let clock = Clock::get()?;
    let now = clock.unix_timestamp;
    let a = &ctx.accounts;
    let reserve_key = a.reserve.key();
    let market = a.market.load()?.config;
    let (withdrawn, decimals) = {
        let reserve = &mut *a.reserve.load_mut()?;
        let obligation = &mut *a.obligation.load_mut()?;
        // Accrued before it is priced, so its pricing projects nothing (the rules' own accrual
        // is then a no-op).
        logic::accrue(reserve, now)?;
        // Without debt no price is needed; with debt, this reserve is priced from its position
        // accounts like the others.
        let pricing = if obligation.has_debt() {
            Some(priced_positions_only(
                ctx.remaining_accounts,
                obligation,
                &a.market.key(),
                Some(&a.market.load()?.emode_groups),
                &[(reserve_key, reserve)],
                PriceClock::from(&clock),
                Check::Agreement,
            )?)
        } else {
            check_position_accounts(
                ctx.remaining_accounts,
                obligation,
                &a.market.key(),
                &[(reserve_key, reserve)],
            )?;
            None
        };
        let withdrawn = logic::withdraw(
            reserve,
            &reserve_key,
            obligation,
            args.collateral_amount,
            pricing.as_ref().map(|p| Priced {
                priced: &p.pricing,
                unpriced: &p.unpriced,
            }),
            &market,
            now,
        )?;
        (withdrawn, reserve.decimals)
    };
    let (collateral, amount) = (withdrawn.collateral, withdrawn.liquidity);
    let seeds = AuthoritySeeds::new(a.market.key(), a.market.load()?.authority_bump);
    Collateral {
        token_program: &a.collateral_token_program,
    }
    .burn_from_vault(
        &a.collateral_mint,
        &a.collateral_vault,
        &a.market_authority,
        &seeds,
        collateral,
    )?;
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
            reserve_key,
            a.obligation.key(),
            a.owner.key()
        )?,
        collateral_amount: collateral,
        liquidity_amount: amount,
        unpledged: true,
    });
    Ok(())
}
