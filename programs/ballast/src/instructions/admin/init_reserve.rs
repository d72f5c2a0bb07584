//! `init_reserve`: lists an asset. Creates the reserve, its liquidity vault, fee vault, cToken
//! mint and collateral vault, and takes a seed deposit that stays locked forever so the cToken
//! supply never returns to zero.
use {
    crate::{
        constants::{
            COLLATERAL_MINT_SEED, COLLATERAL_VAULT_SEED, FEE_VAULT_SEED, LIQUIDITY_VAULT_SEED,
            MIN_SEED_DEPOSIT, RESERVE_SEED,
        },
        errors::BallastError,
        events::{EventHeader, ReserveInitialized},
        instructions::shared::token::Liquidity,
        math::Fixed,
        mint_policy,
        oracle::{self, PriceClock},
        state::{Market, OracleSources, PriceSource, Reserve, ReserveConfig},
    },
    anchor_lang::prelude::*,
    anchor_spl::{
        token::{Mint as CollateralMint, Token, TokenAccount as CollateralAccount},
        token_interface::{Mint, TokenAccount, TokenInterface},
    },
};

/// Largest liquidity mint decimals: amounts of one whole token must fit the fixed-point range.
pub const MAX_DECIMALS: u8 = 18;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitReserveArgs {
    pub config: ReserveConfig,
    /// Where its price comes from: 1 to 3 sources in priority order, their accounts passed as
    /// the remaining accounts in order; each must give a live price.
    pub oracle_sources: Vec<PriceSource>,
    /// Most the first two usable sources may differ, in bps of the first (0: unchecked).
    pub max_divergence_bps: u16,
    /// Liquidity taken from `seed_source` and locked forever (at least `MIN_SEED_DEPOSIT`).
    pub seed_amount: u64,
}

#[event_cpi]
#[derive(Accounts)]
pub struct InitReserve<'info> {
    /// Pays rent for the new accounts (the admin may be a multisig that only authorizes).
    #[account(mut)]
    pub payer: Signer<'info>,
    /// Authorizes the listing and provides the seed deposit.
    pub admin: Signer<'info>,
    #[account(has_one = admin @ BallastError::NotMarketAdmin)]
    pub market: AccountLoader<'info, Market>,
    /// CHECK: the market's authority PDA (key stored in the market); owns the new vaults and mint.
    #[account(address = market.load()?.authority @ BallastError::WrongMarketAuthority)]
    pub market_authority: UncheckedAccount<'info>,
    #[account(
        init,
        payer = payer,
        space = Reserve::SPACE,
        seeds = [RESERVE_SEED, market.key().as_ref(), liquidity_mint.key().as_ref()],
        bump,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
    #[account(mint::token_program = token_program)]
    pub liquidity_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = payer,
        seeds = [LIQUIDITY_VAULT_SEED, reserve.key().as_ref()],
        bump,
        token::mint = liquidity_mint,
        token::authority = market_authority,
        token::token_program = token_program,
    )]
    pub liquidity_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init,
        payer = payer,
        seeds = [FEE_VAULT_SEED, reserve.key().as_ref()],
        bump,
        token::mint = liquidity_mint,
        token::authority = market_authority,
        token::token_program = token_program,
    )]
    pub fee_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init,
        payer = payer,
        seeds = [COLLATERAL_MINT_SEED, reserve.key().as_ref()],
        bump,
        mint::decimals = liquidity_mint.decimals,
        mint::authority = market_authority,
        mint::token_program = collateral_token_program,
    )]
    pub collateral_mint: Box<Account<'info, CollateralMint>>,
    #[account(
        init,
        payer = payer,
        seeds = [COLLATERAL_VAULT_SEED, reserve.key().as_ref()],
        bump,
        token::mint = collateral_mint,
        token::authority = market_authority,
        token::token_program = collateral_token_program,
    )]
    pub collateral_vault: Box<Account<'info, CollateralAccount>>,
    /// CHECK: the admin's liquidity account the seed comes from; the token program checks it.
    #[account(mut)]
    pub seed_source: UncheckedAccount<'info>,
    pub token_program: Interface<'info, TokenInterface>,
    pub collateral_token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl InitReserve<'_> {
    pub fn validate(&self, args: &InitReserveArgs) -> Result<()> {
        args.config.validate()?;
        require!(
            args.seed_amount >= MIN_SEED_DEPOSIT,
            BallastError::SeedDepositTooSmall
        );
        require!(
            self.liquidity_mint.decimals <= MAX_DECIMALS,
            BallastError::InvalidReserveConfig
        );
        let mint = self.liquidity_mint.to_account_info();
        let data = mint.try_borrow_data()?;
        mint_policy::check_liquidity_mint(
            mint.owner,
            &data,
            args.config.permanent_delegate_acknowledged == 1,
        )
    }
}

pub fn handler(ctx: Context<InitReserve>, args: InitReserveArgs) -> Result<()> {
    let clock = Clock::get()?;
    let now = clock.unix_timestamp;
    let accounts = &ctx.accounts;
    {
        let mut reserve = accounts.reserve.load_init()?;
        reserve.market = accounts.market.key();
        reserve.liquidity_mint = accounts.liquidity_mint.key();
        reserve.liquidity_vault = accounts.liquidity_vault.key();
        reserve.fee_vault = accounts.fee_vault.key();
        reserve.collateral_mint = accounts.collateral_mint.key();
        reserve.collateral_vault = accounts.collateral_vault.key();
        reserve.token_program = accounts.token_program.key();
        reserve.oracles = OracleSources::new(&args.oracle_sources, args.max_divergence_bps)?;
        reserve.config = args.config;
        reserve.decimals = accounts.liquidity_mint.decimals;
        reserve.bump = ctx.bumps.reserve;
        // The seed: cTokens at 1:1, counted in the supply but never minted.
        reserve.locked_collateral = args.seed_amount;
        let liquidity = &mut reserve.liquidity;
        liquidity.available_amount = args.seed_amount;
        liquidity.collateral_supply = args.seed_amount;
        liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        liquidity.last_update_ts = now;
        // A reserve is only listed with sources that answer now.
        let prices = oracle::require_every_source(
            &reserve,
            ctx.remaining_accounts,
            PriceClock::from(&clock),
        )?;
        let listed = *reserve;
        crate::logic::prices::change_sources(&mut reserve, &listed, &prices, 0);
        crate::logic::settle(&mut reserve)?;
    }
    Liquidity {
        token_program: &accounts.token_program.to_account_info(),
        mint: &accounts.liquidity_mint.to_account_info(),
        decimals: accounts.liquidity_mint.decimals,
    }
    .transfer_in(
        &accounts.seed_source,
        &accounts.liquidity_vault.to_account_info(),
        &accounts.admin,
        args.seed_amount,
    )?;
    emit_cpi!(ReserveInitialized {
        header: EventHeader::new(
            accounts.market.key(),
            accounts.reserve.key(),
            Pubkey::default(),
            accounts.admin.key(),
        )?,
        liquidity_mint: accounts.liquidity_mint.key(),
        oracle: args.oracle_sources[0].account,
        seed_amount: args.seed_amount,
    });
    Ok(())
}
