//! `ballast indexer`: the program's history into the database, then a snapshot of the market
//! every `--snapshot-every` seconds, with new transactions indexed before each.
use {
    super::{CliError, IndexerArgs, Session},
    crate::Transport,
    ballast_indexer::{indexer::catch_up, live, rpc_source::RpcSource, snapshot, Store},
    std::{io::Write, time::Duration},
    tracing::warn,
};

/// The cursor of the program's whole history.
const HISTORY: &str = "history";

pub async fn run(
    session: &Session<'_, impl Transport>,
    args: &IndexerArgs,
    rpc_url: &str,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let failed = |e: ballast_indexer::IndexerError| CliError::Invalid(format!("indexer: {e}"));
    let store = Store::open(&args.database)
        .await
        .map_err(|e| CliError::Invalid(format!("--database {}: {e}", args.database)))?;
    let mut source = RpcSource::new(rpc_url, ballast_client::program_id::get());
    // Snapshots need a market; the history needs none.
    let market = session.market_key().ok();
    loop {
        let progress = catch_up(&mut source, &store, HISTORY, args.batch)
            .await
            .map_err(failed)?;
        writeln!(
            out,
            "indexed {} transactions, {} new events",
            progress.transactions, progress.events
        )?;
        if let Some(market) = market {
            let s = snapshot::take(session.transport, &market)
                .await
                .map_err(failed)?;
            store.write_snapshot(&s).await.map_err(failed)?;
            writeln!(out, "snapshot of market {market} at {}", s.taken_at)?;
        }
        out.flush()?;
        if args.once {
            return Ok(());
        }
        let wait = Duration::from_secs(args.snapshot_every);
        if args.live {
            let ws_url = args
                .websocket_url
                .clone()
                .unwrap_or_else(|| solana_cli_config::Config::compute_websocket_url(rpc_url));
            let program = ballast_client::program_id::get();
            let followed = tokio::select! {
                followed = live::follow(&mut source, &store, HISTORY, args.batch, &ws_url, &program, wait) => followed,
                _ = tokio::signal::ctrl_c() => return Ok(()),
            };
            match followed {
                Ok(p) => writeln!(
                    out,
                    "live: indexed {} transactions, {} new events",
                    p.transactions, p.events
                )?,
                // The next pass reads the history anyway; until then, wait as without --live.
                Err(e) => {
                    warn!(error = %e, "websocket unavailable: indexing at each pass");
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = tokio::signal::ctrl_c() => return Ok(()),
                    }
                }
            }
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}
