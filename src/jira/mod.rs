//! Talking to Jira: the HTTP client with its timeouts and retries, the runtime that waits for it
//! while watching for cancellation, and the paging of issue searches.

mod client;
pub mod endpoints;
mod listing;
mod pager;
mod runtime;
mod server_search;
mod worklogs;

pub use client::{party_json, party_text, transport_error, Client};
pub use listing::{segment, UNRESERVED};
pub use pager::{approximate_count, issues_by_ids, Pager};
pub use runtime::block_on;
pub use server_search::first_server_query;
