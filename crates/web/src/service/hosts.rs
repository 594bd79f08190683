//! Which Gong hosts this server will talk to (no SSRF): `https` on `gong.io` or a
//! subdomain, or a host an admin allowed explicitly (`--allow-gong-host`, e.g. the
//! simulator's `127.0.0.1:9090`).

use url::Url;

use crate::error::{ApiError, ApiResult};

/// Checks `url` as a Gong API or OAuth base URL; returns it normalised (no trailing `/`).
pub fn check(url: &str, allowed: &[String], field: &str) -> ApiResult<String> {
    let parsed =
        Url::parse(url.trim()).map_err(|e| ApiError::invalid(field, parse_error(url, e)))?;
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    let with_port = match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.clone(),
    };
    let gong = parsed.scheme() == "https" && (host == "gong.io" || host.ends_with(".gong.io"));
    let listed = matches!(parsed.scheme(), "http" | "https")
        && allowed
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&with_port) || a.eq_ignore_ascii_case(&host));
    if !(gong || listed) || !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(ApiError::invalid(
            field,
            format!(
                "'{url}' is not a Gong host: only https://*.gong.io and hosts allowed with --allow-gong-host are accepted"
            ),
        ));
    }
    Ok(url.trim().trim_end_matches('/').to_string())
}

/// A URL the url crate could not read, in words (its own text, such as "relative URL
/// without a base", means nothing to an admin).
fn parse_error(url: &str, error: url::ParseError) -> String {
    use url::ParseError as P;
    let url = url.trim();
    if url.is_empty() {
        return "Enter the Gong API base URL: https://api.gong.io, or your account's own from Gong's API page (e.g. https://us-12345.api.gong.io)".to_string();
    }
    let what = match error {
        P::RelativeUrlWithoutBase | P::RelativeUrlWithCannotBeABaseBase => {
            "Enter a full URL starting with https://"
        }
        P::EmptyHost => "the host name is missing after https://",
        P::InvalidPort => "the port after ':' is not a number from 1 to 65535",
        P::InvalidIpv4Address | P::InvalidIpv6Address => "the IP address is not valid",
        P::InvalidDomainCharacter | P::IdnaError => {
            "the host name has characters a host name cannot have"
        }
        _ => "it is not a web address",
    };
    format!("'{url}' is not a full URL: {what}, e.g. https://api.gong.io")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_that_does_not_parse_is_said_in_words() {
        let error = check("api.gong.io", &[], "base_url").expect_err("relative");
        let message = error.public_message();
        assert!(
            message.contains("Enter a full URL starting with https://"),
            "{message}"
        );
        assert!(!message.contains("relative URL"), "{message}");
        let error = check("https://api.gong.io:99999", &[], "base_url").expect_err("port");
        assert!(
            error.public_message().contains("port"),
            "{}",
            error.public_message()
        );
    }

    #[test]
    fn only_gong_over_https_or_allowed_hosts_pass() {
        let allowed = vec!["127.0.0.1:9090".to_string()];
        assert!(check("https://us-123.api.gong.io", &allowed, "f").is_ok());
        assert!(check("https://api.gong.io/", &allowed, "f").is_ok());
        assert!(check("http://api.gong.io", &allowed, "f").is_err());
        assert!(check("https://api.gong.io.evil.com", &allowed, "f").is_err());
        assert!(check("https://evilgong.io", &allowed, "f").is_err());
        assert!(check("http://169.254.169.254", &allowed, "f").is_err());
        assert!(check("http://127.0.0.1:9090", &allowed, "f").is_ok());
        assert!(check("http://127.0.0.1:9091", &allowed, "f").is_err());
        assert!(check("https://user:pw@api.gong.io", &allowed, "f").is_err());
    }
}
