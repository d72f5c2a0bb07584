//! `--shard K/N`: N instances of a bot share a market's obligations with no coordination. Each
//! takes the obligations whose address, its 32 bytes read as one big-endian number, is K modulo
//! N; the checks of the market as a whole (reserves, oracles, caps, e-mode groups) are the
//! first shard's (0/N) alone, so each alert is raised by exactly one instance.
use {
    solana_sdk::pubkey::Pubkey,
    std::{fmt, str::FromStr},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// K: which share, from 0.
    pub index: u32,
    /// N: how many instances share the market (1: this one takes everything).
    pub count: u32,
}

impl Default for Shard {
    fn default() -> Self {
        Shard::ALL
    }
}

impl Shard {
    /// One instance for the whole market.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// The share `address` belongs to: the address as a big-endian number, modulo `count`.
    pub fn of(address: &Pubkey, count: u32) -> u32 {
        let count = u64::from(count.max(1));
        let rest = address
            .to_bytes()
            .iter()
            .fold(0u64, |rest, &byte| (rest * 256 + u64::from(byte)) % count);
        rest as u32
    }

    /// Whether the obligation at `address` is this instance's.
    pub fn owns(&self, address: &Pubkey) -> bool {
        Shard::of(address, self.count) == self.index
    }

    /// Whether this instance also checks the market as a whole (reserves, oracles, caps,
    /// e-mode groups): the first shard does.
    pub fn checks_the_market(&self) -> bool {
        self.index == 0
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let usage = || format!("{s:?} is not K/N (this instance's share K of N, 0 <= K < N)");
        let (k, n) = s.split_once('/').ok_or_else(usage)?;
        let (index, count): (u32, u32) = (
            k.trim().parse().map_err(|_| usage())?,
            n.trim().parse().map_err(|_| usage())?,
        );
        if count == 0 {
            return Err(format!("{s:?}: N must be at least 1"));
        }
        if index >= count {
            return Err(format!(
                "{s:?}: K counts from 0, so it must be below N (0 to {})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}
