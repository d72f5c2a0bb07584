//! `liquidate` (permissionless): repays part of an unhealthy obligation's debt in one reserve
//! and takes its collateral in another, with a bonus. See `logic::liquidate` for the rules.
//!
//! Remaining accounts: the obligation's position accounts; then, for a liquidity payout, the
//! withdraw reserve's cToken mint, liquidity vault, liquidity mint and token program. (They are
//! remaining accounts rather than optional ones so that a cToken liquidation of an obligation
//! with the most positions fits one legacy transaction.)
use {
    crate::{
        errors::BallastError,
        events::{BadDebtSocialized, EventHeader, Liquidated},
        instructions::shared::{
            positions::{price_usable_positions, PricedPositions},
            token::{AuthoritySeeds, Collateral, Liquidity},
        },
        logic::{
            self,
            liquidate::{self as rules, Held, Order},
            ReservePricing,
        },
        oracle::{Check, PriceClock},
        state::{Market, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
    anchor_spl::{token::Token, token_interface::TokenInterface},
};

// Re-exported where integrators and clients have always found it.
pub use crate::state::LiquidationPayout;

/// Accounts a liquidity payout adds after the position accounts.
pub const LIQUIDITY_PAYOUT_ACCOUNTS: usize = 4;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct LiquidateArgs {
    /// Most liquidity to repay; `u64::MAX` for as much as the rules allow.
    pub max_repay_amount: u64,
    /// Least the liquidator accepts (cTokens or liquidity, per `payout`): protects against the
    /// price moving between simulation and execution.
    pub min_payout: u64,
    pub payout: LiquidationPayout,
}

#[event_cpi]
#[derive(Accounts)]
pub struct Liquidate<'info> {
    pub liquidator: Signer<'info>,
    #[account(constraint = !market.load()?.is_paused() @ BallastError::MarketPaused)]
    pub market: AccountLoader<'info, Market>,
    /// CHECK: the market's authority PDA (key stored in the market); signs for the vaults.
    #[account(address = market.load()?.authority @ BallastError::WrongMarketAuthority)]
    pub market_authority: UncheckedAccount<'info>,
    #[account(mut, has_one = market @ BallastError::WrongMarket)]
    pub obligation: AccountLoader<'info, Obligation>,
    #[account(mut, has_one = market @ BallastError::WrongMarket)]
    pub repay_reserve: AccountLoader<'info, Reserve>,
    /// CHECK: the repay reserve's liquidity mint (address checked).
    #[account(address = repay_reserve.load()?.liquidity_mint @ BallastError::WrongReserveAccount)]
    pub repay_liquidity_mint: UncheckedAccount<'info>,
    /// CHECK: the repay reserve's liquidity vault (address checked).
    #[account(mut, address = repay_reserve.load()?.liquidity_vault @ BallastError::WrongReserveAccount)]
    pub repay_liquidity_vault: UncheckedAccount<'info>,
    /// CHECK: the liquidator's account the repayment comes from; the token program checks it.
    #[account(mut)]
    pub liquidator_repay_source: UncheckedAccount<'info>,
    #[account(address = repay_reserve.load()?.token_program @ BallastError::WrongTokenProgram)]
    pub repay_token_program: Interface<'info, TokenInterface>,
    /// Never the repay reserve: an obligation holds no collateral where it owes. (Anchor's own
    /// duplicate check does not cover zero-copy accounts.)
    #[account(
        mut,
        has_one = market @ BallastError::WrongMarket,
        constraint = withdraw_reserve.key() != repay_reserve.key() @ BallastError::SameReserveCollateralAndDebt,
    )]
    pub withdraw_reserve: AccountLoader<'info, Reserve>,
    /// CHECK: the withdraw reserve's collateral vault (address checked).
    #[account(mut, address = withdraw_reserve.load()?.collateral_vault @ BallastError::WrongReserveAccount)]
    pub withdraw_collateral_vault: UncheckedAccount<'info>,
    /// CHECK: receives the payout (cTokens, or the withdraw reserve's liquidity); the token
    /// program checks the mint.
    #[account(mut)]
    pub liquidator_destination: UncheckedAccount<'info>,
    pub collateral_token_program: Program<'info, Token>,
}

impl Liquidate<'_> {
    pub fn validate(&self, args: &LiquidateArgs) -> Result<()> {
        require!(args.max_repay_amount > 0, BallastError::ZeroAmount);
        Ok(())
    }
}

