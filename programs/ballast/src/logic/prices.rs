//! What prices do to a reserve's state: a fresh price is recorded (its publish time, and the end
//! of an outage), and liquidations wait a grace period after an outage ends.
use {
    super::ReservePricing,
    crate::{errors::BallastError, oracle::OraclePrice, state::Reserve},
    anchor_lang::prelude::*,
};

/// Records what a fresh price of `reserve`'s oracle says: its publish time (older prices are
/// refused from now on) and, if it ended an outage (a gap since the feed's previous publish
/// longer than `outage_threshold_secs`), when.
pub fn observe_price(reserve: &mut Reserve, price: &OraclePrice, outage_threshold_secs: u32) {
    reserve.last_oracle_publish_time = reserve.last_oracle_publish_time.max(price.publish_time);
    if let Some(recovered) = price.recovery_time(outage_threshold_secs) {
        reserve.oracle_recovered_at = reserve.oracle_recovered_at.max(recovered);
    }
}

/// Errors with `LiquidationGracePeriod` while any priced oracle is within `grace_secs` of coming
/// back from an outage: recorded on its reserve, or visible in the price itself.
pub fn check_grace_period(
    pricing: &[ReservePricing],
    outage_threshold_secs: u32,
    grace_secs: u32,
    now: i64,
) -> Result<()> {
    for p in pricing {
        let recovered = p
            .price
            .recovery_time(outage_threshold_secs)
            .unwrap_or(0)
            .max(p.oracle_recovered_at);
        require!(
            recovered == 0 || now >= recovered.saturating_add(grace_secs.into()),
            BallastError::LiquidationGracePeriod
        );
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use {super::*, crate::math::Fixed, bytemuck::Zeroable};

    pub(crate) fn price(publish_time: i64, prev_publish_time: i64) -> OraclePrice {
        OraclePrice {
            spot: Fixed::ONE,
            ema: Fixed::ONE,
            publish_time,
            prev_publish_time,
        }
    }

    fn pricing(price: OraclePrice, oracle_recovered_at: i64) -> ReservePricing {
        let mut r = Reserve::zeroed();
        r.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        r.oracle_recovered_at = oracle_recovered_at;
        ReservePricing::new(Pubkey::new_unique(), &r, price, 0).unwrap()
    }

    #[test]
    fn observing_keeps_the_newest_publish_time_and_the_latest_recovery() {
        let mut r = Reserve::zeroed();
        observe_price(&mut r, &price(1_000, 990), 60);
        assert_eq!(
            (r.last_oracle_publish_time, r.oracle_recovered_at),
            (1_000, 0)
        );
        // A 61 s gap is an outage ending at 1,100.
        observe_price(&mut r, &price(1_100, 1_039), 60);
        assert_eq!(
            (r.last_oracle_publish_time, r.oracle_recovered_at),
            (1_100, 1_100)
        );
        // Exactly the threshold is no outage; an older price never moves either field back.
        observe_price(&mut r, &price(1_050, 990), 60);
        assert_eq!(
            (r.last_oracle_publish_time, r.oracle_recovered_at),
            (1_100, 1_100)
        );
        // Threshold 0 turns detection off.
        let mut off = Reserve::zeroed();
        observe_price(&mut off, &price(5_000, 0), 0);
        assert_eq!(
            (off.last_oracle_publish_time, off.oracle_recovered_at),
            (5_000, 0)
        );
    }

    #[test]
    fn grace_period_counts_from_the_later_of_the_recorded_and_the_visible_recovery() {
        let grace = |pricing: &[ReservePricing], now| check_grace_period(pricing, 60, 300, now);
        let waiting = Err(BallastError::LiquidationGracePeriod.into());
        // Recorded on the reserve at 1,000: liquidations wait until 1,300.
        let recorded = [pricing(price(1_200, 1_190), 1_000)];
        assert_eq!(grace(&recorded, 1_299), waiting);
        assert_eq!(grace(&recorded, 1_300), Ok(()));
        // Visible in the price (a 100 s gap ending at 1,200): until 1,500.
        let visible = [pricing(price(1_200, 1_100), 1_000)];
        assert_eq!(grace(&visible, 1_499), waiting);
        assert_eq!(grace(&visible, 1_500), Ok(()));
        // One reserve in its grace period is enough to wait.
        let both = [pricing(price(10, 5), 0), visible[0]];
        assert_eq!(grace(&both, 1_499), waiting);
        // Never recovered: never waits.
        assert_eq!(grace(&[pricing(price(10, 5), 0)], 0), Ok(()));
    }
}
