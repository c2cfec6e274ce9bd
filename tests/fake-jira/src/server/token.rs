//! The opaque `nextPageToken`: the offset of the next page bound to a hash of the JQL, so a
//! token used with another query is rejected like an expired one.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The token for the page starting at `offset` of the results of `jql`.
pub fn encode(jql: &str, offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{offset}:{:016x}", fnv1a(jql)))
}

/// The offset a token points at, if it is well formed and belongs to `jql`.
pub fn decode(jql: &str, token: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(token.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.split(':');
    (parts.next()? == "v1").then_some(())?;
    let offset = parts.next()?.parse().ok()?;
    let hash = parts.next()?;
    (hash == format!("{:016x}", fnv1a(jql)) && parts.next().is_none()).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejection() {
        let t = encode("project = ALPHA", 200);
        assert_eq!(decode("project = ALPHA", &t), Some(200));
        assert_eq!(decode("project = BETA", &t), None);
        assert_eq!(decode("project = ALPHA", "garbage!"), None);
        assert_eq!(decode("project = ALPHA", ""), None);
    }
}
