//! Sign-in with OpenID Connect (A2): Authorization Code with PKCE (S256), beside
//! local passwords.
//!
//! [`start`] reads the provider's discovery document and keeps, for one `state`,
//! the `nonce`, the PKCE verifier and where to go after sign-in — in this process,
//! single use, for [`FLOW_TTL`] — and the browser carries the `state` in a cookie
//! too, so a callback started in another browser is refused. [`finish`] checks the
//! `state`, exchanges the code with the verifier (client secret by HTTP Basic),
//! and verifies the ID token: RS256 signature by a key of the provider's JWKS,
//! `iss`, `aud`, `exp`, `nonce`, and `azp` (OpenID Connect Core 3.1.3.7: a token
//! for several audiences must name this client as its authorized party). The email
//! then names the account: an existing one signs in with its role (unless an admin
//! removed its sign-in); otherwise an email of an allowed domain gets an account
//! with the mapped role ([`crate::state::RoleSource`]), which the caller records in
//! the audit log ([`SignedIn::created`]). Nothing secret is logged or kept: the
//! code, tokens and verifier are dropped after the exchange.
//!
//! The discovery document and the signing keys are read once per [`PROVIDER_TTL`]
//! and shared by every sign-in of the process ([`ProviderCache`], kept in
//! [`AppState`] with the sign-ins under way: [`crate::state::oidc`]); a token signed
//! by a key the cached set does not know has the keys read again once (the provider
//! rotated its keys).

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use gong_timeline_domain::UserStatus;
use gong_timeline_gong::reqwest as http;
use gong_timeline_store::{Admin, Role};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::roles::default_role;
use super::secret::{constant_time_eq, random_token};
use crate::state::oidc::{Discovery, Fetched};
pub use crate::state::oidc::{Flow, ProviderCache, PROVIDER_TTL};
use crate::state::{AppState, OidcConfig, RoleSource};

/// How long a sign-in may take at the provider.
pub const FLOW_TTL: Duration = Duration::from_secs(600);
/// Sign-ins under way at most (anonymous visitors start them).
const MAX_FLOWS: usize = 10_000;
/// What a new single sign-on account has for a password hash: no PHC string, so no
/// password ever matches it.
const NO_PASSWORD: &str = "!oidc";

/// Why a sign-in was refused; the message is shown on the page.
#[derive(Debug)]
pub enum Refusal {
    /// The provider or the token is at fault (400).
    Invalid(String),
    /// The person may not sign in here (403).
    NotAllowed(String),
    /// The provider could not be reached or answered nonsense (502).
    Provider(String),
    /// The store failed.
    Internal(String),
}

impl Refusal {
    /// The text shown.
    pub fn message(&self) -> &str {
        match self {
            Refusal::Invalid(m)
            | Refusal::NotAllowed(m)
            | Refusal::Provider(m)
            | Refusal::Internal(m) => m,
        }
    }
}

fn invalid(m: impl Into<String>) -> Refusal {
    Refusal::Invalid(m.into())
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

/// The `aud` claim: several audiences, or one (the signature check has matched it
/// against the client id already).
#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    Several(Vec<String>),
    One(serde::de::IgnoredAny),
}

impl Audience {
    fn count(&self) -> usize {
        match self {
            Audience::Several(all) => all.len(),
            Audience::One(_) => 1,
        }
    }
}

#[derive(Deserialize)]
struct IdClaims {
    aud: Audience,
    azp: Option<String>,
    nonce: Option<String>,
    email: Option<String>,
    email_verified: Option<serde_json::Value>,
    #[serde(flatten)]
    other: serde_json::Map<String, serde_json::Value>,
}

fn client(state: &AppState) -> Result<http::Client, Refusal> {
    gong_timeline_gong::OAuthClient::http_client(&state.config.gong)
        .map_err(|e| Refusal::Internal(e.to_string()))
}

fn issuer_of(config: &OidcConfig) -> &str {
    config.issuer.trim_end_matches('/')
}

async fn fetch_json<T: serde::de::DeserializeOwned>(
    http: &http::Client,
    url: &str,
    what: &str,
) -> Result<T, Refusal> {
    let unreachable = |e: http::Error| {
        tracing::warn!(error = %e, %url, "The sign-in provider could not be read.");
        Refusal::Provider(format!(
            "The sign-in provider's {what} could not be read. Try again later or log in with a password."
        ))
    };
    let response = http.get(url).send().await.map_err(unreachable)?;
    let response = response.error_for_status().map_err(unreachable)?;
    response.json().await.map_err(unreachable)
}

