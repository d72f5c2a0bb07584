//! `ballast demo`: the whole story on an in-process bank (no validator), or on a cluster where
//! Ballast is deployed (`--url`): a market with USDC, SOL and staked SOL; lenders and
//! borrowers; interest; SOL crashes; a liquidator steps in; a staked-SOL loop to 9x in an
//! e-mode group; the books balance to the unit. What differs on a cluster (prices the admin
//! sets, real time) is in `stage`, and the story says so where it happens.
mod books;
mod emode;
mod rpc;
mod stage;
mod wind_down;
mod world;

pub use {books::AssetBooks, rpc::run_rpc, stage::Stage};

use {
    crate::{
        effects::{describe, AssetInfo},
        events, fetch,
        format::{decimal, units, usd},
        instructions as ix, presets,
        views::{ObligationView, ReserveView},
        ClientError, ObligationKeys,
    },
    ballast::{
        events::Liquidated,
        instructions::{LiquidateArgs, LiquidationPayout},
        math::Fixed,
        state::MarketConfig,
    },
    serde_json::{json, Value},
    solana_sdk::{pubkey::Pubkey, signer::Signer},
    std::io::Write,
    thiserror::Error,
    world::{Person, World},
};

/// What the story did, for callers that check it.
#[derive(Debug)]
pub struct DemoReport {
    pub books: Vec<AssetBooks>,
    /// Bob's health factor after borrowing, after the crash, after the liquidation.
    pub bob_health: [Fixed; 3],
    /// Bob's USDC debt when he borrowed and 30 days later.
    pub bob_debt: [u64; 2],
    pub liquidation: Liquidated,
    /// Liz's USDC spent and SOL received in the liquidation, from her wallets.
    pub liquidator_paid: u64,
    pub liquidator_received: u64,
    /// Alice's USDC deposit and what her cUSDC redeemed for.
    pub alice_supplied: u64,
    pub alice_redeemed: u64,
    /// Erin's staked-SOL loop: the leverage (collateral / equity) the reserves' own
    /// loan-to-value stopped it at, and the one reached in the e-mode group.
    pub erin_leverage: [Fixed; 2],
    /// Erin's SOL after unwinding, from 10 stSOL at the start.
    pub erin_unwound: u64,
}

const DAYS: i64 = 30;
const USD: i64 = 100_000_000;

/// Prints as it goes (display) or collects one JSON document printed at the end.
struct Narrator<'a, W: Write> {
    out: &'a mut W,
    json: bool,
    steps: Vec<Value>,
}

impl<W: Write> Narrator<'_, W> {
    fn step(
        &mut self,
        title: &str,
        lines: &[String],
        tables: &[String],
        data: Value,
    ) -> Result<(), DemoError> {
        if self.json {
            self.steps
                .push(json!({"title": title, "details": lines, "data": data}));
            return Ok(());
        }
        let mut text = format!("\n{title}\n");
        for line in lines {
            text.push_str(&format!("   {line}\n"));
        }
        for table in tables {
            text.push_str(table);
            text.push('\n');
        }
        self.write(&text)
    }

    fn write(&mut self, text: &str) -> Result<(), DemoError> {
        Ok(write!(self.out, "{text}")?)
    }
}

/// Why the demo stopped.
#[derive(Debug, Error)]
pub enum DemoError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("cannot write the story: {0}")]
    Output(#[from] std::io::Error),
    #[error("cannot render the story as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the {0} emitted no event")]
    NoEvent(&'static str),
    #[error(
        "Ballast is not deployed on {url}: {problem} (deploy it, or name it with --program-id)"
    )]
    NotDeployed { url: String, problem: String },
    #[error(
        "the signer {signer} has {has} SOL on {url}: the demo needs at least {needs} SOL for the \
         rent and fees it pays"
    )]
    Underfunded {
        signer: Pubkey,
        url: String,
        has: String,
        needs: String,
    },
}

impl From<anchor_lang::error::Error> for DemoError {
    fn from(e: anchor_lang::error::Error) -> Self {
        DemoError::Client(e.into())
    }
}

/// Runs the story on an in-process bank, writing it to `out` as text, or as one JSON document
/// with `json`.
pub async fn run(out: &mut impl Write, json: bool) -> Result<DemoReport, DemoError> {
    let mut narrator = Narrator {
        out,
        json,
        steps: Vec::new(),
    };
    if !json {
        narrator.write(
            "Ballast demo: a lending market on an in-process Solana bank (no validator)\n",
        )?;
    }
    let world = World::new().await?;
    narrator.tell(world).await
}

