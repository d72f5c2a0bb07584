//! A reserve's price from its sources: the first usable one in priority order (a fallback when
//! the primary is stale, too wide, outside its band or gone), and, for actions that add risk,
//! whether the next usable source agrees with it.
use {
    super::{
        check_price, marinade::Marinade, require_within_band, stake_pool::StakePool, OraclePrice,
    },
    super::{pyth_legacy, pyth_pull, switchboard, RawPrice},
    crate::{
        constants::BPS,
        errors::BallastError,
        state::{OracleSource, OracleSources, PriceRate, PriceSource, Reserve},
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
    let count = reserve.oracles.account_count();
    require!(accounts.len() >= count, BallastError::MissingOracleAccount);
    require!(
        accounts.len() == count,
        BallastError::UnexpectedPositionAccounts
    );
    price_of_counted(reserve, accounts, at, check)
}

/// `reserve_price` on exactly as many accounts as the sources read (the caller counted them).
pub fn price_of_counted<A: PriceAccount>(
    reserve: &Reserve,
    accounts: &[A],
    at: PriceClock,
    check: Check,
) -> Result<std::result::Result<OraclePrice, BallastError>> {
    let sources = &reserve.oracles;
    let compare = check == Check::Agreement && sources.max_divergence_bps > 0;
    // Prices are read in place (a price is copied once, when returned): this runs for every
    // position of every health check.
    let mut price = OraclePrice::default();
    let mut found = false;
    let mut first_error = None;
    let mut other = OraclePrice::default();
    let mut next = 0;
    for (index, source) in sources.configured().iter().enumerate() {
        let count = source.account_count();
        let own = accounts
            .get(next..next + count)
            .ok_or(BallastError::MissingOracleAccount)?;
        next += count;
        // Each account is checked when it is read (`raw_price`): one never read changes nothing
        // (a liquidation priced by a live primary reads no fallback).
        let into = if found { &mut other } else { &mut price };
        match read_into(reserve, index, own, at, into) {
            Ok(()) if found => {
                price.diverged = diverges(&price, &other, sources.max_divergence_bps);
                break;
            }
            Ok(()) if !compare => return Ok(Ok(price)),
            Ok(()) => found = true,
            Err(BallastError::WrongOracleAccount) => return err!(BallastError::WrongOracleAccount),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    Ok(match found {
        true => Ok(price),
        false => Err(first_error.unwrap_or(BallastError::MissingOracleAccount)),
    })
}

/// Errors unless `accounts` are exactly the accounts `sources` read, in order (too few:
/// `MissingOracleAccount`; too many: `UnexpectedPositionAccounts`; another:
/// `WrongOracleAccount`).
pub fn require_accounts<A: PriceAccount>(sources: &OracleSources, accounts: &[A]) -> Result<()> {
    let mut keys = accounts.iter().map(PriceAccount::key);
    let mut expect = |key: &Pubkey| match keys.next() {
        Some(given) if given == key => Ok(()),
        Some(_) => err!(BallastError::WrongOracleAccount),
        None => err!(BallastError::MissingOracleAccount),
    };
    for source in sources.configured() {
        if !source.is_fixed() {
            expect(&source.account)?;
        }
        if source.has_rate() {
            expect(&source.rate_account)?;
        }
    }
    require!(
        keys.next().is_none(),
        BallastError::UnexpectedPositionAccounts
    );
    Ok(())
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
/// which must give a usable price now, the first two agreeing within the reserve's maximum
/// divergence: what new sources are checked with before a reserve takes them.
pub fn require_every_source<A: PriceAccount>(
    reserve: &Reserve,
    accounts: &[A],
    at: PriceClock,
) -> Result<Vec<OraclePrice>> {
    let sources = &reserve.oracles;
    require_accounts(sources, accounts)?;
    let mut next = 0;
    let mut prices = Vec::with_capacity(sources.configured().len());
    for (index, source) in sources.configured().iter().enumerate() {
        let count = source.account_count();
        prices.push(source_price(
            reserve,
            index,
            &accounts[next..next + count],
            at,
        )?);
        next += count;
    }
    if let [first, second, ..] = prices.as_slice() {
        require!(
            sources.max_divergence_bps == 0 || !diverges(first, second, sources.max_divergence_bps),
            BallastError::OracleSourcesDiverge
        );
    }
    Ok(prices)
}

/// Whether `other` is further from `price` (spot against spot) than `max_bps` of `price`.
pub(super) fn diverges(price: &OraclePrice, other: &OraclePrice, max_bps: u16) -> bool {
    let (a, b) = (price.spot.raw(), other.spot.raw());
    let (diff, bps) = (a.abs_diff(b), u128::from(max_bps));
    // Under 2^113 (any price below $10^16) the products cannot overflow: plain multiplications,
    // far cheaper on SBF than checked ones.
    if a.max(b) >> 113 == 0 {
        diff * u128::from(BPS) > a * bps
    } else {
        diff.saturating_mul(u128::from(BPS)) > a.saturating_mul(bps)
    }
}

/// Source `index` of `reserve` read from `accounts` (its own) and validated against the
/// reserve's limits and what it has seen of this source.
pub fn source_price<A: PriceAccount>(
    reserve: &Reserve,
    index: usize,
    accounts: &[A],
    at: PriceClock,
) -> std::result::Result<OraclePrice, BallastError> {
    let mut price = OraclePrice::default();
    read_into(reserve, index, accounts, at, &mut price)?;
    Ok(price)
}

/// `source_price`, written into `price`.
fn read_into<A: PriceAccount>(
    reserve: &Reserve,
    index: usize,
    accounts: &[A],
    at: PriceClock,
    price: &mut OraclePrice,
) -> std::result::Result<(), BallastError> {
    let raw = raw_source_price(reserve, index, accounts, at)?;
    let config = &reserve.config;
    *price = check_price(
        &raw,
        config.oracle_max_age_secs,
        config.oracle_max_confidence_bps,
        reserve.oracles.publish_times[index],
        at.now,
    )?;
    require_within_band(price, config.price_band_min, config.price_band_max)?;
    price.source = index as u8;
    Ok(())
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

/// Read in place: the kind and rate bytes matched directly, the price account first and the
/// rate's last (the caller passes exactly the source's accounts).
fn raw_price<A: PriceAccount>(
    source: &PriceSource,
    mint: &Pubkey,
    accounts: &[A],
    at: PriceClock,
) -> Result<RawPrice> {
    const PYTH_PULL: u8 = OracleSource::PythPull as u8;
    const PYTH_LEGACY: u8 = OracleSource::PythLegacy as u8;
    const SWITCHBOARD: u8 = OracleSource::SwitchboardOnDemand as u8;
    const FIXED: u8 = OracleSource::Fixed as u8;
    const NO_RATE: u8 = PriceRate::None as u8;
    const STAKE_POOL: u8 = PriceRate::SplStakePool as u8;
    const MARINADE: u8 = PriceRate::Marinade as u8;
    let price = match source.kind {
        FIXED => {
            let price =
                i64::try_from(source.fixed_price).map_err(|_| BallastError::MathOverflow)?;
            RawPrice {
                price,
                conf: 0,
                exponent: -8,
                publish_time: at.now,
                prev_publish_time: at.now,
                ema_price: price,
                ema_conf: 0,
                trading: true,
            }
        }
        kind => {
            let account = accounts.first().ok_or(BallastError::MissingOracleAccount)?;
            require!(
                account.key() == &source.account,
                BallastError::WrongOracleAccount
            );
            account.with_data(|data| match kind {
                PYTH_PULL => pyth_pull::read(account.owner(), data, &source.feed_id),
                PYTH_LEGACY => pyth_legacy::read(account.owner(), data),
                SWITCHBOARD => switchboard::read(account.owner(), data, &source.feed_id),
                _ => err!(BallastError::InvalidOracleData),
            })?
        }
    };
    if source.rate == NO_RATE {
        return Ok(price);
    }
    let account = accounts.last().ok_or(BallastError::MissingOracleAccount)?;
    require!(
        account.key() == &source.rate_account,
        BallastError::WrongOracleAccount
    );
    match source.rate {
        STAKE_POOL => {
            let pool = account.with_data(|data| StakePool::read(account.owner(), data))?;
            require_keys_eq!(pool.pool_mint, *mint, BallastError::WrongPriceRateMint);
            pool.price(&price, at.epoch)
        }
        MARINADE => {
            let state = account.with_data(|data| Marinade::read(account.owner(), data))?;
            require_keys_eq!(state.msol_mint, *mint, BallastError::WrongPriceRateMint);
            state.price(&price)
        }
        _ => err!(BallastError::InvalidOracleData),
    }
}

/// The program error an account's decoding failed with.
fn code(error: Error) -> BallastError {
    BallastError::of(&error).unwrap_or(BallastError::InvalidOracleData)
}
