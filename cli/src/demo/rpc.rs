//! `ballast demo --url`: the story on a cluster where Ballast is deployed (a local
//! `solana-test-validator`). Everything is new each run: a market under a fresh id, its mints,
//! everyone's keypairs; the signer administers the market and pays every fee and rent (the
//! people only sign). Prices are fixed-price sources the admin sets; time is the cluster's own.
use {
    super::{world::World, DemoError, DemoReport, Narrator},
    crate::{format::units, pda, ClientError, Transport},
    ballast::state::MarketConfig,
    ballast_client::rpc::RpcTransport,
    solana_sdk::{pubkey::Pubkey, signature::Keypair, signer::Signer},
    std::{
        io::Write,
        time::{SystemTime, UNIX_EPOCH},
    },
};

/// The cluster time the story waits where the bank warps a month.
pub const WAIT_SECS: i64 = 30;
/// The demo market's oracle grace period: a changed fixed price is a new primary source, and
/// liquidations wait this long after one (the default, 15 minutes, would stall the story).
pub const GRACE_SECS: u32 = 10;
/// The least SOL the signer must hold: the story's rent and fees come to about 0.14 SOL (0.137
/// on the tests' node), with room to spare.
pub const MIN_LAMPORTS: u64 = 500_000_000;

pub const WAIT_NOTE: &str = "a cluster's clock cannot be warped: instead of 30 days the demo \
    waits 30 seconds of the cluster's own time, a keeper refreshing the reserves meanwhile, and \
    the interest is what those seconds accrue";

pub const CRASH_NOTE: &str = "the admin sets SOL's and stSOL's fixed-price sources to $120 \
    (update_reserve): a new source counts as the end of an oracle outage, so liquidations wait \
    the market's grace period (10 s on the demo's market, 15 minutes by default), which a \
    keeper cranks through";

/// Runs the story on the cluster behind `transport`, `signer` administering and paying, once
/// Ballast is found deployed there and the signer can pay (otherwise nothing is sent).
pub async fn run_rpc(
    transport: RpcTransport,
    signer: Keypair,
    out: &mut impl Write,
    json: bool,
) -> Result<DemoReport, DemoError> {
    check(&transport, &signer.pubkey()).await?;
    let mut narrator = Narrator {
        out,
        json,
        steps: Vec::new(),
    };
    if !json {
        narrator.write(&format!(
            "Ballast demo: a lending market on the cluster at {}, paid for by {}\n",
            transport.url(),
            signer.pubkey()
        ))?;
    }
    let market_id = fresh_market_id(&transport, &signer.pubkey()).await?;
    let config = MarketConfig {
        oracle_grace_period_secs: GRACE_SECS,
        ..MarketConfig::default()
    };
    let world = World::open(transport, signer, market_id, config).await?;
    narrator.tell(world).await
}

/// Ballast's program is deployed (an executable account at its address) and the signer holds
/// `MIN_LAMPORTS`.
async fn check(transport: &RpcTransport, signer: &Pubkey) -> Result<(), DemoError> {
    let program = ballast_client::program_id::get();
    let not_deployed = |problem: String| DemoError::NotDeployed {
        url: transport.url(),
        problem,
    };
    match transport.account(&program).await? {
        None => return Err(not_deployed(format!("no account at {program}"))),
        Some(a) if !a.executable => {
            return Err(not_deployed(format!(
                "the account at {program} is not a program"
            )))
        }
        Some(_) => {}
    }
    let has = transport.account(signer).await?.map_or(0, |a| a.lamports);
    if has < MIN_LAMPORTS {
        return Err(DemoError::Underfunded {
            signer: *signer,
            url: transport.url(),
            has: units(has, 9),
            needs: units(MIN_LAMPORTS, 9),
        });
    }
    Ok(())
}

/// An id no market of `creator` has: the current time in nanoseconds, so each run gets a new
/// market (the next id up if that one is taken).
async fn fresh_market_id(transport: &RpcTransport, creator: &Pubkey) -> Result<u64, ClientError> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH);
    let mut id = now.map_or(0, |d| d.as_nanos() as u64);
    while transport
        .account(&pda::market(creator, id))
        .await?
        .is_some()
    {
        id = id.wrapping_add(1);
    }
    Ok(id)
}

/// What the listing step adds on a cluster.
pub fn listing_notes<T>(world: &World<T>) -> Vec<String> {
    vec![
        format!(
            "on a cluster the demo cannot write Pyth's price accounts: each reserve is priced by a \
             fixed-price source, which the market's admin (the signer, {}) sets and changes with \
             update_reserve",
            world.payer.pubkey()
        ),
        "all of it is new this run: the market (a fresh id), its mints and everyone's keypairs; \
         the signer pays every fee and rent, the people only sign"
            .to_string(),
        format!(
            "the market's oracle grace period is {GRACE_SECS} s (15 minutes by default), so a \
             liquidation can follow a price change within the demo"
        ),
    ]
}
