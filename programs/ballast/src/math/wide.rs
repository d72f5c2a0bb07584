//! `a * b / d` on 128-bit integers with a 256-bit intermediate, from 64-bit operations only.
//!
//! SBF has 64-bit registers: a `u128` multiplication or division is a call into software
//! helpers that cost hundreds of compute units each. Here every product is four 64x64-bit
//! products built from 32-bit halves, and every division is Knuth's algorithm D in base 2^64
//! with its digit estimates from native 64-bit divisions, so a `mul_div` costs a few hundred
//! instructions instead of a few thousand.

const HALF: u32 = 32;
const LOW32: u64 = u32::MAX as u64;

/// `a * b` as (high, low) 64-bit halves.
#[inline]
fn mul_64(a: u64, b: u64) -> (u64, u64) {
    let (a1, a0) = (a >> HALF, a & LOW32);
    let (b1, b0) = (b >> HALF, b & LOW32);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // The middle column: at most 3 * (2^32 - 1) * 2^32-ish, carried into the high half.
    let mid = (p00 >> HALF) + (p01 & LOW32) + (p10 & LOW32);
    let lo = (mid << HALF) | (p00 & LOW32);
    let hi = p11 + (p01 >> HALF) + (p10 >> HALF) + (mid >> HALF);
    (hi, lo)
}

/// `(n1 * 2^64 + n0) / d` and its remainder, for `n1 < d` (so the quotient fits 64 bits).
/// Hacker's Delight `divlu`: normalize, then two 64/32-bit digit steps.
#[inline]
fn div_128_64(n1: u64, n0: u64, d: u64) -> (u64, u64) {
    debug_assert!(n1 < d);
    let s = d.leading_zeros();
    let d = d << s;
    let (d1, d0) = (d >> HALF, d & LOW32);
    let n32 = if s == 0 {
        n1
    } else {
        (n1 << s) | (n0 >> (64 - s))
    };
    let n10 = n0 << s;
    let (n_1, n_0) = (n10 >> HALF, n10 & LOW32);

    let mut q1 = n32 / d1;
    let mut rhat = n32 - q1 * d1;
    while q1 > LOW32 || q1 * d0 > ((rhat << HALF) | n_1) {
        q1 -= 1;
        rhat += d1;
        if rhat > LOW32 {
            break;
        }
    }
    let n21 = (n32 << HALF)
        .wrapping_add(n_1)
        .wrapping_sub(q1.wrapping_mul(d));
    let mut q0 = n21 / d1;
    let mut rhat = n21 - q0 * d1;
    while q0 > LOW32 || q0 * d0 > ((rhat << HALF) | n_0) {
        q0 -= 1;
        rhat += d1;
        if rhat > LOW32 {
            break;
        }
    }
    let r = (n21 << HALF)
        .wrapping_add(n_0)
        .wrapping_sub(q0.wrapping_mul(d))
        >> s;
    ((q1 << HALF) | q0, r)
}

/// The 256-bit product `a * b`, little-endian 64-bit limbs.
fn mul_128(a: u128, b: u128) -> [u64; 4] {
    let (a1, a0) = ((a >> 64) as u64, a as u64);
    let (b1, b0) = ((b >> 64) as u64, b as u64);
    let (h00, l00) = mul_64(a0, b0);
    let (h01, l01) = mul_64(a0, b1);
    let (h10, l10) = mul_64(a1, b0);
    let (h11, l11) = mul_64(a1, b1);
    let limb1 = u128::from(h00) + u128::from(l01) + u128::from(l10);
    let limb2 = u128::from(h01) + u128::from(h10) + u128::from(l11) + (limb1 >> 64);
    let limb3 = u128::from(h11) + (limb2 >> 64);
    [l00, limb1 as u64, limb2 as u64, limb3 as u64]
}

/// `a * b / d` and the remainder; `None` when `d` is zero or the quotient needs more than 128
/// bits.
pub fn mul_div_rem(a: u128, b: u128, d: u128) -> Option<(u128, u128)> {
    if d == 0 {
        return None;
    }
    let u = mul_128(a, b);
    if d >> 64 == 0 {
        // One-limb divisor: short division, most significant limb first.
        let d = d as u64;
        let mut q = [0u64; 4];
        let mut r = 0u64;
        for i in (0..4).rev() {
            if r == 0 && u[i] < d {
                // A zero digit (the leading limbs of small products): no division needed.
                r = u[i];
                continue;
            }
            // r < d throughout, as div_128_64 needs.
            let (qi, ri) = div_128_64(r, u[i], d);
            q[i] = qi;
            r = ri;
        }
        if q[2] != 0 || q[3] != 0 {
            return None;
        }
        return Some(((u128::from(q[1]) << 64) | u128::from(q[0]), u128::from(r)));
    }
    // Two-limb divisor: the quotient fits 128 bits only if the top half is below d.
    let top = (u128::from(u[3]) << 64) | u128::from(u[2]);
    if top >= d {
        return None;
    }
    let (q, r) = div_256_128(u, d);
    Some((q, r))
}

