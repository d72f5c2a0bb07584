//! What it takes to make the cluster match a market file. Read-only: a plan reads the chain and
//! signs nothing (`send` carries it out).
use {
    crate::{
        config::{address, MarketFile, MarketSpec, ReserveSpec},
        fields::{
            self, diff, emode_group_fields, market_fields, reserve_fields, FieldChange, Value,
        },
        MigrationError,
    },
    ballast::{
        constants::{MAX_EMODE_GROUPS, MIN_THRESHOLD_RAMP_SECS},
        logic::ramp::group_threshold_at,
        state::{
            emode_bit, EmodeGroup, EmodeGroupConfig, Market, MarketChange, MarketConfig,
            OracleSources, PriceSource, ReserveChange, ReserveConfig,
        },
    },
    ballast_cli::{
        listing::PreparedListing,
        oracle_spec::describe,
        settings::{market_changes, reserve_changes, EmodeGroupSettings, GroupList},
    },
    ballast_client::{pda, ReserveKeys, Transport},
    solana_sdk::pubkey::Pubkey,
};

#[derive(Clone, Debug)]
pub enum Step {
    CreateMarket {
        id: u64,
        admin: Pubkey,
        config: MarketConfig,
        /// Set in the same transaction (the creator is the admin).
        emergency_authority: Option<Pubkey>,
    },
    UpdateMarket {
        changes: Vec<MarketChange>,
        diff: Vec<FieldChange>,
    },
    /// Proposes a new admin, who then signs `accept_admin`.
    TransferAdmin { from: Pubkey, to: Pubkey },
    /// Configures e-mode group `id` (`update_market` with `MarketChange::EmodeGroup`).
    SetEmodeGroup {
        id: u8,
        change: MarketChange,
        /// The group was not configured yet.
        created: bool,
        diff: Vec<FieldChange>,
    },
    CreateReserve {
        name: String,
        listing: PreparedListing,
    },
    UpdateReserve {
        name: String,
        keys: ReserveKeys,
        changes: Vec<ReserveChange>,
        diff: Vec<FieldChange>,
    },
    /// Adds to the market's lookup table the accounts it lacks (signed by its authority).
    ExtendLookupTable {
        table: Pubkey,
        addresses: Vec<Pubkey>,
    },
}

/// Who applies a plan, and whether it may create a market the file does not pin.
#[derive(Clone, Copy, Debug, Default)]
pub struct Who {
    /// The key that will sign, checked against the chain; `None`: whoever the chain says (the
    /// admin, or the creator the file names for a new market).
    pub signer: Option<Pubkey>,
    /// Create the market when the file names neither its creator nor its address (it is then
    /// the signer's): without this, a signer who is not the file's author would plan a second
    /// market of their own instead of the one the file describes.
    pub create: bool,
}

/// How the cluster compares with the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing to do.
    Matches,
    /// The steps make it match.
    Changes,
    /// It differs in ways this tool cannot apply (`unapplied`), steps or not.
    Differs,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Matches => "matches",
            Verdict::Changes => "changes",
            Verdict::Differs => "differs",
        }
    }
}

/// The steps, in order, and what already matches.
#[derive(Clone, Debug)]
pub struct Plan {
    pub market: Pubkey,
    /// Who must sign the steps (the creator for a new market, else the admin).
    pub signer: Pubkey,
    pub steps: Vec<Step>,
    pub unchanged: Vec<String>,
    /// Differences the program offers this signer no instruction for (`!`): the cluster still
    /// differs from the file after an apply.
    pub unapplied: Vec<String>,
    /// About the file, not a difference with the cluster.
    pub warnings: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn verdict(&self) -> Verdict {
        match (self.unapplied.is_empty(), self.steps.is_empty()) {
            (false, _) => Verdict::Differs,
            (true, true) => Verdict::Matches,
            (true, false) => Verdict::Changes,
        }
    }
}

/// The market a file describes, and who creates it if it does not exist yet.
struct Location {
    market: Pubkey,
    /// `None` when the file pins only the address.
    creator: Option<Pubkey>,
    /// The file names the market (creator or address): it cannot become another one.
    pinned: bool,
}

