//! When the back-office loops run their next pass: after `interval`, unless running once or
//! asked to stop.
use {super::shutdown::Shutdown, std::time::Duration};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// One pass, then return.
    pub once: bool,
    /// Between passes (at least a second: the command line refuses 0).
    pub interval: Duration,
}

/// What a loop does after a pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Pass,
    /// Ran once, as asked.
    Done,
    /// A stop was requested.
    Stop,
}

impl Schedule {
    /// Waits out the interval, or less when a stop is requested meanwhile.
    pub async fn wait(&self, shutdown: &Shutdown) -> Next {
        if shutdown.requested() {
            return Next::Stop;
        }
        if self.once {
            return Next::Done;
        }
        tokio::select! {
            _ = tokio::time::sleep(self.interval) => Next::Pass,
            _ = shutdown.wait() => Next::Stop,
        }
    }
}
