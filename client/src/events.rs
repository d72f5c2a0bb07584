//! Decoding the program's events from a transaction's event data or logs.
use anchor_lang::{AnchorDeserialize, Discriminator, Event};

/// Every event of type `E` in `event_data` (see `TxOutcome::event_data`), in order.
pub fn decode<E: Event + Discriminator + AnchorDeserialize>(event_data: &[Vec<u8>]) -> Vec<E> {
    event_data
        .iter()
        .filter_map(|data| data.strip_prefix(E::DISCRIMINATOR))
        .filter_map(|mut body| E::deserialize(&mut body).ok())
        .collect()
}

/// The event data a transaction's `logs` carry (`emit!`: a `Program data:` line each), in the
/// form `decode` takes.
pub fn logged(logs: &[String]) -> Vec<Vec<u8>> {
    use base64::Engine;
    logs.iter()
        .filter_map(|line| line.strip_prefix("Program data: "))
        .filter_map(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
        .collect()
}
