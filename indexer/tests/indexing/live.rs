//! Live indexing: a transaction the websocket announces is indexed at once, not at the next
//! pass.
use {
    super::{
        rpc::{serve, Node},
        total, HISTORY,
    },
    ballast_indexer::{indexer::catch_up, live::follow, rpc_source::RpcSource},
    ballast_testkit::ws::FakeWs,
    std::{
        sync::{Arc, Mutex},
        time::{Duration, Instant},
    },
};

#[tokio::test(flavor = "multi_thread")]
async fn an_announced_transaction_is_indexed_at_once() {
    let fresh = super::backends::sqlite().await;
    let node = Arc::new(Mutex::new(Node::default()));
    node.lock().unwrap().add(10);
    let url = serve(node.clone()).await;
    let mut source = RpcSource::new(&url, ballast::ID);
    catch_up(&mut source, &fresh.store, HISTORY, 100)
        .await
        .unwrap();
    assert_eq!(total(&fresh.store).await, 10);

    let ws = FakeWs::start().await;
    let store = Arc::new(fresh);
    let following = {
        let (store, ws_url) = (store.clone(), ws.url.clone());
        tokio::spawn(async move {
            follow(
                &mut source,
                &store.store,
                HISTORY,
                100,
                &ws_url,
                &ballast::ID,
                Duration::from_secs(60),
            )
            .await
        })
    };
    ws.logs_subscribed().await;
    let started = Instant::now();
    let newest = {
        let mut n = node.lock().unwrap();
        n.add(2);
        n.txs[11].signature.clone()
    };
    ws.logged(&newest);
    while total(&store.store).await < 12 {
        assert!(started.elapsed() < Duration::from_secs(10), "not indexed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Well before the minute the follow lasts: the announcement, not a timer, did it.
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(total(&store.store).await, 12);
    let cursor = store.store.cursor(HISTORY).await.unwrap().unwrap();
    assert_eq!(cursor.signature, newest);
    following.abort();
}
