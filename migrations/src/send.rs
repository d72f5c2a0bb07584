//! Carrying a plan out: its transactions, sent in order, or printed unsigned for a multisig.
use {
    crate::{
        plan::{Plan, Step},
        MigrationError,
    },
    ballast::{instructions::InitMarketArgs, state::MarketChange},
    ballast_client::{instructions as ix, spl, Transport},
    base64::Engine,
    serde_json::{json, Value as Json},
    solana_sdk::{
        instruction::Instruction, message::Message, pubkey::Pubkey, signature::Keypair,
        signer::Signer,
    },
};

/// One transaction of a plan.
#[derive(Clone, Debug)]
pub struct Transaction {
    /// What it does: "create market ...", "list USDC", ...
    pub what: String,
    pub instructions: Vec<Instruction>,
}

/// A transaction that landed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub what: String,
    pub signature: String,
}

/// A transaction's message, unsigned, for the signer (e.g. a multisig) to propose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsigned {
    pub what: String,
    pub signer: Pubkey,
    /// The serialized message, base64.
    pub message: String,
    pub instructions: Vec<Instruction>,
}

impl Sent {
    pub fn render(&self) -> String {
        format!("{}: done ({})", self.what, self.signature)
    }

    pub fn json(&self) -> Json {
        json!({"what": self.what, "signature": self.signature})
    }
}

impl Unsigned {
    pub fn render(&self) -> String {
        format!(
            "{}: unsigned message for {signer} to sign (base64, {} instruction(s), fee payer \
             {signer}):\n{}",
            self.what,
            self.instructions.len(),
            self.message,
            signer = self.signer,
        )
    }

    /// As the `ballast` CLI prints a proposal: the message and its instructions.
    pub fn json(&self) -> Json {
        let listed: Vec<Json> = self
            .instructions
            .iter()
            .map(|i| ix::to_json(i, bs58::encode(&i.data).into_string()))
            .collect();
        json!({
            "what": self.what,
            "signer": self.signer.to_string(),
            "message": self.message,
            "instructions": listed,
        })
    }
}

impl Step {
    /// What the step does, as an imperative.
    fn what(&self, market: &Pubkey) -> String {
        match self {
            Step::CreateMarket { .. } => format!("create market {market}"),
            Step::UpdateMarket { .. } => "update the market".to_string(),
            Step::TransferAdmin { to, .. } => format!("propose {to} as admin"),
            Step::SetEmodeGroup { id, .. } => format!("set e-mode group {id}"),
            Step::CreateReserve { name, .. } => format!("list {name}"),
            Step::UpdateReserve { name, .. } => format!("update reserve {name}"),
            Step::ExtendLookupTable { table, .. } => format!("extend lookup table {table}"),
        }
    }

    /// The step's instructions, signed by `me`.
    fn instructions(&self, market: &Pubkey, me: &Pubkey) -> Vec<Instruction> {
        match self {
            Step::CreateMarket {
                id,
                admin,
                config,
                emergency_authority,
            } => {
                let create = ix::init_market(
                    me,
                    InitMarketArgs {
                        market_id: *id,
                        admin: *admin,
                        config: *config,
                    },
                );
                let authority = emergency_authority.map(|key| {
                    ix::update_market(me, market, MarketChange::EmergencyAuthority(key))
                });
                std::iter::once(create).chain(authority).collect()
            }
            Step::UpdateMarket { changes, .. } => changes
                .iter()
                .map(|c| ix::update_market(me, market, *c))
                .collect(),
            Step::TransferAdmin { to, .. } => vec![ix::transfer_admin(me, market, to)],
            Step::SetEmodeGroup { change, .. } => vec![ix::update_market(me, market, *change)],
            Step::CreateReserve { listing, .. } => {
                let k = &listing.keys;
                let source = spl::associated_account(me, &k.liquidity_mint, &k.token_program);
                vec![ix::init_reserve(me, me, k, &source, listing.args.clone())]
            }
            Step::UpdateReserve { keys, changes, .. } => changes
                .iter()
                .map(|c| ix::update_reserve(me, keys, c.clone()))
                .collect(),
            Step::ExtendLookupTable { table, addresses } => addresses
                .chunks(ballast_client::lookup::ADDRESSES_PER_EXTEND)
                .map(|chunk| ballast_client::lookup::extend_instruction(table, me, chunk))
                .collect(),
        }
    }
}

impl Plan {
    /// Every step's transactions, in order, for `me` to sign: one per step, except a lookup
    /// table extension, one per instruction (a step's would not fit one transaction).
    pub fn transactions(&self, me: &Pubkey) -> Vec<Transaction> {
        let mut transactions = Vec::new();
        for step in &self.steps {
            let (what, instructions) =
                (step.what(&self.market), step.instructions(&self.market, me));
            match step {
                Step::ExtendLookupTable { .. } => {
                    transactions.extend(instructions.into_iter().map(|i| Transaction {
                        what: what.clone(),
                        instructions: vec![i],
                    }))
                }
                _ => transactions.push(Transaction { what, instructions }),
            }
        }
        transactions
    }

    /// Sends every transaction, in order, signed by `signer`.
    pub async fn apply(
        &self,
        transport: &impl Transport,
        signer: &Keypair,
    ) -> Result<Vec<Sent>, MigrationError> {
        if signer.pubkey() != self.signer {
            return Err(MigrationError::Signer(format!(
                "the plan is for {} to sign, not {}",
                self.signer,
                signer.pubkey()
            )));
        }
        let mut sent = Vec::new();
        for transaction in self.transactions(&self.signer) {
            let outcome = transport.send(&transaction.instructions, &[signer]).await?;
            sent.push(Sent {
                what: transaction.what,
                signature: outcome.signature.to_string(),
            });
        }
        Ok(sent)
    }

    /// Every transaction's message, unsigned, for the plan's signer (a multisig proposes them;
    /// they must land in this order). Nothing is sent.
    pub async fn messages(
        &self,
        transport: &impl Transport,
    ) -> Result<Vec<Unsigned>, MigrationError> {
        let blockhash = transport.latest_blockhash().await?;
        let signer = self.signer;
        Ok(self
            .transactions(&signer)
            .into_iter()
            .map(|t| {
                let message =
                    Message::new_with_blockhash(&t.instructions, Some(&signer), &blockhash);
                Unsigned {
                    what: t.what,
                    signer,
                    message: base64::engine::general_purpose::STANDARD.encode(message.serialize()),
                    instructions: t.instructions,
                }
            })
            .collect())
    }
}
