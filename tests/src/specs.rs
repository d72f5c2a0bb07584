//! Reserve setups used across tests: a stablecoin and a volatile asset.
use {
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::{math::RateCurve, state::ReserveConfig},
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
}

impl ReserveSpec {
    /// A USD stablecoin: 6 decimals, $1, LTV 80%, threshold 85%, no borrow fee.
    pub fn usdc() -> Self {
        ReserveSpec {
            symbol: "USDC",
            decimals: 6,
            price: USD,
            config: ReserveConfig {
                loan_to_value_bps: 8_000,
                liquidation_threshold_bps: 8_500,
                liquidation_bonus_min_bps: 200,
                liquidation_bonus_max_bps: 500,
                rate_curve: RateCurve::new(&[(0, 0), (8_000, 800), (10_000, 5_000)]).unwrap(),
                ..base_config()
            },
            token_program: TOKEN_PROGRAM_ID,
            seed: 1_000_000,
        }
    }

    /// A volatile asset: 9 decimals, $100, LTV 75%, threshold 80%, 0.1% borrow fee.
    pub fn sol() -> Self {
        ReserveSpec {
            symbol: "SOL",
            decimals: 9,
            price: 100 * USD,
            config: ReserveConfig {
                loan_to_value_bps: 7_500,
                liquidation_threshold_bps: 8_000,
                liquidation_bonus_min_bps: 500,
                liquidation_bonus_max_bps: 1_000,
                borrow_fee_bps: 10,
                rate_curve: RateCurve::new(&[(0, 100), (7_000, 700), (10_000, 15_000)]).unwrap(),
                ..base_config()
            },
            token_program: TOKEN_PROGRAM_ID,
            seed: 1_000_000,
        }
    }

    pub fn with_config(mut self, config: ReserveConfig) -> Self {
        self.config = config;
        self
    }

    pub fn with_token_program(mut self, token_program: Pubkey) -> Self {
        self.token_program = token_program;
        self
    }
}

/// Limits shared by the specs: no caps, 60 s oracle age, 2% confidence, 10% take rate.
pub fn base_config() -> ReserveConfig {
    ReserveConfig {
        deposit_cap: u64::MAX,
        borrow_cap: u64::MAX,
        loan_to_value_bps: 0,
        liquidation_threshold_bps: 0,
        liquidation_bonus_min_bps: 0,
        liquidation_bonus_max_bps: 0,
        protocol_liquidation_fee_bps: 1_000,
        borrow_fee_bps: 0,
        protocol_take_rate_bps: 1_000,
        borrow_factor_bps: 10_000,
        oracle_max_age_secs: 60,
        oracle_max_confidence_bps: 200,
        padding: [0; 2],
        rate_curve: RateCurve::new(&[(0, 0), (10_000, 1_000)]).unwrap(),
        padding2: [0; 4],
    }
}
