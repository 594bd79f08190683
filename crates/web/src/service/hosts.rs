//! Which Gong hosts this server will talk to (no SSRF): `https` on `gong.io` or a
//! subdomain, or a host an admin allowed explicitly (`--allow-gong-host`, e.g. the
//! simulator's `127.0.0.1:9090`).

use url::Url;

use crate::error::{ApiError, ApiResult};

/// Checks `url` as a Gong API or OAuth base URL; returns it normalised (no trailing `/`).
pub fn check(url: &str, allowed: &[String], field: &str) -> ApiResult<String> {
    let parsed = Url::parse(url.trim())
        .map_err(|e| ApiError::invalid(field, format!("'{url}' is not a URL: {e}")))?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
