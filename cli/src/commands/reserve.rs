//! `ballast reserve add | show | update | collect-fees`
use {
    super::{
        session::{NamedReserve, Report},
        CliError, OracleArgs, ProposeArgs, ReserveCommand, Session,
    },
    crate::{
        amount::UiAmount,
        effects::{AssetInfo, Before},
        fetch, instructions as ix,
        listing::{Listing, PreparedListing},
        oracle_spec::OracleSpec,
        settings::{reserve_changes, ReserveSettings},
        spl,
        views::ReserveView,
        ClientError, Transport,
    },
    ballast::{
        logic::projected,
        math::Fixed,
        state::{ReserveChange, ReserveConfig},
    },
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
            preset,
            settings,
            seed,
            permanent_delegate_acknowledged,
            propose,
        } => {
            let listing = Listing {
                mint: session.mint(mint)?,
                oracles: oracle.spec().map_err(CliError::Invalid)?,
                preset: *preset,
                settings: settings.clone(),
                seed: seed.clone(),
                permanent_delegate_acknowledged: *permanent_delegate_acknowledged,
            };
            add(session, &listing, propose, out).await
        }
        ReserveCommand::Show { reserve } => show(session, reserve.as_deref(), out).await,
        ReserveCommand::Update {
            reserve,
            settings,
            oracle,
            propose,
        } => update(session, reserve, settings, oracle, propose, out).await,
        ReserveCommand::CollectFees {
            reserve,
            amount,
            to,
            propose,
        } => collect_fees(session, reserve, amount, *to, propose, out).await,
    }
}

/// `withdraw_protocol_fees`: collects the protocol's fees into the fee vault (as far as the
/// pool's liquidity allows) and pays `amount` (`max`: all the vault then holds) to `to`, by
/// default the admin's associated account, created if missing (for native SOL: unwrapped
/// into the admin's wallet after).
async fn collect_fees(
    session: &Session<'_, impl Transport>,
    name: &str,
    amount: &UiAmount,
    to: Option<Pubkey>,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let reserve = session.reserve(name).await?;
    let amount = if amount.is_max() {
        u64::MAX
    } else {
        match amount.to_base(reserve.decimals())? {
            0 => return Err(CliError::Invalid("amount must be greater than zero".into())),
            amount => amount,
        }
    };
    let (mint, token_program) = (reserve.keys.liquidity_mint, reserve.keys.token_program);
    let native = mint == anchor_spl::token::spl_token::native_mint::ID;
    let build = |admin: &Pubkey| {
        let mut ixs = Vec::new();
        let destination = to.unwrap_or_else(|| {
            ixs.push(spl::create_associated_account(
                admin,
                admin,
                &mint,
                &token_program,
            ));
            spl::associated_account(admin, &mint, &token_program)
        });
        ixs.push(ix::withdraw_protocol_fees(
            admin,
            &reserve.keys,
            &destination,
            amount,
        ));
        if native && to.is_none() {
            ixs.push(super::lending::unwrap_sol(admin, &reserve));
        }
        ixs
    };
    let action = match amount {
        u64::MAX => format!("collect the protocol fees of reserve {}", reserve.symbol),
        amount => format!(
            "collect {} of protocol fees from reserve {}",
            reserve.units(amount),
            reserve.symbol
        ),
    };
    let report = Report {
        before: Before {
            reserves: vec![(reserve.address, reserve.reserve)],
            ..Before::default()
        },
        warnings: Vec::new(),
    };
    session
        .execute_admin_reporting(out, &action, build, propose, &[reserve.asset()], &report)
        .await
}

