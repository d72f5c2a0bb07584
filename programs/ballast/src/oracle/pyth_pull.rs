//! Pyth pull oracle: `PriceUpdateV2` accounts written by the Pyth receiver program.
use {
    super::RawPrice, crate::errors::BallastError, anchor_lang::prelude::*,
    pyth_solana_receiver_sdk::price_update::PriceUpdateV2,
};

/// Where `PriceUpdateV2` keeps what is read here (Anchor discriminator, write authority, then the
/// verification level: Borsh enum `Partial { num_signatures: u8 }` = 0, `Full` = 1).
const LEVEL: usize = 8 + 32;
/// The price message of a fully verified update (one byte of level).
const MESSAGE: usize = LEVEL + 1;
/// feed_id, price, conf, exponent, publish_time, prev_publish_time, ema_price, ema_conf.
const MESSAGE_LEN: usize = 32 + 8 + 8 + 4 + 8 + 8 + 8 + 8;

/// Decodes a `PriceUpdateV2` owned by the receiver program, fully verified, for `feed_id`.
/// Reads the fields in place (what Borsh would decode, without building the whole struct): a
/// price is read for every position of every health check.
pub fn read(owner: &Pubkey, data: &[u8], feed_id: &[u8; 32]) -> Result<RawPrice> {
    require_keys_eq!(
        *owner,
        pyth_solana_receiver_sdk::ID,
        BallastError::WrongOracleOwner
    );
    require!(
        data.len() >= MESSAGE + MESSAGE_LEN + 8 && data.starts_with(PriceUpdateV2::DISCRIMINATOR),
        BallastError::InvalidOracleData
    );
    match data[LEVEL] {
        0 => return err!(BallastError::OracleNotFullyVerified),
        1 => {}
        _ => return err!(BallastError::InvalidOracleData),
    }
    let m = &data[MESSAGE..MESSAGE + MESSAGE_LEN];
    require!(m[..32] == feed_id[..], BallastError::WrongOracleFeed);
    let i64_at = |at: usize| i64::from_le_bytes(m[at..at + 8].try_into().expect("8 bytes"));
    Ok(RawPrice {
        price: i64_at(32),
        conf: u64::from_le_bytes(m[40..48].try_into().expect("8 bytes")),
        exponent: i32::from_le_bytes(m[48..52].try_into().expect("4 bytes")),
        publish_time: i64_at(52),
        prev_publish_time: i64_at(60),
        ema_price: i64_at(68),
        ema_conf: u64::from_le_bytes(m[76..84].try_into().expect("8 bytes")),
        trading: true,
    })
}

#[cfg(test)]
mod tests {
    use {
        super::*,
        pyth_solana_receiver_sdk::price_update::{PriceFeedMessage, VerificationLevel},
    };

    fn update(level: VerificationLevel) -> Vec<u8> {
        let update = PriceUpdateV2 {
            write_authority: Pubkey::new_unique(),
            verification_level: level,
            price_message: PriceFeedMessage {
                feed_id: [7; 32],
                price: 15_000,
                conf: 12,
                exponent: -2,
                publish_time: 1_700_000_000,
                prev_publish_time: 1_699_999_999,
                ema_price: 14_900,
                ema_conf: 11,
            },
            posted_slot: 9,
        };
        let mut data = Vec::new();
        update.try_serialize(&mut data).unwrap();
        data
    }

    #[test]
    fn reads_the_fields_borsh_would() {
        let raw = read(
            &pyth_solana_receiver_sdk::ID,
            &update(VerificationLevel::Full),
            &[7; 32],
        )
        .unwrap();
        assert_eq!(
            raw,
            RawPrice {
                price: 15_000,
                conf: 12,
                exponent: -2,
                publish_time: 1_700_000_000,
                prev_publish_time: 1_699_999_999,
                ema_price: 14_900,
                ema_conf: 11,
                trading: true,
            }
        );
        let partial = update(VerificationLevel::Partial { num_signatures: 5 });
        assert_eq!(
            read(&pyth_solana_receiver_sdk::ID, &partial, &[7; 32]).unwrap_err(),
            BallastError::OracleNotFullyVerified.into()
        );
        let full = update(VerificationLevel::Full);
        assert_eq!(
            read(
                &pyth_solana_receiver_sdk::ID,
                &full[..full.len() - 9],
                &[7; 32]
            )
            .unwrap_err(),
            BallastError::InvalidOracleData.into()
        );
        let mut bad_level = full.clone();
        bad_level[LEVEL] = 2;
        assert_eq!(
            read(&pyth_solana_receiver_sdk::ID, &bad_level, &[7; 32]).unwrap_err(),
            BallastError::InvalidOracleData.into()
        );
        assert_eq!(
            read(&pyth_solana_receiver_sdk::ID, &full, &[8; 32]).unwrap_err(),
            BallastError::WrongOracleFeed.into()
        );
    }
}
