//! The liquidator's SOL: what one liquidation may cost its fee payer, and whether it holds that.
//! Without it every transaction of a pass fails on its fee, each counted as an error, and the
//! real cause is buried in the logs.
use {
    crate::{ClientError, Transport},
    solana_sdk::{pubkey::Pubkey, rent::Rent},
};

/// The base fee of one signature, in lamports.
const SIGNATURE_FEE: u64 = 5_000;
/// An SPL token account's size: the payout account a liquidation may have to open.
const TOKEN_ACCOUNT_LEN: usize = 165;

/// The most one liquidation can cost: two transactions' signature fees (the payout account is
/// opened in its own), the priority fee at the full compute-unit limit, and that account's
/// rent.
pub fn cost_of_one(compute_unit_limit: u32, micro_lamports_per_cu: u64) -> u64 {
    let priority = (u128::from(compute_unit_limit) * u128::from(micro_lamports_per_cu))
        .div_ceil(1_000_000)
        .try_into()
        .unwrap_or(u64::MAX);
    let rent = Rent::default().minimum_balance(TOKEN_ACCOUNT_LEN);
    (2 * SIGNATURE_FEE)
        .saturating_add(priority)
        .saturating_add(rent)
}

/// The fee payer's SOL at the start of a pass, against what one liquidation may cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeePayerBalance {
    pub lamports: u64,
    pub cost_of_one: u64,
}

impl FeePayerBalance {
    pub async fn read(
        transport: &impl Transport,
        fee_payer: &Pubkey,
        cost_of_one: u64,
    ) -> Result<FeePayerBalance, ClientError> {
        let lamports = transport
            .account(fee_payer)
            .await?
            .map_or(0, |a| a.lamports);
        Ok(FeePayerBalance {
            lamports,
            cost_of_one,
        })
    }

    /// How many liquidations it can surely pay for.
    pub fn affordable(&self) -> u64 {
        self.lamports / self.cost_of_one.max(1)
    }

    /// "holds 0.001 SOL, under the 0.00204928 SOL one liquidation may cost"
    pub fn shortfall_text(&self) -> String {
        format!(
            "fee payer holds {} SOL, under the {} SOL one liquidation may cost",
            crate::format::units(self.lamports, 9),
            crate::format::units(self.cost_of_one, 9)
        )
    }
}
