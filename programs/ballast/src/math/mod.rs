//! Fixed-point arithmetic and the interest-rate curve.
mod fixed;
mod rate_curve;

pub use {
    fixed::{Fixed, Sf},
    rate_curve::{CurvePoint, RateCurve},
};
