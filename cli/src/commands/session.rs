//! What every command shares: the transport, the signer, the market, naming reserves, and
//! sending (or simulating, or printing for a multisig) and reporting a transaction.
use {
    super::{CliError, ClusterSettings, GlobalArgs, OutputFormat, ProposeArgs},
    crate::{
        effects::{describe_from, AssetInfo, Before},
        fetch,
        format::units,
        pda,
        views::Labels,
        ClientError, ReserveKeys, Transport,
    },
    ballast::state::{Market, Reserve},
    base64::Engine,
    serde_json::{json, Value},
    solana_sdk::{
        instruction::Instruction,
        message::{AddressLookupTableAccount, Message},
        pubkey::Pubkey,
        signature::Keypair,
        signer::Signer,
    },
    std::{io::Write, path::PathBuf, str::FromStr, sync::OnceLock},
};

pub struct Session<'a, T> {
    pub transport: &'a T,
    pub output: OutputFormat,
    pub dry_run: bool,
    pub labels: Labels,
    market: Option<Pubkey>,
    /// The market's address lookup table, if named.
    pub lookup_table: Option<Pubkey>,
    /// `--with-compute-unit-price`: a fixed priority fee (micro-lamports per compute unit).
    pub compute_unit_price: Option<u64>,
    /// `--max-priority-fee`: the most the relay offers when it prices from recent fees.
    pub max_priority_fee: u64,
    /// `--fee-payer`: the keypair file that pays, signing first.
    fee_payer_path: Option<PathBuf>,
    keypair_path: PathBuf,
    /// The signer `keypair_path` names, resolved once (stdin and a seed phrase prompt are read
    /// once).
    resolved: OnceLock<ResolvedSigner>,
}

/// What a signer URI resolved to.
enum ResolvedSigner {
    /// A keypair: from a file, `prompt://` (a seed phrase) or `stdin://` / `-` (keypair JSON).
    Keypair(Box<Keypair>),
    /// A hardware wallet (`usb://ledger`, built with `--features ledger`).
    Remote(Box<dyn Signer>),
}

/// A reserve named on the command line, read from the chain.
#[derive(Clone, Debug)]
pub struct NamedReserve {
    pub address: Pubkey,
    pub reserve: Reserve,
    pub keys: ReserveKeys,
    pub symbol: String,
}

impl NamedReserve {
    pub fn decimals(&self) -> u8 {
        self.reserve.decimals
    }

    pub fn asset(&self) -> AssetInfo {
        AssetInfo {
            reserve: self.address,
            symbol: self.symbol.clone(),
            decimals: self.reserve.decimals,
        }
    }

    /// `amount` base units as "1.5 USDC".
    pub fn units(&self, amount: u64) -> String {
        format!("{} {}", units(amount, self.decimals()), self.symbol)
    }

    /// `amount` base cTokens as "1.5 cUSDC".
    pub fn ctoken_units(&self, amount: u64) -> String {
        format!("{} c{}", units(amount, self.decimals()), self.symbol)
    }
}

impl<'a, T: Transport> Session<'a, T> {
    pub fn new(transport: &'a T, global: &GlobalArgs, cluster: &ClusterSettings) -> Self {
        Session {
            transport,
            output: global.output,
            dry_run: global.dry_run,
            labels: cluster.labels.clone(),
            market: global.market,
            lookup_table: global.lookup_table,
            compute_unit_price: global.with_compute_unit_price,
            max_priority_fee: global.max_priority_fee,
            fee_payer_path: global.fee_payer.clone(),
            keypair_path: cluster.keypair_path.clone(),
            resolved: OnceLock::new(),
        }
    }

    /// The signer `--keypair` names, resolved on first use.
    fn resolved(&self) -> Result<&ResolvedSigner, CliError> {
        if let Some(resolved) = self.resolved.get() {
            return Ok(resolved);
        }
        let resolved = resolve_signer(&self.keypair_path)?;
        Ok(self.resolved.get_or_init(|| resolved))
    }

    /// The signing keypair: `--keypair` as the Solana CLI reads it (a keypair file, `prompt://`
    /// for a seed phrase, `stdin://` or `-` for keypair JSON on stdin), for what needs a
    /// keypair (the bots, `market lookup-table`). A hardware wallet is refused here.
    pub fn signer(&self) -> Result<Keypair, CliError> {
        match self.resolved()? {
            ResolvedSigner::Keypair(keypair) => Ok(keypair.insecure_clone()),
            ResolvedSigner::Remote(signer) => Err(CliError::Invalid(format!(
                "signer {} ({}) is a hardware wallet: this command runs with a keypair (a \
                 file, prompt://, stdin://)",
                self.keypair_path.display(),
                signer.pubkey()
            ))),
        }
    }

