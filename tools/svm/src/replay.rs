//! `replay`: runs transaction files, in order on one state, on programs loaded from `.so` files,
//! and prints one JSON line per transaction with the compute units it consumed. Signatures and
//! blockhashes are not checked, so recorded transactions replay unsigned.
use {
    base64::Engine,
    litesvm::LiteSVM,
    serde_json::{json, Value},
    solana_account::Account,
    solana_address::Address,
    solana_clock::Clock,
    solana_instruction::{AccountMeta, Instruction},
    solana_message::Message,
    solana_signature::Signature,
    solana_transaction::{versioned::VersionedTransaction, Transaction},
    std::str::FromStr,
};

const HELP: &str = "\
usage: ballast-svm replay [--program ID=FILE.so]... [--account FILE.json]... [--clock UNIX_TS[:SLOT]] [--classic-token] [--quiet] TX.json...
  --program ID=FILE.so   deploy an SBF build at ID (also over a default program)
  --classic-token        SPL Token 3.5.0 instead of p-token, mainnet's SPL Token
  --account FILE.json    an account as `solana account --output json` writes it
  --clock TS[:SLOT]      the Clock the transactions see
  TX.json                {\"payer\": \"<optional>\", \"instructions\": [{\"program_id\": \"..\",
                         \"accounts\": [{\"pubkey\": \"..\", \"is_signer\": b, \"is_writable\": b}],
                         \"data\": \"<hex>\"}]}
Prints {\"tx\", \"ok\", \"cu\", \"err\"} per transaction (logs on stderr unless --quiet); exits 3
when one failed.";

const SOL: u64 = 1_000_000_000;

pub fn run(args: Vec<String>) -> Result<bool, String> {
    // Decided before anything is loaded: the default programs depend on it.
    let classic = args.iter().any(|a| a == "--classic-token");
    let mut svm = vm(classic)
        .with_sigverify(false)
        .with_blockhash_check(false)
        // The same transaction may be replayed twice.
        .with_transaction_history(0);
    let mut quiet = false;
    let mut files = Vec::new();
    let mut args = args.into_iter().filter(|a| a != "--classic-token");
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value\n{HELP}"));
        match arg.as_str() {
            "-h" | "--help" => return Err(HELP.into()),
            "-q" | "--quiet" => quiet = true,
            "--program" => {
                let spec = value()?;
                let (id, file) = spec
                    .split_once('=')
                    .ok_or_else(|| format!("--program {spec}: wants ID=FILE.so"))?;
                svm.add_program(address(id)?, &read(file)?)
                    .map_err(|e| format!("--program {spec}: {e:?}"))?;
            }
            "--account" => {
                let file = value()?;
                let (id, account) = account_file(&file)?;
                svm.set_account(id, account)
                    .map_err(|e| format!("--account {file}: {e:?}"))?;
            }
            "--clock" => set_clock(&mut svm, &value()?)?,
            other if other.starts_with('-') => return Err(format!("unknown option {other}\n{HELP}")),
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        return Err(HELP.into());
    }
    let mut all_ok = true;
    for file in files {
        let tx = transaction_file(&file)?;
        let payer = tx.message.static_account_keys()[0];
        if svm.get_balance(&payer).unwrap_or(0) < SOL {
            svm.airdrop(&payer, 10 * SOL)
                .map_err(|f| format!("funding the payer: {:?}", f.err))?;
        }
        let (ok, meta, err) = match svm.send_transaction(tx) {
            Ok(meta) => (true, meta, Value::Null),
            Err(failed) => (false, failed.meta, json!(format!("{:?}", failed.err))),
        };
        if !quiet {
            for line in &meta.logs {
                eprintln!("{line}");
            }
        }
        all_ok &= ok;
        println!(
            "{}",
            json!({"tx": file, "ok": ok, "cu": meta.compute_units_consumed, "err": err})
        );
    }
    Ok(all_ok)
}

/// A LiteSVM with mainnet's features, its SPL Token being p-token (as on mainnet since the
/// feature's activation) or, `classic`, SPL Token 3.5.0.
fn vm(classic: bool) -> LiteSVM {
    if !classic {
        return LiteSVM::new();
    }
    let mut features = LiteSVM::mainnet_feature_set();
    features.deactivate(&agave_feature_set::replace_spl_token_with_p_token::id());
    LiteSVM::default()
        .with_feature_set(features)
        .with_builtins()
        .with_lamports(1_000_000 * SOL)
        .with_sysvars()
        .with_feature_accounts()
        .with_default_programs()
}

fn address(text: &str) -> Result<Address, String> {
    Address::from_str(text.trim()).map_err(|e| format!("not an address: {text}: {e}"))
}

fn read(file: &str) -> Result<Vec<u8>, String> {
    std::fs::read(file).map_err(|e| format!("{file}: {e}"))
}

fn json_file(file: &str) -> Result<Value, String> {
    serde_json::from_slice(&read(file)?).map_err(|e| format!("{file}: {e}"))
}

fn field<'a>(value: &'a Value, name: &str, file: &str) -> Result<&'a str, String> {
    value[name]
        .as_str()
        .ok_or_else(|| format!("{file}: no \"{name}\""))
}

