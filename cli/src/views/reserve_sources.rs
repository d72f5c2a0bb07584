//! A reserve's price sources as `reserve show` prints them: each with its kind, accounts,
//! price and age now, whether the program would use it (or its error's name), which one is in
//! use (a fallback flagged), and the divergence bound with whether it is crossed now.
use {
    super::plain,
    crate::{
        format::{percent, usd},
        oracle_spec::kind_name,
        source_prices::{ReserveReading, SourceReading},
    },
    ballast::{
        math::Fixed,
        oracle::RawPrice,
        state::{PriceRate, Reserve},
    },
    serde_json::{json, Value},
};

/// The index of the source the program would use now, if any.
fn in_use_now(reading: &ReserveReading) -> Option<usize> {
    reading.price.as_ref().ok().map(|p| usize::from(p.source))
}

/// A fallback is in use now, or was the last time the reserve was priced.
pub fn fallback(reserve: &Reserve, reading: &ReserveReading) -> bool {
    in_use_now(reading).is_some_and(|i| i > 0) || reserve.oracles.in_use > 0
}

/// The price its account states, in USD, for a source the program refuses.
fn stated_price(raw: &RawPrice) -> Option<String> {
    let decimals = u32::try_from(-raw.exponent).ok().filter(|d| *d <= 18)?;
    let price = u128::try_from(raw.price).ok()?;
    let value = price.checked_mul(Fixed::SCALE)? / 10u128.pow(decimals);
    Some(usd(Fixed::from_raw(value)))
}

/// The price (validated when usable, else as stated) and its age in seconds (none for a
/// fixed price).
fn price_and_age(s: &SourceReading, now: i64) -> (Option<String>, Option<i64>) {
    let age = (!s.source.is_fixed())
        .then(|| {
            s.raw
                .as_ref()
                .ok()
                .map(|r| now.saturating_sub(r.publish_time))
        })
        .flatten();
    let price = match (&s.price, &s.raw) {
        (Ok(p), _) => Some(usd(p.spot)),
        (Err(_), Ok(raw)) => stated_price(raw),
        (Err(_), Err(_)) => None,
    };
    (price, age)
}

fn rate_name(s: &SourceReading) -> Option<&'static str> {
    match s.source.price_rate() {
        Ok(PriceRate::SplStakePool) => Some("stake-pool"),
        Ok(PriceRate::Marinade) => Some("marinade"),
        _ => None,
    }
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `oracles` object of `reserve show --output json`.
pub fn json(reserve: &Reserve, reading: &ReserveReading, now: i64) -> Value {
    let in_use = in_use_now(reading);
    let sources: Vec<Value> = (reading.sources.iter().enumerate())
        .map(|(i, s)| {
            let (price, age) = price_and_age(s, now);
            let fixed = s.source.is_fixed();
            json!({
                "priority": i + 1,
                "kind": kind_name(s.source.kind),
                "fixed": fixed,
                "label": if fixed { "admin-set fixed price" } else { "price account" },
                "account": (!fixed).then(|| s.source.account.to_string()),
                "feed_id": (!fixed && s.source.feed_id != [0; 32]).then(|| hex(&s.source.feed_id)),
                "rate": rate_name(s),
                "rate_account": s.source.has_rate().then(|| s.source.rate_account.to_string()),
                "price_usd": s.price.as_ref().ok().map(|p| plain(p.spot, 8)),
                "stated_price": price,
                "age_secs": age,
                "usable": s.price.is_ok(),
                "error": s.price.as_ref().err().map(|e| e.name()),
                "in_use": in_use == Some(i),
            })
        })
        .collect();
    json!({
        "sources": sources,
        "in_use": in_use,
        "in_use_recorded": reserve.oracles.in_use,
        "fallback": fallback(reserve, reading),
        "max_divergence_bps": reserve.oracles.max_divergence_bps,
        "diverged": reading.diverged(),
    })
}

/// Labels of the detail rows, one per source.
const ROW_LABELS: [&str; 3] = ["price source 1", "price source 2", "price source 3"];

/// `reserve show`'s rows for the sources: one per source, then the divergence bound.
pub fn rows(reserve: &Reserve, reading: &ReserveReading, now: i64) -> Vec<(&'static str, String)> {
    let in_use = in_use_now(reading);
    let mut rows: Vec<(&'static str, String)> = (reading.sources.iter().enumerate())
        .zip(ROW_LABELS)
        .map(|((i, s), label)| {
            let what = if s.source.is_fixed() {
                "fixed, admin-set price".to_string()
            } else {
                format!("{} {}", kind_name(s.source.kind), s.source.account)
            };
            let rate = match rate_name(s) {
                Some(name) => format!(" x {name} {}", s.source.rate_account),
                None => String::new(),
            };
            let (price, age) = price_and_age(s, now);
            let mut facts = vec![price.unwrap_or_else(|| "no price".into())];
            facts.extend(age.map(|a| format!("{a} s old")));
            facts.push(match &s.price {
                Ok(_) => "usable".into(),
                Err(e) => format!("unusable: {}", e.name()),
            });
            match in_use {
                Some(0) if i == 0 => facts.push("in use".into()),
                Some(n) if n == i => facts.push("IN USE (fallback)".into()),
                _ => {}
            }
            (label, format!("{what}{rate}: {}", facts.join(", ")))
        })
        .collect();
    let bound = match reserve.oracles.max_divergence_bps {
        0 => "unchecked".to_string(),
        bps => format!(
            "max {}; first two usable sources diverge now: {}",
            percent(Fixed::from_bps(bps.into())),
            if reading.diverged() { "YES" } else { "no" }
        ),
    };
    rows.push(("source divergence", bound));
    if in_use.is_none() {
        rows.push(("source in use", "none: no source is usable".into()));
    } else if reserve.oracles.in_use > 0 {
        rows.push((
            "last used",
            format!("source {} (a fallback)", reserve.oracles.in_use + 1),
        ));
    }
    rows
}
