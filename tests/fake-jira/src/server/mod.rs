//! The HTTP server: shared state, routes, and how to start it.

mod activity;
mod admin;
mod agile;
mod auth;
mod children;
mod connection;
mod control;
mod counters;
mod creds;
pub(crate) mod datacenter;
mod errors;
mod faults;
mod field_options;
mod hostile;
mod issues;
mod lists;
mod log;
mod meta;
mod middleware;
mod oauth1;
mod oauth2;
mod params;
mod search;
mod sessions;
mod sso;
mod token;
mod writes;

pub use connection::{ConnectionAddr, ConnectionId, CountingListener};
pub use faults::{Fault, FaultKind};
pub use log::LogEntry;

use crate::config::Config;
use crate::data::{generate, Dataset};
use axum::routing::{any, delete, get, post};
use axum::Router;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};

use crate::data::{Component, Version};
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Search results kept for a while so paging a large result does not re-run the query.
type ResultCache = HashMap<String, (Instant, Arc<Vec<usize>>)>;

/// Everything the handlers share.
pub struct AppState {
    /// The instance settings.
    pub config: Config,
    /// `http://127.0.0.1:PORT`, used in every `self` link.
    pub base_url: String,
    /// The data as it stands: generated, then changed by the writes clients made.
    live: RwLock<Live>,
    /// Requests received since the last clear.
    log: Mutex<Vec<LogEntry>>,
    /// Sequence number of the next logged request.
    next_seq: Mutex<u64>,
    /// Pending faults, consumed first-in first-out.
    faults: Mutex<VecDeque<Fault>>,
    /// How every answer is damaged, while a test wants a hostile Jira (`/_fake/hostile`).
    hostile: Mutex<Option<hostile::Hostile>>,
    /// Recent search results by JQL.
    cache: Mutex<ResultCache>,
    /// Cookie sessions (`JSESSIONID`).
    sessions: sessions::Sessions,
    /// The OAuth 2.0 (3LO) authorization server's codes and tokens.
    oauth2: oauth2::OAuth2Store,
    /// OAuth 1.0a request and access tokens.
    oauth1: oauth1::OAuth1Store,
    /// Okta, Crowd and SAML single-use tokens.
    sso: sso::SsoStore,
    /// Counters of authentication events for `GET /_fake/auth`.
    counters: counters::AuthCounters,
    /// The time (epoch ms) the fake takes as now, when a test set one (`/_fake/clock`).
    clock: Mutex<Option<i64>>,
}

impl AppState {
    fn new(config: Config, base_url: String) -> AppState {
        let dataset = generate(
            config.issues,
            config.seed,
            &config.user,
            config.time_zone.name(),
        );
        AppState {
            config,
            base_url,
            live: RwLock::new(Live::new(Arc::new(dataset))),
            log: Mutex::new(Vec::new()),
            next_seq: Mutex::new(0),
            faults: Mutex::new(VecDeque::new()),
            hostile: Mutex::new(None),
            cache: Mutex::new(HashMap::new()),
            sessions: sessions::Sessions::default(),
            oauth2: oauth2::OAuth2Store::default(),
            oauth1: oauth1::OAuth1Store::default(),
            sso: sso::SsoStore::default(),
            counters: counters::AuthCounters::default(),
            clock: Mutex::new(None),
        }
    }

    /// Now in epoch milliseconds: the clock a test set, else the system's.
    pub fn now_millis(&self) -> i64 {
        self.clock
            .lock()
            .ok()
            .and_then(|c| *c)
            .unwrap_or_else(|| chrono::Utc::now().timestamp_millis())
    }

    /// The boards and their sprints as they stand.
    pub fn boards(&self) -> Vec<crate::data::agile::Board> {
        let ds = self.data();
        ds.boards
            .clone()
            .unwrap_or_else(|| crate::data::agile::boards(&ds.catalog, self.config.seed))
    }

