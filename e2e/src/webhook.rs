//! A webhook on loopback that keeps every JSON body posted to it: where the monitor's alerts
//! arrive.
use {
    http_body_util::{BodyExt, Full},
    hyper::{body::Bytes, server::conn::http1, service::service_fn, Request, Response},
    hyper_util::rt::TokioIo,
    serde_json::Value,
    std::{
        convert::Infallible,
        sync::{Arc, Mutex},
    },
    tokio::net::TcpListener,
};

pub struct Webhook {
    pub url: String,
    received: Arc<Mutex<Vec<Value>>>,
}

impl Webhook {
    /// Serves on 127.0.0.1, on a free port, until the test's runtime ends.
    pub async fn start() -> Webhook {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind webhook");
        let url = format!("http://{}/alerts", listener.local_addr().expect("address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let sink = sink.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                        let sink = sink.clone();
                        async move {
                            let body = request.into_body().collect().await;
                            let body = body.expect("webhook body").to_bytes();
                            let alert = serde_json::from_slice(&body).expect("JSON alert");
                            sink.lock().expect("received").push(alert);
                            Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Webhook { url, received }
    }

    /// The bodies posted so far, in order.
    pub fn received(&self) -> Vec<Value> {
        self.received.lock().expect("received").clone()
    }
}
