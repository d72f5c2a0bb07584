//! The `ballast-migrate` command line, on any transport: `plan` reads the chain and signs
//! nothing (it needs a public key at most); `apply` shows the plan, asks, then sends, or prints
//! the unsigned messages for a multisig to propose.
use {
    crate::{
        plan::{plan, Plan, Verdict, Who},
        send::{Sent, Unsigned},
        MarketFile, MigrationError,
    },
    ballast_cli::commands::{CliError, ClusterSettings},
    ballast_client::Transport,
    clap::{Parser, Subcommand, ValueEnum},
    serde_json::{json, Value as Json},
    solana_sdk::{pubkey::Pubkey, signature::Keypair, signer::Signer},
    std::{
        io::{BufRead, Write},
        path::PathBuf,
    },
};

#[derive(Debug, Parser)]
#[command(
    name = "ballast-migrate",
    version,
    about = "Apply a Ballast market config (TOML) to a cluster"
)]
pub struct Args {
    /// RPC URL or moniker (default: $ANCHOR_PROVIDER_URL, which `anchor run` sets, else the
    /// Solana CLI config's json_rpc_url).
    #[arg(short = 'u', long, global = true, env = "ANCHOR_PROVIDER_URL")]
    pub url: Option<String>,
    /// Keypair that signs an apply: the market's creator or admin (default: $ANCHOR_WALLET,
    /// which `anchor run` sets, else the Solana CLI config's).
    #[arg(short = 'k', long, global = true, env = "ANCHOR_WALLET")]
    pub keypair: Option<PathBuf>,
    /// Solana CLI config file.
    #[arg(short = 'C', long = "config", global = true)]
    pub config_file: Option<PathBuf>,
    #[arg(long, global = true, value_enum, default_value = "display")]
    pub output: OutputFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The plan as text: + create, ~ change, = unchanged, ! cannot apply.
    Display,
    /// One JSON document: the plan's steps, their fields (old and new values), the verdict; for
    /// an apply, what was sent (or the unsigned messages) and the cluster checked again.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what apply would create and change (reads the chain, signs nothing).
    Plan {
        /// The market file (TOML).
        file: PathBuf,
        /// Who will sign the apply (the market's admin; the creator of a new one), checked
        /// against the chain. Default: the chain's admin when the file names the market, else
        /// the keypair's address.
        #[arg(long, value_name = "PUBKEY")]
        admin: Option<Pubkey>,
        /// Plan creating the market when it does not exist and the file names neither its
        /// creator nor its address (it is then the signer's market `id`).
        #[arg(long)]
        create: bool,
    },
    /// Show the plan, ask, then carry it out, one transaction per step.
    Apply {
        /// The market file (TOML).
        file: PathBuf,
        /// Create the market when it does not exist and the file names neither its creator
        /// nor its address (it is then the signer's market `id`).
        #[arg(long)]
        create: bool,
        /// Apply without asking (needed without a terminal, e.g. in CI).
        #[arg(short = 'y', long)]
        yes: bool,
        /// Print each transaction's unsigned message (base64) and its instructions instead of
        /// sending, for a multisig to propose in order.
        #[arg(long)]
        print_message: bool,
        /// Who signs the printed messages (e.g. a multisig vault); default as for `plan`.
        #[arg(long, value_name = "PUBKEY", requires = "print_message")]
        admin: Option<Pubkey>,
    },
}

/// Exit code of a run whose cluster differs from the file in ways it cannot apply (errors
/// exit 1, command lines clap cannot parse 2).
pub const EXIT_DIFFERS: u8 = 3;

impl Verdict {
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Differs => EXIT_DIFFERS,
            Verdict::Matches | Verdict::Changes => 0,
        }
    }
}

/// Asks the operator before an apply sends anything.
pub trait Confirm {
    /// Whether to go ahead; an error when there is no one to ask.
    fn confirm(&mut self, question: &str) -> Result<bool, MigrationError>;
}

/// Asks on a terminal: the question on `output`, the answer a line of `input` (`y` or `yes`).
pub struct Terminal<R, W> {
    pub input: R,
    pub output: W,
    /// Whether `input` is a terminal: piped input is no operator's answer (a script says
    /// `--yes`).
    pub is_terminal: bool,
}

impl<R: BufRead, W: Write> Confirm for Terminal<R, W> {
    fn confirm(&mut self, question: &str) -> Result<bool, MigrationError> {
        if !self.is_terminal {
            return Err(MigrationError::NoTerminal);
        }
        write!(self.output, "{question} [y/N] ")?;
        self.output.flush()?;
        let mut answer = String::new();
        self.input.read_line(&mut answer)?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }
}

