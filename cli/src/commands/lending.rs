//! `ballast deposit | redeem | supply | withdraw | borrow | repay | liquidate`: the signer's
//! associated token accounts are the wallet side; receiving ones are created when missing.
//! With `--print-message` each is built for `--authority` and printed unsigned instead. For the
//! native mint (SOL), what is paid in is wrapped from the wallet's SOL first, and what is paid
//! out unwrapped after, in the same transaction.
use {
    super::{
        obligation::not_found, session::NamedReserve, AmountArgs, CliError, LiquidateArgs, Payout,
        PositionArgs, RepayArgs, Session,
    },
    crate::{amount::UiAmount, fetch, health, instructions as ix, spl, ObligationKeys, Transport},
    anchor_lang::solana_program::system_instruction,
    anchor_spl::token::{spl_token, ID as TOKEN_PROGRAM_ID},
    ballast::{
        instructions::{LiquidateArgs as ProgramLiquidateArgs, LiquidationPayout},
        logic::projected,
        math::Fixed,
        state::{Obligation, ReserveLiquidity},
    },
    solana_sdk::{instruction::Instruction, pubkey::Pubkey},
    std::io::Write,
};

fn program(e: anchor_lang::error::Error) -> CliError {
    CliError::Client(crate::ClientError::Rule(e))
}

/// The signer's associated account for the reserve's liquidity.
fn liquidity_account(owner: &Pubkey, r: &NamedReserve) -> Pubkey {
    spl::associated_account(owner, &r.keys.liquidity_mint, &r.keys.token_program)
}

/// The signer's associated account for the reserve's cTokens (always SPL Token).
fn ctoken_account(owner: &Pubkey, r: &NamedReserve) -> Pubkey {
    spl::associated_account(owner, &r.keys.collateral_mint(), &TOKEN_PROGRAM_ID)
}

/// Creates the signer's liquidity account for `r` if missing.
fn open_liquidity_account(owner: &Pubkey, r: &NamedReserve) -> Instruction {
    spl::create_associated_account(owner, owner, &r.keys.liquidity_mint, &r.keys.token_program)
}

/// Whether the reserve lends native SOL (the native mint): the wallet side is then wrapped.
fn is_native(r: &NamedReserve) -> bool {
    r.keys.liquidity_mint == spl_token::native_mint::ID
}

/// Wraps `lamports` of `owner`'s SOL into its wrapped-SOL associated account: creates it if
/// missing, transfers, and syncs the token balance with the lamports.
pub fn wrap_sol(owner: &Pubkey, r: &NamedReserve, lamports: u64) -> Vec<Instruction> {
    let account = liquidity_account(owner, r);
    vec![
        open_liquidity_account(owner, r),
        system_instruction::transfer(owner, &account, lamports),
        spl_token::instruction::sync_native(&r.keys.token_program, &account)
            .expect("valid sync_native"),
    ]
}

/// Unwraps `owner`'s wrapped SOL: closes the account, its lamports (the wrapped SOL and the
/// rent) going back to `owner`.
pub fn unwrap_sol(owner: &Pubkey, r: &NamedReserve) -> Instruction {
    let account = liquidity_account(owner, r);
    spl_token::instruction::close_account(&r.keys.token_program, &account, owner, owner, &[])
        .expect("valid close_account")
}

/// For the native mint: the lamports to wrap so that `owner`'s wrapped-SOL account holds
/// `amount` (what it already holds counts), which the wallet must have.
async fn lamports_to_wrap(
    session: &Session<'_, impl Transport>,
    owner: &Pubkey,
    r: &NamedReserve,
    amount: u64,
) -> Result<u64, CliError> {
    let held = fetch::token_balance(session.transport, &liquidity_account(owner, r)).await?;
    let wrap = amount.saturating_sub(held);
    if wrap > 0 {
        let lamports = (session.transport.account(owner).await?).map_or(0, |a| a.lamports);
        if lamports < wrap {
            return Err(CliError::InsufficientBalance {
                account: *owner,
                have: format!("{} (and {} wrapped)", r.units(lamports), r.units(held)),
                need: r.units(amount),
            });
        }
    }
    Ok(wrap)
}

