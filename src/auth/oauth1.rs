//! OAuth 1.0a with RSA-SHA1 (Jira Server/DC application links), per RFC 5849: signing, and the
//! request-token / authorize / access-token dance.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use percent_encoding::utf8_percent_encode;
use reqwest::Method;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha1::{Digest, Sha1};
use url::Url;

use super::store::{Pending, TokenStore, Tokens};
use crate::error::{Error, Result};
use crate::jira::UNRESERVED;

fn enc(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// Where the consumer's private key comes from (`certificate_store_type`).
#[derive(Debug, Clone, PartialEq)]
pub enum KeySource {
    /// `PEMKEY_FILE`: a path to a PEM file.
    File(PathBuf),
    /// `PEMKEY_BLOB`: the PEM text itself.
    Blob(String),
}

impl KeySource {
    /// Checks a `certificate_store_type` value.
    pub fn parse_type(value: &str) -> Result<bool> {
        match value.trim().to_ascii_uppercase().as_str() {
            "PEMKEY_FILE" => Ok(true),
            "PEMKEY_BLOB" => Ok(false),
            _ => Err(Error::option(
                format!("invalid value for option \"certificate_store_type\": \"{value}\""),
                Some("It must be PEMKEY_FILE or PEMKEY_BLOB.".into()),
            )),
        }
    }

    /// The RSA private key, PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`).
    fn key(&self) -> Result<RsaPrivateKey> {
        let text = match self {
            KeySource::Blob(pem) => pem.clone(),
            KeySource::File(path) => {
                let bytes = crate::files::read_existing("certificate_store", path)?;
                String::from_utf8(bytes).map_err(|_| Error::File {
                    option: "certificate_store",
                    path: path.display().to_string(),
                    reason: "it is not a PEM text file".into(),
                })?
            }
        };
        let block = pem::parse(text.trim())
            .map_err(|e| Error::option(format!("certificate_store is not a PEM key: {e}"), None))?;
        let key = match block.tag() {
            "RSA PRIVATE KEY" => {
                RsaPrivateKey::from_pkcs1_der(block.contents()).map_err(|e| e.to_string())
            }
            "PRIVATE KEY" => {
                RsaPrivateKey::from_pkcs8_der(block.contents()).map_err(|e| e.to_string())
            }
            other => Err(format!("a PEM block \"{other}\" is not an RSA private key")),
        };
        key.map_err(|e| Error::option(format!("certificate_store: {e}"), None))
    }
}

/// OAuth 1.0a options.
#[derive(Clone, PartialEq)]
pub struct OAuth1Settings {
    consumer_key: String,
    key: KeySource,
    /// The callback for the authorize step (`oob` when unset).
    pub callback_url: Option<String>,
    /// `oauth_settings_location`; when unset the extension picks a file per server and role.
    pub store: Option<PathBuf>,
}

impl OAuth1Settings {
    /// From merged options.
    pub fn from_options<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> Result<Self> {
        let store = get("certificate_store").ok_or_else(|| Error::MissingOption {
            message:
                "OAuth 1.0 needs the option \"certificate_store\" (the consumer's private key)"
                    .into(),
            hint:
                "Give a PEM file path, or the PEM text with certificate_store_type 'PEMKEY_BLOB'."
                    .into(),
        })?;
        let file = KeySource::parse_type(get("certificate_store_type").unwrap_or("PEMKEY_FILE"))?;
        if file && store.trim_start().starts_with("-----") {
            return Err(Error::option(
                "certificate_store holds PEM text, but certificate_store_type is PEMKEY_FILE",
                Some("Set certificate_store_type 'PEMKEY_BLOB' beside it.".into()),
            ));
        }
        let key = if file {
            KeySource::File(PathBuf::from(store))
        } else {
            KeySource::Blob(store.to_string())
        };
        Ok(OAuth1Settings {
            consumer_key: get("oauth_client_id").unwrap_or_default().to_string(),
            key,
            callback_url: get("callback_url").map(str::to_string),
            store: get("oauth_settings_location").map(PathBuf::from),
        })
    }

    /// The token store (set by the extension before use).
    pub fn token_store(&self) -> Result<TokenStore> {
        TokenStore::configured(self.store.as_ref())
    }

    /// The `Authorization` header of a request signed with the stored access token.
    pub fn authorization(&self, method: &Method, url: &Url) -> Result<String> {
        let tokens = self
            .token_store()?
            .load()?
            .filter(|t| !t.access_token.is_empty())
            .ok_or_else(|| Error::Auth {
            scheme: "OAuth".into(),
            message: "no OAuth 1.0a access token is stored for this server and user".into(),
            hint: "Authorize with jira_fdw.get_oauth_authorization_url and jira_fdw.get_oauth_access_token.".into(),
        })?;
        self.sign(method, url, Some(&tokens.access_token), &[])
    }

    /// Signs a request: the `Authorization: OAuth ...` value.
    fn sign(
        &self,
        method: &Method,
        url: &Url,
        token: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Result<String> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
            .to_string();
        let nonce = format!("{:032x}", rand::random::<u128>());
        let mut oauth: Vec<(String, String)> = vec![
            ("oauth_consumer_key".into(), self.consumer_key.clone()),
            ("oauth_nonce".into(), nonce),
            ("oauth_signature_method".into(), "RSA-SHA1".into()),
            ("oauth_timestamp".into(), timestamp),
            ("oauth_version".into(), "1.0".into()),
        ];
        if let Some(t) = token {
            oauth.push(("oauth_token".into(), t.to_string()));
        }
        oauth.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let base = base_string(method.as_str(), url, &oauth);
        let digest = Sha1::digest(base.as_bytes());
        let signature = self
            .key
            .key()?
            .sign(Pkcs1v15Sign::new::<Sha1>(), &digest)
            .map_err(|e| Error::Connection(format!("cannot sign the OAuth request: {e}")))?;
        oauth.push((
            "oauth_signature".into(),
            base64::engine::general_purpose::STANDARD.encode(signature),
        ));
        let fields: Vec<String> = oauth
            .iter()
            .map(|(k, v)| format!("{}=\"{}\"", enc(k), enc(v)))
            .collect();
        Ok(format!("OAuth {}", fields.join(", ")))
    }
}

/// RFC 5849 3.4.1: METHOD & base URL & sorted, encoded parameters (oauth ones and the query).
pub fn base_string(method: &str, url: &Url, oauth: &[(String, String)]) -> String {
    let mut params: Vec<(String, String)> = oauth
        .iter()
        .map(|(k, v)| (enc(k), enc(v)))
        .chain(url.query_pairs().map(|(k, v)| (enc(&k), enc(&v))))
        .collect();
    params.sort();
    let joined: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    let base_url = base.as_str().to_string();
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        enc(&base_url),
        enc(&joined.join("&"))
    )
}

