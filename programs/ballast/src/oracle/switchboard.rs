//! Switchboard On-Demand pull feeds: `PullFeedAccountData`, owned by the On-Demand program,
//! read in place from its `repr(C)` layout (switchboard-xyz/solana-sdk
//! `on_demand/accounts/pull_feed.rs`): the `switchboard-on-demand` crate pulls in a second
//! Solana SDK, and a price is read for every position of every health check.
use {super::RawPrice, crate::errors::BallastError, anchor_lang::prelude::*};

/// The On-Demand program that owns pull feeds on mainnet.
pub const OWNER: Pubkey = pubkey!("SBondMDrcV3K4kxZR1HNVT7osZxAHVHgYXL5Ze1oMUv");
/// `PullFeedAccountData`'s Anchor discriminator.
pub const DISCRIMINATOR: [u8; 8] = [196, 27, 108, 196, 10, 215, 219, 40];
/// The account's length.
pub const LEN: usize = 3_208;

/// Offsets into the account data, discriminator included.
const FEED_HASH: usize = 2_120;
const MIN_SAMPLE_SIZE: usize = 2_215;
const LAST_UPDATE_TIMESTAMP: usize = 2_216;
const RESULT_VALUE: usize = 2_264;
const RESULT_STD_DEV: usize = 2_280;
const RESULT_NUM_SAMPLES: usize = 2_360;

/// Values are `i128` with 18 decimals.
const DECIMALS: i32 = 18;

/// Decodes a pull feed owned by the On-Demand program whose feed hash is `feed_hash`. The
/// result's value is the price and its standard deviation the confidence, both brought to a
/// 64-bit mantissa and one exponent; a result of fewer samples than the feed's minimum (an empty
/// one: no valid result) is not trading. There is no EMA: it is the spot.
pub fn read(owner: &Pubkey, data: &[u8], feed_hash: &[u8; 32]) -> Result<RawPrice> {
    require_keys_eq!(*owner, OWNER, BallastError::WrongOracleOwner);
    require!(
        data.len() >= LEN && data.starts_with(&DISCRIMINATOR),
        BallastError::InvalidOracleData
    );
    require!(
        data[FEED_HASH..FEED_HASH + 32] == feed_hash[..],
        BallastError::WrongOracleFeed
    );
    let i128_at = |at: usize| i128::from_le_bytes(data[at..at + 16].try_into().expect("16 bytes"));
    let (price, conf, exponent) = mantissa(i128_at(RESULT_VALUE), i128_at(RESULT_STD_DEV));
    let samples = data[RESULT_NUM_SAMPLES];
    let updated = i64::from_le_bytes(
        data[LAST_UPDATE_TIMESTAMP..LAST_UPDATE_TIMESTAMP + 8]
            .try_into()
            .expect("8 bytes"),
    );
    Ok(RawPrice {
        price,
        conf,
        exponent,
        publish_time: updated,
        prev_publish_time: updated,
        ema_price: price,
        ema_conf: conf,
        trading: samples > 0 && samples >= data[MIN_SAMPLE_SIZE],
    })
}

/// `value` and `std_dev` (18 decimals) as one `i64` mantissa each and their exponent: the
/// value divided by 10 (rounded toward zero, dropping only digits past its 18th significant
/// one) until it fits, the deviation by as much, rounded up (a wider confidence, never a
/// narrower one). A value that is not positive stays as it is, for the checks to refuse.
pub fn mantissa(value: i128, std_dev: i128) -> (i64, u64, i32) {
    let (mut value, mut std_dev, mut exponent) = (value, std_dev.max(0), -DECIMALS);
    while value > i128::from(i64::MAX) || value < i128::from(i64::MIN) {
        value /= 10;
        std_dev = (std_dev + 9) / 10;
        exponent += 1;
    }
    let conf = u64::try_from(std_dev).unwrap_or(u64::MAX);
    (value as i64, conf, exponent)
}

#[cfg(test)]
mod tests {
    use {super::*, crate::oracle::fixtures::account};