/// The file's market: `address`, else `creator` and `id`, else the signer's market `id`.
fn locate(spec: &MarketSpec, signer: Option<Pubkey>) -> Result<Location, MigrationError> {
    let creator = spec
        .creator
        .as_deref()
        .map(|c| address("market.creator", c))
        .transpose()?;
    let pinned = spec
        .address
        .as_deref()
        .map(|a| address("market.address", a))
        .transpose()?;
    let derived = |creator: &Pubkey| pda::market(creator, spec.id);
    match (pinned, creator) {
        (Some(market), Some(creator)) if market != derived(&creator) => {
            Err(MigrationError::Config(format!(
                "market.address {market} is not the market of market.creator {creator} with id {} \
                 (that is {})",
                spec.id,
                derived(&creator)
            )))
        }
        (Some(market), creator) => Ok(Location {
            market,
            creator,
            pinned: true,
        }),
        (None, Some(creator)) => Ok(Location {
            market: derived(&creator),
            creator: Some(creator),
            pinned: true,
        }),
        (None, None) => {
            let creator = signer.ok_or_else(|| {
                MigrationError::Config(
                    "the file names neither market.creator nor market.address: say whose market \
                     it is (--admin, or the keypair)"
                        .to_string(),
                )
            })?;
            Ok(Location {
                market: derived(&creator),
                creator: Some(creator),
                pinned: false,
            })
        }
    }
}

/// Compares `file` with the cluster, for `who` to apply.
pub async fn plan(
    transport: &impl Transport,
    file: &MarketFile,
    who: &Who,
) -> Result<Plan, MigrationError> {
    let location = locate(&file.market, who.signer)?;
    let market = location.market;
    let on_chain = match transport.account(&market).await? {
        Some(account) => Some(ballast_client::accounts::decode_market(&market, &account)?),
        None => None,
    };
    let mut plan = Plan {
        market,
        signer: Pubkey::default(),
        steps: Vec::new(),
        unchanged: Vec::new(),
        unapplied: Vec::new(),
        warnings: Vec::new(),
    };
    // Whoever administers the market when the later steps run must sign them.
    let acting_admin = match &on_chain {
        None => plan_creation(&mut plan, &file.market, &location, who)?,
        Some(state) => {
            plan.signer = who.signer.unwrap_or(state.admin);
            plan_market_update(&mut plan, &file.market, state)?
        }
    };
    // E-mode groups before the reserves that name them.
    let groups = on_chain
        .as_ref()
        .map_or([EmodeGroup::default(); MAX_EMODE_GROUPS], |m| {
            m.emode_groups
        });
    plan_emode_groups(&mut plan, transport, &file.emode_groups, &groups).await?;
    let known = known_groups(&groups, &file.emode_groups);
    let mut all_keys = Vec::new();
    for reserve in &file.reserves {
        all_keys.push(plan_reserve(&mut plan, transport, reserve, known).await?);
    }
    if let Some(table) = &file.market.lookup_table {
        let table = address("market.lookup_table", table)?;
        plan_lookup_table(&mut plan, transport, table, &all_keys).await?;
    }
    let needs_admin = plan.steps.iter().any(|s| {
        !matches!(
            s,
            Step::CreateMarket { .. } | Step::ExtendLookupTable { .. }
        )
    });
    if needs_admin && acting_admin != plan.signer {
        return Err(MigrationError::Signer(format!(
            "these changes must be signed by the market admin {acting_admin}, not {}",
            plan.signer
        )));
    }
    Ok(plan)
}

/// A market not on chain yet: created by its creator (the signer); returns its admin.
fn plan_creation(
    plan: &mut Plan,
    spec: &MarketSpec,
    location: &Location,
    who: &Who,
) -> Result<Pubkey, MigrationError> {
    let market = location.market;
    let creator = location.creator.ok_or_else(|| {
        MigrationError::Signer(format!(
            "market {market} (market.address) does not exist: name its creator (market.creator) \
             to create it"
        ))
    })?;
    if !location.pinned && !who.create {
        return Err(MigrationError::NewMarket {
            market,
            creator,
            id: spec.id,
        });
    }
    if who.signer.is_some_and(|s| s != creator) {
        return Err(MigrationError::Signer(format!(
            "market {market} does not exist yet: only its creator {creator} can create it"
        )));
    }
    plan.signer = creator;
    let admin = match &spec.admin {
        Some(a) => address("market.admin", a)?,
        None => creator,
    };
    // Only the admin may set the emergency authority: the creator can, in the creation's
    // transaction, only when it is the admin too.
    let mut emergency_authority = emergency_authority(spec)?;
    if emergency_authority.is_some() && admin != creator {
        emergency_authority = None;
        plan.unapplied.push(format!(
            "emergency_authority: set by the admin {admin} after creation (run again as the admin)"
        ));
    }
    plan.steps.push(Step::CreateMarket {
        id: spec.id,
        admin,
        config: spec.policy.apply(&MarketConfig::default())?,
        emergency_authority,
    });
    Ok(admin)
}

