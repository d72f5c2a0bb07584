//! Composability: the example integrator program (`ballast-vault`) supplies into Ballast by
//! CPI from an obligation its PDA owns. Both programs run natively in the bank.
use {
    ballast::{errors::BallastError, math::Fixed},
    ballast_tests::{
        expect::{mul_div_floor, WAD},
        vault::VaultKeys,
        *,
    },
    solana_sdk::{signature::Keypair, signer::Signer},
};

const SOL: u64 = 1_000_000_000;
const USDC: u64 = 1_000_000;

/// A market with a USDC pool and SOL, a vault of SOL, and two depositors with 10 SOL each.
async fn setup() -> (
    TestMarket,
    ReserveId,
    ReserveId,
    VaultKeys,
    Keypair,
    [User; 2],
) {
    let mut m = TestMarket::with_vault_program().await;
    let usdc = m.add_pool(ReserveSpec::usdc(), 10_000 * USDC).await;
    let sol = m.add_reserve(ReserveSpec::sol()).await;
    let manager = Keypair::new();
    m.airdrop(&manager.pubkey(), 1_000_000_000).await;
    let vault = VaultKeys::new(manager.pubkey(), m.keys(sol));
    m.send(vault.init(), &manager).await.unwrap();
    let users = [m.new_user().await, m.new_user().await];
    for user in &users {
        m.fund(user, sol, 10 * SOL).await;
    }
    (m, usdc, sol, vault, manager, users)
}

/// The user's share account (created on first use).
async fn shares_of(m: &TestMarket, vault: &VaultKeys, user: &User) -> solana_sdk::pubkey::Pubkey {
    m.create_token_account(&vault.share_mint, &user.key(), &anchor_spl::token::ID)
        .await
}

/// cTokens the vault's obligation holds, and the vault's share supply: always equal.
async fn books(m: &TestMarket, vault: &VaultKeys) -> (u64, u64) {
    let account = m.account(&vault.obligation).await.unwrap();
    let o = client::accounts::decode_obligation(&vault.obligation, &account).unwrap();
    let pledged = o
        .collaterals()
        .iter()
        .find(|p| p.reserve == vault.reserve.address)
        .map_or(0, |p| p.deposited_amount);
    (pledged, m.mint_supply(&vault.share_mint).await)
}

#[tokio::test]
async fn the_vault_owns_its_obligation_through_its_pda() {
    let (m, _, _, vault, manager, _) = setup().await;
    let account = m.account(&vault.obligation).await.unwrap();
    let o = client::accounts::decode_obligation(&vault.obligation, &account).unwrap();
    assert_eq!(
        (o.owner, o.market, o.obligation_id),
        (vault.address, m.market, 0)
    );
    assert_ne!(o.owner, manager.pubkey());
    assert_eq!(m.mint_supply(&vault.share_mint).await, 0);
    assert_eq!(m.balance(&vault.idle).await, 0);
}

