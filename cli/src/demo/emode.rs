//! The demo's e-mode chapter: Erin loops staked SOL against SOL, swapping 1:1 at a stake pool
//! (Sam, whose stSOL is priced by its own feed at SOL's price). Outside any group the reserves'
//! 75% loan-to-value stops her loop near 4x; in the SOL / staked-SOL group (90%) it goes on to
//! about 9x. She unwinds in one transaction with a flash loan.
use {
    super::{
        keys,
        stage::Stage,
        world::{Asset, Person, World},
        DemoError,
    },
    crate::{health, instructions as ix, spl, ObligationKeys},
    anchor_spl::token::ID as TOKEN_PROGRAM_ID,
    ballast::{
        math::Fixed,
        state::{emode_bit, MarketChange, ReserveChange},
    },
    solana_compute_budget_interface::ComputeBudgetInstruction,
    solana_sdk::{instruction::Instruction, pubkey::Pubkey, signer::Signer},
};

pub const GROUP: u8 = 1;
/// Ample for the unwind (a flash loan, a repayment, a withdrawal, two transfers).
const UNWIND_COMPUTE_UNITS: u32 = 400_000;
/// The leverage Erin aims for.
pub const TARGET: u64 = 9;

/// The admin configures the group and makes SOL and stSOL its members.
pub async fn configure<T: Stage>(
    world: &World<T>,
    sol: usize,
    stsol: usize,
) -> Result<(), DemoError> {
    let admin = world.payer.pubkey();
    let mut ixs = vec![ix::update_market(
        &admin,
        &world.market,
        MarketChange::EmodeGroup {
            id: GROUP,
            config: crate::presets::correlated_group(),
            ramp_secs: 0,
        },
    )];
    let bit = emode_bit(GROUP);
    for asset in [sol, stsol] {
        let change = ReserveChange::EmodeGroups {
            member: bit,
            debt: bit,
        };
        ixs.push(ix::update_reserve(
            &admin,
            &world.assets[asset].keys,
            change,
        ));
    }
    world.cluster.send(&ixs, &[&world.payer]).await?;
    Ok(())
}

/// Erin, Sam, and the two assets they trade.
pub struct Looper<'a> {
    pub erin: &'a Person,
    pub sam: &'a Person,
    pub obligation: Pubkey,
    pub sol: usize,
    pub stsol: usize,
}

