//! What the CLI and the demo show: markets, reserves and obligations read from the chain and
//! valued with the program's own logic, rendered as tables or as JSON.
mod emode;
mod obligation;
mod reserve;
mod reserve_sources;
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
    std::{collections::BTreeMap, str::FromStr},
};

/// Names for mints (and other addresses) in tables and on the command line: the best-known
/// mainnet mints, and over them the user's own labels (the Solana CLI config's
/// `address_labels`, and whatever the caller adds). Kept in address order, so that a name is
/// always resolved the same way.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    /// The user's labels: they win over the built-in ones.
    user: BTreeMap<Pubkey, String>,
    /// Well-known mainnet mints.
    known: BTreeMap<Pubkey, String>,
}

/// The built-in labels: mainnet mints everyone knows by name.
const KNOWN_MINTS: [(&str, &str); 4] = [
    ("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "USDC"),
    ("Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB", "USDT"),
    ("So11111111111111111111111111111111111111112", "SOL"),
    ("2b1kV6DkPAnxd5ixfnxCpjxmKwqjjaYmCZfHsFu24GXo", "PYUSD"),
];

impl Labels {
    /// The well-known mainnet mints, and `labels` (address -> name) as the user's; entries
    /// that are not addresses are skipped.
    pub fn with_known<'a>(labels: impl IntoIterator<Item = (&'a String, &'a String)>) -> Labels {
        let mut all = Labels::default();
        for (mint, name) in KNOWN_MINTS {
            let mint = Pubkey::from_str(mint).expect("valid address");
            all.known.insert(mint, name.to_string());
        }
        for (address, name) in labels {
            if let Ok(key) = Pubkey::from_str(address) {
                all.insert(key, name);
            }
        }
        all
    }

    /// Labels `address` as `name`, as the user's config would.
    pub fn insert(&mut self, address: Pubkey, name: &str) {
        self.user.insert(address, name.to_string());
    }

    /// The label of `address` (the user's first), or its abbreviation ("EPjF..Dt1v").
    pub fn name(&self, address: &Pubkey) -> String {
        self.user
            .get(address)
            .or_else(|| self.known.get(address))
            .cloned()
            .unwrap_or_else(|| short(address))
    }

    /// The addresses labelled `name` (case-insensitive), in address order: those of the
    /// user's labels when any matches, else the built-in one. More than one is ambiguous: the
    /// caller decides whether context (the market's reserves) tells them apart.
    pub fn find(&self, name: &str) -> Vec<Pubkey> {
        let matching = |labels: &BTreeMap<Pubkey, String>| -> Vec<Pubkey> {
            labels
                .iter()
                .filter(|(_, label)| label.eq_ignore_ascii_case(name))
                .map(|(address, _)| *address)
                .collect()
        };
        let user = matching(&self.user);
        if user.is_empty() {
            matching(&self.known)
        } else {
            user
        }
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
        assert_eq!(labels.find("usdc"), vec![usdc]);
        assert_eq!(labels.find("DOGE"), Vec::<Pubkey>::new());
        let mint = Pubkey::new_from_array([1; 32]);
        assert_eq!(labels.name(&mint), "4vJ9..kLKi");
        labels.insert(mint, "ONE");
        assert_eq!(labels.name(&mint), "ONE");
        // A user's label wins over the built-in one of the same name, every time.
        let mine = Pubkey::new_from_array([2; 32]);
        labels.insert(mine, "usdc");
        assert_eq!(labels.find("USDC"), vec![mine]);
        assert_eq!(labels.name(&usdc), "USDC");
        // Two of the user's labels alike are both candidates, in address order.
        labels.insert(mint, "USDC");
        assert_eq!(labels.find("usdc"), vec![mint, mine]);
        assert_eq!(plain(Fixed::from_bps(123_456_789), 4), "12345.6789");
        assert_eq!(plain_units(1_234_500_000, 6), "1234.5");
    }
}
