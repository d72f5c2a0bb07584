//! The security suite: every attack of SECURITY.md (numbered `attack_NN_*`), incident replays,
//! rounding loops and invariant fuzzing. Each refusal asserts the exact error and that every
//! account involved is byte-for-byte unchanged.
mod access;
mod accounts;
mod amounts;
mod config;
mod controls;
mod debt_limits;
mod emode;
mod health;
mod incidents;
mod invariants;
mod liquidation_attacks;
mod oracle_sources;
mod oracles;
mod positions;
mod token_2022;
