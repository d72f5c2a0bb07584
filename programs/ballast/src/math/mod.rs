//! Fixed-point arithmetic and the interest-rate curve.
mod fixed;
mod rate_curve;
mod wide;

pub use {
    fixed::{Fixed, Sf, POW10},
    rate_curve::{CurvePoint, RateCurve},
    wide::mul_64,
};
