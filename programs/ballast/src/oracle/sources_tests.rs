//! A reserve's price from several sources, on real account bytes (publish times rewritten
//! where a test needs a fresh price).
use {
    super::{fixtures::account, *},
    crate::{
        errors::BallastError,
        math::Fixed,
        state::{sample_reserve_config, OracleSources, PriceRate, PriceSource, Reserve},
    },
    anchor_lang::prelude::Pubkey,
    bytemuck::Zeroable,
    std::str::FromStr,
};

const NOW: i64 = 1_800_000_000;
const EPOCH: u64 = 540;
const AT: PriceClock = PriceClock {
    now: NOW,
    epoch: EPOCH,
};

/// An account by its parts, owned here.
#[derive(Clone)]
struct Owned {
    key: Pubkey,
    owner: Pubkey,
    data: Vec<u8>,
}

impl Owned {
    fn parts(&self) -> AccountParts<'_> {
        AccountParts {
            key: &self.key,
            owner: &self.owner,
            data: &self.data,
        }
    }

    /// The same account, gone (closed: the system program's, no data).
    fn closed(&self) -> Owned {
        Owned {
            key: self.key,
            owner: Pubkey::default(),
            data: Vec::new(),
        }
    }
}

fn fixture(path: &str) -> Owned {
    let (key, owner, data) = account(path);
    Owned { key, owner, data }
}

/// Pyth's SOL/USD ($215.68137069), published at `at`.
fn pyth_sol(at: i64) -> Owned {
    let mut a = fixture("pyth-pull/7UVimffxr9ow1uXYxsr4LHAcV58mLzhmwaeKvJ1pjLiE.json");
    a.data[93..101].copy_from_slice(&at.to_le_bytes());
    a.data[101..109].copy_from_slice(&at.to_le_bytes());
    a
}

/// Switchboard's SOL/USD ($155.594045270), updated at `at`.
fn switchboard_sol(at: i64) -> Owned {
    let mut a = fixture("switchboard/BSzfJs4d1tAkSDqkepnfzEVcx2WtDVnwwXa2giy9PLeP.json");
    a.data[2_216..2_224].copy_from_slice(&at.to_le_bytes());
    a
}

fn pyth_source(a: &Owned) -> PriceSource {
    PriceSource::pyth_pull(a.key, a.data[41..73].try_into().unwrap())
}

fn switchboard_source(a: &Owned) -> PriceSource {
    PriceSource::switchboard(a.key, a.data[2_120..2_152].try_into().unwrap())
}

fn reserve(sources: &[PriceSource], max_divergence_bps: u16) -> Reserve {
    let mut r = Reserve::zeroed();
    r.config = sample_reserve_config();
    r.oracles = OracleSources::new(sources, max_divergence_bps).unwrap();
    r
}

fn read(
    r: &Reserve,
    accounts: &[&Owned],
    check: Check,
) -> Result<std::result::Result<OraclePrice, BallastError>> {
    let parts: Vec<AccountParts> = accounts.iter().map(|a| a.parts()).collect();
    reserve_price(r, &parts, AT, check)
}

fn usd(raw: u128) -> Fixed {
    Fixed::from_raw(raw)
}

#[test]
fn the_primary_is_used_while_it_is_usable() {
    let (pyth, sb) = (pyth_sol(NOW - 5), switchboard_sol(NOW - 5));
    let r = reserve(&[pyth_source(&pyth), switchboard_source(&sb)], 0);
    let price = read(&r, &[&pyth, &sb], Check::FirstUsable)
        .unwrap()
        .unwrap();
    assert_eq!(price.spot, usd(215_681_370_690_000_000_000));
    assert_eq!(
        (price.source, price.diverged, price.publish_time),
        (0, false, NOW - 5)
    );
}

