//! A hostile program for Ballast's attack tests, never deployed. It forwards one Ballast
//! instruction by CPI, signing with its own PDA `["attacker"]`: what a program can, and cannot,
//! do to obligations it does not own. Built natively into the tests, or to SBF (`attacker.so`)
//! for the suite's SBF run.
//!
//! Instruction data: the PDA bump, then the Ballast instruction data. Accounts: the Ballast
//! program, then the Ballast instruction's accounts (flags as passed; the PDA signs).
use anchor_lang::solana_program::{
    account_info::AccountInfo,
    entrypoint::ProgramResult,
    instruction::{AccountMeta, Instruction},
    program::invoke_signed,
    program_error::ProgramError,
    pubkey::Pubkey,
};
#[cfg(target_arch = "bpf")]
use solana_compiler_builtins as _;

anchor_lang::declare_id!("AttackerProgram1111111111111111111111111111");

pub const SEED: &[u8] = b"attacker";

#[cfg(not(feature = "no-entrypoint"))]
anchor_lang::solana_program::entrypoint!(process);

/// The attacker program's signing PDA and its bump.
pub fn pda() -> (Pubkey, u8) {
    Pubkey::find_program_address(&[SEED], &ID)
}

/// Wraps a Ballast instruction for the attacker to forward.
pub fn forward(inner: &Instruction) -> Instruction {
    let (pda, bump) = pda();
    let mut data = vec![bump];
    data.extend_from_slice(&inner.data);
    let mut accounts = vec![AccountMeta::new_readonly(inner.program_id, false)];
    // The PDA cannot sign the outer transaction; it signs inside, by seeds.
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

pub fn process(_: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
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