    /// Now, as the fake's clock has it, at UTC.
    pub fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        writes::at_millis(self.now_millis())
    }

    /// Sets (or, with `None`, resets) the fake's clock.
    pub fn set_clock(&self, now: Option<i64>) {
        if let Ok(mut c) = self.clock.lock() {
            *c = now;
        }
    }

    /// Finds an issue by id or key (case-insensitive).
    pub fn find_issue(&self, id_or_key: &str) -> Option<usize> {
        if let Ok(id) = id_or_key.parse::<u64>() {
            let index = usize::try_from(id.checked_sub(10001)?).ok()?;
            let live = self.data().issues.get(index).is_some_and(|i| !i.deleted);
            return live.then_some(index);
        }
        self.live
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .key_index
            .get(&id_or_key.to_uppercase())
            .copied()
    }

    /// The data as it stands now; a handler keeps one snapshot for its whole answer.
    pub fn data(&self) -> Arc<Dataset> {
        self.live
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .dataset
            .clone()
    }

    /// Applies a write to the data (on a copy, so snapshots being read stay whole) and forgets
    /// cached search results.
    pub fn change<R>(&self, f: impl FnOnce(&mut Dataset) -> R) -> R {
        let mut live = self.live.write().unwrap_or_else(|e| e.into_inner());
        let mut dataset = (*live.dataset).clone();
        let result = f(&mut dataset);
        *live = Live::new(Arc::new(dataset));
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clear();
        result
    }
}

/// The data and its key index, replaced together by each write.
struct Live {
    dataset: Arc<Dataset>,
    /// Upper-case issue key -> index, for `GET /issue/{key}` and bulkfetch.
    key_index: HashMap<String, usize>,
}

impl Live {
    fn new(dataset: Arc<Dataset>) -> Live {
        let key_index = dataset
            .issues
            .iter()
            .enumerate()
            .filter(|(_, issue)| !issue.deleted)
            .map(|(i, issue)| (issue.key.to_uppercase(), i))
            .collect();
        Live { dataset, key_index }
    }
}

/// The shared state as handlers receive it.
pub type Shared = Arc<AppState>;

/// Resources both REST API versions serve with the same answers (Data Center has only v2;
/// its users are reshaped by the middleware there).
fn both_versions() -> Router<Shared> {
    let mut router = Router::new();
    for (path, handler) in [
        ("/serverInfo", get(meta::server_info)),
        ("/myself", get(meta::myself)),
        (
            "/project/{project_id_or_key}/components",
            get(lists::components),
        ),
        (
            "/project/{project_id_or_key}/versions",
            get(lists::versions),
        ),
        ("/field", get(meta::fields)),
        ("/issueLinkType", get(activity::link_types)),
        ("/projectCategory", get(admin::project_categories)),
        ("/priority", get(lists::priorities)),
        ("/status", get(lists::statuses)),
        ("/statuscategory", get(lists::status_categories)),
        ("/resolution", get(lists::resolutions)),
        ("/issuetype", get(lists::issue_types)),
        (
            "/issue/{id_or_key}",
            get(issues::get_issue)
                .put(writes::edit_issue)
                .delete(writes::delete_issue),
        ),
        (
            "/issue/{id_or_key}/comment",
            get(children::issue_comments).post(writes::add_comment),
        ),
        (
            "/issue/{id_or_key}/comment/{comment_id}",
            get(writes::one_comment)
                .put(writes::one_comment)
                .delete(writes::one_comment),
        ),
        (
            "/issue/{id_or_key}/worklog",
            get(children::issue_worklogs).post(writes::add_worklog),
        ),
        (
            "/issue/{id_or_key}/worklog/{worklog_id}",
            get(writes::one_worklog)
                .put(writes::one_worklog)
                .delete(writes::one_worklog),
        ),
        (
            "/issue/{id_or_key}/transitions",
            get(activity::transitions).post(writes::transition_issue),
        ),
        (
            "/issue/{id_or_key}/watchers",
            get(activity::issue_watchers)
                .post(writes::add_watcher)
                .delete(writes::remove_watcher),
        ),
        (
            "/issue/{id_or_key}/attachments",
            post(writes::add_attachments),
        ),
        (
            "/attachment/{attachment_id}",
            delete(writes::delete_attachment),
        ),
        ("/issueLink", post(writes::create_link)),
        ("/issueLink/{link_id}", delete(writes::delete_link)),
        ("/issue/{id_or_key}/votes", get(activity::issue_votes)),
        ("/version", post(writes::create_part::<Version>)),
        (
            "/version/{version_id}",
            get(writes::one_part::<Version>)
                .put(writes::one_part::<Version>)
                .delete(writes::one_part::<Version>),
        ),
        ("/component", post(writes::create_part::<Component>)),
        (
            "/component/{component_id}",
            get(writes::one_part::<Component>)
                .put(writes::one_part::<Component>)
                .delete(writes::one_part::<Component>),
        ),
        ("/worklog/updated", get(children::worklogs_updated)),
        ("/worklog/list", post(children::worklog_list)),
    ] {
        router = router
            .route(&format!("/rest/api/2{path}"), handler.clone())
            .route(&format!("/rest/api/3{path}"), handler);
    }
    router
}