#[test]
fn a_stale_wide_gone_or_out_of_band_primary_falls_back_to_the_secondary() {
    let sb = switchboard_sol(NOW - 5);
    let fallback = |pyth: &Owned, r: &Reserve| {
        let price = read(r, &[pyth, &sb], Check::FirstUsable).unwrap().unwrap();
        assert_eq!(
            (price.source, price.spot),
            (1, usd(155_594_045_270_000_000_000))
        );
    };
    let fresh = pyth_sol(NOW - 5);
    let r = reserve(&[pyth_source(&fresh), switchboard_source(&sb)], 0);
    // Stale: 61 s old against a 60 s limit.
    fallback(&pyth_sol(NOW - 61), &r);
    // Too wide: confidence 2.5% of the price against 2%.
    let mut wide = fresh.clone();
    wide.data[81..89].copy_from_slice(&539_203_426u64.to_le_bytes());
    fallback(&wide, &r);
    // Gone: the account closed.
    fallback(&fresh.closed(), &r);
    // Outside the band: $100..=$200 sends Pyth's $215.68 to the fallback.
    let mut banded = r;
    banded.config.price_band_min = 100 * 100_000_000;
    banded.config.price_band_max = 200 * 100_000_000;
    fallback(&fresh, &banded);
}

#[test]
fn without_a_usable_source_the_primarys_reason_is_given() {
    let (pyth, sb) = (pyth_sol(NOW - 61), switchboard_sol(NOW - 300));
    let r = reserve(&[pyth_source(&pyth), switchboard_source(&sb)], 0);
    assert_eq!(
        read(&r, &[&pyth, &sb], Check::FirstUsable).unwrap(),
        Err(BallastError::OraclePriceStale)
    );
    // Switchboard's feed with no valid result is not trading.
    let empty = fixture("switchboard/56PpAg9fHx2yHEwdTkvCH5R5x2PAsDoNANUhdbvLXLM6.json");
    let r = reserve(&[switchboard_source(&empty)], 0);
    assert_eq!(
        read(&r, &[&empty], Check::FirstUsable).unwrap(),
        Err(BallastError::OracleNotTrading)
    );
}

#[test]
fn wrong_or_missing_accounts_are_the_callers_error() {
    let (pyth, sb) = (pyth_sol(NOW - 5), switchboard_sol(NOW - 5));
    let r = reserve(&[pyth_source(&pyth), switchboard_source(&sb)], 0);
    let code = |result: Result<_>| BallastError::of(&result.unwrap_err());
    assert_eq!(
        code(read(&r, &[&sb, &pyth], Check::FirstUsable)),
        Some(BallastError::WrongOracleAccount)
    );
    assert_eq!(
        code(read(&r, &[&pyth], Check::FirstUsable)),
        Some(BallastError::MissingOracleAccount)
    );
    assert_eq!(
        code(read(&r, &[&pyth, &sb, &sb], Check::FirstUsable)),
        Some(BallastError::UnexpectedPositionAccounts)
    );
}

#[test]
fn a_wrong_feed_or_owner_makes_a_source_unusable() {
    let (pyth, sb) = (pyth_sol(NOW - 5), switchboard_sol(NOW - 5));
    let mut other_feed = pyth_source(&pyth);
    other_feed.feed_id[0] ^= 1;
    let r = reserve(&[other_feed], 0);
    assert_eq!(
        read(&r, &[&pyth], Check::FirstUsable).unwrap(),
        Err(BallastError::WrongOracleFeed)
    );
    let mut other_hash = switchboard_source(&sb);
    other_hash.feed_id[0] ^= 1;
    let r = reserve(&[other_hash], 0);
    assert_eq!(
        read(&r, &[&sb], Check::FirstUsable).unwrap(),
        Err(BallastError::WrongOracleFeed)
    );
    // Switchboard's bytes under Pyth's reader, and a feed owned by another program.
    let r = reserve(&[PriceSource::pyth_pull(sb.key, [0; 32])], 0);
    assert_eq!(
        read(&r, &[&sb], Check::FirstUsable).unwrap(),
        Err(BallastError::WrongOracleOwner)
    );
    let mut forged = sb.clone();
    forged.owner = Pubkey::new_unique();
    let r = reserve(&[switchboard_source(&sb)], 0);
    assert_eq!(
        read(&r, &[&forged], Check::FirstUsable).unwrap(),
        Err(BallastError::WrongOracleOwner)
    );
}

