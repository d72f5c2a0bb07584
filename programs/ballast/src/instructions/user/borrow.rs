//! `borrow`: liquidity out against the obligation's collateral, which must cover the new debt
//! at the borrow limit. Remaining accounts: the obligation's position accounts (as they are
//! before the borrow), then, when the borrowed reserve is not yet a position, its price accounts.
use {
    crate::{
        errors::BallastError,
        events::{Borrowed, EventHeader},
        instructions::shared::{
            positions::price_usable_positions,
            token::{AuthoritySeeds, Liquidity},
        },
        logic::{self, unpriced::Priced, ReservePricing},
        oracle::{self, Check, PriceClock},
        state::{Market, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
    anchor_spl::token_interface::TokenInterface,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct BorrowArgs {
    /// Liquidity to receive, in base units. The origination fee is added to the debt.
    pub amount: u64,
}

#[event_cpi]
#[derive(Accounts)]
pub struct Borrow<'info> {
    pub owner: Signer<'info>,
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
    /// CHECK: receives the liquidity; the token program checks the mint.
    #[account(mut)]
    pub user_liquidity: UncheckedAccount<'info>,
    #[account(address = reserve.load()?.token_program @ BallastError::WrongTokenProgram)]
    pub token_program: Interface<'info, TokenInterface>,
}

impl Borrow<'_> {
    pub fn validate(&self, args: &BorrowArgs) -> Result<()> {
        require!(args.amount > 0, BallastError::ZeroAmount);
        Ok(())
    }
}

pub fn handler<'info>(ctx: Context<'info, Borrow<'info>>, args: BorrowArgs) -> Result<()> {
    let clock = Clock::get()?;
    let now = clock.unix_timestamp;
    let a = &ctx.accounts;
    let reserve_key = a.reserve.key();
    let market = a.market.load()?;
    let (borrowed, decimals) = {
        let reserve = &mut *a.reserve.load_mut()?;
        let obligation = &mut *a.obligation.load_mut()?;
        // Accrued before it is priced, so its pricing projects nothing (the rules' own accrual
        // is then a no-op).
        logic::accrue(reserve, now)?;
        let mut positions = price_usable_positions(
            ctx.remaining_accounts,
            obligation,
            &a.market.key(),
            None,
            &[(reserve_key, reserve)],
            PriceClock::from(&clock),
            Check::Agreement,
        )?;
        if let Some(u) = positions
            .unpriced
            .iter()
            .find(|u| u.pricing.reserve == reserve_key)
        {
            // Pledged here, its price unusable: nothing is lent at no price.
            return Err(u.error.into());
        }
        // A new position: its price comes from its own accounts, after the positions'.
        // Not priced and not unpriced: not yet a position.
        if !positions.pricing.iter().any(|p| p.reserve == reserve_key) {
            let price = oracle::require_reserve_price(
                reserve,
                positions.rest,
                PriceClock::from(&clock),
                Check::Agreement,
            )?;
            positions
                .pricing
                .push(ReservePricing::new(reserve_key, reserve, price, now)?);
        } else {
            positions.require_no_rest()?;
        }
        let pricing = &mut positions.pricing;
        logic::emode::apply(pricing, obligation.emode_group, &market.emode_groups, now)?;
        let borrowed = logic::borrow(
            reserve,
            &reserve_key,
            obligation,
            args.amount,
            Priced {
                priced: pricing,
                unpriced: &positions.unpriced,
            },
            &market,
            now,
        )?;
        (borrowed, reserve.decimals)
    };
    let seeds = AuthoritySeeds::new(a.market.key(), market.authority_bump);
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
        args.amount,
    )?;
    emit_cpi!(Borrowed {
        header: EventHeader::new(
            a.market.key(),
            reserve_key,
            a.obligation.key(),
            a.owner.key()
        )?,
        amount: args.amount,
        fee_sf: borrowed.fee.raw(),
    });
    Ok(())
}