/// The Jira REST API (`/rest/...`) with its fault and authentication middleware, served both
/// directly and behind the Atlassian API gateway.
fn api_router(state: Shared) -> Router {
    both_versions()
        // Server/Data Center's forms of what Cloud lists with paging.
        .route("/rest/api/2/project", get(meta::project_list))
        .route("/rest/api/2/user/search", get(meta::users_search))
        .route("/rest/api/2/groups/picker", get(admin::groups_picker))
        .route("/rest/api/2/group/member", get(admin::group_members))
        .route("/rest/api/2/dashboard", get(admin::dashboard_list))
        .route("/rest/api/2/workflow", get(admin::workflow_list))
        .route("/rest/api/3/project/search", get(meta::project_search))
        .route("/rest/api/3/users/search", get(meta::users_search))
        .route(
            "/rest/api/3/search/jql",
            get(search::search_get).post(search::search_post),
        )
        .route(
            "/rest/api/3/search/approximate-count",
            post(search::approximate_count),
        )
        .route("/rest/api/3/issue/bulkfetch", post(issues::bulk_fetch))
        .route("/rest/api/3/issue", post(writes::create_issue))
        .route("/rest/api/3/issue/bulk", post(writes::bulk_create))
        .route("/rest/api/2/issue", post(writes::create_issue))
        .route("/rest/api/2/issue/bulk", post(writes::bulk_create))
        .route(
            "/rest/api/3/issue/{id_or_key}/changelog",
            get(activity::issue_changelog),
        )
        .route(
            "/rest/api/3/field/{field_id}/context",
            get(field_options::contexts),
        )
        .route(
            "/rest/api/3/field/{field_id}/context/{context_id}/option",
            get(field_options::options),
        )
        .route(
            "/rest/api/3/project/{project_id_or_key}/roledetails",
            get(admin::role_details),
        )
        .route("/rest/api/3/group/bulk", get(admin::group_bulk))
        .route("/rest/api/3/group/member", get(admin::group_members))
        .route("/rest/api/3/filter/search", get(admin::filter_search))
        .route("/rest/api/3/dashboard/search", get(admin::dashboard_search))
        .route("/rest/api/3/workflow/search", get(admin::workflow_search))
        .route("/rest/api/3/label", get(lists::labels))
        .route("/rest/agile/1.0/board", get(agile::board_list))
        .route(
            "/rest/agile/1.0/board/{board_id}/sprint",
            get(agile::board_sprints),
        )
        .route(
            "/rest/agile/1.0/board/{board_id}/issue",
            get(agile::board_issues),
        )
        .route(
            "/rest/agile/1.0/board/{board_id}/backlog",
            get(agile::board_backlog),
        )
        .route(
            "/rest/agile/1.0/board/{board_id}/epic",
            get(agile::board_epics),
        )
        .route("/rest/agile/1.0/sprint", post(agile::create_sprint))
        .route(
            "/rest/agile/1.0/sprint/{sprint_id}",
            get(agile::one_sprint)
                .post(agile::one_sprint)
                .put(agile::one_sprint)
                .delete(agile::one_sprint),
        )
        .route(
            "/rest/agile/1.0/sprint/{sprint_id}/issue",
            get(agile::sprint_issues),
        )
        .route(
            "/rest/api/2/search",
            post(search::search_v2).fallback(meta::removed_search),
        )
        .route("/rest/api/3/search", any(meta::removed_search))
        .route(
            "/rest/auth/1/session",
            post(sessions::login)
                .get(sessions::current)
                .delete(sessions::logout),
        )
        .fallback(meta::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::rest_layer,
        ))
        .with_state(state)
}

