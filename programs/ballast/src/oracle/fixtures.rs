//! Real oracle accounts (`tests/fixtures/`, copied from `../shared/fixtures/`: their sources and
//! decoded values are in its SOURCES.md), for the decoders' tests.
use {anchor_lang::prelude::Pubkey, base64::Engine, std::str::FromStr};

/// `(address, owner, data)` of the fixture at `path` (relative to `tests/fixtures/`), a
/// `solana account --output json` file.
pub fn account(path: &str) -> (Pubkey, Pubkey, Vec<u8>) {
    let file = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let key = |v: &serde_json::Value| Pubkey::from_str(v.as_str().unwrap()).unwrap();
    let data = base64::engine::general_purpose::STANDARD
        .decode(json["account"]["data"][0].as_str().unwrap())
        .unwrap();
    (key(&json["pubkey"]), key(&json["account"]["owner"]), data)
}