fn emergency_authority(spec: &MarketSpec) -> Result<Option<Pubkey>, MigrationError> {
    spec.emergency_authority
        .as_deref()
        .map(|e| address("market.emergency_authority", e))
        .transpose()
}

/// A market on chain: its policy, emergency authority and admin; returns the acting admin.
fn plan_market_update(
    plan: &mut Plan,
    spec: &MarketSpec,
    state: &Market,
) -> Result<Pubkey, MigrationError> {
    let target = spec.policy.apply(&state.config)?;
    let mut changes = market_changes(&state.config, &target);
    let mut lines = diff(market_fields(&state.config), market_fields(&target));
    if let Some(key) = emergency_authority(spec)?.filter(|k| *k != state.emergency_authority) {
        changes.push(MarketChange::EmergencyAuthority(key));
        lines.push(FieldChange {
            field: "emergency_authority",
            old: Some(Value::plain(state.emergency_authority)),
            new: Value::plain(key),
            note: None,
        });
    }
    if changes.is_empty() {
        plan.unchanged.push(format!("market {}", plan.market));
    } else {
        plan.steps.push(Step::UpdateMarket {
            changes,
            diff: lines,
        });
    }
    let admin = match &spec.admin {
        Some(a) => address("market.admin", a)?,
        None => state.creator,
    };
    if admin != state.admin && admin != state.pending_admin {
        plan.steps.push(Step::TransferAdmin {
            from: state.admin,
            to: admin,
        });
    }
    if admin != state.admin {
        // Only the proposed admin can finish the handover (accept_admin): until then the
        // cluster differs from the file, whatever this run sends.
        plan.unapplied.push(format!(
            "admin: {} -> {admin}: the new admin must accept (accept_admin)",
            state.admin
        ));
    }
    Ok(state.admin)
}

async fn plan_emode_groups(
    plan: &mut Plan,
    transport: &impl Transport,
    settings: &[EmodeGroupSettings],
    groups: &[EmodeGroup; MAX_EMODE_GROUPS],
) -> Result<(), MigrationError> {
    let now = match settings.is_empty() {
        true => 0,
        false => transport.clock().await?.unix_timestamp,
    };
    for group in settings {
        let id = group.id;
        let Some(change) = group.change(groups)? else {
            plan.unchanged.push(format!("emode group {id}"));
            continue;
        };
        let old = &groups[group.slot()?];
        let config = group.apply(&old.config)?;
        let diff = match old.is_configured() {
            false => fields::created(emode_group_fields(&config)),
            true => emode_group_diff(group, old, &config, now)?,
        };
        plan.steps.push(Step::SetEmodeGroup {
            id,
            change,
            created: !old.is_configured(),
            diff,
        });
    }
    Ok(())
}

/// A configured group's changes. A lower threshold ramps down from the current one, as a
/// reserve's does (and the program refuses one faster than MIN_THRESHOLD_RAMP_SECS: say so
/// before anything is sent).
fn emode_group_diff(
    settings: &EmodeGroupSettings,
    old: &EmodeGroup,
    config: &EmodeGroupConfig,
    now: i64,
) -> Result<Vec<FieldChange>, MigrationError> {
    let mut lines = diff(emode_group_fields(&old.config), emode_group_fields(config));
    let target = config.liquidation_threshold_bps;
    if target == old.config.liquidation_threshold_bps || target >= group_threshold_at(old, now) {
        return Ok(lines);
    }
    let ramp = settings.threshold_ramp_secs.unwrap_or(0);
    if ramp < MIN_THRESHOLD_RAMP_SECS {
        return Err(MigrationError::Config(format!(
            "emode_group {}: lowering liquidation_threshold_bps to {target} needs \
             threshold_ramp_secs of at least {MIN_THRESHOLD_RAMP_SECS}",
            settings.id
        )));
    }
    for line in lines
        .iter_mut()
        .filter(|l| l.field == "liquidation_threshold_bps")
    {
        line.note = Some(format!("ramping down over {ramp} s"));
    }
    Ok(lines)
}

