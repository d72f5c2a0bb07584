//! Where the CLI connects and who signs: flags first, then the Solana CLI config file, then the
//! Solana CLI's defaults, exactly as `solana` resolves them.
use {
    super::{CliError, Commitment, GlobalArgs},
    crate::views::Labels,
    ballast_client::{relay::RelayConfig, rpc::RpcTransport},
    solana_cli_config::{Config, ConfigInput, CONFIG_FILE},
    solana_commitment_config::CommitmentConfig,
    std::{
        path::{Path, PathBuf},
        time::Duration,
    },
};

/// The cluster and signer the command runs with.
#[derive(Clone, Debug)]
pub struct ClusterSettings {
    pub url: String,
    pub keypair_path: PathBuf,
    /// The config's `address_labels` over the well-known mints.
    pub labels: Labels,
}

/// Resolves `--url`, `--keypair` and `--config` against the Solana CLI config file.
pub fn resolve(
    url: Option<&str>,
    keypair: Option<&Path>,
    config_file: Option<&Path>,
) -> Result<ClusterSettings, CliError> {
    let config = load_config(config_file)?;
    let (_, url) =
        ConfigInput::compute_json_rpc_url_setting(url.unwrap_or_default(), &config.json_rpc_url);
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(CliError::BadUrl(url));
    }
    let keypair = keypair.map(|p| p.display().to_string()).unwrap_or_default();
    let (_, keypair_path) =
        ConfigInput::compute_keypair_path_setting(&keypair, &config.keypair_path);
    Ok(ClusterSettings {
        url,
        keypair_path: PathBuf::from(keypair_path),
        labels: Labels::with_known(&config.address_labels),
    })
}

/// The commitment: `--commitment`, else the config file's `commitment`, else `confirmed`.
pub fn commitment(
    flag: Option<Commitment>,
    config_file: Option<&Path>,
) -> Result<CommitmentConfig, CliError> {
    let config = load_config(config_file)?;
    let flag = match flag {
        Some(Commitment::Processed) => "processed",
        Some(Commitment::Confirmed) => "confirmed",
        Some(Commitment::Finalized) => "finalized",
        None => "",
    };
    let (_, commitment) = ConfigInput::compute_commitment_config(flag, &config.commitment);
    Ok(commitment)
}

/// How the relay lands transactions, per the global flags: `--fee-percentile`,
/// `--max-priority-fee`, `--with-compute-unit-price`, `--with-compute-unit-limit`.
pub fn relay_config(global: &GlobalArgs) -> RelayConfig {
    RelayConfig {
        fee_percentile: global.fee_percentile,
        max_fee: global.max_priority_fee,
        compute_unit_price: global.with_compute_unit_price,
        compute_unit_limit: global.with_compute_unit_limit,
        ..RelayConfig::default()
    }
}

/// The RPC node of `cluster` as the global flags use it: `--rpc-timeout`, `--commitment` and
/// the relay's settings.
pub fn rpc_transport(
    global: &GlobalArgs,
    cluster: &ClusterSettings,
) -> Result<RpcTransport, CliError> {
    let commitment = commitment(global.commitment, global.config_file.as_deref())?;
    let timeout = Duration::from_secs(global.rpc_timeout);
    Ok(
        RpcTransport::with_timeout_and_commitment(&cluster.url, timeout, commitment)
            .with_relay(relay_config(global)),
    )
}

