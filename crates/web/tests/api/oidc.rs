//! A2: sign-in with OpenID Connect against the test provider
//! ([`crate::oidc_provider`]): the whole Authorization Code + PKCE flow through the
//! app, each kind of bad ID token refused with a clear page and no session (`azp`
//! included), the provider's documents read once per hour and its keys again when
//! they rotate, an account whose sign-in was removed refused, and an account a
//! sign-in made recorded in the audit log (A4).

use std::sync::Arc;

use gong_timeline_domain::LicenseType;
use gong_timeline_store::Role;
use gong_timeline_web::{OidcConfig, RoleSource};

use crate::helpers::{cookies, spawn_app_with, Options, TestApp};
use crate::oidc_provider::{Fault, Next, Provider};

/// The app most tests use: `example.org` allowed, the role from the `role` claim.
async fn members_of_example_org(provider: &Provider) -> TestApp {
    app_with(provider, &["example.org"], RoleSource::Claim("role".into())).await
}

async fn app_with(provider: &Provider, domains: &[&str], roles: RoleSource) -> TestApp {
    let config = OidcConfig {
        issuer: provider.issuer.clone(),
        client_id: provider.client_id.clone(),
        client_secret: provider.client_secret.clone(),
        allowed_domains: domains.iter().map(|d| d.to_string()).collect(),
        roles,
        display_name: "Test IdP".into(),
    };
    spawn_app_with(Options {
        web: Some(Arc::new(move |w| w.oidc = Some(config.clone()))),
        ..Options::default()
    })
    .await
}

/// A Timeline user's email with `license`.
async fn email_with(app: &TestApp, license: LicenseType) -> String {
    app.store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.license_type == license && u.status == gong_timeline_domain::UserStatus::Active)
        .expect("a user with the license")
        .email
}

fn domain(email: &str) -> &str {
    email.rsplit_once('@').unwrap().1
}

struct Outcome {
    status: u16,
    location: String,
    session: Option<String>,
    body: String,
}

