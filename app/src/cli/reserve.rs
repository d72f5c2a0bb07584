//! `ballast reserve add | show | update`
use {
    super::{CliError, OracleKind, Preset, ProposeArgs, ReserveCommand, Session},
    crate::{
        amount::UiAmount,
        effects::AssetInfo,
        fetch, instructions as ix, presets,
        settings::{reserve_changes, ReserveSettings},
        spl,
        views::ReserveView,
        ReserveKeys, Transport,
    },
    anchor_lang::AccountDeserialize,
    ballast::{
        instructions::InitReserveArgs,
        state::{OracleSource, ReserveConfig},
    },
    pyth_solana_receiver_sdk::price_update::{get_feed_id_from_hex, PriceUpdateV2},
    serde_json::json,
    solana_sdk::pubkey::Pubkey,
    std::io::Write,
};

pub async fn run(
    session: &Session<'_, impl Transport>,
    command: &ReserveCommand,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match command {
        ReserveCommand::Add {
            mint,
            oracle,
            oracle_source,
            feed_id,
            preset,
            settings,
            seed,
            permanent_delegate_acknowledged,
            propose,
        } => {
            let listing = Listing {
                mint: *mint,
                oracle: *oracle,
                oracle_source: *oracle_source,
                feed_id: feed_id.as_deref(),
                preset: *preset,
                settings,
                seed,
                permanent_delegate_acknowledged: *permanent_delegate_acknowledged,
            };
            add(session, &listing, propose, out).await
        }
        ReserveCommand::Show { reserve } => show(session, reserve.as_deref(), out).await,
        ReserveCommand::Update {
            reserve,
            settings,
            propose,
        } => update(session, reserve, settings, propose, out).await,
    }
}

struct Listing<'a> {
    mint: Pubkey,
    oracle: Option<Pubkey>,
    oracle_source: OracleKind,
    feed_id: Option<&'a str>,
    preset: Preset,
    settings: &'a ReserveSettings,
    seed: &'a UiAmount,
    permanent_delegate_acknowledged: bool,
}

fn preset(preset: Preset) -> ReserveConfig {
    match preset {
        Preset::Stablecoin => presets::stablecoin(),
        Preset::Volatile => presets::volatile(),
        Preset::Base => presets::base(),
    }
}

/// The feed id given in hex, else the one a `PriceUpdateV2` account carries (legacy: unused).
async fn feed_id(
    session: &Session<'_, impl Transport>,
    listing: &Listing<'_>,
) -> Result<[u8; 32], CliError> {
    if let Some(hex) = listing.feed_id {
        return parse_feed_id(hex);
    }
    if listing.oracle_source == OracleKind::PythLegacy {
        return Ok([0; 32]);
    }
    let oracle = listing.oracle.ok_or_else(|| {
        CliError::Invalid("pass --oracle (the price account), --feed-id, or both".into())
    })?;
    let account = fetch::account(session.transport, &oracle).await?;
    let update = PriceUpdateV2::try_deserialize(&mut account.data.as_slice()).map_err(|_| {
        CliError::Invalid(format!(
            "oracle {oracle} is not a Pyth PriceUpdateV2 account; pass --feed-id or --oracle-source"
        ))
    })?;
    Ok(update.price_message.feed_id)
}

fn parse_feed_id(hex: &str) -> Result<[u8; 32], CliError> {
    get_feed_id_from_hex(hex)
        .map_err(|_| CliError::Invalid(format!("--feed-id {hex}: expected 64 hex digits")))
}

