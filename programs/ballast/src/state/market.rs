//! `Market`: admin, market-wide policy, and the authority PDA that owns every vault and mint.
use {
    super::{EmodeGroup, EmodeGroupConfig},
    crate::{
        constants::{BPS, MAX_EMODE_GROUPS},
        errors::BallastError,
    },
    anchor_lang::prelude::*,
};

/// Longest oracle grace period a market may set.
pub const MAX_ORACLE_GRACE_PERIOD_SECS: u32 = 24 * 60 * 60;

/// PDA `["market", creator, market_id (u64 LE)]`.
// `unsafe`: its config fields are Borsh types in the IDL (see `MarketConfig`); `repr(C)` keeps
// the layout, and `state/mod.rs` asserts there is no padding, as the `Pod` derive would.
#[account(zero_copy(unsafe))]
#[repr(C)]
#[derive(Debug)]
pub struct Market {
    /// Signs every admin instruction. May be a multisig vault.
    pub admin: Pubkey,
    /// Proposed by `transfer_admin`; becomes admin when it signs `accept_admin`. Default: none.
    pub pending_admin: Pubkey,
    /// May pause the market (not unpause). Default: none.
    pub emergency_authority: Pubkey,
    /// The key that created the market (a PDA seed).
    pub creator: Pubkey,
    /// PDA `["authority", market]`: owner of every vault and cToken mint of the market.
    pub authority: Pubkey,
    /// Second PDA seed, chosen by the creator.
    pub market_id: u64,
    pub config: MarketConfig,
    pub bump: u8,
    pub authority_bump: u8,
    /// Non-zero while paused: see `Market::is_paused` for what still goes through.
    pub paused: u8,
    pub padding: [u8; 5],
    /// Room for fields added later without a migration.
    pub reserved: [u8; 64],
    /// E-mode groups 1..=32 (index `id - 1`); a group with threshold 0 is not configured.
    pub emode_groups: [EmodeGroup; MAX_EMODE_GROUPS],
}

impl Market {
    pub const SPACE: usize = 8 + std::mem::size_of::<Market>();

    /// While paused only what cannot take value out and can only lower risk goes through:
    /// `repay`, the collateral top-ups (`supply`, `deposit_collateral`), `init_obligation`,
    /// `close_obligation`, `refresh_reserve`, and admin configuration. Everything else fails
    /// with `MarketPaused`.
    pub fn is_paused(&self) -> bool {
        self.paused != 0
    }

    /// Signer seeds of the market authority PDA.
    pub fn authority_seeds<'a>(&'a self, market: &'a Pubkey) -> [&'a [u8]; 3] {
        [
            crate::constants::AUTHORITY_SEED,
            market.as_ref(),
            std::slice::from_ref(&self.authority_bump),
        ]
    }
}

/// Market-wide policy. Liquidation fields are read by the liquidation instruction.
// Borsh in the IDL (instruction arguments and events carry it) and plain old data in the
// accounts that embed it: `declare_program!` cannot generate a type that is both.
#[derive(Clone, Copy, AnchorSerialize, AnchorDeserialize, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
#[derive(Debug, PartialEq, Eq)]
pub struct MarketConfig {
    /// Largest share of an obligation's debt one liquidation may repay (bps, 1..=10,000).
    pub close_factor_bps: u16,
    /// Health factor (bps of 1.0) below which a liquidation may repay all of the debt.
    pub full_liquidation_health_bps: u16,
    /// Debt worth less than this many USD may be liquidated in full.
    pub liquidation_dust_usd: u32,
    /// A gap between consecutive oracle publish times longer than this is an outage (0: off).
    pub oracle_outage_threshold_secs: u32,
    /// After an outage ends, liquidations wait this long so users can top up.
    pub oracle_grace_period_secs: u32,
}

impl Default for MarketConfig {
    fn default() -> Self {
        MarketConfig {
            close_factor_bps: 5_000,
            full_liquidation_health_bps: 9_000,
            liquidation_dust_usd: 1,
            oracle_outage_threshold_secs: 10 * 60,
            oracle_grace_period_secs: 15 * 60,
        }
    }
}

impl MarketConfig {
    /// Every rule a stored config obeys; logs the first one broken.
    pub fn validate(&self) -> Result<()> {
        if let Some(rule) = self.broken_rule() {
            msg!("invalid market config: {}", rule);
            return err!(BallastError::InvalidMarketConfig);
        }
        Ok(())
    }

