//! Liquidation thresholds fall by a ramp, never at once (Euler's ramping): lowering one
//! instantly would liquidate owners who were healthy a second before. A rise applies at once.
use {
    crate::{
        constants::{BPS, MIN_THRESHOLD_RAMP_SECS},
        errors::BallastError,
        state::{EmodeGroup, EmodeGroupConfig, Reserve, ThresholdRamp},
    },
    anchor_lang::prelude::*,
};

/// The liquidation threshold of `reserve` at `now`: its config's, or on a ramp down, the point
/// between the ramp's start and the config's, rounded toward the start (the owners' side).
#[inline]
pub fn liquidation_threshold_at(reserve: &Reserve, now: i64) -> u16 {
    threshold_at(
        &reserve.threshold_ramp,
        reserve.config.liquidation_threshold_bps,
        now,
    )
}

/// `liquidation_threshold_at` for an e-mode group.
#[inline]
pub fn group_threshold_at(group: &EmodeGroup, now: i64) -> u16 {
    threshold_at(
        &group.threshold_ramp,
        group.config.liquidation_threshold_bps,
        now,
    )
}

/// The threshold on `ramp` toward `to` at `now`.
#[inline]
fn threshold_at(ramp: &ThresholdRamp, to: u16, now: i64) -> u16 {
    // No ramp (`end` 0) or one that is over: the common case, one comparison.
    if ramp.end <= now {
        return to;
    }
    on_ramp(ramp, to, now)
}

/// The point of a running ramp at `now`, kept out of line: every priced reserve asks, few ramp.
#[cold]
#[inline(never)]
fn on_ramp(r: &ThresholdRamp, to: u16, now: i64) -> u16 {
    if r.from_bps <= to {
        return to;
    }
    let elapsed = now.saturating_sub(r.start).max(0) as u64;
    let duration = r.end.saturating_sub(r.start).max(1) as u64;
    // The part of the drop done so far, rounded down.
    let done = u64::from(r.from_bps - to) * elapsed / duration;
    r.from_bps - done as u16
}

/// After a loan-to-value change whose threshold target was `old_target` and is now the
/// config's: a target below `current` (the threshold at `now`) ramps down from `current` over
/// `ramp_secs` (at least `MIN_THRESHOLD_RAMP_SECS`); one at or above it applies at once; an
/// unchanged target keeps its ramp.
pub fn ramp_threshold(
    reserve: &mut Reserve,
    old_target: u16,
    current: u16,
    ramp_secs: u32,
    now: i64,
) -> Result<()> {
    let to = reserve.config.liquidation_threshold_bps;
    reserve.threshold_ramp = ramp_to(
        &reserve.threshold_ramp,
        old_target,
        to,
        current,
        ramp_secs,
        now,
    )?;
    Ok(())
}

/// The ramp after a threshold target moved from `old_target` to `to`, `current` the threshold
/// at `now` (see `ramp_threshold`).
fn ramp_to(
    ramp: &ThresholdRamp,
    old_target: u16,
    to: u16,
    current: u16,
    ramp_secs: u32,
    now: i64,
) -> Result<ThresholdRamp> {
    if to == old_target {
        return Ok(*ramp);
    }
    if to >= current {
        return Ok(ThresholdRamp::default());
    }
    require!(
        ramp_secs >= MIN_THRESHOLD_RAMP_SECS,
        BallastError::ThresholdLoweringTooFast
    );
    Ok(ThresholdRamp {
        from_bps: current,
        padding: [0; 6],
        start: now,
        end: now.saturating_add(ramp_secs.into()),
    })
}

/// Sets e-mode `group` to `config` at `now`: validated, a configured group never unset, and its
/// threshold ramped like a reserve's (a lowering over `ramp_secs`, a rise at once), the ramp's
/// threshold obeying the bonus rule too. Nothing changes when it fails.
pub fn change_group(
    group: &mut EmodeGroup,
    config: EmodeGroupConfig,
    ramp_secs: u32,
    now: i64,
) -> Result<()> {
    config.validate()?;
    let ramp = if group.is_configured() {
        let current = group_threshold_at(group, now);
        ramp_to(
            &group.threshold_ramp,
            group.config.liquidation_threshold_bps,
            config.liquidation_threshold_bps,
            current,
            ramp_secs,
            now,
        )?
    } else {
        ThresholdRamp::default()
    };
    let next = EmodeGroup {
        config,
        threshold_ramp: ramp,
    };
    check(&next.threshold_ramp, config.liquidation_bonus_max_bps, now)?;
    *group = next;
    Ok(())
}

/// While a ramp runs, its threshold still obeys the rule the config's does: threshold x (1 +
/// max bonus) <= 100% (a bonus change mid-ramp must keep it).
pub fn check_ramp(reserve: &Reserve, now: i64) -> Result<()> {
    check(
        &reserve.threshold_ramp,
        reserve.config.liquidation_bonus_max_bps,
        now,
    )
    .map_err(|_| error!(BallastError::InvalidReserveConfig))
}

