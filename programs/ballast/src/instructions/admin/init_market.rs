//! `init_market`: creates a market and records its authority PDA.
use {
    crate::{
        constants::{AUTHORITY_SEED, MARKET_SEED},
        events::{EventHeader, MarketInitialized},
        state::{Market, MarketConfig},
    },
    anchor_lang::prelude::*,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitMarketArgs {
    /// Second PDA seed, so one creator can run several markets.
    pub market_id: u64,
    /// Signs admin instructions from now on (may be a multisig vault).
    pub admin: Pubkey,
    pub config: MarketConfig,
}

#[event_cpi]
#[derive(Accounts)]
#[instruction(args: InitMarketArgs)]
pub struct InitMarket<'info> {
    #[account(mut)]
    pub creator: Signer<'info>,
    #[account(
        init,
        payer = creator,
        space = Market::SPACE,
        seeds = [MARKET_SEED, creator.key().as_ref(), &args.market_id.to_le_bytes()],
        bump,
    )]
    pub market: AccountLoader<'info, Market>,
    /// CHECK: a data-less PDA that only signs for the market's vaults and mints; seeds checked.
    #[account(seeds = [AUTHORITY_SEED, market.key().as_ref()], bump)]
    pub market_authority: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl InitMarket<'_> {
    pub fn validate(&self, args: &InitMarketArgs) -> Result<()> {
        args.config.validate()
    }
}

pub fn handler(ctx: Context<InitMarket>, args: InitMarketArgs) -> Result<()> {
    {
        let mut market = ctx.accounts.market.load_init()?;
        market.admin = args.admin;
        market.creator = ctx.accounts.creator.key();
        market.authority = ctx.accounts.market_authority.key();
        market.market_id = args.market_id;
        market.config = args.config;
        market.bump = ctx.bumps.market;
        market.authority_bump = ctx.bumps.market_authority;
    }
    emit_cpi!(MarketInitialized {
        header: EventHeader::new(
            ctx.accounts.market.key(),
            Pubkey::default(),
            Pubkey::default(),
            ctx.accounts.creator.key(),
        )?,
        admin: args.admin,
        config: args.config,
    });
    Ok(())
}
