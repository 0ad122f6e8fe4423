/// Why the `ApiKeys` aggregate refused a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiKeyError {
    /// No such key in this organization.
    #[error("no such API key in this organization")]
    NotFound,
    /// A key with this id exists already.
    #[error("an API key with this id exists already")]
    DuplicateKey,
    /// The organization holds the most unrevoked keys it may.
    #[error("an organization holds at most {limit} unrevoked API keys; revoke one first")]
    TooManyKeys {
        /// The bound.
        limit: usize,
    },
    /// The name is empty or too long.
    #[error("a key name has 1 to 100 characters")]
    InvalidName,
}