fn cache(state: &AppState) -> std::sync::MutexGuard<'_, ProviderCache> {
    state
        .inner
        .oidc_provider
        .lock()
        .expect("oidc provider cache")
}

/// The provider's discovery document: the cached one while fresh, else read now.
async fn discover(
    state: &AppState,
    http: &http::Client,
    config: &OidcConfig,
) -> Result<Arc<Discovery>, Refusal> {
    let url = format!("{}/.well-known/openid-configuration", issuer_of(config));
    let now = state.now();
    let cached = cache(state)
        .discovery
        .as_ref()
        .and_then(|d| d.fresh(&url, now));
    if let Some(found) = cached {
        return Ok(found);
    }
    let found: Discovery = fetch_json(http, &url, "configuration").await?;
    if found.issuer.trim_end_matches('/') != issuer_of(config) {
        return Err(Refusal::Provider(
            "The sign-in provider names another issuer than the one configured.".into(),
        ));
    }
    let found = Arc::new(found);
    cache(state).discovery = Some(Fetched {
        value: found.clone(),
        url,
        at: now,
    });
    Ok(found)
}

/// The provider's signing keys: the cached set while fresh (unless `reread`), else
/// read now.
async fn signing_keys(
    state: &AppState,
    http: &http::Client,
    found: &Discovery,
    reread: bool,
) -> Result<Arc<JwkSet>, Refusal> {
    let now = state.now();
    let cached = cache(state)
        .keys
        .as_ref()
        .filter(|_| !reread)
        .and_then(|k| k.fresh(&found.jwks_uri, now));
    if let Some(keys) = cached {
        return Ok(keys);
    }
    let keys: Arc<JwkSet> = Arc::new(fetch_json(http, &found.jwks_uri, "signing keys").await?);
    cache(state).keys = Some(Fetched {
        value: keys.clone(),
        url: found.jwks_uri.clone(),
        at: now,
    });
    Ok(keys)
}

/// The key of `keys` that signed a token with header `kid` (none named: the set's
/// only key).
fn key_for<'a>(keys: &'a JwkSet, kid: Option<&str>) -> Option<&'a jsonwebtoken::jwk::Jwk> {
    match kid {
        Some(kid) => keys.find(kid),
        None if keys.keys.len() == 1 => keys.keys.first(),
        None => None,
    }
}

/// The signing keys that know `token`'s key: the cached set, or, when it does not
/// know the key, the set read again once (the provider rotated its keys).
async fn keys_for(
    state: &AppState,
    http: &http::Client,
    found: &Discovery,
    token: &str,
) -> Result<Arc<JwkSet>, Refusal> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| refused_token("it is no JWT"))?;
    let keys = signing_keys(state, http, found, false).await?;
    if key_for(&keys, header.kid.as_deref()).is_some() {
        return Ok(keys);
    }
    signing_keys(state, http, found, true).await
}

/// `base64url(SHA-256(verifier))`, the PKCE S256 challenge.
pub fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Starts a sign-in: the provider's authorization URL and the `state` for the
/// browser's cookie.
pub async fn start(
    state: &AppState,
    config: &OidcConfig,
    next: &str,
) -> Result<(String, String), Refusal> {
    let http = client(state)?;
    let found = discover(state, &http, config).await?;
    let flow = Flow {
        nonce: random_token(),
        verifier: random_token(),
        next: next.to_string(),
        started: Instant::now(),
    };
    let st = random_token();
    let mut url = url::Url::parse(&found.authorization_endpoint).map_err(|_| {
        Refusal::Provider("The sign-in provider's authorization endpoint is no URL.".into())
    })?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &config.client_id)
        .append_pair("redirect_uri", &state.config.oidc_redirect_uri())
        .append_pair("scope", "openid email profile")
        .append_pair("state", &st)
        .append_pair("nonce", &flow.nonce)
        .append_pair("code_challenge", &challenge(&flow.verifier))
        .append_pair("code_challenge_method", "S256");
    {
        let mut flows = state.inner.oidc_flows.lock().expect("oidc flows");
        flows.retain(|_, f| f.started.elapsed() < FLOW_TTL);
        if flows.len() >= MAX_FLOWS {
            return Err(Refusal::Provider(
                "Too many sign-ins are under way. Try again in a few minutes.".into(),
            ));
        }
        flows.insert(st.clone(), flow);
    }
    Ok((url.to_string(), st))
}

/// Where a sign-in that was started went wrong at the provider (`error` on the
/// callback): the `state` is spent.
pub fn abandon(state: &AppState, st: &str) {
    state
        .inner
        .oidc_flows
        .lock()
        .expect("oidc flows")
        .remove(st);
}

