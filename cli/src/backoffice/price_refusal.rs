//! Why the program would refuse a reserve's price, worded for the person on call: the error's
//! name, its message and the figures behind it. Anchor's own `Display` of an error is a `Debug`
//! dump of the error with the program's build paths, useless in an alert.
use {
    anchor_lang::error::{Error, ERROR_CODE_OFFSET},
    ballast::{
        errors::BallastError,
        math::Fixed,
        oracle::{RawPrice, MAX_EXPONENT, MIN_EXPONENT},
        state::Reserve,
    },
    solana_sdk::pubkey::Pubkey,
    std::fmt,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceRefusal {
    /// The program's error name ("OraclePriceStale"), or `OracleAccountNotFound`.
    pub error: String,
    /// "OraclePriceStale: oracle price is older than the reserve's max age (published 120 s
    /// ago, max 60 s)"
    pub text: String,
}

impl fmt::Display for PriceRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What the oracle account held, for the figures of a refusal.
#[derive(Clone, Copy, Debug)]
pub struct OracleSeen<'a> {
    pub owner: &'a Pubkey,
    /// The account decoded (`None`: it could not be).
    pub raw: Option<&'a RawPrice>,
    pub reserve: &'a Reserve,
    pub now: i64,
}

impl PriceRefusal {
    pub fn missing_account(key: &Pubkey) -> PriceRefusal {
        PriceRefusal {
            error: "OracleAccountNotFound".into(),
            text: format!("OracleAccountNotFound: oracle account {key} does not exist"),
        }
    }

    /// A price check failed with `error`.
    pub fn of_price(error: BallastError, seen: &OracleSeen) -> PriceRefusal {
        let text = match figures(error, seen) {
            Some(f) => format!("{}: {error} ({f})", error.name()),
            None => format!("{}: {error}", error.name()),
        };
        PriceRefusal {
            error: error.name(),
            text,
        }
    }

    /// Any error of the program's reading or pricing.
    pub fn of_error(error: &Error, seen: &OracleSeen) -> PriceRefusal {
        match ballast_error(error) {
            Some(e) => PriceRefusal::of_price(e, seen),
            None => PriceRefusal {
                error: name(error),
                text: describe(error),
            },
        }
    }
}

/// An Anchor error as `Name: message`.
pub fn describe(error: &Error) -> String {
    match error {
        Error::AnchorError(a) => format!("{}: {}", a.error_name, a.error_msg),
        Error::ProgramError(p) => p.program_error.to_string(),
    }
}

fn name(error: &Error) -> String {
    match error {
        Error::AnchorError(a) => a.error_name.clone(),
        Error::ProgramError(p) => format!("{:?}", p.program_error),
    }
}

fn ballast_error(error: &Error) -> Option<BallastError> {
    let Error::AnchorError(a) = error else {
        return None;
    };
    let code = a.error_code_number.checked_sub(ERROR_CODE_OFFSET)?;
    BallastError::try_from(code).ok()
}

/// The figures behind `error`, when the account says what they are.
fn figures(error: BallastError, seen: &OracleSeen) -> Option<String> {
    let config = &seen.reserve.config;
    if matches!(error, BallastError::WrongOracleOwner) {
        return Some(format!("owned by {}", seen.owner));
    }
    let raw = seen.raw?;
    Some(match error {
        BallastError::OraclePriceStale => format!(
            "published {} s ago, max {} s",
            seen.now.saturating_sub(raw.publish_time),
            config.oracle_max_age_secs
        ),
        BallastError::OracleConfidenceTooWide => format!(
            "confidence {} of the price and {} of the EMA, max {}",
            share(raw.conf, raw.price),
            share(raw.ema_conf, raw.ema_price),
            crate::format::percent(Fixed::from_bps(config.oracle_max_confidence_bps.into()))
        ),
        BallastError::OraclePriceWentBackwards => format!(
            "published at unix time {}, before the price the reserve last used ({})",
            raw.publish_time, seen.reserve.last_oracle_publish_time
        ),
        BallastError::OraclePriceNotPositive => format!(
            "price {}, EMA {} (x 10^{})",
            raw.price, raw.ema_price, raw.exponent
        ),
        BallastError::OracleExponentOutOfRange => format!(
            "exponent {}, supported {MIN_EXPONENT} to {MAX_EXPONENT}",
            raw.exponent
        ),
        _ => return None,
    })
}

/// `part` as a percentage of `whole` ("2.50%").
fn share(part: u64, whole: i64) -> String {
    let whole = u128::try_from(whole).unwrap_or(0).max(1);
    crate::format::percent(Fixed::from_raw(u128::from(part) * Fixed::SCALE / whole))
}
