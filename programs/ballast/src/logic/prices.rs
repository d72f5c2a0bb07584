//! What prices do to a reserve's state: a fresh price is recorded (its publish time, and the end
//! of an outage), and liquidations wait a grace period after an outage ends.
use {
    super::ReservePricing,
    crate::{
        errors::BallastError,
        oracle::OraclePrice,
        state::{OracleSources, Reserve},
    },
    anchor_lang::prelude::*,
};

/// Records what a fresh price of one of `reserve`'s sources says: if it ended an outage of the
/// reserve's price (see `recovery_time`), when; its publish time as the newest seen from its
/// source (that source's older prices are refused from now on); its source as the one in use
/// (a fallback when above 0); and, when it is the newest of any source, its spot as the last
/// usable price.
pub fn observe_price(reserve: &mut Reserve, price: &OraclePrice, outage_threshold_secs: u32) {
    if let Some(recovered) = recovery_time(
        price,
        reserve.last_oracle_publish_time,
        reserve.oracles.in_use,
        outage_threshold_secs,
    ) {
        reserve.oracle_recovered_at = reserve.oracle_recovered_at.max(recovered);
    }
    let source = usize::from(price.source);
    let seen = &mut reserve.oracles.publish_times[source];
    *seen = (*seen).max(price.publish_time);
    reserve.oracles.in_use = price.source;
    if price.publish_time >= reserve.last_oracle_publish_time {
        reserve.last_oracle_publish_time = price.publish_time;
        reserve.last_price_sf.set(price.spot);
    }
}

/// The time `price` ended an outage of the reserve's price, or `None`: a gap longer than
/// `threshold_secs` (0 disables detection) since `last_seen`, the newest price the reserve used
/// from any source (0: none), or, when `price` comes from the source in use (`in_use`), since
/// its feed's previous publish. A fallback that kept the reserve priced while another source
/// was down means no outage: the grace period is per source only in that a source's own gap
/// counts while it is the one in use.
pub fn recovery_time(
    price: &OraclePrice,
    last_seen: i64,
    in_use: u8,
    threshold_secs: u32,
) -> Option<i64> {
    let since_previous = if price.source == in_use {
        price.publish_time.saturating_sub(price.prev_publish_time)
    } else {
        0
    };
    let since_seen = match last_seen {
        0 => 0,
        seen => price.publish_time.saturating_sub(seen),
    };
    let gap = since_previous.max(since_seen);
    (threshold_secs > 0 && gap > i64::from(threshold_secs)).then_some(price.publish_time)
}

/// Gives `reserve` new price sources, whose validated `prices` (one per source, read with
/// `candidate`, the reserve as it would be) show each live. Each source's history starts at its
/// price; a new primary counts as the end of an outage (liquidations wait the grace period, so
/// owners whose positions could not be priced, or are priced anew, have time to act).
pub fn change_sources(
    reserve: &mut Reserve,
    candidate: &Reserve,
    prices: &[OraclePrice],
    now: i64,
) {
    let new_primary = candidate.oracles.primary() != reserve.oracles.primary();
    reserve.oracles = candidate.oracles;
    for (seen, price) in reserve.oracles.publish_times.iter_mut().zip(prices) {
        *seen = price.publish_time;
    }
    reserve.oracles.in_use = 0;
    if let Some(primary) = prices.first() {
        reserve.last_oracle_publish_time = primary.publish_time;
        reserve.last_price_sf.set(primary.spot);
    }
    if new_primary {
        reserve.oracle_recovered_at = now;
    }
}

