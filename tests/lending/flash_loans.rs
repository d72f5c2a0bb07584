//! Flash loans: borrowed and repaid within one transaction, paired through the instructions
//! sysvar, with the reserve's fee to the fee vault.
use {
    anchor_spl::token::spl_token,
    ballast::{
        errors::BallastError,
        events::{FlashBorrowed, FlashRepaid},
        instructions::{LiquidateArgs, LiquidationPayout},
        state::ReserveChange,
    },
    ballast_client::{events, instructions as ix},
    ballast_tests::{attacker, specs::USD, *},
    solana_sdk::instruction::Instruction,
};

const USDC: u64 = 1_000_000;

/// A USDC pool of 10,000 and a trader holding 100 USDC for fees.
async fn setup() -> (TestMarket, ReserveId, ReserveId, User) {
    let (m, usdc, sol, _, _) = TestMarket::with_borrower().await;
    let trader = m.new_user().await;
    m.fund(&trader, usdc, 100 * USDC).await;
    (m, usdc, sol, trader)
}

fn borrow(m: &TestMarket, trader: &User, reserve: ReserveId, amount: u64) -> Instruction {
    let k = m.keys(reserve);
    ix::flash_borrow(
        &trader.key(),
        &k,
        &trader.account(&k.liquidity_mint),
        amount,
    )
}

fn repay(
    m: &TestMarket,
    trader: &User,
    reserve: ReserveId,
    amount: u64,
    borrow_index: u8,
) -> Instruction {
    let k = m.keys(reserve);
    ix::flash_repay(
        &trader.key(),
        &k,
        &trader.account(&k.liquidity_mint),
        amount,
        borrow_index,
    )
}

#[tokio::test]
async fn borrow_and_repay_in_one_transaction_pays_the_fee_to_the_fee_vault() {
    let (m, usdc, _, trader) = setup().await;
    let k = m.keys(usdc);
    let (vault, reserve) = (
        m.balance(&k.liquidity_vault()).await,
        m.reserve_state(usdc).await,
    );
    let amount = 5_000 * USDC;
    let out = m
        .send_all(
            &[
                borrow(&m, &trader, usdc, amount),
                repay(&m, &trader, usdc, amount, 0),
            ],
            &trader.keypair,
        )
        .await
        .unwrap();
    // 0.09% of 5,000 = 4.5 USDC.
    let fee = 4_500_000;
    assert_eq!(
        m.balance(&trader.account(&k.liquidity_mint)).await,
        100 * USDC - fee
    );
    assert_eq!(m.balance(&k.fee_vault()).await, fee);
    assert_eq!(m.balance(&k.liquidity_vault()).await, vault);
    let after = m.reserve_state(usdc).await;
    assert_eq!(after.liquidity, reserve.liquidity);
    assert_eq!(after.flash_loan_outstanding, 0);
    assert_eq!(
        events::decode::<FlashBorrowed>(&out.event_data)[0].amount,
        amount
    );
    let repaid = &events::decode::<FlashRepaid>(&out.event_data)[0];
    assert_eq!((repaid.amount, repaid.fee), (amount, fee));
}

#[tokio::test]
async fn without_a_repayment_later_in_the_transaction() {
    let (m, usdc, _, trader) = setup().await;
    m.assert_refused(
        borrow(&m, &trader, usdc, USDC),
        &trader.keypair,
        BallastError::NoFlashRepay,
    )
    .await;
    // A repayment before the borrow does not count.
    let backwards = [
        repay(&m, &trader, usdc, USDC, 1),
        borrow(&m, &trader, usdc, USDC),
    ];
    m.assert_tx_refused(
        &backwards,
        &[&trader.keypair],
        BallastError::FlashRepayWithoutBorrow,
    )
    .await;
}

#[tokio::test]
async fn repayment_of_the_wrong_amount_or_to_the_wrong_reserve() {
    let (m, usdc, sol, trader) = setup().await;
    let short = [
        borrow(&m, &trader, usdc, 2 * USDC),
        repay(&m, &trader, usdc, 2 * USDC - 1, 0),
    ];
    m.assert_tx_refused(
        &short,
        &[&trader.keypair],
        BallastError::FlashRepayWrongAmount,
    )
    .await;
    let elsewhere = [
        borrow(&m, &trader, usdc, USDC),
        repay(&m, &trader, sol, USDC, 0),
    ];
    m.assert_tx_refused(
        &elsewhere,
        &[&trader.keypair],
        BallastError::FlashRepayWrongReserve,
    )
    .await;
    let wrong_index = [
        borrow(&m, &trader, usdc, USDC),
        repay(&m, &trader, usdc, USDC, 1),
    ];
    m.assert_tx_refused(
        &wrong_index,
        &[&trader.keypair],
        BallastError::FlashRepayWithoutBorrow,
    )
    .await;
}