/// A completed sign-in.
#[derive(Debug)]
pub struct SignedIn {
    /// The signed-in account.
    pub account: Admin,
    /// Where to go.
    pub next: String,
    /// Whether this sign-in made the account; the caller records it in the audit log
    /// (`service::roles::record_sso_sign_in`).
    pub created: bool,
}

/// Completes a sign-in: the signed-in account and where to go.
pub async fn finish(
    state: &AppState,
    config: &OidcConfig,
    code: Option<&str>,
    st: &str,
    cookie_state: Option<&str>,
) -> Result<SignedIn, Refusal> {
    // Single use: taken whatever happens next.
    let flow = state
        .inner
        .oidc_flows
        .lock()
        .expect("oidc flows")
        .remove(st);
    let flow = flow
        .filter(|f| f.started.elapsed() < FLOW_TTL)
        .filter(|_| cookie_state.is_some_and(|c| !st.is_empty() && constant_time_eq(c, st)))
        .ok_or_else(|| {
            invalid("This sign-in has expired or was started in another browser. Sign in again.")
        })?;
    let code = code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| invalid("The sign-in provider sent no authorization code."))?;
    let http = client(state)?;
    let found = discover(state, &http, config).await?;
    let redirect_uri = state.config.oidc_redirect_uri();
    let response = http
        .post(&found.token_endpoint)
        .basic_auth(&config.client_id, Some(&config.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", flow.verifier.as_str()),
        ])
        .send()
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "The sign-in provider's token endpoint could not be reached.");
            Refusal::Provider("The sign-in provider could not be reached. Try again later.".into())
        })?;
    if !response.status().is_success() {
        tracing::warn!(status = %response.status(), "The sign-in provider refused the code.");
        return Err(invalid(
            "The sign-in provider refused to complete the sign-in. Sign in again.",
        ));
    }
    let tokens: TokenResponse = response.json().await.map_err(|_| {
        Refusal::Provider("The sign-in provider's answer could not be read.".into())
    })?;
    let id_token = tokens
        .id_token
        .ok_or_else(|| invalid("The sign-in provider sent no ID token."))?;
    let jwks = keys_for(state, &http, &found, &id_token).await?;
    let claims = verify(&id_token, &jwks, issuer_of(config), &config.client_id)?;
    if !claims
        .nonce
        .as_deref()
        .is_some_and(|n| constant_time_eq(n, &flow.nonce))
    {
        return Err(refused_token("its nonce is not this sign-in's"));
    }
    let (account, created) = account_for(state, config, &claims).await?;
    let next = if account.role != Role::Admin && flow.next == "/connectors" {
        "/companies".to_string()
    } else {
        flow.next
    };
    Ok(SignedIn {
        account,
        next,
        created,
    })
}

fn refused_token(why: &str) -> Refusal {
    tracing::warn!(reason = why, "An ID token was refused.");
    invalid(format!(
        "The sign-in provider's ID token was refused: {why}. Nobody was signed in."
    ))
}

/// The claims of `token` once its signature, issuer, audience and expiry hold.
fn verify(token: &str, jwks: &JwkSet, issuer: &str, audience: &str) -> Result<IdClaims, Refusal> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| refused_token("it is no JWT"))?;
    if header.alg != Algorithm::RS256 {
        return Err(refused_token("it is not signed with RS256"));
    }
    let jwk = key_for(jwks, header.kid.as_deref())
        .ok_or_else(|| refused_token("no key of the provider signed it"))?;
    let key =
        DecodingKey::from_jwk(jwk).map_err(|_| refused_token("the provider's key is unusable"))?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer, &format!("{issuer}/")]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 30;
    match jsonwebtoken::decode::<IdClaims>(token, &key, &validation) {
        Ok(data) => authorized_party(data.claims, audience),
        Err(e) => Err(refused_token(match e.kind() {
            ErrorKind::InvalidSignature => "its signature does not match the provider's key",
            ErrorKind::ExpiredSignature => "it has expired",
            ErrorKind::InvalidAudience => "it was issued for another application (audience)",
            ErrorKind::InvalidIssuer => "it was issued by another provider (issuer)",
            ErrorKind::ImmatureSignature => "it is not valid yet",
            ErrorKind::MissingRequiredClaim(_) => "a required claim is missing",
            _ => "it could not be verified",
        })),
    }
}

