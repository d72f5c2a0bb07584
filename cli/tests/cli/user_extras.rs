//! User commands with `--print-message`, native SOL wrapped in and out, and `reserve
//! collect-fees`.
use {
    crate::harness::{Harness, User, SOL, USDC},
    anchor_lang::solana_program::system_instruction,
    anchor_spl::token::{spl_token, ID as TOKEN_PROGRAM_ID},
    ballast::logic::projected,
    ballast_client::{fetch, instructions as ix, pda, spl, ReserveKeys, Transport},
    base64::Engine,
    solana_sdk::{message::Message, program_pack::Pack, pubkey::Pubkey},
};

#[tokio::test]
async fn a_user_command_prints_the_unsigned_message_for_its_authority() {
    let h = Harness::with_market().await;
    let (alice, vault) = (h.user("alice").await, h.user("vault").await);
    h.give(&vault, h.asset_index("USDC"), 10 * USDC).await;
    let before = h.reserve("USDC").await;
    let out = h
        .json(
            &alice,
            &[
                "deposit",
                "USDC",
                "1.5",
                "--print-message",
                "--authority",
                &vault.key().to_string(),
            ],
        )
        .await;
    // Nothing was sent.
    assert_eq!(h.reserve("USDC").await.liquidity, before.liquidity);
    assert_eq!(h.balance(&vault.key(), "USDC").await, 10 * USDC);
    assert_eq!(out["action"], "deposit 1.5 USDC");
    assert_eq!(out["authority"], vault.key().to_string());
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(out["message"].as_str().unwrap())
        .unwrap();
    let message: Message = bincode::deserialize(&bytes).unwrap();
    // The authority alone signs, and pays.
    assert_eq!(message.header.num_required_signatures, 1);
    assert_eq!(message.account_keys[0], vault.key());
    assert!(!message.account_keys.contains(&alice.key()));
    let reserve = h.reserve_key("USDC");
    let keys = ReserveKeys::from_reserve(reserve, &before);
    let source = spl::associated_account(&vault.key(), &keys.liquidity_mint, &TOKEN_PROGRAM_ID);
    let ctokens = spl::associated_account(&vault.key(), &keys.collateral_mint(), &TOKEN_PROGRAM_ID);
    let expected = [
        spl::create_associated_account(
            &vault.key(),
            &vault.key(),
            &keys.collateral_mint(),
            &TOKEN_PROGRAM_ID,
        ),
        ix::deposit(&vault.key(), &keys, &source, &ctokens, 1_500_000),
    ];
    assert_eq!(message.instructions.len(), 2);
    for (compiled, expected) in message.instructions.iter().zip(&expected) {
        assert_eq!(
            message.account_keys[compiled.program_id_index as usize],
            expected.program_id
        );
        assert_eq!(compiled.data, expected.data);
        let accounts: Vec<Pubkey> = (compiled.accounts.iter())
            .map(|&i| message.account_keys[i as usize])
            .collect();
        let wanted: Vec<Pubkey> = expected.accounts.iter().map(|a| a.pubkey).collect();
        assert_eq!(accounts, wanted);
    }
    // --authority without --print-message is refused by the parser.
    let err = h
        .fails(
            &alice,
            &[
                "deposit",
                "USDC",
                "1",
                "--authority",
                &vault.key().to_string(),
            ],
        )
        .await;
    assert!(err.contains("--print-message"), "{err}");
}

/// `user`'s lamports.
async fn lamports(h: &Harness, user: &Pubkey) -> u64 {
    h.bank
        .account(user)
        .await
        .unwrap()
        .map_or(0, |a| a.lamports)
}

/// Wraps `amount` lamports of `user`'s into its wrapped-SOL account (the reserve's seed).
async fn wrap(h: &Harness, user: &User, amount: u64) {
    let mint = spl_token::native_mint::ID;
    let ata = spl::associated_account(&user.key(), &mint, &TOKEN_PROGRAM_ID);
    let ixs = [
        spl::create_associated_account(&user.key(), &user.key(), &mint, &TOKEN_PROGRAM_ID),
        system_instruction::transfer(&user.key(), &ata, amount),
        spl_token::instruction::sync_native(&TOKEN_PROGRAM_ID, &ata).unwrap(),
    ];
    h.bank.send(&ixs, &[&user.keypair]).await.unwrap();
}

