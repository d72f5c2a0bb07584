//! Reserve setups used across tests: a stablecoin and a volatile asset.
use {
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::state::{OracleSource, ReserveConfig},
    ballast_client::presets,
    solana_sdk::pubkey::Pubkey,
};

/// Pyth exponent used by every test price: prices are in units of 10^-8 USD.
pub const PRICE_EXPONENT: i32 = -8;
/// One USD in test price units.
pub const USD: i64 = 100_000_000;

/// How to list one reserve.
#[derive(Clone, Debug)]
pub struct ReserveSpec {
    pub symbol: &'static str,
    pub decimals: u8,
    /// Price of one whole token, in units of 10^-8 USD.
    pub price: i64,
    pub config: ReserveConfig,
    pub token_program: Pubkey,
    /// Seed deposit locked at listing, in base units.
    pub seed: u64,
    pub oracle_source: OracleSource,
}

impl ReserveSpec {
    /// A USD stablecoin (`presets::stablecoin`): 6 decimals, $1.
    pub fn usdc() -> Self {
        ReserveSpec {
            symbol: "USDC",
            decimals: 6,
            price: USD,
            config: presets::stablecoin(),
            token_program: TOKEN_PROGRAM_ID,
            seed: 1_000_000,
            oracle_source: OracleSource::PythPull,
        }
    }

    /// A volatile asset (`presets::volatile`): 9 decimals, $100.
    pub fn sol() -> Self {
        ReserveSpec {
            symbol: "SOL",
            decimals: 9,
            price: 100 * USD,
            config: presets::volatile(),
            token_program: TOKEN_PROGRAM_ID,
            seed: 1_000_000,
            oracle_source: OracleSource::PythPull,
        }
    }

    pub fn with_config(mut self, config: ReserveConfig) -> Self {
        self.config = config;
        self
    }

    /// Priced by a Pyth legacy push account instead of a pull `PriceUpdateV2`.
    pub fn legacy_oracle(mut self) -> Self {
        self.oracle_source = OracleSource::PythLegacy;
        self
    }

    pub fn with_price(mut self, price: i64) -> Self {
        self.price = price;
        self
    }

    pub fn with_token_program(mut self, token_program: Pubkey) -> Self {
        self.token_program = token_program;
        self
    }
}

/// Limits shared by the specs (`presets::base`): no caps, 60 s oracle age, 2% confidence.
pub fn base_config() -> ReserveConfig {
    presets::base()
}

/// Liquidation arguments that repay as much as the rules allow for cTokens, accepting any payout.
pub fn seize_all() -> ballast::instructions::LiquidateArgs {
    ballast::instructions::LiquidateArgs {
        max_repay_amount: u64::MAX,
        min_payout: 0,
        payout: ballast::instructions::LiquidationPayout::Collateral,
    }
}
