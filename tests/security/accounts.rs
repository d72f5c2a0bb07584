//! The right accounts: another market's (#4), other vaults, mints and oracles (#5), re-init,
//! non-canonical bumps and colliding seeds (#7), one mutable account twice (#8), closing and
//! reviving obligations (#9).
use {
    anchor_lang::{error::ErrorCode as Anchor, solana_program::system_instruction},
    ballast::{
        constants::MARKET_SEED,
        errors::BallastError,
        instructions::{InitMarketArgs, LiquidateArgs, LiquidationPayout},
        state::MarketConfig,
    },
    ballast_client::{instructions as ix, pda},
    ballast_tests::{specs::USD, *},
    solana_sdk::{instruction::Instruction, pubkey::Pubkey, signer::Signer},
};

fn replace(instruction: &mut Instruction, from: &Pubkey, to: &Pubkey) {
    for meta in instruction
        .accounts
        .iter_mut()
        .filter(|m| m.pubkey == *from)
    {
        meta.pubkey = *to;
    }
}

/// #4: a reserve or obligation of another market.
#[tokio::test]
async fn attack_04_accounts_of_another_market() {
    let (m, usdc, _, _, borrower) = TestMarket::with_borrower().await;
    let (other_market, foreign) = m.foreign_reserve().await;
    let user = m.with_accounts_for(m.new_user().await).await;
    // Our market with the other market's reserve.
    let mut deposit = ix::deposit(
        &user.key(),
        &foreign,
        &Pubkey::new_unique(),
        &Pubkey::new_unique(),
        1,
    );
    replace(&mut deposit, &other_market, &m.market);
    replace(
        &mut deposit,
        &pda::market_authority(&other_market),
        &pda::market_authority(&m.market),
    );
    m.assert_refused(deposit, &user.keypair, BallastError::WrongMarket)
        .await;
    // Our obligation with the other market's reserve (and that market named).
    let o = m.obligation_keys(&borrower).await;
    let borrow = ix::borrow(
        &foreign,
        &o,
        &borrower.account(&m.keys(usdc).liquidity_mint),
        1,
    );
    m.assert_refused(borrow, &borrower.keypair, BallastError::WrongMarket)
        .await;
    // An obligation opened in the other market, used in ours.
    let stranger = ObligationKeys::new(other_market, borrower.key(), 1);
    m.send(
        ix::init_obligation(&m.payer.pubkey(), &stranger, 1),
        &borrower.keypair,
    )
    .await
    .unwrap();
    let k = m.keys(usdc);
    let borrow = ix::borrow(&k, &stranger, &borrower.account(&k.liquidity_mint), 1);
    m.assert_refused(borrow, &borrower.keypair, BallastError::WrongMarket)
        .await;
}

/// #5: a vault, mint, fee vault, oracle or authority other than the stored one.
#[tokio::test]
async fn attack_05_vaults_mints_oracles_other_than_stored() {
    let (m, usdc, sol, lender, borrower) = TestMarket::with_borrower().await;
    let (k, s) = (m.keys(usdc), m.keys(sol));
    let deposit = || {
        ix::deposit(
            &lender.key(),
            &k,
            &lender.account(&k.liquidity_mint),
            &lender.account(&k.collateral_mint()),
            1,
        )
    };
    for (from, to) in [
        (k.liquidity_vault(), s.liquidity_vault()),
        (k.liquidity_vault(), k.fee_vault()),
        (k.collateral_mint(), s.collateral_mint()),
        (k.liquidity_mint, s.liquidity_mint),
    ] {
        let mut bad = deposit();
        replace(&mut bad, &from, &to);
        m.assert_refused(bad, &lender.keypair, BallastError::WrongReserveAccount)
            .await;
    }
    let mut bad = deposit();
    replace(
        &mut bad,
        &pda::market_authority(&m.market),
        &Pubkey::new_unique(),
    );
    m.assert_refused(bad, &lender.keypair, BallastError::WrongMarketAuthority)
        .await;

    let mut fees =
        ix::withdraw_protocol_fees(&m.admin.pubkey(), &k, &lender.account(&k.liquidity_mint), 1);
    replace(&mut fees, &k.fee_vault(), &s.fee_vault());
    m.assert_refused(fees, &m.admin, BallastError::WrongReserveAccount)
        .await;

    let o = m.obligation_keys(&borrower).await;
    let mut borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1);
    // A new position: its price account is the last one.
    replace(&mut borrow, &k.oracle(), &s.oracle());
    m.assert_refused(borrow, &borrower.keypair, BallastError::WrongOracleAccount)
        .await;

    let mut withdraw = ix::withdraw_collateral(&s, &o, &borrower.account(&s.collateral_mint()), 1);
    replace(&mut withdraw, &s.collateral_vault(), &k.collateral_vault());
    m.assert_refused(
        withdraw,
        &borrower.keypair,
        BallastError::WrongReserveAccount,
    )
    .await;
}

