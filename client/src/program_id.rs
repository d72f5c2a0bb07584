//! The program the client talks to: Ballast's own deployment by default, or a copy deployed
//! under another address (`ballast --program-id`, built with that address declared), chosen
//! once per process before the first instruction is built.
use {crate::ClientError, solana_sdk::pubkey::Pubkey, std::sync::OnceLock};

static PROGRAM_ID: OnceLock<Pubkey> = OnceLock::new();

/// The program's address: every instruction, PDA, account check and scan uses it.
pub fn get() -> Pubkey {
    *PROGRAM_ID.get().unwrap_or(&ballast::ID)
}

/// Talks to the program at `id` for the rest of the process. Setting it again to another
/// address is refused (instructions built before would name the other program).
pub fn set(id: Pubkey) -> Result<(), ClientError> {
    let set = *PROGRAM_ID.get_or_init(|| id);
    if set != id {
        return Err(ClientError::InvalidSetting(format!(
            "the program id is already {set}; it cannot become {id} in the same process"
        )));
    }
    Ok(())
}
