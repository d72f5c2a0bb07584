//! A plan for people (`+` create, `~` change, `=` unchanged, `!` a difference it cannot apply)
//! and for machines (`--output json`: the same steps, fields and verdict).
use {
    crate::{
        fields::{self, market_fields, reserve_fields, FieldChange, Value},
        plan::{Plan, Step, Verdict},
    },
    ballast_cli::oracle_spec::describe,
    serde_json::{json, Value as Json},
};

impl Step {
    /// The step's kind, for JSON.
    pub fn action(&self) -> &'static str {
        match self {
            Step::CreateMarket { .. } => "create_market",
            Step::UpdateMarket { .. } => "update_market",
            Step::TransferAdmin { .. } => "transfer_admin",
            Step::SetEmodeGroup { .. } => "set_emode_group",
            Step::CreateReserve { .. } => "create_reserve",
            Step::UpdateReserve { .. } => "update_reserve",
            Step::ExtendLookupTable { .. } => "extend_lookup_table",
        }
    }

    fn creates(&self) -> bool {
        match self {
            Step::SetEmodeGroup { created, .. } => *created,
            Step::CreateMarket { .. }
            | Step::CreateReserve { .. }
            | Step::ExtendLookupTable { .. } => true,
            Step::UpdateMarket { .. } | Step::TransferAdmin { .. } | Step::UpdateReserve { .. } => {
                false
            }
        }
    }

    /// What it acts on: "create market (id 3, admin ...)", "reserve USDC", ...
    pub fn heading(&self) -> String {
        match self {
            Step::CreateMarket { id, admin, .. } => {
                format!("create market (id {id}, admin {admin})")
            }
            Step::UpdateMarket { .. } => "market".to_string(),
            Step::TransferAdmin { .. } => "market admin".to_string(),
            Step::SetEmodeGroup { id, .. } => format!("emode group {id}"),
            Step::CreateReserve { name, listing } => {
                let seed = Value::Tokens {
                    base: listing.args.seed_amount,
                    decimals: listing.decimals,
                    symbol: name.clone(),
                };
                format!(
                    "list {name}: reserve {}, mint {}, oracle {}, seed {}",
                    listing.keys.address,
                    listing.keys.liquidity_mint,
                    describe(&listing.args.oracle_sources),
                    seed.human()
                )
            }
            Step::UpdateReserve { name, .. } => format!("reserve {name}"),
            Step::ExtendLookupTable { table, addresses } => {
                format!(
                    "lookup table {table}: {} account(s) to add",
                    addresses.len()
                )
            }
        }
    }

    /// The fields it sets (new accounts) or changes (old -> new).
    pub fn fields(&self) -> Vec<FieldChange> {
        match self {
            Step::CreateMarket {
                config,
                emergency_authority,
                ..
            } => {
                let mut set = market_fields(config);
                set.extend(emergency_authority.map(|k| ("emergency_authority", Value::plain(k))));
                fields::created(set)
            }
            Step::TransferAdmin { from, to } => vec![FieldChange {
                field: "admin",
                old: Some(Value::plain(from)),
                new: Value::plain(to),
                note: Some("the new admin must accept".to_string()),
            }],
            Step::CreateReserve { name, listing } => {
                fields::created(reserve_fields(&listing.args.config, listing.decimals, name))
            }
            Step::UpdateMarket { diff, .. }
            | Step::SetEmodeGroup { diff, .. }
            | Step::UpdateReserve { diff, .. } => diff.clone(),
            Step::ExtendLookupTable { .. } => Vec::new(),
        }
    }

    pub fn json(&self) -> Json {
        let mut step = json!({
            "action": self.action(),
            "heading": self.heading(),
            "fields": self.fields().iter().map(FieldChange::json).collect::<Vec<_>>(),
        });
        if let Step::ExtendLookupTable { addresses, .. } = self {
            let listed: Vec<String> = addresses.iter().map(ToString::to_string).collect();
            step["addresses"] = json!(listed);
        }
        step
    }
}

impl Plan {
    /// The last line: whether the cluster matches the file, or will after the steps.
    pub fn verdict_line(&self) -> String {
        let cannot = format!("{} difference(s) it cannot apply (!)", self.unapplied.len());
        match self.verdict() {
            Verdict::Matches => "nothing to do: the cluster matches the file".to_string(),
            Verdict::Changes => format!("{} step(s)", self.steps.len()),
            Verdict::Differs if self.is_empty() => {
                format!("nothing to do, but the cluster differs from the file: {cannot}")
            }
            Verdict::Differs => format!(
                "{} step(s), after which the cluster still differs from the file: {cannot}",
                self.steps.len()
            ),
        }
    }

    /// The plan as people read it: + create, ~ change, = unchanged, ! cannot apply.
    pub fn render(&self) -> String {
        let mut lines = vec![format!("plan for market {}:", self.market)];
        for step in &self.steps {
            let mark = if step.creates() { '+' } else { '~' };
            lines.push(format!("  {mark} {}", step.heading()));
            lines.extend(
                step.fields()
                    .iter()
                    .map(|f| format!("      {}", f.render())),
            );
        }
        lines.extend(self.unchanged.iter().map(|u| format!("  = {u}: no change")));
        lines.extend(self.unapplied.iter().map(|u| format!("  ! {u}")));
        lines.extend(self.warnings.iter().map(|w| format!("  warning: {w}")));
        lines.push(self.verdict_line());
        lines.join("\n")
    }

    pub fn json(&self) -> Json {
        json!({
            "market": self.market.to_string(),
            "signer": self.signer.to_string(),
            "steps": self.steps.iter().map(Step::json).collect::<Vec<_>>(),
            "unchanged": self.unchanged,
            "unapplied": self.unapplied,
            "warnings": self.warnings,
            "verdict": self.verdict().as_str(),
        })
    }
}