/// `amount` of the reserve's liquidity from `owner`'s associated account (`max`: all it
/// holds), positive and held; for native SOL, with the instructions wrapping what the wrapped
/// account lacks (`max` then: what it holds already).
async fn liquidity_in(
    session: &Session<'_, impl Transport>,
    owner: &Pubkey,
    amount: &UiAmount,
    r: &NamedReserve,
) -> Result<(u64, Vec<Instruction>), CliError> {
    if is_native(r) && !amount.is_max() {
        let amount = positive(amount.to_base(r.decimals())?)?;
        let wrap = lamports_to_wrap(session, owner, r, amount).await?;
        let ixs = if wrap > 0 {
            wrap_sol(owner, r, wrap)
        } else {
            Vec::new()
        };
        return Ok((amount, ixs));
    }
    let source = liquidity_account(owner, r);
    let amount = from_wallet(session, &source, amount, r, |v| r.units(v)).await?;
    Ok((amount, Vec::new()))
}

/// `ixs` then, for native SOL, the unwrap of what they paid out.
fn liquidity_out(owner: &Pubkey, r: &NamedReserve, mut ixs: Vec<Instruction>) -> Vec<Instruction> {
    if is_native(r) {
        ixs.push(unwrap_sol(owner, r));
    }
    ixs
}

fn positive(amount: u64) -> Result<u64, CliError> {
    if amount == 0 {
        return Err(CliError::Invalid("amount must be greater than zero".into()));
    }
    Ok(amount)
}

/// `amount` from token account `account` (`max`: all it holds): positive, and held.
async fn from_wallet(
    session: &Session<'_, impl Transport>,
    account: &Pubkey,
    amount: &UiAmount,
    r: &NamedReserve,
    show: impl Fn(u64) -> String,
) -> Result<u64, CliError> {
    let amount = positive(if amount.is_max() {
        fetch::token_balance(session.transport, account).await?
    } else {
        amount.to_base(r.decimals())?
    })?;
    session.require_balance(account, amount, show).await?;
    Ok(amount)
}

/// The signer's obligation `id`, which must exist, with its position accounts.
async fn own_obligation(
    session: &Session<'_, impl Transport>,
    owner: &Pubkey,
    id: u16,
) -> Result<ObligationKeys, CliError> {
    let (market, _) = session.market().await?;
    let address = crate::pda::obligation(&market, owner, id);
    fetch::obligation_keys(session.transport, &address)
        .await
        .map_err(|e| not_found(e, &address))
}

pub async fn deposit(
    session: &Session<'_, impl Transport>,
    args: &AmountArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let user = session.authority(&args.propose)?;
    let r = session.reserve(&args.reserve).await?;
    let source = liquidity_account(&user, &r);
    let (amount, mut ixs) = liquidity_in(session, &user, &args.amount, &r).await?;
    let ctokens = ctoken_account(&user, &r);
    ixs.extend([
        spl::create_associated_account(&user, &user, &r.keys.collateral_mint(), &TOKEN_PROGRAM_ID),
        ix::deposit(&user, &r.keys, &source, &ctokens, amount),
    ]);
    let action = format!("deposit {}", r.units(amount));
    session
        .execute_as(out, &action, &ixs, &args.propose, &[r.asset()])
        .await
}

pub async fn redeem(
    session: &Session<'_, impl Transport>,
    args: &AmountArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let user = session.authority(&args.propose)?;
    let r = session.reserve(&args.reserve).await?;
    let ctokens = ctoken_account(&user, &r);
    let amount = from_wallet(session, &ctokens, &args.amount, &r, |v| r.ctoken_units(v)).await?;
    let destination = liquidity_account(&user, &r);
    let ixs = liquidity_out(
        &user,
        &r,
        vec![
            open_liquidity_account(&user, &r),
            ix::redeem(&user, &r.keys, &ctokens, &destination, amount),
        ],
    );
    let action = format!("redeem {}", r.ctoken_units(amount));
    session
        .execute_as(out, &action, &ixs, &args.propose, &[r.asset()])
        .await
}

