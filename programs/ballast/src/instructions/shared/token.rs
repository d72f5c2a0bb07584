//! Token CPIs. Liquidity moves with `transfer_checked` under the reserve's token program (SPL
//! Token or Token-2022); cTokens are SPL Token. Every movement through a vault is checked
//! against the vault's balance afterwards.
use {
    crate::{constants::AUTHORITY_SEED, errors::BallastError},
    anchor_lang::prelude::*,
    anchor_spl::{token, token_interface},
};

/// Amount held by a token account (the same offset in SPL Token and Token-2022 accounts).
pub fn token_amount(account: &AccountInfo) -> Result<u64> {
    let data = account.try_borrow_data()?;
    let bytes: [u8; 8] = data
        .get(64..72)
        .and_then(|b| b.try_into().ok())
        .ok_or(ProgramError::InvalidAccountData)?;
    Ok(u64::from_le_bytes(bytes))
}

/// Signer seeds of a market's authority PDA.
pub struct AuthoritySeeds {
    market: Pubkey,
    bump: [u8; 1],
}

impl AuthoritySeeds {
    pub fn new(market: Pubkey, bump: u8) -> Self {
        AuthoritySeeds {
            market,
            bump: [bump],
        }
    }

    pub fn seeds(&self) -> [&[u8]; 3] {
        [AUTHORITY_SEED, self.market.as_ref(), &self.bump]
    }
}

/// Liquidity of one reserve: its mint, decimals and token program.
pub struct Liquidity<'a, 'info> {
    pub token_program: &'a AccountInfo<'info>,
    pub mint: &'a AccountInfo<'info>,
    pub decimals: u8,
}

impl<'info> Liquidity<'_, 'info> {
    /// `amount` from `from` (signed by `owner`) into `vault`.
    pub fn transfer_in(
        &self,
        from: &AccountInfo<'info>,
        vault: &AccountInfo<'info>,
        owner: &AccountInfo<'info>,
        amount: u64,
    ) -> Result<()> {
        moving(vault, Flow::In, amount, || {
            self.transfer(from, vault, owner, &[], amount)
        })
    }

    /// `amount` out of `vault` (owned by the market authority) into `to`.
    pub fn transfer_out(
        &self,
        vault: &AccountInfo<'info>,
        to: &AccountInfo<'info>,
        authority: &AccountInfo<'info>,
        seeds: &AuthoritySeeds,
        amount: u64,
    ) -> Result<()> {
        moving(vault, Flow::Out, amount, || {
            self.transfer(vault, to, authority, &[&seeds.seeds()], amount)
        })
    }

    fn transfer(
        &self,
        from: &AccountInfo<'info>,
        to: &AccountInfo<'info>,
        authority: &AccountInfo<'info>,
        signer_seeds: &[&[&[u8]]],
        amount: u64,
    ) -> Result<()> {
        let accounts = token_interface::TransferChecked {
            from: from.clone(),
            mint: self.mint.clone(),
            to: to.clone(),
            authority: authority.clone(),
        };
        token_interface::transfer_checked(
            CpiContext::new_with_signer(self.token_program.key(), accounts, signer_seeds),
            amount,
            self.decimals,
        )
    }
}

/// cTokens (SPL Token). Their mint authority is the market authority.
pub struct Collateral<'a, 'info> {
    pub token_program: &'a AccountInfo<'info>,
}

impl<'info> Collateral<'_, 'info> {
    /// Mints `amount` cTokens of `mint` to `to`.
    pub fn mint_to(
        &self,
        mint: &AccountInfo<'info>,
        to: &AccountInfo<'info>,
        authority: &AccountInfo<'info>,
        seeds: &AuthoritySeeds,
        amount: u64,
    ) -> Result<()> {
        let accounts = token::MintTo {
            mint: mint.clone(),
            to: to.clone(),
            authority: authority.clone(),
        };
        token::mint_to(
            CpiContext::new_with_signer(self.token_program.key(), accounts, &[&seeds.seeds()]),
            amount,
        )
    }

    /// Burns `amount` of the user's cTokens from `from`, signed by `owner`.
    pub fn burn_from_user(
        &self,
        mint: &AccountInfo<'info>,
        from: &AccountInfo<'info>,
        owner: &AccountInfo<'info>,
        amount: u64,
    ) -> Result<()> {
        self.burn(mint, from, owner, &[], amount)
    }

    /// Burns `amount` cTokens held in `vault` by the market authority.
    pub fn burn_from_vault(
        &self,
        mint: &AccountInfo<'info>,
        vault: &AccountInfo<'info>,
        authority: &AccountInfo<'info>,
        seeds: &AuthoritySeeds,
        amount: u64,
    ) -> Result<()> {
        moving(vault, Flow::Out, amount, || {
            self.burn(mint, vault, authority, &[&seeds.seeds()], amount)
        })
    }

    /// `amount` cTokens from `from` (signed by `owner`) into `vault`.
    pub fn transfer_in(
        &self,
        from: &AccountInfo<'info>,
        vault: &AccountInfo<'info>,
        owner: &AccountInfo<'info>,
        amount: u64,
    ) -> Result<()> {
        moving(vault, Flow::In, amount, || {
            self.transfer(from, vault, owner, &[], amount)
        })
    }

    /// `amount` cTokens out of `vault` (owned by the market authority) into `to`.
    pub fn transfer_out(
        &self,
        vault: &AccountInfo<'info>,
        to: &AccountInfo<'info>,
        authority: &AccountInfo<'info>,
        seeds: &AuthoritySeeds,
        amount: u64,
    ) -> Result<()> {
        moving(vault, Flow::Out, amount, || {
            self.transfer(vault, to, authority, &[&seeds.seeds()], amount)
        })
    }

    fn burn(
        &self,
        mint: &AccountInfo<'info>,
        from: &AccountInfo<'info>,
        authority: &AccountInfo<'info>,
        signer_seeds: &[&[&[u8]]],
        amount: u64,
    ) -> Result<()> {
        let accounts = token::Burn {
            mint: mint.clone(),
            from: from.clone(),
            authority: authority.clone(),
        };
        token::burn(
            CpiContext::new_with_signer(self.token_program.key(), accounts, signer_seeds),
            amount,
        )
    }

    /// cTokens have no extensions, so the unchecked transfer (no mint account) is exact.
    fn transfer(
        &self,
        from: &AccountInfo<'info>,
        to: &AccountInfo<'info>,
        authority: &AccountInfo<'info>,
        signer_seeds: &[&[&[u8]]],
        amount: u64,
    ) -> Result<()> {
        let accounts = token::Transfer {
            from: from.clone(),
            to: to.clone(),
            authority: authority.clone(),
        };
        token::transfer(
            CpiContext::new_with_signer(self.token_program.key(), accounts, signer_seeds),
            amount,
        )
    }
}

/// Which way tokens move through a vault.
enum Flow {
    In,
    Out,
}

/// Runs `cpi`, then checks that `vault` moved by exactly `amount` in `flow`'s direction.
fn moving(
    vault: &AccountInfo,
    flow: Flow,
    amount: u64,
    cpi: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let before = token_amount(vault)?;
    cpi()?;
    let expected = match flow {
        Flow::In => before.checked_add(amount),
        Flow::Out => before.checked_sub(amount),
    };
    require!(
        Some(token_amount(vault)?) == expected,
        BallastError::VaultBalanceMismatch
    );
    Ok(())
}
