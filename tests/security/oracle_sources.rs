//! New price sources are taken only when every one of them is what it claims, live and in
//! agreement: each refusal names its reason and leaves the reserve as it was (real account
//! bytes for each source kind).
use {
    ballast::{
        errors::BallastError,
        state::{PriceRate, PriceSource},
    },
    ballast_tests::{
        real_accounts::{
            jito_pool, pyth_feed_id, pyth_sol, sanctum_pool, switchboard_hash, switchboard_sol,
        },
        *,
    },
    solana_sdk::{account::Account, pubkey::Pubkey},
};

/// A market with SOL listed (Pyth pull at $100), and the real Pyth SOL, Switchboard SOL and
/// Jito pool accounts on the bank, live now: the Jito pool is for `mint` (another token's).
struct World {
    m: TestMarket,
    sol: ReserveId,
    pyth: (Pubkey, [u8; 32]),
    switchboard: (Pubkey, [u8; 32]),
}

async fn world() -> World {
    let mut m = TestMarket::new().await;
    let sol = m.add_reserve(ReserveSpec::sol()).await;
    let now = m.now().await;
    let (pyth, account) = pyth_sol(now);
    let feed_id = pyth_feed_id(&account);
    m.bank.set_account(&pyth, account).await;
    let (switchboard, account) = switchboard_sol(now);
    let hash = switchboard_hash(&account);
    m.bank.set_account(&switchboard, account).await;
    World {
        m,
        sol,
        pyth: (pyth, feed_id),
        switchboard: (switchboard, hash),
    }
}

impl World {
    /// `sources` refused with `error`, the reserve unchanged.
    async fn refused(
        &mut self,
        sources: Vec<PriceSource>,
        max_divergence_bps: u16,
        error: BallastError,
    ) {
        let touched = [self.m.keys(self.sol).address];
        let before = self.m.snapshot(&touched).await;
        assert_error!(
            self.m
                .try_set_sources(self.sol, sources, max_divergence_bps)
                .await,
            error
        );
        self.m.assert_unchanged(&before, &touched).await;
    }
}

#[tokio::test]
async fn each_real_source_is_taken_alone() {
    let mut w = world().await;
    let (pyth, feed_id) = w.pyth;
    let (switchboard, hash) = w.switchboard;
    w.m.try_set_sources(w.sol, vec![PriceSource::switchboard(switchboard, hash)], 0)
        .await
        .unwrap();
    let r = w.m.reserve_state(w.sol).await;
    assert_eq!(r.last_price_sf.get().raw(), 155_594_045_270_000_000_000);
    w.m.try_set_sources(w.sol, vec![PriceSource::pyth_pull(pyth, feed_id)], 0)
        .await
        .unwrap();
    let r = w.m.reserve_state(w.sol).await;
    assert_eq!(r.last_price_sf.get().raw(), 215_681_370_690_000_000_000);
    assert_eq!(r.oracles.configured().len(), 1);
}

#[tokio::test]
async fn a_wrong_feed_for_each_kind_is_refused() {
    let mut w = world().await;
    let (pyth, feed_id) = w.pyth;
    let (switchboard, hash) = w.switchboard;
    let mut other = feed_id;
    other[0] ^= 1;
    w.refused(
        vec![PriceSource::pyth_pull(pyth, other)],
        0,
        BallastError::WrongOracleFeed,
    )
    .await;
    let mut other = hash;
    other[0] ^= 1;
    w.refused(
        vec![PriceSource::switchboard(switchboard, other)],
        0,
        BallastError::WrongOracleFeed,
    )
    .await;
}