/// Runs the command on `transport`; the verdict decides the exit code.
pub async fn run(
    args: &Args,
    transport: &impl Transport,
    cluster: &ClusterSettings,
    out: &mut dyn Write,
    confirm: &mut dyn Confirm,
) -> Result<Verdict, MigrationError> {
    let report = Report {
        json: args.output == OutputFormat::Json,
        cluster,
    };
    match &args.command {
        Command::Plan {
            file,
            admin,
            create,
        } => {
            let plan = preview(
                transport,
                &MarketFile::load(file)?,
                *admin,
                *create,
                cluster,
            )
            .await?;
            report.plan(out, &plan, plan.verdict(), Vec::new())?;
            Ok(plan.verdict())
        }
        Command::Apply {
            file,
            create,
            print_message: true,
            admin,
            ..
        } => {
            let plan = preview(
                transport,
                &MarketFile::load(file)?,
                *admin,
                *create,
                cluster,
            )
            .await?;
            let messages = plan.messages(transport).await?;
            report.messages(out, &plan, &messages)?;
            Ok(plan.verdict())
        }
        Command::Apply {
            file, create, yes, ..
        } => {
            let file = MarketFile::load(file)?;
            // Read before anything goes on the wire.
            let signer = read_keypair(cluster)?;
            let who = Who {
                signer: Some(signer.pubkey()),
                create: *create,
            };
            let plan = plan(transport, &file, &who).await?;
            if plan.is_empty() {
                report.plan(out, &plan, plan.verdict(), Vec::new())?;
                return Ok(plan.verdict());
            }
            if !report.json {
                writeln!(out, "{}", report.plan_text(&plan))?;
            }
            if !*yes && !confirm.confirm(&report.question(&plan))? {
                return Err(MigrationError::NotConfirmed);
            }
            let sent = plan.apply(transport, &signer).await?;
            // The verdict is the cluster's, read again: what is left after the steps landed.
            let after = plan_after(transport, &file, &who).await?;
            report.sent(out, &plan, &sent, &after)?;
            Ok(after.verdict())
        }
    }
}

/// A plan nobody signs here (`plan`, `apply --print-message`): for `--admin`; else, when the
/// file does not name its market, for the keypair's address, whose market it then is; else for
/// whoever the chain says.
async fn preview(
    transport: &impl Transport,
    file: &MarketFile,
    admin: Option<Pubkey>,
    create: bool,
    cluster: &ClusterSettings,
) -> Result<Plan, MigrationError> {
    let signer = match admin.is_some() || file.market.pins_market() {
        true => admin,
        false => Some(read_keypair(cluster)?.pubkey()),
    };
    plan(transport, file, &Who { signer, create }).await
}

/// The plan once an apply's steps landed: nothing to do, or the cluster still differs (steps
/// left over, which none should be, count as differences too).
async fn plan_after(
    transport: &impl Transport,
    file: &MarketFile,
    who: &Who,
) -> Result<Plan, MigrationError> {
    let mut after = plan(transport, file, who).await?;
    let left = after.steps.len();
    if left > 0 {
        after.steps.clear();
        after
            .unapplied
            .push(format!("{left} step(s) still planned after applying"));
    }
    Ok(after)
}

fn read_keypair(cluster: &ClusterSettings) -> Result<Keypair, MigrationError> {
    solana_keypair::read_keypair_file(&cluster.keypair_path).map_err(|e| {
        CliError::Keypair {
            path: cluster.keypair_path.clone(),
            error: e.to_string(),
        }
        .into()
    })
}

/// Writes a run's outcome as text or as one JSON document.
struct Report<'a> {
    json: bool,
    cluster: &'a ClusterSettings,
}

impl Report<'_> {
    fn plan_text(&self, plan: &Plan) -> String {
        format!("{} (on {})", plan.render(), self.cluster.url)
    }

    fn question(&self, plan: &Plan) -> String {
        let ask = format!(
            "apply {} step(s) to market {} on {}?",
            plan.steps.len(),
            plan.market,
            self.cluster.url
        );
        // In JSON the plan is not on the screen yet: show it with the question.
        match self.json {
            true => format!("{}\n{ask}", plan.render()),
            false => ask,
        }
    }

    /// `extra`: fields the JSON document adds to the plan's.
    fn plan(
        &self,
        out: &mut dyn Write,
        plan: &Plan,
        verdict: Verdict,
        extra: Vec<(&str, Json)>,
    ) -> Result<(), MigrationError> {
        if !self.json {
            writeln!(out, "{}", self.plan_text(plan))?;
            return Ok(());
        }
        let mut document = json!({
            "url": self.cluster.url,
            "plan": plan.json(),
            "verdict": verdict.as_str(),
        });
        for (key, value) in extra {
            document[key] = value;
        }
        let text = serde_json::to_string_pretty(&document).expect("JSON values serialize");
        writeln!(out, "{text}")?;
        Ok(())
    }

    fn messages(
        &self,
        out: &mut dyn Write,
        plan: &Plan,
        messages: &[Unsigned],
    ) -> Result<(), MigrationError> {
        let listed = messages.iter().map(Unsigned::json).collect();
        self.plan(out, plan, plan.verdict(), vec![("messages", listed)])?;
        if !self.json {
            for message in messages {
                writeln!(out, "{}", message.render())?;
            }
            writeln!(
                out,
                "{} unsigned message(s), to land in this order: nothing was sent",
                messages.len()
            )?;
        }
        Ok(())
    }

    /// After the plan's text (already written): each transaction, then the cluster checked
    /// again (`after`, with no steps).
    fn sent(
        &self,
        out: &mut dyn Write,
        plan: &Plan,
        sent: &[Sent],
        after: &Plan,
    ) -> Result<(), MigrationError> {
        if self.json {
            let listed = sent.iter().map(Sent::json).collect();
            let extra = vec![("sent", listed), ("after", after.json())];
            return self.plan(out, plan, after.verdict(), extra);
        }
        for transaction in sent {
            writeln!(out, "{}", transaction.render())?;
        }
        writeln!(out, "checked again:")?;
        for difference in &after.unapplied {
            writeln!(out, "  ! {difference}")?;
        }
        writeln!(out, "{}", after.verdict_line())?;
        Ok(())
    }
}