#[tokio::test]
async fn two_borrows_before_a_repayment() {
    let (m, usdc, sol, trader) = setup().await;
    let twice = [
        borrow(&m, &trader, usdc, USDC),
        borrow(&m, &trader, usdc, USDC),
        repay(&m, &trader, usdc, USDC, 0),
        repay(&m, &trader, usdc, USDC, 1),
    ];
    m.assert_tx_refused(
        &twice,
        &[&trader.keypair],
        BallastError::FlashBorrowBeforeRepay,
    )
    .await;
    // Another reserve's borrow in between: flash loans do not nest either.
    let nested = [
        borrow(&m, &trader, usdc, USDC),
        borrow(&m, &trader, sol, 1_000),
        repay(&m, &trader, sol, 1_000, 1),
        repay(&m, &trader, usdc, USDC, 0),
    ];
    m.assert_tx_refused(
        &nested,
        &[&trader.keypair],
        BallastError::FlashBorrowBeforeRepay,
    )
    .await;
}

#[tokio::test]
async fn a_flash_borrow_made_by_cpi() {
    let mut m = TestMarket::with_attacker().await;
    let usdc = m.add_pool(ReserveSpec::usdc(), 1_000 * USDC).await;
    let (pda, _) = attacker::pda();
    let k = m.keys(usdc);
    let wallet = m
        .create_token_account(&k.liquidity_mint, &pda, &k.token_program)
        .await;
    // The attacker program borrows by CPI; the repayment is top level. The sysvar sees the
    // attacker's instruction as the current one.
    let by_cpi = attacker::forward(&ix::flash_borrow(&pda, &k, &wallet, USDC));
    let helper = m.new_user().await;
    m.fund(&helper, usdc, 2 * USDC).await;
    let repayment = ix::flash_repay(
        &helper.key(),
        &k,
        &helper.account(&k.liquidity_mint),
        USDC,
        0,
    );
    m.assert_tx_refused(
        &[by_cpi, repayment],
        &[&helper.keypair],
        BallastError::FlashBorrowByCpi,
    )
    .await;
}

#[tokio::test]
async fn liquidity_cannot_leave_the_reserve_while_its_flash_loan_is_out() {
    let (m, usdc, sol, trader) = setup().await;
    let lender = m.new_user().await;
    m.fund(&lender, usdc, 20 * USDC).await;
    m.try_deposit(&lender, usdc, 10 * USDC).await.unwrap();
    // The trader could borrow a unit, but not while the reserve's liquidity is lent out.
    m.fund(&trader, sol, 1_000_000_000).await;
    m.try_supply(&trader, sol, 1_000_000_000).await.unwrap();
    let k = m.keys(usdc);
    let o = m.obligation_keys(&trader).await;
    let admin = solana_sdk::signer::Signer::pubkey(&m.admin);
    let between: [(Instruction, &solana_sdk::signature::Keypair); 3] = [
        (
            ix::redeem(
                &lender.key(),
                &k,
                &lender.account(&k.collateral_mint()),
                &lender.account(&k.liquidity_mint),
                USDC,
            ),
            &lender.keypair,
        ),
        (
            ix::borrow(&k, &o, &trader.account(&k.liquidity_mint), 1),
            &trader.keypair,
        ),
        (
            ix::withdraw_protocol_fees(&admin, &k, &lender.account(&k.liquidity_mint), u64::MAX),
            &m.admin,
        ),
    ];
    for (instruction, signer) in between {
        let tx = [
            borrow(&m, &trader, usdc, USDC),
            instruction,
            repay(&m, &trader, usdc, USDC, 0),
        ];
        m.assert_tx_refused(
            &tx,
            &[&trader.keypair, signer],
            BallastError::FlashLoanActive,
        )
        .await;
    }
    // Deposits into the reserve are fine: its exchange rate did not move.
    let rate = m
        .reserve_state(usdc)
        .await
        .liquidity
        .exchange_rate()
        .unwrap();
    let tx = [
        borrow(&m, &trader, usdc, USDC),
        ix::deposit(
            &lender.key(),
            &k,
            &lender.account(&k.liquidity_mint),
            &lender.account(&k.collateral_mint()),
            USDC,
        ),
        repay(&m, &trader, usdc, USDC, 0),
    ];
    m.send_signed(&tx, &[&trader.keypair, &lender.keypair])
        .await
        .unwrap();
    assert_eq!(
        m.reserve_state(usdc)
            .await
            .liquidity
            .exchange_rate()
            .unwrap(),
        rate
    );
}

