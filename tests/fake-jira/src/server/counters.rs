//! Counters of authentication events, served by `GET /_fake/auth`, so tests can prove what a
//! client did (how often it logged in, refreshed, or reused a rotated refresh token).

use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};

/// One counter per authentication event the tests assert on.
#[derive(Debug, Default)]
pub struct AuthCounters {
    /// Successful `POST /rest/auth/1/session` logins.
    pub session_logins: AtomicU64,
    /// New sessions (by REST login or SAML) that replaced a dead session of the same user.
    pub session_renewals: AtomicU64,
    /// Authorization codes exchanged for tokens.
    pub oauth2_code_grants: AtomicU64,
    /// Successful refresh-token grants.
    pub oauth2_refreshes: AtomicU64,
    /// Refresh attempts with a token that had already been rotated away.
    pub oauth2_refresh_reuse: AtomicU64,
    /// Token requests refused for any reason.
    pub oauth2_rejected: AtomicU64,
    /// OAuth 1.0a access tokens issued.
    pub oauth1_access_tokens: AtomicU64,
    /// Okta primary authentications with a right password (SUCCESS or MFA_REQUIRED).
    pub okta_authn: AtomicU64,
    /// Okta MFA passcodes accepted.
    pub okta_mfa_verified: AtomicU64,
    /// Successful Crowd SSO logins.
    pub crowd_logins: AtomicU64,
    /// SAML responses accepted by the service provider (sessions opened by SSO).
    pub saml_logins: AtomicU64,
}

/// Adds one to a counter.
pub fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl AuthCounters {
    /// The counters as the JSON object of `GET /_fake/auth`.
    pub fn to_json(&self) -> Value {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        json!({
            "session_logins": get(&self.session_logins),
            "session_renewals": get(&self.session_renewals),
            "oauth2_code_grants": get(&self.oauth2_code_grants),
            "oauth2_refreshes": get(&self.oauth2_refreshes),
            "oauth2_refresh_reuse": get(&self.oauth2_refresh_reuse),
            "oauth2_rejected": get(&self.oauth2_rejected),
            "oauth1_access_tokens": get(&self.oauth1_access_tokens),
            "okta_authn": get(&self.okta_authn),
            "okta_mfa_verified": get(&self.okta_mfa_verified),
            "crowd_logins": get(&self.crowd_logins),
            "saml_logins": get(&self.saml_logins),
        })
    }
}
