//! `ballast-migrate` as its command line runs it (`cli::run`), on the bank: a plan that needs no
//! keypair, unsigned messages for a multisig, the confirmation, JSON, the verdict.
use {
    crate::{cluster, Cluster},
    ballast::state::MarketChange,
    ballast_cli::{commands::ClusterSettings, views::Labels},
    ballast_client::{fetch, instructions as ix, pda, Transport},
    ballast_migrations::{
        cli::{self, Args, Terminal},
        MigrationError, Verdict,
    },
    base64::Engine,
    clap::Parser,
    serde_json::{json, Value},
    solana_sdk::{message::Message, pubkey::Pubkey, signature::Keypair, signer::Signer},
    std::path::{Path, PathBuf},
};

struct Session {
    c: Cluster,
    dir: tempfile::TempDir,
    /// The admin's keypair file (the bank's payer): the default signer.
    keypair: PathBuf,
}

/// What a run printed and asked, and how it ended.
struct Ran {
    result: Result<Verdict, MigrationError>,
    out: String,
    asked: String,
}

impl Ran {
    fn verdict(&self) -> Verdict {
        match &self.result {
            Ok(verdict) => *verdict,
            Err(e) => panic!("{e}\n{}", self.out),
        }
    }

    fn error(&self) -> String {
        match &self.result {
            Ok(verdict) => panic!("{verdict:?}\n{}", self.out),
            Err(e) => e.to_string(),
        }
    }

    fn json(&self) -> Value {
        self.verdict();
        serde_json::from_str(&self.out).unwrap()
    }
}

async fn session() -> Session {
    let c = cluster().await;
    let dir = tempfile::tempdir().unwrap();
    let keypair = dir.path().join("admin.json");
    solana_keypair::write_keypair_file(&c.admin, &keypair).unwrap();
    Session { c, dir, keypair }
}

impl Session {
    fn me(&self) -> Pubkey {
        self.c.admin.pubkey()
    }

