//! SPL Token setup instructions (mints, token accounts, minting), for SPL Token and Token-2022.
use {
    crate::{ClientError, Transport},
    anchor_lang::solana_program::system_instruction,
    anchor_spl::{token::spl_token, token_2022::spl_token_2022},
    solana_sdk::{
        instruction::Instruction, program_pack::Pack, pubkey::Pubkey, rent::Rent,
        signature::Keypair, signer::Signer,
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

/// Instructions creating token account `account` (a fresh keypair's address) for `mint`.
pub fn create_token_account(
    payer: &Pubkey,
    account: &Pubkey,
    mint: &Pubkey,
    owner: &Pubkey,
    token_program: &Pubkey,
) -> Vec<Instruction> {
    let len = spl_token::state::Account::LEN;
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
    let account = Keypair::new();
    let ixs = create_token_account(
        &payer.pubkey(),
        &account.pubkey(),
        mint,
        owner,
        token_program,
    );
    transport.send(&ixs, &[payer, &account]).await?;
    Ok(account.pubkey())
}
