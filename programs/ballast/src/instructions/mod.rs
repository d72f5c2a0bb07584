//! One module per instruction: its accounts, args, `validate()` and handler.
pub mod admin;
pub mod shared;
pub mod user;

// Anchor's program macro needs each accounts struct's generated client modules at the crate
// root; the `handler` functions collide but are always called by module path.
#[allow(ambiguous_glob_reexports)]
pub use {
    admin::{
        init_market::*, init_reserve::*, set_pause::*, transfer_admin::*, update_market::*,
        update_reserve::*, withdraw_protocol_fees::*,
    },
    user::{
        borrow::*, close_obligation::*, deposit::*, deposit_collateral::*, flash_loan::*,
        init_obligation::*, liquidate::*, redeem::*, refresh_reserve::*, repay::*,
        set_obligation_emode::*, socialize_bad_debt::*, supply::*, withdraw::*,
        withdraw_collateral::*,
    },
};