    /// The signer `--keypair` names, of any kind (a hardware wallet's too): what a command's
    /// transaction is signed with.
    pub fn signing(&self) -> Result<&dyn Signer, CliError> {
        Ok(match self.resolved()? {
            ResolvedSigner::Keypair(keypair) => keypair.as_ref(),
            ResolvedSigner::Remote(signer) => signer.as_ref(),
        })
    }

    /// The address of the signer `--keypair` names (any kind, a hardware wallet's too).
    pub fn signer_key(&self) -> Result<Pubkey, CliError> {
        Ok(match self.resolved()? {
            ResolvedSigner::Keypair(keypair) => keypair.pubkey(),
            ResolvedSigner::Remote(signer) => signer.pubkey(),
        })
    }

    /// Who a command acts for: `--authority` when its message is printed (a multisig, an
    /// offline signer), else the signer.
    pub fn authority(&self, propose: &ProposeArgs) -> Result<Pubkey, CliError> {
        match propose.authority {
            Some(key) if propose.print_message => Ok(key),
            _ => self.signer_key(),
        }
    }

    /// A user transaction built for `self.authority(propose)`: printed unsigned with
    /// `--print-message`, else signed by the keypair and executed.
    pub async fn execute_as(
        &self,
        out: &mut dyn Write,
        action: &str,
        instructions: &[Instruction],
        propose: &ProposeArgs,
        assets: &[AssetInfo],
    ) -> Result<(), CliError> {
        if propose.print_message {
            let authority = self.authority(propose)?;
            return (self.print_message(out, action, instructions, &authority, &Report::default()))
                .await;
        }
        let signer = self.signing()?;
        self.execute(out, action, instructions, &[signer], assets)
            .await
    }

    pub fn market_key(&self) -> Result<Pubkey, CliError> {
        self.market.ok_or(CliError::NoMarket)
    }

