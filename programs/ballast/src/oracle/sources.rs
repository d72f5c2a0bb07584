//! A reserve's price from its sources: the first usable one in priority order (a fallback when
//! the primary is stale, too wide, outside its band or gone), and, for actions that add risk,
//! whether the next usable source agrees with it.
use {
    super::{check_price, marinade::Marinade, stake_pool::StakePool, within_band, OraclePrice},
    super::{pyth_legacy, pyth_pull, switchboard, RawPrice},
    crate::{
        constants::BPS,
        errors::BallastError,
        state::{OracleSource, PriceRate, PriceSource, Reserve},
    },
    anchor_lang::prelude::*,
};

/// An account a source reads: on chain an `AccountInfo`, off chain `AccountParts`.
pub trait PriceAccount {
    fn key(&self) -> &Pubkey;
    fn owner(&self) -> &Pubkey;
    /// `f` applied to the account's data.
    fn with_data<R>(&self, f: impl FnOnce(&[u8]) -> Result<R>) -> Result<R>;
}

impl PriceAccount for AccountInfo<'_> {
    fn key(&self) -> &Pubkey {
        self.key
    }

    fn owner(&self) -> &Pubkey {
        self.owner
    }

    fn with_data<R>(&self, f: impl FnOnce(&[u8]) -> Result<R>) -> Result<R> {
        f(&self.try_borrow_data()?)
    }
}

/// An account fetched off chain, by its parts (a missing account: the system program's, empty).
#[derive(Clone, Copy, Debug)]
pub struct AccountParts<'a> {
    pub key: &'a Pubkey,
    pub owner: &'a Pubkey,
    pub data: &'a [u8],
}

impl PriceAccount for AccountParts<'_> {
    fn key(&self) -> &Pubkey {
        self.key
    }

    fn owner(&self) -> &Pubkey {
        self.owner
    }

    fn with_data<R>(&self, f: impl FnOnce(&[u8]) -> Result<R>) -> Result<R> {
        f(self.data)
    }
}

/// When a price is read: the time its age is judged at, and the epoch a stake pool's last
/// update is judged against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceClock {
    pub now: i64,
    pub epoch: u64,
}

impl From<&Clock> for PriceClock {
    fn from(clock: &Clock) -> Self {
        PriceClock {
            now: clock.unix_timestamp,
            epoch: clock.epoch,
        }
    }
}

/// Whether the price is for an action that adds risk (borrow, withdraw with debt): then the
/// next usable source is read too and `OraclePrice::diverged` says whether it disagrees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The first usable source is enough (deposit, repay, liquidation, refresh).
    FirstUsable,
    /// The first usable source, compared with the next usable one.
    Agreement,
}

/// `reserve`'s price from `accounts`, its sources' accounts in order (`OracleSources::
/// accounts`): the outer error is the caller's (a missing or wrong account); the inner one says
/// why no source gave a usable price (the primary's reason).
pub fn reserve_price<A: PriceAccount>(
    reserve: &Reserve,
    accounts: &[A],
    at: PriceClock,
    check: Check,
) -> Result<std::result::Result<OraclePrice, BallastError>> {
    let sources = &reserve.oracles;
    let expected = sources.accounts();
    require!(
        accounts.len() >= expected.len(),
        BallastError::MissingOracleAccount
    );
    require!(
        accounts.len() == expected.len(),
        BallastError::UnexpectedPositionAccounts
    );
    for (account, key) in accounts.iter().zip(expected.as_slice()) {
        require_keys_eq!(*account.key(), *key, BallastError::WrongOracleAccount);
    }
    let compare = check == Check::Agreement && sources.max_divergence_bps > 0;
    let mut first_error = None;
    let mut chosen: Option<OraclePrice> = None;
    let mut next = 0;
    for (index, source) in sources.configured().iter().enumerate() {
        let count = source.accounts().count();
        let own = &accounts[next..next + count];
        next += count;
        match (source_price(reserve, index, own, at), chosen.as_mut()) {
            (Ok(price), None) if !compare => return Ok(Ok(price)),
            (Ok(price), None) => chosen = Some(price),
            (Ok(other), Some(price)) => {
                price.diverged = diverges(price, &other, sources.max_divergence_bps);
                break;
            }
            (Err(error), None) => {
                first_error.get_or_insert(error);
            }
            (Err(_), Some(_)) => {}
        }
    }
    Ok(chosen.ok_or(first_error.unwrap_or(BallastError::MissingOracleAccount)))
}

/// `reserve_price`, failing with the inner error too.
pub fn require_reserve_price<A: PriceAccount>(
    reserve: &Reserve,
    accounts: &[A],
    at: PriceClock,
    check: Check,
) -> Result<OraclePrice> {
    Ok(reserve_price(reserve, accounts, at, check)??)
}