pub async fn supply(
    session: &Session<'_, impl Transport>,
    args: &PositionArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let user = session.authority(&args.propose)?;
    let r = session.reserve(&args.reserve).await?;
    let source = liquidity_account(&user, &r);
    let (amount, mut ixs) = liquidity_in(session, &user, &args.amount, &r).await?;
    let obligation = ObligationKeys::new(r.keys.market, user, args.obligation_id);
    if session
        .transport
        .account(&obligation.address)
        .await?
        .is_none()
    {
        ixs.push(ix::init_obligation(&user, &obligation, args.obligation_id));
    }
    ixs.push(ix::supply(&r.keys, &obligation, &source, amount));
    let action = format!("supply {} as collateral", r.units(amount));
    session
        .execute_as(out, &action, &ixs, &args.propose, &[r.asset()])
        .await
}

pub async fn withdraw(
    session: &Session<'_, impl Transport>,
    args: &PositionArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let user = session.authority(&args.propose)?;
    let r = session.reserve(&args.reserve).await?;
    let obligation = own_obligation(session, &user, args.obligation_id).await?;
    let state = fetch::obligation(session.transport, &obligation.address).await?;
    let pledged = state
        .collaterals()
        .iter()
        .find(|c| c.reserve == r.address)
        .map(|c| c.deposited_amount)
        .ok_or_else(|| {
            CliError::Invalid(format!(
                "obligation {} has no {} collateral",
                obligation.address, r.symbol
            ))
        })?;
    // Liquidity asked for, in cTokens rounded up (so it pays out at least that much); asking
    // for all of the position withdraws the whole position, more is refused. With debt, `max`
    // is the most the program's own rules let go.
    let collateral = if args.amount.is_max() && state.has_debt() {
        let valued = health::obligation_health(session.transport, &obligation.address).await?;
        match valued.max_withdraw(&r.address, valued.now)? {
            0 => {
                return Err(CliError::Invalid(format!(
                    "nothing of the {} collateral can be withdrawn: the obligation's debt needs it",
                    r.symbol
                )))
            }
            most if most >= pledged => u64::MAX,
            most => most,
        }
    } else if args.amount.is_max() {
        u64::MAX
    } else {
        let wanted = positive(args.amount.to_base(r.decimals())?)?;
        let now = session.transport.clock().await?.unix_timestamp;
        let liquidity = projected(&r.reserve.liquidity, &r.reserve.config, now).map_err(program)?;
        let ctokens = liquidity
            .liquidity_to_collateral_ceil(wanted)
            .map_err(program)?;
        if ctokens > pledged {
            let position = Position {
                obligation: &obligation.address,
                has_debt: state.has_debt(),
                pledged,
                liquidity: &liquidity,
            };
            return Err(more_than_held(session, &r, &position, wanted).await?);
        }
        if ctokens == pledged {
            u64::MAX
        } else {
            ctokens
        }
    };
    let destination = liquidity_account(&user, &r);
    let ixs = liquidity_out(
        &user,
        &r,
        vec![
            open_liquidity_account(&user, &r),
            ix::withdraw(&r.keys, &obligation, &destination, collateral),
        ],
    );
    let action = if collateral == u64::MAX {
        format!("withdraw all {} collateral", r.symbol)
    } else if args.amount.is_max() {
        format!(
            "withdraw the most the debt allows: {} of {} collateral",
            r.ctoken_units(collateral),
            r.symbol
        )
    } else {
        format!("withdraw {}", r.units(args.amount.to_base(r.decimals())?))
    };
    session
        .execute_as(out, &action, &ixs, &args.propose, &[r.asset()])
        .await
}

