//! #21: the Token-2022 extension policy. Refused, each with its own error: a non-zero transfer
//! fee, a live transfer hook, non-transferable, default-frozen accounts, a permanent delegate
//! without the acknowledgement flag, anything off the allowlist. Accepted mints work end to end,
//! the real PYUSD mint among them.
use {
    anchor_spl::token_2022::{spl_token_2022::state::AccountState, ID as TOKEN_2022},
    ballast::{
        errors::BallastError,
        instructions::{InitReserveArgs, LiquidateArgs, LiquidationPayout},
        state::PriceSource,
    },
    ballast_client::instructions as ix,
    ballast_tests::{
        specs::USD,
        token2022::{pyusd_mint, MintExtension, PYUSD},
        *,
    },
    solana_sdk::{pubkey::Pubkey, signer::Signer},
};

const UNIT: u64 = 1_000_000;

fn stablecoin_2022() -> ReserveSpec {
    ReserveSpec::usdc().with_token_program(TOKEN_2022)
}

fn listing_args(spec: &ReserveSpec, feed: [u8; 32]) -> InitReserveArgs {
    InitReserveArgs {
        config: spec.config,
        // No feed: the harness prices it with the oracle it creates.
        oracle_sources: if feed == [0; 32] {
            Vec::new()
        } else {
            vec![PriceSource::pyth_pull(Pubkey::new_from_array(feed), feed)]
        },
        max_divergence_bps: 0,
        seed_amount: spec.seed,
    }
}

/// Listing a mint with `extensions` is refused with `error`, and nothing is created or moved.
async fn expect_listing_refused(extensions: &[MintExtension], error: BallastError) {
    let m = TestMarket::new().await;
    let spec = stablecoin_2022();
    let mint = m.create_token_2022_mint(6, extensions).await;
    let oracle = Pubkey::new_unique();
    let now = m.now().await;
    let price = ballast_testkit::pyth::PythPrice::new(oracle.to_bytes(), USD, -8, now);
    m.bank.set_account(&oracle, price.account()).await;
    let keys = ReserveKeys::new(m.market, mint, TOKEN_2022, oracle);
    // The seed source may stay empty: the policy is checked before anything moves.
    let source = m
        .create_token_account(&mint, &m.admin.pubkey(), &TOKEN_2022)
        .await;
    let list = ix::init_reserve(
        &m.payer.pubkey(),
        &m.admin.pubkey(),
        &keys,
        &source,
        listing_args(&spec, oracle.to_bytes()),
    );
    m.assert_refused(list, &m.admin, error).await;
}

#[tokio::test]
async fn attack_21_non_zero_transfer_fee() {
    expect_listing_refused(
        &[MintExtension::TransferFee { basis_points: 25 }],
        BallastError::TransferFeeNotZero,
    )
    .await;
}

#[tokio::test]
async fn attack_21_live_transfer_hook() {
    let hook = Some(Pubkey::new_unique());
    expect_listing_refused(
        &[MintExtension::TransferHook { program: hook }],
        BallastError::LiveTransferHook,
    )
    .await;
}

#[tokio::test]
async fn attack_21_non_transferable() {
    expect_listing_refused(
        &[MintExtension::NonTransferable],
        BallastError::NonTransferableMint,
    )
    .await;
}

#[tokio::test]
async fn attack_21_default_frozen_accounts() {
    expect_listing_refused(
        &[MintExtension::DefaultAccountState(AccountState::Frozen)],
        BallastError::DefaultFrozenAccounts,
    )
    .await;
}

#[tokio::test]
async fn attack_21_permanent_delegate_without_acknowledgement() {
    expect_listing_refused(
        &[MintExtension::PermanentDelegate],
        BallastError::PermanentDelegateNotAcknowledged,
    )
    .await;
}

#[tokio::test]
async fn attack_21_extension_off_the_allowlist() {
    expect_listing_refused(
        &[MintExtension::InterestBearing],
        BallastError::UnsupportedMintExtension,
    )
    .await;
}

