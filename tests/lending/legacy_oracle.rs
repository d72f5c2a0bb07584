//! Reserves priced by Pyth legacy push accounts: the same validated price, the same rules.
use {
    ballast::{errors::BallastError, oracle::pyth_legacy, state::OracleSource},
    ballast_client::instructions as ix,
    ballast_testkit::pyth::LegacyPythPrice,
    ballast_tests::{
        expect::{mul_div_floor, WAD},
        specs::USD,
        *,
    },
    solana_sdk::{account::Account, pubkey::Pubkey},
};

const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;

/// USDC (pull oracle) to borrow, SOL priced by a legacy account as collateral.
async fn setup() -> (TestMarket, ReserveId, ReserveId, User) {
    let mut m = TestMarket::new().await;
    let usdc = m.add_pool(ReserveSpec::usdc(), 10_000 * USDC).await;
    let sol = m.add_reserve(ReserveSpec::sol().legacy_oracle()).await;
    let borrower = m.new_user().await;
    m.fund(&borrower, sol, 10_000_000_000).await;
    m.try_supply(&borrower, sol, 10_000_000_000).await.unwrap();
    (m, usdc, sol, borrower)
}

#[tokio::test]
async fn a_legacy_priced_reserve_lends_and_liquidates_like_any_other() {
    let (mut m, usdc, sol, borrower) = setup().await;
    let r = m.reserve_state(sol).await;
    assert_eq!(
        r.oracles.primary().kind().unwrap(),
        OracleSource::PythLegacy
    );
    let owner = m.account(&m.keys(sol).oracle()).await.unwrap().owner;
    assert_eq!(owner, pyth_legacy::PYTH_ORACLE_PROGRAMS[1]);
    // $1,000 of SOL at 75%: the same limit as with a pull oracle.
    assert_error!(
        m.try_borrow(&borrower, usdc, 750 * USDC + 1).await,
        BallastError::ObligationUnhealthy
    );
    m.try_borrow(&borrower, usdc, 750 * USDC).await.unwrap();
    m.set_price(sol, 80 * USD).await;
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 1_000 * USDC).await;
    let args = ballast::instructions::LiquidateArgs {
        max_repay_amount: u64::MAX,
        min_payout: 0,
        payout: ballast::instructions::LiquidationPayout::Collateral,
    };
    m.try_liquidate(&liquidator, &borrower, usdc, sol, args)
        .await
        .unwrap();
    // Health 640 / 750 = 0.853 < 0.9: full liquidation. The bonus would be the 10% maximum, but
    // the equity is $800 / $750 - 1 = 6.67%: at that, the whole 750 USDC is repaid for
    // 750 x 1.0666... / 80 = 9.999999999 SOL, and no debt is left.
    let bonus = mul_div_floor(800 * WAD, WAD, 750 * WAD) - WAD;
    let seized = mul_div_floor(750 * (WAD + bonus), SOL.into(), 80 * WAD) as u64;
    assert_eq!(seized, 9_999_999_999);
    assert_eq!(
        m.balance(&liquidator.account(&m.keys(usdc).liquidity_mint))
            .await,
        250 * USDC
    );
    let o = m.obligation_state(&borrower).await;
    assert_eq!((o.borrow_count, o.collateral_count), (0, 1));
    assert_eq!(o.collaterals()[0].deposited_amount, 10 * SOL - seized);
}

/// Writes SOL's legacy account changed by `edit` and expects a borrow against it to fail with
/// `error` (the account is not a price account at all), changing nothing.
async fn expect_refused(edit: impl FnOnce(&mut LegacyPythPrice), error: BallastError) {
    let (m, usdc, _, borrower) = with_legacy_account(edit).await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    assert_error!(m.try_borrow(&borrower, usdc, USDC).await, error);
    m.assert_unchanged(&before, &touched).await;
}

