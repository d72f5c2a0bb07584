//! A self-deployed copy of the program: once the process names its address, every instruction,
//! program-derived address and account check is the copy's. (Its own test binary: the choice
//! holds for the whole process.)
use {
    ballast_client::{instructions as ix, pda, program_id, ClientError, ObligationKeys},
    solana_sdk::{account::Account, pubkey::Pubkey},
};

#[test]
fn the_chosen_program_id_names_every_instruction_pda_and_owner() {
    let ours = Pubkey::new_unique();
    assert_eq!(program_id::get(), ballast::ID);
    program_id::set(ours).unwrap();
    assert_eq!(program_id::get(), ours);
    // Instructions go to it, and name it and its event authority.
    let market = Pubkey::new_unique();
    let keys = ObligationKeys::new(market, Pubkey::new_unique(), 0);
    let open = ix::init_obligation(&Pubkey::new_unique(), &keys, 0);
    assert_eq!(open.program_id, ours);
    let event_authority = Pubkey::find_program_address(&[b"__event_authority"], &ours).0;
    assert_eq!(pda::event_authority(), event_authority);
    assert!(open.accounts.iter().any(|a| a.pubkey == ours));
    assert!(open.accounts.iter().any(|a| a.pubkey == event_authority));
    // Program-derived addresses are the copy's.
    let (owner, id) = (Pubkey::new_unique(), 3u16);
    let expected = Pubkey::find_program_address(
        &[
            b"obligation",
            market.as_ref(),
            owner.as_ref(),
            &id.to_le_bytes(),
        ],
        &ours,
    )
    .0;
    assert_eq!(pda::obligation(&market, &owner, id), expected);
    // An account owned by Ballast's own deployment is not the copy's.
    let theirs = Account {
        owner: ballast::ID,
        data: vec![0; 16],
        ..Account::default()
    };
    assert!(matches!(
        ballast_client::accounts::decode_obligation(&Pubkey::new_unique(), &theirs),
        Err(ClientError::WrongAccountType(..))
    ));
    // Another address later is refused; the same one is fine.
    program_id::set(ours).unwrap();
    let other = Pubkey::new_unique();
    assert_eq!(
        program_id::set(other).unwrap_err().to_string(),
        format!(
            "invalid setting: the program id is already {ours}; it cannot become {other} in the \
             same process"
        )
    );
}