/// Mints whose extensions pass the policy list and move exactly: a deposit and a redeem each.
#[tokio::test]
async fn attack_21_mints_that_pass_the_policy_work() {
    let accepted: [&[MintExtension]; 4] = [
        &[
            MintExtension::TransferFee { basis_points: 0 },
            MintExtension::TransferHook { program: None },
        ],
        &[
            MintExtension::MetadataPointer,
            MintExtension::MintCloseAuthority,
        ],
        &[MintExtension::DefaultAccountState(
            AccountState::Initialized,
        )],
        &[],
    ];
    for extensions in accepted {
        let mut m = TestMarket::new().await;
        let spec = stablecoin_2022();
        let mint = m.create_token_2022_mint(6, extensions).await;
        let args = listing_args(&spec, [0; 32]);
        let r = m.try_list(spec, args, mint).await.unwrap();
        let user = m.new_user().await;
        m.fund(&user, r, 1_000).await;
        m.try_deposit(&user, r, 600).await.unwrap();
        m.try_redeem(&user, r, 200).await.unwrap();
        assert_eq!(m.balance(&user.account(&mint)).await, 600, "{extensions:?}");
        assert_eq!(
            m.balance(&m.keys(r).liquidity_vault()).await,
            spec_seed() + 400
        );
    }
}

fn spec_seed() -> u64 {
    stablecoin_2022().seed
}

/// The real PYUSD mint, at its real address, with every mainnet extension (mint close
/// authority, permanent delegate, zero transfer fee, confidential transfers, a transfer hook
/// with no program, metadata): listed only with the acknowledgement, then supplied, pledged,
/// borrowed against, repaid, and liquidated, to the unit.
#[tokio::test]
async fn pyusd_end_to_end() {
    let mut m = TestMarket::new().await;
    m.bank
        .set_account(&PYUSD, pyusd_mint(&m.mint_authority()))
        .await;
    let usdc = m.add_pool(ReserveSpec::usdc(), 10_000 * UNIT).await;
    let spec = stablecoin_2022();
    assert_error!(
        m.try_list(spec.clone(), listing_args(&spec, [0; 32]), PYUSD)
            .await,
        BallastError::PermanentDelegateNotAcknowledged
    );
    let mut spec = spec;
    spec.config.permanent_delegate_acknowledged = 1;
    let args = listing_args(&spec, [0; 32]);
    let pyusd = m.try_list(spec, args, PYUSD).await.unwrap();
    let k = m.keys(pyusd);
    assert_eq!(m.reserve_state(pyusd).await.token_program, TOKEN_2022);
    assert_eq!(
        m.account(&k.liquidity_vault()).await.unwrap().owner,
        TOKEN_2022
    );

    // Supply 1,000 PYUSD as collateral ($800 of borrowing power) and borrow 700 USDC.
    let user = m.new_user().await;
    m.fund(&user, pyusd, 1_000 * UNIT).await;
    m.try_supply(&user, pyusd, 1_000 * UNIT).await.unwrap();
    assert_eq!(m.balance(&user.account(&PYUSD)).await, 0);
    assert_eq!(
        m.balance(&k.liquidity_vault()).await,
        1_000 * UNIT + 1_000_000
    );
    assert_eq!(m.balance(&k.collateral_vault()).await, 1_000 * UNIT);
    assert_error!(
        m.try_borrow(&user, usdc, 800 * UNIT + 1).await,
        BallastError::ObligationUnhealthy
    );
    m.try_borrow(&user, usdc, 700 * UNIT).await.unwrap();
    // Repay 100 of it.
    m.try_repay(&user, &user, usdc, 100 * UNIT).await.unwrap();
    assert_eq!(
        m.balance(&user.account(&m.keys(usdc).liquidity_mint)).await,
        600 * UNIT
    );

    // PYUSD depegs to $0.70: liquidation limit 1,000 x 0.70 x 85% = $595 < $600 owed. The
    // liquidator takes PYUSD itself (a Token-2022 transfer out of the vault).
    m.set_price(pyusd, 70_000_000).await;
    let liquidator = m.new_user().await;
    m.fund(&liquidator, usdc, 1_000 * UNIT).await;
    let args = LiquidateArgs {
        max_repay_amount: u64::MAX,
        min_payout: 0,
        payout: LiquidationPayout::Liquidity,
    };
    m.try_liquidate(&liquidator, &user, usdc, pyusd, args)
        .await
        .unwrap();
    // Health 595/600 = 0.9917: close factor 50% of $600 = 300 USDC; bonus 2% (the floor):
    // $306 of PYUSD at $0.70 = 437.142857 PYUSD, of which the protocol keeps 10% of the bonus.
    let repaid = 300 * UNIT;
    let seized = 437_142_857u64;
    let protocol =
        ballast_tests::expect::protocol_share(seized, ballast_tests::expect::WAD / 50, 1_000);
    assert_eq!(protocol, 857_143); // 437,142,857 x 2/102 x 10% = 857,142.86: rounded up
    assert_eq!(
        m.balance(&liquidator.account(&m.keys(usdc).liquidity_mint))
            .await,
        1_000 * UNIT - repaid
    );
    assert_eq!(
        m.balance(&liquidator.account(&PYUSD)).await,
        seized - protocol
    );
    assert_eq!(m.reserve_state(pyusd).await.protocol_collateral, protocol);
    let o = m.obligation_state(&user).await;
    assert_eq!(o.collaterals[0].deposited_amount, 1_000 * UNIT - seized);

    // And PYUSD as the borrowed asset: borrowed and repaid through Token-2022.
    let sol = m.add_reserve(ReserveSpec::sol()).await;
    let borrower = m.new_user().await;
    m.fund(&borrower, sol, 10_000_000_000).await;
    m.try_supply(&borrower, sol, 10_000_000_000).await.unwrap();
    m.try_borrow(&borrower, pyusd, 100 * UNIT).await.unwrap();
    assert_eq!(m.balance(&borrower.account(&PYUSD)).await, 100 * UNIT);
    m.try_repay(&borrower, &borrower, pyusd, u64::MAX)
        .await
        .unwrap();
    assert_eq!(m.balance(&borrower.account(&PYUSD)).await, 0);
    assert_eq!(m.obligation_state(&borrower).await.borrow_count, 0);
}

