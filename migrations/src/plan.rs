//! What it takes to make the cluster match a market file, and doing it.
use {
    crate::{
        config::{address, MarketFile},
        MigrationError,
    },
    ballast::{
        constants::{MAX_EMODE_GROUPS, MIN_THRESHOLD_RAMP_SECS},
        instructions::InitMarketArgs,
        logic::ramp::group_threshold_at,
        state::{
            emode_bit, EmodeGroup, EmodeGroupConfig, MarketChange, MarketConfig, ReserveChange,
            ReserveConfig,
        },
    },
    ballast_cli::{
        listing::PreparedListing,
        settings::{market_changes, reserve_changes, CurveSpec, GroupList},
    },
    ballast_client::{instructions as ix, pda, spl, ReserveKeys, Transport},
    solana_sdk::{instruction::Instruction, pubkey::Pubkey, signature::Keypair, signer::Signer},
};

#[derive(Clone, Debug)]
pub enum Step {
    CreateMarket {
        id: u64,
        admin: Pubkey,
        config: MarketConfig,
        emergency_authority: Option<Pubkey>,
    },
    UpdateMarket {
        changes: Vec<MarketChange>,
        /// "field: old -> new"
        diff: Vec<String>,
    },
    /// Proposes a new admin, who then signs `accept_admin`.
    TransferAdmin { from: Pubkey, to: Pubkey },
    /// Configures e-mode group `id` (`update_market` with `MarketChange::EmodeGroup`).
    SetEmodeGroup {
        id: u8,
        change: MarketChange,
        /// The group was not configured yet.
        created: bool,
        /// "field = value" for a new group, else "field: old -> new".
        diff: Vec<String>,
    },
    CreateReserve {
        name: String,
        listing: PreparedListing,
    },
    UpdateReserve {
        name: String,
        keys: ReserveKeys,
        changes: Vec<ReserveChange>,
        diff: Vec<String>,
    },
    /// Adds to the market's lookup table the accounts it lacks (signed by its authority).
    ExtendLookupTable {
        table: Pubkey,
        addresses: Vec<Pubkey>,
    },
}

/// The steps, in order, and what already matches.
#[derive(Clone, Debug)]
pub struct Plan {
    pub market: Pubkey,
    /// Who must sign the steps (creator for a new market, else the admin).
    pub signer: Pubkey,
    pub steps: Vec<Step>,
    pub unchanged: Vec<String>,
    /// Differences the program offers no instruction for.
    pub warnings: Vec<String>,
}

fn market_fields(c: &MarketConfig) -> Vec<(&'static str, String)> {
    vec![
        ("close_factor_bps", c.close_factor_bps.to_string()),
        (
            "full_liquidation_health_bps",
            c.full_liquidation_health_bps.to_string(),
        ),
        ("liquidation_dust_usd", c.liquidation_dust_usd.to_string()),
        (
            "oracle_outage_threshold_secs",
            c.oracle_outage_threshold_secs.to_string(),
        ),
        (
            "oracle_grace_period_secs",
            c.oracle_grace_period_secs.to_string(),
        ),
    ]
}

