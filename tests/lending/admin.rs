//! Market and reserve administration: init, typed updates, listing, protocol fees.
use {
    ballast::{
        constants::{MIN_SEED_DEPOSIT, SECONDS_PER_YEAR},
        errors::BallastError,
        events::{MarketUpdated, ReserveInitialized, ReserveUpdated},
        instructions::InitReserveArgs,
        math::{Fixed, RateCurve},
        state::{MarketChange, MarketConfig, PriceSource, ReserveChange},
    },
    ballast_client::{events, instructions as ix, pda},
    ballast_tests::*,
    solana_sdk::{pubkey::Pubkey, signature::Keypair, signer::Signer},
};

fn seed_args(spec: &ReserveSpec) -> InitReserveArgs {
    InitReserveArgs {
        config: spec.config,
        oracle_sources: Vec::new(),
        max_divergence_bps: 0,
        seed_amount: spec.seed,
    }
}

#[tokio::test]
async fn init_market_records_admin_authority_and_config() {
    let m = TestMarket::new().await;
    let market = m.market_state().await;
    assert_eq!(market.admin, m.admin.pubkey());
    assert_eq!(market.creator, m.payer.pubkey());
    assert_eq!(market.market_id, 0);
    assert_eq!(market.authority, pda::market_authority(&m.market));
    assert_eq!(market.config, MarketConfig::default());
    assert_eq!(m.market, pda::market(&m.payer.pubkey(), 0));
}

#[tokio::test]
async fn init_market_rejects_an_invalid_config() {
    let m = TestMarket::new().await;
    let config = MarketConfig {
        close_factor_bps: 0,
        ..MarketConfig::default()
    };
    let init = ix::init_market(
        &m.payer.pubkey(),
        ballast::instructions::InitMarketArgs {
            market_id: 7,
            admin: m.admin.pubkey(),
            config,
        },
    );
    assert_error!(
        m.send(init, &m.payer).await,
        BallastError::InvalidMarketConfig
    );
    assert_eq!(m.account(&pda::market(&m.payer.pubkey(), 7)).await, None);
}

#[tokio::test]
async fn update_market_applies_one_typed_change() {
    let m = TestMarket::new().await;
    let out = m
        .try_update_market(MarketChange::CloseFactorBps(2_500))
        .await
        .unwrap();
    assert_eq!(m.market_state().await.config.close_factor_bps, 2_500);
    let event = &events::decode::<MarketUpdated>(&out.event_data)[0];
    assert_eq!(event.change, MarketChange::CloseFactorBps(2_500));
    assert_eq!(event.header.market, m.market);
    assert_eq!(event.header.signer, m.admin.pubkey());
}

#[tokio::test]
async fn update_market_rejects_invalid_values_and_strangers() {
    let m = TestMarket::new().await;
    let before = m.snapshot(&[m.market]).await;
    assert_error!(
        m.try_update_market(MarketChange::FullLiquidationHealthBps(10_000))
            .await,
        BallastError::InvalidMarketConfig
    );
    let stranger = Keypair::new();
    let update = ix::update_market(
        &stranger.pubkey(),
        &m.market,
        MarketChange::CloseFactorBps(100),
    );
    assert_error!(
        m.send(update, &stranger).await,
        BallastError::NotMarketAdmin
    );
    m.assert_unchanged(&before, &[m.market]).await;
}

#[tokio::test]
async fn init_reserve_creates_vaults_and_locks_the_seed() {
    let mut m = TestMarket::new().await;
    let spec = ReserveSpec::usdc();
    let usdc = m.add_reserve(spec.clone()).await;
    let k = m.keys(usdc);
    let r = m.reserve_state(usdc).await;
    assert_eq!(r.market, m.market);
    assert_eq!(r.liquidity_mint, k.liquidity_mint);
    assert_eq!(r.liquidity_vault, pda::liquidity_vault(&k.address));
    assert_eq!(r.fee_vault, pda::fee_vault(&k.address));
    assert_eq!(r.collateral_mint, pda::collateral_mint(&k.address));
    assert_eq!(r.collateral_vault, pda::collateral_vault(&k.address));
    assert_eq!(r.token_program, anchor_spl::token::ID);
    assert_eq!(r.oracles.primary().account, k.oracle());
    assert_eq!(r.oracles.primary().feed_id, m.reserve(usdc).feed_id);
    assert_eq!(r.config, spec.config);
    assert_eq!(r.decimals, 6);
    // The seed: in the vault, counted in the supply at 1:1, never minted.
    assert_eq!(m.balance(&k.liquidity_vault()).await, spec.seed);
    assert_eq!(m.balance(&k.fee_vault()).await, 0);
    assert_eq!(m.balance(&k.collateral_vault()).await, 0);
    assert_eq!(m.mint_supply(&k.collateral_mint()).await, 0);
    assert_eq!(r.liquidity.available_amount, spec.seed);
    assert_eq!(r.liquidity.collateral_supply, spec.seed);
    assert_eq!(r.locked_collateral, spec.seed);
    assert_eq!(r.liquidity.borrowed(), Fixed::ZERO);
    assert_eq!(r.liquidity.index(), Fixed::ONE);
    assert_eq!(r.liquidity.last_update_ts, m.now().await);
    assert_eq!(
        r.last_oracle_publish_time,
        m.reserve(usdc).price.publish_time
    );
}

