//! Every `ballast` subcommand end to end against the in-process bank, and the binary's exits.
mod admin;
mod backoffice;
mod binary;
mod emode;
mod errors;
mod harness;
mod large;
mod lending;
mod liquidate;