/// A collateral position and its reserve's liquidity now.
struct Position<'a> {
    obligation: &'a Pubkey,
    has_debt: bool,
    /// cTokens.
    pledged: u64,
    liquidity: &'a ReserveLiquidity,
}

/// The refusal of a withdrawal of `wanted` (liquidity) from a position worth less, saying the
/// most that can be withdrawn (what its debt leaves free, with debt), as `redeem` refuses
/// more than the wallet holds: rather than quietly withdrawing all of it. `Err`: what failed
/// on the way.
async fn more_than_held(
    session: &Session<'_, impl Transport>,
    r: &NamedReserve,
    position: &Position<'_>,
    wanted: u64,
) -> Result<CliError, CliError> {
    let worth = |ctokens: u64| -> Result<String, CliError> {
        let liquidity = (position.liquidity)
            .collateral_to_liquidity(ctokens)
            .map_err(program)?;
        Ok(r.units(liquidity.to_floor().map_err(program)?))
    };
    let most = if position.has_debt {
        let valued = health::obligation_health(session.transport, position.obligation).await?;
        let most = valued.max_withdraw(&r.address, valued.now)?;
        format!("{} (its debt needs the rest)", worth(most)?)
    } else {
        worth(position.pledged)?
    };
    Ok(CliError::InsufficientCollateral {
        obligation: *position.obligation,
        held: worth(position.pledged)?,
        asked: r.units(wanted),
        most,
    })
}

pub async fn borrow(
    session: &Session<'_, impl Transport>,
    args: &PositionArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let user = session.authority(&args.propose)?;
    let r = session.reserve(&args.reserve).await?;
    let obligation = own_obligation(session, &user, args.obligation_id).await?;
    let amount = if args.amount.is_max() {
        // The most the program's own rules lend: liquidity, caps, outflow limit, borrow limit.
        let valued =
            health::obligation_health_with(session.transport, &obligation.address, &[r.address])
                .await?;
        match valued.max_borrow(&r.address, valued.now)? {
            0 => {
                return Err(CliError::Invalid(format!(
                    "nothing of {} can be borrowed: no liquidity, cap or borrowing power left",
                    r.symbol
                )))
            }
            most => most,
        }
    } else {
        positive(args.amount.to_base(r.decimals())?)?
    };
    let destination = liquidity_account(&user, &r);
    let ixs = liquidity_out(
        &user,
        &r,
        vec![
            open_liquidity_account(&user, &r),
            ix::borrow(&r.keys, &obligation, &destination, amount),
        ],
    );
    let action = format!("borrow {}", r.units(amount));
    session
        .execute_as(out, &action, &ixs, &args.propose, &[r.asset()])
        .await
}

pub async fn repay(
    session: &Session<'_, impl Transport>,
    args: &RepayArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let user = session.authority(&args.propose)?;
    let r = session.reserve(&args.reserve).await?;
    let address = match args.obligation {
        Some(a) => a,
        None => crate::pda::obligation(&session.market().await?.0, &user, args.obligation_id),
    };
    let state = fetch::obligation(session.transport, &address)
        .await
        .map_err(|e| not_found(e, &address))?;
    let position = state
        .borrows()
        .iter()
        .find(|b| b.reserve == r.address)
        .copied()
        .ok_or_else(|| CliError::Invalid(format!("obligation {address} owes no {}", r.symbol)))?;
    let source = liquidity_account(&user, &r);
    let need = if args.amount.is_max() {
        // All of the debt, with interest to now.
        let now = session.transport.clock().await?.unix_timestamp;
        let liquidity = projected(&r.reserve.liquidity, &r.reserve.config, now).map_err(program)?;
        position
            .debt(liquidity.index())
            .and_then(Fixed::to_ceil)
            .map_err(program)?
    } else {
        positive(args.amount.to_base(r.decimals())?)?
    };
    let mut ixs = Vec::new();
    if is_native(&r) {
        let wrap = lamports_to_wrap(session, &user, &r, need).await?;
        if wrap > 0 {
            ixs = wrap_sol(&user, &r, wrap);
        }
    } else {
        session
            .require_balance(&source, need, |v| r.units(v))
            .await?;
    }
    let amount = if args.amount.is_max() { u64::MAX } else { need };
    ixs.push(ix::repay(&user, &r.keys, &address, &source, amount));
    let action = if args.amount.is_max() {
        format!("repay all {} debt", r.symbol)
    } else {
        format!("repay {}", r.units(need))
    };
    session
        .execute_as(out, &action, &ixs, &args.propose, &[r.asset()])
        .await
}

