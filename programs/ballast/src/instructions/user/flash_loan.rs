//! Flash loans: `flash_borrow` lends liquidity for the rest of one transaction, and a later
//! `flash_repay` in the same transaction returns it with the reserve's fee (into the fee vault).
//!
//! `flash_borrow` reads the transaction's instructions (the instructions sysvar) and refuses
//! unless: it is called by the transaction itself, not by another program; the next Ballast
//! flash instruction after it is a `flash_repay` of the same reserve, for the same amount,
//! naming this borrow's index (flash loans neither nest nor overlap). While a loan is out, the
//! lent liquidity stays counted in the pool, so the exchange rate does not move, and no
//! liquidity may leave that reserve (`FlashLoanActive`) until the repayment.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, FlashBorrowed, FlashRepaid},
        instructions::shared::token::{AuthoritySeeds, Liquidity},
        logic,
        state::{Market, Reserve},
    },
    anchor_lang::{
        compat::solana_instructions_sysvar::{
            self as sysvar, load_current_index_checked, load_instruction_at_checked,
        },
        prelude::*,
        Discriminator,
    },
    anchor_spl::token_interface::TokenInterface,
};

/// Index of the reserve in `FlashBorrow`'s accounts.
pub const FLASH_BORROW_RESERVE_INDEX: usize = 3;
/// Index of the reserve in `FlashRepay`'s accounts.
pub const FLASH_REPAY_RESERVE_INDEX: usize = 2;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct FlashBorrowArgs {
    pub amount: u64,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct FlashRepayArgs {
    /// Exactly the amount borrowed; the fee is added on top.
    pub amount: u64,
    /// Index of the `flash_borrow` instruction this repays, in the transaction.
    pub borrow_instruction_index: u8,
}

#[event_cpi]
#[derive(Accounts)]
pub struct FlashBorrow<'info> {
    pub borrower: Signer<'info>,
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
    /// CHECK: the reserve's liquidity mint (has_one).
    pub liquidity_mint: UncheckedAccount<'info>,
    /// CHECK: the reserve's liquidity vault (has_one).
    #[account(mut)]
    pub liquidity_vault: UncheckedAccount<'info>,
    /// CHECK: receives the loan; the token program checks the mint.
    #[account(mut)]
    pub destination: UncheckedAccount<'info>,
    #[account(address = reserve.load()?.token_program @ BallastError::WrongTokenProgram)]
    pub token_program: Interface<'info, TokenInterface>,
    /// CHECK: the instructions sysvar (address checked).
    #[account(address = sysvar::ID)]
    pub instructions: UncheckedAccount<'info>,
}

impl FlashBorrow<'_> {
    pub fn validate(&self, args: &FlashBorrowArgs) -> Result<()> {
        require!(args.amount > 0, BallastError::ZeroAmount);
        require!(
            self.reserve.load()?.config.flash_loans_enabled == 1,
            BallastError::FlashLoansDisabled
        );
        self.check_repayment(args.amount)
    }

    /// This instruction is top-level, and its `flash_repay` follows before any other borrow.
    fn check_repayment(&self, amount: u64) -> Result<()> {
        let instructions = self.instructions.to_account_info();
        let current = load_current_index_checked(&instructions)?;
        let me = load_instruction_at_checked(current.into(), &instructions)?;
        require!(
            me.program_id == crate::ID
                && me
                    .data
                    .starts_with(crate::instruction::FlashBorrow::DISCRIMINATOR),
            BallastError::FlashBorrowByCpi
        );
        let mut index = usize::from(current) + 1;
        loop {
            let ix = load_instruction_at_checked(index, &instructions)
                .map_err(|_| error!(BallastError::NoFlashRepay))?;
            index += 1;
            if ix.program_id != crate::ID {
                continue;
            }
            if ix
                .data
                .starts_with(crate::instruction::FlashBorrow::DISCRIMINATOR)
            {
                return err!(BallastError::FlashBorrowBeforeRepay);
            }
            if let Some(args) = ix
                .data
                .strip_prefix(crate::instruction::FlashRepay::DISCRIMINATOR)
            {
                let args = FlashRepayArgs::deserialize(&mut &args[..])
                    .map_err(|_| error!(BallastError::NoFlashRepay))?;
                let reserve = ix.accounts.get(FLASH_REPAY_RESERVE_INDEX).map(|a| a.pubkey);
                require!(
                    reserve == Some(self.reserve.key()),
                    BallastError::FlashRepayWrongReserve
                );
                require!(args.amount == amount, BallastError::FlashRepayWrongAmount);
                require!(
                    usize::from(args.borrow_instruction_index) == usize::from(current),
                    BallastError::FlashRepayWithoutBorrow
                );
                return Ok(());
            }
        }
    }
}

