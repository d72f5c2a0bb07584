//! Pyth pull oracle: `PriceUpdateV2` accounts written by the Pyth receiver program.
use {
    super::RawPrice,
    crate::errors::BallastError,
    anchor_lang::prelude::*,
    pyth_solana_receiver_sdk::price_update::{PriceUpdateV2, VerificationLevel},
};

/// Decodes a `PriceUpdateV2` owned by the receiver program, fully verified, for `feed_id`.
pub fn read(owner: &Pubkey, data: &[u8], feed_id: &[u8; 32]) -> Result<RawPrice> {
    require_keys_eq!(
        *owner,
        pyth_solana_receiver_sdk::ID,
        BallastError::WrongOracleOwner
    );
    let update = PriceUpdateV2::try_deserialize(&mut &data[..])
        .map_err(|_| error!(BallastError::InvalidOracleData))?;
    require!(
        update.verification_level == VerificationLevel::Full,
        BallastError::OracleNotFullyVerified
    );
    let m = &update.price_message;
    require!(m.feed_id == *feed_id, BallastError::WrongOracleFeed);
    Ok(RawPrice {
        price: m.price,
        conf: m.conf,
        exponent: m.exponent,
        publish_time: m.publish_time,
        prev_publish_time: m.prev_publish_time,
        ema_price: m.ema_price,
    })
}
