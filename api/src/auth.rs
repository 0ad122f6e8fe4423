//! `Authorization: Bearer <ADMIN_API_KEY>` on every `/v1` operation.

use std::sync::Arc;

use poem::Request;
use poem_openapi::auth::Bearer;
use poem_openapi::SecurityScheme;
use secrecy::ExposeSecret;

use crate::state::AppState;

/// The operator's API key, sent as a bearer token.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "check_admin_key")]
pub struct AdminKey(());

async fn check_admin_key(req: &Request, bearer: Bearer) -> Option<()> {
    let state = req.data::<Arc<AppState>>()?;
    let expected = state.admin_api_key.expose_secret().as_bytes();
    let given = bearer.token.as_bytes();
    // Constant-time comparison: the time taken does not depend on where the keys differ.
    let same = expected.len() == given.len()
        && expected
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    same.then_some(())
}
