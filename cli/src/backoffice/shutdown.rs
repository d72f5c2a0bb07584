//! Stopping the back-office loops cleanly. A request to stop (SIGINT, SIGTERM, or a test) is
//! only noted: a loop checks it between transactions and while it waits, so a transaction in
//! flight is always awaited to the end, never dropped half-sent.
use {
    std::{future::Future, sync::OnceLock},
    tokio::sync::watch,
    tracing::info,
};

/// Whether (and when) a stop was asked for. Cheap to clone; every clone sees the same request.
#[derive(Clone, Debug)]
pub struct Shutdown(Option<watch::Receiver<bool>>);

/// Asks every `Shutdown` of its channel to stop.
#[derive(Debug)]
pub struct Trigger(watch::Sender<bool>);

impl Trigger {
    pub fn stop(&self) {
        // `send_replace` succeeds even when no receiver is left.
        self.0.send_replace(true);
    }
}

/// A trigger and the `Shutdown` it stops.
pub fn channel() -> (Trigger, Shutdown) {
    let (sender, receiver) = watch::channel(false);
    (Trigger(sender), Shutdown(Some(receiver)))
}

impl Shutdown {
    /// One that is never requested.
    pub fn never() -> Shutdown {
        Shutdown(None)
    }

    /// Requested once `stop` resolves (a spawned task waits for it).
    pub fn when(stop: impl Future<Output = ()> + Send + 'static) -> Shutdown {
        let (trigger, shutdown) = channel();
        tokio::spawn(async move {
            stop.await;
            trigger.stop();
        });
        shutdown
    }

    pub fn requested(&self) -> bool {
        self.0.as_ref().is_some_and(|r| *r.borrow())
    }

    /// Resolves once a stop is requested (never, for `never`).
    pub async fn wait(&self) {
        if let Some(receiver) = &self.0 {
            let mut receiver = receiver.clone();
            if receiver.wait_for(|stop| *stop).await.is_ok() {
                return;
            }
        }
        // No trigger left to ask: nobody can stop it any more.
        std::future::pending::<()>().await
    }
}

/// Requested on the first SIGINT (Ctrl-C) or SIGTERM (what systemd, Docker and Kubernetes send
/// to stop a service). A second signal exits at once, for an operator who cannot wait.
pub fn on_signals() -> std::io::Result<Shutdown> {
    let mut signals = listener()?.subscribe();
    // The receiver lives in this task, so the listener knows a loop is watching.
    Ok(Shutdown::when(async move {
        let _ = signals.changed().await;
    }))
}

/// Signal handling is process-wide and, once installed, never uninstalled: one listener
/// serves every loop of the process, on a thread of its own (not tied to the runtime of the
/// command that installed it). It counts the signals; a signal that finds no loop watching, or
/// one already asked to stop, ends the process as the default action would have.
fn listener() -> std::io::Result<&'static watch::Sender<u64>> {
    static LISTENER: OnceLock<Result<watch::Sender<u64>, String>> = OnceLock::new();
    LISTENER
        .get_or_init(|| {
            let (installed, result) = std::sync::mpsc::channel();
            std::thread::Builder::new()
                .name("signals".into())
                .spawn(move || listen(installed))
                .map_err(|e| e.to_string())?;
            result.recv().map_err(|e| e.to_string())?
        })
        .as_ref()
        .map_err(|e| std::io::Error::other(format!("cannot handle signals: {e}")))
}

fn listen(installed: std::sync::mpsc::Sender<Result<watch::Sender<u64>, String>>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            let _ = installed.send(Err(e.to_string()));
            return;
        }
    };
    runtime.block_on(async move {
        let mut signals = match Signals::new() {
            Ok(s) => s,
            Err(e) => {
                let _ = installed.send(Err(e.to_string()));
                return;
            }
        };
        let (count, _) = watch::channel(0u64);
        let _ = installed.send(Ok(count.clone()));
        let mut asked = 0;
        loop {
            let (name, code) = signals.next().await;
            if count.receiver_count() == 0 || asked > 0 {
                info!(signal = name, "quitting at once");
                std::process::exit(code);
            }
            info!(
                signal = name,
                "stop requested: finishing the transaction in flight (signal again to quit at once)"
            );
            asked += 1;
            count.send_replace(asked);
        }
    });
}

#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// The next signal's name, and the exit code its default action would give (128 + its
    /// number).
    async fn next(&mut self) -> (&'static str, i32) {
        tokio::select! {
            _ = self.interrupt.recv() => ("SIGINT", 130),
            _ = self.terminate.recv() => ("SIGTERM", 143),
        }
    }
}

/// Elsewhere there is no SIGTERM: Ctrl-C only.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn next(&mut self) -> (&'static str, i32) {
        let _ = tokio::signal::ctrl_c().await;
        ("Ctrl-C", 130)
    }
}