/// Deposits, interest and withdrawals: each step exact, and the vault's books equal Ballast's
/// to the unit throughout.
#[tokio::test]
async fn deposits_interest_and_withdrawals_match_ballast_to_the_unit() {
    let (mut m, usdc, sol, vault, _, [alice, bob]) = setup().await;
    let s = m.keys(sol);
    let (alice_shares, bob_shares) = (
        shares_of(&m, &vault, &alice).await,
        shares_of(&m, &vault, &bob).await,
    );
    let (alice_sol, bob_sol) = (
        alice.account(&s.liquidity_mint),
        bob.account(&s.liquidity_mint),
    );

    // At an exchange rate of one, a SOL buys a share.
    m.send(
        vault.deposit(&alice.key(), &alice_sol, &alice_shares, 6 * SOL),
        &alice.keypair,
    )
    .await
    .unwrap();
    m.send(
        vault.deposit(&bob.key(), &bob_sol, &bob_shares, 4 * SOL),
        &bob.keypair,
    )
    .await
    .unwrap();
    assert_eq!(
        (m.balance(&alice_sol).await, m.balance(&alice_shares).await),
        (4 * SOL, 6 * SOL)
    );
    assert_eq!(
        (m.balance(&bob_sol).await, m.balance(&bob_shares).await),
        (6 * SOL, 4 * SOL)
    );
    assert_eq!(books(&m, &vault).await, (10 * SOL, 10 * SOL));
    assert_eq!(m.balance(&vault.idle).await, 0);
    assert_eq!(m.balance(&s.collateral_vault()).await, 10 * SOL);

    // A borrower takes SOL; a year of interest lifts the cToken's value.
    let borrower = m.new_user().await;
    m.fund(&borrower, usdc, 5_000 * USDC).await;
    m.try_supply(&borrower, usdc, 5_000 * USDC).await.unwrap();
    m.try_borrow(&borrower, sol, 5 * SOL).await.unwrap();
    m.advance_time(365 * 86_400).await;
    // The borrower repays, with the year's interest, which accrues to the suppliers.
    m.fund(&borrower, sol, SOL).await;
    m.try_repay(&borrower, &borrower, sol, u64::MAX)
        .await
        .unwrap();
    let l = m.reserve_state(sol).await.liquidity;
    assert!(l.exchange_rate().unwrap() > Fixed::ONE);

    // Alice's 6 shares are 6 cTokens: she gets what Ballast pays for them, floor(6 x rate).
    let alice_o = m.vault_obligation(&vault).await;
    let expected = mul_div_floor(
        u128::from(6 * SOL),
        l.total_supply().unwrap().raw(),
        u128::from(l.collateral_supply) * WAD,
    ) as u64;
    m.send(
        vault.withdraw(&alice.key(), &alice_sol, &alice_shares, &alice_o, 6 * SOL),
        &alice.keypair,
    )
    .await
    .unwrap();
    assert_eq!(m.balance(&alice_sol).await, 4 * SOL + expected);
    assert!(expected > 6 * SOL);
    assert_eq!(m.balance(&alice_shares).await, 0);
    assert_eq!(books(&m, &vault).await, (4 * SOL, 4 * SOL));
    assert_eq!(m.balance(&vault.idle).await, 0);

    // Bob takes half, then the rest, at the same (unchanged) rate: two floors, never more
    // than one withdrawal of all would pay.
    let l = m.reserve_state(sol).await.liquidity;
    let pay = |shares: u64| {
        mul_div_floor(
            u128::from(shares),
            l.total_supply().unwrap().raw(),
            u128::from(l.collateral_supply) * WAD,
        ) as u64
    };
    let o = m.vault_obligation(&vault).await;
    m.send(
        vault.withdraw(&bob.key(), &bob_sol, &bob_shares, &o, 2 * SOL),
        &bob.keypair,
    )
    .await
    .unwrap();
    let first = pay(2 * SOL);
    assert_eq!(m.balance(&bob_sol).await, 6 * SOL + first);
    let l2 = m.reserve_state(sol).await.liquidity;
    let second = mul_div_floor(
        u128::from(2 * SOL),
        l2.total_supply().unwrap().raw(),
        u128::from(l2.collateral_supply) * WAD,
    ) as u64;
    let o = m.vault_obligation(&vault).await;
    m.send(
        vault.withdraw(&bob.key(), &bob_sol, &bob_shares, &o, 2 * SOL),
        &bob.keypair,
    )
    .await
    .unwrap();
    assert_eq!(m.balance(&bob_sol).await, 6 * SOL + first + second);
    assert!(first + second <= pay(4 * SOL));
    assert_eq!(books(&m, &vault).await, (0, 0));
    assert_eq!(m.balance(&vault.idle).await, 0);
}

