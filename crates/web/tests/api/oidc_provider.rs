//! A small OpenID Connect provider for the tests (A2), on 127.0.0.1:0: discovery,
//! `/authorize` (signs the next person in at once: no consent page), `/token`
//! (checks the client, the code, the redirect URI and the PKCE S256 verifier) and
//! `/jwks`. ID tokens are RS256 with a fixed test key; [`Fault`] makes the next
//! one wrong in one way. It counts the discovery and JWKS requests it answers, and
//! [`Provider::rotate_keys`] replaces its signing key (a new `kid`).
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The signing key the provider publishes.
const GOOD_KEY: &str = include_str!("oidc_keys/good.pem");
/// A key the provider does not publish (a forged signature).
const ROGUE_KEY: &str = include_str!("oidc_keys/rogue.pem");
/// The public key id.
const KID: &str = "test-key";
/// The key id after [`Provider::rotate_keys`]: the rogue key, published from then on.
const ROTATED_KID: &str = "rotated-key";
const ROTATED_N: &str = "ot2f2DwCiUdg7rdBfvTlEfH-MRgyOuKwQYVCOhSMmX88ZnuCRZ74qYms3stx9Z1G6nfR7-x8UToHybpIWE6PsklfhC_OFbpPJ3LiN9qNjr14YcPcp7C-VoHiR5wusJjq70xj0PR8t9_NZK_XrgyFnqUp5PZGm3xVku_SIadzZMwoZSn3LnQkHMEbopMo8ffuQoPU-ta6cx__0ZiNO0MVOY2tsgryR8bPUOinKpkjc6EMSaJ5ztCDTFakIsjlilLTS9jhqOyMKAgn3SkLeyNRMIUkGTGVk11rBfhjDBP69RzUyx7Wc9OxqsJ07uMv020cqAyfD6hybqFw7z-pS_1XIQ";
const GOOD_N: &str = "zx9rZcljEEzKmcVcBNJBIJz_0YJNNaJUiQPrL-OVDLN5lK7GJu6TAK1rY5QkwA405Cl-3HQadrysjZGtLW7_qCRHMqBU5DLi4WVrOlyL7AsTL2G-LjXqptMql2BGYQfEZQ7H56C-ASb9wYeisL4pxVna71t_4ZjDHC-fcpPmqTETsAPN1W61jvBRtcTnlGQSMHx__nrT4Zg5sB_vNyzZRiWzoSygJ4RG4DGFrPWPLEI7vcHTVqy5di1NEy-O0lGQnUoLu7DWh48tc9LGjfpie-_1i94bvUQQ1o4lRfKPNc9d3NmgaV8WfJ0J6flrLgzSwB6_-YECsgzSGFl8RhhSsw";

/// What is wrong with the next ID token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    /// Nothing.
    #[default]
    None,
    /// Issued for another client.
    WrongAudience,
    /// Carries another nonce than the one asked for.
    WrongNonce,
    /// Expired an hour ago.
    Expired,
    /// Signed with a key the provider does not publish.
    BadSignature,
    /// For this client and another one, with no `azp`.
    SeveralAudiences,
    /// For this client and another one, `azp` this client (valid).
    SeveralAudiencesWithAzp,
    /// `azp` another client.
    WrongAzp,
}

/// Who signs in next, and how.
#[derive(Debug, Clone, Default)]
pub struct Next {
    /// The `email` claim.
    pub email: String,
    /// Extra claims (e.g. `role`).
    pub claims: serde_json::Map<String, Value>,
    /// What is wrong with the token.
    pub fault: Fault,
}

struct Grant {
    nonce: String,
    challenge: String,
    redirect_uri: String,
    next: Next,
}

#[derive(Default)]
struct Shared {
    next: Next,
    codes: HashMap<String, Grant>,
    counter: u64,
    /// Discovery documents served.
    discoveries: u64,
    /// JWKS served.
    key_sets: u64,
    /// Signing with the rotated key.
    rotated: bool,
}

#[derive(Clone)]
struct Ctx {
    issuer: String,
    client_id: String,
    client_secret: String,
    shared: Arc<Mutex<Shared>>,
}

/// A running provider.
#[derive(Clone)]
pub struct Provider {
    /// The issuer URL (`http://127.0.0.1:PORT`).
    pub issuer: String,
    /// The client registered with it.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    shared: Arc<Mutex<Shared>>,
}

impl Provider {
    /// Starts a provider with one registered client.
    pub async fn start() -> Provider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let ctx = Ctx {
            issuer: issuer.clone(),
            client_id: "gong-timeline".into(),
            client_secret: "test-client-secret".into(),
            shared: Arc::default(),
        };
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/jwks", get(jwks))
            .with_state(ctx.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Provider {
            issuer,
            client_id: ctx.client_id,
            client_secret: ctx.client_secret,
            shared: ctx.shared,
        }
    }