impl<W: Write> Narrator<'_, W> {
    /// The story in `world`, then the JSON document when asked for.
    async fn tell<T: Stage>(&mut self, world: World<T>) -> Result<DemoReport, DemoError> {
        let (report, summary) = story(self, world).await?;
        if self.json {
            let doc = json!({"steps": self.steps, "final": summary});
            let text = serde_json::to_string_pretty(&doc)?;
            self.write(&format!("{text}\n"))?;
        }
        Ok(report)
    }
}

fn person(name: &'static str) -> Person {
    Person {
        name,
        keypair: solana_sdk::signature::Keypair::new(),
    }
}

async fn obligation<T: Stage>(
    world: &World<T>,
    address: &Pubkey,
) -> Result<ObligationView, DemoError> {
    Ok(ObligationView::fetch(&world.cluster, address, &world.labels).await?)
}

async fn reserves<T: Stage>(world: &World<T>) -> Result<Vec<ReserveView>, DemoError> {
    let mut views = Vec::new();
    for asset in &world.assets {
        views.push(ReserveView::fetch(&world.cluster, &asset.keys.address, &world.labels).await?);
    }
    Ok(views)
}

fn health(view: &ObligationView) -> Fixed {
    view.health.health_factor().unwrap_or(Fixed::ZERO)
}

async fn keys<T: Stage>(world: &World<T>, address: &Pubkey) -> Result<ObligationKeys, DemoError> {
    Ok(fetch::obligation_keys(&world.cluster, address).await?)
}