/// `u / d` for a 256-bit `u` whose top half is below `d`, and `d >= 2^64`: Knuth D, base 2^64.
fn div_256_128(u: [u64; 4], d: u128) -> (u128, u128) {
    let s = ((d >> 64) as u64).leading_zeros();
    let d = d << s;
    let (v1, v0) = ((d >> 64) as u64, d as u64);
    // The numerator shifted by s: five limbs (the top one small).
    let shl = |hi: u64, lo: u64| {
        if s == 0 {
            hi
        } else {
            (hi << s) | (lo >> (64 - s))
        }
    };
    let mut un = [
        u[0] << s,
        shl(u[1], u[0]),
        shl(u[2], u[1]),
        shl(u[3], u[2]),
        if s == 0 { 0 } else { u[3] >> (64 - s) },
    ];
    let mut q = [0u64; 2];
    // Two quotient digits (the third is zero: the top half is below d).
    for j in (0..2).rev() {
        let (hi, mid, lo) = (un[j + 2], un[j + 1], un[j]);
        // Estimate from the top two limbs over v1; too large by at most 2 after the test.
        let (mut qhat, mut rhat) = if hi >= v1 {
            (u64::MAX, u128::from(mid) + u128::from(v1))
        } else {
            let (q, r) = div_128_64(hi, mid, v1);
            (q, u128::from(r))
        };
        while rhat >> 64 == 0 {
            let (ph, pl) = mul_64(qhat, v0);
            let product = (u128::from(ph) << 64) | u128::from(pl);
            if product <= (rhat << 64) | u128::from(lo) {
                break;
            }
            qhat -= 1;
            rhat += u128::from(v1);
        }
        // un[j..j+3] -= qhat * (v1, v0).
        let (p0h, p0l) = mul_64(qhat, v0);
        let (p1h, p1l) = mul_64(qhat, v1);
        let products = [p0l, p0h, 0];
        let (mut carry, mut borrow) = (0u128, 0u64);
        let mut limbs = [lo, mid, hi];
        let second = [0, p1l, p1h];
        for k in 0..3 {
            let sub = u128::from(products[k]) + u128::from(second[k]) + carry;
            carry = sub >> 64;
            let (diff, b1) = limbs[k].overflowing_sub(sub as u64);
            let (diff, b2) = diff.overflowing_sub(borrow);
            limbs[k] = diff;
            borrow = u64::from(b1 || b2);
        }
        if borrow != 0 || carry != 0 {
            // One too many: add the divisor back.
            qhat -= 1;
            let (l0, c0) = limbs[0].overflowing_add(v0);
            let (l1, c1a) = limbs[1].overflowing_add(v1);
            let (l1, c1b) = l1.overflowing_add(u64::from(c0));
            limbs = [l0, l1, limbs[2].wrapping_add(u64::from(c1a || c1b))];
        }
        un[j] = limbs[0];
        un[j + 1] = limbs[1];
        un[j + 2] = limbs[2];
        q[j] = qhat;
    }
    let r = ((u128::from(un[1]) << 64) | u128::from(un[0])) >> s;
    let r = if s == 0 {
        r
    } else {
        r | (u128::from(un[2]) << (128 - s))
    };
    ((u128::from(q[1]) << 64) | u128::from(q[0]), r)
}

#[cfg(test)]
mod tests {
    use {super::*, proptest::prelude::*};

    mod reference {
        #![allow(clippy::manual_div_ceil)]
        uint::construct_uint! {
            pub struct U256(4);
        }
    }
    use reference::U256;

    fn expected(a: u128, b: u128, d: u128) -> Option<(u128, u128)> {
        let (q, r) = (U256::from(a) * U256::from(b)).div_mod(U256::from(d));
        (q.bits() <= 128).then(|| (q.low_u128(), r.low_u128()))
    }

    #[test]
    fn edges() {
        for (a, b, d) in [
            (0, 0, 1),
            (1, 1, 1),
            (u128::MAX, 1, 1),
            (u128::MAX, u128::MAX, u128::MAX),
            (u128::MAX, u128::MAX - 1, u128::MAX),
            (u128::MAX, 2, 3),
            (u128::MAX, u128::MAX, 1u128 << 64),
            ((1u128 << 64) - 1, (1u128 << 64) + 1, (1u128 << 64) - 1),
            (1u128 << 127, 2, (1u128 << 64) + 1),
            (10u128.pow(30), 10u128.pow(20), 10u128.pow(27)),
            (10u128.pow(18), 10u128.pow(18), 1),
        ] {
            assert_eq!(mul_div_rem(a, b, d), expected(a, b, d), "{a} * {b} / {d}");
        }
        assert_eq!(mul_div_rem(1, 1, 0), None);
        assert_eq!(mul_64(u64::MAX, u64::MAX), (u64::MAX - 1, 1));
        assert_eq!(div_128_64(1, 0, 3), (0x5555_5555_5555_5555, 1));
    }

    fn any_width() -> impl Strategy<Value = u128> {
        (0u32..128, any::<u128>()).prop_map(|(bits, v)| if bits == 0 { v } else { v >> bits })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn matches_256_bit_arithmetic(a in any_width(), b in any_width(), d in any_width()) {
            prop_assume!(d != 0);
            prop_assert_eq!(mul_div_rem(a, b, d), expected(a, b, d));
        }

        #[test]
        fn divides_128_by_64(n1 in any::<u64>(), n0 in any::<u64>(), d in 1u64..) {
            let n1 = n1 % d;
            let n = (u128::from(n1) << 64) | u128::from(n0);
            let (q, r) = div_128_64(n1, n0, d);
            prop_assert_eq!(u128::from(q), n / u128::from(d));
            prop_assert_eq!(u128::from(r), n % u128::from(d));
        }
    }
}
