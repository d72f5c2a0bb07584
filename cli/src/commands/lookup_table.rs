//! `ballast market lookup-table`: creates the market's address lookup table, or brings the one
//! named by `--lookup-table` up to date, with every account its large transactions name.
use {
    super::{CliError, Session},
    crate::{fetch, lookup, ReserveKeys, Transport},
    serde_json::json,
    solana_sdk::{message::AddressLookupTableAccount, signer::Signer, sysvar},
    std::io::Write,
};

pub async fn run(
    session: &Session<'_, impl Transport>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let signer = session.signer()?;
    let me = signer.pubkey();
    let t = session.transport;
    let (market, _) = session.market().await?;
    let reserves: Vec<ReserveKeys> = fetch::market_reserves(t, &market)
        .await?
        .iter()
        .map(|(address, r)| ReserveKeys::from_reserve(*address, r))
        .collect();
    let wanted = lookup::market_addresses(&market, &reserves);
    let (table, created) = match session.lookup_table {
        Some(address) => (lookup::fetch(t, &address).await?, false),
        None => {
            let (create, address) = lookup::create(&me, &me, recent_slot(session).await?);
            if !session.dry_run {
                t.send(&[create], &[&signer]).await?;
            }
            let empty = AddressLookupTableAccount {
                key: address,
                addresses: Vec::new(),
            };
            (empty, true)
        }
    };
    let extends = lookup::extend(&table, &me, &me, &wanted);
    if !session.dry_run {
        for extend in &extends {
            t.send(std::slice::from_ref(extend), &[&signer]).await?;
        }
    }
    let added = wanted.len()
        - wanted
            .iter()
            .filter(|a| table.addresses.contains(a))
            .count();
    let verb = if session.dry_run {
        "would add"
    } else {
        "added"
    };
    let display = format!(
        "lookup table {} ({}): {} of the market's {} accounts {verb}{}",
        table.key,
        if created { "new" } else { "existing" },
        added,
        wanted.len(),
        if created && !session.dry_run {
            format!(
                "\nuse it with --lookup-table {0} or BALLAST_LOOKUP_TABLE={0}",
                table.key
            )
        } else {
            String::new()
        },
    );
    let json = json!({
        "lookup_table": table.key.to_string(),
        "created": created,
        "added": added,
        "addresses": wanted.len(),
        "dry_run": session.dry_run,
    });
    session.emit(out, json, &display)
}

/// The newest slot of the SlotHashes sysvar: a lookup table's address derives from a recent
/// slot the program finds there.
async fn recent_slot(session: &Session<'_, impl Transport>) -> Result<u64, CliError> {
    let account = fetch::account(session.transport, &sysvar::slot_hashes::ID).await?;
    // Bincode: the entry count (u64), then (slot u64, hash) pairs, newest first.
    let slot = account
        .data
        .get(8..16)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .ok_or_else(|| CliError::Invalid("the SlotHashes sysvar is empty".into()))?;
    Ok(slot)
}
