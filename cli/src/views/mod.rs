//! What the CLI and the demo show: markets, reserves and obligations read from the chain and
//! valued with the program's own logic, rendered as tables or as JSON.
mod emode;
mod obligation;
mod reserve;
pub mod table;

pub use {
    emode::EmodeGroupView,
    obligation::{ObligationView, PositionSide, PositionView},
    reserve::ReserveView,
};

use {
    crate::format::percent,
    ballast::math::Fixed,
    solana_sdk::pubkey::Pubkey,
    std::{collections::HashMap, str::FromStr},
};

/// Names for mints (and other addresses) in tables: the Solana CLI config's `address_labels`,
/// the best-known mainnet mints, and whatever the caller adds.
#[derive(Clone, Debug, Default)]
pub struct Labels(HashMap<Pubkey, String>);

impl Labels {
    /// Well-known mainnet mints, then `labels` (address -> name) over them; entries that are not
    /// addresses are skipped.
    pub fn with_known<'a>(labels: impl IntoIterator<Item = (&'a String, &'a String)>) -> Labels {
        let mut all = Labels::default();
        for (mint, name) in [
            ("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "USDC"),
            ("Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB", "USDT"),
            ("So11111111111111111111111111111111111111112", "SOL"),
            ("2b1kV6DkPAnxd5ixfnxCpjxmKwqjjaYmCZfHsFu24GXo", "PYUSD"),
        ] {
            all.insert(Pubkey::from_str(mint).expect("valid address"), name);
        }
        for (address, name) in labels {
            if let Ok(key) = Pubkey::from_str(address) {
                all.insert(key, name);
            }
        }
        all
    }

    pub fn insert(&mut self, address: Pubkey, name: &str) {
        self.0.insert(address, name.to_string());
    }

    /// The label of `address`, or its abbreviation ("EPjF..Dt1v").
    pub fn name(&self, address: &Pubkey) -> String {
        self.0
            .get(address)
            .cloned()
            .unwrap_or_else(|| short(address))
    }

    /// The address labelled `name` (case-insensitive).
    pub fn find(&self, name: &str) -> Option<Pubkey> {
        self.0
            .iter()
            .find(|(_, label)| label.eq_ignore_ascii_case(name))
            .map(|(address, _)| *address)
    }
}

/// "EPjF..Dt1v"
pub fn short(address: &Pubkey) -> String {
    let s = address.to_string();
    format!("{}..{}", &s[..4], &s[s.len() - 4..])
}

/// A fixed-point value as a plain decimal with `places` decimals, rounded down (for JSON).
pub fn plain(value: Fixed, places: u32) -> String {
    crate::format::decimal(value, places).replace(',', "")
}

/// A liquidation threshold, `now` and its `target` in bps, and where a lowering is taking it:
/// "80.00%", or "78.50% now, ramping down to 75.00% until unix time 1795231312".
pub fn threshold_text(now: u16, target: u16, ramp_end: i64) -> String {
    let bps = |v: u16| percent(Fixed::from_bps(v.into()));
    if now == target {
        return bps(target);
    }
    format!(
        "{} now, ramping down to {} until unix time {ramp_end}",
        bps(now),
        bps(target)
    )
}

/// Base units as a plain decimal in token units, no separators (for JSON).
pub fn plain_units(amount: u64, decimals: u8) -> String {
    crate::format::units(amount, decimals).replace(',', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_plain_numbers() {
        let mut labels = Labels::with_known([]);
        let usdc = Pubkey::from_str("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v").unwrap();
        assert_eq!(labels.name(&usdc), "USDC");
        assert_eq!(labels.find("usdc"), Some(usdc));
        let mint = Pubkey::new_from_array([1; 32]);
        assert_eq!(labels.name(&mint), "4vJ9..kLKi");
        labels.insert(mint, "ONE");
        assert_eq!(labels.name(&mint), "ONE");
        assert_eq!(plain(Fixed::from_bps(123_456_789), 4), "12345.6789");
        assert_eq!(plain_units(1_234_500_000, 6), "1234.5");
    }
}
