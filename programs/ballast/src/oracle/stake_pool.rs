//! Liquid staking tokens priced from their SPL stake pool: (SOL price) x (the pool's total
//! lamports / its pool token supply), the rate its own deposits and withdrawals use. Read in
//! place from the pool's documented Borsh layout (solana-program/stake-pool `state.rs`): the
//! fixed part before the first variable-length field holds everything needed.
use {super::RawPrice, crate::errors::BallastError, anchor_lang::prelude::*};

/// The SPL stake pool program. Pools of other programs (Sanctum's forks share the layout) are
/// refused: their rules are not the SPL program's.
pub const OWNER: Pubkey = pubkey!("SPoo1Ku8WFXoNDMHPsrGSTSG1Y47rzgn41SLUNakuHy");

/// `account_type` of a stake pool (not its validator list).
const STAKE_POOL: u8 = 1;
const POOL_MINT: usize = 162;
const TOTAL_LAMPORTS: usize = 258;
const POOL_TOKEN_SUPPLY: usize = 266;
const LAST_UPDATE_EPOCH: usize = 274;

/// What a stake pool says of its token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StakePool {
    pub pool_mint: Pubkey,
    /// Lamports the pool holds for its token holders.
    pub total_lamports: u64,
    pub pool_token_supply: u64,
    /// The epoch the pool's balances were last brought up to date.
    pub last_update_epoch: u64,
}

impl StakePool {
    /// Decodes an SPL stake pool account.
    pub fn read(owner: &Pubkey, data: &[u8]) -> Result<StakePool> {
        require_keys_eq!(*owner, OWNER, BallastError::WrongOracleOwner);
        require!(
            data.len() > LAST_UPDATE_EPOCH + 8 && data[0] == STAKE_POOL,
            BallastError::InvalidOracleData
        );
        let u64_at = |at: usize| u64::from_le_bytes(data[at..at + 8].try_into().expect("8 bytes"));
        Ok(StakePool {
            pool_mint: Pubkey::new_from_array(
                data[POOL_MINT..POOL_MINT + 32]
                    .try_into()
                    .expect("32 bytes"),
            ),
            total_lamports: u64_at(TOTAL_LAMPORTS),
            pool_token_supply: u64_at(POOL_TOKEN_SUPPLY),
            last_update_epoch: u64_at(LAST_UPDATE_EPOCH),
        })
    }

    /// The pool's token priced from `sol` (SOL's price) at the pool's rate, at `epoch`: refused
    /// when the pool was last updated more than one epoch ago (its rate misses the rewards, or a
    /// slashing, since). Each price rounds down, each confidence up; times are SOL's.
    pub fn price(&self, sol: &RawPrice, epoch: u64) -> Result<RawPrice> {
        require!(
            epoch <= self.last_update_epoch.saturating_add(1),
            BallastError::StakePoolNotUpdated
        );
        sol.at_rate(
            u128::from(self.total_lamports),
            u128::from(self.pool_token_supply),
        )
    }
}

#[cfg(test)]
mod tests {
    use {super::*, crate::oracle::fixtures::account, std::str::FromStr};

    fn jito() -> StakePool {
        let (_, owner, data) =
            account("stake-pool/Jito4APyf642JPZPx3hGc6WWJ8zPKtRbRs4P815Awbb.json");
        StakePool::read(&owner, &data).unwrap()
    }

    /// Pyth's SOL/USD of 2025-01-04: $215.68137069.
    fn sol() -> RawPrice {
        let (_, owner, data) =
            account("pyth-pull/7UVimffxr9ow1uXYxsr4LHAcV58mLzhmwaeKvJ1pjLiE.json");
        let feed: [u8; 32] = data[41..73].try_into().unwrap();
        super::super::pyth_pull::read(&owner, &data, &feed).unwrap()
    }

    #[test]
    fn real_pools_decode_to_their_published_values() {
        let pool = jito();
        assert_eq!(
            pool,
            StakePool {
                pool_mint: Pubkey::from_str("J1toso1uCk3RLmjorhTtrVwY9HJ7X8V9yYac6Y7kGCPn")
                    .unwrap(),
                total_lamports: 6_636_671_656_500_264,
                pool_token_supply: 6_182_849_530_219_135,
                last_update_epoch: 539,
            }
        );
        let (_, owner, data) =
            account("stake-pool/stk9ApL5HeVAwPLr3TLhDXdZS8ptVu7zp6ov8HFDuMi.json");
        let bsol = StakePool::read(&owner, &data).unwrap();
        assert_eq!(
            (
                bsol.total_lamports,
                bsol.pool_token_supply,
                bsol.last_update_epoch
            ),
            (897_682_893_068_610, 687_073_066_215_417, 1_006)
        );
    }

    #[test]
    fn jito_sol_is_sol_times_the_pools_rate_to_the_unit() {
        // $215.68137069 x 6,636,671,656,500,264 / 6,182,849,530,219,135 = $231.51241716 and a
        // remainder (rounded down); the confidence 0.20134469 rounds up to 0.21612343.
        let price = jito().price(&sol(), 540).unwrap();
        assert_eq!(
            (price.price, price.conf, price.ema_price, price.ema_conf),
            (23_151_241_716, 21_612_343, 23_202_639_369, 19_369_862)
        );
        assert_eq!((price.exponent, price.publish_time), (-8, 1_735_984_087));
    }

    #[test]
    fn a_pool_behind_by_more_than_an_epoch_or_of_another_program_is_refused() {
        assert_eq!(
            jito().price(&sol(), 541).unwrap_err(),
            BallastError::StakePoolNotUpdated.into()
        );
        jito().price(&sol(), 539).unwrap();
        // jupSOL's pool is run by Sanctum's fork of the program: the same layout, other rules.
        let (_, owner, data) =
            account("stake-pool/8VpRhuxa7sUUepdY3kQiTmX9rS5vx4WgaXiAnXq4KCtr.json");
        assert_eq!(
            StakePool::read(&owner, &data).unwrap_err(),
            BallastError::WrongOracleOwner.into()
        );
        // Marinade's state is no stake pool.
        let (_, _, marinade) =
            account("stake-pool/8szGkuLTAux9XMgZ2vtY39jVSowEcpBfFfD8hXSEqdGC.json");
        assert_eq!(
            StakePool::read(&OWNER, &marinade).unwrap_err(),
            BallastError::InvalidOracleData.into()
        );
    }
}
