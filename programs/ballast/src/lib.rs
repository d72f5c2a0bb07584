//! Ballast: an over-collateralized lending program.
//!
//! A market holds reserves (one per asset); users supply liquidity for cTokens, pledge cTokens
//! to an obligation and borrow against them. Every instruction that needs an obligation's
//! health reads prices itself: the obligation's reserves and oracles come as remaining
//! accounts (see `instructions::shared::positions`). See the repository README.
#![allow(clippy::result_large_err)]

#[cfg(target_arch = "bpf")]
use solana_compiler_builtins as _;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod logic;
pub mod math;
pub mod mint_policy;
pub mod oracle;
pub mod state;

use {anchor_lang::prelude::*, instructions::*};

declare_id!("BALwYkddG9TQhtUaJ4UxqF23jBgefz4Dy7XqBgAXhF15");

#[program]
pub mod ballast {
    use super::*;

    /// Creates a market owned by `args.admin`, and its authority PDA.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn init_market(ctx: Context<InitMarket>, args: InitMarketArgs) -> Result<()> {
        instructions::admin::init_market::handler(ctx, args)
    }

    /// Applies one typed change to the market's config (admin).
    pub fn update_market(ctx: Context<UpdateMarket>, args: UpdateMarketArgs) -> Result<()> {
        instructions::admin::update_market::handler(ctx, args)
    }

    /// Pauses (admin or emergency authority) or unpauses (admin) the market.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn set_pause(ctx: Context<SetPause>, args: SetPauseArgs) -> Result<()> {
        instructions::admin::set_pause::handler(ctx, args)
    }

    /// Proposes a new admin (admin); takes effect when it signs `accept_admin`.
    pub fn transfer_admin(ctx: Context<TransferAdmin>, args: TransferAdminArgs) -> Result<()> {
        instructions::admin::transfer_admin::transfer_handler(ctx, args)
    }

    /// The pending admin accepts the market.
    pub fn accept_admin(ctx: Context<AcceptAdmin>) -> Result<()> {
        instructions::admin::transfer_admin::accept_handler(ctx)
    }

    /// Lists an asset: reserve, vaults, cToken mint, and a locked seed deposit (admin).
    #[access_control(ctx.accounts.validate(&args))]
    pub fn init_reserve(ctx: Context<InitReserve>, args: InitReserveArgs) -> Result<()> {
        instructions::admin::init_reserve::handler(ctx, args)
    }

    /// Applies one typed, validated change to a reserve's risk config (admin).
    pub fn update_reserve(ctx: Context<UpdateReserve>, args: UpdateReserveArgs) -> Result<()> {
        instructions::admin::update_reserve::handler(ctx, args)
    }

    /// Collects earned protocol fees into the fee vault and pays them out (admin).
    #[access_control(ctx.accounts.validate(&args))]
    pub fn withdraw_protocol_fees(
        ctx: Context<WithdrawProtocolFees>,
        args: WithdrawProtocolFeesArgs,
    ) -> Result<()> {
        instructions::admin::withdraw_protocol_fees::handler(ctx, args)
    }

    /// Opens an empty obligation for the signing owner.
    pub fn init_obligation(ctx: Context<InitObligation>, args: InitObligationArgs) -> Result<()> {
        instructions::user::init_obligation::handler(ctx, args)
    }

    /// Closes an empty obligation, returning its rent to the owner's choice of account.
    pub fn close_obligation(ctx: Context<CloseObligation>) -> Result<()> {
        instructions::user::close_obligation::handler(ctx)
    }

    /// Supplies liquidity and receives cTokens.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn deposit(ctx: Context<Deposit>, args: DepositArgs) -> Result<()> {
        instructions::user::deposit::handler(ctx, args)
    }

    /// Burns cTokens and receives liquidity.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn redeem(ctx: Context<Redeem>, args: RedeemArgs) -> Result<()> {
        instructions::user::redeem::handler(ctx, args)
    }

    /// Pledges cTokens to the owner's obligation.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn deposit_collateral(
        ctx: Context<DepositCollateral>,
        args: DepositCollateralArgs,
    ) -> Result<()> {
        instructions::user::deposit_collateral::handler(ctx, args)
    }

    /// Takes pledged cTokens back, if the obligation stays within its borrow limit.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn withdraw_collateral<'info>(
        ctx: Context<'info, WithdrawCollateral<'info>>,
        args: WithdrawCollateralArgs,
    ) -> Result<()> {
        instructions::user::withdraw_collateral::handler(ctx, args)
    }

    /// Moves the obligation into an e-mode group (1..=32) or out of e-mode (0), if every
    /// position belongs to the group and the obligation stays within its borrow limit.
    pub fn set_obligation_emode<'info>(
        ctx: Context<'info, SetObligationEmode<'info>>,
        args: SetObligationEmodeArgs,
    ) -> Result<()> {
        instructions::user::set_obligation_emode::handler(ctx, args)
    }

    /// Supplies liquidity and pledges the cTokens in one step.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn supply(ctx: Context<Supply>, args: SupplyArgs) -> Result<()> {
        instructions::user::supply::handler(ctx, args)
    }

    /// Redeems pledged cTokens for liquidity in one step, if the obligation stays healthy.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn withdraw<'info>(ctx: Context<'info, Withdraw<'info>>, args: WithdrawArgs) -> Result<()> {
        instructions::user::withdraw::handler(ctx, args)
    }

    /// Borrows liquidity against the obligation's collateral.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn borrow<'info>(ctx: Context<'info, Borrow<'info>>, args: BorrowArgs) -> Result<()> {
        instructions::user::borrow::handler(ctx, args)
    }

    /// Repays any obligation's debt (anyone may repay).
    #[access_control(ctx.accounts.validate(&args))]
    pub fn repay(ctx: Context<Repay>, args: RepayArgs) -> Result<()> {
        instructions::user::repay::handler(ctx, args)
    }

    /// Liquidates an unhealthy obligation: repays debt, seizes collateral with a bonus.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn liquidate<'info>(
        ctx: Context<'info, Liquidate<'info>>,
        args: LiquidateArgs,
    ) -> Result<()> {
        instructions::user::liquidate::handler(ctx, args)
    }

    /// Lends liquidity until a `flash_repay` later in the same transaction.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn flash_borrow(ctx: Context<FlashBorrow>, args: FlashBorrowArgs) -> Result<()> {
        instructions::user::flash_loan::borrow_handler(ctx, args)
    }

    /// Repays a flash loan of this transaction, with the reserve's fee.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn flash_repay(ctx: Context<FlashRepay>, args: FlashRepayArgs) -> Result<()> {
        instructions::user::flash_loan::repay_handler(ctx, args)
    }

    /// Writes off the debt of an obligation with no collateral left (permissionless).
    pub fn socialize_bad_debt(ctx: Context<SocializeBadDebt>) -> Result<()> {
        instructions::user::socialize_bad_debt::handler(ctx)
    }

    /// Writes accrued interest to a reserve and records its oracle (permissionless crank).
    pub fn refresh_reserve(ctx: Context<RefreshReserve>) -> Result<()> {
        instructions::user::refresh_reserve::handler(ctx)
    }
}
