//! A hostile program for attack tests. It forwards one Ballast instruction by CPI, signing with
//! its own PDA `["attacker"]`: what a program can, and cannot, do to obligations it does not own.
//!
//! Instruction data: the PDA bump, then the Ballast instruction data. Accounts: the Ballast
//! program, then the Ballast instruction's accounts (flags as passed; the PDA signs).
use {
    anchor_lang::solana_program::program::invoke_signed,
    solana_program_test::{processor, ProgramTest},
    solana_sdk::{
        account_info::AccountInfo,
        entrypoint::ProgramResult,
        instruction::{AccountMeta, Instruction},
        program_error::ProgramError,
        pubkey::Pubkey,
    },
};

pub const ID: Pubkey = solana_sdk::pubkey!("AttackerProgram1111111111111111111111111111");
pub const SEED: &[u8] = b"attacker";

/// The attacker program's signing PDA and its bump.
pub fn pda() -> (Pubkey, u8) {
    Pubkey::find_program_address(&[SEED], &ID)
}

/// Registers the attacker in `pt`.
pub fn register(pt: &mut ProgramTest) {
    pt.add_program("attacker", ID, processor!(process));
}

/// Wraps a Ballast instruction for the attacker to forward.
pub fn forward(inner: &Instruction) -> Instruction {
    let (_, bump) = pda();
    let mut data = vec![bump];
    data.extend_from_slice(&inner.data);
    let mut accounts = vec![AccountMeta::new_readonly(inner.program_id, false)];
    // The PDA cannot sign the outer transaction; it signs inside, by seeds.
    let pda = pda().0;
    accounts.extend(inner.accounts.iter().map(|a| AccountMeta {
        pubkey: a.pubkey,
        is_signer: a.is_signer && a.pubkey != pda,
        is_writable: a.is_writable,
    }));
    Instruction {
        program_id: ID,
        accounts,
        data,
    }
}

fn process(_: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let (bump, inner_data) = data
        .split_first()
        .ok_or(ProgramError::InvalidInstructionData)?;
    let (program, rest) = accounts
        .split_first()
        .ok_or(ProgramError::NotEnoughAccountKeys)?;
    let pda = Pubkey::create_program_address(&[SEED, &[*bump]], &ID)?;
    let metas = rest
        .iter()
        .map(|info| AccountMeta {
            pubkey: *info.key,
            is_signer: info.is_signer || *info.key == pda,
            is_writable: info.is_writable,
        })
        .collect();
    let inner = Instruction {
        program_id: *program.key,
        accounts: metas,
        data: inner_data.to_vec(),
    };
    invoke_signed(&inner, accounts, &[&[SEED, &[*bump]]])
}
