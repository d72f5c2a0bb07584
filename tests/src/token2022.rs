//! Token-2022 mints for tests: mints with chosen extensions, and the real PYUSD mint.
use {
    crate::TestMarket,
    anchor_spl::token_2022::spl_token_2022::{
        self,
        extension::{
            default_account_state, interest_bearing_mint, metadata_pointer, transfer_fee,
            transfer_hook, ExtensionType,
        },
        state::{AccountState, Mint},
    },
    ballast_client::Transport,
    base64::Engine,
    solana_sdk::{
        account::Account, instruction::Instruction, pubkey::Pubkey, rent::Rent, signature::Keypair,
        signer::Signer,
    },
};

/// A mint extension to initialize (with the values a test needs).
#[derive(Clone, Copy, Debug)]
pub enum MintExtension {
    TransferFee { basis_points: u16 },
    TransferHook { program: Option<Pubkey> },
    NonTransferable,
    DefaultAccountState(AccountState),
    PermanentDelegate,
    MetadataPointer,
    MintCloseAuthority,
    InterestBearing,
}

impl MintExtension {
    fn kind(self) -> ExtensionType {
        match self {
            MintExtension::TransferFee { .. } => ExtensionType::TransferFeeConfig,
            MintExtension::TransferHook { .. } => ExtensionType::TransferHook,
            MintExtension::NonTransferable => ExtensionType::NonTransferable,
            MintExtension::DefaultAccountState(_) => ExtensionType::DefaultAccountState,
            MintExtension::PermanentDelegate => ExtensionType::PermanentDelegate,
            MintExtension::MetadataPointer => ExtensionType::MetadataPointer,
            MintExtension::MintCloseAuthority => ExtensionType::MintCloseAuthority,
            MintExtension::InterestBearing => ExtensionType::InterestBearingConfig,
        }
    }

    fn initialize(self, mint: &Pubkey, authority: &Pubkey) -> Instruction {
        let id = &spl_token_2022::ID;
        match self {
            MintExtension::TransferFee { basis_points } => {
                transfer_fee::instruction::initialize_transfer_fee_config(
                    id,
                    mint,
                    Some(authority),
                    Some(authority),
                    basis_points,
                    u64::MAX,
                )
            }
            MintExtension::TransferHook { program } => {
                transfer_hook::instruction::initialize(id, mint, Some(*authority), program)
            }
            MintExtension::NonTransferable => {
                spl_token_2022::instruction::initialize_non_transferable_mint(id, mint)
            }
            MintExtension::DefaultAccountState(state) => {
                default_account_state::instruction::initialize_default_account_state(
                    id, mint, &state,
                )
            }
            MintExtension::PermanentDelegate => {
                spl_token_2022::instruction::initialize_permanent_delegate(id, mint, authority)
            }
            MintExtension::MetadataPointer => {
                metadata_pointer::instruction::initialize(id, mint, Some(*authority), Some(*mint))
            }
            MintExtension::MintCloseAuthority => {
                spl_token_2022::instruction::initialize_mint_close_authority(
                    id,
                    mint,
                    Some(authority),
                )
            }
            MintExtension::InterestBearing => {
                interest_bearing_mint::instruction::initialize(id, mint, Some(*authority), 500)
            }
        }
        .expect("valid extension instruction")
    }
}

impl TestMarket {
    /// A Token-2022 mint with `extensions`, minted by the market's test mint authority.
    pub async fn create_token_2022_mint(
        &self,
        decimals: u8,
        extensions: &[MintExtension],
    ) -> Pubkey {
        let mint = Keypair::new();
        let kinds: Vec<_> = extensions.iter().map(|e| e.kind()).collect();
        let len = ExtensionType::try_calculate_account_len::<Mint>(&kinds).expect("mint length");
        let authority = self.mint_authority();
        let id = spl_token_2022::ID;
        let mut ixs = vec![
            anchor_lang::solana_program::system_instruction::create_account(
                &self.payer.pubkey(),
                &mint.pubkey(),
                Rent::default().minimum_balance(len),
                len as u64,
                &id,
            ),
        ];
        ixs.extend(
            extensions
                .iter()
                .map(|e| e.initialize(&mint.pubkey(), &authority)),
        );
        ixs.push(
            spl_token_2022::instruction::initialize_mint2(
                &id,
                &mint.pubkey(),
                &authority,
                Some(&authority),
                decimals,
            )
            .expect("valid mint instruction"),
        );
        self.bank
            .send(&ixs, &[&self.payer, &mint])
            .await
            .expect("create Token-2022 mint");
        mint.pubkey()
    }
}

/// The PayPal USD mint on mainnet (Token-2022, 6 decimals).
pub const PYUSD: Pubkey = solana_sdk::pubkey!("2b1kV6DkPAnxd5ixfnxCpjxmKwqjjaYmCZfHsFu24GXo");

/// The real PYUSD mint account (tests/fixtures/token-2022/pyusd_mint.json), with its mint
/// authority replaced by `authority` so tests can mint it. Every extension is as on mainnet.
pub fn pyusd_mint(authority: &Pubkey) -> Account {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/token-2022/pyusd_mint.json"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let account = &json["account"];
    let mut data = base64::engine::general_purpose::STANDARD
        .decode(account["data"][0].as_str().expect("base64 data"))
        .expect("base64");
    // Mint layout: COption<Pubkey> mint authority (4-byte tag, then the key).
    data[4..36].copy_from_slice(authority.as_ref());
    Account {
        lamports: account["lamports"].as_u64().expect("lamports"),
        data,
        owner: spl_token_2022::ID,
        executable: false,
        rent_epoch: 0,
    }
}