/// Lists native SOL ("wSOL", `price` in 10^-8 USD, volatile preset), the admin's seed wrapped
/// from lamports; its asset index and mint.
async fn list_native_sol(h: &mut Harness, price: i64) -> (usize, Pubkey) {
    let index = h.native_asset("wSOL", price).await;
    let (mint, oracle) = (h.assets[index].mint, h.assets[index].oracle);
    wrap(h, &h.admin, SOL).await;
    let (mint_text, oracle_text) = (mint.to_string(), oracle.to_string());
    let add = [
        "reserve",
        "add",
        "--mint",
        &mint_text,
        "--oracle",
        &oracle_text,
        "--preset",
        "volatile",
    ];
    h.ok(&h.admin, &add).await;
    (index, mint)
}

#[tokio::test]
async fn native_sol_is_wrapped_on_the_way_in_and_unwrapped_on_the_way_out() {
    let mut h = Harness::with_market().await;
    let (_, mint) = list_native_sol(&mut h, 15_000_000_000).await;
    let alice = h.user("alice").await;
    let wsol = spl::associated_account(&alice.key(), &mint, &TOKEN_PROGRAM_ID);
    let rent = solana_sdk::rent::Rent::default().minimum_balance(spl_token::state::Account::LEN);
    let fee = 5_000;
    let start = lamports(&h, &alice.key()).await;
    assert_eq!(start, 10 * SOL);

    // 2 SOL from the wallet's lamports: wrapped, deposited; the wrapped account stays open
    // (as the new cToken account does: two accounts' rent).
    let out = h.ok(&alice, &["deposit", "wSOL", "2"]).await;
    assert!(out.starts_with("deposit 2 wSOL: done\n"), "{out}");
    assert_eq!(h.ctokens(&alice.key(), "wSOL").await, 2 * SOL);
    assert_eq!(h.balance(&alice.key(), "wSOL").await, 0);
    assert_eq!(lamports(&h, &wsol).await, rent);
    assert_eq!(
        lamports(&h, &alice.key()).await,
        start - 2 * SOL - 2 * rent - fee
    );
    assert_eq!(h.reserve("wSOL").await.liquidity.available_amount, 3 * SOL);

    // Redeemed: unwrapped, the wrapped account closed, its rent back.
    h.ok(&alice, &["redeem", "wSOL", "max"]).await;
    assert_eq!(h.ctokens(&alice.key(), "wSOL").await, 0);
    assert!(h.bank.account(&wsol).await.unwrap().is_none());
    let left = start - 2 * fee - rent;
    assert_eq!(lamports(&h, &alice.key()).await, left);

    // More than the wallet holds is refused before sending.
    let err = h.fails(&alice, &["deposit", "wSOL", "100"]).await;
    assert_eq!(
        err,
        format!(
            "insufficient balance: {} holds {} wSOL (and 0 wSOL wrapped), 100 wSOL needed",
            alice.key(),
            ballast_cli::format::units(left, 9)
        )
    );

    // Borrowed SOL arrives as lamports; repaid SOL is wrapped from them.
    h.give(&alice, h.asset_index("USDC"), 1_000 * USDC).await;
    h.ok(&alice, &["supply", "USDC", "1000"]).await;
    let before = lamports(&h, &alice.key()).await;
    h.ok(&alice, &["borrow", "wSOL", "1"]).await;
    assert!(h.bank.account(&wsol).await.unwrap().is_none());
    assert_eq!(lamports(&h, &alice.key()).await, before + SOL - fee);
    let debt = h.obligation(&alice.key()).await.borrows()[0]
        .debt(h.reserve("wSOL").await.liquidity.index())
        .unwrap()
        .to_ceil()
        .unwrap();
    let before = lamports(&h, &alice.key()).await;
    h.ok(&alice, &["repay", "wSOL", "max"]).await;
    assert!(h.obligation(&alice.key()).await.borrows().is_empty());
    assert_eq!(h.balance(&alice.key(), "wSOL").await, 0);
    assert_eq!(lamports(&h, &alice.key()).await, before - debt - rent - fee);
}