pub async fn liquidate(
    session: &Session<'_, impl Transport>,
    args: &LiquidateArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let liquidator = session.authority(&args.propose)?;
    let repay = session.reserve(&args.repay).await?;
    let seize = session.reserve(&args.seize).await?;
    let state = fetch::obligation(session.transport, &args.obligation)
        .await
        .map_err(|e| not_found(e, &args.obligation))?;
    require_pair(session, &args.obligation, &state, &repay, &seize).await?;
    let obligation = fetch::obligation_keys(session.transport, &args.obligation).await?;
    let source = liquidity_account(&liquidator, &repay);
    let (max_repay, wrap) = if is_native(&repay) {
        native_repay(session, args, &liquidator, &repay, &seize).await?
    } else {
        let budget = repay_budget(session, args, &source, &repay, &seize).await?;
        (budget, Vec::new())
    };
    let (destination, open) = match args.payout {
        Payout::Ctokens => (
            ctoken_account(&liquidator, &seize),
            spl::create_associated_account(
                &liquidator,
                &liquidator,
                &seize.keys.collateral_mint(),
                &TOKEN_PROGRAM_ID,
            ),
        ),
        Payout::Liquidity => (
            liquidity_account(&liquidator, &seize),
            open_liquidity_account(&liquidator, &seize),
        ),
    };
    let min_payout = if args.min_payout.is_max() {
        return Err(CliError::Invalid(
            "--min-payout takes an exact amount".into(),
        ));
    } else {
        args.min_payout.to_base(seize.decimals())?
    };
    let mut ixs = wrap;
    ixs.push(open);
    ixs.push(ix::liquidate(
        &liquidator,
        &obligation,
        &repay.keys,
        &seize.keys,
        &source,
        &destination,
        ProgramLiquidateArgs {
            max_repay_amount: max_repay,
            min_payout,
            payout: program_payout(args.payout),
        },
    ));
    // Native SOL back to the wallet: what was wrapped and not repaid, and a liquidity payout.
    if is_native(&repay) {
        ixs.push(unwrap_sol(&liquidator, &repay));
    }
    if is_native(&seize) && args.payout == Payout::Liquidity {
        ixs.push(unwrap_sol(&liquidator, &seize));
    }
    let action = format!(
        "liquidate {}: repay {} debt, seize {} collateral",
        args.obligation, repay.symbol, seize.symbol
    );
    session
        .execute_as(
            out,
            &action,
            &ixs,
            &args.propose,
            &[repay.asset(), seize.asset()],
        )
        .await
}

/// Refuses a liquidation of a pair the obligation does not hold, naming what it owes and
/// holds: the program would blame the position accounts (`MissingPositionAccounts`).
async fn require_pair(
    session: &Session<'_, impl Transport>,
    address: &Pubkey,
    state: &Obligation,
    repay: &NamedReserve,
    seize: &NamedReserve,
) -> Result<(), CliError> {
    let debts: Vec<Pubkey> = state.borrows().iter().map(|b| b.reserve).collect();
    if !debts.contains(&repay.address) {
        return Err(CliError::Invalid(format!(
            "obligation {address} owes no {} ({})",
            repay.symbol,
            listed(session, &debts, "its debt", "it has no debt").await?
        )));
    }
    let collaterals: Vec<Pubkey> = state.collaterals().iter().map(|c| c.reserve).collect();
    if !collaterals.contains(&seize.address) {
        return Err(CliError::Invalid(format!(
            "obligation {address} has no {} collateral ({})",
            seize.symbol,
            listed(
                session,
                &collaterals,
                "its collateral",
                "it has no collateral"
            )
            .await?
        )));
    }
    Ok(())
}

