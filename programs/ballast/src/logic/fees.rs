//! The protocol's fees: collecting what it has earned out of the pool, and the flash-loan fee.
use {
    super::{accrue, deposit::redeem, settle},
    crate::{
        errors::{math_overflow, BallastError},
        math::Fixed,
        state::{Reserve, ReserveConfig},
    },
    anchor_lang::prelude::*,
};

/// What one collection moved from the pool to the fee vault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Collected {
    /// Liquidity out of the pool: the accrued fees and the redeemed cTokens' worth.
    pub liquidity: u64,
    /// The protocol's cTokens (its share of liquidation bonuses) redeemed, to be burned.
    pub redeemed_collateral: u64,
}

/// Accrues `reserve` to `now`, then collects, as far as available liquidity allows, first the
/// protocol's cTokens (redeemed at the exchange rate) and then its accrued fees (whole units;
/// the fraction stays accrued).
pub fn collect_protocol_fees(reserve: &mut Reserve, now: i64) -> Result<Collected> {
    reserve.require_no_flash_loan()?;
    accrue(reserve, now)?;
    let liquidity = &mut reserve.liquidity;
    let redeemable = reserve
        .protocol_collateral
        .min(liquidity.liquidity_to_collateral(liquidity.available_amount)?);
    let redeemable_value = liquidity.collateral_to_liquidity(redeemable)?.to_floor()?;
    let (redeemed_collateral, redeemed_liquidity) = if redeemable_value > 0 {
        (redeemable, redeem(liquidity, redeemable)?)
    } else {
        (0, 0)
    };
    reserve.protocol_collateral -= redeemed_collateral;
    let liquidity = &mut reserve.liquidity;
    let fees = liquidity
        .protocol_fees()
        .to_floor()?
        .min(liquidity.available_amount);
    liquidity.remove_available(fees)?;
    liquidity.accumulated_protocol_fees_sf.set(
        liquidity
            .protocol_fees()
            .checked_sub(Fixed::from_u64(fees))?,
    );
    settle(reserve)?;
    Ok(Collected {
        liquidity: fees + redeemed_liquidity,
        redeemed_collateral,
    })
}

/// The fee on a flash loan of `amount`: `flash_loan_fee_bps` of it, rounded up (the borrower
/// owes it).
pub fn flash_loan_fee(config: &ReserveConfig, amount: u64) -> Result<u64> {
    let fee = (u128::from(amount) * u128::from(config.flash_loan_fee_bps)).div_ceil(10_000);
    u64::try_from(fee).map_err(|_| math_overflow())
}

/// A flash loan of `amount` may start: no other is out, and the pool has the liquidity.
pub fn require_flash_loan_available(reserve: &Reserve, amount: u64) -> Result<()> {
    reserve.require_no_flash_loan()?;
    require!(
        amount <= reserve.liquidity.available_amount,
        BallastError::InsufficientLiquidity
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use {
        super::{super::fixtures::reserve, *},
        crate::state::sample_reserve_config,
    };

    #[test]
    fn flash_loan_fee_rounds_up() {
        let config = sample_reserve_config(); // 9 bps
        assert_eq!(flash_loan_fee(&config, 10_000), Ok(9));
        assert_eq!(flash_loan_fee(&config, 10_001), Ok(10)); // 9.0009 -> 10
        assert_eq!(flash_loan_fee(&config, 1), Ok(1));
        assert_eq!(flash_loan_fee(&config, 0), Ok(0));
        let free = ReserveConfig {
            flash_loan_fee_bps: 0,
            ..config
        };
        assert_eq!(flash_loan_fee(&free, u64::MAX), Ok(0));
        // u64::MAX at 9 bps still fits a u64.
        assert_eq!(
            flash_loan_fee(&config, u64::MAX),
            Ok(16_602_069_666_338_597)
        );
    }

    #[test]
    fn collects_the_protocols_ctokens_then_its_whole_fees() {
        // 10,000 available, 1,000 borrowed, fees 100.6 accrued: suppliers own 10,899.4 for
        // 10,000 cTokens; the protocol holds 50 of them (54.497 units of liquidity).
        let mut r = reserve(10_000);
        r.liquidity.borrowed_amount_sf.set(Fixed::from_u64(1_000));
        r.liquidity
            .accumulated_protocol_fees_sf
            .set(Fixed::from_bps(1_006_000));
        r.protocol_collateral = 50;
        let collected = collect_protocol_fees(&mut r, 0).unwrap();
        // 50 cTokens redeem for 54 (floor of 54.497); then 100 whole units of fees.
        assert_eq!(
            collected,
            Collected {
                liquidity: 154,
                redeemed_collateral: 50,
            }
        );
        assert_eq!(r.protocol_collateral, 0);
        assert_eq!(r.liquidity.available_amount, 10_000 - 154);
        assert_eq!(r.liquidity.collateral_supply, 9_950);
        assert_eq!(r.liquidity.protocol_fees(), Fixed::from_bps(6_000)); // 0.6 stays
    }

    #[test]
    fn collects_no_more_than_is_available() {
        let mut r = reserve(30);
        r.liquidity.borrowed_amount_sf.set(Fixed::from_u64(970));
        r.liquidity
            .accumulated_protocol_fees_sf
            .set(Fixed::from_u64(40));
        let collected = collect_protocol_fees(&mut r, 0).unwrap();
        assert_eq!(collected.liquidity, 30);
        assert_eq!(r.liquidity.available_amount, 0);
        assert_eq!(r.liquidity.protocol_fees(), Fixed::from_u64(10));
        // While a flash loan is out, nothing is collected.
        let mut lent = reserve(1_000);
        lent.flash_loan_outstanding = 1;
        assert_eq!(
            collect_protocol_fees(&mut lent, 0).unwrap_err(),
            BallastError::FlashLoanActive.into()
        );
        assert_eq!(
            require_flash_loan_available(&lent, 1).unwrap_err(),
            BallastError::FlashLoanActive.into()
        );
        lent.flash_loan_outstanding = 0;
        assert_eq!(require_flash_loan_available(&lent, 1_000), Ok(()));
        assert_eq!(
            require_flash_loan_available(&lent, 1_001).unwrap_err(),
            BallastError::InsufficientLiquidity.into()
        );
    }

    #[test]
    fn protocol_ctokens_worth_less_than_a_unit_stay_unredeemed() {
        // 300 units for 1,000 cTokens: the protocol's 3 are worth 0.9 of a unit, nothing to
        // pay out; they stay the protocol's, and its whole fees are still collected.
        let mut r = reserve(300);
        r.liquidity.collateral_supply = 1_000;
        r.liquidity
            .accumulated_protocol_fees_sf
            .set(Fixed::from_u64(2));
        r.protocol_collateral = 3;
        let collected = collect_protocol_fees(&mut r, 0).unwrap();
        assert_eq!(
            collected,
            Collected {
                liquidity: 2,
                redeemed_collateral: 0,
            }
        );
        assert_eq!(r.protocol_collateral, 3);
        assert_eq!(r.liquidity.collateral_supply, 1_000);
    }
}
