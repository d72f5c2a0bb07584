//! Where a reserve's price comes from: up to three sources in priority order, each a price
//! account (or a fixed price), optionally converted at a liquid staking token's rate.
use {
    crate::{constants::MAX_PRICE_SOURCES, errors::BallastError},
    anchor_lang::prelude::*,
};

/// Price formats a source may read. Stored as its declaration index (`as u8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, AnchorSerialize, AnchorDeserialize)]
pub enum OracleSource {
    /// Pyth pull oracle `PriceUpdateV2`, owned by the Pyth receiver program.
    PythPull,
    /// Pyth legacy push price account, owned by the Pyth oracle program.
    PythLegacy,
    /// Switchboard On-Demand pull feed (`PullFeedAccountData`); `feed_id` is its feed hash.
    SwitchboardOnDemand,
    /// A price the market's admin sets (`fixed_price`): for a test or a pegged asset. It never
    /// goes stale; it is shown as fixed wherever a price is shown.
    Fixed,
}

impl OracleSource {
    pub fn from_byte(byte: u8) -> Result<Self> {
        match byte {
            0 => Ok(OracleSource::PythPull),
            1 => Ok(OracleSource::PythLegacy),
            2 => Ok(OracleSource::SwitchboardOnDemand),
            3 => Ok(OracleSource::Fixed),
            _ => err!(BallastError::InvalidOracleData),
        }
    }
}

/// What converts a source's price into the reserve's token: a liquid staking token is worth
/// SOL's price times its pool's SOL per token. Stored as its declaration index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, AnchorSerialize, AnchorDeserialize)]
pub enum PriceRate {
    /// The price is the token's own.
    None,
    /// An SPL stake pool's total lamports / pool token supply (`rate_account`: the pool).
    SplStakePool,
    /// Marinade's `msol_price` (`rate_account`: Marinade's state).
    Marinade,
}

impl PriceRate {
    pub fn from_byte(byte: u8) -> Result<Self> {
        match byte {
            0 => Ok(PriceRate::None),
            1 => Ok(PriceRate::SplStakePool),
            2 => Ok(PriceRate::Marinade),
            _ => err!(BallastError::InvalidOracleData),
        }
    }
}

/// One source of a reserve's price.
// Borsh in the IDL (`ReserveChange` and `init_reserve` carry it) and plain old data in the
// reserve, as `ReserveConfig`.
#[derive(Clone, Copy, AnchorSerialize, AnchorDeserialize, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
#[derive(Debug, PartialEq, Eq)]
pub struct PriceSource {
    /// The price account read (unused for a fixed price).
    pub account: Pubkey,
    /// The Pyth feed id, or the Switchboard feed hash, the account must carry.
    pub feed_id: [u8; 32],
    /// The stake pool or Marinade state giving the rate (unused without one).
    pub rate_account: Pubkey,
    /// A fixed price, in 10^-8 USD per whole token (fixed sources only).
    pub fixed_price: u64,
    /// `OracleSource` as a byte.
    pub kind: u8,
    /// `PriceRate` as a byte.
    pub rate: u8,
    /// Explicit padding; must be zero.
    pub padding: [u8; 6],
}

impl PriceSource {
    fn new(kind: OracleSource, account: Pubkey, feed_id: [u8; 32]) -> Self {
        PriceSource {
            account,
            feed_id,
            rate_account: Pubkey::default(),
            fixed_price: 0,
            kind: kind as u8,
            rate: PriceRate::None as u8,
            padding: [0; 6],
        }
    }

    pub fn pyth_pull(account: Pubkey, feed_id: [u8; 32]) -> Self {
        Self::new(OracleSource::PythPull, account, feed_id)
    }

    pub fn pyth_legacy(account: Pubkey) -> Self {
        Self::new(OracleSource::PythLegacy, account, [0; 32])
    }

    pub fn switchboard(account: Pubkey, feed_hash: [u8; 32]) -> Self {
        Self::new(OracleSource::SwitchboardOnDemand, account, feed_hash)
    }

    /// A fixed price of `price` x 10^-8 USD.
    pub fn fixed(price: u64) -> Self {
        PriceSource {
            fixed_price: price,
            ..Self::new(OracleSource::Fixed, Pubkey::default(), [0; 32])
        }
    }

    /// This source's price converted at `rate`, read from `account`.
    pub fn at_rate(self, rate: PriceRate, account: Pubkey) -> Self {
        PriceSource {
            rate: rate as u8,
            rate_account: account,
            ..self
        }
    }

    pub fn kind(&self) -> Result<OracleSource> {
        OracleSource::from_byte(self.kind)
    }

    pub fn price_rate(&self) -> Result<PriceRate> {
        PriceRate::from_byte(self.rate)
    }

    pub fn is_fixed(&self) -> bool {
        self.kind == OracleSource::Fixed as u8
    }

