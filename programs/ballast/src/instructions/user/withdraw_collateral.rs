//! `withdraw_collateral`: the owner takes pledged cTokens back, if the obligation stays within
//! its borrow limit. Remaining accounts: the obligation's position accounts.
use {
    crate::{
        errors::BallastError,
        events::{CollateralWithdrawn, EventHeader},
        instructions::shared::{
            positions::{check_position_accounts, priced_positions_only},
            token::{AuthoritySeeds, Collateral},
        },
        logic::{self, unpriced::Priced},
        oracle::{Check, PriceClock},
        state::{Market, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
    anchor_spl::token::Token,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct WithdrawCollateralArgs {
    /// cTokens to take back; `u64::MAX` for the whole position.
    pub collateral_amount: u64,
}

#[event_cpi]
#[derive(Accounts)]
pub struct WithdrawCollateral<'info> {
    pub owner: Signer<'info>,
    #[account(constraint = !market.load()?.is_paused() @ BallastError::MarketPaused)]
    pub market: AccountLoader<'info, Market>,
    /// CHECK: the market's authority PDA (key stored in the market); signs for the vault.
    #[account(address = market.load()?.authority @ BallastError::WrongMarketAuthority)]
    pub market_authority: UncheckedAccount<'info>,
    #[account(
        has_one = market @ BallastError::WrongMarket,
        has_one = collateral_vault @ BallastError::WrongReserveAccount,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
    #[account(
        mut,
        has_one = market @ BallastError::WrongMarket,
        has_one = owner @ BallastError::NotObligationOwner,
    )]
    pub obligation: AccountLoader<'info, Obligation>,
    /// CHECK: the reserve's collateral vault (has_one).
    #[account(mut)]
    pub collateral_vault: UncheckedAccount<'info>,
    /// CHECK: receives the cTokens; the token program checks the mint.
    #[account(mut)]
    pub user_collateral: UncheckedAccount<'info>,
    pub collateral_token_program: Program<'info, Token>,
}

impl WithdrawCollateral<'_> {
    pub fn validate(&self, args: &WithdrawCollateralArgs) -> Result<()> {
        require!(args.collateral_amount > 0, BallastError::ZeroAmount);
        Ok(())
    }
}

pub fn handler<'info>(
    ctx: Context<'info, WithdrawCollateral<'info>>,
    args: WithdrawCollateralArgs,
) -> Result<()> {
    let clock = Clock::get()?;
    let a = &ctx.accounts;
    let reserve_key = a.reserve.key();
    let amount = {
        let obligation = &mut *a.obligation.load_mut()?;
        // The reserve is only read here: it is priced from the position accounts like the rest.
        let pricing = if obligation.has_debt() {
            Some(priced_positions_only(
                ctx.remaining_accounts,
                obligation,
                &a.market.key(),
                Some(&a.market.load()?.emode_groups),
                &[],
                PriceClock::from(&clock),
                Check::Agreement,
            )?)
        } else {
            check_position_accounts(ctx.remaining_accounts, obligation, &a.market.key(), &[])?;
            None
        };
        logic::withdraw_collateral(
            obligation,
            &reserve_key,
            &*a.reserve.load()?,
            args.collateral_amount,
            pricing.as_ref().map(|p| Priced {
                priced: &p.pricing,
                unpriced: &p.unpriced,
            }),
        )?
    };
    let seeds = AuthoritySeeds::new(a.market.key(), a.market.load()?.authority_bump);
    Collateral {
        token_program: &a.collateral_token_program,
    }
    .transfer_out(
        &a.collateral_vault,
        &a.user_collateral,
        &a.market_authority,
        &seeds,
        amount,
    )?;
    emit_cpi!(CollateralWithdrawn {
        header: EventHeader::new(
            a.market.key(),
            reserve_key,
            a.obligation.key(),
            a.owner.key()
        )?,
        collateral_amount: amount,
    });
    Ok(())
}
