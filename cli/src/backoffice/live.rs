//! Live updates: the liquidator follows its market over the RPC websocket (`programSubscribe`
//! for the market's obligations and reserves, with the scan's own filters; `accountSubscribe`
//! for every price account of each reserve) and acts within one update of a change, instead of at its next
//! scan. The snapshot is brought up to date account by account; a full scan still runs every
//! interval and after every reconnect (updates may have been missed while disconnected).
use {
    super::{
        liquidator::{pass_until, LiquidatorConfig, PassSummary},
        shard::Shard,
        shutdown::Shutdown,
        snapshot::{price, valuation_inputs, valued, Snapshot},
    },
    crate::{fetch, ClientError, Transport},
    anchor_lang::{Discriminator, ZeroCopy},
    ballast::{
        oracle::PriceClock,
        state::{Obligation, Reserve},
    },
    ballast_client::transport::AccountFilter,
    futures_util::{stream::select_all, StreamExt},
    solana_account_decoder_client_types::UiAccountEncoding,
    solana_commitment_config::CommitmentConfig,
    solana_pubsub_client::nonblocking::pubsub_client::PubsubClient,
    solana_rpc_client_api::{
        config::{RpcAccountInfoConfig, RpcProgramAccountsConfig},
        filter::{Memcmp, RpcFilterType},
    },
    solana_sdk::{account::Account, pubkey::Pubkey, signature::Keypair},
    std::{collections::HashMap, time::Duration},
    tokio::sync::mpsc,
    tracing::{info, warn},
};

/// One update from the websocket.
#[derive(Clone, Debug)]
pub enum Change {
    /// A program account of the market (an obligation or a reserve) changed.
    Program(Pubkey, Account),
    /// A price account of a reserve changed.
    Oracle(Pubkey, Account),
    /// The connection was (re)made: updates may have been missed, a full scan is due.
    Connected,
}

/// Follows `market`'s accounts and `oracles` over `ws_url`, reconnecting after `retry` when
/// the connection drops, until the receiver is dropped.
pub fn follow(
    ws_url: String,
    market: Pubkey,
    oracles: Vec<Pubkey>,
    retry: Duration,
) -> mpsc::UnboundedReceiver<Change> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            match connection(&ws_url, &market, &oracles, &tx).await {
                Ok(()) => return,
                Err(error) => warn!(url = %ws_url, %error, "websocket down; reconnecting"),
            }
            if tx.is_closed() {
                return;
            }
            tokio::time::sleep(retry).await;
        }
    });
    rx
}

/// One connection: subscribes, then forwards every update until the connection ends (an
/// error) or the receiver is gone (`Ok`).
async fn connection(
    ws_url: &str,
    market: &Pubkey,
    oracles: &[Pubkey],
    tx: &mpsc::UnboundedSender<Change>,
) -> Result<(), String> {
    let client = PubsubClient::new(ws_url).await.map_err(|e| e.to_string())?;
    let account_config = RpcAccountInfoConfig {
        encoding: Some(UiAccountEncoding::Base64),
        commitment: Some(CommitmentConfig::confirmed()),
        ..RpcAccountInfoConfig::default()
    };
    let program_config = |filters: &[AccountFilter]| RpcProgramAccountsConfig {
        filters: Some(filters.iter().map(rpc_filter).collect()),
        account_config: account_config.clone(),
        ..RpcProgramAccountsConfig::default()
    };
    let mut streams = Vec::new();
    for filters in [
        fetch::obligation_filters(market),
        fetch::reserve_filters(market),
    ] {
        let (updates, _unsubscribe) = client
            .program_subscribe(
                &ballast_client::program_id::get(),
                Some(program_config(&filters)),
            )
            .await
            .map_err(|e| e.to_string())?;
        streams.push(
            updates
                .filter_map(|keyed| async move {
                    let address = keyed.value.pubkey.parse().ok()?;
                    Some(Change::Program(address, keyed.value.account.decode()?))
                })
                .boxed(),
        );
    }
    for &oracle in oracles {
        let (updates, _unsubscribe) = client
            .account_subscribe(&oracle, Some(account_config.clone()))
            .await
            .map_err(|e| e.to_string())?;
        streams.push(
            updates
                .filter_map(move |update| async move {
                    Some(Change::Oracle(oracle, update.value.decode()?))
                })
                .boxed(),
        );
    }
    if tx.send(Change::Connected).is_err() {
        return Ok(());
    }
    let mut all = select_all(streams);
    while let Some(change) = all.next().await {
        if tx.send(change).is_err() {
            return Ok(());
        }
    }
    Err("the node closed the connection".into())
}

