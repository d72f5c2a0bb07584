//! `ballast obligation create | show`
use {
    super::{CliError, ObligationCommand, Session},
    crate::{instructions as ix, views::ObligationView, ClientError, ObligationKeys, Transport},
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
    }
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
