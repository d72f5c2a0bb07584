//! Boundaries and obligations of several positions: the cases mutation testing showed nothing
//! else pinned down (which price each reserve records, the full-liquidation edges, health after
//! a liquidation of the second debt, write-offs in every debt reserve).
use {
    super::{super::fixtures::*, *},
    crate::oracle::OraclePrice,
    bytemuck::Zeroable,
};

const MAX: u64 = u64::MAX;

/// As much as the rules allow, paid in cTokens, any payout accepted.
const ALL_FOR_CTOKENS: Order = Order {
    max_repay: MAX,
    min_payout: 0,
    payout: LiquidationPayout::Collateral,
};

fn at(spot: Fixed, publish_time: i64) -> OraclePrice {
    OraclePrice {
        spot,
        ema: spot,
        publish_time,
        prev_publish_time: publish_time - 1,
        ..OraclePrice::default()
    }
}

/// Keys and reserves: SOL and JUP (collateral), ETH and USDC (debt), all 6 decimals at a rate
/// of 1 with the sample config.
struct Book {
    keys: [Pubkey; 4],
    reserves: [Reserve; 4],
}

const SOL: usize = 0;
const JUP: usize = 1;
const ETH: usize = 2;
const USDC: usize = 3;

fn book() -> Book {
    Book {
        keys: [0; 4].map(|_| Pubkey::new_unique()),
        reserves: [0; 4].map(|_| reserve(tokens(100_000))),
    }
}

impl Book {
    /// `collateral` pledged and `debts` owed, as (asset, base units).
    fn obligation(&mut self, collateral: &[(usize, u64)], debts: &[(usize, u64)]) -> Obligation {
        let mut o = Obligation::zeroed();
        for &(a, n) in collateral {
            o.deposit_collateral(&self.keys[a], n).unwrap();
        }
        for &(a, n) in debts {
            o.add_debt(&self.keys[a], Fixed::from_u64(n), Fixed::ONE)
                .unwrap();
            let l = &mut self.reserves[a].liquidity;
            l.borrowed_amount_sf
                .set(l.borrowed().checked_add(Fixed::from_u64(n)).unwrap());
        }
        o
    }

    fn pricing(&self, prices: [Fixed; 4]) -> Vec<ReservePricing> {
        (0..4)
            .map(|a| pricing(self.keys[a], &self.reserves[a], at(prices[a], 100)))
            .collect()
    }
}

/// The liquidation of `o` (priced by `p`) that repays USDC for SOL, as much as allowed.
fn usdc_for_sol(b: &Book, o: &Obligation, p: &[ReservePricing]) -> Result<Liquidation> {
    let policy = LiquidationPolicy::from(&MarketConfig::default());
    plan(
        o,
        p,
        &b.keys[USDC],
        &b.keys[SOL],
        &b.reserves[SOL],
        MAX,
        &policy,
    )
}

/// 10 SOL against 1 USDC... with `collateral` SOL units at $85 against `debt` USDC units.
fn small(collateral: u64, debt: u64) -> Result<Liquidation> {
    let mut b = book();
    let o = b.obligation(&[(SOL, collateral)], &[(USDC, debt)]);
    let p = b.pricing([Fixed::from_u64(85), Fixed::ONE, Fixed::ONE, Fixed::ONE]);
    usdc_for_sol(&b, &o, &p)
}

#[test]
fn each_reserve_records_its_own_price() {
    let mut b = book();
    let mut o = b.obligation(&[(SOL, tokens(10))], &[(USDC, tokens(700))]);
    let pricing = vec![
        pricing(b.keys[SOL], &b.reserves[SOL], at(Fixed::from_u64(85), 500)),
        pricing(b.keys[USDC], &b.reserves[USDC], at(Fixed::ONE, 400)),
    ];
    let [sol, _, _, usdc] = &mut b.reserves;
    liquidate(
        &mut o,
        Held {
            key: b.keys[USDC],
            reserve: usdc,
        },
        Held {
            key: b.keys[SOL],
            reserve: sol,
        },
        &mut [],
        &pricing,
        &[],
        &ALL_FOR_CTOKENS,
        &MarketConfig::default(),
        500,
    )
    .unwrap();
    let seen = |r: &Reserve| (r.last_oracle_publish_time, r.last_price_sf.get());
    assert_eq!(seen(&b.reserves[SOL]), (500, Fixed::from_u64(85)));
    assert_eq!(seen(&b.reserves[USDC]), (400, Fixed::ONE));
}