fn rpc_filter(f: &AccountFilter) -> RpcFilterType {
    match f {
        AccountFilter::DataSize(n) => RpcFilterType::DataSize(*n),
        AccountFilter::Memcmp { offset, bytes } => {
            RpcFilterType::Memcmp(Memcmp::new_base58_encoded(*offset, bytes))
        }
    }
}

/// The snapshot kept current by updates: the oracle accounts last seen, to price a reserve
/// again when it changes, and the share of the obligations it keeps.
pub struct LiveSnapshot {
    pub snapshot: Snapshot,
    oracles: HashMap<Pubkey, Account>,
    shard: Shard,
}

impl LiveSnapshot {
    /// A full scan of `shard`'s share of `market`.
    pub async fn take(
        transport: &impl Transport,
        market: &Pubkey,
        shard: Shard,
    ) -> Result<Self, ClientError> {
        let snapshot = Snapshot::take_shard(transport, market, shard).await?;
        let mut oracles = HashMap::new();
        for r in &snapshot.reserves {
            oracles.extend(fetch::price_accounts(transport, &r.reserve).await?);
        }
        Ok(LiveSnapshot {
            snapshot,
            oracles,
            shard,
        })
    }

    /// The price accounts to follow: every account each reserve's sources read, once.
    pub fn oracles(&self) -> Vec<Pubkey> {
        let mut keys: Vec<Pubkey> = Vec::new();
        for r in &self.snapshot.reserves {
            for key in r.reserve.oracles.accounts().as_slice() {
                if !keys.contains(key) {
                    keys.push(*key);
                }
            }
        }
        keys
    }

    /// Brings the snapshot up to `change` at `now`. Returns whether an obligation is
    /// liquidatable afterwards (a pass is due).
    pub fn apply(&mut self, change: &Change, at: PriceClock) -> bool {
        self.snapshot.now = at.now;
        self.snapshot.epoch = at.epoch;
        match change {
            Change::Connected => false,
            Change::Program(address, account) if is::<Obligation>(account) => {
                self.shard.owns(address) && self.obligation(address, account)
            }
            Change::Program(address, account) if is::<Reserve>(account) => {
                match bytemuck::try_from_bytes::<Reserve>(&account.data[8..]) {
                    Ok(reserve) => self.reprice(*address, Some(*reserve)),
                    Err(_) => false,
                }
            }
            Change::Program(..) => false,
            Change::Oracle(address, account) => {
                self.oracles.insert(*address, account.clone());
                let affected: Vec<Pubkey> = (self.snapshot.reserves.iter())
                    .filter(|r| r.reserve.oracles.accounts().as_slice().contains(address))
                    .map(|r| r.address)
                    .collect();
                // Every affected reserve is priced again, whatever the first one says.
                let mut due = false;
                for reserve in affected {
                    due |= self.reprice(reserve, None);
                }
                due
            }
        }
    }

