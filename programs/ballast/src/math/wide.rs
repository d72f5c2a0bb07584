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
pub const fn mul_64(a: u64, b: u64) -> (u64, u64) {
    let (a1, a0) = (a >> HALF, a & LOW32);
    let (b1, b0) = (b >> HALF, b & LOW32);
    // 32x32-bit products never overflow 64 bits, nor do the column sums below (the high half
    // of a 64x64-bit product fits 64 bits): wrapping operations skip the overflow checks.
    let p00 = a0.wrapping_mul(b0);
    let p01 = a0.wrapping_mul(b1);
    let p10 = a1.wrapping_mul(b0);
    let p11 = a1.wrapping_mul(b1);
    let mid = (p00 >> HALF)
        .wrapping_add(p01 & LOW32)
        .wrapping_add(p10 & LOW32);
    let lo = (mid << HALF) | (p00 & LOW32);
    let hi = p11
        .wrapping_add(p01 >> HALF)
        .wrapping_add(p10 >> HALF)
        .wrapping_add(mid >> HALF);
    (hi, lo)
}

/// `(n1 * 2^64 + n0) / d` and its remainder, for `n1 < d` (so the quotient fits 64 bits): the
/// normalized division for any `d` (the divisions above normalize once for all their digits).
#[cfg(test)]
fn div_128_64(n1: u64, n0: u64, d: u64) -> (u64, u64) {
    let s = d.leading_zeros();
    if s == 0 {
        return div_128_64_normalized(n1, n0, d);
    }
    let (q, r) = div_128_64_normalized((n1 << s) | (n0 >> (64 - s)), n0 << s, d << s);
    (q, r >> s)
}

/// `div_128_64` for `d` with its top bit set. Hacker's Delight `divlu`: two digit steps in
/// base 2^32, each estimated with one native 64-bit division and corrected at most twice.
/// All arithmetic stays within 64 bits (the bounds are Knuth's), hence the wrapping forms.
#[inline]
fn div_128_64_normalized(n32: u64, n10: u64, d: u64) -> (u64, u64) {
    let (d1, d0) = (d >> HALF, d & LOW32);
    let (n_1, n_0) = (n10 >> HALF, n10 & LOW32);
    let mut q1 = n32 / d1;
    let mut rhat = n32.wrapping_sub(q1.wrapping_mul(d1));
    while q1 > LOW32 || q1.wrapping_mul(d0) > ((rhat << HALF) | n_1) {
        q1 = q1.wrapping_sub(1);
        rhat = rhat.wrapping_add(d1);
        if rhat > LOW32 {
            break;
        }
    }
    let n21 = (n32 << HALF)
        .wrapping_add(n_1)
        .wrapping_sub(q1.wrapping_mul(d));
    let mut q0 = n21 / d1;
    let mut rhat = n21.wrapping_sub(q0.wrapping_mul(d1));
    while q0 > LOW32 || q0.wrapping_mul(d0) > ((rhat << HALF) | n_0) {
        q0 = q0.wrapping_sub(1);
        rhat = rhat.wrapping_add(d1);
        if rhat > LOW32 {
            break;
        }
    }
    let r = (n21 << HALF)
        .wrapping_add(n_0)
        .wrapping_sub(q0.wrapping_mul(d));
    ((q1 << HALF) | q0, r)
}

/// `a * b / d` rounded up, for 64-bit operands whose quotient fits 64 bits (`None`
/// otherwise, or when `d` is zero): one product and one normalized digit pair, the cheap case
/// of the interest series' terms over short gaps.
#[inline]
pub fn mul_div_ceil_64(a: u64, b: u64, d: u64) -> Option<u64> {
    if d == 0 {
        return None;
    }
    mul_div_ceil_64_normalized(a, b, d, d.leading_zeros())
}

