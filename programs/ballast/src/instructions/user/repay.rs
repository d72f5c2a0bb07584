//! `repay`: anyone may repay any obligation's debt; never more than is owed.
use {
    crate::{
        errors::BallastError,
        events::{EventHeader, Repaid},
        instructions::shared::token::Liquidity,
        logic,
        state::{Market, Obligation, Reserve},
    },
    anchor_lang::prelude::*,
    anchor_spl::token_interface::TokenInterface,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RepayArgs {
    /// Liquidity to repay; capped at the debt (rounded up). `u64::MAX` repays it all.
    pub amount: u64,
}

#[event_cpi]
#[derive(Accounts)]
pub struct Repay<'info> {
    /// Pays the debt; need not own the obligation.
    pub repayer: Signer<'info>,
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = market @ BallastError::WrongMarket,
        has_one = liquidity_mint @ BallastError::WrongReserveAccount,
        has_one = liquidity_vault @ BallastError::WrongReserveAccount,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
    #[account(mut, has_one = market @ BallastError::WrongMarket)]
    pub obligation: AccountLoader<'info, Obligation>,
    /// CHECK: the reserve's liquidity mint (has_one).
    pub liquidity_mint: UncheckedAccount<'info>,
    /// CHECK: the reserve's liquidity vault (has_one).
    #[account(mut)]
    pub liquidity_vault: UncheckedAccount<'info>,
    /// CHECK: the repayer's liquidity account; the token program checks owner and mint.
    #[account(mut)]
    pub repayer_liquidity: UncheckedAccount<'info>,
    #[account(address = reserve.load()?.token_program @ BallastError::WrongTokenProgram)]
    pub token_program: Interface<'info, TokenInterface>,
}

impl Repay<'_> {
    pub fn validate(&self, args: &RepayArgs) -> Result<()> {
        require!(args.amount > 0, BallastError::ZeroAmount);
        Ok(())
    }
}

pub fn handler(ctx: Context<Repay>, args: RepayArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let reserve_key = a.reserve.key();
    let liquidity = Liquidity {
        token_program: &a.token_program.to_account_info(),
        mint: &a.liquidity_mint,
        decimals: a.reserve.load()?.decimals,
    };
    // Debt is repaid with what the vault receives: with a transfer fee the repayer sends more
    // (at most `args.amount`), and a unit of the fee's rounding may stay with the pool.
    let (paid, closed) = {
        let reserve = &mut *a.reserve.load_mut()?;
        let obligation = &mut *a.obligation.load_mut()?;
        let requested = liquidity.received(args.amount)?;
        let paid = logic::repay(reserve, &reserve_key, obligation, requested, now)?;
        (paid, obligation.find_borrow(&reserve_key).is_none())
    };
    let sent = liquidity.to_send(paid)?;
    liquidity.transfer_in(&a.repayer_liquidity, &a.liquidity_vault, &a.repayer, sent)?;
    emit_cpi!(Repaid {
        header: EventHeader::new(
            a.market.key(),
            reserve_key,
            a.obligation.key(),
            a.repayer.key()
        )?,
        amount: paid,
        closed,
    });
    Ok(())
}
