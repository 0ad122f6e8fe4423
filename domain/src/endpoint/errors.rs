/// The rules of the `Endpoint` aggregate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// No such endpoint for this organization (never created, deleted, or another
    /// organization's: one tenant never learns of another's endpoints).
    #[error("no such endpoint")]
    NotFound,
    /// The id is taken (a retried create with a colliding id).
    #[error("the endpoint already exists")]
    AlreadyExists,
    /// The description is longer than 500 characters.
    #[error("the description is longer than 500 characters")]
    DescriptionTooLong,
}
