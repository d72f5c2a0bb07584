//! `ballast demo`: on its own in-process bank, or with `--url` on a cluster where Ballast is
//! deployed, the signer (`--keypair`, else the Solana CLI config's) administering and paying.
use {
    super::{resolve, rpc_transport, CliError, GlobalArgs, Session},
    crate::demo,
    ballast_client::relay::RelayConfig,
    std::{io::Write, time::Duration},
};

/// A local validator confirms within a slot or two: the relay looks again after half a second
/// rather than the CLI's 2 s, or the story's hundred-odd transactions would drag.
const RESEND_EVERY: Duration = Duration::from_millis(500);

pub async fn run(global: &GlobalArgs, out: &mut impl Write) -> Result<(), CliError> {
    let json = global.output.is_json();
    // Without --url the bank, even when the Solana CLI config names a cluster: the demo sends
    // nothing to a cluster unless told to.
    if global.url.is_none() {
        demo::run(out, json).await?;
        return Ok(());
    }
    if let Some(id) = global.program_id {
        ballast_client::program_id::set(id)?;
    }
    let cluster = resolve(
        global.url.as_deref(),
        global.keypair.as_deref(),
        global.config_file.as_deref(),
    )?;
    let transport = rpc_transport(global, &cluster)?.with_relay(RelayConfig {
        resend_every: RESEND_EVERY,
        ..RelayConfig::default()
    });
    let signer = Session::new(&transport, global, &cluster).signer()?;
    demo::run_rpc(transport, signer, out, json).await?;
    Ok(())
}
