//! The price table of the provider-cost estimate (USD), configurable at start-up.

/// Prices in US dollars.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriceTable {
    /// One number held for a month (30 days): default $1.00.
    pub number_month: f64,
    /// One message, either direction: default $0.005.
    pub message: f64,
    /// Meta's fee for one business-initiated WhatsApp template: default $0.0034.
    pub whatsapp_template: f64,
}

impl Default for PriceTable {
    fn default() -> Self {
        Self {
            number_month: 1.00,
            message: 0.005,
            whatsapp_template: 0.0034,
        }
    }
}

/// A number-month: 30 days, in milliseconds.
pub const NUMBER_MONTH_MS: f64 = 30.0 * 24.0 * 3600.0 * 1000.0;
