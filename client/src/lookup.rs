//! The market's address lookup table: the accounts every large transaction names (the market,
//! its authority, and each reserve with its mints, vaults and oracle), so that a version-0
//! transaction names each in one byte instead of 32. A liquidation of a 10-position obligation
//! with a liquidity payout and a priority fee needs it to fit a packet.
use {
    crate::{fetch, instructions::ReserveKeys, pda, ClientError, Transport},
    solana_address_lookup_table_interface::{instruction as alt, state::AddressLookupTable},
    solana_sdk::{instruction::Instruction, message::AddressLookupTableAccount, pubkey::Pubkey},
};

/// Addresses one `extend_lookup_table` instruction adds (its transaction stays far below a
/// packet).
pub const ADDRESSES_PER_EXTEND: usize = 20;

/// The accounts of `market` (with `reserves`) that its transactions name, in a fixed order:
/// the market, its authority, the event authority and the token programs, then per reserve
/// its address, liquidity mint, vaults, cToken mint and oracle.
pub fn market_addresses(market: &Pubkey, reserves: &[ReserveKeys]) -> Vec<Pubkey> {
    let mut addresses = vec![
        *market,
        pda::market_authority(market),
        pda::event_authority(),
        anchor_spl::token::ID,
        anchor_spl::token_2022::ID,
    ];
    for r in reserves {
        for address in [
            r.address,
            r.liquidity_mint,
            r.liquidity_vault(),
            r.fee_vault(),
            r.collateral_mint(),
            r.collateral_vault(),
        ]
        .into_iter()
        .chain(r.prices.as_slice().iter().copied())
        {
            if !addresses.contains(&address) {
                addresses.push(address);
            }
        }
    }
    addresses
}

/// The instruction creating a lookup table owned by `authority` (paid by `payer`) at
/// `recent_slot`, and the table's address.
pub fn create(authority: &Pubkey, payer: &Pubkey, recent_slot: u64) -> (Instruction, Pubkey) {
    alt::create_lookup_table(*authority, *payer, recent_slot)
}

/// The instructions adding to `table` those of `wanted` it does not hold yet, a few per
/// instruction (each one transaction).
pub fn extend(
    table: &AddressLookupTableAccount,
    authority: &Pubkey,
    payer: &Pubkey,
    wanted: &[Pubkey],
) -> Vec<Instruction> {
    let missing: Vec<Pubkey> = wanted
        .iter()
        .filter(|a| !table.addresses.contains(a))
        .copied()
        .collect();
    missing
        .chunks(ADDRESSES_PER_EXTEND)
        .map(|chunk| alt::extend_lookup_table(table.key, *authority, Some(*payer), chunk.to_vec()))
        .collect()
}

/// One instruction adding `addresses` to `table` (the authority pays for the room).
pub fn extend_instruction(table: &Pubkey, authority: &Pubkey, addresses: &[Pubkey]) -> Instruction {
    alt::extend_lookup_table(*table, *authority, Some(*authority), addresses.to_vec())
}

/// The lookup table at `address`, as a message compiles against it.
pub async fn fetch(
    transport: &impl Transport,
    address: &Pubkey,
) -> Result<AddressLookupTableAccount, ClientError> {
    let account = fetch::account(transport, address).await?;
    if account.owner != solana_address_lookup_table_interface::program::ID {
        return Err(ClientError::WrongAccountType(
            *address,
            "address lookup table",
        ));
    }
    let table = AddressLookupTable::deserialize(&account.data)
        .map_err(|_| ClientError::UndecodableAccount(*address))?;
    Ok(AddressLookupTableAccount {
        key: *address,
        addresses: table.addresses.to_vec(),
    })
}

/// The newest slot of the SlotHashes sysvar: a new table's address derives from a recent slot
/// the lookup table program finds there.
pub async fn recent_slot(transport: &impl Transport) -> Result<u64, ClientError> {
    let id = solana_sdk::sysvar::slot_hashes::ID;
    let account = fetch::account(transport, &id).await?;
    // Bincode: the entry count (u64), then (slot u64, hash) pairs, newest first.
    account
        .data
        .get(8..16)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .ok_or(ClientError::WrongAccountType(id, "non-empty SlotHashes"))
}
