//! The audit log (A4): which admin changes are recorded, from where, and how a
//! recorded value loses its secrets. Pure.
//!
//! Every change an admin makes — connections, settings, the quota, imports, user
//! mappings, API tokens, admins, webhooks, erasure — is one entry: who, when, from
//! the UI, the API or the CLI, what, and the value before and after. Secrets
//! (passwords, keys, tokens, client secrets) are never kept: [`without_secrets`]
//! replaces them before an entry is written.

use serde_json::Value;

crate::spelled_enum!(
    /// What an admin changed.
    AuditAction, "audit action" {
        ConnectionCreated => "connection created",
        ConnectionUpdated => "connection updated",
        ConnectionDeleted => "connection deleted",
        ConnectionAuthorised => "connection authorised",
        SettingsChanged => "settings changed",
        QuotaChanged => "quota changed",
        Imported => "records imported",
        MappingResolved => "user mapping resolved",
        TokenCreated => "API token created",
        TokenRevoked => "API token revoked",
        AdminCreated => "admin created",
        PasswordReset => "password reset",
        AdminUnlocked => "admin unlocked",
        RoleChanged => "account role changed",
        SignInRemoved => "sign-in removed",
        WebhookSetUp => "webhook set up",
        PersonErased => "person erased",
        Resynced => "re-sync started",
    }
);

crate::spelled_enum!(
    /// Where the change was made.
    AuditChannel, "audit channel" {
        Ui => "ui",
        Api => "api",
        Cli => "cli",
    }
);

/// What stands in a secret's place.
pub const HIDDEN: &str = "[hidden]";

/// Whether a JSON key names a secret.
fn is_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "secret",
        "password",
        "token",
        "access_key",
        "private_key",
        "credential",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// `value` with every secret-named key's value replaced by [`HIDDEN`], at any depth.
pub fn without_secrets(mut value: Value) -> Value {
    hide(&mut value);
    value
}

fn hide(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret(key) && !v.is_null() {
                    *v = Value::String(HIDDEN.to_owned());
                } else {
                    hide(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(hide),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a4_secrets_never_reach_an_entry_at_any_depth() {
        let value = json!({
            "name": "acme",
            "access_key": "AK1",
            "access_key_secret": "S3",
            "oauth": {"client_secret": "x", "tokens": {"refresh_token": "r"}},
            "admins": [{"username": "ann", "password": "p"}],
            "webhook": {"public_key_pem": null}
        });
        assert_eq!(
            without_secrets(value),
            json!({
                "name": "acme",
                "access_key": HIDDEN,
                "access_key_secret": HIDDEN,
                "oauth": {"client_secret": HIDDEN, "tokens": HIDDEN},
                "admins": [{"username": "ann", "password": HIDDEN}],
                "webhook": {"public_key_pem": null}
            })
        );
    }

    #[test]
    fn a4_actions_and_channels_are_spelled_for_people() {
        assert_eq!(AuditAction::SettingsChanged.to_string(), "settings changed");
        assert_eq!(
            "API token revoked".parse::<AuditAction>(),
            Ok(AuditAction::TokenRevoked)
        );
        assert_eq!(AuditChannel::Cli.to_string(), "cli");
    }
}
