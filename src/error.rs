//! The one error type of the pure core. Each variant knows its SQLSTATE so that `src/fdw/` can
//! report it without guessing, and no variant ever carries a secret.

use thiserror::Error;

/// SQLSTATE classes the extension reports; `src/fdw/` maps them onto Postgres' error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlState {
    /// `HV00D`: an option name that does not exist or a value that is not valid.
    InvalidOption,
    /// `HV00J`: an option that is required is missing.
    MissingOption,
    /// `HV00N`: Jira could not be reached or answered garbage.
    Connection,
    /// `28000`: Jira rejected the credentials.
    Authorization,
    /// `57014`: the statement was cancelled while waiting for Jira.
    Cancelled,
    /// `42501`: the current role may not do this (set a file option, use a server).
    Privilege,
    /// `22023`: a value the user gave cannot be used (raw JQL that would widen a query).
    InvalidParameter,
    /// `HV000`: everything else.
    Fdw,
}

/// Errors of the pure core, with a message that says what to do.
#[derive(Debug, Error)]
pub enum Error {
    /// A bad option: unknown name, bad value, or one given where it does not belong.
    #[error("{message}")]
    Option {
        message: String,
        hint: Option<String>,
    },
    /// A required option is absent.
    #[error("{message}")]
    MissingOption { message: String, hint: String },
    /// Jira refused the credentials (HTTP 401 or `X-Seraph-LoginReason: AUTHENTICATED_FAILED`).
    #[error("Jira rejected the credentials of auth scheme {scheme}: {message}")]
    Auth {
        scheme: String,
        message: String,
        hint: String,
    },
    /// Jira could not be reached, timed out, or sent a body that is not what its API promises.
    #[error("{0}")]
    Connection(String),
    /// Jira answered with an error status; `message` is Jira's own text.
    #[error("Jira answered HTTP {status} to {what}: {message}")]
    Jira {
        status: u16,
        what: String,
        message: String,
    },
    /// A value in Jira's answer does not fit the column's type.
    #[error("cannot read column \"{column}\" from Jira's value {value}: {reason}")]
    Conversion {
        column: String,
        value: String,
        reason: String,
    },
    /// The query was cancelled (statement_timeout, pg_cancel_backend) while waiting for Jira.
    #[error("canceling statement while waiting for Jira")]
    Cancelled,
    /// The current role lacks a privilege the request needs.
    #[error("{message}")]
    Privilege { message: String, hint: String },
    /// A value given in SQL that cannot be used as it is.
    #[error("{message}")]
    InvalidParameter { message: String, hint: String },
    /// A file named by an option cannot be used. The path is kept apart from the message so
    /// that only superusers are shown it.
    #[error("cannot use the file named by option \"{option}\": {reason}")]
    File {
        option: &'static str,
        path: String,
        reason: String,
    },
    /// A table definition the extension cannot serve.
    #[error("{message}")]
    Definition {
        message: String,
        hint: Option<String>,
    },
    /// Something the extension itself got wrong (a plan it cannot read back): never papered
    /// over with a default, which could drop a pushed ORDER BY or condition.
    #[error("internal error in jira_fdw: {0}")]
    Internal(String),
}

impl Error {
    /// The SQLSTATE this error is reported with.
    pub fn sqlstate(&self) -> SqlState {
        match self {
            Error::Option { .. } | Error::Definition { .. } => SqlState::InvalidOption,
            Error::MissingOption { .. } => SqlState::MissingOption,
            Error::Auth { .. } => SqlState::Authorization,
            Error::Connection(_) => SqlState::Connection,
            Error::Cancelled => SqlState::Cancelled,
            Error::Privilege { .. } => SqlState::Privilege,
            Error::InvalidParameter { .. } => SqlState::InvalidParameter,
            Error::File { .. } => SqlState::InvalidOption,
            Error::Jira { .. } | Error::Conversion { .. } | Error::Internal(_) => SqlState::Fdw,
        }
    }

    /// A hint for the user, when there is something useful to add.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Option { hint, .. } | Error::Definition { hint, .. } => hint.clone(),
            Error::MissingOption { hint, .. }
            | Error::Privilege { hint, .. }
            | Error::InvalidParameter { hint, .. } => Some(hint.clone()),
            Error::File { .. } => Some(
                "The file must be a regular file (not a link) owned by the database server's OS \
                 user or root."
                    .into(),
            ),
            Error::Auth { hint, .. } if !hint.is_empty() => Some(hint.clone()),
            _ => None,
        }
    }

    /// Shorthand for an option error with an optional hint.
    pub fn option(message: impl Into<String>, hint: Option<String>) -> Self {
        Error::Option {
            message: message.into(),
            hint,
        }
    }
}

impl Error {
    /// The private detail of an error that only a superuser may see (a file's path).
    pub fn private_detail(&self) -> Option<String> {
        match self {
            Error::File { path, .. } => Some(format!("file: {path}")),
            _ => None,
        }
    }
}

/// Result type of the pure core.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_failures_say_so_and_are_not_connection_errors() {
        let e = Error::Internal("cannot read a path".into());
        assert_eq!(e.sqlstate(), SqlState::Fdw);
        assert_eq!(
            e.to_string(),
            "internal error in jira_fdw: cannot read a path"
        );
        assert_eq!(e.hint(), None);
    }
}
