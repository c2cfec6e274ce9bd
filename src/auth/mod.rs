//! Turns credentials into what authorizes a request. One file per scheme.

mod basic;

use crate::options::Credentials;

/// The `Authorization` header value for these credentials.
pub fn authorization_header(credentials: &Credentials) -> String {
    match credentials {
        Credentials::ApiToken { user, token } => basic::header(user, token),
        Credentials::Basic { user, password } => basic::header(user, password),
    }
}
