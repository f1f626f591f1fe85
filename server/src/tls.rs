//! TLS: rustls (ring provider) server configuration from PEM files, and a
//! local development CA plus a `localhost` server certificate made with rcgen.

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Builds a rustls server config from a PEM certificate chain and key.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("reading {}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("parsing {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("no certificate in {}", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("reading key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("certificate/key mismatch: {e}"))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(cfg))
}

/// PEM texts of a generated development CA and server certificate.
pub struct DevCerts {
    /// CA certificate (trust this one, e.g. `SSL_CERT_FILE`).
    pub ca_pem: String,
    /// Server certificate for localhost, 127.0.0.1 and ::1.
    pub server_pem: String,
    /// Server private key (PKCS#8).
    pub server_key_pem: String,
}

/// Generates a development CA and a server certificate for
/// `localhost`, `127.0.0.1` and `::1` (plus `extra_names`). The CA key is
/// discarded: it can sign nothing else.
pub fn dev_certs(extra_names: &[String]) -> Result<DevCerts, rcgen::Error> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "OpenLex development CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.not_before = rcgen::date_time_ymd(2024, 1, 1);
    ca.not_after = rcgen::date_time_ymd(2049, 12, 31);
    let ca_cert = ca.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca, ca_key);
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    names.extend(extra_names.iter().cloned());
    let key = KeyPair::generate()?;
    let mut sp = CertificateParams::new(names)?;
    sp.distinguished_name.push(DnType::CommonName, "localhost");
    sp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    sp.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    sp.not_before = rcgen::date_time_ymd(2024, 1, 1);
    sp.not_after = rcgen::date_time_ymd(2049, 12, 31);
    let cert = sp.signed_by(&key, &issuer)?;
    Ok(DevCerts {
        ca_pem: ca_cert.pem(),
        server_pem: cert.pem(),
        server_key_pem: key.serialize_pem(),
    })
}