async fn add(
    session: &Session<'_, impl Transport>,
    listing: &Listing<'_>,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (market, _) = session.market().await?;
    let mint_account = fetch::account(session.transport, &listing.mint).await?;
    let token_program = mint_account.owner;
    let decimals = crate::accounts::mint_decimals(&listing.mint, &mint_account)?;
    let mut config = listing.settings.apply(&preset(listing.preset), decimals)?;
    config.permanent_delegate_acknowledged = u8::from(listing.permanent_delegate_acknowledged);
    let feed_id = feed_id(session, listing).await?;
    // Without --oracle: Pyth's sponsored price feed account for the feed (shard 0).
    let oracle = match (listing.oracle, listing.oracle_source) {
        (Some(oracle), _) => oracle,
        (None, OracleKind::PythPull) => crate::pyth::sponsored_feed_account(0, &feed_id),
        (None, OracleKind::PythLegacy) => {
            return Err(CliError::Invalid(
                "a legacy Pyth reserve needs --oracle".into(),
            ))
        }
    };
    let keys = ReserveKeys::new(market, listing.mint, token_program, oracle);
    if session.transport.account(&keys.address).await?.is_some() {
        return Err(CliError::Invalid(format!(
            "mint {} is already listed in market {market} (reserve {})",
            listing.mint, keys.address
        )));
    }
    if listing.seed.is_max() {
        return Err(CliError::Invalid("--seed takes an exact amount".into()));
    }
    let seed_amount = listing.seed.to_base(decimals)?;
    let oracle_source = match listing.oracle_source {
        OracleKind::PythPull => OracleSource::PythPull,
        OracleKind::PythLegacy => OracleSource::PythLegacy,
    };
    let args = InitReserveArgs {
        config,
        oracle_source,
        oracle_feed_id: feed_id,
        seed_amount,
    };
    let authority = match propose.authority {
        Some(key) => key,
        None => solana_sdk::signer::Signer::pubkey(&session.signer()?),
    };
    let symbol = session.labels.name(&listing.mint);
    let seed_source = spl::associated_account(&authority, &listing.mint, &token_program);
    session
        .require_balance(&seed_source, seed_amount, |v| {
            format!("{} {symbol}", crate::format::units(v, decimals))
        })
        .await?;
    let build = |admin: &Pubkey| {
        let source = spl::associated_account(admin, &listing.mint, &token_program);
        vec![ix::init_reserve(admin, admin, &keys, &source, args.clone())]
    };
    let asset = AssetInfo {
        reserve: keys.address,
        symbol: symbol.clone(),
        decimals,
    };
    session
        .execute_admin(
            out,
            &format!("add reserve {} for {symbol}", keys.address),
            build,
            propose,
            &[asset],
        )
        .await
}

async fn show(
    session: &Session<'_, impl Transport>,
    name: Option<&str>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let Some(name) = name else {
        let (market, _) = session.market().await?;
        let mut views = Vec::new();
        for (key, _) in fetch::market_reserves(session.transport, &market).await? {
            views.push(ReserveView::fetch(session.transport, &key, &session.labels).await?);
        }
        let json = json!(views.iter().map(ReserveView::json).collect::<Vec<_>>());
        return session.emit(out, json, &ReserveView::table(&views));
    };
    let reserve = session.reserve(name).await?;
    let view = ReserveView::fetch(session.transport, &reserve.address, &session.labels).await?;
    session.emit(out, view.json(), &view.detail())
}

async fn update(
    session: &Session<'_, impl Transport>,
    name: &str,
    settings: &ReserveSettings,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let reserve = session.reserve(name).await?;
    let old = reserve.reserve.config;
    let changes = reserve_changes(&old, &settings.apply(&old, reserve.decimals())?);
    let action = format!("update reserve {}", reserve.symbol);
    if changes.is_empty() {
        return session.emit(
            out,
            json!({"action": action, "changes": []}),
            &format!("{action}: nothing to change"),
        );
    }
    let build = |admin: &Pubkey| {
        changes
            .iter()
            .map(|c| ix::update_reserve(admin, &reserve.keys, *c))
            .collect()
    };
    session
        .execute_admin(out, &action, build, propose, &[reserve.asset()])
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_feed_ids() {
        let hex = "ef0d8b6fda2ceba41da15d4095d1da392a0d2f8ed0c6c7bc0f4cfac8c280b56d";
        let id = parse_feed_id(hex).unwrap();
        assert_eq!((id[0], id[31]), (0xef, 0x6d));
        assert_eq!(parse_feed_id(&format!("0x{hex}")).unwrap(), id);
        assert!(parse_feed_id("ef0d").is_err());
        assert!(parse_feed_id(&"zz".repeat(32)).is_err());
    }
}