/// Every party the fake plays: the Jira API (the fallback), the control endpoints, and the
/// authentication servers, all under the request log.
fn router(state: Shared) -> Router {
    let api = api_router(state.clone());
    let gateway_state = state.clone();
    let gateway_api = api.clone();
    Router::new()
        .route(
            "/_fake/requests",
            get(control::requests).delete(control::clear_requests),
        )
        .route(
            "/_fake/faults",
            post(control::add_faults).delete(control::clear_faults),
        )
        .route(
            "/_fake/hostile",
            post(control::set_hostile).delete(control::clear_hostile),
        )
        .route("/_fake/issues", get(control::all_issues))
        .route(
            "/_fake/clock",
            post(control::set_clock).delete(control::reset_clock),
        )
        .route("/_fake/sql", get(control::sql))
        .route("/_fake/auth", get(control::auth_counters))
        .route("/_fake/sessions", delete(control::expire_sessions))
        .route("/_fake/oauth2/expire", post(oauth2::expire))
        .route("/atlassian-auth/authorize", get(oauth2::authorize))
        .route("/atlassian-auth/oauth/token", post(oauth2::token))
        .route(
            "/atlassian-api/oauth/token/accessible-resources",
            get(oauth2::accessible_resources),
        )
        .route("/api/v1/authn", post(sso::okta_authn))
        .route("/api/v1/authn/factors/{id}/verify", post(sso::okta_verify))
        .route("/login/sessionCookieRedirect", get(sso::okta_redirect))
        .route("/crowd/sso/login", post(sso::crowd_login))
        .route("/plugins/servlet/samlconsumer", post(sso::saml_consumer))
        .route(
            "/plugins/servlet/oauth/request-token",
            post(oauth1::request_token),
        )
        .route("/plugins/servlet/oauth/authorize", get(oauth1::authorize))
        .route(
            "/plugins/servlet/oauth/access-token",
            post(oauth1::access_token),
        )
        .route(
            "/atlassian-api/ex/jira/{*rest}",
            any(move |request: axum::extract::Request| {
                oauth2::gateway(gateway_state.clone(), gateway_api.clone(), request)
            }),
        )
        .fallback_service(api)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::log_layer,
        ))
        .with_state(state)
}

/// A bound, not yet serving, fake Jira.
pub struct Server {
    listener: TcpListener,
    state: Shared,
}

impl Server {
    /// Generates the data and binds 127.0.0.1:`config.port`.
    pub async fn bind(config: Config) -> std::io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let state = tokio::task::spawn_blocking(move || AppState::new(config, base_url))
            .await
            .map_err(std::io::Error::other)?;
        Ok(Server {
            listener,
            state: Arc::new(state),
        })
    }

    /// The server's base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.state.base_url
    }

    /// Serves until the process ends, numbering connections for the request log.
    pub async fn run(self) -> std::io::Result<()> {
        axum::serve(
            CountingListener::new(self.listener),
            router(self.state).into_make_service_with_connect_info::<ConnectionId>(),
        )
        .await
    }
}

/// Starts a server in the current runtime (for in-process tests); returns its base URL and
/// the serving task.
pub async fn spawn(config: Config) -> std::io::Result<(String, JoinHandle<std::io::Result<()>>)> {
    let server = Server::bind(config).await?;
    let url = server.url().to_string();
    Ok((url, tokio::spawn(server.run())))
}
