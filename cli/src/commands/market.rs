//! `ballast market create | show | update | emode-group | pause | unpause | transfer-admin |
//! accept-admin` (`lookup-table`: its own file)
use {
    super::{session::Report, CliError, MarketCommand, ProposeArgs, Session},
    crate::{
        effects::Before,
        fetch,
        format::{percent, usd},
        instructions as ix, pda,
        settings::{market_changes, EmodeGroupSettings, MarketSettings},
        views::{table, EmodeGroupView, ReserveView},
        Transport,
    },
    ballast::{
        instructions::InitMarketArgs,
        math::Fixed,
        state::{Market, MarketChange, MarketConfig},
    },
    serde_json::json,
    solana_sdk::pubkey::Pubkey,
    std::io::Write,
};

pub async fn run(
    session: &Session<'_, impl Transport>,
    command: &MarketCommand,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match command {
        MarketCommand::Create {
            id,
            admin,
            settings,
            propose,
        } => create(session, *id, *admin, settings, propose, out).await,
        MarketCommand::Show => show(session, out).await,
        MarketCommand::Update {
            settings,
            emergency_authority,
            propose,
        } => update(session, settings, *emergency_authority, propose, out).await,
        MarketCommand::EmodeGroup { settings, propose } => {
            emode_group(session, settings, propose, out).await
        }
        MarketCommand::Pause { propose } => pause(session, true, propose, out).await,
        MarketCommand::Unpause { propose } => pause(session, false, propose, out).await,
        MarketCommand::LookupTable => super::lookup_table::run(session, out).await,
        MarketCommand::TransferAdmin { new_admin, propose } => {
            transfer_admin(session, new_admin, propose, out).await
        }
        MarketCommand::AcceptAdmin { propose } => accept_admin(session, propose, out).await,
    }
}

async fn create(
    session: &Session<'_, impl Transport>,
    id: u64,
    admin: Option<Pubkey>,
    settings: &MarketSettings,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let config = settings.apply(&MarketConfig::default())?;
    let creator = match propose.authority {
        Some(key) => key,
        None => solana_sdk::signer::Signer::pubkey(&session.signer()?),
    };
    let market = pda::market(&creator, id);
    if session.transport.account(&market).await?.is_some() {
        return Err(CliError::Invalid(format!(
            "market {market} (creator {creator}, id {id}) already exists"
        )));
    }
    let build = |creator: &Pubkey| {
        vec![ix::init_market(
            creator,
            InitMarketArgs {
                market_id: id,
                admin: admin.unwrap_or(*creator),
                config,
            },
        )]
    };
    session
        .execute_admin(out, &format!("create market {market}"), build, propose, &[])
        .await
}

async fn show(session: &Session<'_, impl Transport>, out: &mut dyn Write) -> Result<(), CliError> {
    let (address, market) = session.market().await?;
    let mut reserves = Vec::new();
    for (key, _) in fetch::market_reserves(session.transport, &address).await? {
        reserves.push(ReserveView::fetch(session.transport, &key, &session.labels).await?);
    }
    let now = session.transport.clock().await?.unix_timestamp;
    let groups = EmodeGroupView::of_market(&market, &reserves, now);
    let none = |key: Pubkey| (key != Pubkey::default()).then(|| key.to_string());
    let c = &market.config;
    let json = json!({
        "address": address.to_string(),
        "admin": market.admin.to_string(),
        "pending_admin": none(market.pending_admin),
        "emergency_authority": none(market.emergency_authority),
        "market_id": market.market_id,
        "paused": market.is_paused(),
        "config": {
            "close_factor_bps": c.close_factor_bps,
            "full_liquidation_health_bps": c.full_liquidation_health_bps,
            "liquidation_dust_usd": c.liquidation_dust_usd,
            "oracle_outage_threshold_secs": c.oracle_outage_threshold_secs,
            "oracle_grace_period_secs": c.oracle_grace_period_secs,
        },
        "reserves": reserves.iter().map(ReserveView::json).collect::<Vec<_>>(),
        "emode_groups": groups.iter().map(EmodeGroupView::json).collect::<Vec<_>>(),
    });
    let mut text = format!(
        "{}\n{}",
        describe(&address, &market),
        if reserves.is_empty() {
            "(no reserves)".to_string()
        } else {
            ReserveView::table(&reserves)
        }
    );
    if !groups.is_empty() {
        text.push('\n');
        text.push_str(&EmodeGroupView::table(&groups));
    }
    session.emit(out, json, &text)
}

