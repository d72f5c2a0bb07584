//! Standard output that notices when its reader goes away (`ballast demo | head -3`): the
//! binary then stops quietly, as Unix tools do, instead of reporting a broken pipe.
use std::io::{self, Write};

/// A writer that remembers whether a write failed because the reading end was closed.
pub struct PipeAware<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> PipeAware<W> {
    pub fn new(inner: W) -> Self {
        PipeAware {
            inner,
            closed: false,
        }
    }

    /// Whether the reader has gone away: whatever failed after that failed for it, and there
    /// is no one left to tell.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    fn watch<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if matches!(&result, Err(e) if e.kind() == io::ErrorKind::BrokenPipe) {
            self.closed = true;
        }
        result
    }
}

impl<W: Write> Write for PipeAware<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}