#[tokio::test]
async fn the_manager_borrows_against_the_vault_and_repays() {
    let (m, usdc, _, vault, manager, [alice, _]) = setup().await;
    let (k, s) = (m.keys(usdc), vault.reserve);
    let shares = shares_of(&m, &vault, &alice).await;
    m.send(
        vault.deposit(
            &alice.key(),
            &alice.account(&s.liquidity_mint),
            &shares,
            10 * SOL,
        ),
        &alice.keypair,
    )
    .await
    .unwrap();
    let vault_usdc = m
        .create_token_account(&k.liquidity_mint, &vault.address, &anchor_spl::token::ID)
        .await;
    // $1,000 of SOL at 75%: up to $750.
    let o = m.vault_obligation(&vault).await;
    m.assert_refused(
        vault.borrow(&k, &vault_usdc, &o, 750 * USDC + 1),
        &manager,
        BallastError::ObligationUnhealthy,
    )
    .await;
    m.send(vault.borrow(&k, &vault_usdc, &o, 500 * USDC), &manager)
        .await
        .unwrap();
    assert_eq!(m.balance(&vault_usdc).await, 500 * USDC);
    // Collateral and debt: two positions, four position accounts.
    assert_eq!(m.vault_obligation(&vault).await.position_accounts.len(), 4);
    m.send(vault.repay(&k, &vault_usdc, u64::MAX), &manager)
        .await
        .unwrap();
    assert_eq!(m.balance(&vault_usdc).await, 0);
    assert_eq!(
        m.vault_obligation(&vault).await.position_accounts.len(),
        2,
        "the debt is gone"
    );
    // Only the manager manages.
    let stranger = Keypair::new();
    let mut not_manager = vault.borrow(&k, &vault_usdc, &m.vault_obligation(&vault).await, 1);
    not_manager.accounts[0].pubkey = stranger.pubkey();
    m.assert_refused(
        not_manager,
        &stranger,
        anchor_lang::error::ErrorCode::ConstraintHasOne,
    )
    .await;
}

/// An integrator opts its obligation into an e-mode group by CPI, like a wallet would.
#[tokio::test]
async fn the_manager_moves_the_vaults_obligation_into_an_emode_group_by_cpi() {
    let (m, _, sol, vault, manager, [alice, _]) = setup().await;
    let s = vault.reserve;
    let shares = shares_of(&m, &vault, &alice).await;
    let deposit = vault.deposit(
        &alice.key(),
        &alice.account(&s.liquidity_mint),
        &shares,
        10 * SOL,
    );
    m.send(deposit, &alice.keypair).await.unwrap();
    let group = client::presets::correlated_group();
    let set = ballast::state::MarketChange::EmodeGroup {
        id: 1,
        config: group,
        ramp_secs: 0,
    };
    m.try_update_market(set).await.unwrap();
    // SOL is not a member yet: refused through the vault as directly.
    let o = m.vault_obligation(&vault).await;
    m.assert_refused(
        vault.set_emode(&o, 1),
        &manager,
        BallastError::NotEmodeMember,
    )
    .await;
    let member = ballast::state::ReserveChange::EmodeGroups { member: 1, debt: 0 };
    m.try_update_reserve(sol, member).await.unwrap();
    m.send(vault.set_emode(&o, 1), &manager).await.unwrap();
    let emode_group = |account: solana_sdk::account::Account| {
        client::accounts::decode_obligation(&vault.obligation, &account)
            .unwrap()
            .emode_group
    };
    assert_eq!(emode_group(m.account(&vault.obligation).await.unwrap()), 1);
    m.send(vault.set_emode(&o, 0), &manager).await.unwrap();
    assert_eq!(emode_group(m.account(&vault.obligation).await.unwrap()), 0);
}

/// The vault signs with its PDA; pointed at an obligation it does not own, Ballast refuses.
#[tokio::test]
async fn a_caller_program_cannot_act_on_an_obligation_it_does_not_own() {
    let (m, _, sol, vault, _, [alice, bob]) = setup().await;
    let s = m.keys(sol);
    // Bob has his own Ballast obligation with SOL pledged.
    m.try_supply(&bob, sol, 5 * SOL).await.unwrap();
    let bobs = m.obligation_keys(&bob).await;
    // Alice holds vault shares, and tries to spend them against Bob's obligation.
    let shares = shares_of(&m, &vault, &alice).await;
    m.send(
        vault.deposit(
            &alice.key(),
            &alice.account(&s.liquidity_mint),
            &shares,
            SOL,
        ),
        &alice.keypair,
    )
    .await
    .unwrap();
    let steal = vault.withdraw(
        &alice.key(),
        &alice.account(&s.liquidity_mint),
        &shares,
        &bobs,
        SOL,
    );
    m.assert_refused(steal, &alice.keypair, BallastError::NotObligationOwner)
        .await;
}
