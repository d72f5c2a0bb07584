//! The wire between the test bank and `ballast-svm` (tools/svm), the process that runs SBF
//! builds in LiteSVM: one length-prefixed bincode frame per request and per response, over the
//! child's stdin and stdout. Plain types only, so both sides compile this file whatever their
//! Solana crates' versions (the server's agave 4.3 needs a newer rustc than the workspace's).
use {
    serde::{de::DeserializeOwned, Deserialize, Serialize},
    std::io::{self, Read, Write},
};

pub type Address = [u8; 32];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireAccount {
    pub lamports: u64,
    pub data: Vec<u8>,
    pub owner: Address,
    pub executable: bool,
    pub rent_epoch: u64,
}

/// The Clock sysvar's fields, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireClock {
    pub slot: u64,
    pub epoch_start_timestamp: i64,
    pub epoch: u64,
    pub leader_schedule_epoch: u64,
    pub unix_timestamp: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Deploys `elf` at `id` under the loader `loader` (v2 or upgradeable).
    AddProgram {
        id: Address,
        loader: Address,
        elf: Vec<u8>,
    },
    SetAccount {
        address: Address,
        account: WireAccount,
    },
    Account(Address),
    /// A bincode `VersionedTransaction`, run without committing anything.
    Simulate(Vec<u8>),
    /// A bincode `VersionedTransaction`, run and committed if it succeeds.
    Process(Vec<u8>),
    Clock,
    SetClock(WireClock),
    /// Moves to `slot` with a new blockhash (the clock's other fields are kept).
    Warp(u64),
    LatestBlockhash,
    Airdrop {
        to: Address,
        lamports: u64,
    },
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Response {
    Done,
    Account(Option<WireAccount>),
    Executed(Executed),
    Clock(WireClock),
    Blockhash([u8; 32]),
    /// The request could not be carried out (not a transaction error: those are `Executed`).
    Failed(String),
}

/// What running a transaction left behind.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Executed {
    /// The bincode `TransactionError`; `None` when it succeeded.
    pub error: Option<Vec<u8>>,
    pub logs: Vec<String>,
    pub compute_units: u64,
    /// Per top-level instruction, the instructions it invoked.
    pub inner: Vec<Vec<WireInner>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct WireInner {
    pub program_id_index: u8,
    pub accounts: Vec<u8>,
    pub data: Vec<u8>,
    pub stack_height: u32,
}

/// Writes one frame: the length (u32, little-endian), then the bincode bytes.
pub fn write_frame<T: Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    let bytes = bincode::serialize(value).map_err(io::Error::other)?;
    let len = u32::try_from(bytes.len()).map_err(io::Error::other)?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&bytes)?;
    out.flush()
}

/// Reads one frame; `None` at the end of the stream.
pub fn read_frame<T: DeserializeOwned>(input: &mut impl Read) -> io::Result<Option<T>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
    input.read_exact(&mut bytes)?;
    bincode::deserialize(&bytes)
        .map(Some)
        .map_err(io::Error::other)
}
