//! `ballast obligation create | show | list | close | emode | socialize-bad-debt`
use {
    super::{session::NamedReserve, CliError, ObligationCommand, ProposeArgs, Session},
    crate::{
        events, fetch,
        format::{decimal, units},
        instructions as ix,
        views::ObligationView,
        ClientError, ObligationKeys, Transport,
    },
    ballast::{
        events::BadDebtSocialized,
        logic::emode::{require_borrowable, require_member},
        math::Fixed,
        state::emode_group,
    },
    serde_json::json,
    solana_sdk::{pubkey::Pubkey, signer::Signer},
    std::io::Write,
};

pub async fn run(
    session: &Session<'_, impl Transport>,
    command: &ObligationCommand,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match command {
        ObligationCommand::Create { id, propose } => {
            let (market, _) = session.market().await?;
            let owner = session.authority(propose)?;
            let keys = ObligationKeys::new(market, owner, *id);
            if session.transport.account(&keys.address).await?.is_some() {
                return Err(CliError::Invalid(format!(
                    "obligation {} (id {id}) already exists",
                    keys.address
                )));
            }
            let open = ix::init_obligation(&owner, &keys, *id);
            session
                .execute_as(
                    out,
                    &format!("create obligation {}", keys.address),
                    &[open],
                    propose,
                    &[],
                )
                .await
        }
        ObligationCommand::Show { address, owner, id } => {
            let address = match address {
                Some(a) => *a,
                None => {
                    let (market, _) = session.market().await?;
                    let owner = match owner {
                        Some(o) => *o,
                        None => session.signer()?.pubkey(),
                    };
                    crate::pda::obligation(&market, &owner, *id)
                }
            };
            let view = ObligationView::fetch(session.transport, &address, &session.labels)
                .await
                .map_err(|e| not_found(e, &address))?;
            session.emit(out, view.json(), &view.render())
        }
        ObligationCommand::Emode { group, id, propose } => {
            set_emode(session, *group, *id, propose, out).await
        }
        ObligationCommand::List { owner } => list(session, owner.as_ref(), out).await,
        ObligationCommand::Close { id, propose } => close(session, *id, propose, out).await,
        ObligationCommand::SocializeBadDebt { obligation } => {
            socialize_bad_debt(session, obligation, out).await
        }
    }
}

/// Writes off the debt of `address`, which has no collateral left, in each of its debt
/// reserves (one `socialize_bad_debt` each, in one transaction), and reports each write-off
/// from the program's `BadDebtSocialized` events: the amount, and what a cToken of the reserve
/// is worth before and after (its suppliers bear the loss).
async fn socialize_bad_debt(
    session: &Session<'_, impl Transport>,
    address: &Pubkey,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let obligation = fetch::obligation(session.transport, address)
        .await
        .map_err(|e| not_found(e, address))?;
    let named = |key: Pubkey| async move {
        let reserve = fetch::reserve(session.transport, &key).await?;
        Ok::<_, CliError>(session.named(key, reserve))
    };
    if !obligation.collaterals().is_empty() {
        let mut held = Vec::new();
        for c in obligation.collaterals() {
            held.push(named(c.reserve).await?.symbol);
        }
        return Err(CliError::Invalid(format!(
            "obligation {address} still has collateral ({}): only debt with no collateral left \
             is written off; liquidate it instead",
            held.join(", ")
        )));
    }
    if !obligation.has_debt() {
        return Err(CliError::Invalid(format!(
            "obligation {address} has no debt: nothing to write off"
        )));
    }
    let signer = session.signer()?;
    let mut reserves: Vec<NamedReserve> = Vec::new();
    for b in obligation.borrows() {
        reserves.push(named(b.reserve).await?);
    }
    let instructions: Vec<_> = reserves
        .iter()
        .map(|r| ix::socialize_bad_debt(&signer.pubkey(), &r.keys, address))
        .collect();
    let outcome = if session.dry_run {
        session
            .transport
            .simulate(&instructions, &[&signer])
            .await?
    } else {
        session.transport.send(&instructions, &[&signer]).await?
    };
    let mut lines = Vec::new();
    let mut written_off = Vec::new();
    for e in events::decode::<BadDebtSocialized>(&outcome.event_data) {
        let Some(r) = reserves.iter().find(|r| r.address == e.header.reserve) else {
            continue;
        };
        let debt = Fixed::from_raw(e.written_off_sf)
            .to_ceil()
            .unwrap_or(u64::MAX);
        let rate = |sf| decimal(Fixed::from_raw(sf), 6);
        let (before, after) = (
            rate(e.exchange_rate_before_sf),
            rate(e.exchange_rate_after_sf),
        );
        lines.push(format!(
            "{} in the {} reserve: 1 c{} now worth {after} {} (was {before})",
            r.units(debt),
            r.symbol,
            r.symbol,
            r.symbol
        ));
        written_off.push(json!({
            "reserve": r.address.to_string(),
            "symbol": r.symbol,
            "amount": units(debt, r.decimals()).replace(',', ""),
            "exchange_rate_before": before,
            "exchange_rate_after": after,
        }));
    }
    let signature = (!session.dry_run).then(|| outcome.signature.to_string());
    let mut display = if session.dry_run {
        format!("dry run: would write off the bad debt of obligation {address} (nothing was sent):")
    } else {
        format!("wrote off the bad debt of obligation {address}:")
    };
    for line in &lines {
        display.push_str(&format!("\n  - {line}"));
    }
    if let Some(sig) = &signature {
        display.push_str(&format!("\nsignature {sig}"));
    }
    session.emit(
        out,
        json!({
            "action": "socialize bad debt",
            "obligation": address.to_string(),
            "dry_run": session.dry_run,
            "signature": signature,
            "written_off": written_off,
        }),
        &display,
    )
}