/// With 500 USDC borrowed against the SOL, writes SOL's legacy account changed by `edit` (a
/// price that is unusable now): a liquidation seizing the SOL, which must price it, fails with
/// `error`, and so does another borrow (the SOL counts as nothing, which leaves the debt over
/// the limit: the price is what stands in the way). Nothing changes.
async fn expect_unusable(edit: impl FnOnce(&mut LegacyPythPrice), error: BallastError) {
    let (m, usdc, sol, borrower) = setup().await;
    m.try_borrow(&borrower, usdc, 500 * USDC).await.unwrap();
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 500 * USDC).await;
    let mut price = LegacyPythPrice::new(100 * USD, -8, m.now().await);
    edit(&mut price);
    m.bank
        .set_account(&m.keys(sol).oracle(), price.account())
        .await;
    let touched = m.touched_accounts(&borrower);
    let before = m.snapshot(&touched).await;
    let seize = ballast_tests::specs::seize_all();
    assert_error!(
        m.try_liquidate(&liquidator, &borrower, usdc, sol, seize)
            .await,
        error
    );
    assert_error!(m.try_borrow(&borrower, usdc, USDC).await, error);
    m.assert_unchanged(&before, &touched).await;
}

/// `setup()` with SOL's legacy account written anew, changed by `edit`.
async fn with_legacy_account(
    edit: impl FnOnce(&mut LegacyPythPrice),
) -> (TestMarket, ReserveId, ReserveId, User) {
    let (m, usdc, sol, borrower) = setup().await;
    let now = m.now().await;
    let mut price = LegacyPythPrice::new(100 * USD, -8, now);
    edit(&mut price);
    m.bank
        .set_account(&m.keys(sol).oracle(), price.account())
        .await;
    (m, usdc, sol, borrower)
}

#[tokio::test]
async fn wrong_magic() {
    expect_refused(
        |p| p.magic = 0xdead_beef,
        BallastError::LegacyOracleBadMagic,
    )
    .await;
}

#[tokio::test]
async fn wrong_version() {
    expect_refused(|p| p.version = 1, BallastError::LegacyOracleBadVersion).await;
}

#[tokio::test]
async fn wrong_account_type() {
    expect_refused(
        |p| p.account_type = 2,
        BallastError::LegacyOracleWrongAccountType,
    )
    .await;
}

#[tokio::test]
async fn not_trading() {
    expect_unusable(|p| p.status = 0, BallastError::OracleNotTrading).await;
}

#[tokio::test]
async fn stale() {
    expect_unusable(|p| p.publish_time -= 61, BallastError::OraclePriceStale).await;
}

#[tokio::test]
async fn wrong_owner() {
    let (m, usdc, sol, borrower) = setup().await;
    let oracle = m.keys(sol).oracle();
    let mut forged = m.account(&oracle).await.unwrap();
    forged.owner = Pubkey::new_unique();
    m.bank.set_account(&oracle, forged).await;
    assert_error!(
        m.try_borrow(&borrower, usdc, USDC).await,
        BallastError::WrongOracleOwner
    );
}

/// The real devnet SOL/USD account of 2021, at its real address: it parses, and a reserve
/// refuses it as stale (it predates publish timestamps).
#[tokio::test]
async fn the_real_devnet_account_is_read_and_judged_stale() {
    let m = TestMarket::new().await;
    let address: Pubkey = "J83w4HKfqxwcq3BEMMkPFSppX3gqekLyLJBexebFVkix"
        .parse()
        .unwrap();
    let data = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/pyth-legacy/J83w4HKfqxwcq3BEMMkPFSppX3gqekLyLJBexebFVkix.bin"
    ))
    .unwrap();
    let account = Account {
        lamports: 23_942_400,
        data,
        owner: pyth_legacy::PYTH_ORACLE_PROGRAMS[1],
        executable: false,
        rent_epoch: 0,
    };
    m.bank.set_account(&address, account).await;
    let spec = ReserveSpec::sol().legacy_oracle();
    let mint = m.create_mint(9, &spec.token_program).await;
    let keys = ReserveKeys::new(m.market, mint, spec.token_program, address);
    let source = m
        .create_token_account(
            &mint,
            &solana_sdk::signer::Signer::pubkey(&m.admin),
            &spec.token_program,
        )
        .await;
    m.mint(&spec.token_program, &mint, &source, spec.seed).await;
    let args = ballast::instructions::InitReserveArgs {
        config: spec.config,
        oracle_sources: vec![ballast::state::PriceSource::pyth_legacy(address)],
        max_divergence_bps: 0,
        seed_amount: spec.seed,
    };
    let init = ix::init_reserve(
        &solana_sdk::signer::Signer::pubkey(&m.payer),
        &solana_sdk::signer::Signer::pubkey(&m.admin),
        &keys,
        &source,
        args,
    );
    assert_error!(m.send(init, &m.admin).await, BallastError::OraclePriceStale);
}
