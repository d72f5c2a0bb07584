pub mod ballast_accounts;
pub mod deposit;
pub mod emode;
pub mod init_vault;
pub mod manage;
pub mod withdraw;

// The generated client modules of each accounts struct must sit at the crate root; the
// handlers are always called by module path.
#[allow(ambiguous_glob_reexports)]
pub use {ballast_accounts::*, deposit::*, emode::*, init_vault::*, manage::*, withdraw::*};
