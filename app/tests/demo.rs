//! `ballast demo` runs its story and its books balance to the unit.
use ballast_client::demo;

#[tokio::test]
async fn demo_story_runs_and_conserves_every_unit() {
    let mut out = Vec::new();
    let r = demo::run(&mut out).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    for line in [
        "1. Alice supplies 10,000 USDC and receives 10,000 cUSDC",
        "2. Bob pledges 100 SOL at $150 and borrows 6,000 USDC",
        "3. 30 days pass",
        "4. Bob repays",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    assert_eq!(
        (r.supplied, r.borrowed, r.days),
        (10_000_000_000, 6_000_000_000, 30)
    );
    // Interest was charged and reached the lender, net of the protocol's share.
    assert!(r.repaid > r.borrowed && r.redeemed > r.supplied);
    assert!(r.protocol_fees > 0);
    // Every unit that entered the vault left it or is still there.
    assert_eq!(
        r.seed + r.supplied - r.borrowed + r.repaid - r.redeemed,
        r.vault_left
    );
    // What stays: the seed, the protocol's fees, and the seed's own share of the interest,
    // which is at most its pro-rata part (1 of 10,001 supplied).
    let interest = r.repaid - r.borrowed;
    let seed_share = r.vault_left - r.seed - r.protocol_fees;
    assert!(seed_share <= interest / 10_001 + 1, "{seed_share}");
}
