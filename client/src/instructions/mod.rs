//! One builder per program instruction, grouped by area. Builders take typed arguments, derive every PDA, and
//! append an obligation's position accounts where the instruction reads its health.
mod admin;
mod flash;
mod lending;
mod liquidation;

pub use {admin::*, flash::*, lending::*, liquidation::*};

use {
    crate::{error::ClientError, pda},
    anchor_lang::{InstructionData, ToAccountMetas},
    ballast::state::{Obligation, OracleSources, PriceAccounts, Reserve},
    solana_sdk::{
        instruction::{AccountMeta, Instruction},
        pubkey::Pubkey,
    },
};

/// The keys of a reserve that instructions need. Vaults and the cToken mint are PDAs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReserveKeys {
    pub address: Pubkey,
    pub market: Pubkey,
    pub liquidity_mint: Pubkey,
    /// Token program of the liquidity mint.
    pub token_program: Pubkey,
    /// Every account the reserve's price sources read, in order (what follows the reserve in
    /// position accounts).
    pub prices: PriceAccounts,
}

impl ReserveKeys {
    /// Keys of a reserve that does not exist yet (for `init_reserve`) or is known by its parts,
    /// priced by one account.
    pub fn new(
        market: Pubkey,
        liquidity_mint: Pubkey,
        token_program: Pubkey,
        oracle: Pubkey,
    ) -> Self {
        ReserveKeys {
            address: pda::reserve(&market, &liquidity_mint),
            market,
            liquidity_mint,
            token_program,
            prices: PriceAccounts::from_keys(&[oracle]).expect("one account"),
        }
    }

    /// These keys with the price accounts of `sources`.
    pub fn with_sources(self, sources: &OracleSources) -> Self {
        ReserveKeys {
            prices: sources.accounts(),
            ..self
        }
    }

    /// The first price account (the primary's, unless it is a fixed price: then the next
    /// source's, or the default key when none reads one).
    pub fn oracle(&self) -> Pubkey {
        self.prices.as_slice().first().copied().unwrap_or_default()
    }

    /// Keys of a decoded reserve account.
    pub fn from_reserve(address: Pubkey, reserve: &Reserve) -> Self {
        ReserveKeys {
            address,
            market: reserve.market,
            liquidity_mint: reserve.liquidity_mint,
            token_program: reserve.token_program,
            prices: PriceAccounts::default(),
        }
        .with_sources(&reserve.oracles)
    }

    /// The price accounts as read-only metas.
    pub fn price_metas(&self) -> impl Iterator<Item = AccountMeta> + '_ {
        self.prices
            .as_slice()
            .iter()
            .map(|key| AccountMeta::new_readonly(*key, false))
    }

    pub fn liquidity_vault(&self) -> Pubkey {
        pda::liquidity_vault(&self.address)
    }

    pub fn fee_vault(&self) -> Pubkey {
        pda::fee_vault(&self.address)
    }

    pub fn collateral_mint(&self) -> Pubkey {
        pda::collateral_mint(&self.address)
    }

    pub fn collateral_vault(&self) -> Pubkey {
        pda::collateral_vault(&self.address)
    }
}

/// An obligation's address and its position accounts (each position's reserve and its price
/// accounts, in the obligation's order), as instructions that read its health need them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObligationKeys {
    pub address: Pubkey,
    pub market: Pubkey,
    pub owner: Pubkey,
    /// Each position's reserve then its price accounts, collateral first (see `Obligation::
    /// position_reserves`).
    pub position_accounts: Vec<AccountMeta>,
    /// How many of the positions are collateral (the rest are debts).
    pub collateral_positions: usize,
    /// Where each position's reserve is in `position_accounts`.
    pub reserve_indexes: Vec<usize>,
}

impl ObligationKeys {
    /// A new obligation, with no positions yet.
    pub fn new(market: Pubkey, owner: Pubkey, obligation_id: u16) -> Self {
        ObligationKeys {
            address: pda::obligation(&market, &owner, obligation_id),
            market,
            owner,
            position_accounts: Vec::new(),
            collateral_positions: 0,
            reserve_indexes: Vec::new(),
        }
    }

    /// Keys of a decoded obligation. `prices_of` gives each position reserve's price accounts.
    pub fn from_obligation(
        address: Pubkey,
        obligation: &Obligation,
        prices_of: impl Fn(&Pubkey) -> Option<PriceAccounts>,
    ) -> Result<Self, ClientError> {
        let mut position_accounts = Vec::with_capacity(obligation.position_count() * 2);
        let mut reserve_indexes = Vec::with_capacity(obligation.position_count());
        for reserve in obligation.position_reserves() {
            let prices = prices_of(reserve).ok_or(ClientError::UnknownReserve(*reserve))?;
            reserve_indexes.push(position_accounts.len());
            position_accounts.push(AccountMeta::new_readonly(*reserve, false));
            position_accounts.extend(
                prices
                    .as_slice()
                    .iter()
                    .map(|key| AccountMeta::new_readonly(*key, false)),
            );
        }
        Ok(ObligationKeys {
            address,
            market: obligation.market,
            owner: obligation.owner,
            position_accounts,
            collateral_positions: obligation.collaterals().len(),
            reserve_indexes,
        })
    }

    /// Whether `reserve` is one of the positions' reserves.
    pub fn has_position_in(&self, reserve: &Pubkey) -> bool {
        self.reserve_indexes
            .iter()
            .any(|&i| self.position_accounts.get(i).map(|m| &m.pubkey) == Some(reserve))
    }
}

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: crate::program_id::get(),
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// The position accounts with every debt reserve writable: what `liquidate` writes off in when
/// it takes the last collateral.
fn with_writable_debts(mut ix: Instruction, obligation: &ObligationKeys) -> Instruction {
    let start = ix.accounts.len();
    ix = with_positions(ix, obligation);
    let debts = obligation
        .reserve_indexes
        .iter()
        .skip(obligation.collateral_positions);
    for &i in debts {
        if let Some(meta) = ix.accounts.get_mut(start + i) {
            meta.is_writable = true;
        }
    }
    ix
}

fn with_positions(mut ix: Instruction, obligation: &ObligationKeys) -> Instruction {
    ix.accounts
        .extend(obligation.position_accounts.iter().cloned());
    ix
}

/// An instruction as JSON (program, accounts with their flags, and `data` already encoded as
/// the reader wants it): for multisig proposals and replay files.
pub fn to_json(ix: &Instruction, data: String) -> serde_json::Value {
    serde_json::json!({
        "program_id": ix.program_id.to_string(),
        "accounts": ix.accounts.iter().map(|a| serde_json::json!({
            "pubkey": a.pubkey.to_string(),
            "is_signer": a.is_signer,
            "is_writable": a.is_writable,
        })).collect::<Vec<_>>(),
        "data": data,
    })
}