#[test]
fn full_liquidation_starts_below_the_market_level_not_at_it() {
    // $78.75 x 10 x 80% = $630 against $700: health exactly 0.9, so the close factor applies.
    let mut b = book();
    let o = b.obligation(&[(SOL, tokens(10))], &[(USDC, tokens(700))]);
    let p = b.pricing([Fixed::from_bps(787_500), Fixed::ONE, Fixed::ONE, Fixed::ONE]);
    let at_edge = usdc_for_sol(&b, &o, &p);
    assert_eq!(at_edge.unwrap().repay_amount, tokens(350));
    // One cent lower, below 0.9: all of it, as far as the collateral covers at the bonus.
    let p = b.pricing([Fixed::from_bps(787_400), Fixed::ONE, Fixed::ONE, Fixed::ONE]);
    let below = usdc_for_sol(&b, &o, &p);
    assert!(below.unwrap().repay_amount > tokens(350));
}

#[test]
fn a_remainder_under_the_dust_value_is_repaid_too() {
    // 0.021 SOL ($1.785, limit $1.428) against 1.5 USDC: health 0.952, above the full
    // liquidation level, and the debt is over the $1 dust value; but half of it would leave
    // $0.75, dust: all 1.5 USDC are repaid.
    assert_eq!(small(21_000, 1_500_000).unwrap().repay_amount, 1_500_000);
    // 0.028 SOL against 2 USDC: half leaves exactly $1, not dust: half.
    assert_eq!(small(28_000, 2_000_000).unwrap().repay_amount, 1_000_000);
}

#[test]
fn health_after_is_the_obligation_valued_again_when_the_second_debt_is_repaid() {
    // SOL at $79 and 100 JUP at $1 ($890, limit $712) against 0.1 ETH at $1,000 and 620 USDC
    // ($720): health 0.989, bonus the 2% minimum, half the debt value repaid in USDC.
    let mut b = book();
    let mut o = b.obligation(
        &[(SOL, tokens(10)), (JUP, tokens(100))],
        &[(ETH, 100_000), (USDC, tokens(620))],
    );
    let p = b.pricing([
        Fixed::from_u64(79),
        Fixed::ONE,
        Fixed::from_u64(1_000),
        Fixed::ONE,
    ]);
    let plan = usdc_for_sol(&b, &o, &p).unwrap();
    assert_eq!(plan.repay_amount, tokens(360));
    assert_eq!(plan.bonus, Fixed::from_bps(200));
    // $360 x 1.02 = $367.20 of SOL at $79: 4.648101 SOL.
    assert_eq!(plan.seized_collateral, 4_648_101);
    let [sol, _, _, usdc] = &mut b.reserves;
    apply(&plan, usdc, &b.keys[USDC], sol, &b.keys[SOL], &mut o).unwrap();
    assert_eq!(
        plan.health_after,
        Health::liquidation_terms(&o, &p).unwrap().0
    );
    // The same values as a full valuation, without the borrow limit liquidation never reads.
    let full = Health::of(&o, &p).unwrap();
    assert_eq!(plan.health_after.borrow_limit, Fixed::ZERO);
    assert_eq!(
        plan.health_after,
        Health {
            borrow_limit: Fixed::ZERO,
            ..full
        }
    );
    assert_eq!(plan.health_after.debt_value, Fixed::from_u64(360));
}

#[test]
fn taking_the_last_collateral_writes_off_in_every_debt_reserve() {
    // 10 SOL at $30 against 0.1 ETH ($100) and 620 USDC: no equity, no bonus. All the SOL goes
    // for 300 USDC; the 320 USDC and the 0.1 ETH left are written off, each in its reserve.
    let mut b = book();
    let mut o = b.obligation(&[(SOL, tokens(10))], &[(ETH, 100_000), (USDC, tokens(620))]);
    let p = b.pricing([
        Fixed::from_u64(30),
        Fixed::ONE,
        Fixed::from_u64(1_000),
        Fixed::ONE,
    ]);
    let [sol, _, eth, usdc] = &mut b.reserves;
    let done = liquidate(
        &mut o,
        Held {
            key: b.keys[USDC],
            reserve: usdc,
        },
        Held {
            key: b.keys[SOL],
            reserve: sol,
        },
        &mut [Held {
            key: b.keys[ETH],
            reserve: eth,
        }],
        &p,
        &[],
        &ALL_FOR_CTOKENS,
        &MarketConfig::default(),
        0,
    )
    .unwrap();
    assert_eq!(done.plan.repay_amount, tokens(300));
    let written: Vec<(Pubkey, Fixed)> = done
        .written_off
        .iter()
        .map(|w| (w.reserve, w.debt))
        .collect();
    assert_eq!(
        written,
        vec![
            (b.keys[ETH], Fixed::from_u64(100_000)),
            (b.keys[USDC], Fixed::from_u64(tokens(320))),
        ]
    );
    assert_eq!((o.collateral_count, o.borrow_count), (0, 0));
    assert_eq!(b.reserves[ETH].liquidity.borrowed(), Fixed::ZERO);
    assert_eq!(b.reserves[USDC].liquidity.borrowed(), Fixed::ZERO);
}
