/// An operational failure of storage (database unreachable, corrupt row). Never a business
/// refusal; the API answers 503 and logs the cause once.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("storage failure: {0}")]
pub struct StoreError(pub String);

impl StoreError {
    /// Wraps any error's text.
    pub fn from_error(error: impl std::fmt::Display) -> Self {
        Self(error.to_string())
    }
}