/// #31, finding 7: a transfer fee switched on after listing (BonkEarn's real 6.9%, as its mint
/// carries it). Nothing may leave the pool at a loss (the pool would pay out less than it
/// accounts); what comes in is credited with exactly what the vault received, the sender
/// bearing the fee, so deposits and repays still work.
#[tokio::test]
async fn attack_31_a_transfer_fee_switched_on_after_listing() {
    use anchor_spl::token_2022::spl_token_2022::extension::{
        transfer_fee::TransferFeeConfig, BaseStateWithExtensionsMut, StateWithExtensionsMut,
    };
    use anchor_spl::token_2022::spl_token_2022::state::Mint;
    let mut m = TestMarket::new().await;
    let sol = m.add_reserve(ReserveSpec::sol()).await;
    let spec = stablecoin_2022();
    let mint = m
        .create_token_2022_mint(6, &[MintExtension::TransferFee { basis_points: 0 }])
        .await;
    let fee_asset = m
        .try_list(spec.clone(), listing_args(&spec, [0; 32]), mint)
        .await
        .unwrap();
    let k = m.keys(fee_asset);
    let (lender, borrower) = (m.new_user().await, m.new_user().await);
    m.fund(&lender, fee_asset, 10_000 * UNIT).await;
    m.try_deposit(&lender, fee_asset, 9_000 * UNIT)
        .await
        .unwrap();
    m.fund(&borrower, sol, 10 * UNIT * 1_000).await;
    m.try_supply(&borrower, sol, 10 * UNIT * 1_000)
        .await
        .unwrap();
    m.try_borrow(&borrower, fee_asset, 100 * UNIT)
        .await
        .unwrap();

    // The fee goes live: 690 bps from epoch 0, as BERN's mint schedules it.
    let mut account = m.account(&mint).await.unwrap();
    {
        let mut state = StateWithExtensionsMut::<Mint>::unpack(&mut account.data).unwrap();
        let config = state.get_extension_mut::<TransferFeeConfig>().unwrap();
        config.newer_transfer_fee.epoch = 0.into();
        config.newer_transfer_fee.transfer_fee_basis_points = 690.into();
        config.newer_transfer_fee.maximum_fee = 3_906_250_000_000_000_000.into();
    }
    m.bank.set_account(&mint, account).await;

    // Outflows refuse, changing nothing: a borrow, a redemption.
    let touched = [k.address, k.liquidity_vault()];
    let before = m.snapshot(&touched).await;
    assert_error!(
        m.try_borrow(&borrower, fee_asset, UNIT).await,
        BallastError::TransferFeeActive
    );
    assert_error!(
        m.try_redeem(&lender, fee_asset, UNIT).await,
        BallastError::TransferFeeActive
    );
    m.assert_unchanged(&before, &touched).await;

    // A deposit of 1,000 puts 931 in the vault (69 of fee): 931 are credited, 931 cTokens minted.
    let (available, vault) = (
        m.reserve_state(fee_asset).await.liquidity.available_amount,
        m.balance(&k.liquidity_vault()).await,
    );
    m.try_deposit(&lender, fee_asset, 1_000 * UNIT)
        .await
        .unwrap();
    let received = 931 * UNIT;
    assert_eq!(m.balance(&k.liquidity_vault()).await, vault + received);
    let r = m.reserve_state(fee_asset).await.liquidity;
    assert_eq!(r.available_amount, available + received);
    assert_eq!(
        m.balance(&lender.account(&k.collateral_mint())).await,
        9_000 * UNIT + received
    );

    // SOL falls to $12 ($96 limit against $100): a liquidator repays half, 50, for SOL. The
    // least that leaves 50 after the fee is 53.705693.
    m.set_price(sol, 12 * USD).await;
    let liquidator = m.new_user().await;
    m.fund(&liquidator, fee_asset, 100 * UNIT).await;
    let args = LiquidateArgs {
        max_repay_amount: u64::MAX,
        min_payout: 0,
        payout: LiquidationPayout::Collateral,
    };
    m.try_liquidate(&liquidator, &borrower, fee_asset, sol, args)
        .await
        .unwrap();
    assert_eq!(
        m.balance(&liquidator.account(&mint)).await,
        100 * UNIT - 53_705_693
    );
    let debt = |o: ballast::state::Obligation, index| o.borrows()[0].debt(index).unwrap();
    let index = m.reserve_state(fee_asset).await.liquidity.index();
    assert_eq!(
        debt(m.obligation_state(&borrower).await, index),
        ballast::math::Fixed::from_u64(50 * UNIT)
    );

    // Repaying the 50 left takes 53.705693 from the borrower too: the vault gets 50, the debt is
    // gone.
    m.fund(&borrower, fee_asset, 4 * UNIT).await;
    let wallet = borrower.account(&mint);
    let held = m.balance(&wallet).await;
    m.try_repay(&borrower, &borrower, fee_asset, u64::MAX)
        .await
        .unwrap();
    assert_eq!(held - m.balance(&wallet).await, 53_705_693);
    assert_eq!(
        m.balance(&k.liquidity_vault()).await,
        vault + received + 100 * UNIT
    );
    let r = m.reserve_state(fee_asset).await.liquidity;
    assert_eq!(r.available_amount, available + received + 100 * UNIT);
    assert_eq!(r.borrowed(), ballast::math::Fixed::ZERO);
    assert_eq!(m.obligation_state(&borrower).await.borrow_count, 0);
}
