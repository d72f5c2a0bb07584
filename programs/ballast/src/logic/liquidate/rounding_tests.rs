//! The plan's intermediate roundings (in 10^-18 USD) at the one input each where the direction
//! decides a whole unit: the exact value falls a fraction of a raw unit short of, or past, a
//! unit's worth, so flipping that rounding changes the amount repaid or seized. Every asset
//! here has 0 decimals (a base unit is a token) and a rate of 1.
use {
    super::{super::fixtures::*, *},
    crate::oracle::OraclePrice,
    bytemuck::Zeroable,
};

const E18: u128 = 1_000_000_000_000_000_000;

fn price(raw: u128) -> OraclePrice {
    OraclePrice {
        spot: Fixed::from_raw(raw),
        ema: Fixed::from_raw(raw),
        publish_time: 0,
        prev_publish_time: 0,
        ..OraclePrice::default()
    }
}

/// Plans the repayment of `debt` (owed, in raw 10^-18 units, and its price) for the first of
/// `collateral` (units pledged and price, each), whose bonus range is `bonus_bps`.
fn plan_at(
    collateral: &[(u64, u128)],
    bonus_bps: (u16, u16),
    debt: (u128, u128),
    requested: u64,
) -> Liquidation {
    let mut o = Obligation::zeroed();
    let mut pricing = Vec::new();
    let mut seized = None;
    for (i, &(units, raw)) in collateral.iter().enumerate() {
        let key = Pubkey::new_unique();
        let mut r = reserve(1_000_000);
        r.decimals = 0;
        (
            r.config.liquidation_bonus_min_bps,
            r.config.liquidation_bonus_max_bps,
        ) = bonus_bps;
        o.deposit_collateral(&key, units).unwrap();
        pricing.push(super::super::fixtures::pricing(key, &r, price(raw)));
        if i == 0 {
            seized = Some((key, r));
        }
    }
    let (debt_key, mut usdc) = (Pubkey::new_unique(), reserve(1_000_000));
    usdc.decimals = 0;
    usdc.liquidity
        .borrowed_amount_sf
        .set(Fixed::from_raw(debt.0));
    o.add_debt(&debt_key, Fixed::from_raw(debt.0), Fixed::ONE)
        .unwrap();
    pricing.push(super::super::fixtures::pricing(
        debt_key,
        &usdc,
        price(debt.1),
    ));
    let (key, withdraw) = seized.unwrap();
    plan(
        &o,
        &pricing,
        &debt_key,
        &key,
        &withdraw,
        requested,
        &LiquidationPolicy::from(&MarketConfig::default()),
    )
    .unwrap()
}

/// Owed 1,000 USDC less 10^-18: half its value is 500 - 0.5 x 10^-18, which is 499 units
/// (rounded down); rounding it up would let a liquidator repay 500, past the close factor.
#[test]
fn the_close_factor_value_rounds_down() {
    // Health factor 0.8 x 1,200 / 1,000 = 0.96: the close factor applies.
    let l = plan_at(
        &[(1_200, E18)],
        (200, 1_000),
        (1_000 * E18 - 1, E18),
        u64::MAX,
    );
    assert_eq!(l.repay_amount, 499);
    assert_eq!(l.debt_reduction, Fixed::from_u64(499));
    // 499 x 1.04, rounded down.
    assert_eq!(l.bonus, Fixed::from_bps(400));
    assert_eq!(l.seized_collateral, 518);
}

/// Repaying 1 unit priced so that its value x 1.05 is 100 SOL less a quarter of 10^-18: 99
/// SOL (rounded down). Rounded up, the seize would be worth a full 100, past the 5% bonus.
#[test]
fn the_seize_value_rounds_down() {
    // (100 x 20 x 10^18 - 5) / 21, exact: the unit's price in raw.
    let unit = 95_238_095_238_095_238_095;
    assert_eq!(21 * unit, 2_000 * E18 - 5);
    // Health factor 0.8 x 1,131 / 952.38 = 0.95: not a full liquidation, bonus 5% exactly.
    let l = plan_at(&[(1_131, E18)], (500, 500), (10 * E18, unit), 1);
    assert_eq!(l.repay_amount, 1);
    assert_eq!(l.seized_collateral, 99);
}

/// All of one SOL worth 105 + 10^-18 is seized: at a 5% bonus it covers 100 + 0.95 x 10^-18
/// of debt, so the liquidator repays 101 (rounded up). Rounded down, 100 would buy collateral
/// worth more than 100 x 1.05.
#[test]
fn the_debt_that_all_the_collateral_covers_rounds_up() {
    let sol = 105 * E18 + 1;
    // 1,100 JUP beside it: health factor 0.8 x 1,205 / 1,000 = 0.964, close factor 50%.
    let l = plan_at(
        &[(1, sol), (1_100, E18)],
        (500, 500),
        (1_000 * E18, E18),
        u64::MAX,
    );
    assert_eq!(l.seized_collateral, 1);
    assert_eq!(l.repay_amount, 101);
}
