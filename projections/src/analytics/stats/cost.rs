//! The number-months an organization held in a range and the estimated provider cost of a
//! range's figures.

use super::Figures;
use crate::analytics::numbers::Ownership;
use crate::analytics::prices::{PriceTable, NUMBER_MONTH_MS};

/// `figures` of `[from_ms, to_ms)` with the number-months `ownerships` held in that range and
/// the estimated cost at `prices`.
pub(super) fn priced(
    mut figures: Figures,
    ownerships: &[Ownership],
    from_ms: i64,
    to_ms: i64,
    prices: &PriceTable,
) -> Figures {
    let held_ms: i64 = ownerships
        .iter()
        .map(|o| {
            let end = o.released_ms.unwrap_or(i64::MAX).min(to_ms);
            (end - o.provisioned_ms.max(from_ms)).max(0)
        })
        .sum();
    figures.number_months = held_ms as f64 / NUMBER_MONTH_MS;
    figures.estimated_cost_usd = (figures.inbound + figures.outbound) as f64 * prices.message
        + figures.whatsapp_templates as f64 * prices.whatsapp_template
        + figures.number_months * prices.number_month;
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cost_counts_messages_templates_and_number_months() {
        let counted = Figures {
            inbound: 1,
            outbound: 1,
            whatsapp_templates: 1,
            ..Figures::default()
        };
        let held = Ownership {
            phone_number: "+1".into(),
            organization_id: "o".into(),
            provider: "sandbox".into(),
            provider_sid: "PN".into(),
            provisioned_ms: 0,
            released_ms: None,
            ended_as: None,
        };
        let month = NUMBER_MONTH_MS as i64;
        let f = priced(counted, &[held], 0, month, &PriceTable::default());
        assert!((f.number_months - 1.0).abs() < 1e-9);
        assert!((f.estimated_cost_usd - (2.0 * 0.005 + 0.0034 + 1.0)).abs() < 1e-9);
        let half = priced(
            Figures::default(),
            &[],
            0,
            month / 2,
            &PriceTable::default(),
        );
        assert_eq!(half.number_months, 0.0);
    }
}
