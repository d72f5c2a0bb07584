//! `ballast-migrate` on the in-process bank: plans and applies (`apply`), the command line
//! (`command`), the binary itself (`binary`).
mod apply;
mod binary;
mod command;
mod sources;

use {
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast_client::{spl, Transport},
    ballast_testkit::{bank::Bank, pyth::PythPrice},
    solana_sdk::{pubkey::Pubkey, signature::Keypair, signer::Signer},
};

pub struct Cluster {
    pub bank: Bank,
    pub admin: Keypair,
    pub usdc: (Pubkey, Pubkey),
    pub sol: (Pubkey, Pubkey),
}

/// A bank with USDC and SOL mints, their Pyth accounts, and an admin holding a seed of each.
pub async fn cluster() -> Cluster {
    let bank = Bank::start(Vec::new()).await;
    let admin = bank.payer().await;
    let authority = Keypair::new();
    let mut assets = Vec::new();
    for (decimals, price) in [(6u8, 100_000_000i64), (9, 15_000_000_000)] {
        let mint = spl::new_mint(
            &bank,
            &admin,
            &authority.pubkey(),
            decimals,
            &TOKEN_PROGRAM_ID,
        )
        .await
        .unwrap();
        let oracle = Pubkey::new_unique();
        let now = bank.clock().await.unwrap().unix_timestamp;
        let update = PythPrice::new(oracle.to_bytes(), price, -8, now);
        bank.set_account(&oracle, update.account()).await;
        let ata = spl::associated_account(&admin.pubkey(), &mint, &TOKEN_PROGRAM_ID);
        let ixs = [
            spl::create_associated_account(
                &admin.pubkey(),
                &admin.pubkey(),
                &mint,
                &TOKEN_PROGRAM_ID,
            ),
            spl::mint_to(
                &TOKEN_PROGRAM_ID,
                &mint,
                &ata,
                &authority.pubkey(),
                10u64.pow(decimals.into()),
            ),
        ];
        bank.send(&ixs, &[&admin, &authority]).await.unwrap();
        assets.push((mint, oracle));
    }
    Cluster {
        bank,
        admin,
        usdc: assets[0],
        sol: assets[1],
    }
}