/// "what: USDC, SOL" naming `reserves` by their mints' labels, or `none` when there are none.
async fn listed(
    session: &Session<'_, impl Transport>,
    reserves: &[Pubkey],
    what: &str,
    none: &str,
) -> Result<String, CliError> {
    if reserves.is_empty() {
        return Ok(none.to_string());
    }
    let mut symbols = Vec::new();
    for key in reserves {
        let reserve = fetch::reserve(session.transport, key).await?;
        symbols.push(session.labels.name(&reserve.liquidity_mint));
    }
    Ok(format!("{what}: {}", symbols.join(", ")))
}

/// The most the liquidation may repay: `--amount`, which the wallet must hold (else the error
/// says the most it could be), or with `max` all the wallet holds (the program repays what
/// its rules allow within it).
/// For a native-SOL debt: the most to repay (`--amount`, or for `max` what the program's rules
/// would repay now) and the instructions wrapping what the wrapped-SOL account lacks of it,
/// from the wallet's SOL.
async fn native_repay(
    session: &Session<'_, impl Transport>,
    args: &LiquidateArgs,
    liquidator: &Pubkey,
    repay: &NamedReserve,
    seize: &NamedReserve,
) -> Result<(u64, Vec<Instruction>), CliError> {
    let amount = if args.amount.is_max() {
        let valued = health::obligation_health(session.transport, &args.obligation).await?;
        let planned = valued.plan_liquidation(
            (repay.address, seize.address),
            valued.now,
            program_payout(args.payout),
            u64::MAX,
        )?;
        planned.outcome.plan.repay_amount
    } else {
        positive(args.amount.to_base(repay.decimals())?)?
    };
    let wrap = lamports_to_wrap(session, liquidator, repay, amount).await?;
    let ixs = if wrap > 0 {
        wrap_sol(liquidator, repay, wrap)
    } else {
        Vec::new()
    };
    Ok((amount, ixs))
}

async fn repay_budget(
    session: &Session<'_, impl Transport>,
    args: &LiquidateArgs,
    source: &Pubkey,
    repay: &NamedReserve,
    seize: &NamedReserve,
) -> Result<u64, CliError> {
    if args.amount.is_max() {
        return session.require_balance(source, 1, |v| repay.units(v)).await;
    }
    let wanted = positive(args.amount.to_base(repay.decimals())?)?;
    let have = fetch::token_balance(session.transport, source).await?;
    if wanted <= have {
        return Ok(wanted);
    }
    // The rules' limit, when the program would liquidate this pair now at all.
    let allowed = match health::obligation_health(session.transport, &args.obligation).await {
        Ok(valued) => valued
            .plan_liquidation(
                (repay.address, seize.address),
                valued.now,
                program_payout(args.payout),
                u64::MAX,
            )
            .ok()
            .map(|planned| planned.outcome.plan.repay_amount),
        Err(_) => None,
    };
    let most = match allowed {
        Some(allowed) if allowed <= have => format!(
            "the most this liquidation can repay now is {} (--amount max repays it)",
            repay.units(allowed)
        ),
        _ => format!(
            "the most --amount can be is {}, the wallet's balance",
            repay.units(have)
        ),
    };
    Err(CliError::BalanceBelowAmount {
        account: *source,
        have: repay.units(have),
        need: repay.units(wanted),
        most,
    })
}

fn program_payout(payout: Payout) -> LiquidationPayout {
    match payout {
        Payout::Ctokens => LiquidationPayout::Collateral,
        Payout::Liquidity => LiquidationPayout::Liquidity,
    }
}
