//! The largest transactions: a liquidation of a 10-position obligation in 10 distinct
//! reserves, with a priority fee, does not fit a legacy transaction (the bank refuses it, as a
//! cluster does); through the market's lookup table (`ballast market lookup-table`) the
//! reference liquidator liquidates it, with either payout.
use {
    crate::harness::{Harness, User, USDC},
    ballast::instructions::LiquidationPayout,
    ballast_cli::backoffice::{
        liquidator::{pass, PassSummary},
        LiquidatorConfig, Snapshot,
    },
    ballast_client::{lookup, transport::PACKET_DATA_SIZE, ClientError, Transport},
    solana_sdk::pubkey::Pubkey,
};

const SYMBOLS: [&str; 10] = ["A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "D0", "D1"];
/// Priority fee of the liquidator's transactions, micro-lamports per CU.
const PRIORITY: u64 = 50_000;

/// A market of 10 $1 assets (6 decimals): 8 pledged, 2 borrowed, by `borrowers` each.
async fn ten_reserves(borrowers: &[&str]) -> (Harness, Vec<User>) {
    let mut h = Harness::new().await;
    h.ok(&h.admin, &["market", "create"]).await;
    h.market = Some(ballast_client::pda::market(&h.admin.key(), 0));
    for symbol in SYMBOLS {
        let asset = h.asset(symbol, 6, 100_000_000).await;
        h.give(&h.admin, asset, USDC).await;
        let (mint, oracle) = (
            h.assets[asset].mint.to_string(),
            h.assets[asset].oracle.to_string(),
        );
        let add = ["reserve", "add", "--mint", &mint, "--oracle", &oracle];
        h.ok(&h.admin, &[&add[..], &["--preset", "stablecoin"]].concat())
            .await;
    }
    let lender = h.user("lender").await;
    for symbol in ["D0", "D1"] {
        h.give(&lender, h.asset_index(symbol), 1_000 * USDC).await;
        h.ok(&lender, &["deposit", symbol, "1000"]).await;
    }
    let mut users = Vec::new();
    for name in borrowers {
        let user = h.user(name).await;
        for symbol in &SYMBOLS[..8] {
            h.give(&user, h.asset_index(symbol), 10 * USDC).await;
            h.ok(&user, &["supply", symbol, "10"]).await;
        }
        for symbol in ["D0", "D1"] {
            h.ok(&user, &["borrow", symbol, "20"]).await;
        }
        users.push(user);
    }
    // The pledged assets fall to $0.50: 8 x 10 x $0.50 x 80% = $32 against $40 owed.
    for symbol in &SYMBOLS[..8] {
        h.set_price(h.asset_index(symbol), 50_000_000).await;
    }
    (h, users)
}

/// Liz makes one pass with `config`.
async fn liz_pass(h: &Harness, liz: &User, config: &LiquidatorConfig) -> PassSummary {
    let snapshot = Snapshot::take(&h.bank, &h.market.unwrap()).await.unwrap();
    pass(&h.bank, &snapshot, &liz.keypair, config).await
}

#[tokio::test]
async fn a_ten_position_liquidation_goes_through_the_lookup_table_with_either_payout() {
    let (h, users) = ten_reserves(&["bob", "carol"]).await;
    let liz = h.user("liz").await;
    for symbol in ["D0", "D1"] {
        h.give(&liz, h.asset_index(symbol), 100 * USDC).await;
    }
    let config = LiquidatorConfig {
        payout: LiquidationPayout::Liquidity,
        compute_unit_price: PRIORITY,
        max_per_pass: Some(1),
        ..LiquidatorConfig::default()
    };
    let obligations: Vec<Pubkey> = users.iter().map(|u| h.obligation_key(&u.key())).collect();
    let before: Vec<_> = stored_obligations(&h, &users).await;

    // Without a lookup table: refused before it is sent, nothing changes.
    let refused = liz_pass(&h, &liz, &config).await;
    assert_eq!((refused.liquidated, refused.errors), (0, 1));
    assert_eq!(stored_obligations(&h, &users).await, before);

    // The table, then a slot for its addresses to warm up.
    let out = h.ok(&liz, &["market", "lookup-table"]).await;
    let table: Pubkey = out
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .expect("table address");
    h.bank.advance_time(1).await.unwrap();
    let stored = lookup::fetch(&h.bank, &table).await.unwrap();
    // The market, its authority, the event authority, two token programs, 7 per reserve.
    assert_eq!(stored.addresses.len(), 5 + 7 * SYMBOLS.len());
    // Run again, it adds nothing.
    let again = h
        .ok(
            &liz,
            &[
                "--lookup-table",
                &table.to_string(),
                "market",
                "lookup-table",
            ],
        )
        .await;
    assert!(
        again.contains(": 0 of the market's 75 accounts added"),
        "{again}"
    );

    // `ballast liquidate` of the same size: refused without the table, through it with it.
    let bob = obligations[0].to_string();
    let args = [
        "liquidate",
        &bob,
        "--repay",
        "D1",
        "--seize",
        "A0",
        "--payout",
        "liquidity",
    ];
    let err = h.fails(&liz, &args).await;
    assert!(err.starts_with("transaction too large: "), "{err}");
    let a0 = h.reserve_key("A0");
    let pledged_a0 = |o: ballast::state::Obligation| {
        o.find_collateral(&a0)
            .map_or(0, |i| o.collaterals()[i].deposited_amount)
    };
    let before = pledged_a0(h.obligation(&users[0].key()).await);
    let table_arg = table.to_string();
    let through_table = [&["--lookup-table", &table_arg][..], &args[..]].concat();
    h.ok(&liz, &through_table).await;
    assert!(pledged_a0(h.obligation(&users[0].key()).await) < before);
    assert!(h.balance(&liz.key(), "A0").await > 0);

    // One pass per payout: the obligation loses exactly the cTokens seized, and liz receives
    // the payout in the asked form.
    for payout in [LiquidationPayout::Liquidity, LiquidationPayout::Collateral] {
        let config = LiquidatorConfig {
            payout,
            lookup_table: Some(table),
            ..config
        };
        let held_before = held(&h, &liz, payout).await;
        let snapshot = Snapshot::take(&h.bank, &h.market.unwrap()).await.unwrap();
        let done = pass(&h.bank, &snapshot, &liz.keypair, &config).await;
        assert_eq!((done.liquidated, done.errors), (1, 0), "{payout:?}");
        let d = &done.done[0];
        assert!(obligations.contains(&d.obligation));
        let pledged = |o: &ballast::state::Obligation| {
            o.find_collateral(&d.seize_reserve)
                .map_or(0, |i| o.collaterals()[i].deposited_amount)
        };
        let was = snapshot
            .obligations
            .iter()
            .find(|o| o.address == d.obligation)
            .map(|o| pledged(&o.obligation))
            .unwrap();
        let owner = users
            .iter()
            .find(|u| h.obligation_key(&u.key()) == d.obligation)
            .unwrap();
        assert_eq!(pledged(&h.obligation(&owner.key()).await), was - d.seized);
        let symbol = SYMBOLS
            .iter()
            .find(|s| h.reserve_key(s) == d.seize_reserve)
            .unwrap();
        let index = SYMBOLS.iter().position(|s| s == symbol).unwrap();
        assert!(
            held(&h, &liz, payout).await[index] > held_before[index],
            "{payout:?}"
        );
    }
}

/// What `liz` holds of each asset, in the form `payout` pays.
async fn held(h: &Harness, liz: &User, payout: LiquidationPayout) -> Vec<u64> {
    let mut all = Vec::new();
    for symbol in SYMBOLS {
        all.push(match payout {
            LiquidationPayout::Liquidity => h.balance(&liz.key(), symbol).await,
            LiquidationPayout::Collateral => h.ctokens(&liz.key(), symbol).await,
        });
    }
    all
}

/// Each borrower's obligation as stored (its fields, as text).
async fn stored_obligations(h: &Harness, users: &[User]) -> Vec<String> {
    let mut all = Vec::new();
    for u in users {
        all.push(format!("{:?}", h.obligation(&u.key()).await));
    }
    all
}

#[tokio::test]
async fn the_bank_refuses_a_transaction_over_the_packet_limit() {
    let h = Harness::new().await;
    let payer = h.user("payer").await;
    // 40 memo-less transfers of one lamport to distinct accounts: about 1,900 bytes.
    let ixs: Vec<_> = (0..40)
        .map(|_| {
            anchor_lang::solana_program::system_instruction::transfer(
                &payer.key(),
                &Pubkey::new_unique(),
                1,
            )
        })
        .collect();
    let size = ballast_client::transport::legacy_size(&ixs, &payer.key());
    assert!(size > PACKET_DATA_SIZE);
    let lamports = || async {
        h.bank
            .account(&payer.key())
            .await
            .unwrap()
            .unwrap()
            .lamports
    };
    let before = lamports().await;
    let err = h.bank.send(&ixs, &[&payer.keypair]).await.unwrap_err();
    assert!(
        matches!(err, ClientError::TransactionTooLarge { size: s, max: PACKET_DATA_SIZE } if s == size),
        "{err:?}"
    );
    assert_eq!(lamports().await, before);
}