fn form_value(body: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn servlet(site: &Url, step: &str) -> Result<Url> {
    Url::parse(&format!(
        "{}/plugins/servlet/oauth/{step}",
        site.as_str().trim_end_matches('/')
    ))
    .map_err(|e| Error::Connection(format!("bad url: {e}")))
}

async fn signed_post(
    http: &reqwest::Client,
    settings: &OAuth1Settings,
    url: Url,
    token: Option<&str>,
    extra: &[(&str, &str)],
) -> Result<String> {
    let header = settings.sign(&Method::POST, &url, token, extra)?;
    let response = http
        .post(url.clone())
        .header(reqwest::header::AUTHORIZATION, header)
        .send()
        .await
        .map_err(|e| crate::jira::transport_error(&format!("cannot reach {url}"), e))?;
    let status = response.status().as_u16();
    let body = crate::jira::party_text(response, "Jira's OAuth servlet").await?;
    if status >= 400 {
        return Err(Error::Auth {
            scheme: "OAuth".into(),
            message: format!("Jira refused the OAuth 1.0a step (HTTP {status}): {}", body.trim()),
            hint: "Check oauth_client_id (the consumer key of the application link) and certificate_store.".into(),
        });
    }
    Ok(body)
}

/// Step 1: a request token (kept in the store) and the URL where the user approves it.
pub async fn authorization_url(
    http: &reqwest::Client,
    settings: &OAuth1Settings,
    site: &Url,
    callback: Option<&str>,
) -> Result<String> {
    let callback = callback
        .or(settings.callback_url.as_deref())
        .unwrap_or("oob");
    let body = signed_post(
        http,
        settings,
        servlet(site, "request-token")?,
        None,
        &[("oauth_callback", callback)],
    )
    .await?;
    let token = form_value(&body, "oauth_token")
        .ok_or_else(|| Error::Connection("the request-token answer has no oauth_token".into()))?;
    // Beside the stored access token, which keeps working until the new one replaces it.
    settings.token_store()?.save_pending(Pending {
        state: None,
        code_verifier: None,
        request_token: Some(token.clone()),
    })?;
    let mut url = servlet(site, "authorize")?;
    url.query_pairs_mut().append_pair("oauth_token", &token);
    Ok(url.to_string())
}

/// Step 3: trades the approved request token and the verifier for an access token.
pub async fn access_token(
    http: &reqwest::Client,
    settings: &OAuth1Settings,
    site: &Url,
    verifier: &str,
) -> Result<Tokens> {
    let store = settings.token_store()?;
    let request_token = store
        .load_entry()?
        .and_then(|t| t.pending)
        .and_then(|p| p.request_token)
        .ok_or_else(|| Error::Auth {
            scheme: "OAuth".into(),
            message: "no OAuth 1.0a request token is pending".into(),
            hint: "Call jira_fdw.get_oauth_authorization_url first.".into(),
        })?;
    let body = signed_post(
        http,
        settings,
        servlet(site, "access-token")?,
        Some(&request_token),
        &[("oauth_verifier", verifier)],
    )
    .await?;
    let access = form_value(&body, "oauth_token")
        .ok_or_else(|| Error::Connection("the access-token answer has no oauth_token".into()))?;
    let expires_in: i64 = form_value(&body, "oauth_expires_in")
        .and_then(|v| v.parse().ok())
        .unwrap_or(157_680_000);
    let tokens = Tokens {
        access_token: access,
        refresh_token: None,
        expires_at: super::store::expires_after(expires_in),
        cloud_id: None,
        token_secret: form_value(&body, "oauth_token_secret"),
        pending: None,
    };
    store.save(&tokens)?;
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_string_follows_rfc_5849() {
        // RFC 5849 section 3.4.1.1's example request (parameters other than the signature).
        let url = Url::parse("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b").unwrap();
        let oauth: Vec<(String, String)> = [
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            base_string("post", &url, &oauth),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        );
    }

    #[test]
    fn key_types_are_checked() {
        assert!(KeySource::parse_type("pemkey_blob").is_ok());
        assert!(KeySource::parse_type("PFX").is_err());
        let err = KeySource::Blob("not a key".into()).key().unwrap_err();
        assert!(err.to_string().contains("PEM"));
    }
}
