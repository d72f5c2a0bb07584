//! `ballast <command> --help` documents every argument, flag and value it lists, and lists no
//! flag the command ignores.
use {ballast_cli::commands::command_line, clap::Command};

/// Every command of `command` (itself first) with its path ("ballast reserve add").
fn walk(command: &Command, path: &str, all: &mut Vec<(String, Command)>) {
    all.push((path.to_string(), command.clone()));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        walk(sub, &format!("{path} {}", sub.get_name()), all);
    }
}

fn commands() -> Vec<(String, Command)> {
    let mut root = command_line();
    // As `--help` sees it: global flags copied into the subcommands, help flags added.
    root.build();
    let mut all = Vec::new();
    walk(&root, "ballast", &mut all);
    all
}

/// The visible arguments of `command` that its `--help` lists without a word on them, or
/// with a value (of a value enum) left unexplained.
fn undocumented(command: &mut Command) -> Vec<String> {
    let help = command.render_long_help().to_string();
    let mut missing = Vec::new();
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
        let name = match arg.get_long() {
            Some(long) => format!("--{long}"),
            None => format!("<{}>", arg.get_id().as_str().to_uppercase()),
        };
        let text = arg
            .get_long_help()
            .or(arg.get_help())
            .map(|h| h.to_string());
        match text {
            Some(text) if !text.trim().is_empty() => assert!(
                help.contains(text.lines().next().unwrap()),
                "{name}'s help is not in:\n{help}"
            ),
            _ => missing.push(name.clone()),
        }
        let values = arg.get_possible_values();
        // true/false need no explaining.
        let enumerated = values
            .iter()
            .any(|v| !["true", "false"].contains(&v.get_name()));
        for value in values.iter().filter(|_| enumerated) {
            if value.get_help().is_none() {
                missing.push(format!("{name} {}", value.get_name()));
            }
        }
    }
    missing
}

#[test]
fn every_argument_flag_and_value_has_help_text() {
    let mut missing = Vec::new();
    let mut count = 0;
    for (path, mut command) in commands() {
        count += 1;
        missing.extend(
            undocumented(&mut command)
                .into_iter()
                .map(|arg| format!("{path} {arg}")),
        );
    }
    assert!(count > 25, "{count} commands");
    assert_eq!(missing, Vec::<String>::new());
}

/// The long flags `ballast <path> --help` lists.
fn listed_flags(path: &[&str]) -> Vec<String> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ballast"))
        .args(path)
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8(output.stdout).unwrap();
    help.lines()
        .filter_map(|l| l.trim_start().split("--").nth(1))
        .filter_map(|rest| rest.split([' ', ',', '=']).next())
        .map(|flag| format!("--{flag}"))
        .collect()
}

#[test]
fn demo_and_monitor_list_only_the_flags_they_use() {
    assert_eq!(
        listed_flags(&["demo"]),
        [
            "--url",
            "--keypair",
            "--config",
            "--program-id",
            "--output",
            "--rpc-timeout",
            "--commitment",
            "--verbose",
            "--help"
        ]
    );
    let monitor = listed_flags(&["monitor"]);
    for ignored in ["--keypair", "--lookup-table", "--dry-run", "--output"] {
        assert!(!monitor.contains(&ignored.to_string()), "{monitor:?}");
    }
    for used in ["--url", "--config", "--market", "--rpc-timeout", "--once"] {
        assert!(monitor.contains(&used.to_string()), "{monitor:?}");
    }
    // Sending commands keep them all.
    let borrow = listed_flags(&["borrow"]);
    for flag in [
        "--keypair",
        "--lookup-table",
        "--dry-run",
        "--output",
        "--url",
    ] {
        assert!(borrow.contains(&flag.to_string()), "{borrow:?}");
    }
}

#[test]
fn presets_say_what_they_set() {
    let mut add = command_line();
    let mut add = add
        .find_subcommand_mut("reserve")
        .unwrap()
        .find_subcommand_mut("add")
        .unwrap()
        .clone();
    let help = add.render_long_help().to_string();
    for line in [
        "stablecoin: loan-to-value 80.00%, liquidation threshold 85.00%, liquidation bonus \
         2.00%-5.00%, rate curve (utilization:rate bps) 0:0,8000:800,10000:5000; the rest as base",
        "volatile: loan-to-value 75.00%, liquidation threshold 80.00%, liquidation bonus \
         5.00%-10.00%, borrow fee 0.10%, rate curve (utilization:rate bps) \
         0:100,7000:700,10000:15000; the rest as base",
    ] {
        assert!(
            help.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(line),
            "{line}\nnot in:\n{help}"
        );
    }
    assert!(help.contains("base:       loan-to-value 0.00%"), "{help}");
}
