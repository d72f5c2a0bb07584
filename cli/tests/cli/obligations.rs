//! `ballast obligation list | close`
use {
    crate::harness::{Harness, SOL},
    ballast_client::Transport,
};

#[tokio::test]
async fn an_owner_lists_their_obligations_and_closes_an_empty_one() {
    let h = Harness::with_market().await;
    let (bob, carol) = (h.user("bob").await, h.user("carol").await);
    h.give(&bob, h.asset_index("SOL"), 10 * SOL).await;
    let out = h.ok(&bob, &["obligation", "list"]).await;
    let market = h.market.unwrap();
    assert_eq!(
        out,
        format!("{} holds no obligation in market {market}\n", bob.key())
    );
    h.ok(&bob, &["supply", "SOL", "10"]).await;
    h.ok(&bob, &["obligation", "create", "--id", "3"]).await;
    // Carol's obligation is not Bob's.
    h.ok(&carol, &["obligation", "create"]).await;
    let listed = h.json(&bob, &["obligation", "list"]).await;
    let obligations = listed["obligations"].as_array().unwrap();
    let addresses: Vec<&str> = obligations
        .iter()
        .map(|o| o["address"].as_str().unwrap())
        .collect();
    let (first, third) = (h.obligation_key(&bob.key()), pda_of(&h, &bob, 3));
    assert_eq!(addresses, vec![first.to_string(), third.to_string()]);
    let table = h.ok(&bob, &["obligation", "list"]).await;
    assert!(
        table.contains(&first.to_string()) && table.contains("none"),
        "{table}"
    );
    let carols = h
        .json(
            &bob,
            &["obligation", "list", "--owner", &carol.key().to_string()],
        )
        .await;
    assert_eq!(carols["obligations"].as_array().unwrap().len(), 1);

    // Obligation 0 holds SOL: refused before sending; the empty one closes.
    let err = h.fails(&bob, &["obligation", "close"]).await;
    assert_eq!(
        err,
        format!(
            "obligation {first} still holds 1 position(s): repay its debt and withdraw its \
             collateral first"
        )
    );
    h.ok(&bob, &["obligation", "close", "--id", "3"]).await;
    assert!(h.bank.account(&third).await.unwrap().is_none());
    let listed = h.json(&bob, &["obligation", "list"]).await;
    assert_eq!(listed["obligations"].as_array().unwrap().len(), 1);
}

fn pda_of(h: &Harness, user: &crate::harness::User, id: u16) -> solana_sdk::pubkey::Pubkey {
    ballast_client::pda::obligation(&h.market.unwrap(), &user.key(), id)
}