/// `mul_div_ceil_64` for a non-zero `d` whose leading zeros `shift` are known.
#[inline]
pub fn mul_div_ceil_64_normalized(a: u64, b: u64, d: u64, shift: u32) -> Option<u64> {
    let (hi, lo) = mul_64(a, b);
    if hi == 0 {
        // A 64-bit product (the series' last, smallest terms): native division.
        return (lo / d).checked_add(u64::from(lo % d != 0));
    }
    if hi >= d {
        return None;
    }
    let (n1, n0) = if shift == 0 {
        (hi, lo)
    } else {
        ((hi << shift) | (lo >> (64 - shift)), lo << shift)
    };
    let (q, r) = div_128_64_normalized(n1, n0, d << shift);
    q.checked_add(u64::from(r != 0))
}

/// `a * m / d` and the remainder, for 32-bit `m` and `d`, in 32-bit digits with native 64-bit
/// divisions; `None` when `d` is zero or the quotient needs more than 128 bits. The cheap case
/// of the protocol's ratios: basis points, seconds per year, curve segments.
pub fn mul_div_small(a: u128, m: u32, d: u32) -> Option<(u128, u32)> {
    if d == 0 {
        return None;
    }
    let (m, d) = (u64::from(m), u64::from(d));
    let mut product = [0u64; 5];
    let mut carry = 0u64;
    for (i, digit) in product.iter_mut().take(4).enumerate() {
        // (2^32 - 1)^2 + (2^32 - 1) < 2^64.
        let v = ((a >> (32 * i)) as u32 as u64)
            .wrapping_mul(m)
            .wrapping_add(carry);
        *digit = v & LOW32;
        carry = v >> HALF;
    }
    product[4] = carry;
    let mut quotient = 0u128;
    let mut r = 0u64;
    for (i, &digit) in product.iter().enumerate().rev() {
        // r < d <= 2^32 - 1, so r * 2^32 + digit < 2^64.
        let v = (r << HALF) | digit;
        let q = v / d;
        r = v.wrapping_sub(q.wrapping_mul(d));
        if i == 4 {
            if q != 0 {
                return None;
            }
        } else {
            quotient |= u128::from(q) << (32 * i);
        }
    }
    Some((quotient, r as u32))
}

/// `x / d` and the remainder for a 64-bit `d > 0`: at most two normalized digit steps (the
/// software 128-bit division it replaces costs far more on SBF).
pub fn div_rem_u64(x: u128, d: u64) -> (u128, u64) {
    let s = d.leading_zeros();
    let dn = d << s;
    let (hi, lo) = ((x >> 64) as u64, x as u64);
    // x << s as three limbs (n2, n1, n0).
    let n2 = if s == 0 { 0 } else { hi >> (64 - s) };
    let n1 = if s == 0 {
        hi
    } else {
        (hi << s) | (lo >> (64 - s))
    };
    let n0 = lo << s;
    let (q1, r) = if n2 == 0 && n1 < dn {
        (0, n1)
    } else {
        div_128_64_normalized(n2, n1, dn)
    };
    let (q0, r) = div_128_64_normalized(r, n0, dn);
    ((u128::from(q1) << 64) | u128::from(q0), r >> s)
}

