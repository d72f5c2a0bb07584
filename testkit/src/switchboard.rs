//! Switchboard On-Demand pull feeds (`PullFeedAccountData`) as the On-Demand program writes them,
//! for the in-process bank: the fields the program reads, at their offsets, the rest zero.
use {
    crate::pyth::PythPrice,
    ballast::oracle::switchboard::{DISCRIMINATOR, LEN, OWNER},
    solana_sdk::account::Account,
};

/// The Pyth-unit `price` as a pull feed's result: value and standard deviation with 18
/// decimals (the confidence as the deviation), one sample of a minimum of one, updated at its
/// publish time; `price.feed_id` is the feed hash.
pub fn feed_account(price: &PythPrice) -> Account {
    let scale = |v: i128| {
        let shift = 18 + price.exponent;
        if shift >= 0 {
            v * 10i128.pow(shift as u32)
        } else {
            v / 10i128.pow((-shift) as u32)
        }
    };
    let mut data = vec![0u8; LEN];
    data[..8].copy_from_slice(&DISCRIMINATOR);
    data[2_120..2_152].copy_from_slice(&price.feed_id);
    data[2_215] = 1; // min_sample_size
    data[2_216..2_224].copy_from_slice(&price.publish_time.to_le_bytes());
    data[2_264..2_280].copy_from_slice(&scale(i128::from(price.price)).to_le_bytes());
    data[2_280..2_296].copy_from_slice(&scale(i128::from(price.conf)).to_le_bytes());
    data[2_360] = 1; // num_samples
    Account {
        lamports: 23_218_560,
        data,
        owner: OWNER,
        executable: false,
        rent_epoch: u64::MAX,
    }
}