/// The claims once the authorized party is this client (OpenID Connect Core
/// 3.1.3.7): a token for several audiences must carry `azp`, and an `azp` must be
/// `client_id`.
fn authorized_party(claims: IdClaims, client_id: &str) -> Result<IdClaims, Refusal> {
    match claims.azp.as_deref() {
        Some(azp) if azp != client_id => Err(refused_token(
            "it was issued to another application (authorized party)",
        )),
        None if claims.aud.count() > 1 => Err(refused_token(
            "it names several audiences but no authorized party",
        )),
        _ => Ok(claims),
    }
}

/// An existing account signs in unless an admin removed its sign-in (A1).
fn signs_in(account: Admin) -> Result<Admin, Refusal> {
    if account.can_sign_in() {
        return Ok(account);
    }
    tracing::warn!(account = %crate::security::log_safe(&account.username), "A single sign-on of an account whose sign-in was removed was refused.");
    Err(Refusal::NotAllowed(format!(
        "The sign-in of {} to this Timeline was removed. Ask an admin to grant it again.",
        account.username
    )))
}

/// Whether `email`'s domain is one of `allowed` (case-insensitive).
pub fn domain_allowed(email: &str, allowed: &[String]) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && allowed.iter().any(|d| {
            d.trim()
                .trim_start_matches('@')
                .eq_ignore_ascii_case(domain)
        })
}

/// The widest role a claim (a string or a list of strings) names.
pub fn role_from_claim(value: Option<&serde_json::Value>) -> Option<Role> {
    let names: Vec<&str> = match value {
        Some(serde_json::Value::String(s)) => s.split([' ', ',']).collect(),
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    };
    let named = |role: &str| names.iter().any(|n| n.trim().eq_ignore_ascii_case(role));
    [Role::Admin, Role::Member, Role::Viewer]
        .into_iter()
        .find(|r| named(&r.to_string()))
}

/// The account `claims` sign in, and whether this sign-in made it.
async fn account_for(
    state: &AppState,
    config: &OidcConfig,
    claims: &IdClaims,
) -> Result<(Admin, bool), Refusal> {
    let store = |e: gong_timeline_store::StoreError| Refusal::Internal(e.to_string());
    let email = claims
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            Refusal::NotAllowed("The sign-in provider did not share your email address.".into())
        })?;
    let unverified = match &claims.email_verified {
        Some(serde_json::Value::Bool(verified)) => !verified,
        Some(serde_json::Value::String(verified)) => verified != "true",
        _ => false,
    };
    if unverified {
        return Err(Refusal::NotAllowed(format!(
            "The sign-in provider has not verified {email}."
        )));
    }
    if !domain_allowed(email, &config.allowed_domains) {
        tracing::warn!(email = %crate::security::log_safe(email), "A single sign-on from a domain not allowed was refused.");
        return Err(Refusal::NotAllowed(format!(
            "{email} may not sign in here: its domain is not one this Timeline allows. Ask an admin."
        )));
    }
    let lower = email.to_lowercase();
    for name in [email, lower.as_str()] {
        if let Some(account) = state.store.admin_by_username(name).await.map_err(store)? {
            return signs_in(account).map(|account| (account, false));
        }
    }
    let role = match &config.roles {
        RoleSource::Claim(claim) => role_from_claim(claims.other.get(claim)),
        RoleSource::LicenseType => state
            .store
            .users_by_email(email)
            .await
            .map_err(store)?
            .into_iter()
            .filter(|u| u.status == UserStatus::Active)
            .filter_map(|u| default_role(u.license_type))
            .max_by_key(|r| match r {
                Role::Admin => 2,
                Role::Member => 1,
                Role::Viewer => 0,
            }),
    };
    let Some(role) = role else {
        return Err(Refusal::NotAllowed(format!(
            "{email} has no role on this Timeline. Ask an admin to grant you access."
        )));
    };
    let account = state
        .store
        .create_account(&lower, NO_PASSWORD, role, state.now())
        .await
        .map_err(store)?;
    Ok((account, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_of_the_rfc_7636_example() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn domains_and_claims() {
        let allowed = vec!["example.com".to_string()];
        assert!(domain_allowed("ann@Example.com", &allowed));
        assert!(!domain_allowed("ann@example.com.evil", &allowed));
        assert!(!domain_allowed("ann@sub.example.com", &allowed));
        assert!(!domain_allowed("@example.com", &allowed));
        assert!(!domain_allowed("ann@example.com", &[]));
        let list = serde_json::json!(["staff", "member"]);
        assert_eq!(role_from_claim(Some(&list)), Some(Role::Member));
        let both = serde_json::json!("viewer admin");
        assert_eq!(role_from_claim(Some(&both)), Some(Role::Admin));
        assert_eq!(role_from_claim(Some(&serde_json::json!("staff"))), None);
        assert_eq!(role_from_claim(None), None);
    }
}
