//! Pledging cTokens: deposit_collateral / withdraw_collateral and the one-step supply / withdraw.
use {
    ballast::{
        errors::BallastError,
        events::{CollateralDeposited, CollateralWithdrawn, Deposited, Redeemed},
    },
    ballast_client::{events, instructions as ix},
    ballast_tests::*,
};

#[tokio::test]
async fn supply_pledges_the_minted_ctokens() {
    let (m, usdc, _) = TestMarket::standard().await;
    let alice = m.new_user().await;
    let k = m.keys(usdc);
    m.fund(&alice, usdc, 1_000_000).await;

    let out = m.try_supply(&alice, usdc, 600_000).await.unwrap();

    assert_eq!(m.balance(&alice.account(&k.liquidity_mint)).await, 400_000);
    assert_eq!(m.balance(&alice.account(&k.collateral_mint())).await, 0);
    assert_eq!(m.balance(&k.liquidity_vault()).await, 1_600_000);
    assert_eq!(m.balance(&k.collateral_vault()).await, 600_000);
    assert_eq!(m.mint_supply(&k.collateral_mint()).await, 600_000);
    let o = m.obligation_state(&alice).await;
    assert_eq!(o.collateral_count, 1);
    assert_eq!(
        (o.collaterals[0].reserve, o.collaterals[0].deposited_amount),
        (k.address, 600_000)
    );
    let event = &events::decode::<Deposited>(&out.event_data)[0];
    assert_eq!(event.header.obligation, alice.obligation);
    assert_eq!(
        (
            event.liquidity_amount,
            event.collateral_amount,
            event.pledged
        ),
        (600_000, 600_000, true)
    );
}

#[tokio::test]
async fn deposit_and_withdraw_collateral_move_ctokens_exactly() {
    let (m, usdc, _) = TestMarket::standard().await;
    let alice = m.new_user().await;
    let k = m.keys(usdc);
    let ctokens = alice.account(&k.collateral_mint());
    m.fund(&alice, usdc, 1_000_000).await;
    m.try_deposit(&alice, usdc, 1_000_000).await.unwrap();

    let out = m
        .try_deposit_collateral(&alice, usdc, 700_000)
        .await
        .unwrap();
    assert_eq!(m.balance(&ctokens).await, 300_000);
    assert_eq!(m.balance(&k.collateral_vault()).await, 700_000);
    assert_eq!(
        m.obligation_state(&alice).await.collaterals[0].deposited_amount,
        700_000
    );
    assert_eq!(
        events::decode::<CollateralDeposited>(&out.event_data)[0].collateral_amount,
        700_000
    );

    let out = m
        .try_withdraw_collateral(&alice, usdc, 200_000)
        .await
        .unwrap();
    assert_eq!(m.balance(&ctokens).await, 500_000);
    assert_eq!(m.balance(&k.collateral_vault()).await, 500_000);
    assert_eq!(
        m.obligation_state(&alice).await.collaterals[0].deposited_amount,
        500_000
    );
    assert_eq!(
        events::decode::<CollateralWithdrawn>(&out.event_data)[0].collateral_amount,
        200_000
    );

    // u64::MAX takes the whole position and closes it.
    m.try_withdraw_collateral(&alice, usdc, u64::MAX)
        .await
        .unwrap();
    assert_eq!(m.balance(&ctokens).await, 1_000_000);
    assert_eq!(m.balance(&k.collateral_vault()).await, 0);
    assert_eq!(m.obligation_state(&alice).await.collateral_count, 0);
}

#[tokio::test]
async fn withdraw_burns_pledged_ctokens_and_pays_liquidity() {
    let (m, usdc, _) = TestMarket::standard().await;
    let alice = m.new_user().await;
    let k = m.keys(usdc);
    m.fund(&alice, usdc, 1_000_000).await;
    m.try_supply(&alice, usdc, 1_000_000).await.unwrap();

    let out = m.try_withdraw(&alice, usdc, 400_000).await.unwrap();
    assert_eq!(m.balance(&alice.account(&k.liquidity_mint)).await, 400_000);
    assert_eq!(m.balance(&k.collateral_vault()).await, 600_000);
    assert_eq!(m.mint_supply(&k.collateral_mint()).await, 600_000);
    assert_eq!(m.balance(&k.liquidity_vault()).await, 1_600_000);
    let event = &events::decode::<Redeemed>(&out.event_data)[0];
    assert_eq!(
        (
            event.collateral_amount,
            event.liquidity_amount,
            event.unpledged
        ),
        (400_000, 400_000, true)
    );

    m.try_withdraw(&alice, usdc, u64::MAX).await.unwrap();
    assert_eq!(
        m.balance(&alice.account(&k.liquidity_mint)).await,
        1_000_000
    );
    assert_eq!(m.obligation_state(&alice).await.collateral_count, 0);
    let r = m.reserve_state(usdc).await.liquidity;
    assert_eq!(
        (r.available_amount, r.collateral_supply),
        (1_000_000, 1_000_000)
    );
}