/// #7: re-initialising accounts, a non-canonical bump, seeds that would collide.
#[tokio::test]
async fn attack_07_reinit_noncanonical_bump_colliding_seeds() {
    let (m, usdc, _, _, borrower) = TestMarket::with_borrower().await;
    let args = |market_id| InitMarketArgs {
        market_id,
        admin: m.admin.pubkey(),
        config: MarketConfig::default(),
    };
    // The same market, reserve and obligation again.
    m.assert_refused(
        ix::init_market(&m.payer.pubkey(), args(0)),
        &m.payer,
        account_already_in_use(),
    )
    .await;
    let again = ix::init_obligation(
        &m.payer.pubkey(),
        &ObligationKeys::new(m.market, borrower.key(), 0),
        0,
    );
    m.assert_refused(again, &borrower.keypair, account_already_in_use())
        .await;
    let spec = ReserveSpec::usdc();
    let k = m.keys(usdc);
    let source = m
        .create_token_account(&k.liquidity_mint, &m.admin.pubkey(), &spec.token_program)
        .await;
    m.mint(&spec.token_program, &k.liquidity_mint, &source, spec.seed)
        .await;
    let relist = ballast::instructions::InitReserveArgs {
        config: spec.config,
        oracle_sources: vec![ballast::state::PriceSource::pyth_pull(
            k.oracle(),
            m.reserve(usdc).feed_id,
        )],
        max_divergence_bps: 0,
        seed_amount: spec.seed,
    };
    let relist = ix::init_reserve(&m.payer.pubkey(), &m.admin.pubkey(), &k, &source, relist);
    m.assert_refused(relist, &m.admin, account_already_in_use())
        .await;

    // A market address from a valid but non-canonical bump.
    let creator = m.payer.pubkey();
    let id = 9u64.to_le_bytes();
    let (_, canonical) =
        Pubkey::find_program_address(&[MARKET_SEED, creator.as_ref(), &id], &ballast::ID);
    let other = (0..canonical)
        .rev()
        .find_map(|b| {
            Pubkey::create_program_address(
                &[MARKET_SEED, creator.as_ref(), &id, &[b]],
                &ballast::ID,
            )
            .ok()
        })
        .expect("another bump");
    let mut init = ix::init_market(&creator, args(9));
    replace(&mut init, &pda::market(&creator, 9), &other);
    m.assert_refused(init, &m.payer, Anchor::ConstraintSeeds)
        .await;

    // An obligation "opened" at a reserve's address: its seeds lead elsewhere.
    let mut collide = ix::init_obligation(
        &m.payer.pubkey(),
        &ObligationKeys::new(m.market, borrower.key(), 5),
        5,
    );
    replace(
        &mut collide,
        &pda::obligation(&m.market, &borrower.key(), 5),
        &k.address,
    );
    m.assert_refused(collide, &borrower.keypair, Anchor::ConstraintSeeds)
        .await;
}