pub fn borrow_handler(ctx: Context<FlashBorrow>, args: FlashBorrowArgs) -> Result<()> {
    let a = &ctx.accounts;
    let decimals = {
        let reserve = &mut *a.reserve.load_mut()?;
        logic::fees::require_flash_loan_available(reserve, args.amount)?;
        reserve.flash_loan_outstanding = args.amount;
        reserve.decimals
    };
    let seeds = AuthoritySeeds::new(a.market.key(), a.market.load()?.authority_bump);
    Liquidity {
        token_program: &a.token_program.to_account_info(),
        mint: &a.liquidity_mint,
        decimals,
    }
    .transfer_out(
        &a.liquidity_vault,
        &a.destination,
        &a.market_authority,
        &seeds,
        args.amount,
    )?;
    emit_cpi!(FlashBorrowed {
        header: EventHeader::new(
            a.market.key(),
            a.reserve.key(),
            Pubkey::default(),
            a.borrower.key()
        )?,
        amount: args.amount,
    });
    Ok(())
}

#[event_cpi]
#[derive(Accounts)]
pub struct FlashRepay<'info> {
    pub repayer: Signer<'info>,
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = market @ BallastError::WrongMarket,
        has_one = liquidity_mint @ BallastError::WrongReserveAccount,
        has_one = liquidity_vault @ BallastError::WrongReserveAccount,
        has_one = fee_vault @ BallastError::WrongReserveAccount,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
    /// CHECK: the reserve's liquidity mint (has_one).
    pub liquidity_mint: UncheckedAccount<'info>,
    /// CHECK: the reserve's liquidity vault (has_one).
    #[account(mut)]
    pub liquidity_vault: UncheckedAccount<'info>,
    /// CHECK: the reserve's fee vault (has_one): receives the fee.
    #[account(mut)]
    pub fee_vault: UncheckedAccount<'info>,
    /// CHECK: the repayer's liquidity account; the token program checks owner and mint.
    #[account(mut)]
    pub source: UncheckedAccount<'info>,
    #[account(address = reserve.load()?.token_program @ BallastError::WrongTokenProgram)]
    pub token_program: Interface<'info, TokenInterface>,
    /// CHECK: the instructions sysvar (address checked).
    #[account(address = sysvar::ID)]
    pub instructions: UncheckedAccount<'info>,
}

impl FlashRepay<'_> {
    pub fn validate(&self, args: &FlashRepayArgs) -> Result<()> {
        let outstanding = self.reserve.load()?.flash_loan_outstanding;
        require!(outstanding > 0, BallastError::FlashRepayWithoutBorrow);
        require!(
            args.amount == outstanding,
            BallastError::FlashRepayWrongAmount
        );
        // The named borrow is this reserve's, for this amount.
        let instructions = self.instructions.to_account_info();
        let borrow =
            load_instruction_at_checked(args.borrow_instruction_index.into(), &instructions)
                .map_err(|_| error!(BallastError::FlashRepayWithoutBorrow))?;
        let borrowed = borrow
            .data
            .strip_prefix(crate::instruction::FlashBorrow::DISCRIMINATOR)
            .and_then(|d| FlashBorrowArgs::deserialize(&mut &d[..]).ok());
        require!(
            borrow.program_id == crate::ID
                && borrowed.is_some_and(|b| b.amount == args.amount)
                && borrow
                    .accounts
                    .get(FLASH_BORROW_RESERVE_INDEX)
                    .map(|a| a.pubkey)
                    == Some(self.reserve.key()),
            BallastError::FlashRepayWithoutBorrow
        );
        Ok(())
    }
}

pub fn repay_handler(ctx: Context<FlashRepay>, args: FlashRepayArgs) -> Result<()> {
    let a = &ctx.accounts;
    let (fee, decimals) = {
        let reserve = &mut *a.reserve.load_mut()?;
        reserve.flash_loan_outstanding = 0;
        (
            logic::fees::flash_loan_fee(&reserve.config, args.amount)?,
            reserve.decimals,
        )
    };
    let liquidity = Liquidity {
        token_program: &a.token_program.to_account_info(),
        mint: &a.liquidity_mint,
        decimals,
    };
    liquidity.transfer_in(&a.source, &a.liquidity_vault, &a.repayer, args.amount)?;
    if fee > 0 {
        liquidity.transfer_in(&a.source, &a.fee_vault, &a.repayer, fee)?;
    }
    emit_cpi!(FlashRepaid {
        header: EventHeader::new(
            a.market.key(),
            a.reserve.key(),
            Pubkey::default(),
            a.repayer.key()
        )?,
        amount: args.amount,
        fee,
    });
    Ok(())
}
