//! Builders of the flash-loan pair.
use {
    super::{build, ReserveKeys},
    crate::pda,
    ballast::{accounts as accs, instruction as ixs, instructions::*},
    solana_sdk::{instruction::Instruction, pubkey::Pubkey},
};

/// Lends `amount` of `reserve`'s liquidity to `destination` until the `flash_repay` that must
/// follow in the same transaction.
pub fn flash_borrow(
    borrower: &Pubkey,
    reserve: &ReserveKeys,
    destination: &Pubkey,
    amount: u64,
) -> Instruction {
    build(
        accs::FlashBorrow {
            borrower: *borrower,
            market: reserve.market,
            market_authority: pda::market_authority(&reserve.market),
            reserve: reserve.address,
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            destination: *destination,
            token_program: reserve.token_program,
            instructions: INSTRUCTIONS_SYSVAR,
            event_authority: pda::event_authority(),
            program: crate::program_id::get(),
        },
        ixs::FlashBorrow {
            args: FlashBorrowArgs { amount },
        },
    )
}

/// Repays the flash loan of `amount` made by the instruction at `borrow_instruction_index`, plus
/// the reserve's fee, from `source`.
pub fn flash_repay(
    repayer: &Pubkey,
    reserve: &ReserveKeys,
    source: &Pubkey,
    amount: u64,
    borrow_instruction_index: u8,
) -> Instruction {
    build(
        accs::FlashRepay {
            repayer: *repayer,
            market: reserve.market,
            reserve: reserve.address,
            liquidity_mint: reserve.liquidity_mint,
            liquidity_vault: reserve.liquidity_vault(),
            fee_vault: reserve.fee_vault(),
            source: *source,
            token_program: reserve.token_program,
            instructions: INSTRUCTIONS_SYSVAR,
            event_authority: pda::event_authority(),
            program: crate::program_id::get(),
        },
        ixs::FlashRepay {
            args: FlashRepayArgs {
                amount,
                borrow_instruction_index,
            },
        },
    )
}

/// The instructions sysvar, read by the flash-loan instructions.
pub const INSTRUCTIONS_SYSVAR: Pubkey = anchor_lang::compat::solana_instructions_sysvar::ID;

#[cfg(test)]
mod tests {
    use {
        super::*,
        anchor_spl::token::ID as TOKEN_PROGRAM_ID,
        ballast::instructions::{FLASH_BORROW_RESERVE_INDEX, FLASH_REPAY_RESERVE_INDEX},
    };

    /// The program finds the reserve of the paired flash instruction by position.
    #[test]
    fn flash_instructions_carry_the_reserve_where_the_program_looks() {
        let reserve = ReserveKeys::new(
            Pubkey::new_unique(),
            Pubkey::new_unique(),
            TOKEN_PROGRAM_ID,
            Pubkey::new_unique(),
        );
        let (who, wallet) = (Pubkey::new_unique(), Pubkey::new_unique());
        let borrow = flash_borrow(&who, &reserve, &wallet, 1);
        let repay = flash_repay(&who, &reserve, &wallet, 1, 0);
        assert_eq!(
            borrow.accounts[FLASH_BORROW_RESERVE_INDEX].pubkey,
            reserve.address
        );
        assert_eq!(
            repay.accounts[FLASH_REPAY_RESERVE_INDEX].pubkey,
            reserve.address
        );
    }
}