async fn add(
    session: &Session<'_, impl Transport>,
    listing: &Listing,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (market, _) = session.market().await?;
    let PreparedListing {
        keys,
        args,
        decimals,
    } = listing.prepare(session.transport, &market).await?;
    if session.transport.account(&keys.address).await?.is_some() {
        return Err(CliError::Invalid(format!(
            "mint {} is already listed in market {market} (reserve {})",
            listing.mint, keys.address
        )));
    }
    let authority = match propose.authority {
        Some(key) => key,
        None => solana_sdk::signer::Signer::pubkey(&session.signer()?),
    };
    let symbol = session.labels.name(&listing.mint);
    let seed_source = spl::associated_account(&authority, &listing.mint, &keys.token_program);
    session
        .require_balance(&seed_source, args.seed_amount, |v| {
            format!("{} {symbol}", crate::format::units(v, decimals))
        })
        .await?;
    let build = |admin: &Pubkey| {
        let source = spl::associated_account(admin, &listing.mint, &keys.token_program);
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
    oracle: &OracleArgs,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let reserve = session.reserve(name).await?;
    let old = reserve.reserve.config;
    let ramp = settings.threshold_ramp_secs.unwrap_or(0);
    let new = settings.apply(&old, reserve.decimals())?;
    let mut changes = reserve_changes(&old, &new, ramp);
    if oracle.given() {
        changes.extend(sources_change(session, &reserve, oracle).await?);
    }
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
            .map(|c| ix::update_reserve(admin, &reserve.keys, c.clone()))
            .collect()
    };
    let report = Report {
        before: Before {
            reserves: vec![(reserve.address, reserve.reserve)],
            ..Before::default()
        },
        warnings: cap_warnings(session, &reserve, &new).await?,
    };
    session
        .execute_admin_reporting(out, &action, build, propose, &[reserve.asset()], &report)
        .await
}

/// The one `OracleSources` change the source flags ask for (the full new list), or none when
/// it is the reserve's already. Checked before anything is sent.
async fn sources_change(
    session: &Session<'_, impl Transport>,
    reserve: &NamedReserve,
    oracle: &OracleArgs,
) -> Result<Option<ReserveChange>, CliError> {
    let current = &reserve.reserve.oracles;
    let spec = oracle.spec().map_err(CliError::Invalid)?;
    let max_divergence_bps = (oracle.max_divergence_bps).unwrap_or(current.max_divergence_bps);
    let sources = if spec.sources.is_empty() {
        if oracle.stake_pool.is_some() || oracle.marinade.is_some() {
            return Err(CliError::Invalid(
                "--stake-pool and --marinade apply to the sources given with --oracle".into(),
            ));
        }
        // --max-divergence-bps alone: the sources stay (clap bounds the divergence).
        current.configured().to_vec()
    } else {
        let spec = OracleSpec {
            max_divergence_bps,
            ..spec
        };
        spec.resolve(session.transport).await?
    };
    if sources == current.configured() && max_divergence_bps == current.max_divergence_bps {
        return Ok(None);
    }
    Ok(Some(ReserveChange::OracleSources {
        sources,
        max_divergence_bps,
    }))
}

/// A deposit (borrow) cap set below what the reserve holds (lends) refuses every deposit
/// (borrow) until the supply (debt) falls under it: said, not refused, as the admin may mean
/// it (winding a reserve down).
async fn cap_warnings(
    session: &Session<'_, impl Transport>,
    reserve: &NamedReserve,
    new: &ReserveConfig,
) -> Result<Vec<String>, CliError> {
    let old = &reserve.reserve.config;
    if (old.deposit_cap, old.borrow_cap) == (new.deposit_cap, new.borrow_cap) {
        return Ok(Vec::new());
    }
    let now = session.transport.clock().await?.unix_timestamp;
    let liquidity = projected(&reserve.reserve.liquidity, old, now).map_err(ClientError::from)?;
    let supplied = liquidity.total_supply().map_err(ClientError::from)?;
    let borrowed = liquidity.borrowed();
    let below = |cap: u64, held: Fixed| Fixed::from_u64(cap) < held;
    let floor = |v: Fixed| v.to_floor().map_err(ClientError::from);
    let mut warnings = Vec::new();
    if new.deposit_cap != old.deposit_cap && below(new.deposit_cap, supplied) {
        warnings.push(format!(
            "the deposit cap {} is below the {} supplied: deposits are refused until the supply \
             falls under it",
            reserve.units(new.deposit_cap),
            reserve.units(floor(supplied)?)
        ));
    }
    if new.borrow_cap != old.borrow_cap && below(new.borrow_cap, borrowed) {
        warnings.push(format!(
            "the borrow cap {} is below the {} borrowed: borrows are refused until the debt falls \
             under it",
            reserve.units(new.borrow_cap),
            reserve.units(floor(borrowed)?)
        ));
    }
    Ok(warnings)
}
