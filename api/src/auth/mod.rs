//! Who a `/v1` request speaks for, and what it may reach.
//!
//! `Authorization: Bearer <key>` carries either the platform's `ADMIN_API_KEY` (every operation)
//! or an organization API key (`sk_org_…`, see [`switchboard_domain::compose_api_key`]) that
//! reaches only its own organization: `admin` reads and changes it, `viewer` only reads. The
//! [`policy`] middleware resolves the key once per request, refuses what the key may not reach
//! before any handler runs, and leaves the [`Principal`] for the [`ApiKey`] security scheme.

pub mod policy;
mod usage;

pub use usage::KeyUsage;

use poem::Request;
use poem_openapi::auth::Bearer;
use poem_openapi::SecurityScheme;
use switchboard_application::KeyHolder;

/// Who an authenticated request speaks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    /// The platform operator (`ADMIN_API_KEY`).
    Platform,
    /// An organization's key.
    Organization(KeyHolder),
}

impl Principal {
    /// Whether this is the platform operator.
    pub fn is_platform(&self) -> bool {
        matches!(self, Principal::Platform)
    }

    /// The `actor` recorded in event metadata: `admin` (the platform key) or
    /// `api_key:<key id>`.
    pub fn actor(&self) -> String {
        match self {
            Principal::Platform => "admin".into(),
            Principal::Organization(holder) => format!("api_key:{}", holder.key_id),
        }
    }
}

/// The platform's `ADMIN_API_KEY`, or an organization API key (`sk_org_…`), as a bearer token.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "authenticated")]
pub struct ApiKey(pub Principal);

async fn authenticated(req: &Request, _bearer: Bearer) -> Option<Principal> {
    req.data::<Principal>().copied()
}