#[tokio::test]
async fn init_reserve_emits_its_event() {
    let m = TestMarket::new().await;
    let spec = ReserveSpec::sol();
    let mint = m.create_mint(9, &spec.token_program).await;
    let oracle = Pubkey::new_unique();
    let now = m.now().await;
    m.bank
        .set_account(
            &oracle,
            ballast_testkit::pyth::PythPrice::new(oracle.to_bytes(), 100, -8, now).account(),
        )
        .await;
    let keys = ReserveKeys::new(m.market, mint, spec.token_program, oracle);
    let source = m
        .create_token_account(&mint, &m.admin.pubkey(), &spec.token_program)
        .await;
    m.mint(&spec.token_program, &mint, &source, spec.seed).await;
    let mut args = seed_args(&spec);
    args.oracle_sources = vec![PriceSource::pyth_pull(oracle, oracle.to_bytes())];
    let out = m
        .send(
            ix::init_reserve(&m.payer.pubkey(), &m.admin.pubkey(), &keys, &source, args),
            &m.admin,
        )
        .await
        .unwrap();
    let event = &events::decode::<ReserveInitialized>(&out.event_data)[0];
    assert_eq!(event.header.market, m.market);
    assert_eq!(event.header.reserve, keys.address);
    assert_eq!(event.header.signer, m.admin.pubkey());
    assert_eq!(event.liquidity_mint, mint);
    assert_eq!(event.oracle, oracle);
    assert_eq!(event.seed_amount, spec.seed);
    assert_eq!(m.balance(&source).await, 0);
}

#[tokio::test]
async fn init_reserve_refusals() {
    let mut m = TestMarket::new().await;
    let spec = ReserveSpec::usdc();

    let small = InitReserveArgs {
        seed_amount: MIN_SEED_DEPOSIT - 1,
        ..seed_args(&spec)
    };
    assert_error!(
        m.try_add_reserve(spec.clone(), small).await,
        BallastError::SeedDepositTooSmall
    );

    let mut bad_config = seed_args(&spec);
    bad_config.config.loan_to_value_bps = 9_000; // above the 85% threshold
    assert_error!(
        m.try_add_reserve(spec.clone(), bad_config).await,
        BallastError::InvalidReserveConfig
    );

    let mut bad_curve = seed_args(&spec);
    // 8% at 80% utilization, then 7% at 100%: the curve falls.
    bad_curve.config.rate_curve.points[2].borrow_rate_bps = 700;
    assert_error!(
        m.try_add_reserve(spec.clone(), bad_curve).await,
        BallastError::InvalidRateCurve
    );
    assert!(m.reserves.is_empty());
}

#[tokio::test]
async fn init_reserve_requires_the_admin_and_a_live_oracle() {
    let m = TestMarket::new().await;
    let spec = ReserveSpec::usdc();
    let mint = m.create_mint(6, &spec.token_program).await;
    let oracle = Pubkey::new_unique();
    let now = m.now().await;
    let mut price =
        ballast_testkit::pyth::PythPrice::new(oracle.to_bytes(), 100_000_000, -8, now - 61);
    m.bank.set_account(&oracle, price.account()).await;
    let keys = ReserveKeys::new(m.market, mint, spec.token_program, oracle);
    let stranger = Keypair::new();
    let source = m
        .create_token_account(&mint, &stranger.pubkey(), &spec.token_program)
        .await;
    m.mint(&spec.token_program, &mint, &source, spec.seed).await;
    let mut args = seed_args(&spec);
    args.oracle_sources = vec![PriceSource::pyth_pull(oracle, oracle.to_bytes())];

    let by_stranger = ix::init_reserve(
        &m.payer.pubkey(),
        &stranger.pubkey(),
        &keys,
        &source,
        args.clone(),
    );
    assert_error!(
        m.send(by_stranger, &stranger).await,
        BallastError::NotMarketAdmin
    );

    let admin_source = m
        .create_token_account(&mint, &m.admin.pubkey(), &spec.token_program)
        .await;
    m.mint(&spec.token_program, &mint, &admin_source, spec.seed)
        .await;
    let stale = ix::init_reserve(
        &m.payer.pubkey(),
        &m.admin.pubkey(),
        &keys,
        &admin_source,
        args.clone(),
    );
    assert_error!(
        m.send(stale, &m.admin).await,
        BallastError::OraclePriceStale
    );
    assert_eq!(m.account(&keys.address).await, None);

    price.publish_time = now;
    m.bank.set_account(&oracle, price.account()).await;
    let live = ix::init_reserve(
        &m.payer.pubkey(),
        &m.admin.pubkey(),
        &keys,
        &admin_source,
        args,
    );
    m.send(live, &m.admin).await.unwrap();
    assert_eq!(m.balance(&admin_source).await, 0);
}

