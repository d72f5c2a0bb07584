//! Pyth legacy push price accounts (pyth-sdk-solana's `PriceAccount`, layout version 2), read
//! from the documented layout: pyth-sdk-solana itself does not build with the current Solana
//! crates. Only the fields a price needs are read.
use {super::RawPrice, crate::errors::BallastError, anchor_lang::prelude::*};

/// The Pyth oracle program on mainnet-beta and on devnet: the only owners accepted.
pub const PYTH_ORACLE_PROGRAMS: [Pubkey; 2] = [
    pubkey!("FsJ3A3u2vn5cTVofAjvy6y5kwABJAqYWpe4975bi2epH"),
    pubkey!("gSbePebfvPy7tRqimPoVecS2UsBvYv46ynrzWocc92s"),
];

pub const MAGIC: u32 = 0xa1b2_c3d4;
pub const VERSION: u32 = 2;
pub const ACCOUNT_TYPE_PRICE: u32 = 3;
pub const STATUS_TRADING: u32 = 1;

/// Byte offsets of the fields read (all little-endian).
pub mod offset {
    pub const MAGIC: usize = 0;
    pub const VERSION: usize = 4;
    pub const ACCOUNT_TYPE: usize = 8;
    pub const EXPONENT: usize = 20;
    /// `ema_price.val`
    pub const EMA_PRICE: usize = 48;
    /// `ema_conf.val`
    pub const EMA_CONF: usize = 72;
    /// Publish time of the aggregate.
    pub const TIMESTAMP: usize = 96;
    /// Publish time of the previous aggregate.
    pub const PREV_TIMESTAMP: usize = 200;
    pub const AGG_PRICE: usize = 208;
    pub const AGG_CONF: usize = 216;
    pub const AGG_STATUS: usize = 224;
    /// End of the aggregate: everything read lies before it.
    pub const END: usize = 240;
}

/// Decodes a legacy price account owned by a Pyth oracle program.
pub fn read(owner: &Pubkey, data: &[u8]) -> Result<RawPrice> {
    require!(
        PYTH_ORACLE_PROGRAMS.contains(owner),
        BallastError::WrongOracleOwner
    );
    require!(data.len() >= offset::END, BallastError::InvalidOracleData);
    require!(
        u32_at(data, offset::MAGIC) == MAGIC,
        BallastError::LegacyOracleBadMagic
    );
    require!(
        u32_at(data, offset::VERSION) == VERSION,
        BallastError::LegacyOracleBadVersion
    );
    require!(
        u32_at(data, offset::ACCOUNT_TYPE) == ACCOUNT_TYPE_PRICE,
        BallastError::LegacyOracleWrongAccountType
    );
    Ok(RawPrice {
        trading: u32_at(data, offset::AGG_STATUS) == STATUS_TRADING,
        price: i64_at(data, offset::AGG_PRICE),
        conf: u64_at(data, offset::AGG_CONF),
        exponent: i32::from_le_bytes(bytes_at(data, offset::EXPONENT)),
        publish_time: i64_at(data, offset::TIMESTAMP),
        prev_publish_time: i64_at(data, offset::PREV_TIMESTAMP),
        ema_price: i64_at(data, offset::EMA_PRICE),
        ema_conf: u64_at(data, offset::EMA_CONF),
    })
}

/// `N` bytes at `at`; the caller has checked `data.len() >= offset::END`.
fn bytes_at<const N: usize>(data: &[u8], at: usize) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(&data[at..at + N]);
    out
}

fn u32_at(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes_at(data, at))
}

fn u64_at(data: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes_at(data, at))
}

