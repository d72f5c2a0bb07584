//! How a failed command is reported on stderr: the error, then a failed transaction's program
//! logs with `-v` / `--verbose`, or a hint that there are some.
use {
    super::CliError,
    crate::ClientError,
    std::io::{self, Write},
};

/// Writes `error: ...` for `error`; when it is a transaction that failed with program logs,
/// the logs (`verbose`) or "run with -v for the program logs".
pub fn report_error(error: &CliError, verbose: bool, err: &mut dyn Write) -> io::Result<()> {
    writeln!(err, "error: {error}")?;
    let logs = match error {
        CliError::Client(ClientError::Transaction { logs, .. }) => logs.as_slice(),
        _ => &[],
    };
    if logs.is_empty() {
        return Ok(());
    }
    if verbose {
        writeln!(err, "program logs:")?;
        for line in logs {
            writeln!(err, "  {line}")?;
        }
    } else {
        writeln!(err, "run with -v for the program logs")?;
    }
    Ok(())
}