#[test]
fn sources_that_disagree_are_flagged_only_when_agreement_is_asked() {
    // $215.68 against $155.59: 27.859% of the primary apart.
    let (pyth, sb) = (pyth_sol(NOW - 5), switchboard_sol(NOW - 5));
    let sources = [pyth_source(&pyth), switchboard_source(&sb)];
    let flag = |bps: u16, check| {
        let price = read(&reserve(&sources, bps), &[&pyth, &sb], check)
            .unwrap()
            .unwrap();
        (price.source, price.diverged)
    };
    assert_eq!(flag(2_785, Check::Agreement), (0, true));
    assert_eq!(flag(2_786, Check::Agreement), (0, false));
    assert_eq!(flag(100, Check::FirstUsable), (0, false));
    // 0: never checked.
    assert_eq!(flag(0, Check::Agreement), (0, false));
    // Only one usable source: nothing to disagree with.
    let stale = switchboard_sol(NOW - 300);
    let price = read(&reserve(&sources, 100), &[&pyth, &stale], Check::Agreement)
        .unwrap()
        .unwrap();
    assert!(!price.diverged);
}

#[test]
fn jito_sol_is_derived_from_its_pool_and_sols_feed_to_the_unit() {
    let (pyth, pool) = (
        pyth_sol(NOW - 5),
        fixture("stake-pool/Jito4APyf642JPZPx3hGc6WWJ8zPKtRbRs4P815Awbb.json"),
    );
    let source = pyth_source(&pyth).at_rate(PriceRate::SplStakePool, pool.key);
    let mut r = reserve(&[source], 0);
    r.liquidity_mint = Pubkey::from_str("J1toso1uCk3RLmjorhTtrVwY9HJ7X8V9yYac6Y7kGCPn").unwrap();
    assert_eq!(r.oracles.accounts().as_slice(), &[pyth.key, pool.key]);
    // 21,568,137,069 x 6,636,671,656,500,264 / 6,182,849,530,219,135 = 23,151,241,716.x (10^-8).
    let price = read(&r, &[&pyth, &pool], Check::FirstUsable)
        .unwrap()
        .unwrap();
    assert_eq!(price.spot, usd(231_512_417_160_000_000_000));
    assert_eq!(price.ema, usd(232_026_393_690_000_000_000));
    // A pool two epochs behind, a pool for another token, a pool of another program.
    let behind = PriceClock { epoch: 541, ..AT };
    let parts = [pyth.parts(), pool.parts()];
    assert_eq!(
        reserve_price(&r, &parts, behind, Check::FirstUsable).unwrap(),
        Err(BallastError::StakePoolNotUpdated)
    );
    let mut other_mint = r;
    other_mint.liquidity_mint = Pubkey::new_unique();
    assert_eq!(
        read(&other_mint, &[&pyth, &pool], Check::FirstUsable).unwrap(),
        Err(BallastError::WrongPriceRateMint)
    );
    let sanctum = fixture("stake-pool/8VpRhuxa7sUUepdY3kQiTmX9rS5vx4WgaXiAnXq4KCtr.json");
    let mut r = reserve(
        &[pyth_source(&pyth).at_rate(PriceRate::SplStakePool, sanctum.key)],
        0,
    );
    r.liquidity_mint = other_mint.liquidity_mint;
    assert_eq!(
        read(&r, &[&pyth, &sanctum], Check::FirstUsable).unwrap(),
        Err(BallastError::WrongOracleOwner)
    );
}

#[test]
fn msol_is_derived_from_marinades_state() {
    let (pyth, state) = (
        pyth_sol(NOW - 5),
        fixture("stake-pool/8szGkuLTAux9XMgZ2vtY39jVSowEcpBfFfD8hXSEqdGC.json"),
    );
    let mut r = reserve(
        &[pyth_source(&pyth).at_rate(PriceRate::Marinade, state.key)],
        0,
    );
    r.liquidity_mint = Pubkey::from_str("mSoLzYCxHdYgdzU16g5QSh3i5K3z3KZK7ytfqcJm7So").unwrap();
    // 21,568,137,069 x 5,994,301,135 / 2^32 = 30,101,721,294.x (10^-8).
    let price = read(&r, &[&pyth, &state], Check::FirstUsable)
        .unwrap()
        .unwrap();
    assert_eq!(price.spot, usd(301_017_212_940_000_000_000));
}

