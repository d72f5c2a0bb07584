//! A transaction of the program as the indexer reads it: where it landed and the event data
//! the program left in it, whichever source it came from.
use {
    ballast_client::{events, TxOutcome},
    solana_sdk::pubkey::Pubkey,
    solana_transaction_status_client_types::{
        option_serializer::OptionSerializer, EncodedConfirmedTransactionWithStatusMeta,
        EncodedTransaction, UiInstruction, UiMessage,
    },
};

#[derive(Clone, Debug, PartialEq)]
pub struct ChainTx {
    /// Base58, as the RPC API writes it.
    pub signature: String,
    pub slot: u64,
    /// The block's time (unix seconds) when the node knows it.
    pub block_time: Option<i64>,
    /// Each event's discriminator and body, self-CPI events (`emit_cpi!`) first, then those
    /// logged (`emit!`): the position in this list is the event's `event_index`.
    pub event_data: Vec<Vec<u8>>,
}

impl ChainTx {
    /// A transaction the in-process bank (or any `Transport`) ran, landed at `slot`.
    pub fn from_outcome(outcome: &TxOutcome, slot: u64, block_time: Option<i64>) -> ChainTx {
        let mut event_data = outcome.event_data.clone();
        event_data.extend(events::logged(&program_logs(&outcome.logs, &ballast::ID)));
        ChainTx {
            signature: outcome.signature.to_string(),
            slot,
            block_time,
            event_data,
        }
    }

    /// A transaction as `getTransaction` returns it (`json` encoding): only the events of
    /// `program`, whose self-CPIs are told apart from other Anchor programs' by the invoked
    /// program's key (the `emit_cpi!` tag is the same for every Anchor program).
    pub fn from_rpc(
        signature: String,
        tx: &EncodedConfirmedTransactionWithStatusMeta,
        program: &Pubkey,
    ) -> ChainTx {
        let mut event_data = Vec::new();
        let meta = tx.transaction.meta.as_ref();
        if let (Some(meta), EncodedTransaction::Json(ui)) = (meta, &tx.transaction.transaction) {
            let mut keys: Vec<String> = match &ui.message {
                UiMessage::Raw(raw) => raw.account_keys.clone(),
                UiMessage::Parsed(parsed) => parsed
                    .account_keys
                    .iter()
                    .map(|k| k.pubkey.clone())
                    .collect(),
            };
            // Versioned transactions: keys loaded from lookup tables follow the static ones.
            if let OptionSerializer::Some(loaded) = &meta.loaded_addresses {
                keys.extend(loaded.writable.iter().cloned());
                keys.extend(loaded.readonly.iter().cloned());
            }
            let program = program.to_string();
            if let OptionSerializer::Some(inner) = &meta.inner_instructions {
                for ix in inner.iter().flat_map(|i| &i.instructions) {
                    let UiInstruction::Compiled(c) = ix else {
                        continue;
                    };
                    if keys.get(usize::from(c.program_id_index)) != Some(&program) {
                        continue;
                    }
                    let Ok(data) = bs58::decode(&c.data).into_vec() else {
                        continue;
                    };
                    if let Some(event) = data.strip_prefix(anchor_lang::event::EVENT_IX_TAG_LE) {
                        event_data.push(event.to_vec());
                    }
                }
            }
            if let OptionSerializer::Some(logs) = &meta.log_messages {
                let program = program.parse().unwrap_or_default();
                event_data.extend(events::logged(&program_logs(logs, &program)));
            }
        }
        ChainTx {
            signature,
            slot: tx.slot,
            block_time: tx.block_time,
            event_data,
        }
    }
}

/// The `Program data:` lines `program` itself wrote: those logged while it is the innermost
/// program running (another program's `emit!` in the same transaction is not its event).
pub fn program_logs(logs: &[String], program: &Pubkey) -> Vec<String> {
    let program = program.to_string();
    let mut running: Vec<&str> = Vec::new();
    let mut ours = Vec::new();
    for line in logs {
        let Some(rest) = line.strip_prefix("Program ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        match (words.next(), words.next()) {
            (Some("data:"), _) if running.last() == Some(&program.as_str()) => {
                ours.push(line.clone())
            }
            (Some(id), Some("invoke")) => running.push(id),
            (Some(_), Some("success" | "failed:")) => {
                running.pop();
            }
            _ => {}
        }
    }
    ours
}

#[cfg(test)]
mod tests {
    use {super::*, anchor_lang::Event, ballast::events::*};

    #[test]
    fn only_the_program_s_own_logged_events_are_taken() {
        use base64::Engine;
        let other = Pubkey::new_unique();
        let ours = ballast::ID;
        let event = PauseSet {
            header: EventHeader {
                market: Pubkey::new_unique(),
                reserve: Pubkey::default(),
                obligation: Pubkey::default(),
                signer: Pubkey::new_unique(),
                slot: 7,
                unix_timestamp: 9,
            },
            paused: true,
        };
        let data = format!(
            "Program data: {}",
            base64::engine::general_purpose::STANDARD.encode(event.data())
        );
        let logs: Vec<String> = [
            format!("Program {ours} invoke [1]"),
            data.clone(),
            format!("Program {other} invoke [2]"),
            // Another program's `emit!`, while it runs inside ours.
            data.clone(),
            format!("Program {other} success"),
            data.clone(),
            format!("Program {ours} success"),
            format!("Program {other} invoke [1]"),
            data.clone(),
            format!("Program {other} success"),
        ]
        .into_iter()
        .collect();
        assert_eq!(program_logs(&logs, &ours), vec![data.clone(), data]);
        let outcome = TxOutcome {
            logs,
            ..TxOutcome::default()
        };
        let tx = ChainTx::from_outcome(&outcome, 7, None);
        assert_eq!(tx.event_data, vec![event.data(), event.data()]);
    }
}
