//! The compute-unit scenario runs natively and each case ends as intended: the `cu_bench`
//! example replays exactly these on the SBF build, so a case that silently stopped testing
//! what its name says would make the benchmark lie.
use ballast_tests::cu::{outcome, scenario};

#[tokio::test]
async fn every_case_succeeds_or_fails_as_named() {
    let cases = scenario().await;
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    for expected in [
        "init_market",
        "update_market",
        "set_pause",
        "transfer_admin",
        "accept_admin",
        "init_reserve",
        "update_reserve",
        "withdraw_protocol_fees",
        "init_obligation",
        "deposit",
        "redeem",
        "supply (1 position)",
        "deposit_collateral",
        "withdraw (1 position)",
        "borrow (1 position)",
        "withdraw_collateral",
        "repay",
        "refresh_reserve",
        "refresh_reserve (1 hour of interest)",
        "flash_borrow + flash_repay",
        "socialize_bad_debt",
        "close_obligation",
        "supply (4 positions)",
        "borrow (4 positions)",
        "withdraw (4 positions)",
        "supply (10 positions)",
        "borrow (10 positions)",
        "withdraw (10 positions)",
        "liquidate (10 positions)",
    ] {
        let case = cases
            .iter()
            .find(|c| c.name == expected)
            .unwrap_or_else(|| panic!("{expected} missing"));
        assert_eq!(outcome(&case.result), "ok", "{expected}");
        assert_eq!(
            case.instructions
                .iter()
                .filter(|i| i.program_id == ballast::ID)
                .count(),
            if expected.starts_with("flash") { 2 } else { 1 },
            "{expected}"
        );
    }
    let errors: Vec<(&str, String)> = cases
        .iter()
        .filter(|c| c.name.ends_with("(error)"))
        .map(|c| (c.name.as_str(), outcome(&c.result)))
        .collect();
    let code =
        |e: ballast::errors::BallastError| format!("InstructionError(0, Custom({}))", u32::from(e));
    use ballast::errors::BallastError::*;
    let expected_errors = vec![
        (
            "init_market: exists (error)",
            format!(
                "InstructionError(0, {:?})",
                ballast_tests::account_already_in_use()
            ),
        ),
        ("update_market: not the admin (error)", code(NotMarketAdmin)),
        (
            "set_pause: not an authority (error)",
            code(NotPauseAuthority),
        ),
        (
            "transfer_admin: not the admin (error)",
            code(NotMarketAdmin),
        ),
        (
            "accept_admin: not the pending admin (error)",
            code(NotPendingAdmin),
        ),
        (
            "init_reserve: seed too small (error)",
            code(SeedDepositTooSmall),
        ),
        (
            "update_reserve: invalid config (error)",
            code(InvalidReserveConfig),
        ),
        (
            "withdraw_protocol_fees: more than earned (error)",
            code(InsufficientProtocolFees),
        ),
        (
            "init_obligation: exists (error)",
            format!(
                "InstructionError(0, {:?})",
                ballast_tests::account_already_in_use()
            ),
        ),
        ("deposit: zero (error)", code(ZeroAmount)),
        ("redeem: zero (error)", code(ZeroAmount)),
        ("supply: zero (error)", code(ZeroAmount)),
        ("deposit_collateral: zero (error)", code(ZeroAmount)),
        ("borrow: over the limit (error)", code(ObligationUnhealthy)),
        (
            "withdraw_collateral: unhealthy (error)",
            code(ObligationUnhealthy),
        ),
        ("withdraw: unhealthy (error)", code(ObligationUnhealthy)),
        ("repay: zero (error)", code(ZeroAmount)),
        (
            "refresh_reserve: wrong oracle (error)",
            code(WrongOracleAccount),
        ),
        ("flash_borrow: no repay (error)", code(NoFlashRepay)),
        (
            "flash_repay: no borrow (error)",
            code(FlashRepayWithoutBorrow),
        ),
        (
            "socialize_bad_debt: collateral left (error)",
            code(ObligationHasCollateral),
        ),
        (
            "close_obligation: not empty (error)",
            code(ObligationNotEmpty),
        ),
        ("liquidate: healthy (error)", code(ObligationHealthy)),
    ];
    assert_eq!(
        errors,
        expected_errors
            .iter()
            .map(|(n, e)| (*n, e.clone()))
            .collect::<Vec<_>>(),
        "cases: {names:?}"
    );
}

/// Every live case exists for every gap and succeeds natively, one Ballast instruction each.
#[tokio::test]
async fn every_live_case_succeeds_after_every_gap() {
    use ballast_tests::cu::{live_cases, live_name, LIVE_CASES, LIVE_GAPS};
    let cases = live_cases().await;
    let mut expected = Vec::new();
    for gap in LIVE_GAPS {
        for name in LIVE_CASES {
            expected.push(live_name(name, gap));
        }
    }
    let mut names: Vec<String> = cases.iter().map(|c| c.name.clone()).collect();
    names.sort();
    expected.sort();
    assert_eq!(names, expected);
    for case in &cases {
        assert_eq!(outcome(&case.result), "ok", "{}", case.name);
        let ballast_instructions = case
            .instructions
            .iter()
            .filter(|i| i.program_id == ballast::ID)
            .count();
        assert_eq!(ballast_instructions, 1, "{}", case.name);
    }
}