#[tokio::test]
async fn update_reserve_applies_a_validated_change() {
    let (m, usdc, _) = TestMarket::standard().await;
    let curve =
        RateCurve::new(&[(0, 100), (5_000, 500), (9_000, 2_000), (10_000, 20_000)]).unwrap();
    let out = m
        .try_update_reserve(usdc, ReserveChange::RateCurve(curve))
        .await
        .unwrap();
    assert_eq!(m.reserve_state(usdc).await.config.rate_curve, curve);
    let event = &events::decode::<ReserveUpdated>(&out.event_data)[0];
    assert_eq!(event.change, ReserveChange::RateCurve(curve));
    assert_eq!(event.header.reserve, m.keys(usdc).address);

    m.try_update_reserve(usdc, ReserveChange::DepositCap(5_000_000))
        .await
        .unwrap();
    assert_eq!(m.reserve_state(usdc).await.config.deposit_cap, 5_000_000);
}

/// The rate stored for a reserve's state (so that reads skip the curve) is replaced when the
/// curve changes: interest after the change is at the new curve's rate, to the unit.
#[tokio::test]
async fn a_new_rate_curve_applies_from_the_moment_it_is_set() {
    let (mut m, usdc, sol) = TestMarket::standard().await;
    let (lender, borrower) = (m.new_user().await, m.new_user().await);
    m.fund(&lender, usdc, 10_000_000_000).await;
    m.try_deposit(&lender, usdc, 10_000_000_000).await.unwrap();
    m.fund(&borrower, sol, 100_000_000_000).await;
    m.try_supply(&borrower, sol, 100_000_000_000).await.unwrap();
    m.try_borrow(&borrower, usdc, 5_000_000_000).await.unwrap();
    let flat = RateCurve::new(&[(0, 50_000), (10_000, 50_000)]).unwrap();
    m.try_update_reserve(usdc, ReserveChange::RateCurve(flat))
        .await
        .unwrap();
    let set = m.reserve_state(usdc).await;
    let rate = Fixed::from_bps(50_000)
        .mul_div_int_floor(1, SECONDS_PER_YEAR)
        .unwrap();
    assert_eq!(set.rate_cache.rate_at(&set.liquidity), Some(rate));

    m.advance_time(86_400).await;
    m.try_refresh_reserve(usdc).await.unwrap();
    let mut expected = set.liquidity;
    let growth = rate.compound_ceil(86_400).unwrap();
    expected
        .borrowed_amount_sf
        .set(set.liquidity.borrowed().mul_ceil(growth).unwrap());
    let after = m.reserve_state(usdc).await;
    assert_eq!(after.liquidity.borrowed(), expected.borrowed());
    // 500% a year for a day, compounded per second: 5,000 x (1 + 5 / 31,536,000)^86,400 =
    // 5,068.964425857 (in 60-digit decimals).
    assert_eq!(
        after.liquidity.borrowed().to_floor().unwrap(),
        5_068_964_425
    );
}