/// Every source of `reserve` read from `accounts` (its sources' accounts in order), each of
/// which must give a usable price now, and agree with each other within the reserve's maximum
/// divergence: what new sources are checked with before a reserve takes them.
pub fn require_every_source<A: PriceAccount>(
    reserve: &Reserve,
    accounts: &[A],
    at: PriceClock,
) -> Result<Vec<OraclePrice>> {
    let price = require_reserve_price(reserve, accounts, at, Check::Agreement)?;
    require!(!price.diverged, BallastError::OracleSourcesDiverge);
    let mut next = 0;
    let mut prices = Vec::with_capacity(reserve.oracles.configured().len());
    for (index, source) in reserve.oracles.configured().iter().enumerate() {
        let count = source.accounts().count();
        prices.push(source_price(
            reserve,
            index,
            &accounts[next..next + count],
            at,
        )?);
        next += count;
    }
    Ok(prices)
}

/// Whether `other` is further from `price` (spot against spot) than `max_bps` of `price`.
fn diverges(price: &OraclePrice, other: &OraclePrice, max_bps: u16) -> bool {
    let (a, b) = (price.spot.raw(), other.spot.raw());
    a.abs_diff(b).saturating_mul(u128::from(BPS)) > a.saturating_mul(u128::from(max_bps))
}

/// Source `index` of `reserve` read from `accounts` (its own, keys already checked) and
/// validated against the reserve's limits and what it has seen of this source.
pub fn source_price<A: PriceAccount>(
    reserve: &Reserve,
    index: usize,
    accounts: &[A],
    at: PriceClock,
) -> std::result::Result<OraclePrice, BallastError> {
    let raw = raw_source_price(reserve, index, accounts, at)?;
    let config = &reserve.config;
    let price = check_price(
        &raw,
        config.oracle_max_age_secs,
        config.oracle_max_confidence_bps,
        reserve.oracles.publish_times[index],
        at.now,
    )?;
    let price = within_band(price, config.price_band_min, config.price_band_max)?;
    Ok(OraclePrice {
        source: index as u8,
        ..price
    })
}

/// Source `index` of `reserve` as its accounts state it, before any check (monitors show the
/// age of a price the program would refuse).
pub fn raw_source_price<A: PriceAccount>(
    reserve: &Reserve,
    index: usize,
    accounts: &[A],
    at: PriceClock,
) -> std::result::Result<RawPrice, BallastError> {
    let source = &reserve.oracles.sources[index];
    raw_price(source, &reserve.liquidity_mint, accounts, at).map_err(code)
}

fn raw_price<A: PriceAccount>(
    source: &PriceSource,
    mint: &Pubkey,
    accounts: &[A],
    at: PriceClock,
) -> Result<RawPrice> {
    let mut accounts = accounts.iter();
    let mut next = || accounts.next().ok_or(BallastError::MissingOracleAccount);
    let price = match source.kind()? {
        OracleSource::Fixed => RawPrice {
            price: i64::try_from(source.fixed_price).map_err(|_| BallastError::MathOverflow)?,
            conf: 0,
            exponent: -8,
            publish_time: at.now,
            prev_publish_time: at.now,
            ema_price: i64::try_from(source.fixed_price).map_err(|_| BallastError::MathOverflow)?,
            ema_conf: 0,
            trading: true,
        },
        kind => {
            let account = next()?;
            account.with_data(|data| match kind {
                OracleSource::PythPull => pyth_pull::read(account.owner(), data, &source.feed_id),
                OracleSource::PythLegacy => pyth_legacy::read(account.owner(), data),
                OracleSource::SwitchboardOnDemand => {
                    switchboard::read(account.owner(), data, &source.feed_id)
                }
                OracleSource::Fixed => unreachable!("matched above"),
            })?
        }
    };
    match source.price_rate()? {
        PriceRate::None => Ok(price),
        PriceRate::SplStakePool => {
            let account = next()?;
            let pool = account.with_data(|data| StakePool::read(account.owner(), data))?;
            require_keys_eq!(pool.pool_mint, *mint, BallastError::WrongPriceRateMint);
            pool.price(&price, at.epoch)
        }
        PriceRate::Marinade => {
            let account = next()?;
            let state = account.with_data(|data| Marinade::read(account.owner(), data))?;
            require_keys_eq!(state.msol_mint, *mint, BallastError::WrongPriceRateMint);
            state.price(&price)
        }
    }
}

/// The program error an account's decoding failed with.
fn code(error: Error) -> BallastError {
    BallastError::of(&error).unwrap_or(BallastError::InvalidOracleData)
}
