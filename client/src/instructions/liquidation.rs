//! Builders of `liquidate` and `socialize_bad_debt`.
use {
    super::{build, with_writable_debts, ObligationKeys, ReserveKeys},
    crate::pda,
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::{accounts as accs, instruction as ixs, instructions::*},
    solana_sdk::{
        instruction::{AccountMeta, Instruction},
        pubkey::Pubkey,
    },
};

/// Liquidates `obligation`: repays up to `max_repay_amount` of its debt in `repay` from
/// `source`, and seizes collateral in `withdraw`, paid to `destination` as cTokens or, with
/// `LiquidationPayout::Liquidity`, as `withdraw`'s liquidity.
pub fn liquidate(
    liquidator: &Pubkey,
    obligation: &ObligationKeys,
    repay: &ReserveKeys,
    withdraw: &ReserveKeys,
    source: &Pubkey,
    destination: &Pubkey,
    args: LiquidateArgs,
) -> Instruction {
    let payout = args.payout;
    let ix = build(
        accs::Liquidate {
            liquidator: *liquidator,
            market: obligation.market,
            market_authority: pda::market_authority(&obligation.market),
            obligation: obligation.address,
            repay_reserve: repay.address,
            repay_liquidity_mint: repay.liquidity_mint,
            repay_liquidity_vault: repay.liquidity_vault(),
            liquidator_repay_source: *source,
            repay_token_program: repay.token_program,
            withdraw_reserve: withdraw.address,
            withdraw_collateral_vault: withdraw.collateral_vault(),
            liquidator_destination: *destination,
            collateral_token_program: TOKEN_PROGRAM_ID,
            event_authority: pda::event_authority(),
            program: crate::program_id::get(),
        },
        ixs::Liquidate { args },
    );
    let mut ix = with_writable_debts(ix, obligation);
    if payout == LiquidationPayout::Liquidity {
        ix.accounts.extend([
            AccountMeta::new(withdraw.collateral_mint(), false),
            AccountMeta::new(withdraw.liquidity_vault(), false),
            AccountMeta::new_readonly(withdraw.liquidity_mint, false),
            AccountMeta::new_readonly(withdraw.token_program, false),
        ]);
    }
    ix
}

/// Writes off `obligation`'s debt in `reserve` once it has no collateral left.
pub fn socialize_bad_debt(
    signer: &Pubkey,
    reserve: &ReserveKeys,
    obligation: &Pubkey,
) -> Instruction {
    build(
        accs::SocializeBadDebt {
            signer: *signer,
            market: reserve.market,
            reserve: reserve.address,
            obligation: *obligation,
            event_authority: pda::event_authority(),
            program: crate::program_id::get(),
        },
        ixs::SocializeBadDebt {},
    )
}