    /// A market file with `market` lines in `[market]` (id 5) and USDC listed with `usdc_risk`.
    fn file(&self, name: &str, market: &str, usdc_risk: &str) -> PathBuf {
        let text = format!(
            "[market]\nid = 5\n{market}\n\n[[reserve]]\nname = \"USDC\"\nmint = \"{}\"\n\
             oracle = \"{}\"\npreset = \"stablecoin\"\n[reserve.risk]\n{usdc_risk}\n",
            self.c.usdc.0, self.c.usdc.1
        );
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Runs `argv` with `keypair` as the signer's file; `answer`: typed at a terminal (`None`:
    /// stdin is no terminal).
    async fn run_as(&self, keypair: &Path, argv: &[&str], answer: Option<&str>) -> Ran {
        let args =
            Args::try_parse_from(std::iter::once("ballast-migrate").chain(argv.iter().copied()))
                .unwrap();
        let cluster = ClusterSettings {
            url: "bank".to_string(),
            keypair_path: keypair.to_path_buf(),
            labels: Labels::default(),
        };
        let mut terminal = Terminal {
            input: answer.unwrap_or("").as_bytes(),
            output: Vec::new(),
            is_terminal: answer.is_some(),
        };
        let mut out = Vec::new();
        let result = cli::run(&args, &self.c.bank, &cluster, &mut out, &mut terminal).await;
        Ran {
            result,
            out: String::from_utf8(out).unwrap(),
            asked: String::from_utf8(terminal.output).unwrap(),
        }
    }

    async fn run(&self, argv: &[&str], answer: Option<&str>) -> Ran {
        self.run_as(&self.keypair, argv, answer).await
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test]
async fn apply_asks_before_sending_anything() {
    let s = session().await;
    let me = s.me();
    let market = pda::market(&me, 5);
    let file = s.file("market.toml", "", "");
    let exists = || async { s.c.bank.account(&market).await.unwrap().is_some() };

    // No terminal to ask on: refused, after showing the plan, before sending.
    let ran = s.run(&["apply", "--create", path(&file)], None).await;
    assert_eq!(
        ran.error(),
        "apply asks before sending and stdin is not a terminal: pass --yes to apply without asking"
    );
    assert!(
        ran.out.starts_with(&format!(
            "plan for market {market}:\n  + create market (id 5, admin {me})\n"
        )),
        "{}",
        ran.out
    );
    assert!(ran.out.ends_with("\n2 step(s) (on bank)\n"), "{}", ran.out);
    assert!(!exists().await);

    // Asked: anything but y or yes is a no.
    let question = format!("apply 2 step(s) to market {market} on bank? [y/N] ");
    for answer in ["n\n", "\n", "", "yes please\n"] {
        let ran = s
            .run(&["apply", "--create", path(&file)], Some(answer))
            .await;
        assert_eq!(ran.error(), "not confirmed: nothing was sent");
        assert_eq!(ran.asked, question);
        assert!(!exists().await);
    }

    let ran = s
        .run(&["apply", "--create", path(&file)], Some("Y\n"))
        .await;
    assert_eq!(ran.verdict(), Verdict::Matches);
    assert_eq!(ran.asked, question);
    let after: Vec<&str> = ran
        .out
        .lines()
        .skip_while(|l| !l.ends_with("(on bank)"))
        .collect();
    assert_eq!(after.len(), 5, "{}", ran.out);
    assert!(
        after[1].starts_with(&format!("create market {market}: done (")),
        "{}",
        ran.out
    );
    assert!(after[2].starts_with("list USDC: done ("), "{}", ran.out);
    assert_eq!(
        after[3..],
        [
            "checked again:",
            "nothing to do: the cluster matches the file"
        ]
    );
    assert!(exists().await);

    // Nothing to send: nothing to ask.
    let ran = s.run(&["apply", path(&file)], None).await;
    assert_eq!(ran.verdict(), Verdict::Matches);
    assert_eq!(ran.asked, "");

    // --yes: no question, terminal or not.
    let raised = s.file("raised.toml", "", "deposit_cap = \"7\"");
    let ran = s.run(&["apply", "--yes", path(&raised)], None).await;
    assert_eq!(ran.verdict(), Verdict::Matches);
    assert_eq!(ran.asked, "");
    let usdc = fetch::reserve(&s.c.bank, &pda::reserve(&market, &s.c.usdc.0))
        .await
        .unwrap();
    assert_eq!(usdc.config.deposit_cap, 7_000_000);
}

#[tokio::test]
async fn a_multisig_market_is_planned_without_its_keypair_and_gets_unsigned_messages() {
    let s = session().await;
    let me = s.me();
    let market = pda::market(&me, 5);
    let vault = Keypair::new();
    let none = Path::new("/nonexistent/id.json");
    let created = s.file("market.toml", "", "");
    let ran = s
        .run(&["apply", "--yes", "--create", path(&created)], None)
        .await;
    assert_eq!(ran.verdict(), Verdict::Matches);

    // Handing the market to a multisig: proposed, and the cluster differs until it accepts
    // (exit code 3).
    let pinned = format!("creator = \"{me}\"\nadmin = \"{}\"", vault.pubkey());
    let handover = s.file("handover.toml", &pinned, "");
    let ran = s.run(&["apply", "--yes", path(&handover)], None).await;
    assert_eq!(ran.verdict(), Verdict::Differs);
    assert_eq!(ran.verdict().exit_code(), 3);
    let pending = format!(
        "  ! admin: {me} -> {}: the new admin must accept (accept_admin)",
        vault.pubkey()
    );
    assert!(
        ran.out.ends_with(&format!(
            "checked again:\n{pending}\nnothing to do, but the cluster differs from the file: 1 \
             difference(s) it cannot apply (!)\n"
        )),
        "{}",
        ran.out
    );
    let accept = ix::accept_admin(&vault.pubkey(), &market);
    s.c.bank
        .send(&[accept], &[&s.c.admin, &vault])
        .await
        .unwrap();

    // The file names the market: a plan reads no keypair, and its signer is the chain's admin.
    let policy = format!("{pinned}\n[market.policy]\nclose_factor_bps = 4000");
    let change = s.file("change.toml", &policy, "");
    let ran = s.run_as(none, &["plan", path(&change)], None).await;
    assert_eq!(ran.verdict(), Verdict::Changes);
    assert_eq!(
        ran.out,
        format!(
            "plan for market {market}:\n  ~ market\n      close_factor_bps: 5000 -> 4000\n  = \
             reserve USDC: no change\n1 step(s) (on bank)\n"
        )
    );
    let vault_arg = vault.pubkey().to_string();
    let ran = s
        .run_as(none, &["plan", "--admin", &vault_arg, path(&change)], None)
        .await;
    assert_eq!(ran.verdict(), Verdict::Changes);
    let ran = s
        .run_as(
            none,
            &["plan", "--admin", &me.to_string(), path(&change)],
            None,
        )
        .await;
    assert_eq!(
        ran.error(),
        format!(
            "these changes must be signed by the market admin {}, not {me}",
            vault.pubkey()
        )
    );

    // The messages for the multisig: printed, not sent.
    let ran = s
        .run_as(none, &["apply", "--print-message", path(&change)], None)
        .await;
    assert_eq!(ran.verdict(), Verdict::Changes);
    assert!(
        ran.out.contains(&format!(
            "1 step(s) (on bank)\nupdate the market: unsigned message for {vault_arg} to sign \
             (base64, 1 instruction(s), fee payer {vault_arg}):\n"
        )),
        "{}",
        ran.out
    );
    assert!(
        ran.out
            .ends_with("\n1 unsigned message(s), to land in this order: nothing was sent\n"),
        "{}",
        ran.out
    );
    let argv = [
        "--output",
        "json",
        "apply",
        "--print-message",
        "--admin",
        &vault_arg,
        path(&change),
    ];
    let out = s.run_as(none, &argv, None).await.json();
    assert_eq!(out["verdict"], "changes");
    assert_eq!(out["messages"].as_array().unwrap().len(), 1);
    assert_eq!(out["messages"][0]["what"], "update the market");
    assert_eq!(out["messages"][0]["signer"], vault_arg);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(out["messages"][0]["message"].as_str().unwrap())
        .unwrap();
    let message: Message = bincode::deserialize(&bytes).unwrap();
    assert_eq!(message.header.num_required_signatures, 1);
    assert_eq!(message.account_keys[0], vault.pubkey());
    assert_eq!(message.instructions.len(), 1);
    let expected = ix::update_market(
        &vault.pubkey(),
        &market,
        MarketChange::CloseFactorBps(4_000),
    );
    assert_eq!(message.instructions[0].data, expected.data);
    assert_eq!(
        out["messages"][0]["instructions"][0]["accounts"][0]["pubkey"],
        vault_arg
    );
    let state = fetch::market(&s.c.bank, &market).await.unwrap();
    assert_eq!(state.config.close_factor_bps, 5_000);
    // The message does what the plan says once the multisig signs it.
    s.c.bank
        .send(&[expected], &[&s.c.admin, &vault])
        .await
        .unwrap();
    let ran = s.run_as(none, &["plan", path(&change)], None).await;
    assert_eq!(ran.verdict(), Verdict::Matches);

    // --admin names who signs the messages only.
    let err = Args::try_parse_from(["ballast-migrate", "apply", "--admin", &vault_arg, "f.toml"])
        .unwrap_err();
    assert!(err.to_string().contains("--print-message"), "{err}");
}

#[tokio::test]
async fn json_output_lists_steps_fields_old_and_new_values_and_the_verdict() {
    let s = session().await;
    let me = s.me();
    let market = pda::market(&me, 5);
    let first = s.file("first.toml", "", "deposit_cap = \"1_000_000\"");
    let out = s
        .run(
            &["--output", "json", "plan", "--create", path(&first)],
            None,
        )
        .await
        .json();
    assert_eq!(out["verdict"], "changes");
    let steps = out["plan"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["action"], "create_market");
    assert_eq!(
        steps[0]["fields"][0],
        json!({"field": "close_factor_bps", "old": null, "new": "5000", "unit": null, "note": null})
    );
    assert_eq!(steps[1]["action"], "create_reserve");
    let cap = steps[1]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "deposit_cap")
        .unwrap();
    assert_eq!(
        *cap,
        json!({"field": "deposit_cap", "old": null, "new": "1000000", "unit": "USDC", "note": null})
    );
    // Applied in JSON: the transactions and the cluster checked again.
    let out = s
        .run(
            &[
                "--output",
                "json",
                "apply",
                "--yes",
                "--create",
                path(&first),
            ],
            None,
        )
        .await
        .json();
    assert_eq!(out["verdict"], "matches");
    assert_eq!(out["plan"]["verdict"], "changes");
    let sent = out["sent"].as_array().unwrap();
    assert_eq!(
        sent.iter().map(|t| t["what"].clone()).collect::<Vec<_>>(),
        [json!(format!("create market {market}")), json!("list USDC")]
    );
    assert!(sent
        .iter()
        .all(|t| t["signature"].as_str().unwrap().len() > 60));
    assert_eq!(out["after"]["steps"], json!([]));

    // A change, whole.
    let raised = s.file("raised.toml", "", "deposit_cap = \"2_000_000.5\"");
    let out = s
        .run(&["--output", "json", "plan", path(&raised)], None)
        .await
        .json();
    assert_eq!(
        out,
        json!({
            "url": "bank",
            "verdict": "changes",
            "plan": {
                "market": market.to_string(),
                "signer": me.to_string(),
                "steps": [{
                    "action": "update_reserve",
                    "heading": "reserve USDC",
                    "fields": [{
                        "field": "deposit_cap",
                        "old": "1000000",
                        "new": "2000000.5",
                        "unit": "USDC",
                        "note": null,
                    }],
                }],
                "unchanged": [format!("market {market}")],
                "unapplied": [],
                "warnings": [],
                "verdict": "changes",
            },
        })
    );
}