#[tokio::test]
async fn a_wrong_owner_for_each_kind_is_refused() {
    let mut w = world().await;
    let (pyth, feed_id) = w.pyth;
    let (switchboard, hash) = w.switchboard;
    // Pyth's bytes read as Switchboard's, Switchboard's as Pyth's, a pull account as legacy.
    w.refused(
        vec![PriceSource::switchboard(pyth, hash)],
        0,
        BallastError::WrongOracleOwner,
    )
    .await;
    w.refused(
        vec![PriceSource::pyth_pull(switchboard, feed_id)],
        0,
        BallastError::WrongOracleOwner,
    )
    .await;
    w.refused(
        vec![PriceSource::pyth_legacy(pyth)],
        0,
        BallastError::WrongOracleOwner,
    )
    .await;
    // The same bytes under a program of the attacker's.
    let forged = Pubkey::new_unique();
    let mut account = w.m.account(&switchboard).await.unwrap();
    account.owner = Pubkey::new_unique();
    w.m.bank.set_account(&forged, account).await;
    w.refused(
        vec![PriceSource::switchboard(forged, hash)],
        0,
        BallastError::WrongOracleOwner,
    )
    .await;
    // An account that does not exist.
    let missing = Pubkey::new_unique();
    w.m.bank.set_account(&missing, Account::default()).await;
    w.refused(
        vec![PriceSource::pyth_pull(missing, feed_id)],
        0,
        BallastError::WrongOracleOwner,
    )
    .await;
}

#[tokio::test]
async fn a_stake_pool_of_another_program_or_token_is_refused() {
    let mut w = world().await;
    let (pyth, feed_id) = w.pyth;
    let sol_feed = PriceSource::pyth_pull(pyth, feed_id);
    // Sanctum's fork: the same layout, another program's rules.
    let (sanctum, account) = sanctum_pool();
    w.m.bank.set_account(&sanctum, account).await;
    w.refused(
        vec![sol_feed.at_rate(PriceRate::SplStakePool, sanctum)],
        0,
        BallastError::WrongOracleOwner,
    )
    .await;
    // Jito's pool, whose token is jitoSOL, not this reserve's.
    let (jito, account) = jito_pool(&Pubkey::new_unique());
    w.m.bank.set_account(&jito, account).await;
    w.refused(
        vec![sol_feed.at_rate(PriceRate::SplStakePool, jito)],
        0,
        BallastError::WrongPriceRateMint,
    )
    .await;
    // Marinade's state, for mSOL.
    let (marinade, account) =
        real_accounts::load("stake-pool/8szGkuLTAux9XMgZ2vtY39jVSowEcpBfFfD8hXSEqdGC.json");
    w.m.bank.set_account(&marinade, account).await;
    w.refused(
        vec![sol_feed.at_rate(PriceRate::Marinade, marinade)],
        0,
        BallastError::WrongPriceRateMint,
    )
    .await;
}

#[tokio::test]
async fn sources_that_disagree_or_too_many_are_refused() {
    let mut w = world().await;
    let (pyth, feed_id) = w.pyth;
    let (switchboard, hash) = w.switchboard;
    let both = vec![
        PriceSource::pyth_pull(pyth, feed_id),
        PriceSource::switchboard(switchboard, hash),
    ];
    // $215.68 against $155.59: 27.86% of the first apart.
    w.refused(both.clone(), 2_785, BallastError::OracleSourcesDiverge)
        .await;
    w.m.try_set_sources(w.sol, both.clone(), 2_786)
        .await
        .unwrap();
    let mut four = both.clone();
    four.extend(both);
    w.refused(four, 0, BallastError::InvalidOracleSources).await;
    w.refused(
        vec![PriceSource::fixed(0)],
        0,
        BallastError::InvalidOracleSources,
    )
    .await;
}

#[tokio::test]
async fn a_stale_new_source_is_refused() {
    let mut w = world().await;
    let (switchboard, hash) = w.switchboard;
    let now = w.m.now().await;
    w.m.bank
        .set_account(&switchboard, switchboard_sol(now - 61).1)
        .await;
    let (pyth, feed_id) = w.pyth;
    // Even as a fallback behind a live primary: a dead fallback is no fallback.
    w.refused(
        vec![
            PriceSource::pyth_pull(pyth, feed_id),
            PriceSource::switchboard(switchboard, hash),
        ],
        0,
        BallastError::OraclePriceStale,
    )
    .await;
}