#[tokio::test]
async fn update_reserve_rejects_invalid_changes_and_strangers() {
    let (m, usdc, _) = TestMarket::standard().await;
    let reserve = m.keys(usdc).address;
    let before = m.snapshot(&[reserve]).await;
    let cases = [
        (
            ReserveChange::LoanToValue {
                loan_to_value_bps: 8_500,
                liquidation_threshold_bps: 8_500,
                ramp_secs: 0,
            },
            BallastError::InvalidReserveConfig,
        ),
        (
            // 85% x (1 + 20%) = 102% > 100%.
            ReserveChange::LiquidationBonus {
                min_bps: 100,
                max_bps: 2_000,
            },
            BallastError::InvalidReserveConfig,
        ),
        (
            ReserveChange::BorrowFeeBps(10_001),
            BallastError::InvalidReserveConfig,
        ),
        (
            ReserveChange::ProtocolTakeRateBps(10_001),
            BallastError::InvalidReserveConfig,
        ),
        (
            ReserveChange::BorrowFactorBps(9_000),
            BallastError::InvalidReserveConfig,
        ),
    ];
    for (change, error) in cases {
        assert_error!(m.try_update_reserve(usdc, change).await, error);
    }
    let stranger = Keypair::new();
    let update = ix::update_reserve(
        &stranger.pubkey(),
        &m.keys(usdc),
        ReserveChange::BorrowCap(1),
    );
    assert_error!(
        m.send(update, &stranger).await,
        BallastError::NotMarketAdmin
    );
    m.assert_unchanged(&before, &[reserve]).await;
}

#[tokio::test]
async fn protocol_fees_are_collected_and_paid_out_exactly() {
    let (mut m, usdc, sol) = TestMarket::standard().await;
    let lender = m.new_user().await;
    let borrower = m.new_user().await;
    m.fund(&lender, sol, 100_000_000_000).await; // 100 SOL
    m.try_supply(&lender, sol, 100_000_000_000).await.unwrap();
    m.fund(&borrower, usdc, 10_000_000_000).await; // 10,000 USDC
    m.try_supply(&borrower, usdc, 10_000_000_000).await.unwrap();
    // 10 SOL borrowed: fee 0.1% = 0.01 SOL, owed to the protocol.
    m.try_borrow(&borrower, sol, 10_000_000_000).await.unwrap();
    m.advance_time(30 * 86_400).await;

    let destination = m
        .create_token_account(
            &m.keys(sol).liquidity_mint,
            &m.admin.pubkey(),
            &anchor_spl::token::ID,
        )
        .await;
    let k = m.keys(sol);
    // Accrue to now (time does not move between these transactions) and read the fees.
    m.try_refresh_reserve(sol).await.unwrap();
    let accrued = m.reserve_state(sol).await.liquidity;
    // Fees: the 0.01 SOL origination fee plus 10% of the interest on 10.01 SOL of debt.
    let interest = accrued
        .borrowed()
        .checked_sub(Fixed::from_u64(10_010_000_000))
        .unwrap();
    let expected_fees = Fixed::from_u64(10_000_000)
        .checked_add(interest.mul_floor(Fixed::from_bps(1_000)).unwrap())
        .unwrap();
    assert_eq!(accrued.protocol_fees(), expected_fees);
    let collected = expected_fees.to_floor().unwrap();

    // Collect everything; pay out 1,000 units now.
    m.try_withdraw_protocol_fees(sol, &destination, 1_000)
        .await
        .unwrap();
    let r = m.reserve_state(sol).await;
    assert_eq!(
        r.liquidity.available_amount,
        accrued.available_amount - collected
    );
    assert_eq!(
        r.liquidity.protocol_fees(),
        expected_fees
            .checked_sub(Fixed::from_u64(collected))
            .unwrap()
    );
    assert_eq!(
        m.balance(&k.liquidity_vault()).await,
        r.liquidity.available_amount
    );
    assert_eq!(m.balance(&k.fee_vault()).await, collected - 1_000);
    assert_eq!(m.balance(&destination).await, 1_000);
    // Suppliers' claim is untouched by the collection.
    assert_eq!(
        r.liquidity.total_supply().unwrap(),
        accrued.total_supply().unwrap()
    );

    // The rest of the fee vault, then nothing more.
    m.try_withdraw_protocol_fees(sol, &destination, u64::MAX)
        .await
        .unwrap();
    assert_eq!(m.balance(&destination).await, collected);
    assert_eq!(m.balance(&k.fee_vault()).await, 0);
    let before = m.snapshot(&m.touched_accounts(&lender)).await;
    assert_error!(
        m.try_withdraw_protocol_fees(sol, &destination, 1).await,
        BallastError::InsufficientProtocolFees
    );
    m.assert_unchanged(&before, &m.touched_accounts(&lender))
        .await;

    let stranger = Keypair::new();
    let steal = ix::withdraw_protocol_fees(&stranger.pubkey(), &m.keys(usdc), &destination, 1);
    assert_error!(m.send(steal, &stranger).await, BallastError::NotMarketAdmin);
}
