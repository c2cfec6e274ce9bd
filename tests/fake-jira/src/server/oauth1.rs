//! OAuth 1.0a as Jira Server/DC's application links serve it: RSA-SHA1 signatures (RFC 5849)
//! checked against the one test consumer's public key, the request-token / authorize /
//! access-token dance, and `/rest` requests signed with an access token.

use super::counters::bump;
use super::creds::{authorization, is_form, random_secret};
use super::{params, AppState, Shared};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha1::{Digest, Sha1};
use std::collections::HashMap;
use std::sync::Mutex;

/// The test consumer's RSA public key (its private key is in `keys/` for clients' tests).
const CONSUMER_PUBLIC_KEY: &str = include_str!("../../keys/consumer_public.pem");

/// Lifetime Jira announces for access tokens (five years).
const ACCESS_EXPIRES_IN: u64 = 157_680_000;

/// A request token on its way to becoming an access token.
#[derive(Clone, Debug)]
struct RequestToken {
    callback: String,
    verifier: Option<String>,
}

/// The service provider's tokens.
#[derive(Debug, Default)]
pub struct OAuth1Store {
    inner: Mutex<OAuth1Inner>,
}

#[derive(Debug, Default)]
struct OAuth1Inner {
    requests: HashMap<String, RequestToken>,
    /// Access token -> its (unused with RSA-SHA1, but issued) secret.
    access: HashMap<String, String>,
}

impl OAuth1Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, OAuth1Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// RFC 5849 §3.6 percent-encoding: everything but ALPHA, DIGIT, `-`, `.`, `_`, `~`.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decoding of an `Authorization` header parameter value; `None` when malformed.
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The parameters of an `Authorization: OAuth ...` header (`realm` excluded).
fn header_params(headers: &HeaderMap) -> Option<Vec<(String, String)>> {
    let rest = authorization(headers, "oauth")?;
    let mut out = Vec::new();
    for item in rest.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, value) = item.split_once('=')?;
        let value = value.trim().trim_matches('"');
        let name = decode(name.trim())?;
        if name != "realm" {
            out.push((name, decode(value)?));
        }
    }
    Some(out)
}

/// RFC 5849 §3.4.1: the signature base string of a request with these (decoded) parameters.
pub fn base_string(method: &str, base_uri: &str, params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "oauth_signature")
        .map(|(k, v)| (encode(k), encode(v)))
        .collect();
    encoded.sort();
    let normalized = encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        encode(base_uri),
        encode(&normalized)
    )
}

/// RFC 5849 §3.4.1.2: scheme and host in lower case, the port only when not the default,
/// the path, no query.
pub fn base_uri(scheme: &str, host: &str, path: &str) -> String {
    let scheme = scheme.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    let default = if scheme == "https" { ":443" } else { ":80" };
    let host = host.strip_suffix(default).unwrap_or(&host);
    format!("{scheme}://{host}{path}")
}

/// Which token a signed request must carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenKind {
    /// None (obtaining a request token).
    NoToken,
    /// An approved request token (exchanging it).
    Request,
    /// An access token (calling the API).
    Access,
}

/// The 401 of a refused OAuth request: `oauth_problem=<problem>` as Jira answers it.
pub fn problem(problem: &str) -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("oauth_problem={problem}"),
    )
        .into_response();
    if let Ok(value) =
        HeaderValue::from_str(&format!("OAuth realm=\"\", oauth_problem=\"{problem}\""))
    {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Checks a signed request: consumer, method, signature, then its token; returns all its
/// parameters (header, query and form body) on success, else the `oauth_problem` name.
fn check(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    form: &[(String, String)],
    kind: TokenKind,
) -> Result<HashMap<String, String>, &'static str> {
    let mut all = header_params(headers).ok_or("parameter_absent")?;
    all.extend(params::pairs(uri.query()));
    all.extend(form.iter().cloned());
    let map: HashMap<String, String> = all.iter().cloned().collect();
    let get = |name: &str| map.get(name).map(String::as_str).unwrap_or("");
    if get("oauth_consumer_key") != state.config.oauth1_consumer_key {
        return Err("consumer_key_unknown");
    }
    if get("oauth_signature_method") != "RSA-SHA1" {
        return Err("signature_method_rejected");
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| state.base_url.trim_start_matches("http://").to_string());
    let base = base_string(method.as_str(), &base_uri("http", &host, uri.path()), &all);
    let signature = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        get("oauth_signature"),
    )
    .map_err(|_| "signature_invalid")?;
    let key =
        RsaPublicKey::from_public_key_pem(CONSUMER_PUBLIC_KEY).map_err(|_| "signature_invalid")?;
    let digest = Sha1::digest(base.as_bytes());
    key.verify(Pkcs1v15Sign::new::<Sha1>(), &digest, &signature)
        .map_err(|_| "signature_invalid")?;
    let token = get("oauth_token");
    let known = {
        let inner = state.oauth1.lock();
        match kind {
            TokenKind::NoToken => true,
            TokenKind::Request => inner.requests.contains_key(token),
            TokenKind::Access => inner.access.contains_key(token),
        }
    };
    if known {
        Ok(map)
    } else {
        Err("token_rejected")
    }
}

