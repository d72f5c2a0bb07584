//! Decoding the program's events from a transaction's event data.
use anchor_lang::{AnchorDeserialize, Discriminator, Event};

/// Every event of type `E` in `event_data` (see `TxOutcome::event_data`), in order.
pub fn decode<E: Event + Discriminator + AnchorDeserialize>(event_data: &[Vec<u8>]) -> Vec<E> {
    event_data
        .iter()
        .filter_map(|data| data.strip_prefix(E::DISCRIMINATOR))
        .filter_map(|mut body| E::deserialize(&mut body).ok())
        .collect()
}
