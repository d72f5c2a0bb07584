//! What prices do to a reserve's state: a fresh price is recorded (its publish time, and the end
//! of an outage), and liquidations wait a grace period after an outage ends.
use {
    super::ReservePricing,
    crate::{
        errors::BallastError,
        oracle::OraclePrice,
        state::{OracleConfig, Reserve},
    },
    anchor_lang::prelude::*,
};

/// Records what a fresh price of `reserve`'s oracle says: if it ended an outage (a gap longer
/// than `outage_threshold_secs` since the feed's previous publish or since the last price the
/// reserve used), when; and, when it is the newest, its publish time (older prices are refused
/// from now on) and its spot, the last usable price.
pub fn observe_price(reserve: &mut Reserve, price: &OraclePrice, outage_threshold_secs: u32) {
    if let Some(recovered) =
        price.recovery_time(reserve.last_oracle_publish_time, outage_threshold_secs)
    {
        reserve.oracle_recovered_at = reserve.oracle_recovered_at.max(recovered);
    }
    if price.publish_time >= reserve.last_oracle_publish_time {
        reserve.last_oracle_publish_time = price.publish_time;
        reserve.last_price_sf.set(price.spot);
    }
}

/// Points `reserve` at a new oracle, whose validated `price` (read with `candidate`, the
/// reserve as it would be) shows it live. The old feed's history does not apply to the new one:
/// the newest publish time becomes the new price's, and the change counts as the end of an
/// outage (liquidations wait the grace period, so owners whose positions could not be priced
/// have time to act).
pub fn change_oracle(reserve: &mut Reserve, candidate: &Reserve, price: &OraclePrice, now: i64) {
    reserve.oracle = candidate.oracle;
    reserve.last_oracle_publish_time = price.publish_time;
    reserve.last_price_sf.set(price.spot);
    reserve.oracle_recovered_at = now;
}

/// The reserve as it would be with `oracle`: what a new oracle's price is checked against (no
/// publish time seen yet).
pub fn with_oracle(reserve: &Reserve, oracle: OracleConfig) -> Reserve {
    Reserve {
        oracle,
        last_oracle_publish_time: 0,
        ..*reserve
    }
}

/// Errors with `LiquidationGracePeriod` while any priced oracle is within `grace_secs` of coming
/// back from an outage: recorded on its reserve, or visible in the price itself (against the
/// feed's previous publish or the reserve's last price).
pub fn check_grace_period<'a>(
    pricing: impl IntoIterator<Item = &'a ReservePricing>,
    outage_threshold_secs: u32,
    grace_secs: u32,
    now: i64,
) -> Result<()> {
    for p in pricing {
        let recovered = p
            .price
            .recovery_time(p.last_publish_time, outage_threshold_secs)
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
            spot: Fixed::from_u64(publish_time as u64),
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
        assert_eq!(r.last_price_sf.get(), Fixed::from_u64(1_000));
        // A 61 s gap is an outage ending at 1,100.
        observe_price(&mut r, &price(1_100, 1_039), 60);
        assert_eq!(
            (r.last_oracle_publish_time, r.oracle_recovered_at),
            (1_100, 1_100)
        );
        // Exactly the threshold is no outage; an older price never moves a field back (the
        // last usable price included).
        observe_price(&mut r, &price(1_050, 990), 60);
        assert_eq!(
            (r.last_oracle_publish_time, r.oracle_recovered_at),
            (1_100, 1_100)
        );
        assert_eq!(r.last_price_sf.get(), Fixed::from_u64(1_100));
        // Threshold 0 turns detection off.
        let mut off = Reserve::zeroed();
        observe_price(&mut off, &price(5_000, 0), 0);
        assert_eq!(
            (off.last_oracle_publish_time, off.oracle_recovered_at),
            (5_000, 0)
        );
    }

    #[test]
    fn a_gap_since_the_reserves_last_price_is_an_outage_too() {
        // The feed's own message shows no gap (previous publish 1 s before), but the reserve's
        // last price is 700 s old: an outage of the reserve's view, over at 1,700.
        let mut r = Reserve::zeroed();
        r.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        r.last_oracle_publish_time = 1_000;
        let seen = r;
        observe_price(&mut r, &price(1_700, 1_699), 600);
        assert_eq!(
            (r.last_oracle_publish_time, r.oracle_recovered_at),
            (1_700, 1_700)
        );
        // A reader that cannot record it still waits: liquidations until 1,700 + 300.
        let p = ReservePricing::new(Pubkey::new_unique(), &seen, price(1_700, 1_699), 0).unwrap();
        let waiting = Err(BallastError::LiquidationGracePeriod.into());
        assert_eq!(check_grace_period(&[p], 600, 300, 1_999), waiting);
        assert_eq!(check_grace_period(&[p], 600, 300, 2_000), Ok(()));
        // 600 s exactly is no outage; a reserve that never saw a price has nothing to compare.
        let mut quiet = seen;
        observe_price(&mut quiet, &price(1_600, 1_599), 600);
        assert_eq!(quiet.oracle_recovered_at, 0);
        let mut fresh = Reserve::zeroed();
        observe_price(&mut fresh, &price(1_600, 1_599), 600);
        assert_eq!(fresh.oracle_recovered_at, 0);
    }

    #[test]
    fn a_new_oracle_starts_its_own_history() {
        let mut r = Reserve::zeroed();
        r.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        observe_price(&mut r, &price(5_000, 4_999), 600);
        let new = OracleConfig {
            account: Pubkey::new_unique(),
            feed_id: [7; 32],
            source: 0,
            padding: [0; 7],
        };
        // The candidate is the reserve with the new oracle and no publish time seen: a new
        // feed's first price may be older than the old feed's last.
        let candidate = with_oracle(&r, new);
        assert_eq!(candidate.oracle, new);
        assert_eq!(candidate.last_oracle_publish_time, 0);
        assert_eq!(candidate.liquidity, r.liquidity);
        change_oracle(&mut r, &candidate, &price(4_990, 4_989), 5_010);
        assert_eq!(r.oracle, new);
        assert_eq!(
            (r.last_oracle_publish_time, r.oracle_recovered_at),
            (4_990, 5_010)
        );
        assert_eq!(r.last_price_sf.get(), Fixed::from_u64(4_990));
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