/// The market's keys and policy as label / value lines.
fn describe(address: &Pubkey, market: &Market) -> String {
    let c = &market.config;
    let key = |k: Pubkey| {
        if k == Pubkey::default() {
            "none".to_string()
        } else {
            k.to_string()
        }
    };
    let bps = |v: u16| percent(Fixed::from_bps(v.into()));
    table::pairs(vec![
        ("market", address.to_string()),
        ("admin", market.admin.to_string()),
        ("pending admin", key(market.pending_admin)),
        ("emergency authority", key(market.emergency_authority)),
        (
            "status",
            if market.is_paused() {
                "PAUSED"
            } else {
                "active"
            }
            .to_string(),
        ),
        ("close factor", bps(c.close_factor_bps)),
        (
            "full liquidation below health",
            bps(c.full_liquidation_health_bps),
        ),
        (
            "liquidation dust",
            usd(Fixed::from_u64(c.liquidation_dust_usd.into())),
        ),
        (
            "oracle outage / grace",
            format!(
                "{} s / {} s",
                c.oracle_outage_threshold_secs, c.oracle_grace_period_secs
            ),
        ),
    ])
}

async fn update(
    session: &Session<'_, impl Transport>,
    settings: &MarketSettings,
    emergency_authority: Option<Pubkey>,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (address, market) = session.market().await?;
    let mut changes = market_changes(&market.config, &settings.apply(&market.config)?);
    if let Some(key) = emergency_authority.filter(|k| *k != market.emergency_authority) {
        changes.push(MarketChange::EmergencyAuthority(key));
    }
    if changes.is_empty() {
        return session.emit(
            out,
            json!({"action": "update market", "changes": []}),
            "update market: nothing to change",
        );
    }
    let build = |admin: &Pubkey| {
        changes
            .iter()
            .map(|c| ix::update_market(admin, &address, *c))
            .collect()
    };
    session
        .execute_admin_reporting(
            out,
            "update market",
            build,
            propose,
            &[],
            &before(address, market),
        )
        .await
}

/// The market as it is, so its updates read "field: old -> new".
fn before(address: Pubkey, market: Market) -> Report {
    Report {
        before: Before {
            markets: vec![(address, market)],
            ..Before::default()
        },
        ..Report::default()
    }
}

/// Configures one e-mode group: its settings over the stored group, checked against the
/// program's rules before anything is sent.
async fn emode_group(
    session: &Session<'_, impl Transport>,
    settings: &EmodeGroupSettings,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (address, market) = session.market().await?;
    let action = format!("set e-mode group {}", settings.id);
    let Some(change) = settings.change(&market.emode_groups)? else {
        return session.emit(
            out,
            json!({"action": action, "changes": []}),
            &format!("{action}: nothing to change"),
        );
    };
    let build = |admin: &Pubkey| vec![ix::update_market(admin, &address, change)];
    session
        .execute_admin_reporting(out, &action, build, propose, &[], &before(address, market))
        .await
}

async fn pause(
    session: &Session<'_, impl Transport>,
    paused: bool,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (address, _) = session.market().await?;
    let action = if paused {
        "pause market"
    } else {
        "unpause market"
    };
    let build = |authority: &Pubkey| vec![ix::set_pause(authority, &address, paused)];
    session
        .execute_admin(out, action, build, propose, &[])
        .await
}

/// The key that will sign an admin action: --authority with --print-message, else the keypair.
fn acting_key(
    session: &Session<'_, impl Transport>,
    propose: &ProposeArgs,
) -> Result<Pubkey, CliError> {
    match propose.authority {
        Some(key) => Ok(key),
        None => Ok(solana_sdk::signer::Signer::pubkey(&session.signer()?)),
    }
}

async fn transfer_admin(
    session: &Session<'_, impl Transport>,
    new_admin: &Pubkey,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (address, market) = session.market().await?;
    let signer = acting_key(session, propose)?;
    if signer != market.admin {
        return Err(CliError::Invalid(format!(
            "{signer} is not the admin of market {address} (its admin is {})",
            market.admin
        )));
    }
    if *new_admin == market.admin {
        return Err(CliError::Invalid(format!(
            "{new_admin} is already the admin of market {address}"
        )));
    }
    let action = if *new_admin == Pubkey::default() {
        "withdraw the pending admin proposal".to_string()
    } else {
        format!("propose {new_admin} as admin of market {address}")
    };
    let build = |admin: &Pubkey| vec![ix::transfer_admin(admin, &address, new_admin)];
    session
        .execute_admin(out, &action, build, propose, &[])
        .await
}

async fn accept_admin(
    session: &Session<'_, impl Transport>,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (address, market) = session.market().await?;
    let signer = acting_key(session, propose)?;
    if market.pending_admin == Pubkey::default() {
        return Err(CliError::Invalid(format!(
            "market {address} has no pending admin: its admin proposes one with `market transfer-admin`"
        )));
    }
    if signer != market.pending_admin {
        return Err(CliError::Invalid(format!(
            "{signer} is not the proposed admin of market {address} (the proposal is for {})",
            market.pending_admin
        )));
    }
    let action = format!("accept the admin of market {address}");
    let build = |pending: &Pubkey| vec![ix::accept_admin(pending, &address)];
    session
        .execute_admin(out, &action, build, propose, &[])
        .await
}
