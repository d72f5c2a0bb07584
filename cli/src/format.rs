//! Human-readable amounts.
use ballast::math::Fixed;

/// `amount` base units of a mint with `decimals`, as a decimal with thousands separators,
/// trailing zeros trimmed ("1,234.5").
pub fn units(amount: u64, decimals: u8) -> String {
    let scale = 10u128.pow(decimals.into());
    let whole = u128::from(amount) / scale;
    let frac = u128::from(amount) % scale;
    let whole = group(whole);
    if frac == 0 {
        return whole;
    }
    let digits = format!("{frac:0width$}", width = usize::from(decimals));
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// A USD value with cents, rounded down ("$12,345.67").
pub fn usd(value: Fixed) -> String {
    let cents = value.raw() / (Fixed::SCALE / 100);
    format!("${}.{:02}", group(cents / 100), cents % 100)
}

/// A ratio as a percentage with two decimals ("12.34%").
pub fn percent(ratio: Fixed) -> String {
    let bps = ratio.raw() / (Fixed::SCALE / 1_000_000);
    format!("{}.{:02}%", bps / 10_000, (bps % 10_000) / 100)
}

/// A ratio with `places` decimals, rounded down ("1.87").
pub fn decimal(value: Fixed, places: u32) -> String {
    let unit = Fixed::SCALE / 10u128.pow(places);
    let scaled = value.raw() / unit;
    let factor = 10u128.pow(places);
    format!(
        "{}.{:0width$}",
        group(scaled / factor),
        scaled % factor,
        width = places as usize
    )
}

fn group(mut n: u128) -> String {
    let mut parts = Vec::new();
    loop {
        if n < 1_000 {
            parts.push(n.to_string());
            break;
        }
        parts.push(format!("{:03}", n % 1_000));
        n /= 1_000;
    }
    parts.reverse();
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_units_usd_and_percent() {
        assert_eq!(units(1_234_500_000, 6), "1,234.5");
        assert_eq!(units(5, 6), "0.000005");
        assert_eq!(units(1_000_000_000, 0), "1,000,000,000");
        assert_eq!(usd(Fixed::from_bps(123_456_789)), "$12,345.67");
        assert_eq!(usd(Fixed::ZERO), "$0.00");
        assert_eq!(percent(Fixed::from_bps(1_234)), "12.34%");
        assert_eq!(percent(Fixed::from_u64(2)), "200.00%");
        assert_eq!(decimal(Fixed::from_bps(18_765), 2), "1.87");
    }
}