/// A native-SOL debt is liquidated from the liquidator's lamports: what it repays is wrapped
/// in the same transaction and what is left unwrapped.
#[tokio::test]
async fn a_native_sol_debt_is_repaid_from_the_liquidators_lamports() {
    let mut h = Harness::with_market().await;
    let (index, mint) = list_native_sol(&mut h, 100 * 100_000_000).await;
    // Carol lends 5 SOL; Bob pledges 1,000 USDC (LTV 80%) and borrows 7 SOL ($700).
    let (carol, bob, liz) = (
        h.user("carol").await,
        h.user("bob").await,
        h.user("liz").await,
    );
    h.ok(&carol, &["deposit", "wSOL", "8"]).await;
    h.give(&bob, h.asset_index("USDC"), 1_000 * USDC).await;
    h.ok(&bob, &["supply", "USDC", "1000"]).await;
    h.ok(&bob, &["borrow", "wSOL", "7"]).await;
    // SOL to $130: $910.91 of debt (the 0.1% fee included) against $850 of liquidation limit.
    h.set_price(index, 130 * 100_000_000).await;
    let debt_before = h.obligation(&bob.key()).await.borrows()[0]
        .debt(h.reserve("wSOL").await.liquidity.index())
        .unwrap()
        .to_ceil()
        .unwrap();
    let wsol = spl::associated_account(&liz.key(), &mint, &TOKEN_PROGRAM_ID);
    let before = lamports(&h, &liz.key()).await;
    let obligation = h.obligation_key(&bob.key()).to_string();
    let out = h
        .ok(
            &liz,
            &[
                "liquidate",
                &obligation,
                "--repay",
                "wSOL",
                "--seize",
                "USDC",
            ],
        )
        .await;
    assert!(out.contains(": done"), "{out}");
    let debt_after = h.obligation(&bob.key()).await.borrows()[0]
        .debt(h.reserve("wSOL").await.liquidity.index())
        .unwrap()
        .to_ceil()
        .unwrap();
    let repaid = debt_before - debt_after;
    assert!(repaid > 0);
    // The wrapped account closed again; Liz paid exactly the repayment, the cToken account's
    // rent and the fee, in lamports.
    assert!(h.bank.account(&wsol).await.unwrap().is_none());
    let rent = solana_sdk::rent::Rent::default().minimum_balance(spl_token::state::Account::LEN);
    assert_eq!(
        lamports(&h, &liz.key()).await,
        before - repaid - rent - 5_000
    );
    assert!(h.ctokens(&liz.key(), "USDC").await > 0);
}

#[tokio::test]
async fn collect_fees_pays_the_protocols_fees_to_the_unit() {
    let h = Harness::with_market().await;
    let alice = h.user("alice").await;
    h.give(&alice, h.asset_index("SOL"), 10 * SOL).await;
    h.give(&alice, h.asset_index("USDC"), 10_000 * USDC).await;
    h.ok(&alice, &["deposit", "USDC", "10000"]).await;
    h.ok(&alice, &["supply", "SOL", "10"]).await;
    h.ok(&alice, &["borrow", "USDC", "900"]).await;
    h.bank.advance_time(30 * 86_400).await.unwrap();

    let key = h.reserve_key("USDC");
    let before = h.reserve("USDC").await;
    let fee_vault = pda::fee_vault(&key);
    let vault_before = fetch::token_balance(&h.bank, &fee_vault).await.unwrap();
    let now = h.bank.clock().await.unwrap().unix_timestamp;
    let accrued = projected(&before.liquidity, &before.config, now).unwrap();
    let fees = accrued.protocol_fees().to_floor().unwrap();
    assert!(fees > 0);
    assert_eq!(h.balance(&h.admin.key(), "USDC").await, 0);

    // Part of it to an account named with --to.
    let bob = h.user("bob").await;
    h.give(&bob, h.asset_index("USDC"), 0).await;
    let bobs = spl::associated_account(&bob.key(), &before.liquidity_mint, &TOKEN_PROGRAM_ID);
    h.ok(
        &h.admin,
        &[
            "reserve",
            "collect-fees",
            "USDC",
            "--amount",
            "0.000001",
            "--to",
            &bobs.to_string(),
        ],
    )
    .await;
    assert_eq!(h.balance(&bob.key(), "USDC").await, 1);
    assert_eq!(
        fetch::token_balance(&h.bank, &fee_vault).await.unwrap(),
        vault_before + fees - 1
    );
    // The rest to the admin's own account, created on the way.
    let out = h.ok(&h.admin, &["reserve", "collect-fees", "USDC"]).await;
    assert!(
        out.starts_with("collect the protocol fees of reserve USDC: done\n"),
        "{out}"
    );
    assert_eq!(
        h.balance(&h.admin.key(), "USDC").await,
        vault_before + fees - 1
    );
    assert_eq!(fetch::token_balance(&h.bank, &fee_vault).await.unwrap(), 0);
    let after = h.reserve("USDC").await;
    // What stays accrued is the fraction of a unit.
    assert_eq!(
        after.liquidity.protocol_fees(),
        accrued
            .protocol_fees()
            .checked_sub(ballast::math::Fixed::from_u64(fees))
            .unwrap()
    );
    // Nothing left: the program's refusal.
    let err = h
        .fails(&h.admin, &["reserve", "collect-fees", "USDC"])
        .await;
    assert!(err.contains("InsufficientProtocolFees"), "{err}");
    // Not the admin.
    let err = h.fails(&alice, &["reserve", "collect-fees", "USDC"]).await;
    assert!(err.contains("NotMarketAdmin"), "{err}");
}