/// The named config file (which must exist), else the default one if present, else defaults.
fn load_config(config_file: Option<&Path>) -> Result<Config, CliError> {
    match config_file {
        Some(path) => Config::load(&path.display().to_string()).map_err(|e| CliError::Config {
            path: path.to_path_buf(),
            error: e.to_string(),
        }),
        None => Ok(CONFIG_FILE
            .as_ref()
            .and_then(|path| Config::load(path).ok())
            .unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use {super::*, std::io::Write};

    #[test]
    fn flags_win_then_config_then_defaults() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            file,
            "json_rpc_url: http://127.0.0.1:8899\nwebsocket_url: ''\nkeypair_path: /tmp/me.json\n\
             address_labels:\n  So11111111111111111111111111111111111111112: wSOL\ncommitment: confirmed"
        )
        .unwrap();
        let config = Some(file.path());
        let from_config = resolve(None, None, config).unwrap();
        assert_eq!(from_config.url, "http://127.0.0.1:8899");
        assert_eq!(from_config.keypair_path, PathBuf::from("/tmp/me.json"));
        let sol = "So11111111111111111111111111111111111111112"
            .parse()
            .unwrap();
        assert_eq!(from_config.labels.name(&sol), "wSOL");

        let flags = resolve(Some("devnet"), Some(Path::new("k.json")), config).unwrap();
        assert_eq!(flags.url, "https://api.devnet.solana.com");
        assert_eq!(flags.keypair_path, PathBuf::from("k.json"));
        for (moniker, url) in [
            ("localhost", "http://localhost:8899"),
            ("mainnet-beta", "https://api.mainnet-beta.solana.com"),
            ("t", "https://api.testnet.solana.com"),
        ] {
            assert_eq!(resolve(Some(moniker), None, config).unwrap().url, url);
        }
    }

    #[test]
    fn the_commitment_and_the_relay_come_from_the_flags_then_the_config() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            file,
            "json_rpc_url: http://127.0.0.1:8899\nwebsocket_url: ''\nkeypair_path: /tmp/me.json\n\
             commitment: finalized"
        )
        .unwrap();
        let config = file.path().display().to_string();
        let global = |flags: &[&str]| {
            let mut argv = vec!["ballast", "-C", &config];
            argv.extend(flags);
            argv.extend(["market", "show"]);
            super::super::parse_args(argv).unwrap().global
        };
        let cluster = resolve(None, None, Some(file.path())).unwrap();

        let defaults = global(&[]);
        let transport = rpc_transport(&defaults, &cluster).unwrap();
        assert_eq!(transport.commitment(), CommitmentConfig::finalized());
        assert_eq!(transport.relay_config(), &RelayConfig::default());
        assert_eq!(transport.url(), "http://127.0.0.1:8899");

        let flags = global(&[
            "--commitment",
            "processed",
            "--with-compute-unit-price",
            "5000",
            "--with-compute-unit-limit",
            "300000",
            "--fee-percentile",
            "50",
            "--max-priority-fee",
            "90000",
        ]);
        let transport = rpc_transport(&flags, &cluster).unwrap();
        assert_eq!(transport.commitment(), CommitmentConfig::processed());
        assert_eq!(
            transport.relay_config(),
            &RelayConfig {
                fee_percentile: 50,
                max_fee: 90_000,
                compute_unit_price: Some(5_000),
                compute_unit_limit: Some(300_000),
                ..RelayConfig::default()
            }
        );
        // The liquidator's old name for the price.
        assert_eq!(
            global(&["--priority-fee", "7"]).with_compute_unit_price,
            Some(7)
        );
        // Out of range, refused by the parser.
        for bad in [
            ["--commitment", "max"],
            ["--fee-percentile", "101"],
            ["--with-compute-unit-limit", "1400001"],
            ["--with-compute-unit-limit", "0"],
        ] {
            let argv = ["ballast"].iter().chain(&bad).chain(&["market", "show"]);
            assert!(super::super::parse_args(argv).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn refuses_unknown_clusters_and_missing_config_files() {
        let err = resolve(Some("devnett"), None, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--url devnett is neither an http(s) URL nor a moniker (localhost, devnet, testnet, mainnet-beta)"
        );
        let err = resolve(None, None, Some(Path::new("/nonexistent/config.yml"))).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read Solana CLI config /nonexistent/config.yml: "),
            "{err}"
        );
    }
}
