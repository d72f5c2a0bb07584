//! Real mainnet oracle accounts (`programs/ballast/tests/fixtures/`, with their sources and
//! decoded values in `../shared/fixtures/SOURCES.md`) for bank tests, with the fields a test
//! must move (publish times, a stake pool's mint and epoch) rewritten in place.
use {
    base64::Engine,
    solana_sdk::{account::Account, pubkey::Pubkey},
    std::str::FromStr,
};

/// `(address, account)` of the `solana account --output json` fixture at `path`.
pub fn load(path: &str) -> (Pubkey, Account) {
    let file = format!(
        "{}/../programs/ballast/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    let key = |v: &serde_json::Value| Pubkey::from_str(v.as_str().expect("key")).expect("key");
    let data = base64::engine::general_purpose::STANDARD
        .decode(json["account"]["data"][0].as_str().expect("data"))
        .expect("base64");
    let account = Account {
        lamports: 1_000_000_000,
        data,
        owner: key(&json["account"]["owner"]),
        executable: false,
        rent_epoch: 0,
    };
    (key(&json["pubkey"]), account)
}

fn write(account: &mut Account, at: usize, bytes: &[u8]) {
    account.data[at..at + bytes.len()].copy_from_slice(bytes);
}

/// Pyth's SOL/USD `PriceUpdateV2` of 2025-01-04 (price 21,568,137,069 x 10^-8, EMA
/// 21,616,020,100), published at `at`.
pub fn pyth_sol(at: i64) -> (Pubkey, Account) {
    let (key, mut account) = load("pyth-pull/7UVimffxr9ow1uXYxsr4LHAcV58mLzhmwaeKvJ1pjLiE.json");
    write(&mut account, 93, &at.to_le_bytes());
    write(&mut account, 101, &at.to_le_bytes());
    (key, account)
}

/// The feed id a `PriceUpdateV2` carries.
pub fn pyth_feed_id(account: &Account) -> [u8; 32] {
    account.data[41..73].try_into().expect("32 bytes")
}

/// Switchboard's SOL/USD pull feed of 2024-08-09 (155.594045270, std dev 0.24016179), updated
/// at `at`.
pub fn switchboard_sol(at: i64) -> (Pubkey, Account) {
    let (key, mut account) = load("switchboard/BSzfJs4d1tAkSDqkepnfzEVcx2WtDVnwwXa2giy9PLeP.json");
    write(&mut account, 2_216, &at.to_le_bytes());
    (key, account)
}

/// The feed hash a Switchboard pull feed carries.
pub fn switchboard_hash(account: &Account) -> [u8; 32] {
    account.data[2_120..2_152].try_into().expect("32 bytes")
}

/// The Jito stake pool (total lamports 6,636,671,656,500,264 for 6,182,849,530,219,135 pool
/// tokens, last updated in epoch 539), for pool token `mint` (a test's own jitoSOL mint).
pub fn jito_pool(mint: &Pubkey) -> (Pubkey, Account) {
    let (key, mut account) = load("stake-pool/Jito4APyf642JPZPx3hGc6WWJ8zPKtRbRs4P815Awbb.json");
    write(&mut account, 162, mint.as_ref());
    (key, account)
}

/// Sanctum's jupSOL pool: the SPL layout, owned by another program.
pub fn sanctum_pool() -> (Pubkey, Account) {
    load("stake-pool/8VpRhuxa7sUUepdY3kQiTmX9rS5vx4WgaXiAnXq4KCtr.json")
}
