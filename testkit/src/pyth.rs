//! Pyth `PriceUpdateV2` accounts as the Pyth receiver program writes them: for the in-process
//! bank (demo, tests), where no Pyth network exists.
use {
    anchor_lang::AccountSerialize,
    pyth_solana_receiver_sdk::price_update::{PriceFeedMessage, PriceUpdateV2, VerificationLevel},
    solana_sdk::{account::Account, pubkey::Pubkey},
};

/// One price update, in Pyth's units (`price x 10^exponent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PythPrice {
    pub feed_id: [u8; 32],
    pub price: i64,
    pub conf: u64,
    pub exponent: i32,
    pub publish_time: i64,
    pub prev_publish_time: i64,
    pub ema_price: i64,
    pub ema_conf: u64,
    /// `None` for fully verified; `Some(n)` for partially verified with `n` signatures.
    pub partial_signatures: Option<u8>,
}

impl PythPrice {
    /// A fully verified price with EMA equal to spot and a 0.1% confidence, published at `now`.
    pub fn new(feed_id: [u8; 32], price: i64, exponent: i32, now: i64) -> Self {
        PythPrice {
            feed_id,
            price,
            conf: price.unsigned_abs() / 1_000,
            exponent,
            publish_time: now,
            prev_publish_time: now - 1,
            ema_price: price,
            ema_conf: price.unsigned_abs() / 1_000,
            partial_signatures: None,
        }
    }

    /// The account data the receiver program would hold for this update.
    pub fn account(&self) -> Account {
        let update = PriceUpdateV2 {
            write_authority: Pubkey::default(),
            verification_level: match self.partial_signatures {
                None => VerificationLevel::Full,
                Some(num_signatures) => VerificationLevel::Partial { num_signatures },
            },
            price_message: PriceFeedMessage {
                feed_id: self.feed_id,
                price: self.price,
                conf: self.conf,
                exponent: self.exponent,
                publish_time: self.publish_time,
                prev_publish_time: self.prev_publish_time,
                ema_price: self.ema_price,
                ema_conf: self.ema_conf,
            },
            posted_slot: 0,
        };
        let mut data = Vec::with_capacity(PriceUpdateV2::LEN);
        update
            .try_serialize(&mut data)
            .expect("serializing into a Vec cannot fail");
        Account {
            lamports: 10_000_000,
            data,
            owner: pyth_solana_receiver_sdk::ID,
            executable: false,
            rent_epoch: 0,
        }
    }
}

/// A Pyth legacy push price account (layout version 2), as the Pyth oracle program writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegacyPythPrice {
    pub price: i64,
    pub conf: u64,
    pub exponent: i32,
    pub publish_time: i64,
    pub prev_publish_time: i64,
    pub ema_price: i64,
    pub ema_conf: u64,
    /// 1 = trading.
    pub status: u32,
    pub magic: u32,
    pub version: u32,
    pub account_type: u32,
}

impl LegacyPythPrice {
    /// A trading price with EMA equal to spot and a 0.1% confidence, published at `now`.
    pub fn new(price: i64, exponent: i32, now: i64) -> Self {
        use ballast::oracle::pyth_legacy as layout;
        LegacyPythPrice {
            price,
            conf: price.unsigned_abs() / 1_000,
            exponent,
            publish_time: now,
            prev_publish_time: now - 1,
            ema_price: price,
            ema_conf: price.unsigned_abs() / 1_000,
            status: layout::STATUS_TRADING,
            magic: layout::MAGIC,
            version: layout::VERSION,
            account_type: layout::ACCOUNT_TYPE_PRICE,
        }
    }

    /// The 3,312-byte account, owned by the devnet Pyth oracle program.
    pub fn account(&self) -> Account {
        use ballast::oracle::pyth_legacy::{offset, PYTH_ORACLE_PROGRAMS};
        let mut data = vec![0u8; 3_312];
        let mut put = |at: usize, bytes: &[u8]| data[at..at + bytes.len()].copy_from_slice(bytes);
        put(offset::MAGIC, &self.magic.to_le_bytes());
        put(offset::VERSION, &self.version.to_le_bytes());
        put(offset::ACCOUNT_TYPE, &self.account_type.to_le_bytes());
        put(offset::EXPONENT, &self.exponent.to_le_bytes());
        put(offset::EMA_PRICE, &self.ema_price.to_le_bytes());
        put(offset::EMA_CONF, &self.ema_conf.to_le_bytes());
        put(offset::TIMESTAMP, &self.publish_time.to_le_bytes());
        put(
            offset::PREV_TIMESTAMP,
            &self.prev_publish_time.to_le_bytes(),
        );
        put(offset::AGG_PRICE, &self.price.to_le_bytes());
        put(offset::AGG_CONF, &self.conf.to_le_bytes());
        put(offset::AGG_STATUS, &self.status.to_le_bytes());
        Account {
            lamports: 30_000_000,
            data,
            owner: PYTH_ORACLE_PROGRAMS[1],
            executable: false,
            rent_epoch: 0,
        }
    }
}
