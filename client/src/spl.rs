//! SPL Token setup instructions (mints, token accounts, minting), for SPL Token and Token-2022.
use {
    crate::{ClientError, Transport},
    anchor_lang::solana_program::system_instruction,
    anchor_spl::token_2022::spl_token_2022::extension::{
        BaseStateWithExtensions, ExtensionType, StateWithExtensions,
    },
    anchor_spl::{token::spl_token, token_2022::spl_token_2022},
    solana_sdk::{
        account::Account, instruction::Instruction, program_error::ProgramError,
        program_pack::Pack, pubkey::Pubkey, rent::Rent, signature::Keypair, signer::Signer,
    },
};

/// Instructions creating `mint` (a fresh keypair's address) with `decimals`, under `token_program`.
pub fn create_mint(
    payer: &Pubkey,
    mint: &Pubkey,
    authority: &Pubkey,
    decimals: u8,
    token_program: &Pubkey,
) -> Vec<Instruction> {
    let len = spl_token::state::Mint::LEN;
    vec![
        system_instruction::create_account(
            payer,
            mint,
            Rent::default().minimum_balance(len),
            len as u64,
            token_program,
        ),
        initialize_mint(token_program, mint, authority, decimals),
    ]
}

fn initialize_mint(
    token_program: &Pubkey,
    mint: &Pubkey,
    authority: &Pubkey,
    decimals: u8,
) -> Instruction {
    if *token_program == spl_token_2022::ID {
        spl_token_2022::instruction::initialize_mint2(
            token_program,
            mint,
            authority,
            None,
            decimals,
        )
    } else {
        spl_token::instruction::initialize_mint2(token_program, mint, authority, None, decimals)
    }
    .expect("valid mint instruction")
}

/// Instructions creating token account `account` (a fresh keypair's address) for `mint`, with
/// `len` bytes (see `token_account_len`).
pub fn create_token_account(
    payer: &Pubkey,
    account: &Pubkey,
    mint: &Pubkey,
    owner: &Pubkey,
    token_program: &Pubkey,
    len: usize,
) -> Vec<Instruction> {
    let init = if *token_program == spl_token_2022::ID {
        spl_token_2022::instruction::initialize_account3(token_program, account, mint, owner)
    } else {
        spl_token::instruction::initialize_account3(token_program, account, mint, owner)
    }
    .expect("valid account instruction");
    vec![
        system_instruction::create_account(
            payer,
            account,
            Rent::default().minimum_balance(len),
            len as u64,
            token_program,
        ),
        init,
    ]
}

/// Size of a token account for `mint`: Token-2022 accounts carry the extensions their mint's
/// extensions require (e.g. `TransferFeeAmount`, `TransferHookAccount`).
pub fn token_account_len(address: &Pubkey, mint: &Account) -> Result<usize, ClientError> {
    if mint.owner != spl_token_2022::ID {
        return Ok(spl_token::state::Account::LEN);
    }
    let invalid = |error: ProgramError| ClientError::Mint {
        mint: *address,
        error,
    };
    let state =
        StateWithExtensions::<spl_token_2022::state::Mint>::unpack(&mint.data).map_err(invalid)?;
    let required = ExtensionType::get_required_init_account_extensions(
        &state.get_extension_types().map_err(invalid)?,
    );
    ExtensionType::try_calculate_account_len::<spl_token_2022::state::Account>(&required)
        .map_err(invalid)
}

/// Mints `amount` of `mint` to `to`.
pub fn mint_to(
    token_program: &Pubkey,
    mint: &Pubkey,
    to: &Pubkey,
    authority: &Pubkey,
    amount: u64,
) -> Instruction {
    if *token_program == spl_token_2022::ID {
        spl_token_2022::instruction::mint_to(token_program, mint, to, authority, &[], amount)
    } else {
        spl_token::instruction::mint_to(token_program, mint, to, authority, &[], amount)
    }
    .expect("valid mint_to instruction")
}

/// Moves `amount` of `mint` (of `decimals`) from `source` to `destination`, signed by
/// `authority` (`transfer_checked`: valid for both token programs).
pub fn transfer_checked(
    token_program: &Pubkey,
    (mint, decimals): (&Pubkey, u8),
    source: &Pubkey,
    destination: &Pubkey,
    authority: &Pubkey,
    amount: u64,
) -> Instruction {
    if *token_program == spl_token_2022::ID {
        spl_token_2022::instruction::transfer_checked(
            token_program,
            source,
            mint,
            destination,
            authority,
            &[],
            amount,
            decimals,
        )
    } else {
        spl_token::instruction::transfer_checked(
            token_program,
            source,
            mint,
            destination,
            authority,
            &[],
            amount,
            decimals,
        )
    }
    .expect("valid transfer_checked instruction")
}

/// Creates a mint with a fresh address; returns it.
pub async fn new_mint(
    transport: &impl Transport,
    payer: &Keypair,
    authority: &Pubkey,
    decimals: u8,
    token_program: &Pubkey,
) -> Result<Pubkey, ClientError> {
    let mint = Keypair::new();
    let ixs = create_mint(
        &payer.pubkey(),
        &mint.pubkey(),
        authority,
        decimals,
        token_program,
    );
    transport.send(&ixs, &[payer, &mint]).await?;
    Ok(mint.pubkey())
}

/// Creates a token account of `mint` for `owner` with a fresh address; returns it.
pub async fn new_token_account(
    transport: &impl Transport,
    payer: &Keypair,
    mint: &Pubkey,
    owner: &Pubkey,
    token_program: &Pubkey,
) -> Result<Pubkey, ClientError> {
    let mint_account = transport
        .account(mint)
        .await?
        .ok_or(ClientError::AccountNotFound(*mint))?;
    let len = token_account_len(mint, &mint_account)?;
    let account = Keypair::new();
    let ixs = create_token_account(
        &payer.pubkey(),
        &account.pubkey(),
        mint,
        owner,
        token_program,
        len,
    );
    transport.send(&ixs, &[payer, &account]).await?;
    Ok(account.pubkey())
}

/// The associated token account of `owner` for `mint` (under the mint's token program).
pub fn associated_account(owner: &Pubkey, mint: &Pubkey, token_program: &Pubkey) -> Pubkey {
    anchor_spl::associated_token::get_associated_token_address_with_program_id(
        owner,
        mint,
        token_program,
    )
}

/// Creates `owner`'s associated token account for `mint` unless it exists (a no-op then).
pub fn create_associated_account(
    payer: &Pubkey,
    owner: &Pubkey,
    mint: &Pubkey,
    token_program: &Pubkey,
) -> Instruction {
    anchor_spl::associated_token::spl_associated_token_account::instruction::create_associated_token_account_idempotent(
        payer,
        owner,
        mint,
        token_program,
    )
}