/// The 256-bit product `a * b`, little-endian 64-bit limbs.
fn mul_128(a: u128, b: u128) -> [u64; 4] {
    let (a1, a0) = ((a >> 64) as u64, a as u64);
    let (b1, b0) = ((b >> 64) as u64, b as u64);
    if b1 == 0 {
        // A 64-bit factor (scales, amounts): two products instead of four.
        let (h0, l0) = mul_64(a0, b0);
        let (h1, l1) = mul_64(a1, b0);
        let (limb1, carry) = h0.overflowing_add(l1);
        return [l0, limb1, h1.wrapping_add(u64::from(carry)), 0];
    }
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
    if let (Ok(a), Ok(b), Ok(d)) = (u64::try_from(a), u64::try_from(b), u64::try_from(d)) {
        // 64-bit operands (indexes, growth factors, small values): one product, and one
        // native division or one normalized digit pair when the quotient fits 64 bits.
        let (hi, lo) = mul_64(a, b);
        if hi == 0 {
            return Some(((lo / d).into(), (lo % d).into()));
        }
        if hi < d {
            let s = d.leading_zeros();
            let (n1, n0) = if s == 0 {
                (hi, lo)
            } else {
                ((hi << s) | (lo >> (64 - s)), lo << s)
            };
            let (q, r) = div_128_64_normalized(n1, n0, d << s);
            return Some((q.into(), (r >> s).into()));
        }
    }
    let u = mul_128(a, b);
    if d >> 64 == 0 {
        // One-limb divisor: normalize once, then short division from the top limb down.
        let d = d as u64;
        let sh = d.leading_zeros();
        let dn = d << sh;
        let shl = |hi: u64, lo: u64| {
            if sh == 0 {
                hi
            } else {
                (hi << sh) | (lo >> (64 - sh))
            }
        };
        let n = [
            u[0] << sh,
            shl(u[1], u[0]),
            shl(u[2], u[1]),
            shl(u[3], u[2]),
            if sh == 0 { 0 } else { u[3] >> (64 - sh) },
        ];
        let mut q = [0u64; 5];
        let mut r = 0u64;
        for i in (0..5).rev() {
            if r == 0 && n[i] < dn {
                // A zero digit (the leading limbs of small products): no division needed.
                r = n[i];
                continue;
            }
            // r < dn throughout.
            let (qi, ri) = div_128_64_normalized(r, n[i], dn);
            q[i] = qi;
            r = ri;
        }
        if q[2] != 0 || q[3] != 0 || q[4] != 0 {
            return None;
        }
        return Some((
            (u128::from(q[1]) << 64) | u128::from(q[0]),
            u128::from(r >> sh),
        ));
    }
    // Two-limb divisor: the quotient fits 128 bits only if the top half is below d.
    let top = (u128::from(u[3]) << 64) | u128::from(u[2]);
    if top >= d {
        return None;
    }
    let (q, r) = div_256_128(u, d);
    Some((q, r))
}

/// `u / d` for a 256-bit `u` whose top half is below `d`, and `d >= 2^64`: Knuth's algorithm D
/// in base 2^64, two quotient digits (the top half below `d` makes the third zero).
fn div_256_128(u: [u64; 4], d: u128) -> (u128, u128) {
    let s = ((d >> 64) as u64).leading_zeros();
    let d = d << s;
    let (v1, v0) = ((d >> 64) as u64, d as u64);
    let shl = |hi: u64, lo: u64| {
        if s == 0 {
            hi
        } else {
            (hi << s) | (lo >> (64 - s))
        }
    };
    // The numerator shifted by s. Its fifth limb is zero: the top half is below d.
    let (n3, n2, n1, n0) = (shl(u[3], u[2]), shl(u[2], u[1]), shl(u[1], u[0]), u[0] << s);
    // A quotient below 2^64 (ratios, most values) has a zero top digit: skip its step.
    let (q1, r1, r0) = if n3 == 0 && (n2, n1) < (v1, v0) {
        (0, n2, n1)
    } else {
        knuth_step(n3, n2, n1, v1, v0)
    };
    let (q0, r1, r0) = knuth_step(r1, r0, n0, v1, v0);
    let r = (u128::from(r1) << 64) | u128::from(r0);
    ((u128::from(q1) << 64) | u128::from(q0), r >> s)
}

