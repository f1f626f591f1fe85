use openlex_client::license::{Error, License, Validity};
use openlex_client::status::Status;

/// Activates `key` for a product, reads what the license grants, and
/// deactivates. `host` is the licensing server's URL.
pub fn activate_and_read(
    product_data: &str,
    product_id: &str,
    host: &str,
    data_dir: &std::path::Path,
    key: &str,
) -> Result<(), Error> {
    let license = License::builder(product_data, product_id)
        .data_directory(data_dir)
        .host(host)
        .open()?;

    assert_eq!(license.activate(key)?, Validity::Genuine);
    // At every start of the application:
    match license.is_genuine() {
        Ok(Validity::Genuine) => {}
        Ok(other) => panic!("activated but {other:?}"),
        Err(e) => return Err(e),
    }

    let expiry = license.expiry()?.expect("this license expires");
    assert!(expiry > std::time::SystemTime::now());
    assert_eq!(license.metadata("tier")?, "gold");
    assert_eq!(
        license.metadata("missing"),
        Err(Error(Status::MetadataKeyNotFound))
    );
    let seats = license.feature_entitlement("seats")?;
    assert_eq!(seats.value, "10");

    license.deactivate()?;
    assert_eq!(license.is_genuine(), Err(Error(Status::Fail)));
    Ok(())
}