    /// Who signs in next.
    pub fn sign_in_next(&self, next: Next) {
        self.shared.lock().unwrap().next = next;
    }

    /// How many discovery documents and JWKS it has served.
    pub fn requests(&self) -> (u64, u64) {
        let shared = self.shared.lock().unwrap();
        (shared.discoveries, shared.key_sets)
    }

    /// Signs with a new key from now on and publishes only that one.
    pub fn rotate_keys(&self) {
        self.shared.lock().unwrap().rotated = true;
    }
}

async fn discovery(State(ctx): State<Ctx>) -> Json<Value> {
    ctx.shared.lock().unwrap().discoveries += 1;
    let i = &ctx.issuer;
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(ctx): State<Ctx>) -> Json<Value> {
    let mut shared = ctx.shared.lock().unwrap();
    shared.key_sets += 1;
    let (kid, n) = if shared.rotated {
        (ROTATED_KID, ROTATED_N)
    } else {
        (KID, GOOD_N)
    };
    Json(json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": n, "e": "AQAB",
    }]}))
}

#[derive(Deserialize)]
struct AuthorizeParams {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    state: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
    scope: String,
}

async fn authorize(State(ctx): State<Ctx>, Query(p): Query<AuthorizeParams>) -> Response {
    if p.response_type != "code"
        || p.client_id != ctx.client_id
        || p.code_challenge_method != "S256"
        || !p.scope.split(' ').any(|s| s == "openid")
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let mut shared = ctx.shared.lock().unwrap();
    shared.counter += 1;
    let code = format!("code-{}", shared.counter);
    let next = shared.next.clone();
    shared.codes.insert(
        code.clone(),
        Grant {
            nonce: p.nonce,
            challenge: p.code_challenge,
            redirect_uri: p.redirect_uri.clone(),
            next,
        },
    );
    let mut back = url::Url::parse(&p.redirect_uri).unwrap();
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &p.state);
    Redirect::to(back.as_str()).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: String,
}

async fn token(State(ctx): State<Ctx>, headers: HeaderMap, Form(f): Form<TokenForm>) -> Response {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", ctx.client_id, ctx.client_secret))
    );
    let authorised = headers
        .get("authorization")
        .is_some_and(|v| v.as_bytes() == expected.as_bytes());
    let refuse = |what: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "error_description": what})),
        )
            .into_response()
    };
    if !authorised {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let (grant, rotated) = {
        let mut shared = ctx.shared.lock().unwrap();
        (shared.codes.remove(&f.code), shared.rotated)
    };
    let Some(grant) = grant else {
        return refuse("unknown or spent code");
    };
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(f.code_verifier.as_bytes()));
    if f.grant_type != "authorization_code"
        || f.redirect_uri != grant.redirect_uri
        || challenge != grant.challenge
    {
        return refuse("grant, redirect URI or PKCE verifier does not match");
    }
    let now = chrono::Utc::now().timestamp();
    let next = grant.next;
    let mut claims = json!({
        "iss": ctx.issuer,
        "sub": format!("sub-{}", next.email),
        "aud": ctx.client_id,
        "iat": now,
        "exp": now + 300,
        "nonce": grant.nonce,
        "email": next.email,
        "email_verified": true,
    });
    let object = claims.as_object_mut().unwrap();
    for (k, v) in next.claims {
        object.insert(k, v);
    }
    let (mut key, kid) = if rotated {
        (ROGUE_KEY, ROTATED_KID)
    } else {
        (GOOD_KEY, KID)
    };
    match next.fault {
        Fault::None => {}
        Fault::WrongAudience => {
            object.insert("aud".into(), json!("another-app"));
        }
        Fault::WrongNonce => {
            object.insert("nonce".into(), json!("not-the-nonce"));
        }
        Fault::Expired => {
            object.insert("iat".into(), json!(now - 7200));
            object.insert("exp".into(), json!(now - 3600));
        }
        Fault::BadSignature => key = ROGUE_KEY,
        Fault::SeveralAudiences => {
            object.insert("aud".into(), json!([ctx.client_id, "another-app"]));
        }
        Fault::SeveralAudiencesWithAzp => {
            object.insert("aud".into(), json!([ctx.client_id, "another-app"]));
            object.insert("azp".into(), json!(ctx.client_id));
        }
        Fault::WrongAzp => {
            object.insert("azp".into(), json!("another-app"));
        }
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    let id_token = jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_rsa_pem(key.as_bytes()).unwrap(),
    )
    .unwrap();
    Json(json!({
        "access_token": "test-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}