impl Looper<'_> {
    /// Erin sells `amount` of `from` to Sam for the same amount of `to` (1:1: both are priced
    /// alike).
    fn swap<T>(&self, world: &World<T>, from: usize, to: usize, amount: u64) -> Vec<Instruction> {
        let leg = |asset: &Asset, source: &Person, destination: &Person| {
            spl::transfer_checked(
                &TOKEN_PROGRAM_ID,
                (&asset.keys.liquidity_mint, asset.decimals),
                &source.wallet(asset),
                &destination.wallet(asset),
                &source.key(),
                amount,
            )
        };
        vec![
            leg(&world.assets[from], self.erin, self.sam),
            leg(&world.assets[to], self.sam, self.erin),
        ]
    }

    /// Rounds of borrow SOL, swap it for stSOL at Sam, supply the stSOL, each borrowing the
    /// most the program's rules lend now (the client's `max_borrow`), until the leverage
    /// (collateral / equity) reaches `TARGET` or a round would borrow under 0.1 SOL. Returns
    /// the rounds and the leverage reached.
    pub async fn loop_up<T: Stage>(&self, world: &World<T>) -> Result<(u32, Fixed), DemoError> {
        let (sol, stsol) = (&world.assets[self.sol], &world.assets[self.stsol]);
        let mut rounds = 0;
        loop {
            let valued = health::obligation_health_with(
                &world.cluster,
                &self.obligation,
                &[sol.keys.address],
            )
            .await?;
            let leverage = leverage(&valued.health)?;
            let amount = valued.max_borrow(&sol.keys.address, valued.now)?;
            if leverage >= Fixed::from_u64(TARGET) || amount < sol.tokens(1) / 10 {
                return Ok((rounds, leverage));
            }
            // Past the target, only what reaches it.
            let equity = valued
                .health
                .collateral_value
                .checked_sub(valued.health.debt_value)?;
            let to_target = Fixed::from_u64(TARGET)
                .mul_floor(equity)?
                .checked_sub(valued.health.collateral_value)?;
            let price = Fixed::from_u64(sol.price as u64)
                .mul_div_floor(Fixed::ONE, Fixed::from_u64(100_000_000))?;
            let needed = to_target
                .mul_div_ceil(Fixed::from_u64(sol.tokens(1)), price)?
                .to_ceil()?;
            let amount = amount.min(needed.max(1));
            let ob = keys(world, &self.obligation).await?;
            let mut ixs = vec![ix::borrow(&sol.keys, &ob, &self.erin.wallet(sol), amount)];
            ixs.extend(self.swap(world, self.sol, self.stsol, amount));
            ixs.push(ix::supply(
                &stsol.keys,
                &ob,
                &self.erin.wallet(stsol),
                amount,
            ));
            world
                .cluster
                .send(&ixs, &[&world.payer, &self.erin.keypair, &self.sam.keypair])
                .await?;
            rounds += 1;
        }
    }

    /// In one transaction: a flash loan of SOL repays all the debt, the stSOL comes out and is
    /// swapped back to SOL at Sam, and the flash loan is repaid with its fee. Returns the SOL
    /// Erin is left with.
    pub async fn unwind<T: Stage>(&self, world: &World<T>) -> Result<u64, DemoError> {
        let (sol, stsol) = (&world.assets[self.sol], &world.assets[self.stsol]);
        // The withdrawal comes after the repayment: the obligation then holds only collateral,
        // whose accounts end where the first debt's reserve starts.
        let mut ob: ObligationKeys = keys(world, &self.obligation).await?;
        if let Some(&debts) = ob.reserve_indexes.get(ob.collateral_positions) {
            ob.position_accounts.truncate(debts);
        }
        let o = crate::fetch::obligation(&world.cluster, &self.obligation).await?;
        let pledged = o.collaterals()[0].deposited_amount;
        let view = super::obligation(world, &self.obligation).await?;
        // The debt, and slack for interest while the transaction lands (what is not needed
        // stays with Erin until the flash loan is repaid).
        let owed = super::debt_of(&view);
        let debt = owed + 1 + super::wind_down::margin::<T>(owed);
        let before = world.balance(&self.erin.wallet(sol)).await?;
        let reserve = crate::fetch::reserve(&world.cluster, &stsol.keys.address).await?;
        let stsol_out = reserve
            .liquidity
            .collateral_to_liquidity(pledged)
            .and_then(Fixed::to_floor)
            .map_err(crate::ClientError::Rule)?;
        let erin_sol = self.erin.wallet(sol);
        // Its own compute budget first: a relay then puts nothing in front of the flash loan,
        // whose repayment names the borrow's index in the transaction.
        let mut ixs = vec![
            ComputeBudgetInstruction::set_compute_unit_limit(UNWIND_COMPUTE_UNITS),
            ComputeBudgetInstruction::set_compute_unit_price(0),
            ix::flash_borrow(&self.erin.key(), &sol.keys, &erin_sol, debt),
            ix::repay(
                &self.erin.key(),
                &sol.keys,
                &self.obligation,
                &erin_sol,
                u64::MAX,
            ),
            ix::withdraw(&stsol.keys, &ob, &self.erin.wallet(stsol), u64::MAX),
        ];
        ixs.extend(self.swap(world, self.stsol, self.sol, stsol_out));
        ixs.push(ix::flash_repay(
            &self.erin.key(),
            &sol.keys,
            &erin_sol,
            debt,
            2,
        ));
        world
            .cluster
            .send(&ixs, &[&world.payer, &self.erin.keypair, &self.sam.keypair])
            .await?;
        Ok(world.balance(&erin_sol).await? - before)
    }
}

/// Collateral value over equity (collateral less debt).
pub fn leverage(h: &ballast::logic::Health) -> Result<Fixed, DemoError> {
    let equity = h.collateral_value.checked_sub(h.debt_value)?;
    Ok(h.collateral_value.div_floor(equity)?)
}