fn reserve_fields(c: &ReserveConfig) -> Vec<(&'static str, String)> {
    let cap = |v: u64| {
        if v == u64::MAX {
            "unlimited".to_string()
        } else {
            v.to_string()
        }
    };
    vec![
        ("loan_to_value_bps", c.loan_to_value_bps.to_string()),
        (
            "liquidation_threshold_bps",
            c.liquidation_threshold_bps.to_string(),
        ),
        (
            "liquidation_bonus_min_bps",
            c.liquidation_bonus_min_bps.to_string(),
        ),
        (
            "liquidation_bonus_max_bps",
            c.liquidation_bonus_max_bps.to_string(),
        ),
        (
            "protocol_liquidation_fee_bps",
            c.protocol_liquidation_fee_bps.to_string(),
        ),
        ("borrow_fee_bps", c.borrow_fee_bps.to_string()),
        (
            "protocol_take_rate_bps",
            c.protocol_take_rate_bps.to_string(),
        ),
        ("borrow_factor_bps", c.borrow_factor_bps.to_string()),
        ("deposit_cap", cap(c.deposit_cap)),
        ("borrow_cap", cap(c.borrow_cap)),
        ("oracle_max_age_secs", c.oracle_max_age_secs.to_string()),
        (
            "oracle_max_confidence_bps",
            c.oracle_max_confidence_bps.to_string(),
        ),
        ("rate_curve", CurveSpec(c.rate_curve).to_string()),
        ("outflow_limit", cap(c.outflow_limit)),
        ("outflow_window_secs", c.outflow_window_secs.to_string()),
        ("flash_loans", (c.flash_loans_enabled != 0).to_string()),
        ("flash_loan_fee_bps", c.flash_loan_fee_bps.to_string()),
        ("min_collateral", c.min_collateral_amount.to_string()),
        ("isolated", (c.isolated != 0).to_string()),
        ("min_debt_usd", c.min_debt_usd.to_string()),
        ("collateral_cap_usd", c.collateral_cap_usd.to_string()),
        ("borrow_cap_usd", c.borrow_cap_usd.to_string()),
        ("emode_groups", GroupList(c.emode_groups).to_string()),
        (
            "emode_debt_groups",
            GroupList(c.emode_debt_groups).to_string(),
        ),
    ]
}

fn emode_group_fields(c: &EmodeGroupConfig) -> Vec<(&'static str, String)> {
    vec![
        ("loan_to_value_bps", c.loan_to_value_bps.to_string()),
        (
            "liquidation_threshold_bps",
            c.liquidation_threshold_bps.to_string(),
        ),
        (
            "liquidation_bonus_max_bps",
            c.liquidation_bonus_max_bps.to_string(),
        ),
        ("debt_restricted", (c.debt_restricted != 0).to_string()),
    ]
}

/// "field: old -> new" for every field that differs.
fn diff(old: Vec<(&'static str, String)>, new: Vec<(&'static str, String)>) -> Vec<String> {
    old.into_iter()
        .zip(new)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((name, a), (_, b))| format!("{name}: {a} -> {b}"))
        .collect()
}

