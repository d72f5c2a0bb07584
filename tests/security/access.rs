//! Who may act, and on what: signatures (#1), owner programs (#2), account types (#3), fake
//! programs (#6), and programs acting on obligations they do not own (#22). Every refusal
//! leaves every account the instruction names byte-for-byte unchanged (`assert_refused`).
use {
    anchor_lang::error::ErrorCode as Anchor,
    ballast::{errors::BallastError, state::MarketChange},
    ballast_client::instructions as ix,
    ballast_tests::{attacker, *},
    solana_sdk::{pubkey::Pubkey, signer::Signer},
};

/// Clears the signer flag of `key` in `instruction`: the transaction then carries no signature
/// of it.
fn unsigned(
    mut instruction: solana_sdk::instruction::Instruction,
    key: &Pubkey,
) -> solana_sdk::instruction::Instruction {
    for meta in instruction.accounts.iter_mut().filter(|m| m.pubkey == *key) {
        meta.is_signer = false;
    }
    instruction
}

/// #1: each role's signature is required.
#[tokio::test]
async fn attack_01_missing_owner_or_admin_signature() {
    let (m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    let k = m.keys(usdc);
    let o = m.obligation_keys(&borrower).await;
    let borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1);
    m.assert_refused(
        unsigned(borrow, &borrower.key()),
        &m.payer,
        Anchor::AccountNotSigner,
    )
    .await;
    let s = m.keys(sol);
    let withdraw = ix::withdraw_collateral(&s, &o, &borrower.account(&s.collateral_mint()), 1);
    m.assert_refused(
        unsigned(withdraw, &borrower.key()),
        &m.payer,
        Anchor::AccountNotSigner,
    )
    .await;
    let admin = m.admin.pubkey();
    let update = ix::update_market(&admin, &m.market, MarketChange::CloseFactorBps(1));
    m.assert_refused(unsigned(update, &admin), &m.payer, Anchor::AccountNotSigner)
        .await;
    let fees = ix::withdraw_protocol_fees(&admin, &k, &borrower.account(&k.liquidity_mint), 1);
    m.assert_refused(unsigned(fees, &admin), &m.payer, Anchor::AccountNotSigner)
        .await;
    let update = ix::update_reserve(&admin, &k, ballast::state::ReserveChange::BorrowCap(0));
    m.assert_refused(unsigned(update, &admin), &m.payer, Anchor::AccountNotSigner)
        .await;
}

/// #2: a byte-for-byte copy of a reserve or obligation owned by another program.
#[tokio::test]
async fn attack_02_copies_owned_by_another_program() {
    let (m, usdc, _, _, borrower) = TestMarket::with_borrower().await;
    let k = m.keys(usdc);
    let fake = Pubkey::new_unique();
    let mut copy = m.account(&k.address).await.unwrap();
    copy.owner = Pubkey::new_unique();
    m.bank.set_account(&fake, copy).await;
    let mut deposit = ix::deposit(
        &borrower.key(),
        &k,
        &borrower.account(&k.liquidity_mint),
        &borrower.account(&k.collateral_mint()),
        1,
    );
    replace(&mut deposit, &k.address, &fake);
    m.assert_refused(
        deposit,
        &borrower.keypair,
        Anchor::AccountOwnedByWrongProgram,
    )
    .await;

    let fake_obligation = Pubkey::new_unique();
    let mut copy = m.account(&borrower.obligation).await.unwrap();
    copy.owner = Pubkey::new_unique();
    m.bank.set_account(&fake_obligation, copy).await;
    let mut o = m.obligation_keys(&borrower).await;
    o.address = fake_obligation;
    let borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1);
    m.assert_refused(
        borrow,
        &borrower.keypair,
        Anchor::AccountOwnedByWrongProgram,
    )
    .await;
}

