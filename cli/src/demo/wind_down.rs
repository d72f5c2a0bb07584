//! The story's last step: borrowers repay everything and take their collateral back, lenders
//! redeem; on a cluster with a margin for the interest of the seconds a transaction takes.
use {
    super::{debt_of, keys, obligation, world::Person, DemoError, Stage, World},
    crate::{format::units, instructions as ix},
    solana_sdk::pubkey::Pubkey,
};

/// Borrowers (person, obligation, debt asset, collateral asset) repay everything and take
/// their collateral back; lenders (person, asset) redeem all their cTokens. Returns what
/// happened and what each lender redeemed.
pub async fn wind_down<T: Stage>(
    world: &mut World<T>,
    borrowers: &[(&Person, Pubkey, usize, usize)],
    lenders: &[(&Person, usize)],
) -> Result<(Vec<String>, Vec<u64>), DemoError> {
    let mut lines = Vec::new();
    for &(who, address, debt, collateral) in borrowers {
        let owed = debt_of(&obligation(world, &address).await?);
        let wallet = world.balance(&who.wallet(&world.assets[debt])).await?;
        if wallet < owed {
            let d = &world.assets[debt];
            // What he borrowed does not cover the interest: it comes from outside the market
            // (minted for the demo, and counted in the books). On a cluster, with a margin for
            // the interest of the seconds until the repayment lands.
            let brought = owed - wallet + margin::<T>(owed);
            lines.push(format!(
                "{} brings {} {} from outside the market for the interest{}",
                who.name,
                units(brought, d.decimals),
                d.symbol,
                if T::LIVE {
                    " (with a margin for the seconds until his repayment lands)"
                } else {
                    ""
                }
            ));
            world.fund(who, debt, brought).await?;
        }
        let (d, c) = (&world.assets[debt], &world.assets[collateral]);
        let repay = ix::repay(&who.key(), &d.keys, &address, &who.wallet(d), u64::MAX);
        world.act(who, &[repay]).await?;
        let before = world.balance(&who.wallet(c)).await?;
        let withdraw = ix::withdraw(
            &c.keys,
            &keys(world, &address).await?,
            &who.wallet(c),
            u64::MAX,
        );
        world.act(who, &[withdraw]).await?;
        let back = world.balance(&who.wallet(c)).await? - before;
        lines.push(format!(
            "{} repays {} {} and takes back {} {}",
            who.name,
            units(owed, d.decimals),
            d.symbol,
            units(back, c.decimals),
            c.symbol
        ));
    }
    let mut redeemed = Vec::new();
    for &(who, index) in lenders {
        let a = &world.assets[index];
        let ctokens = world.balance(&who.ctoken_wallet(a)).await?;
        let before = world.balance(&who.wallet(a)).await?;
        let redeem = ix::redeem(
            &who.key(),
            &a.keys,
            &who.ctoken_wallet(a),
            &who.wallet(a),
            ctokens,
        );
        world.act(who, &[redeem]).await?;
        let got = world.balance(&who.wallet(a)).await? - before;
        lines.push(format!(
            "{} redeems {} c{} for {} {}",
            who.name,
            units(ctokens, a.decimals),
            a.symbol,
            units(got, a.decimals),
            a.symbol
        ));
        redeemed.push(got);
    }
    Ok((lines, redeemed))
}

/// Room for the interest that accrues while a transaction lands: nothing on the bank, whose
/// clock stands still; on a cluster a hundred-thousandth of `owed` (a minute at up to 500% a
/// year).
pub fn margin<T: Stage>(owed: u64) -> u64 {
    if T::LIVE {
        owed / 100_000
    } else {
        0
    }
}
