//! HTTP Basic: Cloud API tokens (`email:token`) and Server/DC passwords (`user:password`).

use base64::Engine;

/// `Basic base64(user:secret)`.
pub fn header(user: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
    format!("Basic {encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_user_and_secret() {
        // RFC 7617's example.
        assert_eq!(
            super::header("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }
}