    pub fn has_rate(&self) -> bool {
        self.rate != PriceRate::None as u8
    }

    /// How many accounts this source reads.
    pub fn account_count(&self) -> usize {
        usize::from(!self.is_fixed()) + usize::from(self.has_rate())
    }

    /// The accounts this source reads, in order: its price account, then its rate's.
    pub fn accounts(&self) -> impl Iterator<Item = Pubkey> + '_ {
        let price = (!self.is_fixed()).then_some(self.account);
        let rate = self.has_rate().then_some(self.rate_account);
        price.into_iter().chain(rate)
    }

    /// Errors unless the source is well formed: a known kind and rate, a fixed price above 0
    /// (and only on a fixed source), no padding.
    pub fn validate(&self) -> Result<()> {
        let kind = self.kind()?;
        self.price_rate()?;
        require!(
            (kind == OracleSource::Fixed) == (self.fixed_price > 0) && self.padding == [0; 6],
            BallastError::InvalidOracleSources
        );
        Ok(())
    }
}

/// Up to `MAX_PRICE_SOURCES` price accounts, the most any reserve reads (three sources, each a
/// price account and a rate account).
pub const MAX_PRICE_ACCOUNTS: usize = 2 * MAX_PRICE_SOURCES;

/// The accounts a reserve's sources read, in order: what follows the reserve in position
/// accounts, and what `refresh_reserve` takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PriceAccounts {
    keys: [Pubkey; MAX_PRICE_ACCOUNTS],
    len: u8,
}

impl PriceAccounts {
    /// `keys`, if there are at most `MAX_PRICE_ACCOUNTS`.
    pub fn from_keys(keys: &[Pubkey]) -> Option<Self> {
        let mut accounts = PriceAccounts::default();
        for key in keys {
            if accounts.len() == MAX_PRICE_ACCOUNTS {
                return None;
            }
            accounts.push(*key);
        }
        Some(accounts)
    }

    pub fn as_slice(&self) -> &[Pubkey] {
        &self.keys[..usize::from(self.len)]
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, key: Pubkey) {
        self.keys[usize::from(self.len)] = key;
        self.len += 1;
    }
}

/// A reserve's price sources, with what it has seen of each.
#[zero_copy(unsafe)]
#[repr(C)]
#[derive(Debug, PartialEq, Eq)]
pub struct OracleSources {
    /// In priority order; the first `count` are configured.
    pub sources: [PriceSource; MAX_PRICE_SOURCES],
    /// The newest publish time the reserve has used from each source: a source's older prices
    /// are refused (sources' times are not compared with each other).
    pub publish_times: [i64; MAX_PRICE_SOURCES],
    /// When the first two usable sources differ by more than this share of the first's price,
    /// actions that add risk (borrow, withdraw with debt) refuse (0: not checked).
    pub max_divergence_bps: u16,
    pub count: u8,
    /// The source whose price the reserve last used: above 0, a fallback is in use.
    pub in_use: u8,
    /// How many accounts the sources read (kept: it is needed for every position).
    pub account_count: u8,
    pub padding: [u8; 3],
}

impl OracleSources {
    /// Sources holding `sources` (1 to `MAX_PRICE_SOURCES`, validated), nothing seen yet.
    pub fn new(sources: &[PriceSource], max_divergence_bps: u16) -> Result<Self> {
        require!(
            (1..=MAX_PRICE_SOURCES).contains(&sources.len())
                && u64::from(max_divergence_bps) <= crate::constants::BPS,
            BallastError::InvalidOracleSources
        );
        let mut all: [PriceSource; MAX_PRICE_SOURCES] = bytemuck::Zeroable::zeroed();
        for (slot, source) in all.iter_mut().zip(sources) {
            source.validate()?;
            *slot = *source;
        }
        Ok(OracleSources {
            sources: all,
            publish_times: [0; MAX_PRICE_SOURCES],
            max_divergence_bps,
            count: sources.len() as u8,
            in_use: 0,
            account_count: sources
                .iter()
                .map(PriceSource::account_count)
                .sum::<usize>() as u8,
            padding: [0; 3],
        })
    }

    /// The configured sources, in priority order.
    pub fn configured(&self) -> &[PriceSource] {
        &self.sources[..usize::from(self.count).min(MAX_PRICE_SOURCES)]
    }

    /// The primary source.
    pub fn primary(&self) -> &PriceSource {
        &self.sources[0]
    }

    /// How many accounts the sources read.
    pub fn account_count(&self) -> usize {
        usize::from(self.account_count)
    }

    /// The accounts the sources read, in order.
    pub fn accounts(&self) -> PriceAccounts {
        let mut accounts = PriceAccounts::default();
        for key in self.configured().iter().flat_map(PriceSource::accounts) {
            accounts.push(key);
        }
        accounts
    }
}
