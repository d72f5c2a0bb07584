//! Compute units per instruction on an SBF build: runs the `cu` scenario natively, writes each
//! recorded transaction and its accounts as files, replays each on the SBF `.so` in LiteSVM
//! (`ballast-svm replay`, tools/svm), and prints CU per instruction; any case that ends
//! differently on SBF than natively is reported. `--check` also enforces the budgets. Run
//! through `scripts/cu-bench`, which builds `ballast-svm` (and the `.so`, unless given one).
//!
//! cu_bench --runner PATH --program ballast.so [--out DIR] [--check]
use {
    ballast_testkit::bank::Recorded,
    ballast_tests::cu::{
        live_cases, live_name, outcome, scenario, BUDGETS, LIVE_CASES, LIVE_GAPS,
        NATIVE_ONLY_DIFFERENCES, SOURCE_CHANGES,
    },
    base64::Engine,
    serde_json::{json, Value},
    std::{
        collections::HashMap,
        path::{Path, PathBuf},
        process::{Command, ExitCode},
    },
};

struct Args {
    runner: PathBuf,
    program: PathBuf,
    out: PathBuf,
    check: bool,
}

fn args() -> Result<Args, String> {
    let mut named: HashMap<String, String> = HashMap::new();
    let mut check = false;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--check" {
            check = true;
            continue;
        }
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        named.insert(flag, value);
    }
    let path = |flag: &str| {
        named
            .get(flag)
            .map(PathBuf::from)
            .ok_or(format!("missing {flag} (see scripts/cu-bench)"))
    };
    Ok(Args {
        runner: path("--runner")?,
        program: path("--program")?,
        out: path("--out").unwrap_or_else(|_| PathBuf::from("target/cu-bench")),
        check,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `case` as `ballast-svm replay` input files in `dir`; returns the account files and the tx file.
fn write_case(dir: &Path, case: &Recorded) -> std::io::Result<(Vec<PathBuf>, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    let mut accounts = Vec::new();
    for (i, (key, account)) in case.accounts.iter().enumerate() {
        let file = dir.join(format!("account{i:02}.json"));
        let body = json!({
            "pubkey": key.to_string(),
            "account": {
                "lamports": account.lamports,
                "data": [base64::engine::general_purpose::STANDARD.encode(&account.data), "base64"],
                "owner": account.owner.to_string(),
                "executable": account.executable,
                "rentEpoch": account.rent_epoch,
            },
        });
        std::fs::write(&file, body.to_string())?;
        accounts.push(file);
    }
    let instructions: Vec<Value> = case
        .instructions
        .iter()
        .map(|ix| ballast_client::instructions::to_json(ix, hex(&ix.data)))
        .collect();
    // For replaying one case by hand: ballast-svm replay --clock $(cat clock) ...
    std::fs::write(
        dir.join("clock"),
        format!("{}:{}", case.clock.unix_timestamp, case.clock.slot),
    )?;
    let tx = dir.join("tx.json");
    let body = json!({"payer": case.payer.to_string(), "instructions": instructions});
    std::fs::write(&tx, body.to_string())?;
    Ok((accounts, tx))
}

/// A transaction replayed on the SBF build.
struct Replay {
    cu: u64,
    /// `ok`, or the transaction error.
    outcome: String,
    /// The program emitted an event: a self-CPI (`emit_cpi!`) or a `Program data:` log.
    evented: bool,
    /// The `PriceSourceChanged` events it logged, as (previous, source).
    source_changes: Vec<(u8, u8)>,
}

/// `case` replayed on the SBF build, with mainnet's SPL Token program (p-token) or, `classic`,
/// SPL Token 3.5.0.
fn replay(args: &Args, dir: &Path, case: &Recorded, classic: bool) -> Result<Replay, String> {
    let (accounts, tx) = write_case(dir, case).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(&args.runner);
    cmd.arg("replay")
        .arg("--program")
        .arg(format!("{}={}", ballast::ID, args.program.display()));
    if classic {
        cmd.arg("--classic-token");
    }
    cmd.arg("--clock")
        .arg(format!("{}:{}", case.clock.unix_timestamp, case.clock.slot));
    for account in &accounts {
        cmd.arg("--account").arg(account);
    }
    let output = cmd
        .arg(&tx)
        .output()
        .map_err(|e| format!("{}: {e}", args.runner.display()))?;
    let line = String::from_utf8_lossy(&output.stdout);
    let result: Value = serde_json::from_str(line.trim()).map_err(|e| {
        format!(
            "{}: unexpected output {line:?} ({e}); stderr: {}",
            case.name,
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let cu = result["cu"].as_u64().unwrap_or_default();
    let outcome = match &result["err"] {
        Value::Null => "ok".to_string(),
        Value::String(e) => e.clone(),
        other => other.to_string(),
    };
    let logs = String::from_utf8_lossy(&output.stderr);
    let self_cpi = format!("Program {} invoke [2]", ballast::ID);
    let evented = logs.contains("Program data: ") || logs.contains(&self_cpi);
    let lines: Vec<String> = logs.lines().map(str::to_string).collect();
    let source_changes = ballast_client::events::decode::<ballast::events::PriceSourceChanged>(
        &ballast_client::events::logged(&lines),
    )
    .iter()
    .map(|e| (e.previous, e.source))
    .collect();
    Ok(Replay {
        cu,
        outcome,
        evented,
        source_changes,
    })
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// One case replayed on both token programs, compared with its native outcome.
struct Row {
    p_token: u64,
    classic: u64,
    /// The SBF outcome (p-token).
    sbf: String,
    /// Empty, or why the case fails the run (or is a known difference).
    note: &'static str,
    failed: bool,
}

fn measure(args: &Args, i: usize, case: &Recorded) -> Result<Row, String> {
    let dir = args.out.join(format!("{i:02}-{}", slug(&case.name)));
    let p_token = replay(args, &dir, case, false)?;
    let classic = replay(args, &dir, case, true)?;
    let native = outcome(&case.result);
    let same = native == p_token.outcome && native == classic.outcome;
    // Every state change emits an event: checked here, where logs exist.
    let silent = native == "ok" && !p_token.evented;
    let known = NATIVE_ONLY_DIFFERENCES
        .iter()
        .any(|(name, _)| *name == case.name);
    // A case that must log a change of price source logs exactly that one.
    let expected: Vec<(u8, u8)> = SOURCE_CHANGES
        .iter()
        .filter(|(name, _)| *name == case.name)
        .map(|(_, change)| *change)
        .collect();
    let unlogged = p_token.source_changes != expected;
    let note = match (same, silent, known) {
        (false, _, true) => " (known: native only, see below)",
        (false, _, false) => " **DIVERGES**",
        (true, true, _) => " **NO EVENT**",
        _ if unlogged => " **WRONG SOURCE EVENT**",
        _ => "",
    };
    Ok(Row {
        failed: (!same && !known) || silent || unlogged,
        p_token: p_token.cu,
        classic: classic.cu,
        sbf: p_token.outcome,
        note,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    ballast_testkit::bank::quiet_logs();
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let best = scenario().await;
    let live = live_cases().await;
    let mut rows = HashMap::new();
    let mut diverged = Vec::new();
    for (i, case) in best.iter().chain(&live).enumerate() {
        match measure(&args, i, case) {
            Ok(row) => {
                if row.failed {
                    diverged.push(case.name.clone());
                }
                rows.insert(case.name.clone(), row);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    println!("| instruction | CU, p-token | CU, SPL Token 3.5.0 | native | SBF |");
    println!("|---|---:|---:|---|---|");
    for case in &best {
        let r = &rows[&case.name];
        let native = outcome(&case.result);
        println!(
            "| {} | {} | {} | {native} | {}{} |",
            case.name, r.p_token, r.classic, r.sbf, r.note
        );
    }
    for (name, why) in NATIVE_ONLY_DIFFERENCES {
        println!("\n{name}: {why}.");
    }
    // The live table: p-token (SPL Token 3.5.0) after each gap, beside the best case.
    let gaps: Vec<String> = LIVE_GAPS.iter().map(|g| format!("live +{g} s")).collect();
    println!("\n| instruction | best case | {} |", gaps.join(" | "));
    println!("|---|---:|{}", "---:|".repeat(gaps.len()));
    let cell = |name: &str| {
        rows.get(name).map_or("?".to_string(), |r| {
            format!("{} ({}){}", r.p_token, r.classic, r.note)
        })
    };
    let mut worst = HashMap::new();
    for name in LIVE_CASES {
        let cells: Vec<String> = LIVE_GAPS
            .iter()
            .map(|&g| cell(&live_name(name, g)))
            .collect();
        println!("| {name} | {} | {} |", cell(name), cells.join(" | "));
        let most = LIVE_GAPS
            .iter()
            .map(|&g| {
                rows.get(&live_name(name, g))
                    .map_or(u64::MAX, |r| r.p_token)
            })
            .chain(rows.get(*name).map(|r| r.p_token))
            .max()
            .unwrap_or(u64::MAX);
        worst.insert(*name, most);
    }
    let mut failed = !diverged.is_empty();
    if !diverged.is_empty() {
        eprintln!("ended differently on SBF than natively: {diverged:?}");
    }
    if args.check {
        for (name, budget) in BUDGETS {
            // The most over the best case and every live gap.
            let cu = worst.get(name).copied().unwrap_or(u64::MAX);
            let verdict = if cu <= *budget { "within" } else { "OVER" };
            println!("budget {name}: {cu} CU at most, live included, {verdict} {budget}");
            failed |= cu > *budget;
        }
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