/// Checks a `/rest` request signed with an OAuth 1.0a access token (the JSON body is not
/// signed).
pub fn verify_access(
    parts: &axum::http::request::Parts,
    state: &AppState,
) -> Result<(), &'static str> {
    check(
        state,
        &parts.method,
        &parts.uri,
        &parts.headers,
        &[],
        TokenKind::Access,
    )
    .map(|_| ())
}

/// The form-encoded parameters of a body declared as a form (they are signed too).
fn form_params(headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    if is_form(headers) {
        serde_urlencoded::from_bytes(body).unwrap_or_default()
    } else {
        Vec::new()
    }
}

/// A form-encoded success body.
fn form_response(pairs: &[(&str, &str)]) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-www-form-urlencoded")],
        serde_urlencoded::to_string(pairs).unwrap_or_default(),
    )
        .into_response()
}

/// `POST /plugins/servlet/oauth/request-token`: signed by the consumer, names its callback.
pub async fn request_token(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_params(&headers, &body);
    let params = match check(&state, &method, &uri, &headers, &form, TokenKind::NoToken) {
        Ok(p) => p,
        Err(name) => return problem(name),
    };
    let Some(callback) = params.get("oauth_callback").filter(|c| !c.is_empty()) else {
        return problem("parameter_absent");
    };
    let token = random_secret("rq-");
    let secret = random_secret("");
    state.oauth1.lock().requests.insert(
        token.clone(),
        RequestToken {
            callback: callback.clone(),
            verifier: None,
        },
    );
    form_response(&[
        ("oauth_token", &token),
        ("oauth_token_secret", &secret),
        ("oauth_callback_confirmed", "true"),
    ])
}

/// `GET /plugins/servlet/oauth/authorize?oauth_token=..`: the user approves at once; 302 to
/// the callback with the verifier, or (callback `oob`) a page showing it.
pub async fn authorize(State(state): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let pairs = params::pairs(query.as_deref());
    let token = params::last(&pairs, "oauth_token").unwrap_or("");
    let verifier = random_secret("v");
    let callback = {
        let mut inner = state.oauth1.lock();
        match inner.requests.get_mut(token) {
            Some(request) => {
                request.verifier = Some(verifier.clone());
                request.callback.clone()
            }
            None => return problem("token_rejected"),
        }
    };
    if callback == "oob" {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!(
                "Access approved. Enter this verification code in the application: \
                 oauth_verifier={verifier}\n"
            ),
        )
            .into_response();
    }
    let separator = if callback.contains('?') { '&' } else { '?' };
    let query =
        serde_urlencoded::to_string([("oauth_token", token), ("oauth_verifier", &verifier)])
            .unwrap_or_default();
    match HeaderValue::from_str(&format!("{callback}{separator}{query}")) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(_) => problem("parameter_rejected"),
    }
}

/// `POST /plugins/servlet/oauth/access-token`: signed with the approved request token and its
/// `oauth_verifier`; answers a long-lived access token.
pub async fn access_token(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_params(&headers, &body);
    let params = match check(&state, &method, &uri, &headers, &form, TokenKind::Request) {
        Ok(p) => p,
        Err(name) => return problem(name),
    };
    let token = params.get("oauth_token").cloned().unwrap_or_default();
    let verifier = params.get("oauth_verifier").cloned().unwrap_or_default();
    let access = random_secret("ac-");
    let secret = random_secret("");
    {
        let mut inner = state.oauth1.lock();
        let approved = inner
            .requests
            .get(&token)
            .and_then(|r| r.verifier.as_deref())
            .is_some_and(|v| !verifier.is_empty() && v == verifier);
        if !approved {
            return problem("permission_unknown");
        }
        inner.requests.remove(&token);
        inner.access.insert(access.clone(), secret.clone());
    }
    bump(&state.counters.oauth1_access_tokens);
    form_response(&[
        ("oauth_token", &access),
        ("oauth_token_secret", &secret),
        ("oauth_expires_in", &ACCESS_EXPIRES_IN.to_string()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5849 §3.4.1.1's example request and signature base string.
    #[test]
    fn base_string_matches_rfc_5849_example() {
        let mut params = params::pairs(Some("b5=%3D%253D&a3=a&c%40=&a2=r%20b"));
        params.extend(
            serde_urlencoded::from_str::<Vec<(String, String)>>("c2&a3=2+q").unwrap_or_default(),
        );
        for (k, v) in [
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
            ("oauth_signature", "bYT5CMsGcbgUdFHObYMEfcx6bsw="),
        ] {
            params.push((k.to_string(), v.to_string()));
        }
        let uri = base_uri("HTTP", "EXAMPLE.COM:80", "/request");
        assert_eq!(uri, "http://example.com/request");
        assert_eq!(
            base_string("post", &uri, &params),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
        assert_eq!(
            base_uri("http", "127.0.0.1:8080", "/x"),
            "http://127.0.0.1:8080/x"
        );
    }

    #[test]
    fn reads_header_params_and_embedded_key() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("OAuth realm=\"x\", oauth_token=\"a%2Bb\", oauth_nonce=\"n\""),
        );
        let p = header_params(&h).unwrap_or_default();
        assert_eq!(
            p,
            vec![
                ("oauth_token".into(), "a+b".into()),
                ("oauth_nonce".into(), "n".into())
            ]
        );
        assert!(RsaPublicKey::from_public_key_pem(CONSUMER_PUBLIC_KEY).is_ok());
        assert_eq!(decode("%zz"), None);
    }
}
