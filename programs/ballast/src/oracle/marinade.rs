//! mSOL priced from Marinade's `State`: (SOL price) x `msol_price`, the SOL per mSOL Marinade
//! itself stakes and unstakes at (a 32.32 fixed-point number), read in place from the documented
//! layout (marinade-finance/liquid-staking-program `state/mod.rs`).
use {super::RawPrice, crate::errors::BallastError, anchor_lang::prelude::*};

/// The Marinade liquid staking program.
pub const OWNER: Pubkey = pubkey!("MarBmsSgKXdrN1egZf5sqe1TMai9K1rChYNDJgjq7aD");
/// `State`'s Anchor discriminator.
pub const DISCRIMINATOR: [u8; 8] = [0xd8, 0x92, 0x6b, 0x5e, 0x68, 0x4b, 0xb6, 0xb1];
const MSOL_MINT: usize = 8;
const MSOL_PRICE: usize = 512;

/// What Marinade's state says of mSOL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marinade {
    pub msol_mint: Pubkey,
    /// SOL per mSOL x 2^32.
    pub msol_price: u64,
}

impl Marinade {
    pub fn read(owner: &Pubkey, data: &[u8]) -> Result<Marinade> {
        require_keys_eq!(*owner, OWNER, BallastError::WrongOracleOwner);
        require!(
            data.len() >= MSOL_PRICE + 8 && data.starts_with(&DISCRIMINATOR),
            BallastError::InvalidOracleData
        );
        Ok(Marinade {
            msol_mint: Pubkey::new_from_array(
                data[MSOL_MINT..MSOL_MINT + 32]
                    .try_into()
                    .expect("32 bytes"),
            ),
            msol_price: u64::from_le_bytes(
                data[MSOL_PRICE..MSOL_PRICE + 8]
                    .try_into()
                    .expect("8 bytes"),
            ),
        })
    }

    /// mSOL priced from `sol` at Marinade's rate: prices rounded down, confidences up.
    pub fn price(&self, sol: &RawPrice) -> Result<RawPrice> {
        sol.at_rate(u128::from(self.msol_price), 1 << 32)
    }
}

#[cfg(test)]
mod tests {
    use {super::*, crate::oracle::fixtures::account, std::str::FromStr};

    #[test]
    fn msol_is_sol_times_marinades_rate_to_the_unit() {
        let (_, owner, data) =
            account("stake-pool/8szGkuLTAux9XMgZ2vtY39jVSowEcpBfFfD8hXSEqdGC.json");
        let state = Marinade::read(&owner, &data).unwrap();
        assert_eq!(
            state,
            Marinade {
                msol_mint: Pubkey::from_str("mSoLzYCxHdYgdzU16g5QSh3i5K3z3KZK7ytfqcJm7So").unwrap(),
                msol_price: 5_994_301_135,
            }
        );
        let (_, owner, data) =
            account("pyth-pull/7UVimffxr9ow1uXYxsr4LHAcV58mLzhmwaeKvJ1pjLiE.json");
        let feed: [u8; 32] = data[41..73].try_into().unwrap();
        let sol = super::super::pyth_pull::read(&owner, &data, &feed).unwrap();
        // $215.68137069 x 5,994,301,135 / 2^32 = $301.01721294 (down); 0.20134469 -> 0.28100813.
        let msol = state.price(&sol).unwrap();
        assert_eq!(
            (msol.price, msol.conf, msol.ema_price, msol.ema_conf),
            (30_101_721_294, 28_100_813, 30_168_549_581, 25_185_093)
        );
        // An SPL stake pool is not Marinade's state; nor is another program's account.
        let (_, spl_owner, pool) =
            account("stake-pool/Jito4APyf642JPZPx3hGc6WWJ8zPKtRbRs4P815Awbb.json");
        assert_eq!(
            Marinade::read(&OWNER, &pool).unwrap_err(),
            BallastError::InvalidOracleData.into()
        );
        assert_eq!(
            Marinade::read(&spl_owner, &data).unwrap_err(),
            BallastError::WrongOracleOwner.into()
        );
    }
}