fn i64_at(data: &[u8], at: usize) -> i64 {
    i64::from_le_bytes(bytes_at(data, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVNET: Pubkey = PYTH_ORACLE_PROGRAMS[1];
    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/pyth-legacy"
    );

    fn fixture(name: &str) -> Option<Vec<u8>> {
        std::fs::read(format!("{FIXTURES}/{name}.bin")).ok()
    }

    /// A price account as the layout describes it, trading at `price` now.
    fn synthetic(price: i64, publish_time: i64) -> Vec<u8> {
        let mut d = vec![0u8; 3_312];
        d[0..4].copy_from_slice(&MAGIC.to_le_bytes());
        d[4..8].copy_from_slice(&VERSION.to_le_bytes());
        d[8..12].copy_from_slice(&ACCOUNT_TYPE_PRICE.to_le_bytes());
        d[20..24].copy_from_slice(&(-8i32).to_le_bytes());
        d[48..56].copy_from_slice(&price.to_le_bytes());
        d[72..80].copy_from_slice(&900u64.to_le_bytes());
        d[96..104].copy_from_slice(&publish_time.to_le_bytes());
        d[200..208].copy_from_slice(&(publish_time - 2).to_le_bytes());
        d[208..216].copy_from_slice(&price.to_le_bytes());
        d[216..224].copy_from_slice(&1_000u64.to_le_bytes());
        d[224..228].copy_from_slice(&STATUS_TRADING.to_le_bytes());
        d
    }

    #[test]
    fn synthetic_account_decodes_every_field() {
        let raw = read(&DEVNET, &synthetic(123_456, 1_700_000_000)).unwrap();
        assert_eq!(
            raw,
            RawPrice {
                price: 123_456,
                conf: 1_000,
                exponent: -8,
                publish_time: 1_700_000_000,
                prev_publish_time: 1_699_999_998,
                ema_price: 123_456,
                ema_conf: 900,
                trading: true,
            }
        );
        // Mainnet's program owns accounts too; nothing else does.
        read(&PYTH_ORACLE_PROGRAMS[0], &synthetic(1, 1)).unwrap();
        assert_eq!(
            read(&Pubkey::new_unique(), &synthetic(1, 1)).unwrap_err(),
            BallastError::WrongOracleOwner.into()
        );
        assert_eq!(
            read(&DEVNET, &[0; 239]).unwrap_err(),
            BallastError::InvalidOracleData.into()
        );
    }

    /// The real devnet accounts of 2021 (tests/fixtures/pyth-legacy): values from its README.
    #[test]
    fn real_devnet_accounts_parse_and_are_stale_by_time() {
        let (Some(sol), Some(srm)) = (
            fixture("J83w4HKfqxwcq3BEMMkPFSppX3gqekLyLJBexebFVkix"),
            fixture("992moaMQKs32GKZ9dxi8keyM2bUmbrwBZpK4p2K6X5Vs"),
        ) else {
            panic!("fixtures missing under {FIXTURES}");
        };
        let raw = read(&DEVNET, &sol).unwrap();
        assert_eq!(
            (raw.price, raw.conf, raw.exponent),
            (32_112_500_000, 30_000_000, -9)
        );
        // Accounts from before timestamps and EMA were added: both zero.
        assert_eq!((raw.publish_time, raw.ema_price), (0, 0));
        let raw = read(&DEVNET, &srm).unwrap();
        assert_eq!(
            (raw.price, raw.conf, raw.exponent),
            (2_973_282_300, 2_155_806, -9)
        );
        assert_eq!(
            super::super::validate(&raw, 60, 100, 0, 1_700_000_000).unwrap_err(),
            BallastError::OraclePriceStale.into()
        );
    }

    #[test]
    fn each_parser_failure_has_its_error() {
        let good = synthetic(100, 1_700_000_000);
        let mut bad_magic = good.clone();
        bad_magic[0] ^= 1;
        assert_eq!(
            read(&DEVNET, &bad_magic).unwrap_err(),
            BallastError::LegacyOracleBadMagic.into()
        );
        let mut bad_version = good.clone();
        bad_version[4] = 1;
        assert_eq!(
            read(&DEVNET, &bad_version).unwrap_err(),
            BallastError::LegacyOracleBadVersion.into()
        );
        let mut not_trading = good.clone();
        not_trading[224] = 2; // halted: decoded, and refused as a price
        let halted = read(&DEVNET, &not_trading).unwrap();
        assert!(!halted.trading);
        assert_eq!(
            super::super::validate(&halted, 60, 10_000, 0, 1_700_000_000).unwrap_err(),
            BallastError::OracleNotTrading.into()
        );
        // The real product account next to the SOL/USD price: account type 2.
        let product = fixture("3Mnn2fX6rQyUsyELYms1sBJyChWofzSNRoqYzvgMVz5E").expect("fixture");
        assert_eq!(
            read(&DEVNET, &product).unwrap_err(),
            BallastError::LegacyOracleWrongAccountType.into()
        );
    }
}
