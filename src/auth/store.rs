//! Where OAuth tokens live between queries, backends and restarts: one JSON file per server and
//! role (mode 0600, replaced atomically), with a lock file that serializes refreshes across
//! backends, because Atlassian rotates refresh tokens and a token used twice is dead.

use std::fs::File;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::files;

/// The option naming the token file, for messages.
const OPTION: &str = "oauth_settings_location";

/// Seconds before expiry at which an access token is treated as expired.
const EXPIRY_MARGIN: i64 = 60;
/// How often a backend waiting for another one's refresh looks at the lock again.
const LOCK_POLL: Duration = Duration::from_millis(20);

/// The tokens of one server and role.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// The bearer token.
    pub access_token: String,
    /// The (rotating) refresh token, when the grant included `offline_access`.
    pub refresh_token: Option<String>,
    /// Unix time at which the access token expires.
    pub expires_at: i64,
    /// The Atlassian site (cloud id) requests go to.
    pub cloud_id: Option<String>,
    /// For OAuth 1.0a: the token secret (unused with RSA-SHA1, kept for completeness).
    #[serde(default)]
    pub token_secret: Option<String>,
    /// An authorization started with `get_oauth_authorization_url` and not yet completed; kept
    /// apart so that starting one never replaces tokens that work.
    #[serde(default)]
    pub pending: Option<Pending>,
}

/// What the exchange of an authorization must match or send.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// OAuth 2.0: the random `state` the callback must carry back.
    #[serde(default)]
    pub state: Option<String>,
    /// OAuth 2.0: the PKCE code verifier (RFC 7636) whose challenge the URL carried.
    #[serde(default)]
    pub code_verifier: Option<String>,
    /// OAuth 1.0a: the request token the user approves.
    #[serde(default)]
    pub request_token: Option<String>,
}

impl Tokens {
    /// A store entry holding only a pending authorization.
    pub fn pending_only(pending: Pending) -> Tokens {
        Tokens {
            access_token: String::new(),
            refresh_token: None,
            expires_at: 0,
            cloud_id: None,
            token_secret: None,
            pending: Some(pending),
        }
    }

    /// Whether this entry holds a grant (not only a pending authorization).
    pub fn granted(&self) -> bool {
        !self.access_token.is_empty()
    }
}

impl std::fmt::Debug for Tokens {
    /// Never prints a token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Tokens(expires_at {}, cloud {:?})",
            self.expires_at, self.cloud_id
        )
    }
}

/// Unix time now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Unix time `seconds` from now, saturating: an absurd lifetime from a hostile answer is
/// "never expires", not an overflow.
pub fn expires_after(seconds: i64) -> i64 {
    now().saturating_add(seconds.max(0))
}

impl Tokens {
    /// Whether the access token is (about to be) expired.
    pub fn expired(&self) -> bool {
        self.expires_at.saturating_sub(EXPIRY_MARGIN) <= now()
    }
}

/// The token file of one server and role.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenStore {
    path: PathBuf,
}

/// Held while a backend refreshes; dropping it releases the lock.
pub struct StoreLock {
    _file: File,
}

impl TokenStore {
    /// The store at `path`.
    pub fn new(path: PathBuf) -> Self {
        TokenStore { path }
    }

    /// The store at a configured location (`oauth_settings_location` or the default the
    /// extension fills in).
    pub fn configured(path: Option<&PathBuf>) -> Result<Self> {
        path.cloned()
            .map(TokenStore::new)
            .ok_or_else(|| Error::Connection("no OAuth token store is configured".into()))
    }

    /// The stored grant, if any (an entry holding only a pending authorization is none).
    pub fn load(&self) -> Result<Option<Tokens>> {
        Ok(self.load_entry()?.filter(Tokens::granted))
    }

    /// Records a pending authorization beside whatever grant is stored.
    pub fn save_pending(&self, pending: Pending) -> Result<()> {
        let entry = match self.load_entry()? {
            Some(mut t) => {
                t.pending = Some(pending);
                t
            }
            None => Tokens::pending_only(pending),
        };
        self.save(&entry)
    }

    /// The stored entry, grant or not.
    pub fn load_entry(&self) -> Result<Option<Tokens>> {
        let Some(bytes) = files::read(OPTION, &self.path)? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::File {
                option: OPTION,
                path: self.path.display().to_string(),
                reason: format!("the OAuth token store is damaged: {e}"),
            })
    }

    /// Replaces the stored tokens (readable by the server's OS user only).
    pub fn save(&self, tokens: &Tokens) -> Result<()> {
        let json = serde_json::to_vec_pretty(tokens)
            .map_err(|e| Error::Connection(format!("cannot serialize tokens: {e}")))?;
        files::replace(OPTION, &self.path, &json)
    }

    /// Takes the store's exclusive lock, waiting (interruptibly: the wait is a tokio sleep
    /// inside the caller's cancellable future) while another backend holds it.
    pub async fn lock(&self) -> Result<StoreLock> {
        let lock_path = self.path.with_extension("lock");
        let file = files::lock_file(OPTION, &lock_path)?;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(StoreLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) => tokio::time::sleep(LOCK_POLL).await,
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(Error::File {
                        option: OPTION,
                        path: lock_path.display().to_string(),
                        reason: format!("cannot lock it: {}", e.kind()),
                    })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    fn tokens(access: &str) -> Tokens {
        Tokens {
            access_token: access.into(),
            refresh_token: Some("r".into()),
            expires_at: now() + 3600,
            cloud_id: Some("c".into()),
            token_secret: None,
            pending: None,
        }
    }

    #[test]
    fn saves_loads_and_hides_tokens() {
        let dir = std::env::temp_dir().join(format!("jira_fdw_store_{}", std::process::id()));
        let store = TokenStore::new(dir.join("oauth-1-2.json"));
        assert_eq!(store.load().unwrap(), None);
        store.save(&tokens("a1")).unwrap();
        assert_eq!(store.load().unwrap().unwrap().access_token, "a1");
        let mode = fs::metadata(dir.join("oauth-1-2.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(!format!("{:?}", tokens("secret")).contains("secret"));
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn expiry_has_a_margin() {
        let mut t = tokens("a");
        assert!(!t.expired());
        t.expires_at = now() + 30;
        assert!(t.expired());
    }

    #[test]
    fn the_lock_is_exclusive() {
        let dir = std::env::temp_dir().join(format!("jira_fdw_lock_{}", std::process::id()));
        let store = TokenStore::new(dir.join("t.json"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let held = store.lock().await.unwrap();
            let second = tokio::time::timeout(Duration::from_millis(100), store.lock()).await;
            assert!(second.is_err(), "a second lock must wait");
            drop(held);
            assert!(store.lock().await.is_ok());
        });
        let _ = fs::remove_dir_all(dir);
    }
}