    /// The market, which must exist on this cluster.
    pub async fn market(&self) -> Result<(Pubkey, Market), CliError> {
        let key = self.market_key()?;
        match fetch::market(self.transport, &key).await {
            Ok(market) => Ok((key, market)),
            Err(ClientError::AccountNotFound(_) | ClientError::WrongAccountType(..)) => {
                Err(CliError::MarketNotFound(key))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A reserve of the market by address, liquidity mint, or mint label. A label names a
    /// reserve when exactly one of the mints it labels is listed in the market (the user's
    /// labels win over the built-in ones); more is an error that lists them.
    pub async fn reserve(&self, name: &str) -> Result<NamedReserve, CliError> {
        let (market, _) = self.market().await?;
        let unknown = || CliError::UnknownReserve {
            name: name.to_string(),
            market,
        };
        if let Ok(key) = Pubkey::from_str(name) {
            for address in [key, pda::reserve(&market, &key)] {
                if let Some(reserve) = self.listed(&market, &address).await? {
                    return Ok(self.named(address, reserve));
                }
            }
            return Err(unknown());
        }
        let mut found = Vec::new();
        for mint in self.labels.find(name) {
            let address = pda::reserve(&market, &mint);
            if let Some(reserve) = self.listed(&market, &address).await? {
                found.push(self.named(address, reserve));
            }
        }
        match found.len() {
            0 => Err(unknown()),
            1 => Ok(found.remove(0)),
            _ => Err(CliError::AmbiguousReserve {
                name: name.to_string(),
                market,
                candidates: found
                    .iter()
                    .map(|r| {
                        format!(
                            "reserve {} (mint {} labelled {})",
                            r.address, r.keys.liquidity_mint, r.symbol
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// The reserve of `market` at `address`, if there is one.
    async fn listed(&self, market: &Pubkey, address: &Pubkey) -> Result<Option<Reserve>, CliError> {
        let Some(account) = self.transport.account(address).await? else {
            return Ok(None);
        };
        Ok(crate::accounts::decode_reserve(address, &account)
            .ok()
            .filter(|reserve| reserve.market == *market))
    }

    /// A mint by address or label (the user's labels winning over the built-in ones); a label
    /// the user gave to more than one mint is an error that lists them.
    pub fn mint(&self, name: &str) -> Result<Pubkey, CliError> {
        if let Ok(key) = Pubkey::from_str(name) {
            return Ok(key);
        }
        match self.labels.find(name).as_slice() {
            [] => Err(CliError::UnknownMint(name.to_string())),
            [mint] => Ok(*mint),
            mints => Err(CliError::AmbiguousMint {
                name: name.to_string(),
                candidates: mints
                    .iter()
                    .map(|m| format!("{m} (labelled {})", self.labels.name(m)))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    pub fn named(&self, address: Pubkey, reserve: Reserve) -> NamedReserve {
        NamedReserve {
            address,
            keys: ReserveKeys::from_reserve(address, &reserve),
            symbol: self.labels.name(&reserve.liquidity_mint),
            reserve,
        }
    }

    /// Errors unless token account `account` holds at least `need` base units.
    pub async fn require_balance(
        &self,
        account: &Pubkey,
        need: u64,
        show: impl Fn(u64) -> String,
    ) -> Result<u64, CliError> {
        let have = fetch::token_balance(self.transport, account).await?;
        if have < need {
            return Err(CliError::InsufficientBalance {
                account: *account,
                have: show(have),
                need: show(need),
            });
        }
        Ok(have)
    }

    /// Writes `json` or `display`, per `--output`.
    pub fn emit(&self, out: &mut dyn Write, json: Value, display: &str) -> Result<(), CliError> {
        match self.output {
            OutputFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?,
            OutputFormat::JsonCompact => writeln!(out, "{}", serde_json::to_string(&json)?)?,
            OutputFormat::Display => writeln!(out, "{display}")?,
        }
        Ok(())
    }

    /// Sends `instructions` signed by `signers` (the first pays), or simulates them with
    /// `--dry-run`, and reports what changed (or would change).
    pub async fn execute(
        &self,
        out: &mut dyn Write,
        action: &str,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        assets: &[AssetInfo],
    ) -> Result<(), CliError> {
        let report = Report::default();
        self.execute_reporting(out, action, instructions, signers, assets, &report)
            .await
    }

    /// `execute`, its updates described against `report.before` and followed by
    /// `report.warnings`. With `--fee-payer`, that keypair pays and signs first.
    pub async fn execute_reporting(
        &self,
        out: &mut dyn Write,
        action: &str,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        assets: &[AssetInfo],
        report: &Report,
    ) -> Result<(), CliError> {
        let fee_payer = self.fee_payer()?;
        let signers = paid_by(fee_payer.as_ref().map(|k| k as &dyn Signer), signers);
        let signers = signers.as_slice();
        let tables = self.tables_for(instructions, signers).await?;
        let outcome = if self.dry_run {
            (self.transport)
                .simulate_with_tables(instructions, signers, &tables)
                .await?
        } else {
            (self.transport)
                .send_with_tables(instructions, signers, &tables)
                .await?
        };
        let effects = describe_from(
            &outcome.event_data,
            assets,
            &self.labels,
            report.before.clone(),
        );
        let signature = (!self.dry_run).then(|| outcome.signature.to_string());
        let mut display = if self.dry_run {
            format!("dry run: {action} would succeed (nothing was sent)")
        } else {
            format!("{action}: done")
        };
        for effect in &effects {
            display.push_str(&format!("\n  - {effect}"));
        }
        report.add_warnings(&mut display);
        if let Some(sig) = &signature {
            display.push_str(&format!("\nsignature {sig}"));
        }
        let mut json = json!({
            "action": action,
            "dry_run": self.dry_run,
            "signature": signature,
            "effects": effects,
        });
        report.add_warnings_json(&mut json);
        self.emit(out, json, &display)
    }

    /// The `--fee-payer` keypair, read from its file.
    fn fee_payer(&self) -> Result<Option<Keypair>, CliError> {
        let read = |path: &PathBuf| {
            solana_keypair::read_keypair_file(path).map_err(|e| CliError::Keypair {
                path: path.clone(),
                error: e.to_string(),
            })
        };
        self.fee_payer_path.as_ref().map(read).transpose()
    }

    /// The lookup table to send `instructions` through: none when a legacy transaction fits
    /// (or no table is named; the transport then refuses what does not fit).
    async fn tables_for(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
    ) -> Result<Vec<AddressLookupTableAccount>, CliError> {
        let payer = crate::transport::fee_payer(signers)?;
        let fits = crate::transport::fits_legacy(instructions, &payer);
        Ok(match self.lookup_table {
            Some(table) if !fits => vec![crate::lookup::fetch(self.transport, &table).await?],
            _ => Vec::new(),
        })
    }

    /// An admin transaction: printed unsigned for `--authority` with `--print-message`, else
    /// signed by the keypair (which must be the authority) and executed.
    pub async fn execute_admin(
        &self,
        out: &mut dyn Write,
        action: &str,
        build: impl Fn(&Pubkey) -> Vec<Instruction>,
        propose: &ProposeArgs,
        assets: &[AssetInfo],
    ) -> Result<(), CliError> {
        let report = Report::default();
        self.execute_admin_reporting(out, action, build, propose, assets, &report)
            .await
    }

    /// `execute_admin`, its updates described against `report.before` and followed by
    /// `report.warnings` (also when the message is only printed).
    pub async fn execute_admin_reporting(
        &self,
        out: &mut dyn Write,
        action: &str,
        build: impl Fn(&Pubkey) -> Vec<Instruction>,
        propose: &ProposeArgs,
        assets: &[AssetInfo],
        report: &Report,
    ) -> Result<(), CliError> {
        if !propose.print_message {
            let signer = self.signing()?;
            let instructions = build(&signer.pubkey());
            return self
                .execute_reporting(out, action, &instructions, &[signer], assets, report)
                .await;
        }
        let authority = self.authority(propose)?;
        let instructions = build(&authority);
        self.print_message(out, action, &instructions, &authority, report)
            .await
    }

    /// Prints `instructions` as the unsigned message for `authority` (also its fee payer), and
    /// sends nothing.
    async fn print_message(
        &self,
        out: &mut dyn Write,
        action: &str,
        instructions: &[Instruction],
        authority: &Pubkey,
        report: &Report,
    ) -> Result<(), CliError> {
        let blockhash = self.transport.latest_blockhash().await?;
        let message = Message::new_with_blockhash(instructions, Some(authority), &blockhash);
        let encoded = base64::engine::general_purpose::STANDARD.encode(message.serialize());
        let listed: Vec<Value> = instructions
            .iter()
            .map(|ix| crate::instructions::to_json(ix, bs58::encode(&ix.data).into_string()))
            .collect();
        let mut display = format!(
            "{action}: unsigned message for {authority} to sign (base64, {} instruction(s), \
             fee payer {authority}):\n{encoded}",
            instructions.len()
        );
        report.add_warnings(&mut display);
        let mut json = json!({
            "action": action,
            "authority": authority.to_string(),
            "message": encoded,
            "instructions": listed,
        });
        report.add_warnings_json(&mut json);
        self.emit(out, json, &display)
    }
}

/// Resolves a signer URI as the Solana CLI does (`solana_clap_utils::keypair`): a keypair file
/// path (or `file://`), `prompt://` (a seed phrase, `?key=` for a derivation path), `stdin://`
/// or `-` (keypair JSON on stdin), `ASK`, or `usb://ledger` (a hardware wallet).
fn resolve_signer(uri: &std::path::Path) -> Result<ResolvedSigner, CliError> {
    let text = uri.display().to_string();
    let plain_path = !text.contains("://")
        && !matches!(text.as_str(), "-" | "ASK")
        && Pubkey::from_str(&text).is_err();
    if plain_path {
        return solana_keypair::read_keypair_file(uri)
            .map(|k| ResolvedSigner::Keypair(Box::new(k)))
            .map_err(|e| CliError::Keypair {
                path: uri.to_path_buf(),
                error: e.to_string(),
            });
    }
    let failed = |e: Box<dyn std::error::Error>| CliError::Signer {
        uri: text.clone(),
        error: e.to_string(),
    };
    // The Solana CLI's functions read their flags (seed phrase validation, presigners) from
    // clap 2 matches: none of them are given here.
    let matches = clap2::App::new("ballast").get_matches_from(["ballast"]);
    if text.to_ascii_lowercase().starts_with("usb://") {
        let mut wallet_manager = None;
        let signer = solana_clap_utils::keypair::signer_from_path(
            &matches,
            &text,
            "keypair",
            &mut wallet_manager,
        )
        .map_err(failed)?;
        signer.try_pubkey().map_err(|e| failed(e.into()))?;
        return Ok(ResolvedSigner::Remote(signer));
    }
    solana_clap_utils::keypair::keypair_from_path(&matches, &text, "keypair", false)
        .map(|k| ResolvedSigner::Keypair(Box::new(k)))
        .map_err(failed)
}

/// `signers` with `fee_payer` first (once, when it also signs).
fn paid_by<'k>(
    fee_payer: Option<&'k dyn Signer>,
    signers: &[&'k dyn Signer],
) -> Vec<&'k dyn Signer> {
    let mut all: Vec<&dyn Signer> = fee_payer.into_iter().collect();
    let paying = |s: &&dyn Signer| matches!(fee_payer, Some(p) if p.pubkey() == s.pubkey());
    all.extend(signers.iter().filter(|s| !paying(s)));
    all
}

/// What a command adds to the report of its transaction: the accounts as they were before it,
/// so updates read "field: old -> new", and warnings about what it leads to.
#[derive(Clone, Default)]
pub struct Report {
    pub before: Before,
    pub warnings: Vec<String>,
}

impl Report {
    /// One "warning: ..." line per warning after `display`.
    fn add_warnings(&self, display: &mut String) {
        for warning in &self.warnings {
            display.push_str(&format!("\nwarning: {warning}"));
        }
    }

    /// The warnings as a `warnings` array of `json`, when there are any.
    fn add_warnings_json(&self, json: &mut Value) {
        if !self.warnings.is_empty() {
            json["warnings"] = json!(self.warnings);
        }
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        CliError::Output(e.into())
    }
}