/// Clicks "Sign in with Test IdP" and follows the redirects to the app's answer.
async fn sign_in(app: &TestApp) -> Outcome {
    let login = app
        .http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let html = login.text().await.unwrap();
    assert!(html.contains("Sign in with Test IdP"), "{html}");
    let start = app
        .http
        .get(format!("{}/auth/oidc/start", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status().as_u16(), 303);
    let state_cookie = cookies(&start);
    assert!(state_cookie.starts_with("gt_oidc_state="), "{state_cookie}");
    let authorize = location(&start);
    for needed in [
        "code_challenge_method=S256",
        "code_challenge=",
        "nonce=",
        "state=",
    ] {
        assert!(authorize.contains(needed), "{authorize}");
    }
    let back = app.http.get(&authorize).send().await.unwrap();
    assert_eq!(back.status().as_u16(), 303, "the provider signs in at once");
    let callback = location(&back);
    assert!(callback.starts_with(&format!("{}/auth/oidc/callback?", app.base)));
    let answer = app
        .http
        .get(&callback)
        .header("cookie", &state_cookie)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let location = location(&answer);
    let session = cookies(&answer)
        .split("; ")
        .find(|c| c.starts_with("gt_session="))
        .map(str::to_string);
    let body = answer.text().await.unwrap();
    // The callback cannot be replayed: its state is spent.
    let replay = app
        .http
        .get(&callback)
        .header("cookie", &state_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.status().as_u16(),
        400,
        "a replayed callback is refused"
    );
    Outcome {
        status,
        location,
        session,
        body,
    }
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a2_a_member_signs_in_with_the_provider_and_lands_on_the_timeline() {
    let provider = Provider::start().await;
    let probe = app_with(&provider, &[], RoleSource::LicenseType).await;
    let email = email_with(&probe, LicenseType::Full).await;
    drop(probe);
    let app = app_with(&provider, &[domain(&email)], RoleSource::LicenseType).await;
    provider.sign_in_next(Next {
        email: email.clone(),
        ..Next::default()
    });
    let out = sign_in(&app).await;
    assert_eq!(out.status, 303, "{}", out.body);
    assert_eq!(out.location, "/companies");
    let session = out.session.expect("a session");
    let page = app
        .http
        .get(format!("{}/companies", app.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let account = app
        .store
        .admin_by_username(&email)
        .await
        .unwrap()
        .expect("account");
    assert_eq!(account.role, Role::Member);
    // A member may not open the admins' pages.
    let connectors = app
        .http
        .get(format!("{}/connectors", app.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(connectors.status().as_u16(), 403);
    // No password signs in to a single sign-on account.
    let refused = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[("username", email.as_str()), ("password", "!oidc")])
        .send()
        .await
        .unwrap();
    assert_ne!(refused.status().as_u16(), 303);
    // The second sign-in uses the same account.
    provider.sign_in_next(Next {
        email: email.clone(),
        ..Next::default()
    });
    let again = sign_in(&app).await;
    assert_eq!(again.status, 303);
    assert_eq!(app.store.list_admins().await.unwrap().len(), 2);
    // Local passwords still work beside it.
    app.login().await;
}

/// An app signing in `example.org` with the role from the `groups` claim.
async fn app_with_roles_from_groups(provider: &Provider) -> TestApp {
    app_with(
        provider,
        &["example.org"],
        RoleSource::Claim("groups".into()),
    )
    .await
}

/// The next sign-in: `email`, with a `groups` claim.
fn in_groups(email: &str, groups: serde_json::Value) -> Next {
    let mut claims = serde_json::Map::new();
    claims.insert("groups".into(), groups);
    Next {
        email: email.into(),
        claims,
        ..Next::default()
    }
}

#[tokio::test]
async fn a2_the_role_can_come_from_a_claim() {
    let provider = Provider::start().await;
    let app = app_with_roles_from_groups(&provider).await;
    provider.sign_in_next(in_groups(
        "reader@example.org",
        serde_json::json!(["staff", "viewer"]),
    ));
    let out = sign_in(&app).await;
    assert_eq!(out.status, 303, "{}", out.body);
    let account = app
        .store
        .admin_by_username("reader@example.org")
        .await
        .unwrap()
        .expect("account");
    assert_eq!(account.role, Role::Viewer);
    // No role named: no account.
    provider.sign_in_next(Next {
        email: "nobody@example.org".into(),
        ..Next::default()
    });
    let out = sign_in(&app).await;
    assert_eq!(out.status, 403);
    assert!(
        out.body.contains("has no role on this Timeline"),
        "{}",
        out.body
    );
    assert!(out.session.is_none());
}

#[tokio::test]
async fn a4_an_account_single_sign_on_made_is_in_the_audit_log_once() {
    use gong_timeline_domain::audit::{AuditAction, AuditChannel};
    let provider = Provider::start().await;
    let app = app_with_roles_from_groups(&provider).await;
    for _ in 0..2 {
        provider.sign_in_next(in_groups(
            "reader@example.org",
            serde_json::json!(["viewer"]),
        ));
        let out = sign_in(&app).await;
        assert_eq!(out.status, 303, "{}", out.body);
    }
    let entries = app.store.list_audit_entries(100, None).await.unwrap();
    let created: Vec<_> = entries
        .iter()
        .filter(|e| e.action == AuditAction::AdminCreated)
        .collect();
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(created[0].actor, "reader@example.org");
    assert_eq!(created[0].channel, AuditChannel::Ui);
    assert_eq!(created[0].target, "admin 'reader@example.org'");
    let after = created[0].after.as_ref().unwrap();
    assert_eq!(after["role"], "viewer");
    assert_eq!(after["by"], "single sign-on");
}

#[tokio::test]
async fn a2_bad_tokens_and_other_domains_are_refused_without_a_session() {
    let provider = Provider::start().await;
    let app = members_of_example_org(&provider).await;
    let admins_before = app.store.list_admins().await.unwrap().len();
    let cases = [
        (
            "ann@example.org",
            Fault::WrongAudience,
            400,
            "another application (audience)",
        ),
        (
            "ann@example.org",
            Fault::WrongNonce,
            400,
            "nonce is not this sign-in",
        ),
        ("ann@example.org", Fault::Expired, 400, "it has expired"),
        (
            "ann@example.org",
            Fault::SeveralAudiences,
            400,
            "it names several audiences but no authorized party",
        ),
        (
            "ann@example.org",
            Fault::WrongAzp,
            400,
            "issued to another application (authorized party)",
        ),
        (
            "ann@example.org",
            Fault::BadSignature,
            400,
            "signature does not match",
        ),
        (
            "ann@elsewhere.example",
            Fault::None,
            403,
            "its domain is not one this Timeline allows",
        ),
    ];
    for (email, fault, status, message) in cases {
        let mut claims = serde_json::Map::new();
        claims.insert("role".into(), serde_json::json!("member"));
        provider.sign_in_next(Next {
            email: email.into(),
            claims,
            fault,
        });
        let out = sign_in(&app).await;
        assert_eq!(out.status, status, "{fault:?}: {}", out.body);
        assert!(out.body.contains(message), "{fault:?}: {}", out.body);
        assert!(out.body.contains("Single sign-on failed"), "{fault:?}");
        assert!(out.session.is_none(), "{fault:?}: no session");
    }
    assert_eq!(app.store.list_admins().await.unwrap().len(), admins_before);
}

#[tokio::test]
async fn a2_a_callback_without_the_browsers_state_cookie_is_refused() {
    let provider = Provider::start().await;
    let app = members_of_example_org(&provider).await;
    let start = app
        .http
        .get(format!("{}/auth/oidc/start", app.base))
        .send()
        .await
        .unwrap();
    let back = app.http.get(location(&start)).send().await.unwrap();
    let answer = app.http.get(location(&back)).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    assert!(cookies(&answer)
        .split("; ")
        .all(|c| !c.starts_with("gt_session=")));
}

#[tokio::test]
async fn a2_without_a_provider_the_log_in_offers_passwords_only() {
    let app = spawn_app_with(Options::default()).await;
    let html = app
        .http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Sign in with"));
    let start = app
        .http
        .get(format!("{}/auth/oidc/start", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status().as_u16(), 403);
}

/// Signs `email` in with the `role` claim and `fault`: the outcome.
async fn sign_in_as(app: &TestApp, provider: &Provider, email: &str, fault: Fault) -> Outcome {
    let mut claims = serde_json::Map::new();
    claims.insert("role".into(), serde_json::json!("member"));
    provider.sign_in_next(Next {
        email: email.into(),
        claims,
        fault,
    });
    sign_in(app).await
}

#[tokio::test]
async fn a2_a_token_for_several_audiences_signs_in_when_it_names_this_client_as_azp() {
    let provider = Provider::start().await;
    let app = members_of_example_org(&provider).await;
    let out = sign_in_as(
        &app,
        &provider,
        "ann@example.org",
        Fault::SeveralAudiencesWithAzp,
    )
    .await;
    assert_eq!(out.status, 303, "{}", out.body);
    assert!(out.session.is_some());
}

#[tokio::test]
async fn a2_the_providers_documents_are_read_once_an_hour_and_its_keys_again_when_they_rotate() {
    let provider = Provider::start().await;
    let app = members_of_example_org(&provider).await;
    for _ in 0..3 {
        let out = sign_in_as(&app, &provider, "ann@example.org", Fault::None).await;
        assert_eq!(out.status, 303, "{}", out.body);
    }
    assert_eq!(provider.requests(), (1, 1), "(discovery, JWKS) read once");
    // A new signing key: the keys are read again once, and the sign-in succeeds.
    provider.rotate_keys();
    let out = sign_in_as(&app, &provider, "ann@example.org", Fault::None).await;
    assert_eq!(out.status, 303, "{}", out.body);
    assert_eq!(provider.requests(), (1, 2));
    let out = sign_in_as(&app, &provider, "ann@example.org", Fault::None).await;
    assert_eq!(out.status, 303, "{}", out.body);
    assert_eq!(provider.requests(), (1, 2), "the new keys are cached");
    // After an hour both are read again.
    app.clock_offset
        .store(3601, std::sync::atomic::Ordering::SeqCst);
    let out = sign_in_as(&app, &provider, "ann@example.org", Fault::None).await;
    assert_eq!(out.status, 303, "{}", out.body);
    assert_eq!(provider.requests(), (2, 3));
}

#[tokio::test]
async fn a2_an_account_whose_sign_in_was_removed_is_refused() {
    let provider = Provider::start().await;
    let app = members_of_example_org(&provider).await;
    let out = sign_in_as(&app, &provider, "ann@example.org", Fault::None).await;
    assert_eq!(out.status, 303, "{}", out.body);
    let session = out.session.expect("a session");
    let ann = app
        .store
        .admin_by_username("ann@example.org")
        .await
        .unwrap()
        .unwrap();
    let (status, body) = app
        .api(
            reqwest::Method::DELETE,
            &format!("/accounts/{}", ann.id),
            None,
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let page = app
        .http
        .get(format!("{}/companies", app.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_ne!(page.status().as_u16(), 200, "the session has ended");
    // The provider still vouches for ann, and the role claim still names one: refused.
    let out = sign_in_as(&app, &provider, "ann@example.org", Fault::None).await;
    assert_eq!(out.status, 403, "{}", out.body);
    assert!(out.body.contains("was removed"), "{}", out.body);
    assert!(out.session.is_none());
}