    /// The first rule this config breaks, in words (clients show it before sending).
    pub fn broken_rule(&self) -> Option<&'static str> {
        let rules = [
            (
                (1..=BPS).contains(&self.close_factor_bps.into()),
                "close_factor_bps must be 1..=10000",
            ),
            (
                u64::from(self.full_liquidation_health_bps) < BPS,
                "full_liquidation_health_bps must be below 10000",
            ),
            (
                self.oracle_grace_period_secs <= MAX_ORACLE_GRACE_PERIOD_SECS,
                "oracle_grace_period_secs must be at most one day",
            ),
        ];
        rules.iter().find(|(ok, _)| !ok).map(|(_, rule)| *rule)
    }
}

/// One change to a market's config. Each is applied to a copy and validated before it is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, AnchorSerialize, AnchorDeserialize)]
pub enum MarketChange {
    CloseFactorBps(u16),
    FullLiquidationHealthBps(u16),
    LiquidationDustUsd(u32),
    OracleOutageThresholdSecs(u32),
    OracleGracePeriodSecs(u32),
    /// The key that may pause besides the admin (`Pubkey::default()`: none).
    EmergencyAuthority(Pubkey),
    /// Configures e-mode group `id` (1..=32). Its loan-to-value, bonus and a higher threshold
    /// apply at once; a lower threshold ramps down from the current one over `ramp_secs` (at
    /// least `MIN_THRESHOLD_RAMP_SECS`). A configured group stays configured (its obligations
    /// rely on it): lower its parameters by a ramp instead.
    EmodeGroup {
        id: u8,
        config: EmodeGroupConfig,
        ramp_secs: u32,
    },
}

impl MarketChange {
    /// Applies this change to `market` at `now`; each change is validated first, and nothing
    /// changes when it fails.
    pub fn apply_to(self, market: &mut Market, now: i64) -> Result<()> {
        match self {
            MarketChange::EmergencyAuthority(key) => market.emergency_authority = key,
            MarketChange::EmodeGroup {
                id,
                config,
                ramp_secs,
            } => {
                // Any slot 1..=32, configured yet or not.
                let group = usize::from(id)
                    .checked_sub(1)
                    .and_then(|i| market.emode_groups.get_mut(i))
                    .ok_or(BallastError::EmodeGroupNotFound)?;
                crate::logic::ramp::change_group(group, config, ramp_secs, now)?;
            }
            policy => market.config = policy.apply(&market.config)?,
        }
        Ok(())
    }

    /// The config with this (policy) change applied, validated.
    pub fn apply(self, config: &MarketConfig) -> Result<MarketConfig> {
        let mut next = *config;
        match self {
            MarketChange::CloseFactorBps(v) => next.close_factor_bps = v,
            MarketChange::FullLiquidationHealthBps(v) => next.full_liquidation_health_bps = v,
            MarketChange::LiquidationDustUsd(v) => next.liquidation_dust_usd = v,
            MarketChange::OracleOutageThresholdSecs(v) => next.oracle_outage_threshold_secs = v,
            MarketChange::OracleGracePeriodSecs(v) => next.oracle_grace_period_secs = v,
            MarketChange::EmergencyAuthority(_) | MarketChange::EmodeGroup { .. } => {}
        }
        next.validate()?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        MarketConfig::default().validate().unwrap();
    }

    #[test]
    fn changes_are_validated() {
        let c = MarketConfig::default();
        let next = MarketChange::CloseFactorBps(2_000).apply(&c).unwrap();
        assert_eq!(next.close_factor_bps, 2_000);
        for bad in [
            MarketChange::CloseFactorBps(0),
            MarketChange::CloseFactorBps(10_001),
            MarketChange::FullLiquidationHealthBps(10_000),
            MarketChange::OracleGracePeriodSecs(MAX_ORACLE_GRACE_PERIOD_SECS + 1),
        ] {
            assert_eq!(
                bad.apply(&c).unwrap_err(),
                BallastError::InvalidMarketConfig.into()
            );
        }
    }

    #[test]
    fn an_emode_group_change_names_a_slot_from_1_to_32() {
        let mut m: Market = bytemuck::Zeroable::zeroed();
        let change = |id| MarketChange::EmodeGroup {
            id,
            config: crate::state::sample_emode_group(),
            ramp_secs: 0,
        };
        for id in [0, 33] {
            assert_eq!(
                change(id).apply_to(&mut m, 0).unwrap_err(),
                BallastError::EmodeGroupNotFound.into()
            );
        }
        change(32).apply_to(&mut m, 0).unwrap();
        assert_eq!(
            m.emode_groups[31].config,
            crate::state::sample_emode_group()
        );
        assert!(m.emode_groups[..31].iter().all(|g| !g.is_configured()));
    }
}
