//! `ballast demo` tells its whole story, and its books balance to the unit.
use {ballast::math::Fixed, ballast_cli::demo};

const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;

#[tokio::test]
async fn demo_story_runs_and_every_unit_is_accounted_for() {
    let mut out = Vec::new();
    let r = demo::run(&mut out, false).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    for line in [
        "1. Lenders deposit and receive cTokens",
        "Alice: deposit 20,000 USDC for 20,000 cUSDC",
        "Bob: pledge 100 SOL; borrow 10,000 USDC",
        "3. 30 days pass",
        "Bob's health factor: 1.20 -> 1.19 (the interest is debt too)",
        "a 4.49% gain (the 5.00% bonus less the protocol's 10.00% share of it)",
        "Dave brings 0.083206343 SOL from outside the market for the interest",
        "4. SOL crashes 20%, from $150 to $120 (staked SOL with it)",
        "5. Liz liquidates Bob",
        "status             LIQUIDATABLE",
        "6. Erin loops staked SOL to 9x in an e-mode group",
        "with the reserves' own 75% loan-to-value the loop stalls after 15 rounds at 3.96x",
        "e-mode group       1: member positions at LTV 90.00%, liquidation at 93.00%, max bonus 2.00%",
        "7. Borrowers repay and withdraw, lenders redeem: the final books",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }

    // Books: every unit minted is in a wallet, the pool or the fee vault; the pool holds what
    // the reserve's accounting says.
    let usdc = &r.books[0];
    let sol = &r.books[1];
    assert_eq!(
        (usdc.symbol, sol.symbol, r.books[2].symbol),
        ("USDC", "SOL", "stSOL")
    );
    for b in &r.books {
        assert_eq!(b.minted, b.wallets + b.pool + b.fee_vault, "{b:?}");
        assert_eq!(b.pool, b.pool_accounted, "{b:?}");
        // What stays: the seed, the protocol's fees, and the pool's rounding.
        assert!(
            b.pool >= 10u64.pow(b.decimals.into()) + b.protocol_fees,
            "{b:?}"
        );
    }
    // Seed + Alice + Dave + Liz; Bob repays from what he borrowed.
    assert_eq!(usdc.minted, (1 + 20_000 + 20_000 + 10_000) * USDC);

    // Erin's loop: near 4x (1 / (1 - 75%)) on the reserves' own terms, 9x in the group
    // (1 / (1 - 90%) is the ceiling); unwound, her 10 stSOL come back as SOL less the borrow
    // and flash loan fees.
    let [plain, grouped] = r.erin_leverage;
    assert!(
        plain > Fixed::from_bps(39_000) && plain < Fixed::from_u64(4),
        "{plain:?}"
    );
    assert!(
        grouped >= Fixed::from_u64(9) && grouped < Fixed::from_bps(90_100),
        "{grouped:?}"
    );
    assert!(r.erin_unwound > 9 * SOL && r.erin_unwound < 10 * SOL);

    // Interest accrued for 30 days and reached the lender.
    assert_eq!(r.bob_debt[0], 10_000 * USDC);
    assert!(r.bob_debt[1] > r.bob_debt[0]);
    assert!(r.alice_redeemed > r.alice_supplied);

    // The crash made Bob liquidatable, the liquidation made him healthy again.
    let [before, crashed, after] = r.bob_health;
    assert!(before > Fixed::ONE && crashed < Fixed::ONE && after > Fixed::ONE);
    // Liz's wallets moved by exactly what the event says.
    let l = &r.liquidation;
    assert_eq!(r.liquidator_paid, l.repaid_amount);
    assert_eq!(r.liquidator_received, l.payout_amount);
    // At most half of the debt (the close factor) was repaid.
    assert!(l.repaid_amount <= r.bob_debt[1] / 2 && l.repaid_amount > r.bob_debt[1] / 2 - 10);
    // SOL received is worth the repaid USDC plus the 5% bonus, less the protocol's share, at $120.
    let worth_usdc = u128::from(l.payout_amount) * 120 * u128::from(USDC) / u128::from(SOL);
    assert!(worth_usdc > u128::from(l.repaid_amount) * 104 / 100);
    assert!(worth_usdc < u128::from(l.repaid_amount) * 105 / 100);
}

#[tokio::test]
async fn demo_prints_one_json_document_with_output_json() {
    let mut out = Vec::new();
    demo::run(&mut out, true).await.unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let steps = doc["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 8);
    assert_eq!(steps[5]["title"], "5. Liz liquidates Bob");
    let books = doc["final"]["books"].as_array().unwrap();
    assert_eq!(books.len(), 3);
    for b in books {
        assert_eq!(b["balanced"], true, "{b}");
    }
    assert_eq!(books[0]["minted"], "50001");
    let reserves = doc["final"]["reserves"].as_array().unwrap();
    assert_eq!(reserves[1]["price_usd"], "120.00000000");
    assert_eq!(doc["final"]["wallets"][1]["name"], "Alice");
    // Bob as he leaves: repaid and withdrawn, nothing left.
    assert_eq!(doc["final"]["bob"]["positions"], serde_json::json!([]));
    assert_eq!(
        steps[5]["data"]["bob"]["positions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
