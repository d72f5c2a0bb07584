//! How fast a liquidator or monitor can value a market: decode + health for 100,000 synthetic
//! obligations with 4-8 positions each across 10 reserves, on one core, with the same function a
//! scan uses (`backoffice::snapshot::value`: Anchor discriminator check, zero-copy read, the
//! program's `Health::of`).
//!
//! cargo run --profile measure -p ballast-cli --example scan_bench
use {
    anchor_lang::Discriminator,
    ballast::{
        logic::{interest::Projection, ReservePricing},
        math::Fixed,
        oracle::OraclePrice,
        state::{
            BorrowPosition, CollateralPosition, Market, MarketConfig, Obligation, ReserveLiquidity,
        },
    },
    ballast_cli::backoffice::snapshot::value,
    bytemuck::Zeroable,
    solana_sdk::{account::Account, pubkey::Pubkey},
    std::{hint::black_box, time::Instant},
};

const OBLIGATIONS: usize = 100_000;
const RESERVES: usize = 10;

/// Ten reserves with interest accrued (index 1.05), 6-9 decimals, prices $1 to $5,000.
fn reserves() -> Vec<ReservePricing> {
    (0..RESERVES)
        .map(|i| {
            let mut liquidity = ReserveLiquidity::zeroed();
            liquidity.available_amount = 5_000_000_000_000;
            liquidity.collateral_supply = 9_000_000_000_000;
            liquidity
                .borrowed_amount_sf
                .set(Fixed::from_u64(4_000_000_000_000));
            liquidity
                .cumulative_borrow_index_sf
                .set(Fixed::from_bps(10_500));
            let price = Fixed::from_u64([1, 150, 3_000, 5_000, 2][i % 5]);
            ReservePricing {
                reserve: Pubkey::new_from_array([i as u8 + 1; 32]),
                liquidity,
                decimals: 6 + (i % 4) as u8,
                loan_to_value_bps: 7_500,
                liquidation_threshold_bps: 8_000,
                borrow_factor_bps: 10_000 + 1_000 * (i % 2) as u16,
                liquidation_bonus_min_bps: 200,
                liquidation_bonus_max_bps: 1_000,
                emode_groups: 0,
                emode_debt_groups: 0,
                emode_group: 0,
                isolated: false,
                collateral_cap_usd: 0,
                price: OraclePrice {
                    spot: price,
                    ema: price,
                    publish_time: 0,
                    prev_publish_time: 0,
                    ..OraclePrice::default()
                },
                oracle_recovered_at: 0,
                last_publish_time: 0,
                source_in_use: 0,
                projection: Projection::Full,
            }
        })
        .collect()
}

/// Obligation `n`: 4-8 positions, collateral in the first reserves, debt in the last ones,
/// weighted debt between 60% and 120% of the liquidation limit (a third liquidatable).
fn obligation(n: usize, reserves: &[ReservePricing]) -> Account {
    let mut o = Obligation::zeroed();
    let positions = 4 + n % 5;
    let collaterals = (positions / 2 + n % 2).min(5);
    let borrows = positions - collaterals;
    let usd = |f: Fixed| f.raw() as f64 / Fixed::SCALE as f64;
    let mut limit = 0.0;
    for (i, slot) in o.collaterals.iter_mut().take(collaterals).enumerate() {
        let amount = 1_000_000_000 + (n as u64 % 997) * 1_000_000;
        limit += usd(reserves[i].collateral_value(amount).unwrap()) * 0.8;
        *slot = CollateralPosition {
            reserve: reserves[i].reserve,
            deposited_amount: amount,
        };
    }
    let share = (60 + n % 61) as f64 / 100.0 / borrows as f64;
    for (i, slot) in o.borrows.iter_mut().take(borrows).enumerate() {
        let p = &reserves[RESERVES - 1 - i];
        let factor = f64::from(p.borrow_factor_bps) / 10_000.0;
        let tokens = limit * share / factor / usd(p.price.spot);
        let mut debt = BorrowPosition {
            reserve: p.reserve,
            ..BorrowPosition::default()
        };
        // As of index 1.05, the reserve's current one: the debt is what it says.
        let base = (tokens * 10f64.powi(p.decimals.into())) as u64;
        debt.borrowed_amount_sf.set(Fixed::from_u64(base));
        debt.cumulative_borrow_index_sf.set(Fixed::from_bps(10_500));
        *slot = debt;
    }
    o.collateral_count = collaterals as u8;
    o.borrow_count = borrows as u8;
    let mut data = Obligation::DISCRIMINATOR.to_vec();
    data.extend_from_slice(bytemuck::bytes_of(&o));
    Account {
        lamports: 1,
        data,
        owner: ballast::ID,
        executable: false,
        rent_epoch: 0,
    }
}

fn main() {
    let pricing = reserves();
    // The default policy (dust under $1), no e-mode group.
    let mut market: Market = bytemuck::Zeroable::zeroed();
    market.config = MarketConfig::default();
    let accounts: Vec<(Pubkey, Account)> = (0..OBLIGATIONS)
        .map(|n| (Pubkey::new_unique(), obligation(n, &pricing)))
        .collect();
    let positions: usize = accounts
        .iter()
        .map(|(a, acc)| {
            value(a, acc, (&pricing, &[]), &market, 0)
                .unwrap()
                .obligation
                .position_reserves()
                .count()
        })
        .sum();
    let mut best = f64::MAX;
    let mut liquidatable = 0;
    for _ in 0..5 {
        let start = Instant::now();
        liquidatable = 0;
        for (address, account) in &accounts {
            let valued = value(
                black_box(address),
                black_box(account),
                (&pricing, &[]),
                &market,
                0,
            )
            .unwrap();
            liquidatable += usize::from(valued.is_liquidatable());
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "decode + health: {OBLIGATIONS} obligations ({positions} positions, {liquidatable} liquidatable) \
         in {:.3} s on one core (best of 5): {:.0} obligations/s, {:.2} us each",
        best,
        OBLIGATIONS as f64 / best,
        best * 1e6 / OBLIGATIONS as f64
    );
}
