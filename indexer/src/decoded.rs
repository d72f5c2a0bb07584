//! One event's data (discriminator + Borsh body) as the `events` table stores it: its kind,
//! the common header, and its own fields as JSON.
use {
    anchor_lang::AnchorDeserialize,
    ballast::events::*,
    ballast_client::events::decode,
    serde_json::{json, Value},
};

/// An event, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedEvent {
    /// The event's type name (`Borrowed`), or `Unknown` for a discriminator this build does
    /// not know (a newer program): its header is still read, every event starts with it.
    pub kind: &'static str,
    pub header: EventHeader,
    /// The fields after the header. Raw `Fixed` (`*_sf`, u128) values are decimal strings:
    /// JSON readers lose precision past 2^53.
    pub fields: Value,
}

/// Tries one event type after another: the first whose discriminator matches decodes it.
macro_rules! decode_as {
    ($data:expr, $( $ty:ident => |$e:ident| $fields:expr ),* $(,)?) => {
        $(
            if let Some($e) = decode::<$ty>(std::slice::from_ref($data)).pop() {
                return Some(DecodedEvent {
                    kind: stringify!($ty),
                    header: $e.header,
                    fields: $fields,
                });
            }
        )*
    };
}

/// `data` (an event's discriminator and body) decoded; `None` if it is not an event at all
/// (too short for a header).
pub fn decode_event(data: &Vec<u8>) -> Option<DecodedEvent> {
    decode_as!(data,
        MarketInitialized => |e| json!({ "admin": e.admin.to_string(), "config": format!("{:?}", e.config) }),
        MarketUpdated => |e| json!({ "change": format!("{:?}", e.change) }),
        ReserveInitialized => |e| json!({
            "liquidity_mint": e.liquidity_mint.to_string(),
            "oracle": e.oracle.to_string(),
            "seed_amount": e.seed_amount,
        }),
        ReserveUpdated => |e| json!({ "change": format!("{:?}", e.change) }),
        ReserveRefreshed => |e| json!({
            "cumulative_borrow_index_sf": e.cumulative_borrow_index_sf.to_string(),
            "borrowed_amount_sf": e.borrowed_amount_sf.to_string(),
            "available_amount": e.available_amount,
        }),
        PriceSourceChanged => |e| json!({ "previous": e.previous, "source": e.source }),
        ObligationInitialized => |e| json!({ "owner": e.owner.to_string(), "obligation_id": e.obligation_id }),
        Deposited => |e| json!({
            "liquidity_amount": e.liquidity_amount,
            "collateral_amount": e.collateral_amount,
            "pledged": e.pledged,
        }),
        Redeemed => |e| json!({
            "collateral_amount": e.collateral_amount,
            "liquidity_amount": e.liquidity_amount,
            "unpledged": e.unpledged,
        }),
        CollateralDeposited => |e| json!({ "collateral_amount": e.collateral_amount }),
        CollateralWithdrawn => |e| json!({ "collateral_amount": e.collateral_amount }),
        EmodeSet => |e| json!({ "previous_group": e.previous_group, "group": e.group }),
        Borrowed => |e| json!({ "amount": e.amount, "fee_sf": e.fee_sf.to_string() }),
        Repaid => |e| json!({ "amount": e.amount, "closed": e.closed }),
        ProtocolFeesWithdrawn => |e| json!({
            "collected": e.collected,
            "redeemed_collateral": e.redeemed_collateral,
            "amount": e.amount,
            "destination": e.destination.to_string(),
        }),
        Liquidated => |e| json!({
            "withdraw_reserve": e.withdraw_reserve.to_string(),
            "repaid_amount": e.repaid_amount,
            "seized_collateral": e.seized_collateral,
            "protocol_collateral": e.protocol_collateral,
            "payout": format!("{:?}", e.payout),
            "payout_amount": e.payout_amount,
            "bonus_sf": e.bonus_sf.to_string(),
        }),
        BadDebtSocialized => |e| json!({
            "written_off_sf": e.written_off_sf.to_string(),
            "exchange_rate_before_sf": e.exchange_rate_before_sf.to_string(),
            "exchange_rate_after_sf": e.exchange_rate_after_sf.to_string(),
        }),
        PauseSet => |e| json!({ "paused": e.paused }),
        AdminChanged => |e| json!({ "admin": e.admin.to_string(), "pending_admin": e.pending_admin.to_string() }),
        ObligationClosed => |_e| json!({}),
        FlashBorrowed => |e| json!({ "amount": e.amount }),
        FlashRepaid => |e| json!({ "amount": e.amount, "fee": e.fee }),
    );
    let (discriminator, mut body) = (data.get(..8)?, data.get(8..)?);
    let header = EventHeader::deserialize(&mut body).ok()?;
    Some(DecodedEvent {
        kind: "Unknown",
        header,
        fields: json!({ "discriminator": bs58::encode(discriminator).into_string() }),
    })
}

#[cfg(test)]
mod tests {
    use {super::*, anchor_lang::Event, solana_sdk::pubkey::Pubkey};

    fn header() -> EventHeader {
        EventHeader {
            market: Pubkey::new_unique(),
            reserve: Pubkey::new_unique(),
            obligation: Pubkey::new_unique(),
            signer: Pubkey::new_unique(),
            slot: 3,
            unix_timestamp: 4,
        }
    }

    #[test]
    fn raw_fixed_values_are_decimal_strings() {
        let e = Borrowed {
            header: header(),
            amount: 5,
            fee_sf: u128::MAX,
        };
        let d = decode_event(&e.data()).expect("decoded");
        assert_eq!(d.kind, "Borrowed");
        assert_eq!(d.header, e.header);
        assert_eq!(
            d.fields,
            json!({ "amount": 5, "fee_sf": u128::MAX.to_string() })
        );
    }

    #[test]
    fn an_unknown_event_keeps_its_header() {
        let h = header();
        let mut data = vec![1, 2, 3, 4, 5, 6, 7, 8];
        data.extend(borsh_header(&h));
        let d = decode_event(&data).expect("decoded");
        assert_eq!((d.kind, d.header), ("Unknown", h));
        assert_eq!(
            d.fields["discriminator"],
            bs58::encode(&data[..8]).into_string()
        );
        assert_eq!(decode_event(&vec![1, 2, 3]), None);
    }

    fn borsh_header(h: &EventHeader) -> Vec<u8> {
        let mut out = Vec::new();
        anchor_lang::AnchorSerialize::serialize(h, &mut out).expect("serialize");
        out
    }
}