/// #8: one mutable account in two roles.
#[tokio::test]
async fn attack_08_the_same_mutable_account_twice() {
    let (mut m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    m.try_borrow(&borrower, usdc, 700_000_000).await.unwrap();
    m.set_price(sol, 80 * USD).await;
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 1_000_000_000).await;
    let (k, s) = (m.keys(usdc), m.keys(sol));
    let o = m.obligation_keys(&borrower).await;
    let args = LiquidateArgs {
        max_repay_amount: u64::MAX,
        min_payout: 0,
        payout: LiquidationPayout::Collateral,
    };
    // Repay reserve = withdraw reserve.
    let same = ix::liquidate(
        &liquidator.key(),
        &o,
        &k,
        &k,
        &liquidator.account(&k.liquidity_mint),
        &liquidator.account(&k.collateral_mint()),
        args.clone(),
    );
    m.assert_refused(
        same,
        &liquidator.keypair,
        BallastError::SameReserveCollateralAndDebt,
    )
    .await;
    // The payout sent back into the collateral vault it comes from: the vault check catches it.
    let into_vault = ix::liquidate(
        &liquidator.key(),
        &o,
        &k,
        &s,
        &liquidator.account(&k.liquidity_mint),
        &s.collateral_vault(),
        args,
    );
    m.assert_refused(
        into_vault,
        &liquidator.keypair,
        BallastError::VaultBalanceMismatch,
    )
    .await;
    // A withdrawal paid into the vault it comes from.
    let lender = m.new_user().await;
    m.fund(&lender, usdc, 10).await;
    m.try_deposit(&lender, usdc, 10).await.unwrap();
    let redeem = ix::redeem(
        &lender.key(),
        &k,
        &lender.account(&k.collateral_mint()),
        &k.liquidity_vault(),
        10,
    );
    m.assert_refused(redeem, &lender.keypair, BallastError::VaultBalanceMismatch)
        .await;
}

/// #9: closing an obligation that holds anything; reviving a closed one in the same transaction.
#[tokio::test]
async fn attack_09_closing_with_positions_and_reviving() {
    let (m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    let keys = |o: &User| ObligationKeys {
        address: o.obligation,
        market: m.market,
        owner: o.key(),
        position_accounts: Vec::new(),
        collateral_positions: 0,
        reserve_indexes: Vec::new(),
    };
    // With collateral, then with debt as well.
    m.assert_refused(
        ix::close_obligation(&keys(&borrower), &borrower.key()),
        &borrower.keypair,
        BallastError::ObligationNotEmpty,
    )
    .await;
    m.try_borrow(&borrower, usdc, 1).await.unwrap();
    m.assert_refused(
        ix::close_obligation(&keys(&borrower), &borrower.key()),
        &borrower.keypair,
        BallastError::ObligationNotEmpty,
    )
    .await;

    // An empty obligation closes; reviving it in the same transaction (lamports sent back) and
    // using it fails as a whole, so even the close is undone.
    let user = m.new_user().await;
    let rent = m.account(&user.obligation).await.unwrap().lamports;
    let s = m.keys(sol);
    m.fund(&user, sol, 10).await;
    m.try_deposit(&user, sol, 10).await.unwrap();
    let revive = vec![
        ix::close_obligation(&keys(&user), &user.key()),
        system_instruction::transfer(&m.payer.pubkey(), &user.obligation, rent),
        ix::deposit_collateral(&s, &keys(&user), &user.account(&s.collateral_mint()), 10),
    ];
    let before = m.snapshot(&[user.obligation]).await;
    let result = m.bank.send(&revive, &[&m.payer, &user.keypair]).await;
    assert_eq!(
        result.unwrap_err().custom_code(),
        Some(u32::from(Anchor::AccountOwnedByWrongProgram))
    );
    m.assert_unchanged(&before, &[user.obligation]).await;
    // Closed for real, it is gone and its rent returned.
    let lamports = m.account(&user.key()).await.map_or(0, |a| a.lamports);
    m.try_close_obligation(&user).await.unwrap();
    assert_eq!(m.account(&user.obligation).await, None);
    assert_eq!(
        m.account(&user.key()).await.unwrap().lamports,
        lamports + rent
    );
}