/// "e-mode group 2", or "no e-mode group" for 0.
fn group_name(id: u8) -> String {
    if id == 0 {
        "no e-mode group".into()
    } else {
        format!("e-mode group {id}")
    }
}

/// Moves the signer's obligation `id` into e-mode `group` (0: out of e-mode). A group that is
/// not configured, and a position whose reserve the group does not take, are refused here with
/// the position named (by the program's own rules); the program checks the borrow limit.
async fn set_emode(
    session: &Session<'_, impl Transport>,
    group: u8,
    id: u16,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (market, state) = session.market().await?;
    let owner = session.authority(propose)?;
    let address = crate::pda::obligation(&market, &owner, id);
    let obligation = fetch::obligation(session.transport, &address)
        .await
        .map_err(|e| not_found(e, &address))?;
    let previous = obligation.emode_group;
    let action = match (previous, group) {
        (0, to) => format!("enter e-mode group {to}"),
        (from, 0) => format!("leave e-mode group {from}"),
        (from, to) => format!("move from e-mode group {from} to {to}"),
    };
    if previous == group {
        return session.emit(
            out,
            json!({"action": action, "obligation": address.to_string(), "changes": []}),
            &format!(
                "obligation {address} is {}in {}: nothing to change",
                if group == 0 { "" } else { "already " },
                group_name(group)
            ),
        );
    }
    if group != 0 {
        let refused = |why: String| {
            CliError::Invalid(format!(
                "obligation {address} cannot enter e-mode group {group}: {why}"
            ))
        };
        emode_group(&state.emode_groups, group).map_err(|_| {
            refused(format!(
                "market {market} has no such group configured (`ballast market show` lists them)"
            ))
        })?;
        for c in obligation.collaterals() {
            let r = fetch::reserve(session.transport, &c.reserve).await?;
            let symbol = session.labels.name(&r.liquidity_mint);
            if require_member(group, r.config.emode_groups).is_err() {
                return Err(refused(format!(
                    "its {symbol} collateral is not a member of the group (withdraw it first)"
                )));
            }
        }
        for b in obligation.borrows() {
            let r = fetch::reserve(session.transport, &b.reserve).await?;
            let symbol = session.labels.name(&r.liquidity_mint);
            let masks = (r.config.emode_groups, r.config.emode_debt_groups);
            if require_member(group, masks.0).is_err() {
                return Err(refused(format!(
                    "its {symbol} debt is not a member of the group (repay it first)"
                )));
            }
            if require_borrowable(group, &state.emode_groups, masks).is_err() {
                return Err(refused(format!(
                    "the group lends only its listed debt reserves, and its {symbol} debt is not \
                     one (repay it first)"
                )));
            }
        }
    }
    let keys = fetch::obligation_keys(session.transport, &address).await?;
    let instruction = ix::set_obligation_emode(&keys, group);
    session
        .execute_as(
            out,
            &format!("{action} for obligation {address}"),
            &[instruction],
            propose,
            &[],
        )
        .await
}

/// `AccountNotFound` of the obligation itself as the CLI's own, clearer error.
pub fn not_found(e: ClientError, obligation: &Pubkey) -> CliError {
    match e {
        ClientError::AccountNotFound(key) if key == *obligation => {
            CliError::ObligationNotFound(key)
        }
        other => other.into(),
    }
}

/// The obligations `owner` (default: the signer) holds in the market, each valued now.
async fn list(
    session: &Session<'_, impl Transport>,
    owner: Option<&Pubkey>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (market, _) = session.market().await?;
    let owner = match owner {
        Some(o) => *o,
        None => session.signer()?.pubkey(),
    };
    let mut rows = Vec::new();
    let mut listed = Vec::new();
    for (address, o) in fetch::owner_obligations(session.transport, &market, &owner).await? {
        let view = ObligationView::fetch(session.transport, &address, &session.labels).await?;
        let health = view
            .health
            .health_factor()
            .map_or("-".to_string(), |h| decimal(h, 2));
        let group = match o.emode_group {
            0 => "none".to_string(),
            g => g.to_string(),
        };
        rows.push(vec![
            o.obligation_id.to_string(),
            address.to_string(),
            o.position_count().to_string(),
            group,
            health,
        ]);
        listed.push(view.json());
    }
    let display = if rows.is_empty() {
        format!("{owner} holds no obligation in market {market}")
    } else {
        crate::views::table::render(
            &[
                "id",
                "obligation",
                "positions",
                "e-mode group",
                "health factor",
            ],
            rows,
        )
    };
    session.emit(
        out,
        json!({"owner": owner.to_string(), "obligations": listed}),
        &display,
    )
}

/// Closes the signer's obligation `id`, refused before sending while it holds a position.
async fn close(
    session: &Session<'_, impl Transport>,
    id: u16,
    propose: &ProposeArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (market, _) = session.market().await?;
    let owner = session.authority(propose)?;
    let keys = ObligationKeys::new(market, owner, id);
    let o = fetch::obligation(session.transport, &keys.address)
        .await
        .map_err(|e| not_found(e, &keys.address))?;
    if o.position_count() > 0 {
        return Err(CliError::Invalid(format!(
            "obligation {} still holds {} position(s): repay its debt and withdraw its collateral first",
            keys.address,
            o.position_count()
        )));
    }
    let close = ix::close_obligation(&keys, &owner);
    session
        .execute_as(
            out,
            &format!("close obligation {}", keys.address),
            &[close],
            propose,
            &[],
        )
        .await
}
