//! The example integrator program (`ballast-vault`) in the test bank, and its instructions.
use {
    crate::TestMarket,
    anchor_lang::{system_program, InstructionData, ToAccountMetas},
    ballast_client::{pda, ObligationKeys, ReserveKeys},
    ballast_testkit::ExtraProgram,
    ballast_vault::{accounts as vaccs, instruction as vixs},
    solana_program_test::{processor, ProgramTest},
    solana_sdk::{
        account_info::AccountInfo, entrypoint::ProgramResult, instruction::Instruction,
        pubkey::Pubkey,
    },
};

fn process_vault(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    // Anchor's entry ties its arguments to one lifetime; leaked copies give it that.
    let accounts = Box::leak(accounts.to_vec().into_boxed_slice());
    let program_id = Box::leak(Box::new(*program_id));
    let data = Box::leak(data.to_vec().into_boxed_slice());
    ballast_vault::entry(program_id, accounts, data)
}

/// The vault program: native, or its SBF build `ballast_vault.so` beside Ballast's.
pub const PROGRAM: ExtraProgram = ExtraProgram {
    name: "ballast_vault",
    id: ballast_vault::ID,
    register,
};

/// Registers the vault program (natively, like Ballast).
fn register(pt: &mut ProgramTest) {
    pt.add_program(
        "ballast_vault",
        ballast_vault::ID,
        processor!(process_vault),
    );
}

/// The addresses of one vault.
#[derive(Clone, Copy, Debug)]
pub struct VaultKeys {
    pub address: Pubkey,
    pub manager: Pubkey,
    pub reserve: ReserveKeys,
    pub share_mint: Pubkey,
    pub idle: Pubkey,
    pub obligation: Pubkey,
}

impl VaultKeys {
    pub fn new(manager: Pubkey, reserve: ReserveKeys) -> Self {
        let find = |seeds: &[&[u8]]| Pubkey::find_program_address(seeds, &ballast_vault::ID).0;
        let address = find(&[b"vault", reserve.address.as_ref(), manager.as_ref()]);
        VaultKeys {
            address,
            manager,
            reserve,
            share_mint: find(&[b"shares", address.as_ref()]),
            idle: find(&[b"idle", address.as_ref()]),
            obligation: pda::obligation(&reserve.market, &address, 0),
        }
    }

    /// The vault's obligation as Ballast builders see it (owner: the vault PDA).
    pub fn obligation_keys(&self) -> ObligationKeys {
        ObligationKeys::new(self.reserve.market, self.address, 0)
    }

    pub fn init(&self) -> Instruction {
        build(
            vaccs::InitVault {
                manager: self.manager,
                vault: self.address,
                share_mint: self.share_mint,
                idle: self.idle,
                liquidity_mint: self.reserve.liquidity_mint,
                ballast_market: self.reserve.market,
                reserve: self.reserve.address,
                obligation: self.obligation,
                token_program: anchor_spl::token::ID,
                system_program: system_program::ID,
                ballast_event_authority: pda::event_authority(),
                ballast_program: ballast::ID,
            },
            vixs::InitVault {},
        )
    }

    fn ballast(&self, obligation: Pubkey) -> vaccs::BallastReserve {
        let r = &self.reserve;
        vaccs::BallastReserve {
            market: r.market,
            market_authority: pda::market_authority(&r.market),
            reserve: r.address,
            obligation,
            liquidity_mint: r.liquidity_mint,
            liquidity_vault: r.liquidity_vault(),
            collateral_mint: r.collateral_mint(),
            collateral_vault: r.collateral_vault(),
            token_program: anchor_spl::token::ID,
            event_authority: pda::event_authority(),
            program: ballast::ID,
        }
    }

    pub fn deposit(
        &self,
        user: &Pubkey,
        user_liquidity: &Pubkey,
        user_shares: &Pubkey,
        amount: u64,
    ) -> Instruction {
        build(
            vaccs::Deposit {
                user: *user,
                user_liquidity: *user_liquidity,
                user_shares: *user_shares,
                vault: self.address,
                share_mint: self.share_mint,
                idle: self.idle,
                ballast: self.ballast(self.obligation),
            },
            vixs::Deposit { amount },
        )
    }