/// The reserve as it would be with `sources`: what their prices are checked against (nothing
/// seen of them yet).
pub fn with_sources(reserve: &Reserve, sources: OracleSources) -> Reserve {
    Reserve {
        oracles: sources,
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
        let recovered = recovery_time(
            &p.price,
            p.last_publish_time,
            p.source_in_use,
            outage_threshold_secs,
        )
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
    use {super::*, crate::math::Fixed, crate::state::PriceSource, bytemuck::Zeroable};

    pub(crate) fn price(publish_time: i64, prev_publish_time: i64) -> OraclePrice {
        OraclePrice {
            spot: Fixed::from_u64(publish_time as u64),
            ema: Fixed::ONE,
            publish_time,
            prev_publish_time,
            ..OraclePrice::default()
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

    fn sources(primary: u8, fallback: Option<u8>) -> OracleSources {
        let source =
            |seed: u8| PriceSource::pyth_pull(Pubkey::new_from_array([seed; 32]), [seed; 32]);
        let list: Vec<PriceSource> = [Some(primary), fallback]
            .into_iter()
            .flatten()
            .map(source)
            .collect();
        OracleSources::new(&list, 0).unwrap()
    }

    #[test]
    fn new_sources_start_their_own_history_and_a_new_primary_is_a_recovery() {
        let mut r = Reserve::zeroed();
        r.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        r.oracles = sources(1, None);
        observe_price(&mut r, &price(5_000, 4_999), 600);
        assert_eq!(r.oracles.publish_times, [5_000, 0, 0]);
        // The candidate is the reserve with the new sources and no publish time seen: a new
        // feed's first price may be older than the old feed's last.
        let new = sources(2, Some(3));
        let candidate = with_sources(&r, new);
        assert_eq!(candidate.oracles, new);
        assert_eq!(candidate.last_oracle_publish_time, 0);
        assert_eq!(candidate.liquidity, r.liquidity);
        let second = OraclePrice {
            source: 1,
            ..price(4_980, 4_979)
        };
        change_sources(&mut r, &candidate, &[price(4_990, 4_989), second], 5_010);
        assert_eq!(r.oracles.sources, new.sources);
        assert_eq!(r.oracles.publish_times, [4_990, 4_980, 0]);
        assert_eq!(
            (r.last_oracle_publish_time, r.oracle_recovered_at),
            (4_990, 5_010)
        );
        assert_eq!(r.last_price_sf.get(), Fixed::from_u64(4_990));
        // A fallback added behind the same primary: no new primary, no grace period.
        let mut kept = r;
        kept.oracle_recovered_at = 0;
        let candidate = with_sources(&kept, sources(2, Some(4)));
        change_sources(&mut kept, &candidate, &[price(5_020, 5_019), second], 5_030);
        assert_eq!(kept.oracle_recovered_at, 0);
    }

    #[test]
    fn a_fallback_covering_an_outage_of_the_primary_is_no_outage_of_the_reserve() {
        let mut r = Reserve::zeroed();
        r.liquidity.cumulative_borrow_index_sf.set(Fixed::ONE);
        r.oracles = sources(1, Some(2));
        observe_price(&mut r, &price(1_000, 999), 60);
        // The primary goes quiet; the fallback, publishing all along, takes over at 1,030.
        let fallback = |t: i64| OraclePrice {
            source: 1,
            ..price(t, t - 1)
        };
        observe_price(&mut r, &fallback(1_030), 60);
        assert_eq!(r.oracles.in_use, 1);
        assert_eq!(r.oracles.publish_times, [1_000, 1_030, 0]);
        observe_price(&mut r, &fallback(1_080), 60);
        // The primary comes back at 1,100 after 100 s without a publish: its own gap, but the
        // reserve had a price 20 s before, so no outage and no grace period.
        observe_price(&mut r, &price(1_100, 1_000), 60);
        assert_eq!((r.oracles.in_use, r.oracle_recovered_at), (0, 0));
        assert_eq!(r.oracles.publish_times, [1_100, 1_080, 0]);
        // The same gap on the source in use is an outage (the reserve saw nothing either).
        observe_price(&mut r, &price(1_200, 1_100), 60);
        assert_eq!(r.oracle_recovered_at, 1_200);
        // Every source down from 1,200 to 1,300: the first price back, the fallback's, ends an
        // outage of the reserve's price though its own feed shows no gap.
        observe_price(&mut r, &fallback(1_300), 60);
        assert_eq!((r.oracles.in_use, r.oracle_recovered_at), (1, 1_300));
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