    /// Values one obligation again.
    fn obligation(&mut self, address: &Pubkey, account: &Account) -> bool {
        let Ok(obligation) = ballast_client::accounts::decode_obligation(address, account) else {
            return false;
        };
        let (pricing, unpriced) = valuation_inputs(&self.snapshot.reserves);
        let s = &self.snapshot;
        let one = valued(address, obligation, (&pricing, &unpriced), &s.state, s.now);
        let due = one.is_liquidatable();
        let obligations = &mut self.snapshot.obligations;
        match obligations.binary_search_by_key(address, |o| o.address) {
            Ok(i) => obligations[i] = one,
            Err(i) => obligations.insert(i, one),
        }
        due
    }

    /// Prices `address` again (with its new state, if given) from the last price accounts
    /// seen, then values every obligation again.
    fn reprice(&mut self, address: Pubkey, state: Option<Reserve>) -> bool {
        let s = &mut self.snapshot;
        let Some(i) = s.reserves.iter().position(|r| r.address == address) else {
            // A reserve listed since the last scan: the next full scan prices it.
            return false;
        };
        let reserve = state.unwrap_or(s.reserves[i].reserve);
        let accounts: Vec<(Pubkey, Account)> = (reserve.oracles.accounts().as_slice().iter())
            .map(|key| (*key, self.oracles.get(key).cloned().unwrap_or_default()))
            .collect();
        let at = PriceClock {
            now: s.now,
            epoch: s.epoch,
        };
        s.reserves[i] = price(address, reserve, &accounts, at);
        let (pricing, unpriced) = valuation_inputs(&s.reserves);
        let mut due = false;
        for o in &mut s.obligations {
            *o = valued(
                &o.address,
                o.obligation,
                (&pricing, &unpriced),
                &s.state,
                s.now,
            );
            due |= o.is_liquidatable();
        }
        due
    }
}

fn is<T: Discriminator + ZeroCopy>(account: &Account) -> bool {
    account.owner == ballast_client::program_id::get() && account.data.starts_with(T::DISCRIMINATOR)
}

/// How the live liquidator runs.
pub struct LiveConfig {
    pub ws_url: String,
    /// The share of the obligations this instance takes (`--shard K/N`).
    pub shard: Shard,
    /// A full scan this often, whatever the updates.
    pub full_scan_every: Duration,
    /// Wait before reconnecting a dropped websocket.
    pub retry: Duration,
}

/// The liquidator on live updates: a pass after each update that leaves an obligation
/// liquidatable, a full scan (and pass) every `full_scan_every` and after each (re)connection,
/// until `shutdown`. `on_pass` sees each pass's summary.
pub async fn run(
    transport: &impl Transport,
    market: &Pubkey,
    liquidator: &Keypair,
    config: &LiquidatorConfig,
    live: &LiveConfig,
    shutdown: &Shutdown,
    mut on_pass: impl FnMut(&PassSummary),
) -> Result<(), ClientError> {
    let mut state = LiveSnapshot::take(transport, market, live.shard).await?;
    let mut changes = follow(live.ws_url.clone(), *market, state.oracles(), live.retry);
    let mut next_scan = tokio::time::Instant::now() + live.full_scan_every;
    loop {
        let due = tokio::select! {
            change = changes.recv() => match change {
                None => return Ok(()),
                Some(Change::Connected) => {
                    info!("websocket connected: full scan");
                    state = LiveSnapshot::take(transport, market, live.shard).await?;
                    true
                }
                Some(change) => {
                    let at = PriceClock::from(&transport.clock().await?);
                    state.apply(&change, at)
                }
            },
            () = tokio::time::sleep_until(next_scan) => {
                state = LiveSnapshot::take(transport, market, live.shard).await?;
                next_scan = tokio::time::Instant::now() + live.full_scan_every;
                true
            },
            () = shutdown.wait() => {
                info!("stopping");
                return Ok(());
            }
        };
        if due {
            let summary =
                pass_until(transport, &state.snapshot, liquidator, config, shutdown).await;
            on_pass(&summary);
            if summary.stopped {
                info!("stopping");
                return Ok(());
            }
        }
    }
}
