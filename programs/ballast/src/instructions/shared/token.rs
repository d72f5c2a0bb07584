//! Token CPIs. Liquidity moves with `transfer_checked` under the reserve's token program (SPL
//! Token or Token-2022); cTokens are SPL Token. Every movement through a vault is checked
//! against the vault's balance afterwards.
use {
    crate::{
        constants::AUTHORITY_SEED,
        errors::{BallastError, OrOverflow},
    },
    anchor_lang::prelude::*,
    anchor_spl::{
        token, token_2022::spl_token_2022::extension::transfer_fee::TransferFee, token_interface,
    },
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
    /// The mint's transfer fee this epoch, if it charges one (a Token-2022 fee switched on
    /// after listing: the listing policy accepts none).
    fn fee(&self) -> Result<Option<TransferFee>> {
        // SPL Token mints have no fees: no clock to read, nothing to unpack.
        if *self.mint.owner != anchor_spl::token_2022::ID {
            return Ok(None);
        }
        let data = self.mint.try_borrow_data()?;
        crate::mint_policy::transfer_fee(self.mint.owner, &data, Clock::get()?.epoch)
    }

    /// What a vault receives when `amount` is sent in: the sender bears any transfer fee.
    pub fn received(&self, amount: u64) -> Result<u64> {
        match self.fee()? {
            None => Ok(amount),
            Some(fee) => fee.calculate_post_fee_amount(amount).or_overflow(),
        }
    }

    /// The least to send for a vault to receive at least `net`.
    pub fn to_send(&self, net: u64) -> Result<u64> {
        match self.fee()? {
            None => Ok(net),
            Some(fee) => fee.calculate_pre_fee_amount(net).or_overflow(),
        }
    }

    /// `amount` from `from` (signed by `owner`) into `vault`, which must receive exactly
    /// `received(amount)`.
    pub fn transfer_in(
        &self,
        from: &AccountInfo<'info>,
        vault: &AccountInfo<'info>,
        owner: &AccountInfo<'info>,
        amount: u64,
    ) -> Result<()> {
        let received = self.received(amount)?;
        moving(vault, Flow::In, received, || {
            self.transfer(from, vault, owner, &[], amount)
        })
    }

    /// `amount` out of `vault` (owned by the market authority) into `to`. Refused while the
    /// mint charges a transfer fee: the pool would pay out less than it accounts.
    pub fn transfer_out(
        &self,
        vault: &AccountInfo<'info>,
        to: &AccountInfo<'info>,
        authority: &AccountInfo<'info>,
        seeds: &AuthoritySeeds,
        amount: u64,
    ) -> Result<()> {
        require!(self.fee()?.is_none(), BallastError::TransferFeeActive);
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
