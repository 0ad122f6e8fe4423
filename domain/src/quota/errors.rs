use crate::BillingPeriod;

/// The rules of the `Quota` aggregate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuotaError {
    /// The plan's messages for the period are used up.
    #[error("the plan's {limit} messages for this period are used ({used})")]
    QuotaExhausted {
        /// The limit.
        limit: u32,
        /// Messages counted.
        used: u32,
    },
    /// A command for one period sent to another period's stream.
    #[error("command for period {command} sent to the stream of {stream}")]
    WrongPeriod {
        /// The stream's period.
        stream: BillingPeriod,
        /// The command's period.
        command: BillingPeriod,
    },
}
