//! Each of a reserve's price sources read now with the program's own code
//! (`oracle::reserve_price`, `oracle::source_price`): what `reserve show` lists and the back
//! office prices and alerts with. Nothing here decides a price itself.
use {
    ballast::{
        errors::BallastError,
        oracle::{self, stake_pool::StakePool, Check, OraclePrice, PriceClock, RawPrice},
        state::{PriceRate, PriceSource, Reserve},
    },
    solana_sdk::{account::Account, pubkey::Pubkey},
};

/// One source as the program would read it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceReading {
    pub source: PriceSource,
    /// The price its accounts state, before any check (its age even when refused).
    pub raw: Result<RawPrice, BallastError>,
    /// The price the program would take from it now, or why it would refuse it.
    pub price: Result<OraclePrice, BallastError>,
    /// For a stake pool rate: the epoch the pool was last updated (`None`: unreadable).
    pub pool_updated_epoch: Option<u64>,
}

/// A reserve's sources read now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReserveReading {
    /// In priority order.
    pub sources: Vec<SourceReading>,
    /// The reserve's price as the program reads it for a borrow: the first usable source, with
    /// whether the next usable one diverges; `Err`: why none is usable (the primary's reason).
    pub price: Result<OraclePrice, BallastError>,
    /// Whether the primary's price account exists (`false`: gone, or never created).
    pub primary_exists: bool,
}

impl ReserveReading {
    /// The primary is unusable now while a later source prices the reserve.
    pub fn falls_back(&self) -> bool {
        self.price.as_ref().is_ok_and(|p| p.source > 0)
    }

    /// The first two usable sources differ by more than the reserve allows.
    pub fn diverged(&self) -> bool {
        self.price.as_ref().is_ok_and(|p| p.diverged)
    }
}

/// `reserve`'s sources read from `accounts` (its sources' accounts in order, as
/// `fetch::price_accounts` gives them: a missing one as `Account::default()`) at `at`.
pub fn read(reserve: &Reserve, accounts: &[(Pubkey, Account)], at: PriceClock) -> ReserveReading {
    let parts = ballast_client::fetch::account_parts(accounts);
    let price = match oracle::reserve_price(reserve, &parts, at, Check::Agreement) {
        Ok(price) => price,
        Err(e) => Err(BallastError::of(&e).unwrap_or(BallastError::WrongOracleAccount)),
    };
    let mut next = 0;
    let mut sources = Vec::new();
    for (index, source) in reserve.oracles.configured().iter().enumerate() {
        let count = source.accounts().count();
        let own = parts.get(next..next + count).unwrap_or(&[]);
        next += count;
        let pool_updated_epoch = match (source.price_rate(), own.last()) {
            (Ok(PriceRate::SplStakePool), Some(pool)) => StakePool::read(pool.owner, pool.data)
                .ok()
                .map(|p| p.last_update_epoch),
            _ => None,
        };
        sources.push(SourceReading {
            source: *source,
            raw: oracle::raw_source_price(reserve, index, own, at),
            price: oracle::source_price(reserve, index, own, at),
            pool_updated_epoch,
        });
    }
    let primary = reserve.oracles.primary();
    let primary_exists = primary.is_fixed()
        || accounts
            .iter()
            .any(|(key, a)| *key == primary.account && *a != Account::default());
    ReserveReading {
        sources,
        price,
        primary_exists,
    }
}