/// Compares `file` with the cluster; `signer` is who will apply it.
pub async fn plan(
    transport: &impl Transport,
    file: &MarketFile,
    signer: &Pubkey,
) -> Result<Plan, MigrationError> {
    let spec = &file.market;
    let creator = match &spec.creator {
        Some(c) => address("market.creator", c)?,
        None => *signer,
    };
    let market = pda::market(&creator, spec.id);
    let admin = match &spec.admin {
        Some(a) => address("market.admin", a)?,
        None => creator,
    };
    let emergency_authority = spec
        .emergency_authority
        .as_deref()
        .map(|e| address("market.emergency_authority", e))
        .transpose()?;
    let mut plan = Plan {
        market,
        signer: *signer,
        steps: Vec::new(),
        unchanged: Vec::new(),
        warnings: Vec::new(),
    };
    let on_chain = match transport.account(&market).await? {
        Some(account) => Some(ballast_client::accounts::decode_market(&market, &account)?),
        None => None,
    };
    // Whoever administers the market when the reserve steps run must sign them.
    let acting_admin = match &on_chain {
        None => {
            if creator != *signer {
                return Err(MigrationError::Signer(format!(
                    "market {market} does not exist yet: only its creator {creator} can create it"
                )));
            }
            if emergency_authority.is_some() && admin != *signer {
                plan.warnings.push(format!(
                    "emergency_authority: set by the admin {admin} after creation (run again as the admin)"
                ));
            }
            plan.steps.push(Step::CreateMarket {
                id: spec.id,
                admin,
                config: spec.policy.apply(&MarketConfig::default())?,
                emergency_authority,
            });
            admin
        }
        Some(m) => {
            let target = spec.policy.apply(&m.config)?;
            let mut changes = market_changes(&m.config, &target);
            let mut lines = diff(market_fields(&m.config), market_fields(&target));
            if let Some(key) = emergency_authority.filter(|k| *k != m.emergency_authority) {
                changes.push(MarketChange::EmergencyAuthority(key));
                lines.push(format!(
                    "emergency_authority: {} -> {key}",
                    m.emergency_authority
                ));
            }
            if changes.is_empty() {
                plan.unchanged.push(format!("market {market}"));
            } else {
                plan.steps.push(Step::UpdateMarket {
                    changes,
                    diff: lines,
                });
            }
            if admin != m.admin && admin != m.pending_admin {
                plan.steps.push(Step::TransferAdmin {
                    from: m.admin,
                    to: admin,
                });
            } else if admin != m.admin {
                plan.warnings.push(format!(
                    "admin {admin} is proposed and has not accepted yet"
                ));
            }
            m.admin
        }
    };
    // E-mode groups before the reserves that name them.
    let groups = on_chain
        .as_ref()
        .map_or([EmodeGroup::default(); MAX_EMODE_GROUPS], |m| {
            m.emode_groups
        });
    let now = match file.emode_groups.is_empty() {
        true => 0,
        false => transport.clock().await?.unix_timestamp,
    };
    for settings in &file.emode_groups {
        let (id, old) = (settings.id, &groups[settings.slot()?]);
        let Some(change) = settings.change(&groups)? else {
            plan.unchanged.push(format!("emode group {id}"));
            continue;
        };
        let config = settings.apply(&old.config)?;
        if !old.is_configured() {
            plan.steps.push(Step::SetEmodeGroup {
                id,
                change,
                created: true,
                diff: emode_group_fields(&config)
                    .into_iter()
                    .map(|(name, value)| format!("{name} = {value}"))
                    .collect(),
            });
            continue;
        }
        let mut lines = diff(emode_group_fields(&old.config), emode_group_fields(&config));
        // A lower threshold ramps down from the current one, as a reserve's does (and the
        // program refuses one faster than MIN_THRESHOLD_RAMP_SECS: say so before anything).
        let target = config.liquidation_threshold_bps;
        if target != old.config.liquidation_threshold_bps && target < group_threshold_at(old, now) {
            let ramp = settings.threshold_ramp_secs.unwrap_or(0);
            if ramp < MIN_THRESHOLD_RAMP_SECS {
                return Err(MigrationError::Config(format!(
                    "emode_group {id}: lowering liquidation_threshold_bps to {target} needs \
                     threshold_ramp_secs of at least {MIN_THRESHOLD_RAMP_SECS}"
                )));
            }
            for line in lines
                .iter_mut()
                .filter(|l| l.starts_with("liquidation_threshold_bps:"))
            {
                line.push_str(&format!(" (ramping down over {ramp} s)"));
            }
        }
        plan.steps.push(Step::SetEmodeGroup {
            id,
            change,
            created: false,
            diff: lines,
        });
    }
    // Groups a reserve may name: configured on chain or in the file.
    let known = (1..=MAX_EMODE_GROUPS as u8)
        .filter(|id| {
            groups[usize::from(*id) - 1].is_configured()
                || file.emode_groups.iter().any(|g| g.id == *id)
        })
        .fold(0u32, |mask, id| mask | emode_bit(id));
    let unknown_groups = |name: &str, config: &ReserveConfig| {
        let missing = config.emode_groups & !known;
        (missing != 0).then(|| {
            format!(
                "reserve {name}: e-mode group(s) {} not configured (on chain or in the file)",
                GroupList(missing)
            )
        })
    };
    let mut all_keys = Vec::new();
    for reserve in &file.reserves {
        let listing = reserve.listing()?;
        let prepared = listing.prepare(transport, &market).await?;
        all_keys.push(prepared.keys);
        let address = prepared.keys.address;
        plan.warnings
            .extend(unknown_groups(&reserve.name, &prepared.args.config));
        let Some(account) = transport.account(&address).await? else {
            plan.steps.push(Step::CreateReserve {
                name: reserve.name.clone(),
                listing: prepared,
            });
            continue;
        };
        let state = ballast_client::accounts::decode_reserve(&address, &account)?;
        let target = prepared.args.config;
        let ramp = reserve.risk.threshold_ramp_secs.unwrap_or(0);
        let mut changes = reserve_changes(&state.config, &target, ramp);
        let mut fields = diff(reserve_fields(&state.config), reserve_fields(&target));
        let (source, feed_id) = (prepared.args.oracle_source, prepared.args.oracle_feed_id);
        let now = (
            state.oracle.account,
            state.oracle.source,
            state.oracle.feed_id,
        );
        if now != (prepared.keys.oracle, source as u8, feed_id) {
            // A new oracle, checked on chain against a live price from it.
            changes.push(ReserveChange::Oracle {
                account: prepared.keys.oracle,
                source,
                feed_id,
            });
            fields.push(format!(
                "oracle: {} -> {}",
                state.oracle.account, prepared.keys.oracle
            ));
        }
        if changes.is_empty() {
            plan.unchanged.push(format!("reserve {}", reserve.name));
        } else {
            plan.steps.push(Step::UpdateReserve {
                name: reserve.name.clone(),
                keys: ReserveKeys::from_reserve(address, &state),
                changes,
                diff: fields,
            });
        }
    }
    if let Some(table) = &spec.lookup_table {
        let table = address("market.lookup_table", table)?;
        let held = ballast_client::lookup::fetch(transport, &table).await?;
        let addresses: Vec<Pubkey> = ballast_client::lookup::market_addresses(&market, &all_keys)
            .into_iter()
            .filter(|a| !held.addresses.contains(a))
            .collect();
        if addresses.is_empty() {
            plan.unchanged.push(format!("lookup table {table}"));
        } else {
            plan.steps
                .push(Step::ExtendLookupTable { table, addresses });
        }
    }
    let needs_admin = plan.steps.iter().any(|s| {
        !matches!(
            s,
            Step::CreateMarket { .. } | Step::ExtendLookupTable { .. }
        )
    });
    if needs_admin && acting_admin != *signer {
        return Err(MigrationError::Signer(format!(
            "these changes must be signed by the market admin {acting_admin}, not {signer}"
        )));
    }
    Ok(plan)
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The plan as people read it: + create, ~ change, = unchanged, ! warning.
    pub fn render(&self) -> String {
        let mut lines = vec![format!("plan for market {}:", self.market)];
        for step in &self.steps {
            match step {
                Step::CreateMarket {
                    id,
                    admin,
                    config,
                    emergency_authority,
                } => {
                    lines.push(format!("  + create market (id {id}, admin {admin})"));
                    for (name, value) in market_fields(config) {
                        lines.push(format!("      {name} = {value}"));
                    }
                    if let Some(key) = emergency_authority {
                        lines.push(format!("      emergency_authority = {key}"));
                    }
                }
                Step::UpdateMarket { diff, .. } => {
                    lines.push("  ~ market".to_string());
                    lines.extend(diff.iter().map(|d| format!("      {d}")));
                }
                Step::TransferAdmin { from, to } => {
                    lines.push(format!(
                        "  ~ admin: {from} -> {to} (the new admin must accept)"
                    ));
                }
                Step::SetEmodeGroup {
                    id, created, diff, ..
                } => {
                    let mark = if *created { '+' } else { '~' };
                    lines.push(format!("  {mark} emode group {id}"));
                    lines.extend(diff.iter().map(|d| format!("      {d}")));
                }
                Step::CreateReserve { name, listing } => {
                    lines.push(format!(
                        "  + list {name}: reserve {}, mint {}, oracle {}, seed {} base units",
                        listing.keys.address,
                        listing.keys.liquidity_mint,
                        listing.keys.oracle,
                        listing.args.seed_amount
                    ));
                    for (field, value) in reserve_fields(&listing.args.config) {
                        lines.push(format!("      {field} = {value}"));
                    }
                }
                Step::UpdateReserve { name, diff, .. } => {
                    lines.push(format!("  ~ reserve {name}"));
                    lines.extend(diff.iter().map(|d| format!("      {d}")));
                }
                Step::ExtendLookupTable { table, addresses } => {
                    lines.push(format!(
                        "  + lookup table {table}: {} account(s) to add",
                        addresses.len()
                    ));
                }
            }
        }
        lines.extend(self.unchanged.iter().map(|u| format!("  = {u}: no change")));
        lines.extend(self.warnings.iter().map(|w| format!("  ! {w}")));
        lines.push(if self.is_empty() {
            "nothing to do: the cluster matches the file".to_string()
        } else {
            format!("{} step(s)", self.steps.len())
        });
        lines.join("\n")
    }

    /// Sends every step, in order, one transaction each; returns a line per step.
    pub async fn apply(
        &self,
        transport: &impl Transport,
        signer: &Keypair,
    ) -> Result<Vec<String>, MigrationError> {
        let me = signer.pubkey();
        let mut done = Vec::new();
        for step in &self.steps {
            let (what, instructions): (String, Vec<Instruction>) = match step {
                Step::CreateMarket {
                    id,
                    admin,
                    config,
                    emergency_authority,
                } => {
                    let mut ixs = vec![ix::init_market(
                        &me,
                        InitMarketArgs {
                            market_id: *id,
                            admin: *admin,
                            config: *config,
                        },
                    )];
                    if let Some(key) = emergency_authority.filter(|_| *admin == me) {
                        ixs.push(ix::update_market(
                            &me,
                            &self.market,
                            MarketChange::EmergencyAuthority(key),
                        ));
                    }
                    (format!("created market {}", self.market), ixs)
                }
                Step::UpdateMarket { changes, .. } => (
                    "updated the market".to_string(),
                    changes
                        .iter()
                        .map(|c| ix::update_market(&me, &self.market, *c))
                        .collect(),
                ),
                Step::TransferAdmin { to, .. } => (
                    format!("proposed {to} as admin"),
                    vec![ix::transfer_admin(&me, &self.market, to)],
                ),
                Step::SetEmodeGroup { id, change, .. } => (
                    format!("set e-mode group {id}"),
                    vec![ix::update_market(&me, &self.market, *change)],
                ),
                Step::CreateReserve { name, listing } => {
                    let k = &listing.keys;
                    let source = spl::associated_account(&me, &k.liquidity_mint, &k.token_program);
                    (
                        format!("listed {name}"),
                        vec![ix::init_reserve(&me, &me, k, &source, listing.args.clone())],
                    )
                }
                Step::ExtendLookupTable { table, addresses } => (
                    format!("extended lookup table {table}"),
                    addresses
                        .chunks(ballast_client::lookup::ADDRESSES_PER_EXTEND)
                        .map(|chunk| ballast_client::lookup::extend_instruction(table, &me, chunk))
                        .collect(),
                ),
                Step::UpdateReserve {
                    name,
                    keys,
                    changes,
                    ..
                } => (
                    format!("updated reserve {name}"),
                    changes
                        .iter()
                        .map(|c| ix::update_reserve(&me, keys, *c))
                        .collect(),
                ),
            };
            // One transaction per instruction where the step's would not fit one.
            let batches: Vec<&[Instruction]> = match step {
                Step::ExtendLookupTable { .. } => instructions.chunks(1).collect(),
                _ => vec![&instructions],
            };
            for batch in batches {
                let outcome = transport.send(batch, &[signer]).await?;
                done.push(format!("{what} ({})", outcome.signature));
            }
        }
        Ok(done)
    }
}
