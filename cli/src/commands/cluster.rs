//! Where the CLI connects and who signs: flags first, then the Solana CLI config file, then the
//! Solana CLI's defaults, exactly as `solana` resolves them.
use {
    super::CliError,
    crate::views::Labels,
    solana_cli_config::{Config, ConfigInput, CONFIG_FILE},
    std::path::{Path, PathBuf},
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
