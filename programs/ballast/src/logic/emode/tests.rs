//! E-mode on plain state, with exact amounts: a staked-SOL / SOL loop at the group's 90%
//! loan-to-value, refused at the reserves' own 75%.
use {
    super::{
        super::{
            borrow,
            fixtures::*,
            liquidate::{plan, LiquidationPolicy},
            pledge, Health, ReservePricing,
        },
        *,
    },
    crate::{
        math::Fixed,
        oracle::OraclePrice,
        state::{sample_emode_group, EmodeGroupConfig, Market, MarketConfig, Reserve},
    },
};

const GROUP: u8 = 1;

/// 10 stSOL pledged and 8.8 SOL owed (both 6-decimal reserves with the sample config: LTV 75%,
/// threshold 80%, bonus 2-10%), both in group 1 (LTV 90%, threshold 93%, bonus up to 2%); a
/// USDC reserve in no group.
struct Loop {
    obligation: Obligation,
    market: Market,
    keys: [Pubkey; 3],
    reserves: [Reserve; 3],
}

const STSOL: usize = 0;
const SOL: usize = 1;
const USDC: usize = 2;

fn looped() -> Loop {
    let keys = [0; 3].map(|_| Pubkey::new_unique());
    let mut reserves = [0; 3].map(|_| reserve(tokens(1_000)));
    for r in &mut reserves[..USDC] {
        r.config.emode_groups = emode_bit(GROUP);
    }
    let mut market = market();
    market.emode_groups[0].config = sample_emode_group();
    let mut obligation = pledged(&keys[STSOL], tokens(10));
    obligation
        .add_debt(&keys[SOL], Fixed::from_u64(8_800_000), Fixed::ONE)
        .unwrap();
    Loop {
        obligation,
        market,
        keys,
        reserves,
    }
}

impl Loop {
    /// Every reserve priced for no group: stSOL at `stsol` USD, SOL at $100, USDC at $1.
    fn pricing(&self, stsol: OraclePrice) -> Vec<ReservePricing> {
        let prices = [stsol, usd(100, 100), usd(1, 1)];
        (0..3)
            .map(|i| pricing(self.keys[i], &self.reserves[i], prices[i]))
            .collect()
    }

    fn set_group(&mut self, id: u8, stsol: OraclePrice) -> Result<()> {
        let mut pricing = self.pricing(stsol);
        set_group(
            &mut self.obligation,
            id,
            &self.market.emode_groups,
            &mut pricing,
            &[],
            0,
        )
    }

    fn health(&self, stsol: OraclePrice) -> Health {
        let mut pricing = self.pricing(stsol);
        let groups = &self.market.emode_groups;
        apply(&mut pricing, self.obligation.emode_group, groups, 0).unwrap();
        Health::of(&self.obligation, &pricing).unwrap()
    }
}

#[test]
fn the_loop_is_refused_without_the_group_and_allowed_in_it() {
    let mut w = looped();
    // $1,000 of stSOL: $750 of borrowing power alone against $880 of debt.
    let before = w.obligation;
    assert_eq!(
        w.set_group(0, usd(100, 100)).unwrap_err(),
        BallastError::ObligationUnhealthy.into()
    );
    assert_eq!(w.obligation.emode_group, 0);
    // In the group: $900 of borrowing power, a $930 liquidation limit, no borrow factor.
    w.set_group(GROUP, usd(100, 100)).unwrap();
    assert_eq!(w.obligation.emode_group, GROUP);
    assert_eq!(w.obligation.collaterals(), before.collaterals());
    let h = w.health(usd(100, 100));
    assert_eq!(h.borrow_limit, Fixed::from_u64(900));
    assert_eq!(h.liquidation_limit, Fixed::from_u64(930));
    assert_eq!(h.weighted_debt_value, Fixed::from_u64(880));
    // Leaving would put it over its normal limit ($750): refused, still in the group.
    assert_eq!(
        w.set_group(0, usd(100, 100)).unwrap_err(),
        BallastError::ObligationUnhealthy.into()
    );
    assert_eq!(w.obligation.emode_group, GROUP);
}

#[test]
fn joining_with_a_position_outside_the_group_is_refused() {
    let mut w = looped();
    w.obligation.deposit_collateral(&w.keys[USDC], 1).unwrap();
    let before = w.obligation;
    assert_eq!(
        w.set_group(GROUP, usd(100, 100)).unwrap_err(),
        BallastError::NotEmodeMember.into()
    );
    assert_eq!(w.obligation.emode_group, before.emode_group);
    // Nor a group that is not configured, nor one past 32.
    for id in [2, 33] {
        assert_eq!(
            w.set_group(id, usd(100, 100)).unwrap_err(),
            BallastError::EmodeGroupNotFound.into()
        );
    }
}