    /// Withdraws `shares`; `obligation` is the Ballast obligation named (the vault's own, unless
    /// a test says otherwise), with its position accounts.
    pub fn withdraw(
        &self,
        user: &Pubkey,
        user_liquidity: &Pubkey,
        user_shares: &Pubkey,
        obligation: &ObligationKeys,
        shares: u64,
    ) -> Instruction {
        let mut ix = build(
            vaccs::Withdraw {
                user: *user,
                user_liquidity: *user_liquidity,
                user_shares: *user_shares,
                vault: self.address,
                share_mint: self.share_mint,
                idle: self.idle,
                ballast: self.ballast(obligation.address),
            },
            vixs::Withdraw { shares },
        );
        ix.accounts
            .extend(obligation.position_accounts.iter().cloned());
        ix
    }

    fn manage(&self, borrow: &ReserveKeys, vault_liquidity: &Pubkey) -> vaccs::Manage {
        vaccs::Manage {
            manager: self.manager,
            vault: self.address,
            vault_liquidity: *vault_liquidity,
            market: borrow.market,
            market_authority: pda::market_authority(&borrow.market),
            reserve: borrow.address,
            obligation: self.obligation,
            liquidity_mint: borrow.liquidity_mint,
            liquidity_vault: borrow.liquidity_vault(),
            token_program: anchor_spl::token::ID,
            event_authority: pda::event_authority(),
            ballast_program: ballast::ID,
        }
    }

    /// The manager borrows `amount` from `borrow` into `vault_liquidity` (owned by the vault).
    pub fn borrow(
        &self,
        borrow: &ReserveKeys,
        vault_liquidity: &Pubkey,
        obligation: &ObligationKeys,
        amount: u64,
    ) -> Instruction {
        let mut ix = build(
            self.manage(borrow, vault_liquidity),
            vixs::Borrow { amount },
        );
        ix.accounts
            .extend(obligation.position_accounts.iter().cloned());
        // A new position: its price accounts follow the positions', as Ballast's `borrow` wants.
        if !obligation.has_position_in(&borrow.address) {
            ix.accounts.extend(borrow.price_metas());
        }
        ix
    }

    /// The manager moves the vault's obligation into e-mode `group` (0: out of it).
    pub fn set_emode(&self, obligation: &ObligationKeys, group: u8) -> Instruction {
        let mut ix = build(
            vaccs::SetEmode {
                manager: self.manager,
                vault: self.address,
                market: self.reserve.market,
                obligation: self.obligation,
                event_authority: pda::event_authority(),
                ballast_program: ballast::ID,
            },
            vixs::SetEmode { group },
        );
        ix.accounts
            .extend(obligation.position_accounts.iter().cloned());
        ix
    }

    pub fn repay(
        &self,
        borrow: &ReserveKeys,
        vault_liquidity: &Pubkey,
        amount: u64,
    ) -> Instruction {
        build(self.manage(borrow, vault_liquidity), vixs::Repay { amount })
    }
}

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: ballast_vault::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

impl TestMarket {
    /// A market on a bank that also runs the example vault program.
    pub async fn with_vault_program() -> TestMarket {
        TestMarket::with_programs(&[PROGRAM]).await
    }

    /// The position accounts of the vault's obligation, as it is now.
    pub async fn vault_obligation(&self, vault: &VaultKeys) -> ObligationKeys {
        let account = self
            .account(&vault.obligation)
            .await
            .expect("vault obligation");
        let obligation =
            ballast_client::accounts::decode_obligation(&vault.obligation, &account).unwrap();
        let prices: Vec<(Pubkey, ballast::state::PriceAccounts)> = self
            .reserves
            .iter()
            .map(|r| (r.keys.address, r.keys.prices))
            .collect();
        ObligationKeys::from_obligation(vault.obligation, &obligation, |r| {
            prices.iter().find(|(k, _)| k == r).map(|(_, p)| *p)
        })
        .unwrap()
    }
}