/// One digit of algorithm D: `(u2, u1, u0) / (v1, v0)` for `(u2, u1) < (v1, v0)` and `v1`'s
/// top bit set; returns the digit and the two-limb remainder.
#[inline]
fn knuth_step(u2: u64, u1: u64, u0: u64, v1: u64, v0: u64) -> (u64, u64, u64) {
    // The estimate from the top two limbs over v1 is at most 2 too large; the test against
    // v0 fixes all but (rarely) one of it.
    let (mut q, mut rhat) = if u2 >= v1 {
        (u64::MAX, u128::from(u1) + u128::from(v1))
    } else {
        let (q, r) = div_128_64_normalized(u2, u1, v1);
        (q, u128::from(r))
    };
    while rhat >> 64 == 0 {
        let (ph, pl) = mul_64(q, v0);
        if (u128::from(ph) << 64) | u128::from(pl) <= (rhat << 64) | u128::from(u0) {
            break;
        }
        q = q.wrapping_sub(1);
        rhat += u128::from(v1);
    }
    // (u2, u1, u0) - q * (v1, v0): the product has three limbs (p2, p1, p0).
    let (p0h, p0l) = mul_64(q, v0);
    let (p1h, p1l) = mul_64(q, v1);
    let (p1, carry) = p0h.overflowing_add(p1l);
    let p2 = p1h.wrapping_add(u64::from(carry));
    let (r0, b0) = u0.overflowing_sub(p0l);
    let (t1, b1a) = u1.overflowing_sub(p1);
    let (r1, b1b) = t1.overflowing_sub(u64::from(b0));
    let (t2, b2a) = u2.overflowing_sub(p2);
    let (_, b2b) = t2.overflowing_sub(u64::from(b1a || b1b));
    if b2a || b2b {
        // One too many: add the divisor back (the carry out cancels the borrow).
        let (r0, c0) = r0.overflowing_add(v0);
        let r1 = r1.wrapping_add(v1).wrapping_add(u64::from(c0));
        return (q.wrapping_sub(1), r1, r0);
    }
    (q, r1, r0)
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
    fn a_top_limb_equal_to_the_divisor_is_divided_not_kept() {
        // x = d x 2^64 (and the same once shifted: d with leading zeros): the top limb equals
        // the normalized divisor, so the quotient's high digit is 1, not 0.
        for d in [u64::MAX, 1 << 63, 3 << 62, 12_345, 1] {
            let x = u128::from(d) << 64;
            assert_eq!(div_rem_u64(x, d), (1 << 64, 0), "{d}");
            assert_eq!(
                div_rem_u64(x + 7, d),
                (x / u128::from(d) + 7 / u128::from(d), (7 % d))
            );
        }
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
            // Quotients of 2^192 and 2^255 over a one-limb divisor: one non-zero digit above
            // the 128 bits, whichever it is, means no result.
            (1u128 << 96, 1u128 << 96, 1),
            (1u128 << 127, 1u128 << 64, 1),
            (1u128 << 127, 1u128 << 127, 2),
            // d x 2^64 / d for two-limb divisors: the top two limbs equal the divisor, so the
            // high quotient digit is 1.
            ((1u128 << 127) | 5, 1u128 << 64, (1u128 << 127) | 5),
            ((1u128 << 64) + 12_345, 1u128 << 64, (1u128 << 64) + 12_345),
            // A digit estimate of 5 from an exact top division (remainder 0) against a low
            // divisor limb of 2^64 - 1: corrected once, to 4, and no further.
            (5u128 << 63, 1u128 << 64, (1u128 << 127) + (1u128 << 64) - 1),
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
        fn rounds_64_bit_quotients_up(a in any::<u64>(), b in any::<u64>(), shift in 0u32..64, d in any::<u64>()) {
            let d = d >> shift;
            let want = (d != 0).then(|| expected(a.into(), b.into(), d.into())).flatten()
                .filter(|(q, r)| *q + u128::from(*r != 0) <= u128::from(u64::MAX))
                .map(|(q, r)| (q + u128::from(r != 0)) as u64);
            prop_assert_eq!(mul_div_ceil_64(a, b, d), want);
        }

        #[test]
        fn divides_by_64_bits(x in any_width(), d in 1u64..) {
            let (q, r) = div_rem_u64(x, d);
            prop_assert_eq!((q, u128::from(r)), (x / u128::from(d), x % u128::from(d)));
        }

        #[test]
        fn small_factors(a in any_width(), m in any::<u32>(), d in 1u32..) {
            let small = mul_div_small(a, m, d).map(|(q, r)| (q, u128::from(r)));
            prop_assert_eq!(small, expected(a, m.into(), d.into()));
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