/// #3: one account type passed where another is expected (type cosplay).
#[tokio::test]
async fn attack_03_obligation_passed_as_a_reserve_and_back() {
    let (m, usdc, _, _, borrower) = TestMarket::with_borrower().await;
    let k = m.keys(usdc);
    let mut refresh = ix::refresh_reserve(&k);
    replace(&mut refresh, &k.address, &borrower.obligation);
    m.assert_refused(refresh, &m.payer, Anchor::AccountDiscriminatorMismatch)
        .await;
    let o = m.obligation_keys(&borrower).await;
    let mut borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1);
    // The obligation slot gets a reserve.
    borrow.accounts[4].pubkey = k.address;
    m.assert_refused(
        borrow,
        &borrower.keypair,
        Anchor::AccountDiscriminatorMismatch,
    )
    .await;
    // The market slot gets a reserve.
    let mut update = ix::update_market(
        &m.admin.pubkey(),
        &m.market,
        MarketChange::CloseFactorBps(100),
    );
    replace(&mut update, &m.market, &k.address);
    m.assert_refused(update, &m.admin, Anchor::AccountDiscriminatorMismatch)
        .await;
}

/// #6: a fake token program, and an oracle owned by a fake oracle program.
#[tokio::test]
async fn attack_06_fake_token_program_and_fake_oracle_owner() {
    let (m, usdc, sol, _, borrower) = TestMarket::with_borrower().await;
    let k = m.keys(usdc);
    let fake_program = attacker::ID;
    let mut deposit = ix::deposit(
        &borrower.key(),
        &k,
        &borrower.account(&k.liquidity_mint),
        &borrower.account(&k.collateral_mint()),
        1,
    );
    replace(&mut deposit, &anchor_spl::token::ID, &fake_program);
    m.assert_refused(deposit, &borrower.keypair, Anchor::InvalidProgramId)
        .await;
    let o = m.obligation_keys(&borrower).await;
    let mut borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1);
    // Token-2022 is a token program, but not this reserve's.
    replace(
        &mut borrow,
        &anchor_spl::token::ID,
        &anchor_spl::token_2022::ID,
    );
    m.assert_refused(borrow, &borrower.keypair, BallastError::WrongTokenProgram)
        .await;

    let oracle = m.keys(sol).oracle();
    let mut forged = m.account(&oracle).await.unwrap();
    forged.owner = fake_program;
    m.bank.set_account(&oracle, forged).await;
    let borrow = ix::borrow(&k, &o, &borrower.account(&k.liquidity_mint), 1);
    m.assert_refused(borrow, &borrower.keypair, BallastError::WrongOracleOwner)
        .await;
}

/// #22: a program CPIs into Ballast with someone else's obligation: it cannot sign for the
/// owner, and its own PDA is not the owner. Its own obligation it may use.
#[tokio::test]
async fn attack_22_a_program_cannot_act_on_an_obligation_it_does_not_own() {
    let mut m = TestMarket::with_attacker().await;
    let usdc = m.add_reserve(ReserveSpec::usdc()).await;
    let victim = m.new_user().await;
    m.fund(&victim, usdc, 1_000_000).await;
    m.try_supply(&victim, usdc, 1_000_000).await.unwrap();
    let k = m.keys(usdc);
    let (pda, _) = attacker::pda();
    let loot = m
        .create_token_account(&k.collateral_mint(), &pda, &anchor_spl::token::ID)
        .await;
    let mut o = m.obligation_keys(&victim).await;

    // Naming the victim as owner: the victim never signed.
    let steal = unsigned(
        ix::withdraw_collateral(&k, &o, &loot, u64::MAX),
        &victim.key(),
    );
    m.assert_refused(
        attacker::forward(&steal),
        &m.payer,
        Anchor::AccountNotSigner,
    )
    .await;
    // Naming itself as owner: it is not the owner.
    o.owner = pda;
    let steal = ix::withdraw_collateral(&k, &o, &loot, u64::MAX);
    m.assert_refused(
        attacker::forward(&steal),
        &m.payer,
        BallastError::NotObligationOwner,
    )
    .await;

    // Its own obligation (a PDA it signs for) works by CPI.
    let own = ObligationKeys::new(m.market, pda, 0);
    let open = ix::init_obligation(&m.payer.pubkey(), &own, 0);
    m.send(attacker::forward(&open), &m.payer).await.unwrap();
    let stored = m.account(&own.address).await.unwrap();
    let stored = ballast_client::accounts::decode_obligation(&own.address, &stored).unwrap();
    assert_eq!(stored.owner, pda);
}

/// Replaces every occurrence of `from` in `instruction`'s accounts with `to`.
fn replace(instruction: &mut solana_sdk::instruction::Instruction, from: &Pubkey, to: &Pubkey) {
    for meta in instruction
        .accounts
        .iter_mut()
        .filter(|m| m.pubkey == *from)
    {
        meta.pubkey = *to;
    }
}
