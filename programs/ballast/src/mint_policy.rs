//! Which liquidity mints a reserve may list. SPL Token mints always; Token-2022 mints only
//! with extensions on an allowlist, since vault accounting assumes a transfer moves exactly
//! the amount sent and that nobody else can move or freeze the vaults' tokens.
//!
//! Accepted: `TransferFeeConfig` with a zero fee (now and scheduled), `TransferHook` with no
//! program, `MetadataPointer`, `TokenMetadata`, `ConfidentialTransferMint`,
//! `ConfidentialTransferFeeConfig`, `MintCloseAuthority`, `DefaultAccountState` other than
//! frozen, and `PermanentDelegate` only with the reserve's explicit acknowledgement. Refused,
//! each with its own error: a non-zero transfer fee, a live transfer hook, non-transferable,
//! default-frozen accounts, and every other extension.
//!
//! A fee or hook set after listing (their authorities can) makes transfers move a different
//! amount or need other accounts: the post-transfer vault checks then refuse every transfer,
//! so the reserve stops rather than loses money.
use {
    crate::errors::BallastError,
    anchor_lang::prelude::*,
    anchor_spl::token_2022::spl_token_2022::{
        extension::{
            default_account_state::DefaultAccountState,
            transfer_fee::{TransferFee, TransferFeeConfig},
            transfer_hook::TransferHook,
            BaseStateWithExtensions, ExtensionType, StateWithExtensions,
        },
        state::{AccountState, Mint},
    },
};

/// The transfer fee `data` (a mint owned by `owner`) charges in `epoch`, when it charges one.
pub fn transfer_fee(owner: &Pubkey, data: &[u8], epoch: u64) -> Result<Option<TransferFee>> {
    if *owner != anchor_spl::token_2022::ID {
        return Ok(None);
    }
    let mint = StateWithExtensions::<Mint>::unpack(data)?;
    let Ok(config) = mint.get_extension::<TransferFeeConfig>() else {
        return Ok(None);
    };
    let fee = *config.get_epoch_fee(epoch);
    Ok((u16::from(fee.transfer_fee_basis_points) > 0).then_some(fee))
}

/// Checks the liquidity mint (its owner and data) against the policy.
pub fn check_liquidity_mint(
    owner: &Pubkey,
    data: &[u8],
    permanent_delegate_acknowledged: bool,
) -> Result<()> {
    if *owner != anchor_spl::token_2022::ID {
        return Ok(());
    }
    let mint = StateWithExtensions::<Mint>::unpack(data)?;
    for extension in mint.get_extension_types()? {
        match extension {
            ExtensionType::TransferFeeConfig => {
                let fees = mint.get_extension::<TransferFeeConfig>()?;
                let bps = |fee: &anchor_spl::token_2022::spl_token_2022::extension::transfer_fee::TransferFee| {
                    u16::from(fee.transfer_fee_basis_points)
                };
                require!(
                    bps(&fees.older_transfer_fee) == 0 && bps(&fees.newer_transfer_fee) == 0,
                    BallastError::TransferFeeNotZero
                );
            }
            ExtensionType::TransferHook => {
                let hook = mint.get_extension::<TransferHook>()?;
                require!(
                    Option::<Pubkey>::from(hook.program_id).is_none(),
                    BallastError::LiveTransferHook
                );
            }
            ExtensionType::PermanentDelegate => require!(
                permanent_delegate_acknowledged,
                BallastError::PermanentDelegateNotAcknowledged
            ),
            ExtensionType::DefaultAccountState => {
                let default = mint.get_extension::<DefaultAccountState>()?;
                require!(
                    default.state != AccountState::Frozen as u8,
                    BallastError::DefaultFrozenAccounts
                );
            }
            ExtensionType::NonTransferable => return err!(BallastError::NonTransferableMint),
            ExtensionType::MetadataPointer
            | ExtensionType::TokenMetadata
            | ExtensionType::ConfidentialTransferMint
            | ExtensionType::ConfidentialTransferFeeConfig
            | ExtensionType::MintCloseAuthority => {}
            other => {
                msg!("unsupported mint extension: {:?}", other);
                return err!(BallastError::UnsupportedMintExtension);
            }
        }
    }
    Ok(())
}