#[tokio::test]
async fn withdrawing_more_than_pledged_or_from_no_position_is_refused() {
    let (m, usdc, sol) = TestMarket::standard().await;
    let alice = m.new_user().await;
    m.fund(&alice, usdc, 1_000_000).await;
    m.try_supply(&alice, usdc, 1_000_000).await.unwrap();
    let touched = m.touched_accounts(&alice);
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_withdraw_collateral(&alice, usdc, 1_000_001).await,
        BallastError::WithdrawTooLarge
    );
    assert_error!(
        m.try_withdraw(&alice, usdc, 1_000_001).await,
        BallastError::WithdrawTooLarge
    );
    assert_error!(
        m.try_withdraw(&alice, sol, 1).await,
        BallastError::CollateralPositionNotFound
    );
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn only_the_owner_may_touch_an_obligations_collateral() {
    let (m, usdc, _) = TestMarket::standard().await;
    let alice = m.new_user().await;
    let mallory = m.new_user().await;
    m.fund(&alice, usdc, 1_000_000).await;
    m.try_supply(&alice, usdc, 1_000_000).await.unwrap();
    m.fund(&mallory, usdc, 1_000).await;
    m.try_deposit(&mallory, usdc, 1_000).await.unwrap();
    let k = m.keys(usdc);
    let mut alices = m.obligation_keys(&alice).await;
    alices.owner = mallory.key();
    let touched = m.touched_accounts(&alice);
    let before = m.snapshot(&touched).await;

    let steal = ix::withdraw_collateral(&k, &alices, &mallory.account(&k.collateral_mint()), 1);
    assert_error!(
        m.send(steal, &mallory.keypair).await,
        BallastError::NotObligationOwner
    );
    let steal = ix::withdraw(&k, &alices, &mallory.account(&k.liquidity_mint), 1);
    assert_error!(
        m.send(steal, &mallory.keypair).await,
        BallastError::NotObligationOwner
    );
    // Even adding collateral needs the owner: others could fill the position slots.
    let stuff = ix::deposit_collateral(&k, &alices, &mallory.account(&k.collateral_mint()), 1);
    assert_error!(
        m.send(stuff, &mallory.keypair).await,
        BallastError::NotObligationOwner
    );
    m.assert_unchanged(&before, &touched).await;
}

#[tokio::test]
async fn init_obligation_opens_an_empty_obligation_for_its_owner() {
    let (m, _, _) = TestMarket::standard().await;
    let owner = solana_sdk::signature::Keypair::new();
    let keys = ballast_client::ObligationKeys::new(
        m.market,
        solana_sdk::signer::Signer::pubkey(&owner),
        3,
    );
    let out = m
        .send(
            ix::init_obligation(&solana_sdk::signer::Signer::pubkey(&m.payer), &keys, 3),
            &owner,
        )
        .await
        .unwrap();
    let account = m.account(&keys.address).await.unwrap();
    let o = ballast_client::accounts::decode_obligation(&keys.address, &account).unwrap();
    assert_eq!(
        (o.market, o.owner, o.obligation_id),
        (m.market, keys.owner, 3)
    );
    assert_eq!(o.position_count(), 0);
    assert_eq!(account.data.len(), ballast::state::Obligation::SPACE);
    let event = &events::decode::<ballast::events::ObligationInitialized>(&out.event_data)[0];
    assert_eq!((event.owner, event.obligation_id), (keys.owner, 3));
    assert_eq!(event.header.obligation, keys.address);
    // The same id again is refused: the account exists.
    let again = ix::init_obligation(&solana_sdk::signer::Signer::pubkey(&m.payer), &keys, 3);
    assert!(m.send(again, &owner).await.is_err());
}