/// `TS` or `TS:SLOT`.
fn set_clock(svm: &mut LiteSVM, spec: &str) -> Result<(), String> {
    let (time, slot) = match spec.split_once(':') {
        Some((time, slot)) => (time, Some(slot)),
        None => (spec, None),
    };
    let mut clock: Clock = svm.get_sysvar();
    clock.unix_timestamp = time
        .parse()
        .map_err(|e| format!("--clock {spec}: {e}"))?;
    if let Some(slot) = slot {
        clock.slot = slot.parse().map_err(|e| format!("--clock {spec}: {e}"))?;
    }
    svm.set_sysvar(&clock);
    Ok(())
}

/// `{"pubkey", "account": {"lamports", "data": ["<base64>", "base64"], "owner", "executable",
/// "rentEpoch"}}`, as `solana account --output json` writes it.
fn account_file(file: &str) -> Result<(Address, Account), String> {
    let v = json_file(file)?;
    let a = &v["account"];
    let data = match a["data"].as_array().map(Vec::as_slice) {
        Some([text, encoding]) if encoding == "base64" => base64::engine::general_purpose::STANDARD
            .decode(text.as_str().unwrap_or_default())
            .map_err(|e| format!("{file}: data: {e}"))?,
        _ => return Err(format!("{file}: \"data\" is not [\"<base64>\", \"base64\"]")),
    };
    let account = Account {
        lamports: a["lamports"]
            .as_u64()
            .ok_or_else(|| format!("{file}: no \"lamports\""))?,
        data,
        owner: address(field(a, "owner", file)?)?,
        executable: a["executable"].as_bool().unwrap_or(false),
        rent_epoch: a["rentEpoch"].as_u64().unwrap_or(0),
    };
    Ok((address(field(&v, "pubkey", file)?)?, account))
}

fn transaction_file(file: &str) -> Result<VersionedTransaction, String> {
    let v = json_file(file)?;
    let mut instructions = Vec::new();
    for ix in v["instructions"]
        .as_array()
        .ok_or_else(|| format!("{file}: no \"instructions\""))?
    {
        let mut accounts = Vec::new();
        for meta in ix["accounts"].as_array().map(Vec::as_slice).unwrap_or_default() {
            let key = address(field(meta, "pubkey", file)?)?;
            let signer = meta["is_signer"].as_bool().unwrap_or(false);
            accounts.push(match meta["is_writable"].as_bool().unwrap_or(false) {
                true => AccountMeta::new(key, signer),
                false => AccountMeta::new_readonly(key, signer),
            });
        }
        instructions.push(Instruction {
            program_id: address(field(ix, "program_id", file)?)?,
            accounts,
            data: hex(ix["data"].as_str().unwrap_or_default())
                .map_err(|e| format!("{file}: {e}"))?,
        });
    }
    let payer = match v["payer"].as_str() {
        Some(payer) => address(payer)?,
        None => instructions
            .iter()
            .flat_map(|ix| &ix.accounts)
            .find(|meta| meta.is_signer)
            .map(|meta| meta.pubkey)
            .ok_or_else(|| format!("{file}: no \"payer\" and no signer"))?,
    };
    let message = Message::new(&instructions, Some(&payer));
    let signatures = vec![Signature::default(); usize::from(message.header.num_required_signatures)];
    Ok(Transaction {
        signatures,
        message,
    }
    .into())
}

fn hex(text: &str) -> Result<Vec<u8>, String> {
    if text.len() % 2 != 0 {
        return Err(format!("odd-length hex: {text}"));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|e| format!("hex {text}: {e}")))
        .collect()
}
