//! Every `ballast` subcommand end to end against the in-process bank, and the binary's exits.
mod admin;
mod backoffice;
mod backoffice_alerts;
mod backoffice_bad_debt;
mod backoffice_flags;
mod backoffice_shutdown;
mod binary;
mod emode;
mod errors;
mod harness;
mod help;
mod labels;
mod large;
mod lending;
mod liquidate;
mod obligations;
mod spy;
