//! `ballast obligation create | show | emode`
use {
    super::{CliError, ObligationCommand, Session},
    crate::{
        fetch, instructions as ix, views::ObligationView, ClientError, ObligationKeys, Transport,
    },
    ballast::{
        logic::emode::{require_borrowable, require_member},
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
        ObligationCommand::Create { id } => {
            let (market, _) = session.market().await?;
            let signer = session.signer()?;
            let keys = ObligationKeys::new(market, signer.pubkey(), *id);
            if session.transport.account(&keys.address).await?.is_some() {
                return Err(CliError::Invalid(format!(
                    "obligation {} (id {id}) already exists",
                    keys.address
                )));
            }
            let open = ix::init_obligation(&signer.pubkey(), &keys, *id);
            session
                .execute(
                    out,
                    &format!("create obligation {}", keys.address),
                    &[open],
                    &[&signer],
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
        ObligationCommand::Emode { group, id } => set_emode(session, *group, *id, out).await,
    }
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
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (market, state) = session.market().await?;
    let signer = session.signer()?;
    let address = crate::pda::obligation(&market, &signer.pubkey(), id);
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
        .execute(
            out,
            &format!("{action} for obligation {address}"),
            &[instruction],
            &[&signer],
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
