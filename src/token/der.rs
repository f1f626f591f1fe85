//! The little DER reading token verification needs: the RSA key inside a
//! SubjectPublicKeyInfo, and its modulus size. Every length is checked
//! against the input; anything unexpected is `None`.

/// DER of the rsaEncryption OID, 1.2.840.113549.1.1.1.
const RSA_ENCRYPTION: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
];

/// Splits one TLV off the front: (tag, value, rest).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (bytes, rest) = rest.split_at(n);
        (
            bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b)),
            rest,
        )
    };
    if rest.len() < len {
        return None;
    }
    let (value, rest) = rest.split_at(len);
    Some((tag, value, rest))
}

/// The PKCS#1 RSAPublicKey inside an RSA SubjectPublicKeyInfo.
pub fn rsa_public_key_from_spki(spki: &[u8]) -> Option<Vec<u8>> {
    let (0x30, body, rest) = tlv(spki)? else {
        return None;
    };
    if !rest.is_empty() {
        return None;
    }
    let (0x30, alg, body) = tlv(body)? else {
        return None;
    };
    if !alg.starts_with(RSA_ENCRYPTION) {
        return None;
    }
    let (0x03, bits, rest) = tlv(body)? else {
        return None;
    };
    if !rest.is_empty() {
        return None;
    }
    let (&unused, key) = bits.split_first()?;
    (unused == 0).then(|| key.to_vec())
}

/// Bit length of the modulus of a PKCS#1 RSAPublicKey.
pub fn rsa_modulus_bits(pkcs1: &[u8]) -> Option<usize> {
    let (0x30, body, _) = tlv(pkcs1)? else {
        return None;
    };
    let (0x02, n, _) = tlv(body)? else {
        return None;
    };
    let n = match n.iter().position(|&b| b != 0) {
        Some(i) => n.get(i..)?,
        None => return None,
    };
    let top = *n.first()?;
    Some((n.len() - 1) * 8 + (8 - top.leading_zeros() as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_truncation_are_rejected() {
        assert_eq!(rsa_public_key_from_spki(&[]), None);
        assert_eq!(rsa_public_key_from_spki(&[0x30, 0x82, 0xff]), None);
        assert_eq!(rsa_public_key_from_spki(&[0x30, 0x00]), None);
        assert_eq!(rsa_modulus_bits(&[0x30, 0x03, 0x02, 0x01, 0x00]), None);
    }

    #[test]
    fn reads_a_real_key() {
        let spki = super::super::testkey::spki();
        let pkcs1 = rsa_public_key_from_spki(&spki).unwrap();
        assert_eq!(rsa_modulus_bits(&pkcs1), Some(2048));
        let mut truncated = spki.clone();
        truncated.pop();
        assert_eq!(rsa_public_key_from_spki(&truncated), None);
    }
}
