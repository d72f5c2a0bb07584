//! E-mode groups: correlated assets (SOL and its staking tokens, stablecoins) that an obligation
//! may opt into, to borrow against each other at the group's higher loan-to-value. Each market
//! holds up to `MAX_EMODE_GROUPS`; a reserve lists the groups it belongs to (and those it may be
//! borrowed in) as bit masks in its config.
use {
    super::ThresholdRamp,
    crate::{
        constants::{BPS, MAX_EMODE_GROUPS, MAX_LIQUIDATION_BONUS_BPS},
        errors::BallastError,
    },
    anchor_lang::prelude::*,
};

/// One group's risk parameters. Every position of a member reserve in an obligation of the
/// group uses them instead of its reserve's (and a borrow factor of 100%: the group's
/// loan-to-value already prices the pair's correlation).
// Borsh in the IDL (the `MarketChange` that sets it) and plain old data in the market account.
#[derive(
    Clone, Copy, Default, AnchorSerialize, AnchorDeserialize, bytemuck::Pod, bytemuck::Zeroable,
)]
#[repr(C)]
#[derive(Debug, PartialEq, Eq)]
pub struct EmodeGroupConfig {
    /// Share of a member collateral's value that may be borrowed against.
    pub loan_to_value_bps: u16,
    /// Share of a member collateral's value above which debt may be liquidated.
    pub liquidation_threshold_bps: u16,
    /// Largest liquidation bonus on member collateral (the reserve's minimum applies up to it).
    pub liquidation_bonus_max_bps: u16,
    /// 1: only reserves listing this group in `emode_debt_groups` may be borrowed in it.
    pub debt_restricted: u8,
    /// Explicit padding; must be zero.
    pub padding: u8,
}

/// A group as stored: its config and any lowering of its threshold in progress. A group whose
/// threshold is 0 is not configured.
#[zero_copy(unsafe)]
#[repr(C)]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct EmodeGroup {
    pub config: EmodeGroupConfig,
    /// A lowering of the threshold in progress (`config` holds its target).
    pub threshold_ramp: ThresholdRamp,
}

impl EmodeGroup {
    pub fn is_configured(&self) -> bool {
        self.config.liquidation_threshold_bps > 0
    }
}

/// The mask bit of group `id` (1..=32).
pub fn emode_bit(id: u8) -> u32 {
    1u32.checked_shl(u32::from(id).wrapping_sub(1)).unwrap_or(0)
}

/// Group `id` (1..=32) of `groups` if it is configured, else `EmodeGroupNotFound`.
pub fn emode_group(groups: &[EmodeGroup; MAX_EMODE_GROUPS], id: u8) -> Result<&EmodeGroup> {
    usize::from(id)
        .checked_sub(1)
        .and_then(|i| groups.get(i))
        .filter(|g| g.is_configured())
        .ok_or_else(|| error!(BallastError::EmodeGroupNotFound))
}

impl EmodeGroupConfig {
    /// The first rule this config breaks, in words: a reserve's rules, for the group's values.
    pub fn broken_rule(&self) -> Option<&'static str> {
        let bps = u64::from;
        let rules = [
            (
                0 < self.loan_to_value_bps
                    && self.loan_to_value_bps < self.liquidation_threshold_bps,
                "a group's loan_to_value_bps must be above 0 and below its liquidation_threshold_bps",
            ),
            (
                bps(self.liquidation_threshold_bps) < BPS,
                "a group's liquidation_threshold_bps must be below 10000",
            ),
            (
                0 < self.liquidation_bonus_max_bps
                    && self.liquidation_bonus_max_bps <= MAX_LIQUIDATION_BONUS_BPS,
                "a group's liquidation_bonus_max_bps must be 1..=5000",
            ),
            (
                bps(self.liquidation_threshold_bps) * (BPS + bps(self.liquidation_bonus_max_bps))
                    <= BPS * BPS,
                "a group's liquidation_threshold x (1 + max bonus) must be at most 100%",
            ),
            (
                self.debt_restricted <= 1 && self.padding == 0,
                "debt_restricted must be 0 or 1; padding must be zero",
            ),
        ];
        rules.iter().find(|(ok, _)| !ok).map(|(_, rule)| *rule)
    }

    /// Every rule a stored group obeys; logs the first one broken.
    pub fn validate(&self) -> Result<()> {
        if let Some(rule) = self.broken_rule() {
            msg!("invalid e-mode group: {}", rule);
            return err!(BallastError::InvalidMarketConfig);
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample() -> EmodeGroupConfig {
        EmodeGroupConfig {
            loan_to_value_bps: 9_000,
            liquidation_threshold_bps: 9_300,
            liquidation_bonus_max_bps: 200,
            debt_restricted: 0,
            padding: 0,
        }
    }

    #[test]
    fn each_rule_rejects() {
        assert_eq!(sample().broken_rule(), None);
        let broken = [
            EmodeGroupConfig {
                loan_to_value_bps: 0,
                ..sample()
            },
            EmodeGroupConfig {
                loan_to_value_bps: 9_300,
                ..sample()
            },
            EmodeGroupConfig {
                liquidation_threshold_bps: 10_000,
                loan_to_value_bps: 9_999,
                liquidation_bonus_max_bps: 1,
                ..sample()
            },
            EmodeGroupConfig {
                liquidation_bonus_max_bps: 0,
                ..sample()
            },
            // 93% x 1.08 = 100.44%.
            EmodeGroupConfig {
                liquidation_bonus_max_bps: 800,
                ..sample()
            },
            EmodeGroupConfig {
                debt_restricted: 2,
                ..sample()
            },
            EmodeGroupConfig {
                padding: 1,
                ..sample()
            },
        ];
        for (i, config) in broken.iter().enumerate() {
            assert!(config.broken_rule().is_some(), "config {i} passed");
            assert_eq!(
                config.validate().unwrap_err(),
                BallastError::InvalidMarketConfig.into()
            );
        }
        // At exactly 100%: 93% x 1.0752... is not whole; 80% x 1.25 is.
        let exact = EmodeGroupConfig {
            loan_to_value_bps: 7_000,
            liquidation_threshold_bps: 8_000,
            liquidation_bonus_max_bps: 2_500,
            ..sample()
        };
        assert_eq!(exact.broken_rule(), None);
    }

    #[test]
    fn groups_are_numbered_from_one() {
        let mut groups = [EmodeGroup::default(); MAX_EMODE_GROUPS];
        groups[0].config = sample();
        groups[31].config = sample();
        assert_eq!(emode_bit(1), 1);
        assert_eq!(emode_bit(32), 1 << 31);
        assert_eq!((emode_bit(0), emode_bit(33)), (0, 0));
        assert!(emode_group(&groups, 1).is_ok());
        assert!(emode_group(&groups, 32).is_ok());
        for id in [0, 2, 33, 255] {
            assert_eq!(
                emode_group(&groups, id).unwrap_err(),
                BallastError::EmodeGroupNotFound.into()
            );
        }
    }
}
