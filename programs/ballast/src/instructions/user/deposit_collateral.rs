//! `deposit_collateral`: the owner pledges cTokens to their obligation.
use {
    crate::{
        errors::BallastError,
        events::{CollateralDeposited, EventHeader},
        instructions::shared::token::Collateral,
        logic,
        state::{Market, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
    anchor_spl::token::Token,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct DepositCollateralArgs {
    /// cTokens to pledge.
    pub collateral_amount: u64,
}

#[event_cpi]
#[derive(Accounts)]
pub struct DepositCollateral<'info> {
    /// Only the owner may open positions: others could fill the obligation's slots.
    pub owner: Signer<'info>,
    pub market: AccountLoader<'info, Market>,
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
    /// CHECK: the owner's cToken account; the token program checks owner and mint.
    #[account(mut)]
    pub user_collateral: UncheckedAccount<'info>,
    pub collateral_token_program: Program<'info, Token>,
}

impl DepositCollateral<'_> {
    pub fn validate(&self, args: &DepositCollateralArgs) -> Result<()> {
        require!(args.collateral_amount > 0, BallastError::ZeroAmount);
        Ok(())
    }
}

pub fn handler(ctx: Context<DepositCollateral>, args: DepositCollateralArgs) -> Result<()> {
    let a = &ctx.accounts;
    logic::pledge(
        &mut *a.obligation.load_mut()?,
        &a.reserve.key(),
        &*a.reserve.load()?,
        args.collateral_amount,
    )?;
    Collateral {
        token_program: &a.collateral_token_program,
    }
    .transfer_in(
        &a.user_collateral,
        &a.collateral_vault,
        &a.owner,
        args.collateral_amount,
    )?;
    emit_cpi!(CollateralDeposited {
        header: EventHeader::new(
            a.market.key(),
            a.reserve.key(),
            a.obligation.key(),
            a.owner.key()
        )?,
        collateral_amount: args.collateral_amount,
    });
    Ok(())
}
