//! Every CLI flag of the management commands sets the request field of the
//! same name: each test passes every flag the subcommand has (checked
//! against clap's own list, so a new flag without a test fails) and compares
//! the parsed request with a literal naming every field.

use crate::metadata::EntryRequest;
use clap::{CommandFactory, Parser};

use super::*;
use crate::matching::MatchingStrategy;
use crate::resources::licenses::{
    ExpirationStrategy, LeasingStrategy, LicenseType, MeterAttribute,
};
use crate::resources::releases::ReleaseFields;
use crate::resources::users::UserFields;

/// Parses `args`, first checking that they name every long flag of the
/// subcommand `path` (except `--help`, `--data-dir` and those in `unset`).
fn parse_all(path: &[&str], args: &[&str], unset: &[&str]) -> Cmd {
    let mut cmd = Cli::command();
    let mut sub = &mut cmd;
    for p in path {
        sub = sub.find_subcommand_mut(p).expect("subcommand");
    }
    for arg in sub.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if ["help", "data-dir"].contains(&long) || unset.contains(&long) {
            continue;
        }
        let flag = format!("--{long}");
        assert!(args.contains(&flag.as_str()), "{path:?}: {flag} not tested");
    }
    let mut argv = vec!["openlex-server"];
    argv.extend(path);
    argv.extend(args);
    Cli::try_parse_from(argv).expect("parse").cmd
}

fn md(k: &str, v: &str) -> EntryRequest {
    EntryRequest {
        key: k.into(),
        value: v.into(),
        visible: None,
    }
}