/// Groups a reserve may name: configured on chain or in the file.
fn known_groups(groups: &[EmodeGroup; MAX_EMODE_GROUPS], settings: &[EmodeGroupSettings]) -> u32 {
    (1..=MAX_EMODE_GROUPS as u8)
        .filter(|id| {
            groups[usize::from(*id) - 1].is_configured() || settings.iter().any(|g| g.id == *id)
        })
        .fold(0u32, |mask, id| mask | emode_bit(id))
}

/// Lists or updates one reserve; returns its keys (for the lookup table).
async fn plan_reserve(
    plan: &mut Plan,
    transport: &impl Transport,
    reserve: &ReserveSpec,
    known_groups: u32,
) -> Result<ReserveKeys, MigrationError> {
    let name = &reserve.name;
    let prepared = reserve.listing()?.prepare(transport, &plan.market).await?;
    let keys = prepared.keys;
    let missing = prepared.args.config.emode_groups & !known_groups;
    if missing != 0 {
        // The reserve matches the file; the file names a group nobody configured.
        plan.warnings.push(format!(
            "reserve {name}: e-mode group(s) {} not configured (on chain or in the file)",
            GroupList(missing)
        ));
    }
    let Some(account) = transport.account(&keys.address).await? else {
        plan.steps.push(Step::CreateReserve {
            name: name.clone(),
            listing: prepared,
        });
        return Ok(keys);
    };
    let state = ballast_client::accounts::decode_reserve(&keys.address, &account)?;
    let target = prepared.args.config;
    let ramp = reserve.risk.threshold_ramp_secs.unwrap_or(0);
    let mut changes = reserve_changes(&state.config, &target, ramp);
    let fields = |c: &ReserveConfig| reserve_fields(c, prepared.decimals, name);
    let mut lines = diff(fields(&state.config), fields(&target));
    let (sources, max_divergence_bps) = (
        &prepared.args.oracle_sources,
        prepared.args.max_divergence_bps,
    );
    let current = &state.oracles;
    if (current.configured(), current.max_divergence_bps)
        != (sources.as_slice(), max_divergence_bps)
    {
        // The full new list, each source checked on chain against a live price from it.
        changes.push(ReserveChange::OracleSources {
            sources: sources.clone(),
            max_divergence_bps,
        });
        lines.extend(sources_diff(current, sources, max_divergence_bps));
    }
    if changes.is_empty() {
        plan.unchanged.push(format!("reserve {name}"));
    } else {
        plan.steps.push(Step::UpdateReserve {
            name: name.clone(),
            keys: ReserveKeys::from_reserve(keys.address, &state),
            changes,
            diff: lines,
        });
    }
    Ok(keys)
}

/// The plan's lines for a change of price sources: the list, and the divergence bound.
fn sources_diff(
    current: &OracleSources,
    sources: &[PriceSource],
    max_divergence_bps: u16,
) -> Vec<FieldChange> {
    let mut lines = vec![FieldChange {
        field: "oracle",
        old: Some(Value::plain(describe(current.configured()))),
        new: Value::plain(describe(sources)),
        note: None,
    }];
    if current.max_divergence_bps != max_divergence_bps {
        lines.push(FieldChange {
            field: "max_divergence_bps",
            old: Some(Value::plain(current.max_divergence_bps)),
            new: Value::plain(max_divergence_bps),
            note: None,
        });
    }
    lines
}

async fn plan_lookup_table(
    plan: &mut Plan,
    transport: &impl Transport,
    table: Pubkey,
    reserves: &[ReserveKeys],
) -> Result<(), MigrationError> {
    let held = ballast_client::lookup::fetch(transport, &table).await?;
    let addresses: Vec<Pubkey> = ballast_client::lookup::market_addresses(&plan.market, reserves)
        .into_iter()
        .filter(|a| !held.addresses.contains(a))
        .collect();
    if addresses.is_empty() {
        plan.unchanged.push(format!("lookup table {table}"));
    } else {
        plan.steps
            .push(Step::ExtendLookupTable { table, addresses });
    }
    Ok(())
}