    /// `(address, owner, data)` of a fixture feed.
    fn feed(name: &str) -> (Pubkey, Pubkey, Vec<u8>) {
        account(&format!("switchboard/{name}.json"))
    }

    fn hash_of(data: &[u8]) -> [u8; 32] {
        data[FEED_HASH..FEED_HASH + 32].try_into().unwrap()
    }

    #[test]
    fn real_feeds_decode_to_their_published_values() {
        // (feed, value mantissa, exponent, std_dev, samples ok, last update)
        let cases = [
            (
                "BSzfJs4d1tAkSDqkepnfzEVcx2WtDVnwwXa2giy9PLeP",
                1_555_940_452_700_000_000,
                -16,
                2_401_617_900_000_000,
                1_723_244_190,
            ),
            (
                "HX5WM3qzogAfRCjBUWwnniLByMfFrjm1b5yo4KoWGR27",
                1_773_514_660_430_009_840,
                -16,
                // 4,652,830,479,302,014 / 100, rounded up.
                46_528_304_793_021,
                1_749_705_238,
            ),
            (
                "EZLBfnznMYKjFmaWYMEdhwnkiQF1WiP9jjTY6M8HpmGE",
                1_693_506_290_700_000_000,
                -16,
                0,
                1_721_424_896,
            ),
            // JITOSOL/SOL redemption rate: small enough for all 18 decimals.
            (
                "4Z1SLH9g4ikNBV8uP2ZctEouqjYmVqB2Tz5SZxKYBN7z",
                1_161_245_657_000_000_000,
                -18,
                0,
                1_734_556_639,
            ),
        ];
        for (name, price, exponent, conf, updated) in cases {
            let (_, owner, data) = feed(name);
            let raw = read(&owner, &data, &hash_of(&data)).unwrap();
            assert_eq!(
                raw,
                RawPrice {
                    price,
                    conf,
                    exponent,
                    publish_time: updated,
                    prev_publish_time: updated,
                    ema_price: price,
                    ema_conf: conf,
                    trading: true,
                },
                "{name}"
            );
        }
    }

    #[test]
    fn an_empty_result_is_not_a_price_of_zero() {
        // A real feed with one submission of the three its minimum asks for: no valid result.
        let (_, owner, data) = feed("56PpAg9fHx2yHEwdTkvCH5R5x2PAsDoNANUhdbvLXLM6");
        let raw = read(&owner, &data, &hash_of(&data)).unwrap();
        assert_eq!((raw.price, raw.trading), (0, false));
    }

    #[test]
    fn the_wrong_owner_feed_or_account_is_refused() {
        let (_, owner, data) = feed("BSzfJs4d1tAkSDqkepnfzEVcx2WtDVnwwXa2giy9PLeP");
        let hash = hash_of(&data);
        let refused = |e: BallastError| Err(e.into());
        assert_eq!(
            read(&Pubkey::new_unique(), &data, &hash),
            refused(BallastError::WrongOracleOwner)
        );
        assert_eq!(
            read(&owner, &data, &[9; 32]),
            refused(BallastError::WrongOracleFeed)
        );
        assert_eq!(
            read(&owner, &data[..LEN - 1], &hash),
            refused(BallastError::InvalidOracleData)
        );
        let mut other = data.clone();
        other[0] ^= 1;
        assert_eq!(
            read(&owner, &other, &hash),
            refused(BallastError::InvalidOracleData)
        );
    }

    #[test]
    fn mantissas_keep_18_significant_digits_and_widen_the_deviation() {
        assert_eq!(mantissa(i128::from(i64::MAX), 5), (i64::MAX, 5, -18));
        // One more: a digit dropped; the deviation 11 becomes 2 (1.1 rounded up).
        assert_eq!(
            mantissa(i128::from(i64::MAX) + 1, 11),
            (922_337_203_685_477_580, 2, -17)
        );
        assert_eq!(mantissa(-5, 3), (-5, 3, -18));
        assert_eq!(mantissa(7, -3), (7, 0, -18));
    }
}