#[test]
fn license_create_flags_set_their_fields() {
    let args = [
        "--product-id",
        "P",
        "--key",
        "K",
        "--type",
        "hosted-floating",
        "--revoked",
        "true",
        "--suspended",
        "true",
        "--fingerprint-matching-strategy",
        "loose",
        "--allowed-activations",
        "-1",
        "--allowed-deactivations",
        "3",
        "--total-deactivations",
        "2",
        "--lease-duration",
        "60",
        "--allow-client-lease-duration",
        "true",
        "--leasing-strategy",
        "per-instance",
        "--server-sync-interval",
        "30",
        "--server-sync-grace-period",
        "-1",
        "--allowed-clock-offset",
        "-1",
        "--validity",
        "100",
        "--expiration-strategy",
        "rolling",
        "--expires-at",
        "5",
        "--effective-date",
        "6",
        "--allow-vm",
        "false",
        "--allow-container",
        "false",
        "--user-locked",
        "--require-authentication",
        "--user-id",
        "U",
        "--organization-name",
        "O",
        "--entitlement-set-id",
        "E",
        "--max-allowed-release-version",
        "1.2",
        "--maintenance-expires-at",
        "7",
        "--metadata",
        "a=b",
        "--metadata",
        "c=d",
        "--meter-attribute",
        "m=-1",
        "--notes",
        "N",
        "--expiring-soon-event-offset",
        "86400",
        "--extra-json",
        "{}",
        "--license-policy-id",
        "LP",
        "--json",
    ];
    let Cmd::License(LicenseCmd::Create(c)) = parse_all(&["license", "create"], &args, &[]) else {
        panic!("not license create");
    };
    assert!(c.json);
    assert_eq!(c.extra_json.as_deref(), Some("{}"));
    let want = LicenseCreate {
        product_id: "P".into(),
        license_policy_id: Some("LP".into()),
        fields: LicenseFields {
            key: Some("K".into()),
            r#type: Some(LicenseType::HostedFloating),
            revoked: Some(true),
            suspended: Some(true),
            fingerprint_matching_strategy: Some(MatchingStrategy::Loose),
            allowed_activations: Some(-1),
            allowed_deactivations: Some(3),
            total_deactivations: Some(2),
            lease_duration: Some(60),
            allow_client_lease_duration: Some(true),
            leasing_strategy: Some(LeasingStrategy::PerInstance),
            server_sync_interval: Some(30),
            server_sync_grace_period: Some(-1),
            allowed_clock_offset: Some(-1),
            validity: Some(100),
            expiration_strategy: Some(ExpirationStrategy::Rolling),
            expires_at: Some(5),
            expiring_soon_event_offset: Some(86400),
            effective_date: Some(6),
            allow_vm_activation: Some(false),
            allow_container_activation: Some(false),
            user_locked: Some(true),
            require_authentication: Some(true),
            user_id: Some("U".into()),
            organization_name: Some("O".into()),
            organization_address: None,
            entitlement_set_id: Some("E".into()),
            feature_entitlements: None,
            product_version: None,
            max_allowed_release_version: Some("1.2".into()),
            maintenance_expires_at: Some(7),
            metadata: Some(vec![md("a", "b"), md("c", "d")]),
            meter_attributes: Some(vec![MeterAttribute {
                id: String::new(),
                name: "m".into(),
                allowed_uses: -1,
                total_uses: 0,
                gross_uses: 0,
            }]),
            notes: Some("N".into()),
        },
    };
    assert_eq!(c.create, want);
    // The JSON body of the admin API names the same fields.
    let json = serde_json::json!({
        "productId": "P", "licensePolicyId": "LP", "key": "K", "type": "hosted-floating", "revoked": true,
        "suspended": true, "fingerprintMatchingStrategy": "loose", "allowedActivations": -1,
        "allowedDeactivations": 3, "totalDeactivations": 2, "leaseDuration": 60,
        "allowClientLeaseDuration": true, "leasingStrategy": "per-instance",
        "serverSyncInterval": 30, "serverSyncGracePeriod": -1, "allowedClockOffset": -1,
        "validity": 100, "expirationStrategy": "rolling", "expiresAt": 5, "effectiveDate": 6, "expiringSoonEventOffset": 86400,
        "allowVmActivation": false, "allowContainerActivation": false, "userLocked": true,
        "requireAuthentication": true, "userId": "U", "organizationName": "O",
        "entitlementSetId": "E", "maxAllowedReleaseVersion": "1.2", "maintenanceExpiresAt": 7,
        "metadata": [{"key": "a", "value": "b"}, {"key": "c", "value": "d"}],
        "meterAttributes": [{"name": "m", "allowedUses": -1}], "notes": "N",
    });
    let from_json: LicenseCreate = serde_json::from_value(json).unwrap();
    assert_eq!(from_json, want);
    // A wrong enum value is a type error, not a silent default.
    assert!(
        serde_json::from_value::<LicenseFields>(serde_json::json!({"type": "floating"})).is_err()
    );
}

#[test]
fn product_create_flags_set_their_fields() {
    let args = [
        "--name",
        "N",
        "--display-name",
        "D",
        "--description",
        "X",
        "--metadata",
        "k=v",
        "--trial-length",
        "10",
        "--trial-allowed",
        "false",
        "--trial-activation-limit",
        "-1",
        "--trial-fingerprint-matching-strategy",
        "exact",
        "--trial-allow-vm-activation",
        "false",
        "--trial-allow-container-activation",
        "false",
        "--trial-allowed-clock-offset",
        "-1",
        "--activation-id-requires-fingerprint",
        "true",
        "--license-policy-id",
        "LP",
        "--trial-policy-id",
        "TP",
        "--private-key-file",
        "key.pem",
        "--json",
    ];
    let Cmd::Product(ProductCmd::Create {
        fields,
        private_key_file,
        json,
    }) = parse_all(&["product", "create"], &args, &[])
    else {
        panic!("not product create");
    };
    assert!(json);
    assert_eq!(private_key_file, Some(PathBuf::from("key.pem")));
    assert_eq!(
        fields,
        ProductFields {
            name: Some("N".into()),
            display_name: Some("D".into()),
            description: Some("X".into()),
            metadata: Some(vec![md("k", "v")]),
            trial_length: Some(10),
            trial_allowed: Some(false),
            trial_activation_limit: Some(-1),
            trial_fingerprint_matching_strategy: Some(MatchingStrategy::Exact),
            trial_allow_vm_activation: Some(false),
            trial_allow_container_activation: Some(false),
            trial_allowed_clock_offset: Some(-1),
            activation_id_requires_fingerprint: Some(true),
            license_policy_id: Some("LP".into()),
            trial_policy_id: Some("TP".into()),
        }
    );
}

