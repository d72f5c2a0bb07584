//! A reserve's price sources in a market file (`[[reserve.oracle]]`): listed with its sources,
//! a changed list sent as one change, the same list again as nothing.
use {
    crate::cluster,
    ballast::state::{PriceSource, ReserveChange},
    ballast_client::{fetch, pda},
    ballast_migrations::{plan, MarketFile, Step, Who},
    solana_sdk::{pubkey::Pubkey, signer::Signer},
};

/// SOL priced by its Pyth account, then `second` (a `[[reserve.oracle]]` body), at most
/// `max_bps` apart.
fn sol_file(mint: &Pubkey, oracle: &Pubkey, second: &str, max_bps: u16) -> MarketFile {
    MarketFile::parse(&format!(
        r#"
        [market]
        id = 5

        [[reserve]]
        name = "SOL"
        mint = "{mint}"
        preset = "volatile"
        max_divergence_bps = {max_bps}
        [[reserve.oracle]]
        kind = "pyth-pull"
        account = "{oracle}"
        [[reserve.oracle]]
        {second}
        "#
    ))
    .unwrap()
}

#[tokio::test]
async fn two_sources_are_applied_once_and_reapplied_as_nothing() {
    let c = cluster().await;
    let me = c.admin.pubkey();
    let who = Who {
        signer: Some(me),
        create: true,
    };
    let (mint, oracle) = c.sol;
    let reserve = pda::reserve(&pda::market(&me, 5), &mint);

    let fixed = sol_file(&mint, &oracle, "kind = \"fixed\"\nprice = \"150\"", 300);

    // Listed with both sources, in order, and the bound.
    let first = plan(&c.bank, &fixed, &who).await.unwrap();
    let text = first.render();
    assert!(
        text.contains(&format!(
            "  + list SOL: reserve {reserve}, mint {mint}, oracle pyth-pull:{oracle}, \
             fixed:$150 (admin-set), seed 1 SOL\n"
        )),
        "{text}"
    );
    first.apply(&c.bank, &c.admin).await.unwrap();
    let state = fetch::reserve(&c.bank, &reserve).await.unwrap();
    let pull = PriceSource::pyth_pull(oracle, oracle.to_bytes());
    let sources = [pull, PriceSource::fixed(15_000_000_000)];
    assert_eq!(state.oracles.configured(), sources);
    assert_eq!(state.oracles.max_divergence_bps, 300);

    // The same file again: nothing to send.
    let again = plan(&c.bank, &fixed, &who).await.unwrap();
    assert!(again.is_empty(), "{}", again.render());
    let market = pda::market(&me, 5);
    assert_eq!(
        again.unchanged,
        [format!("market {market}"), "reserve SOL".to_string()]
    );

    // A new bound: one change carrying the full list.
    let wider = sol_file(&mint, &oracle, "kind = \"fixed\"\nprice = \"150\"", 500);
    let change = plan(&c.bank, &wider, &who).await.unwrap();
    let Step::UpdateReserve { changes, .. } = &change.steps[0] else {
        panic!("{}", change.render());
    };
    assert_eq!(
        changes,
        &[ReserveChange::OracleSources {
            sources: sources.to_vec(),
            max_divergence_bps: 500,
        }]
    );
    let text = change.render();
    assert!(
        text.contains(&format!(
            "  ~ reserve SOL\n      oracle: pyth-pull:{oracle}, fixed:$150 (admin-set) -> \
             pyth-pull:{oracle}, fixed:$150 (admin-set)\n      max_divergence_bps: 300 -> 500\n"
        )),
        "{text}"
    );
    change.apply(&c.bank, &c.admin).await.unwrap();
    let state = fetch::reserve(&c.bank, &reserve).await.unwrap();
    assert_eq!(state.oracles.max_divergence_bps, 500);
    assert!(plan(&c.bank, &wider, &who).await.unwrap().is_empty());
}

#[test]
fn a_bad_source_entry_is_named() {
    let (mint, oracle) = (Pubkey::new_unique(), Pubkey::new_unique());
    let cases = [
        (
            "kind = \"chainlink\"\naccount = \"11111111111111111111111111111111\"",
            "market config: reserve SOL: oracle 2: unknown kind \"chainlink\" (pyth-pull, \
             pyth-legacy, switchboard, fixed)",
        ),
        (
            "kind = \"fixed\"\nprice = \"0\"",
            "market config: reserve SOL: oracle 2: fixed price \"0\": must be above 0",
        ),
        (
            "kind = \"fixed\"",
            "market config: reserve SOL: oracle 2: a fixed source needs its price",
        ),
    ];
    for (second, expected) in cases {
        let file = sol_file(&mint, &oracle, second, 0);
        let err = file.reserves[0].oracles().unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
}
