//! The dashboard over what the indexer wrote from the story (its events and a snapshot of its
//! market): the page, in headless Chromium, draws each chart with exactly those rows.
use {
    crate::{backends, story, HISTORY},
    ballast_dashboard::{browser::headless_chromium, serve, Dashboard},
    ballast_indexer::{indexer::catch_up, snapshot, MemorySource},
};

#[tokio::test(flavor = "multi_thread")]
async fn the_page_draws_what_the_indexer_wrote() {
    let story = story::run().await;
    let fresh = backends::sqlite().await;
    let store = &fresh.store;
    let mut source = MemorySource::new(story.txs.clone());
    catch_up(&mut source, store, HISTORY, 100).await.unwrap();
    let m = &story.market;
    let taken = snapshot::take(&m.bank, &m.market).await.unwrap();
    store.write_snapshot(&taken).await.unwrap();
    let dashboard = Dashboard {
        pool: store.pool().clone(),
    };
    let addr = serve(dashboard, "127.0.0.1:0".parse().unwrap(), false)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let Some(mut chromium) = headless_chromium(&dir.path().join("profile")) else {
        return;
    };
    let url = format!("http://{addr}/");
    let out = tokio::task::spawn_blocking(move || chromium.arg("--dump-dom").arg(&url).output())
        .await
        .unwrap()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("data-ready=\"yes\""), "not ready: {dom}");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(":CONSOLE("),
        "the page logged"
    );
    // Two reserves with one snapshot each; the eight health buckets; no write-off; the
    // story's one liquidation, its repayment to the unit; what-if over its ten drops.
    assert_eq!(dom.matches("class=\"card reserve-chart\"").count(), 2);
    assert_eq!(
        dom.matches("data-points=\"1\"").count(),
        3,
        "two reserve charts of one snapshot and one liquidation: {dom}"
    );
    assert_eq!(dom.matches("class=\"card rate-curve\"").count(), 2);
    assert!(dom.contains("id=\"health\" data-points=\"8\""), "{dom}");
    assert!(dom.contains("id=\"bad-debt\" data-points=\"0\""), "{dom}");
    assert!(
        dom.contains("id=\"liquidations\" data-points=\"1\""),
        "{dom}"
    );
    assert!(
        dom.contains(&format!("<td>{}</td>", story::LIQUIDATION_REPAY)),
        "{dom}"
    );
    assert!(dom.contains("id=\"what-if\" data-points=\"10\""), "{dom}");
}