#[test]
fn user_release_and_token_flags_set_their_fields() {
    let args = [
        "--email",
        "a@b.c",
        "--password",
        "secret12",
        "--name",
        "N",
        "--first-name",
        "F",
        "--last-name",
        "L",
        "--company",
        "C",
        "--metadata",
        "k=v",
        "--two-factor-secret",
        "JBSWY3DP",
        "--enable-two-factor",
        "true",
        "--role",
        "user",
        "--license-id",
        "L1",
        "--license-id",
        "L2",
        "--json",
    ];
    let Cmd::User(UserCmd::Create {
        create,
        license_ids,
        json,
    }) = parse_all(&["user", "create"], &args, &[])
    else {
        panic!("not user create");
    };
    assert!(json);
    assert_eq!(license_ids, ["L1", "L2"]);
    assert_eq!(
        create,
        UserCreate {
            email: "a@b.c".into(),
            fields: UserFields {
                password: Some("secret12".into()),
                name: Some("N".into()),
                first_name: Some("F".into()),
                last_name: Some("L".into()),
                company: Some("C".into()),
                metadata: Some(vec![md("k", "v")]),
                two_factor_secret: Some("JBSWY3DP".into()),
                enable_two_factor: Some(true),
                role: Some("user".into()),
            },
        }
    );

    let args = [
        "--product-id",
        "P",
        "--name",
        "N",
        "--version",
        "1.2.3",
        "--channel",
        "beta",
        "--platform",
        "linux,windows",
        "--notes",
        "T",
        "--published",
        "false",
        "--is-private",
        "true",
        "--published-at",
        "9",
        "--file-name",
        "a.zip",
        "--file-url",
        "https://x/a.zip",
        "--json",
    ];
    let Cmd::Release(ReleaseCmd::Create {
        create,
        file_name,
        file_url,
        json,
    }) = parse_all(&["release", "create"], &args, &[])
    else {
        panic!("not release create");
    };
    assert!(json);
    assert_eq!(file_name.as_deref(), Some("a.zip"));
    assert_eq!(file_url.as_deref(), Some("https://x/a.zip"));
    assert_eq!(
        create,
        ReleaseCreate {
            product_id: "P".into(),
            fields: ReleaseFields {
                name: Some("N".into()),
                version: Some("1.2.3".into()),
                channel: Some("beta".into()),
                platforms: Some(vec!["linux".into(), "windows".into()]),
                notes: Some("T".into()),
                published: Some(false),
                is_private: Some(true),
                files: None,
                published_at: Some(9),
            },
        }
    );

    let args = [
        "--name",
        "ci",
        "--scope",
        "license:read,product:*",
        "--expires-at",
        "5",
        "--json",
    ];
    let Cmd::Token(TokenCmd::Create { create, json }) = parse_all(&["token", "create"], &args, &[])
    else {
        panic!("not token create");
    };
    assert!(json);
    assert_eq!(
        create,
        TokenCreate {
            name: "ci".into(),
            scopes: vec!["license:read".into(), "product:*".into()],
            expires_at: 5,
        }
    );
}

#[test]
fn update_commands_take_flags_over_json() {
    let Cmd::License(LicenseCmd::Update {
        json_patch, fields, ..
    }) = Cli::try_parse_from([
        "openlex-server",
        "license",
        "update",
        "L",
        r#"{"allowedActivations":5,"notes":"j"}"#,
        "--notes",
        "flag",
    ])
    .unwrap()
    .cmd
    else {
        panic!("not license update");
    };
    let base: LicenseFields =
        crate::http::extract::parse_json(json_patch.unwrap().as_bytes()).unwrap();
    let merged = base.or(*fields);
    assert_eq!(merged.allowed_activations, Some(5));
    assert_eq!(merged.notes.as_deref(), Some("flag"));
}