#[tokio::test]
async fn flash_loan_liquidation() {
    let (mut m, usdc, sol, liquidator) = setup().await;
    let borrower = m.new_user().await;
    m.fund(&borrower, sol, 10_000_000_000).await;
    m.try_supply(&borrower, sol, 10_000_000_000).await.unwrap();
    m.try_borrow(&borrower, usdc, 700 * USDC).await.unwrap();
    m.set_price(sol, 80 * USD).await;
    // Borrow the USDC to repay with, liquidate for SOL, sell the SOL to a market maker for USDC
    // (modelled as the maker paying 351 USDC), repay the loan: one transaction, no capital.
    let (k, s) = (m.keys(usdc), m.keys(sol));
    let maker = m.new_user().await;
    m.fund(&maker, usdc, 351 * USDC).await;
    let o = m.obligation_keys(&borrower).await;
    let wallet = liquidator.account(&k.liquidity_mint);
    let liquidate = ix::liquidate(
        &liquidator.key(),
        &o,
        &k,
        &s,
        &wallet,
        &liquidator.account(&s.liquidity_mint),
        LiquidateArgs {
            max_repay_amount: 350 * USDC,
            min_payout: 0,
            payout: LiquidationPayout::Liquidity,
        },
    );
    let swap = spl_token::instruction::transfer(
        &spl_token::ID,
        &maker.account(&k.liquidity_mint),
        &wallet,
        &maker.key(),
        &[],
        351 * USDC,
    )
    .unwrap();
    let tx = [
        borrow(&m, &liquidator, usdc, 350 * USDC),
        liquidate,
        swap,
        repay(&m, &liquidator, usdc, 350 * USDC, 0),
    ];
    let out = m
        .send_signed(&tx, &[&liquidator.keypair, &maker.keypair])
        .await
        .unwrap();
    // USDC: +350 lent, -350 repaid for the borrower, +351 from the maker, -350 returned, -0.315
    // flash fee (0.09% of 350).
    assert_eq!(
        m.balance(&wallet).await,
        100 * USDC + 351 * USDC - 350 * USDC - 315_000
    );
    let paid = events::decode::<ballast::events::Liquidated>(&out.event_data)[0].payout_amount;
    assert_eq!(
        m.balance(&liquidator.account(&s.liquidity_mint)).await,
        paid
    );
    let debt = m.obligation_state(&borrower).await.borrows()[0]
        .debt(m.reserve_state(usdc).await.liquidity.index())
        .unwrap();
    assert_eq!(debt, ballast::math::Fixed::from_u64(350 * USDC));
    assert_eq!(m.balance(&k.fee_vault()).await, 315_000);
}

#[tokio::test]
async fn disabled_paused_or_too_large() {
    let (m, usdc, _, trader) = setup().await;
    let pair = |amount| {
        [
            borrow(&m, &trader, usdc, amount),
            repay(&m, &trader, usdc, amount, 0),
        ]
    };
    let available = m.reserve_state(usdc).await.liquidity.available_amount;
    m.assert_tx_refused(
        &pair(available + 1),
        &[&trader.keypair],
        BallastError::InsufficientLiquidity,
    )
    .await;
    m.try_update_reserve(
        usdc,
        ReserveChange::FlashLoans {
            enabled: false,
            fee_bps: 9,
        },
    )
    .await
    .unwrap();
    m.assert_tx_refused(
        &pair(USDC),
        &[&trader.keypair],
        BallastError::FlashLoansDisabled,
    )
    .await;
    m.try_update_reserve(
        usdc,
        ReserveChange::FlashLoans {
            enabled: true,
            fee_bps: 0,
        },
    )
    .await
    .unwrap();
    m.try_set_pause(&m.admin, true).await.unwrap();
    m.assert_tx_refused(&pair(USDC), &[&trader.keypair], BallastError::MarketPaused)
        .await;
    m.try_set_pause(&m.admin, false).await.unwrap();
    // A zero fee costs nothing.
    m.send_all(&pair(available), &trader.keypair).await.unwrap();
    assert_eq!(
        m.balance(&trader.account(&m.keys(usdc).liquidity_mint))
            .await,
        100 * USDC
    );
}