async fn story<T: Stage, W: Write>(
    n: &mut Narrator<'_, W>,
    mut world: World<T>,
) -> Result<(DemoReport, Value), DemoError> {
    let usdc = world.list("USDC", 6, USD, presets::stablecoin()).await?;
    let sol = world.list("SOL", 9, 150 * USD, presets::volatile()).await?;
    let stsol = world
        .list("stSOL", 9, 150 * USD, presets::volatile())
        .await?;
    let views = reserves(&world).await?;
    let mut lines = vec!["each listing locks a seed of 1 token forever, so the pool can never be emptied to a rounding edge".to_string()];
    let sources = if T::LIVE {
        lines.extend(rpc::listing_notes(&world));
        "fixed-price sources set by the market's admin"
    } else {
        "Pyth price accounts"
    };
    n.step(
        &format!("0. Market {} lists USDC at $1, SOL and staked SOL (stSOL) at $150 ({sources})", world.market),
        &lines,
        &[ReserveView::table(&views)],
        json!({"market": world.market.to_string(), "reserves": views.iter().map(ReserveView::json).collect::<Vec<_>>()}),
    )?;

    let (alice, carol, bob, dave, liz) = (
        person("Alice"),
        person("Carol"),
        person("Bob"),
        person("Dave"),
        person("Liz"),
    );
    let (erin, sam) = (person("Erin"), person("Sam"));
    let admin = Person {
        name: "admin",
        keypair: world.payer.insecure_clone(),
    };
    let alice_supplied = world.assets[usdc].tokens(20_000);
    world.fund(&alice, usdc, alice_supplied).await?;
    world
        .fund(&carol, sol, world.assets[sol].tokens(1_000))
        .await?;
    world.fund(&bob, sol, world.assets[sol].tokens(100)).await?;
    world.fund(&bob, usdc, 0).await?;
    world
        .fund(&dave, usdc, world.assets[usdc].tokens(20_000))
        .await?;
    world.fund(&dave, sol, 0).await?;
    world
        .fund(&liz, usdc, world.assets[usdc].tokens(10_000))
        .await?;
    world.fund(&liz, sol, 0).await?;
    world
        .fund(&erin, stsol, world.assets[stsol].tokens(10))
        .await?;
    world.fund(&erin, sol, 0).await?;
    // Sam is the stake pool Erin swaps at: SOL for stSOL and back, 1:1.
    for asset in [sol, stsol] {
        world
            .fund(&sam, asset, world.assets[asset].tokens(100))
            .await?;
    }
    let assets: Vec<AssetInfo> = world
        .assets
        .iter()
        .map(|a| AssetInfo {
            reserve: a.keys.address,
            symbol: a.symbol.into(),
            decimals: a.decimals,
        })
        .collect();

    // 1. Lenders.
    let mut lines = Vec::new();
    for (who, index, amount) in [
        (&alice, usdc, alice_supplied),
        (&carol, sol, world.assets[sol].tokens(1_000)),
    ] {
        let a = &world.assets[index];
        let deposit = ix::deposit(
            &who.key(),
            &a.keys,
            &who.wallet(a),
            &who.ctoken_wallet(a),
            amount,
        );
        let outcome = world
            .cluster
            .send(&[deposit], &[&world.payer, &who.keypair])
            .await?;
        lines.push(format!(
            "{}: {}",
            who.name,
            describe(&outcome.event_data, &assets, &world.labels).join("; ")
        ));
    }
    n.step(
        "1. Lenders deposit and receive cTokens",
        &lines,
        &[],
        json!({"effects": lines}),
    )?;

    // 2. Borrowers.
    let mut lines = Vec::new();
    let bob_ob = ObligationKeys::new(world.market, bob.key(), 0);
    let dave_ob = ObligationKeys::new(world.market, dave.key(), 0);
    for (who, ob, collateral, amount, debt, borrowed) in [
        (
            &bob,
            &bob_ob,
            sol,
            world.assets[sol].tokens(100),
            usdc,
            world.assets[usdc].tokens(10_000),
        ),
        (
            &dave,
            &dave_ob,
            usdc,
            world.assets[usdc].tokens(20_000),
            sol,
            world.assets[sol].tokens(40),
        ),
    ] {
        let c = &world.assets[collateral];
        let open = ix::init_obligation(&world.payer.pubkey(), ob, 0);
        let supply = ix::supply(&c.keys, ob, &who.wallet(c), amount);
        world.act(who, &[open, supply]).await?;
        let d = &world.assets[debt];
        let ob = keys(&world, &ob.address).await?;
        let borrow = ix::borrow(&d.keys, &ob, &who.wallet(d), borrowed);
        let outcome = world
            .cluster
            .send(&[borrow], &[&world.payer, &who.keypair])
            .await?;
        lines.push(format!(
            "{}: pledge {} {}; {}",
            who.name,
            units(amount, c.decimals),
            c.symbol,
            describe(&outcome.event_data, &assets, &world.labels).join("; ")
        ));
    }
    let bob_view = obligation(&world, &bob_ob.address).await?;
    let bob_debt_start = debt_of(&bob_view);
    let bob_health_start = health(&bob_view);
    let views = reserves(&world).await?;
    n.step(
        "2. Borrowers pledge collateral and borrow",
        &lines,
        &[ReserveView::table(&views), format!("Bob's obligation:\n{}", bob_view.render())],
        json!({"effects": lines, "reserves": views.iter().map(ReserveView::json).collect::<Vec<_>>(), "bob": bob_view.json()}),
    )?;

    // 3. Time. On the bank a keeper refreshes the reserves: after a quiet month the first
    // refresh counts as the end of an oracle outage, and it keeps cranking through the 15-minute
    // grace period. On a cluster time cannot be warped: it waits real seconds.
    if T::LIVE {
        T::pass_time(&world, rpc::WAIT_SECS).await?;
    } else {
        T::pass_time(&world, DAYS * 86_400).await?;
        world
            .crank_through_grace(MarketConfig::default().oracle_grace_period_secs.into())
            .await?;
    }
    let bob_view = obligation(&world, &bob_ob.address).await?;
    let bob_debt_later = debt_of(&bob_view);
    let views = reserves(&world).await?;
    let alice_ctokens = world
        .balance(&alice.ctoken_wallet(&world.assets[usdc]))
        .await?;
    let alice_worth = views[usdc]
        .liquidity
        .collateral_to_liquidity(alice_ctokens)
        .and_then(Fixed::to_floor)
        .map_err(program)?;
    let mut lines = vec![
        format!(
            "Bob owes {} USDC: {} of interest, compounded every second",
            units(bob_debt_later, 6),
            units(bob_debt_later - bob_debt_start, 6)
        ),
        format!(
            "Bob's health factor: {} -> {} (the interest is debt too)",
            decimal(bob_health_start, 2),
            decimal(health(&bob_view), 2)
        ),
        format!(
            "Alice's {} cUSDC are worth {} USDC (+{})",
            units(alice_ctokens, 6),
            units(alice_worth, 6),
            units(alice_worth.saturating_sub(alice_supplied), 6)
        ),
    ];
    let title = if T::LIVE {
        lines.push(rpc::WAIT_NOTE.to_string());
        format!("3. {} seconds pass", rpc::WAIT_SECS)
    } else {
        lines.push(
            "a keeper refreshes the reserves: after a quiet month that counts as the end of an \
             oracle outage, so liquidations wait the 15-minute grace period, which it cranks through"
                .to_string(),
        );
        format!("3. {DAYS} days pass")
    };
    n.step(
        &title,
        &lines,
        &[ReserveView::table(&views)],
        json!({"details": lines, "reserves": views.iter().map(ReserveView::json).collect::<Vec<_>>()}),
    )?;

    // 4. The crash.
    let before = health(&bob_view);
    T::move_price(&mut world, sol, 120 * USD).await?;
    T::move_price(&mut world, stsol, 120 * USD).await?;
    let mut lines = Vec::new();
    if T::LIVE {
        // A new source is a new primary: liquidations wait the market's grace period.
        T::pass_time(&world, rpc::GRACE_SECS.into()).await?;
        lines.push(rpc::CRASH_NOTE.to_string());
    }
    let bob_view = obligation(&world, &bob_ob.address).await?;
    let after_crash = health(&bob_view);
    lines.push(format!(
        "Bob's health factor falls from {} to {}: his debt is above the liquidation limit",
        decimal(before, 2),
        decimal(after_crash, 2)
    ));
    n.step(
        "4. SOL crashes 20%, from $150 to $120 (staked SOL with it)",
        &lines,
        &[format!("Bob's obligation:\n{}", bob_view.render())],
        json!({"details": lines, "bob": bob_view.json()}),
    )?;

    // 5. The liquidation: Liz repays what the close factor allows and takes SOL at a bonus.
    let (u, s) = (&world.assets[usdc], &world.assets[sol]);
    let liz_usdc = world.balance(&liz.wallet(u)).await?;
    let liquidate = ix::liquidate(
        &liz.key(),
        &keys(&world, &bob_ob.address).await?,
        &u.keys,
        &s.keys,
        &liz.wallet(u),
        &liz.wallet(s),
        LiquidateArgs {
            max_repay_amount: u64::MAX,
            min_payout: 1,
            payout: LiquidationPayout::Liquidity,
        },
    );
    let outcome = world
        .cluster
        .send(&[liquidate], &[&world.payer, &liz.keypair])
        .await?;
    let liquidation = events::decode::<Liquidated>(&outcome.event_data)
        .pop()
        .ok_or(DemoError::NoEvent("liquidation"))?;
    let liquidator_paid = liz_usdc - world.balance(&liz.wallet(u)).await?;
    let liquidator_received = world.balance(&liz.wallet(s)).await?;
    let bob_view = obligation(&world, &bob_ob.address).await?;
    let after_liquidation = health(&bob_view);
    let received_usd = Fixed::from_u64(liquidator_received)
        .mul_div_floor(Fixed::from_u64(120), Fixed::from_u64(1_000_000_000))
        .map_err(program)?;
    // What Liz gains: the bonus less the protocol's share of it (and the pool's rounding).
    let paid_usd = Fixed::from_u64(liquidator_paid)
        .mul_div_floor(Fixed::ONE, Fixed::from_u64(1_000_000))
        .map_err(program)?;
    let gain = received_usd
        .div_floor(paid_usd)
        .map_err(program)?
        .saturating_sub(Fixed::ONE);
    let protocol_share = fetch::reserve(&world.cluster, &s.keys.address)
        .await?
        .config
        .protocol_liquidation_fee_bps;
    let lines = vec![
        describe(&outcome.event_data, &assets, &world.labels).join("; "),
        format!(
            "Liz paid {} USDC and received {} SOL worth {}: a {} gain (the {} bonus less the protocol's {} share of it)",
            units(liquidator_paid, 6),
            units(liquidator_received, 9),
            usd(received_usd),
            crate::format::percent(gain),
            crate::format::percent(Fixed::from_raw(liquidation.bonus_sf)),
            crate::format::percent(Fixed::from_bps(protocol_share.into()))
        ),
        format!(
            "Bob's health factor: {} -> {}",
            decimal(after_crash, 2),
            decimal(after_liquidation, 2)
        ),
    ];
    n.step(
        "5. Liz liquidates Bob",
        &lines,
        &[format!("Bob's obligation:\n{}", bob_view.render())],
        json!({"details": lines, "bob": bob_view.json()}),
    )?;

    // 6. E-mode: Erin loops staked SOL against SOL.
    let looper = emode::Looper {
        erin: &erin,
        sam: &sam,
        obligation: ObligationKeys::new(world.market, erin.key(), 0).address,
        sol,
        stsol,
    };
    let erin_ob = ObligationKeys::new(world.market, erin.key(), 0);
    let s = &world.assets[stsol];
    let open = ix::init_obligation(&world.payer.pubkey(), &erin_ob, 0);
    let supply = ix::supply(&s.keys, &erin_ob, &erin.wallet(s), s.tokens(10));
    world.act(&erin, &[open, supply]).await?;
    let (plain_rounds, plain) = looper.loop_up(&world).await?;
    emode::configure(&world, sol, stsol).await?;
    let o = keys(&world, &erin_ob.address).await?;
    world
        .act(&erin, &[ix::set_obligation_emode(&o, emode::GROUP)])
        .await?;
    let (group_rounds, grouped) = looper.loop_up(&world).await?;
    let erin_view = obligation(&world, &erin_ob.address).await?;
    let lines = vec![
        "Erin pledges 10 stSOL, then loops: borrow SOL, swap it 1:1 for stSOL at the stake pool (Sam), pledge it".to_string(),
        format!(
            "with the reserves' own 75% loan-to-value the loop stalls after {plain_rounds} rounds at {}x",
            decimal(plain, 2)
        ),
        format!(
            "the admin configures e-mode group {} (SOL and stSOL: LTV 90%, liquidation at 93%, bonus up to 2%) and Erin opts in",
            emode::GROUP
        ),
        format!(
            "in the group the loop goes on for {group_rounds} more rounds, to {}x: {} collateral on {} of her own",
            decimal(grouped, 2),
            usd(erin_view.health.collateral_value),
            usd(erin_view
                .health
                .collateral_value
                .saturating_sub(erin_view.health.debt_value))
        ),
    ];
    n.step(
        "6. Erin loops staked SOL to 9x in an e-mode group",
        &lines,
        &[format!("Erin's obligation:\n{}", erin_view.render())],
        json!({"details": lines, "erin": erin_view.json()}),
    )?;

    // 7. Everyone closes out.
    let erin_unwound = looper.unwind(&world).await?;
    let borrowers = [
        (&bob, bob_ob.address, usdc, sol),
        (&dave, dave_ob.address, sol, usdc),
    ];
    let (mut lines, redeemed) =
        wind_down::wind_down(&mut world, &borrowers, &[(&alice, usdc), (&carol, sol)]).await?;
    let alice_redeemed = redeemed[0];
    lines.insert(
        0,
        format!(
            "Erin unwinds in one transaction (a flash loan of SOL repays her debt, her stSOL goes back to Sam): {} SOL left",
            units(erin_unwound, 9)
        ),
    );
    lines.push("what stays in each pool: the locked seed, the protocol's fees, and rounding in the pool's favour".into());
    let people = [&admin, &alice, &carol, &bob, &dave, &liz, &erin, &sam];
    let books = books::close(&world, &people).await?;
    let (wallet_table, wallet_json) = books::wallets(&world, &people).await?;
    let views = reserves(&world).await?;
    // Bob's obligation as he leaves it: empty.
    let bob_view = obligation(&world, &bob_ob.address).await?;
    let final_json = json!({
        "reserves": views.iter().map(ReserveView::json).collect::<Vec<_>>(),
        "bob": bob_view.json(),
        "wallets": wallet_json,
        "books": books::json(&books),
    });
    n.step(
        "7. Borrowers repay and withdraw, lenders redeem: the final books",
        &lines,
        &[
            ReserveView::table(&views),
            wallet_table,
            books::render(&books),
        ],
        json!({"details": lines}),
    )?;
    Ok((
        DemoReport {
            books,
            bob_health: [before, after_crash, after_liquidation],
            bob_debt: [bob_debt_start, bob_debt_later],
            liquidation,
            liquidator_paid,
            liquidator_received,
            alice_supplied,
            alice_redeemed,
            erin_leverage: [plain, grouped],
            erin_unwound,
        },
        final_json,
    ))
}

/// The obligation's first debt, in base units (rounded up).
fn debt_of(view: &ObligationView) -> u64 {
    view.positions
        .iter()
        .find(|p| p.side == crate::views::PositionSide::Borrow)
        .map_or(0, |p| p.amount)
}

fn program(e: anchor_lang::error::Error) -> ClientError {
    ClientError::Rule(e)
}
