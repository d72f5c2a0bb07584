//! An example integrator of Ballast: a share vault. Users deposit one asset; the vault supplies
//! it into Ballast by CPI and pledges the cTokens in an obligation its own PDA owns; one share
//! is one pledged cToken, so the vault's accounting is Ballast's, to the unit. Its manager may
//! borrow against the collateral and repay. See the repository README ("Composing with Ballast").
//!
//! Ballast is declared from its committed IDL (`idls/ballast.json`) with `declare_program!`:
//! the vault does not depend on the Ballast program crate.
#![allow(clippy::result_large_err)]

#[cfg(target_arch = "bpf")]
use solana_compiler_builtins as _;

pub mod errors;
pub mod instructions;
pub mod state;

use {anchor_lang::prelude::*, instructions::*};

// The generated module refers to `super::anchor_lang` off chain.
#[allow(clippy::single_component_path_imports)]
use anchor_lang;

declare_program!(ballast);

declare_id!("VLTCF6A4kunfW19ZS2dqs2dNLkkmR1C7jbhwK8mgDEJ");

#[program]
pub mod ballast_vault {
    use super::*;

    /// Creates the vault, its share mint and idle account, and its Ballast obligation.
    pub fn init_vault(ctx: Context<InitVault>) -> Result<()> {
        instructions::init_vault::handler(ctx)
    }

    /// Deposits liquidity: supplied into Ballast, one share per cToken minted.
    pub fn deposit(ctx: Context<Deposit>, amount: u64) -> Result<()> {
        instructions::deposit::handler(ctx, amount)
    }

    /// Burns shares and withdraws as many cTokens' worth of liquidity from Ballast.
    pub fn withdraw<'info>(ctx: Context<'info, Withdraw<'info>>, shares: u64) -> Result<()> {
        instructions::withdraw::handler(ctx, shares)
    }

    /// The manager borrows against the vault's collateral.
    pub fn borrow<'info>(ctx: Context<'info, Manage<'info>>, amount: u64) -> Result<()> {
        instructions::manage::borrow_handler(ctx, amount)
    }

    /// The manager moves the vault's obligation into Ballast e-mode `group` (0: out of it).
    pub fn set_emode<'info>(ctx: Context<'info, SetEmode<'info>>, group: u8) -> Result<()> {
        instructions::emode::handler(ctx, group)
    }

    /// The manager repays the vault's debt.
    pub fn repay(ctx: Context<Manage>, amount: u64) -> Result<()> {
        instructions::manage::repay_handler(ctx, amount)
    }
}