/// A running `ramp` (whose highest point is its start) times one plus `bonus_bps` is at most
/// 100%, or `InvalidMarketConfig`.
fn check(ramp: &ThresholdRamp, bonus_bps: u16, now: i64) -> Result<()> {
    let ramping = ramp.end > now;
    let highest = u64::from(ramp.from_bps);
    require!(
        !ramping || highest * (BPS + u64::from(bonus_bps)) <= BPS * BPS,
        BallastError::InvalidMarketConfig
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use {super::*, crate::logic::fixtures::reserve};

    /// The sample reserve (threshold 80%) lowered to 60% over an hour from time 100.
    fn ramping() -> Reserve {
        let mut r = reserve(1_000);
        let current = liquidation_threshold_at(&r, 100);
        r.config.liquidation_threshold_bps = 6_000;
        r.config.loan_to_value_bps = 5_000;
        ramp_threshold(&mut r, 8_000, current, 3_600, 100).unwrap();
        r
    }

    #[test]
    fn a_lowering_moves_linearly_rounded_toward_the_start() {
        let r = ramping();
        assert_eq!(liquidation_threshold_at(&r, 100), 8_000);
        // 2,000 bps over 3,600 s: after 333 s, 185.0 done; after 500, 277.8 -> 277.
        assert_eq!(liquidation_threshold_at(&r, 433), 7_815);
        assert_eq!(liquidation_threshold_at(&r, 600), 7_723);
        assert_eq!(liquidation_threshold_at(&r, 1_900), 7_000);
        assert_eq!(liquidation_threshold_at(&r, 3_699), 6_001);
        assert_eq!(liquidation_threshold_at(&r, 3_700), 6_000);
        assert_eq!(liquidation_threshold_at(&r, 50_000), 6_000);
    }

    #[test]
    fn a_lowering_must_ramp_and_a_rise_applies_at_once() {
        let mut r = reserve(1_000);
        r.config.liquidation_threshold_bps = 7_000;
        let before = r;
        assert_eq!(
            ramp_threshold(&mut r, 8_000, 8_000, MIN_THRESHOLD_RAMP_SECS - 1, 0).unwrap_err(),
            BallastError::ThresholdLoweringTooFast.into()
        );
        assert_eq!(r.threshold_ramp, before.threshold_ramp);
        // Mid-ramp, a new lowering starts where the threshold is, not where it began; a rise
        // stops the ramp.
        let mut r = ramping();
        let at = liquidation_threshold_at(&r, 1_900);
        r.config.liquidation_threshold_bps = 5_500;
        ramp_threshold(&mut r, 6_000, at, 3_600, 1_900).unwrap();
        assert_eq!(liquidation_threshold_at(&r, 1_900), 7_000);
        assert_eq!(liquidation_threshold_at(&r, 5_500), 5_500);
        let at = liquidation_threshold_at(&r, 2_000);
        r.config.liquidation_threshold_bps = 7_500;
        ramp_threshold(&mut r, 5_500, at, 0, 2_000).unwrap();
        assert_eq!(liquidation_threshold_at(&r, 2_000), 7_500);
        assert_eq!(r.threshold_ramp, ThresholdRamp::default());
        // An unchanged target (only the loan-to-value moved) keeps the ramp.
        let mut r = ramping();
        r.config.loan_to_value_bps = 4_000;
        let at = liquidation_threshold_at(&r, 1_900);
        ramp_threshold(&mut r, 6_000, at, 0, 1_900).unwrap();
        assert_eq!(liquidation_threshold_at(&r, 1_900), 7_000);
    }

    #[test]
    fn a_bonus_raised_mid_ramp_must_fit_the_ramps_threshold() {
        let mut r = ramping();
        // 80% x (1 + 25%) = 100%: fits; 26% does not while the ramp runs, does after it.
        r.config.liquidation_bonus_max_bps = 2_500;
        check_ramp(&r, 600).unwrap();
        r.config.liquidation_bonus_max_bps = 2_600;
        assert_eq!(
            check_ramp(&r, 600).unwrap_err(),
            BallastError::InvalidReserveConfig.into()
        );
        check_ramp(&r, 3_700).unwrap();
    }

    #[test]
    fn a_groups_threshold_ramps_down_like_a_reserves() {
        use crate::state::{sample_emode_group, EmodeGroupConfig};
        let mut g = EmodeGroup::default();
        // A first configuration applies at once.
        change_group(&mut g, sample_emode_group(), 0, 100).unwrap();
        assert_eq!(group_threshold_at(&g, 100), 9_300);
        // Lowered to 91% (LTV 88%): refused without an hour's ramp, nothing changed.
        let lower = EmodeGroupConfig {
            loan_to_value_bps: 8_800,
            liquidation_threshold_bps: 9_100,
            ..sample_emode_group()
        };
        let before = g;
        assert_eq!(
            change_group(&mut g, lower, MIN_THRESHOLD_RAMP_SECS - 1, 100).unwrap_err(),
            BallastError::ThresholdLoweringTooFast.into()
        );
        assert_eq!(g, before);
        change_group(&mut g, lower, 3_600, 100).unwrap();
        // The loan-to-value moved at once; the threshold is halfway after half an hour.
        assert_eq!(g.config.loan_to_value_bps, 8_800);
        assert_eq!(group_threshold_at(&g, 1_900), 9_200);
        assert_eq!(group_threshold_at(&g, 3_700), 9_100);
        // A bonus the ramp's start (93%) cannot pay: 93% x 1.08 > 100%, though 91% x 1.08 is
        // not; after the ramp it can.
        let greedy = EmodeGroupConfig {
            liquidation_bonus_max_bps: 800,
            ..lower
        };
        let mid = g;
        assert_eq!(
            change_group(&mut g, greedy, 0, 1_900).unwrap_err(),
            BallastError::InvalidMarketConfig.into()
        );
        assert_eq!(g, mid);
        change_group(&mut g, greedy, 0, 3_700).unwrap();
        // A rise applies at once; a configured group cannot be unset.
        change_group(&mut g, sample_emode_group(), 0, 4_000).unwrap();
        assert_eq!(group_threshold_at(&g, 4_000), 9_300);
        assert_eq!(g.threshold_ramp, ThresholdRamp::default());
        assert_eq!(
            change_group(&mut g, EmodeGroupConfig::default(), 3_600, 4_000).unwrap_err(),
            BallastError::InvalidMarketConfig.into()
        );
    }
}
