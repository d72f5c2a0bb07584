//! Amounts as people type them: token units ("1.5", "1_000"), or `max`.
use {
    serde::{Deserialize, Deserializer},
    std::{fmt, str::FromStr},
    thiserror::Error,
};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum AmountError {
    #[error("malformed amount {0:?}: expected token units like 1.5 or 1_000, or max")]
    Malformed(String),
    #[error("amount {amount} has more decimals than the mint's {decimals}")]
    TooManyDecimals { amount: String, decimals: u8 },
    #[error("amount {0} is too large for a token amount")]
    TooLarge(String),
    #[error("amounts cannot be negative: {0}")]
    Negative(String),
}

/// An amount in token units, or everything (`max`; also `all`, `unlimited`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UiAmount {
    Max,
    /// Digits with an optional fraction, separators removed.
    Units {
        whole: String,
        fraction: String,
    },
}

impl FromStr for UiAmount {
    type Err = AmountError;

    fn from_str(s: &str) -> Result<Self, AmountError> {
        let trimmed = s.trim();
        if ["max", "all", "unlimited"].contains(&trimmed.to_ascii_lowercase().as_str()) {
            return Ok(UiAmount::Max);
        }
        let malformed = || AmountError::Malformed(s.to_string());
        if trimmed.starts_with('-') && trimmed.len() > 1 {
            return Err(AmountError::Negative(trimmed.to_string()));
        }
        let plain = trimmed.replace('_', "");
        let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
        let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || plain.ends_with('.') {
            return Err(malformed());
        }
        Ok(UiAmount::Units {
            whole: whole.to_string(),
            fraction: fraction.trim_end_matches('0').to_string(),
        })
    }
}

impl fmt::Display for UiAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UiAmount::Max => f.write_str("max"),
            UiAmount::Units { whole, fraction } if fraction.is_empty() => f.write_str(whole),
            UiAmount::Units { whole, fraction } => write!(f, "{whole}.{fraction}"),
        }
    }
}

impl UiAmount {
    /// Base units of a mint with `decimals`; `Max` is `u64::MAX` (the program's "all").
    pub fn to_base(&self, decimals: u8) -> Result<u64, AmountError> {
        let (whole, fraction) = match self {
            UiAmount::Max => return Ok(u64::MAX),
            UiAmount::Units { whole, fraction } => (whole, fraction),
        };
        if fraction.len() > usize::from(decimals) {
            return Err(AmountError::TooManyDecimals {
                amount: self.to_string(),
                decimals,
            });
        }
        let too_large = || AmountError::TooLarge(self.to_string());
        let padded = format!("{whole}{fraction:0<width$}", width = usize::from(decimals));
        let value: u128 = padded.parse().map_err(|_| too_large())?;
        // u64::MAX means "all" to the program: an exact amount must stay below it.
        u64::try_from(value)
            .ok()
            .filter(|v| *v < u64::MAX)
            .ok_or_else(too_large)
    }

    pub fn is_max(&self) -> bool {
        matches!(self, UiAmount::Max)
    }
}

/// TOML and JSON configs may write amounts as strings ("1.5", "unlimited") or integers.
impl<'de> Deserialize<'de> for UiAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Text(String),
        }
        let text = match Raw::deserialize(deserializer)? {
            Raw::Int(n) => n.to_string(),
            Raw::Text(s) => s,
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str, decimals: u8) -> Result<u64, AmountError> {
        s.parse::<UiAmount>()?.to_base(decimals)
    }

    #[test]
    fn parses_token_units() {
        assert_eq!(base("1.5", 6), Ok(1_500_000));
        assert_eq!(base("1_000", 6), Ok(1_000_000_000));
        assert_eq!(base("0.000001", 6), Ok(1));
        assert_eq!(base("2.50", 1), Ok(25));
        assert_eq!(base("7", 0), Ok(7));
        assert_eq!(base("max", 6), Ok(u64::MAX));
        assert_eq!(base("ALL", 9), Ok(u64::MAX));
    }

    #[test]
    fn refuses_bad_amounts() {
        for bad in ["", "1.", ".5", "1.2.3", "-", "1e6", "abc", "1,5", " "] {
            assert_eq!(
                base(bad, 6),
                Err(AmountError::Malformed(bad.to_string())),
                "{bad:?}"
            );
        }
        for negative in ["-1", "-0.5", " -max"] {
            assert_eq!(
                base(negative, 6),
                Err(AmountError::Negative(negative.trim().to_string()))
            );
        }
        assert_eq!(
            base("0.0000001", 6),
            Err(AmountError::TooManyDecimals {
                amount: "0.0000001".into(),
                decimals: 6
            })
        );
        assert_eq!(
            base("18446744073709551615", 0),
            Err(AmountError::TooLarge("18446744073709551615".into()))
        );
        assert_eq!(base("18446744073709551614", 0), Ok(u64::MAX - 1));
        assert_eq!(
            base("99999999999999999999999999999999999999999", 0),
            Err(AmountError::TooLarge(
                "99999999999999999999999999999999999999999".into()
            ))
        );
    }
}
