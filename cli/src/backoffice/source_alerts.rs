//! The monitor's alerts on a reserve's price sources: a fallback in use, the first two usable
//! sources diverging, a stake pool behind the current epoch. Read from the snapshot's
//! `ReserveReading` (the program's own oracle code); nothing is priced here.
use {
    super::{
        monitor::{AlertKind, Condition},
        snapshot::PricedReserve,
    },
    crate::{format::usd, oracle_spec::describe_one},
    ballast::state::PriceRate,
    serde_json::json,
};

/// The source conditions that hold for `r` now, the current epoch being `epoch`.
pub fn conditions(r: &PricedReserve, symbol: &str, epoch: u64) -> Vec<Condition> {
    let reading = &r.reading;
    let condition = |kind, message: String, details| Condition {
        kind,
        subject: r.address,
        emode_group: 0,
        message,
        details,
    };
    let mut found = Vec::new();
    let recorded = r.reserve.oracles.in_use;
    let now = reading.price.as_ref().ok().map(|p| p.source);
    if reading.falls_back() || recorded > 0 {
        let primary_error = reading
            .sources
            .first()
            .and_then(|s| s.price.err())
            .map(|e| e.name());
        let why = match (&primary_error, now) {
            (Some(e), Some(n)) => format!("primary unusable ({e}), source {} in use", n + 1),
            _ => format!("source {} was the last one used", recorded + 1),
        };
        found.push(condition(
            AlertKind::OracleFallbackInUse,
            format!("reserve {symbol}: price from a fallback: {why}"),
            json!({
                "symbol": symbol,
                "in_use": now.map(|n| n + 1),
                "in_use_recorded": recorded + 1,
                "primary_error": primary_error,
            }),
        ));
    }
    if let (true, Ok(p)) = (reading.diverged(), &reading.price) {
        let first = usize::from(p.source);
        let other = (reading.sources.iter().enumerate())
            .skip(first + 1)
            .find_map(|(i, s)| s.price.ok().map(|q| (i, q)));
        let max = r.reserve.oracles.max_divergence_bps;
        if let Some((i, q)) = other {
            found.push(condition(
                AlertKind::OracleSourcesDiverge,
                format!(
                    "reserve {symbol}: sources {} ({}) and {} ({}) differ by more than {max} \
                     bps: borrows and withdrawals with debt are refused",
                    first + 1,
                    usd(p.spot),
                    i + 1,
                    usd(q.spot)
                ),
                json!({
                    "symbol": symbol,
                    "sources": [first + 1, i + 1],
                    "prices_usd": [crate::views::plain(p.spot, 8), crate::views::plain(q.spot, 8)],
                    "max_divergence_bps": max,
                }),
            ));
        }
    }
    let behind: Vec<(usize, u64)> = (reading.sources.iter().enumerate())
        .filter(|(_, s)| s.source.price_rate().ok() == Some(PriceRate::SplStakePool))
        .filter_map(|(i, s)| s.pool_updated_epoch.map(|e| (i, e)))
        .filter(|(_, updated)| *updated < epoch)
        .collect();
    if let Some(&(i, updated)) = behind.first() {
        let source = &reading.sources[i].source;
        let refused = epoch > updated.saturating_add(1);
        found.push(condition(
            AlertKind::StakePoolNotUpdated,
            format!(
                "reserve {symbol}: stake pool {} last updated in epoch {updated}, now {epoch}{}",
                source.rate_account,
                if refused {
                    ": its price is refused (StakePoolNotUpdated)"
                } else {
                    ": refused from the next epoch unless updated"
                }
            ),
            json!({
                "symbol": symbol,
                "source": describe_one(source),
                "stake_pool": source.rate_account.to_string(),
                "last_update_epoch": updated,
                "epoch": epoch,
                "refused": refused,
            }),
        ));
    }
    found
}
