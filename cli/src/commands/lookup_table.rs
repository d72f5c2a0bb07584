//! `ballast market lookup-table`: creates the market's address lookup table, or brings the one
//! named by `--lookup-table` up to date, with every account its large transactions name.
use {
    super::{CliError, Session},
    crate::{fetch, lookup, ReserveKeys, Transport},
    serde_json::json,
    solana_sdk::{message::AddressLookupTableAccount, signer::Signer},
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
            let (create, address) = lookup::create(&me, &me, lookup::recent_slot(t).await?);
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