#[test]
fn a_fixed_price_needs_no_account_and_never_goes_stale() {
    let r = reserve(&[PriceSource::fixed(100_000_000)], 0);
    assert!(r.oracles.accounts().is_empty());
    let price = read(&r, &[], Check::Agreement).unwrap().unwrap();
    assert_eq!((price.spot, price.ema), (Fixed::ONE, Fixed::ONE));
    assert_eq!((price.publish_time, price.source), (NOW, 0));
    // As a fallback behind a dead feed.
    let pyth = pyth_sol(NOW - 61);
    let r = reserve(&[pyth_source(&pyth), PriceSource::fixed(20_000_000_000)], 0);
    let price = read(&r, &[&pyth], Check::FirstUsable).unwrap().unwrap();
    assert_eq!((price.spot, price.source), (Fixed::from_u64(200), 1));
}

#[test]
fn malformed_sources_are_refused() {
    let refused = |sources: &[PriceSource], bps| {
        assert_eq!(
            OracleSources::new(sources, bps).unwrap_err(),
            BallastError::InvalidOracleSources.into()
        )
    };
    let pyth = PriceSource::pyth_pull(Pubkey::new_unique(), [1; 32]);
    refused(&[], 0);
    refused(&[pyth; 4], 0);
    refused(&[pyth], 10_001);
    refused(&[PriceSource::fixed(0)], 0);
    refused(
        &[PriceSource {
            fixed_price: 5,
            ..pyth
        }],
        0,
    );
    refused(
        &[PriceSource {
            padding: [1, 0, 0, 0, 0, 0],
            ..pyth
        }],
        0,
    );
    let unknown = PriceSource { kind: 9, ..pyth };
    assert_eq!(
        OracleSources::new(&[unknown], 0).unwrap_err(),
        BallastError::InvalidOracleData.into()
    );
}

#[test]
fn divergence_is_exact_at_every_scale() {
    let at = |raw: u128| OraclePrice {
        spot: Fixed::from_raw(raw),
        ..OraclePrice::default()
    };
    let diverges = super::sources::diverges;
    // 1 unit against 2: 100% apart; at most 100% allowed is no divergence.
    assert!(diverges(&at(1), &at(2), 9_999));
    assert!(!diverges(&at(1), &at(2), 10_000));
    // $155.594045270 against $157.14: 1.54595473 / 155.59404527 = 0.9936% of the first.
    let (a, b) = (155_594_045_270 * 10u128.pow(9), 157_140 * 10u128.pow(15));
    assert!(diverges(&at(a), &at(b), 99));
    assert!(!diverges(&at(a), &at(b), 100));
    // Prices past 50 bits (here ~2^100) keep the comparison: 1 bp over and exactly at it.
    let big = 1u128 << 100;
    let bp = big / 10_000;
    assert!(diverges(&at(big), &at(big + bp + 1), 1));
    assert!(!diverges(&at(big), &at(big + bp - (1 << 60)), 1));
    assert!(!diverges(&at(big), &at(big), 0));
}

#[test]
fn the_third_source_prices_when_the_first_two_cannot() {
    let (pyth, sb) = (pyth_sol(NOW - 61), switchboard_sol(NOW - 300));
    let r = reserve(
        &[
            pyth_source(&pyth),
            switchboard_source(&sb),
            PriceSource::fixed(15_000_000_000),
        ],
        100,
    );
    assert_eq!(r.oracles.accounts().as_slice(), &[pyth.key, sb.key]);
    for check in [Check::FirstUsable, Check::Agreement] {
        let price = read(&r, &[&pyth, &sb], check).unwrap().unwrap();
        // Nothing after it to disagree with.
        assert_eq!(
            (price.spot, price.source, price.diverged),
            (Fixed::from_u64(150), 2, false)
        );
    }
}
