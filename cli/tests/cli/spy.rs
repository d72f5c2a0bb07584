//! A transport around the bank that counts every request, and can act just before a
//! transaction is sent (a stop requested while a liquidation is in flight). Also runs a
//! `ballast` command through it, as the harness runs one on the bank.
use {
    crate::harness::{Harness, User},
    ballast_cli::commands::{self, Cli, CliError, ClusterSettings},
    ballast_client::{
        transport::{AccountFilter, TxOutcome},
        ClientError, Transport,
    },
    clap::Parser,
    solana_sdk::{
        account::Account, clock::Clock, hash::Hash, instruction::Instruction,
        message::AddressLookupTableAccount, pubkey::Pubkey, signer::Signer,
    },
    std::sync::atomic::{AtomicUsize, Ordering},
};

type BeforeSend<'a> = Box<dyn Fn(&[Instruction]) + 'a>;

pub struct Spy<'a, T> {
    inner: &'a T,
    requests: AtomicUsize,
    before_send: Option<BeforeSend<'a>>,
}

impl<'a, T: Transport> Spy<'a, T> {
    pub fn new(inner: &'a T) -> Self {
        Spy {
            inner,
            requests: AtomicUsize::new(0),
            before_send: None,
        }
    }

    /// Calls `hook` with every transaction's instructions before it is sent.
    pub fn before_send(inner: &'a T, hook: impl Fn(&[Instruction]) + 'a) -> Self {
        Spy {
            before_send: Some(Box::new(hook)),
            ..Spy::new(inner)
        }
    }

    /// Requests made so far, of any kind.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn count(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }
}

impl<T: Transport> Transport for Spy<'_, T> {
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        self.count();
        self.inner.account(address).await
    }

    async fn program_accounts(
        &self,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        self.count();
        self.inner.program_accounts(filters).await
    }

    async fn send_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError> {
        self.count();
        if let Some(hook) = &self.before_send {
            hook(instructions);
        }
        self.inner
            .send_with_tables(instructions, signers, tables)
            .await
    }

    async fn simulate_with_tables(
        &self,
        instructions: &[Instruction],
        signers: &[&dyn Signer],
        tables: &[AddressLookupTableAccount],
    ) -> Result<TxOutcome, ClientError> {
        self.count();
        self.inner
            .simulate_with_tables(instructions, signers, tables)
            .await
    }

    async fn clock(&self) -> Result<Clock, ClientError> {
        self.count();
        self.inner.clock().await
    }

    async fn latest_blockhash(&self) -> Result<Hash, ClientError> {
        self.count();
        self.inner.latest_blockhash().await
    }
}

/// `ballast --keypair <user> [--market <market>] <args>` through `transport`.
pub async fn run_on(
    h: &Harness,
    transport: &impl Transport,
    user: &User,
    args: &[&str],
) -> Result<String, CliError> {
    let mut argv = vec![
        "ballast".to_string(),
        "--keypair".into(),
        user.path.display().to_string(),
    ];
    if let Some(market) = h.market {
        argv.extend(["--market".to_string(), market.to_string()]);
    }
    argv.extend(args.iter().map(|a| a.to_string()));
    let parsed = Cli::try_parse_from(&argv).map_err(|e| CliError::Invalid(e.to_string()))?;
    let cluster = ClusterSettings {
        url: "in-process bank".into(),
        keypair_path: user.path.clone(),
        labels: h.labels.clone(),
    };
    let mut out = Vec::new();
    commands::run(&parsed, transport, &cluster, &mut out).await?;
    Ok(String::from_utf8(out).unwrap())
}
