use ballast_tests::*;

#[tokio::test]
async fn market_with_two_reserves_deposits() {
    let (m, usdc, _sol) = TestMarket::standard().await;
    let alice = m.new_user().await;
    m.fund(&alice, usdc, 1_000_000).await;
    let out = m.try_deposit(&alice, usdc, 400_000).await.unwrap();
    println!("events: {}", out.event_data.len());
    let k = m.keys(usdc);
    assert_eq!(m.balance(&alice.account(&k.liquidity_mint)).await, 600_000);
    assert_eq!(
        m.balance(&alice.account(&k.collateral_mint())).await,
        400_000
    );
}
