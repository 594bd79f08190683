//! Secrets out of the URLs the product prints or logs: every database URL
//! (`--db`, `db copy --from/--to`) goes through [`redact_url`] before it is shown,
//! and every message that may quote one through [`redact_in`].
//!
//! A URL's password is redacted wherever it sits: in the userinfo
//! (`postgres://user:secret@host/db`, also when the password holds an unencoded `@`,
//! which ends the userinfo at the *last* `@` before the query) and in a query
//! parameter such as `?password=secret`.

/// What a secret is replaced with.
pub const MASK: &str = "****";

/// Query parameters whose values are secrets (compared in any case).
const SECRET_PARAMS: &[&str] = &[
    "password",
    "pass",
    "pwd",
    "sslpassword",
    "secret",
    "token",
    "access_token",
];

/// The parts of a URL: `scheme://` (or empty), userinfo, host-and-path, query.
struct Parts<'a> {
    scheme: &'a str,
    userinfo: Option<&'a str>,
    rest: &'a str,
    query: Option<&'a str>,
}

fn split(url: &str) -> Parts<'_> {
    let (before_query, query) = match url.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (url, None),
    };
    let (scheme, after) = match before_query.find("://") {
        Some(i) => before_query.split_at(i + 3),
        None => ("", before_query),
    };
    match after.rfind('@').filter(|_| !scheme.is_empty()) {
        Some(at) => Parts {
            scheme,
            userinfo: Some(&after[..at]),
            rest: &after[at + 1..],
            query,
        },
        None => Parts {
            scheme,
            userinfo: None,
            rest: after,
            query,
        },
    }
}

fn is_secret_param(key: &str) -> bool {
    SECRET_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(key))
}

/// `url` as it may be printed or logged: the password of its userinfo and the
/// values of secret query parameters become `****`; the rest is kept.
pub fn redact_url(url: &str) -> String {
    let parts = split(url);
    let mut out = String::from(parts.scheme);
    if let Some(userinfo) = parts.userinfo {
        match userinfo.split_once(':') {
            Some((user, _)) => out.push_str(&format!("{user}:{MASK}@")),
            None => out.push_str(&format!("{userinfo}@")),
        }
    }
    out.push_str(parts.rest);
    if let Some(query) = parts.query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if is_secret_param(&percent_decode(key)) => {
                    format!("{key}={MASK}")
                }
                _ => pair.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

/// The secrets of `url` (as written and percent-decoded), longest first.
fn secrets(url: &str) -> Vec<String> {
    let parts = split(url);
    let mut found = Vec::new();
    if let Some((_, password)) = parts.userinfo.and_then(|u| u.split_once(':')) {
        found.push(password.to_string());
    }
    for pair in parts.query.unwrap_or_default().split('&') {
        if let Some((key, value)) = pair.split_once('=') {
            if is_secret_param(&percent_decode(key)) {
                found.push(value.to_string());
            }
        }
    }
    let decoded: Vec<String> = found.iter().map(|s| percent_decode(s)).collect();
    found.extend(decoded);
    found.retain(|s| !s.is_empty());
    found.sort_by_key(|s| std::cmp::Reverse(s.len()));
    found.dedup();
    found
}

/// `message` (an error that may quote `url`) without `url`'s secrets: the URL is
/// shown redacted, and its password is masked wherever else it appears.
pub fn redact_in(message: &str, url: &str) -> String {
    let mut out = if url.is_empty() {
        message.to_string()
    } else {
        message.replace(url, &redact_url(url))
    };
    for secret in secrets(url) {
        out = out.replace(&secret, MASK);
    }
    out
}

/// `%XX` escapes decoded (invalid ones kept as written).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sec5_passwords_are_redacted_in_userinfo_query_and_with_an_unencoded_at() {
        let cases = [
            (
                "postgres://app:hunter2@db.example.com:5432/gt",
                "postgres://app:****@db.example.com:5432/gt",
            ),
            (
                "postgres://db.example.com/gt?user=app&password=hunter2&sslmode=require",
                "postgres://db.example.com/gt?user=app&password=****&sslmode=require",
            ),
            (
                "postgresql://app:hun@ter2@db.example.com/gt",
                "postgresql://app:****@db.example.com/gt",
            ),
            (
                "postgres://app:p%40ss@db/gt?PassWord=x%26y",
                "postgres://app:****@db/gt?PassWord=****",
            ),
            ("sqlite://gong-timeline.db", "sqlite://gong-timeline.db"),
            ("sqlite:/tmp/a b.db?mode=rwc", "sqlite:/tmp/a b.db?mode=rwc"),
            (
                "postgres://app@db/gt?application_name=a@b",
                "postgres://app@db/gt?application_name=a@b",
            ),
        ];
        for (url, shown) in cases {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn sec5_a_message_quoting_a_url_or_its_password_shows_neither_secret() {
        let url = "postgres://app:hun@ter2@db/gt?sslpassword=k3y%21";
        let message = format!("cannot connect to {url}: password 'hun@ter2' refused; key k3y!");

        let shown = redact_in(&message, url);

        assert!(
            !shown.contains("hun@ter2") && !shown.contains("k3y"),
            "{shown}"
        );
        assert!(shown.contains("postgres://app:****@db/gt"), "{shown}");
    }
}