#[test]
fn a_debt_restricted_group_lends_only_its_listed_debt() {
    let mut w = looped();
    w.market.emode_groups[0].config = EmodeGroupConfig {
        debt_restricted: 1,
        ..sample_emode_group()
    };
    // SOL is a member but not listed as debt: the obligation cannot join with SOL debt...
    assert_eq!(
        w.set_group(GROUP, usd(100, 100)).unwrap_err(),
        BallastError::EmodeDebtNotAllowed.into()
    );
    // ...and once it is listed, it can.
    w.reserves[SOL].config.emode_debt_groups = emode_bit(GROUP);
    w.set_group(GROUP, usd(100, 100)).unwrap();
    // stSOL, a member not listed as debt, cannot be borrowed in the group (from a second
    // obligation holding SOL collateral); USDC, no member at all, neither.
    let mut o = pledged(&w.keys[SOL], tokens(10));
    o.emode_group = GROUP;
    for (asset, error) in [
        (STSOL, BallastError::EmodeDebtNotAllowed),
        (USDC, BallastError::NotEmodeMember),
    ] {
        let mut pricing = w.pricing(usd(100, 100));
        apply(&mut pricing, GROUP, &w.market.emode_groups, 0).unwrap();
        let (mut r, mut o) = (w.reserves[asset], o);
        let refused = borrow(
            &mut r,
            &w.keys[asset],
            &mut o,
            1_000_000,
            Priced::all(&pricing),
            &w.market,
            0,
        );
        assert_eq!(refused.unwrap_err(), error.into());
    }
}

#[test]
fn in_a_group_only_member_collateral_can_be_pledged() {
    let mut w = looped();
    w.set_group(GROUP, usd(100, 100)).unwrap();
    let usdc = w.reserves[USDC];
    assert_eq!(
        pledge(&mut w.obligation, &w.keys[USDC], &usdc, 1_000).unwrap_err(),
        BallastError::NotEmodeMember.into()
    );
    assert_eq!(w.obligation.collateral_count, 1);
    let stsol = w.reserves[STSOL];
    pledge(&mut w.obligation, &w.keys[STSOL], &stsol, 1_000).unwrap();
    assert_eq!(w.obligation.collaterals()[0].deposited_amount, 10_001_000);
}

#[test]
fn pricing_for_a_group_keeps_non_members_own_parameters_and_cannot_be_mixed() {
    let w = looped();
    let mut pricing = w.pricing(usd(100, 100));
    pricing[USDC].liquidation_bonus_min_bps = 300;
    pricing[STSOL].liquidation_bonus_min_bps = 300;
    pricing[STSOL].borrow_factor_bps = 12_500;
    pricing[USDC].borrow_factor_bps = 12_500;
    let groups = &w.market.emode_groups;
    apply(&mut pricing, GROUP, groups, 0).unwrap();
    let member = &pricing[STSOL];
    assert_eq!(
        (
            member.loan_to_value_bps,
            member.liquidation_threshold_bps,
            member.borrow_factor_bps,
            member.liquidation_bonus_min_bps,
            member.liquidation_bonus_max_bps,
            member.emode_group,
        ),
        (9_000, 9_300, 10_000, 200, 200, GROUP)
    );
    let other = &pricing[USDC];
    assert_eq!(
        (
            other.loan_to_value_bps,
            other.liquidation_threshold_bps,
            other.borrow_factor_bps,
            other.liquidation_bonus_min_bps,
            other.liquidation_bonus_max_bps,
            other.emode_group,
        ),
        (7_500, 8_000, 12_500, 300, 1_000, GROUP)
    );
    // Applying the same group again changes nothing; another group is refused.
    let again = pricing.clone();
    apply(&mut pricing, GROUP, groups, 0).unwrap();
    assert_eq!(pricing, again);
    let mut two = w.market.emode_groups;
    two[1].config = sample_emode_group();
    assert_eq!(
        apply(&mut pricing, 2, &two, 0).unwrap_err(),
        BallastError::EmodeNotApplied.into()
    );
    // Health refuses pricing made for another group than the obligation's.
    let mut in_group = w.obligation;
    in_group.emode_group = GROUP;
    let unapplied = w.pricing(usd(100, 100));
    assert_eq!(
        Health::of(&in_group, &unapplied).unwrap_err(),
        BallastError::EmodeNotApplied.into()
    );
    assert_eq!(
        Health::of(&w.obligation, &pricing).unwrap_err(),
        BallastError::EmodeNotApplied.into()
    );
}

#[test]
fn liquidation_in_a_group_pays_the_groups_bonus() {
    let mut w = looped();
    w.set_group(GROUP, usd(100, 100)).unwrap();
    // stSOL falls to $90: $900 x 93% = $837 against $880, health 0.951...; the reserve's range
    // would pay 4.89% (capped at the 2.27% equity), the group's caps it at 2%.
    let mut pricing = w.pricing(usd(90, 90));
    apply(&mut pricing, GROUP, &w.market.emode_groups, 0).unwrap();
    let p = plan(
        &w.obligation,
        &pricing,
        &w.keys[SOL],
        &w.keys[STSOL],
        &w.reserves[STSOL],
        u64::MAX,
        &LiquidationPolicy::from(&MarketConfig::default()),
    )
    .unwrap();
    assert_eq!(p.bonus, Fixed::from_bps(200));
    // Half the $880 debt: 4.4 SOL, for $448.80 of stSOL at $90 = 4.986666 stSOL.
    assert_eq!(p.repay_amount, 4_400_000);
    assert_eq!(p.seized_collateral, 4_986_666);
    // The protocol's 10% of the bonus part (4,986,666 x 0.02 / 1.02 = 97,777.76), rounded up.
    assert_eq!(p.protocol_collateral, 9_778);
    assert_eq!(p.liquidator_collateral, 4_976_888);
}
