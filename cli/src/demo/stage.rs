//! Where the story is told, and the two things it does there that a cluster's users cannot:
//! move a price and pass time. On the in-process bank the demo writes Pyth price accounts and
//! warps the clock; on a cluster over RPC each reserve is priced by a fixed-price source that
//! the market's admin (the demo's signer) sets with `update_reserve`, and time is the
//! cluster's own, waited for.
use {
    super::world::World,
    crate::{bank::Bank, instructions as ix, ClientError, Transport},
    ballast::state::{PriceSource, ReserveChange},
    ballast_client::rpc::RpcTransport,
    ballast_testkit::pyth::PythPrice,
    solana_sdk::{pubkey::Pubkey, signer::Signer},
};

/// Exponent of the demo's Pyth prices: `price` is in 10^-8 USD, as a fixed source's.
pub const PRICE_EXPONENT: i32 = -8;

#[allow(async_fn_in_trait)]
pub trait Stage: Transport + Sized {
    /// The clock runs by itself (a cluster) rather than only when told (the bank): amounts
    /// read now have grown by a few seconds of interest when a transaction lands.
    const LIVE: bool;

    /// The source a new asset priced at `price` (10^-8 USD) is listed with.
    fn source(price: i64) -> PriceSource;

    /// Makes asset `index`'s price what its source reads now.
    async fn publish(world: &World<Self>, index: usize) -> Result<(), ClientError>;

    /// Moves asset `index`'s price to `price`.
    async fn move_price(
        world: &mut World<Self>,
        index: usize,
        price: i64,
    ) -> Result<(), ClientError>;

    /// Lets `seconds` pass on the cluster's clock (feeds keep publishing).
    async fn pass_time(world: &World<Self>, seconds: i64) -> Result<(), ClientError>;
}

impl Stage for Bank {
    const LIVE: bool = false;

    fn source(_price: i64) -> PriceSource {
        let oracle = Pubkey::new_unique();
        PriceSource::pyth_pull(oracle, oracle.to_bytes())
    }

    /// Writes the Pyth account as the feed would, published now.
    async fn publish(world: &World<Bank>, index: usize) -> Result<(), ClientError> {
        let asset = &world.assets[index];
        let now = world.cluster.clock().await?.unix_timestamp;
        let oracle = asset.keys.oracle();
        let price = PythPrice::new(oracle.to_bytes(), asset.price, PRICE_EXPONENT, now);
        world.cluster.set_account(&oracle, price.account()).await;
        Ok(())
    }

    async fn move_price(
        world: &mut World<Bank>,
        index: usize,
        price: i64,
    ) -> Result<(), ClientError> {
        world.assets[index].price = price;
        Bank::publish(world, index).await
    }

    /// Warps the clock and republishes every price.
    async fn pass_time(world: &World<Bank>, seconds: i64) -> Result<(), ClientError> {
        world.cluster.advance_time(seconds).await?;
        for index in 0..world.assets.len() {
            Bank::publish(world, index).await?;
        }
        Ok(())
    }
}

impl Stage for RpcTransport {
    const LIVE: bool = true;

    fn source(price: i64) -> PriceSource {
        PriceSource::fixed(price.unsigned_abs())
    }

    /// A fixed price is read as of the current second: nothing to publish.
    async fn publish(_world: &World<RpcTransport>, _index: usize) -> Result<(), ClientError> {
        Ok(())
    }

    /// The admin gives the reserve a new fixed-price source (`update_reserve`).
    async fn move_price(
        world: &mut World<RpcTransport>,
        index: usize,
        price: i64,
    ) -> Result<(), ClientError> {
        let change = ReserveChange::OracleSources {
            sources: vec![RpcTransport::source(price)],
            max_divergence_bps: 0,
        };
        let keys = &world.assets[index].keys;
        let update = ix::update_reserve(&world.payer.pubkey(), keys, change);
        world.cluster.send(&[update], &[&world.payer]).await?;
        world.assets[index].price = price;
        Ok(())
    }

    /// Waits for the cluster's clock, a keeper refreshing every reserve meanwhile (so a node
    /// whose clock moves with its blocks, like the tests' loopback node, gets there too).
    async fn pass_time(world: &World<RpcTransport>, seconds: i64) -> Result<(), ClientError> {
        let until = world.cluster.clock().await?.unix_timestamp + seconds;
        loop {
            world.refresh_reserves().await?;
            if world.cluster.clock().await?.unix_timestamp >= until {
                return Ok(());
            }
        }
    }
}