pub fn handler<'info>(ctx: Context<'info, Liquidate<'info>>, args: LiquidateArgs) -> Result<()> {
    let clock = Clock::get()?;
    let now = clock.unix_timestamp;
    let a = &ctx.accounts;
    let (repay_key, withdraw_key) = (a.repay_reserve.key(), a.withdraw_reserve.key());
    let (market, authority_bump) = {
        let market = a.market.load()?;
        (market.config, market.authority_bump)
    };
    let repay_liquidity = Liquidity {
        token_program: &a.repay_token_program.to_account_info(),
        mint: &a.repay_liquidity_mint,
        decimals: a.repay_reserve.load()?.decimals,
    };
    // Debt is repaid with what the vault receives (a transfer fee is the liquidator's).
    let max_repay = repay_liquidity.received(args.max_repay_amount)?;
    let (outcome, payout_accounts) = {
        let obligation = &mut *a.obligation.load_mut()?;
        let repay = &mut *a.repay_reserve.load_mut()?;
        let withdraw = &mut *a.withdraw_reserve.load_mut()?;
        // Both accrued before they are priced, so their pricing projects nothing (the rules'
        // own accrual is then a no-op).
        for reserve in [&mut *repay, &mut *withdraw] {
            logic::accrue(reserve, now)?;
        }
        let positions = price_usable_positions(
            ctx.remaining_accounts,
            obligation,
            &a.market.key(),
            Some(&a.market.load()?.emode_groups),
            &[(repay_key, &*repay), (withdraw_key, &*withdraw)],
            PriceClock::from(&clock),
            Check::FirstUsable,
        )?;
        let payout_accounts = positions.rest;
        let (mut pricing, unpriced) = (positions.pricing, positions.unpriced);
        // Liquidation values every position at spot: set once here, so the rules copy none.
        pricing.iter_mut().for_each(ReservePricing::set_at_spot);
        match args.payout {
            LiquidationPayout::Collateral => require!(
                payout_accounts.is_empty(),
                BallastError::InvalidPayoutAccounts
            ),
            LiquidationPayout::Liquidity => check_payout_accounts(payout_accounts, withdraw)?,
        }
        let loaders = PricedPositions::writable_debt_reserves(
            &positions.debt_reserves,
            &[repay_key, withdraw_key],
        )?;
        let mut loaded = loaders
            .iter()
            .map(AccountLoader::load_mut)
            .collect::<Result<Vec<_>>>()?;
        let mut debts: Vec<Held> = loaders
            .iter()
            .zip(loaded.iter_mut())
            .map(|(loader, reserve)| Held {
                key: loader.key(),
                reserve,
            })
            .collect();
        let outcome = rules::liquidate(
            obligation,
            Held {
                key: repay_key,
                reserve: &mut *repay,
            },
            Held {
                key: withdraw_key,
                reserve: &mut *withdraw,
            },
            &mut debts,
            &pricing,
            &unpriced,
            &Order {
                max_repay,
                min_payout: args.min_payout,
                payout: args.payout,
            },
            &market,
            now,
        )?;
        (outcome, payout_accounts)
    };
    let (plan, payout_amount) = (outcome.plan, outcome.payout_amount);
    repay_liquidity.transfer_in(
        &a.liquidator_repay_source,
        &a.repay_liquidity_vault,
        &a.liquidator,
        repay_liquidity.to_send(plan.repay_amount)?,
    )?;
    a.pay_out(
        &AuthoritySeeds::new(a.market.key(), authority_bump),
        args.payout,
        payout_accounts,
        plan.liquidator_collateral,
        payout_amount,
    )?;
    emit_cpi!(Liquidated {
        header: EventHeader::new(
            a.market.key(),
            repay_key,
            a.obligation.key(),
            a.liquidator.key()
        )?,
        withdraw_reserve: withdraw_key,
        repaid_amount: plan.repay_amount,
        seized_collateral: plan.seized_collateral,
        protocol_collateral: plan.protocol_collateral,
        payout: args.payout,
        payout_amount,
        bonus_sf: plan.bonus.raw(),
    });
    for w in &outcome.written_off {
        emit_cpi!(BadDebtSocialized {
            header: EventHeader::new(
                a.market.key(),
                w.reserve,
                a.obligation.key(),
                a.liquidator.key()
            )?,
            written_off_sf: w.debt.raw(),
            exchange_rate_before_sf: w.exchange_rate_before.raw(),
            exchange_rate_after_sf: w.exchange_rate_after.raw(),
        });
    }
    Ok(())
}

impl<'info> Liquidate<'info> {
    /// Pays the liquidator: `ctokens` of the withdraw reserve's cTokens, or (a liquidity payout)
    /// those cTokens burned and `amount` of its liquidity sent.
    fn pay_out(
        &self,
        seeds: &AuthoritySeeds,
        payout: LiquidationPayout,
        payout_accounts: &[AccountInfo<'info>],
        ctokens: u64,
        amount: u64,
    ) -> Result<()> {
        let collateral = Collateral {
            token_program: &self.collateral_token_program,
        };
        let [collateral_mint, liquidity_vault, liquidity_mint, token_program] =
            match (payout, payout_accounts) {
                (LiquidationPayout::Collateral, _) => {
                    return collateral.transfer_out(
                        &self.withdraw_collateral_vault,
                        &self.liquidator_destination,
                        &self.market_authority,
                        seeds,
                        amount,
                    )
                }
                (LiquidationPayout::Liquidity, [a, b, c, d]) => [a, b, c, d],
                _ => return err!(BallastError::InvalidPayoutAccounts),
            };
        collateral.burn_from_vault(
            collateral_mint,
            &self.withdraw_collateral_vault,
            &self.market_authority,
            seeds,
            ctokens,
        )?;
        Liquidity {
            token_program,
            mint: liquidity_mint,
            decimals: self.withdraw_reserve.load()?.decimals,
        }
        .transfer_out(
            liquidity_vault,
            &self.liquidator_destination,
            &self.market_authority,
            seeds,
            amount,
        )
    }
}

/// The liquidity payout accounts must be the withdraw reserve's own.
fn check_payout_accounts(accounts: &[AccountInfo], withdraw: &Reserve) -> Result<()> {
    let expected: [Pubkey; LIQUIDITY_PAYOUT_ACCOUNTS] = [
        withdraw.collateral_mint,
        withdraw.liquidity_vault,
        withdraw.liquidity_mint,
        withdraw.token_program,
    ];
    require!(
        accounts.len() == expected.len()
            && accounts
                .iter()
                .zip(expected)
                .all(|(info, key)| *info.key == key),
        BallastError::InvalidPayoutAccounts
    );
    Ok(())
}
