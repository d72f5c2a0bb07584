//! `set_obligation_emode`: the owner moves the obligation into an e-mode group (or out of it,
//! group 0). Refused unless every position's reserve is a member (and every debt one the group
//! lends), and unless the obligation is within its borrow limit with the new parameters.
//! Remaining accounts: the obligation's position accounts.
use {
    crate::{
        errors::BallastError,
        events::{EmodeSet, EventHeader},
        instructions::shared::positions::priced_positions_only,
        logic,
        oracle::{Check, PriceClock},
        state::{Market, Obligation},
    },
    anchor_lang::prelude::*,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SetObligationEmodeArgs {
    /// The group to enter (1..=32), or 0 to leave e-mode.
    pub group: u8,
}

#[event_cpi]
#[derive(Accounts)]
pub struct SetObligationEmode<'info> {
    pub owner: Signer<'info>,
    #[account(constraint = !market.load()?.is_paused() @ BallastError::MarketPaused)]
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = market @ BallastError::WrongMarket,
        has_one = owner @ BallastError::NotObligationOwner,
    )]
    pub obligation: AccountLoader<'info, Obligation>,
}

pub fn handler<'info>(
    ctx: Context<'info, SetObligationEmode<'info>>,
    args: SetObligationEmodeArgs,
) -> Result<()> {
    let clock = Clock::get()?;
    let now = clock.unix_timestamp;
    let a = &ctx.accounts;
    let previous = {
        let obligation = &mut *a.obligation.load_mut()?;
        let market = a.market.load()?;
        // Priced for no group: the rules price it for the group asked.
        let mut positions = priced_positions_only(
            ctx.remaining_accounts,
            obligation,
            &a.market.key(),
            None,
            &[],
            PriceClock::from(&clock),
            Check::Agreement,
        )?;
        let previous = obligation.emode_group;
        logic::emode::set_group(
            obligation,
            args.group,
            &market.emode_groups,
            &mut positions.pricing,
            &positions.unpriced,
            now,
        )?;
        previous
    };
    emit_cpi!(EmodeSet {
        header: EventHeader::new(
            a.market.key(),
            Pubkey::default(),
            a.obligation.key(),
            a.owner.key()
        )?,
        previous_group: previous,
        group: args.group,
    });
    Ok(())
}
