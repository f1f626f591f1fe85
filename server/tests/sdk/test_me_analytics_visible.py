"""The vendor's management client drives its last paths: the logged-in
user's licenses and releases, the two-factor secret and recovery codes
(login included), license stats and the geo-location breakdowns, and
metadata `visible`.

ci.sh serves with `--trusted-proxy 127.0.0.1 --country-header CF-IPCountry`,
so the country a device's request names in that header is the one a proxy
in front of the server would have named. Every call goes through the
vendor's generated functions, so each answer is parsed by its DTO classes."""

import base64
import hashlib
import hmac
import json
import struct
import time
import uuid

import httpx
from cryptlex_web_api_client import AuthenticatedClient, Client
from cryptlex_web_api_client.api.accounts import postv3accountslogin
from cryptlex_web_api_client.api.analytics import (
    getv3analyticsactivationsgeo_location,
    getv3analyticslicenses,
    getv3analyticstrial_activationsgeo_location,
)
from cryptlex_web_api_client.api.licenses import getv3licensesid
from cryptlex_web_api_client.api.products import getv3productsid, postv3products
from cryptlex_web_api_client.api.release_files import postv3release_files
from cryptlex_web_api_client.api.releases import postv3releases
from cryptlex_web_api_client.api.users import (
    getv3melicenses,
    getv3melicensesid,
    getv3mereleases,
    patchv3me,
    postv3me2fa_recovery_codes,
    postv3me2fa_secret,
    postv3users,
)
from cryptlex_web_api_client.models import (
    AccessTokenDto,
    ActivationsByCountryDto,
    LicenseDto,
    LicenseMetadataRequestModel,
    LicenseMeterAttributeRequestModel,
    LicenseStatsDto,
    MeUpdateRequestModel,
    Postv3AccountsloginJsonBody,
    Postv3ProductsJsonBody,
    Postv3ReleaseFilesJsonBody,
    Postv3ReleasesJsonBody,
    ProductDto,
    ProductMetadataRequestModel,
    ReleaseDto,
    TwoFactorRecoveryCodesDto,
    TwoFactorSecretDto,
    UserDto,
    UserLicenseDto,
    UserReleaseDto,
    Postv3UsersJsonBody,
)
from cryptlex_web_api_client.models.user_license_dto_type import UserLicenseDtoType
from test_management_api import error, fingerprint, new_license, new_product, parsed, utc


def new_user(client, password="correct horse 1"):
    email = f"sdk-{uuid.uuid4().hex[:8]}@example.com"
    u = parsed(
        postv3users.sync_detailed(
            client=client,
            json_body=Postv3UsersJsonBody(first_name="Ada", last_name="L", email=email, password=password),
        ),
        201,
        UserDto,
    )
    return u, email, password


def login(client, email, password, **second_factor):
    """The vendor's login call (LoginRequestModel with its two-factor fields)."""
    return postv3accountslogin.sync_detailed(
        client=Client(base_url=client.base_url, verify_ssl=client.verify_ssl),
        json_body=Postv3AccountsloginJsonBody(email=email, password=password, **second_factor),
    )


def session_client(client, email, password, **second_factor):
    tok = parsed(login(client, email, password, **second_factor), 200, AccessTokenDto)
    return AuthenticatedClient(base_url=client.base_url, token=tok.access_token, verify_ssl=client.verify_ssl)


def device(client, product_id, key, n, country=None, trial=False):
    """A device's activation (what LexActivator sends), through a proxy
    that names the client's country."""
    body = {
        "productId": product_id,
        "fingerprint": fingerprint(n),
        "os": "linux",
        "osVersion": "6.1",
        "hostname": "sdk-host",
        "appVersion": "1.2.3",
        "userHash": "u",
        "vmName": "",
        "container": False,
        "metadata": [],
        "meterAttributes": [],
    }
    if not trial:
        body["key"] = key
    headers = {"CF-IPCountry": country} if country else {}
    r = httpx.post(
        f"{client.base_url}/v3/{'trial-activations' if trial else 'activations'}",
        json=body,
        headers=headers,
        verify=client.verify_ssl,
    )
    assert r.status_code in (200, 201), r.text
    return r.json()


def totp(secret_b32, at=None):
    """RFC 6238 (SHA-1, 6 digits, 30 s), as an authenticator app computes it."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((at if at is not None else time.time()) // 30)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[off : off + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def token_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_me_licenses_and_releases(client):
    u, email, password = new_user(client)
    p = new_product(client)
    lic = new_license(
        client,
        p.id,
        user_id=u.id,
        allowed_activations=3,
        meter_attributes=[LicenseMeterAttributeRequestModel(name="exports", allowed_uses=9)],
    )
    # The vendor's request body has no maxAllowedReleaseVersion; set it as openlex-server takes it.
    r = httpx.patch(
        f"{client.base_url}/v3/licenses/{lic.id}",
        headers=client.get_headers(),
        verify=client.verify_ssl,
        json={"maxAllowedReleaseVersion": "1.5.0"},
    )
    assert r.status_code == 200, r.text
    other_product = new_product(client)
    second = new_license(client, other_product.id, user_id=u.id)
    theirs = new_license(client, p.id)
    device(client, p.id, lic.key, 40)
    me = session_client(client, email, password)

    mine = parsed(getv3melicenses.sync_detailed(client=me, sort="createdAt"), 200, list)
    assert {m.id for m in mine} == {lic.id, second.id}
    assert all(isinstance(m, UserLicenseDto) for m in mine)
    got = next(m for m in mine if m.id == lic.id)
    assert (got.key, got.type, got.total_activations, got.allowed_activations) == (
        lic.key,
        UserLicenseDtoType.NODE_LOCKED,
        1,
        3,
    )
    utc(got.created_at)
    assert got.expires_at is None
    assert got.product.display_name == p.display_name
    assert [(a.name, a.allowed_uses, a.total_uses) for a in got.meter_attributes] == [("exports", 9, 0)]
    one_page = getv3melicenses.sync_detailed(client=me, page=2, limit=1)
    assert len(parsed(one_page, 200, list)) == 1 and one_page.headers["x-total-count"] == "2"

    one = parsed(getv3melicensesid.sync_detailed(lic.id, client=me), 200, UserLicenseDto)
    assert one.key == lic.key
    error(getv3melicensesid.sync_detailed(theirs.id, client=me), 404, "NOT_FOUND")
    error(getv3melicensesid.sync_detailed(lic.id, client=client), 401, "USER_NOT_AUTHENTICATED")

    def release(version, published=True):
        rel = parsed(
            postv3releases.sync_detailed(
                client=client,
                json_body=Postv3ReleasesJsonBody(
                    product_id=p.id, version=version, name=f"v{version}", channel="stable", platform="linux",
                    notes="n", private=False,
                ),
            ),
            201,
            ReleaseDto,
        )
        parsed(
            postv3release_files.sync_detailed(
                client=client,
                json_body=Postv3ReleaseFilesJsonBody(
                    name="app.tgz", url="https://example.com/app.tgz", size=1, checksum="c", secured=False,
                    release_id=rel.id,
                ),
            ),
            201,
            ReleaseDto,
        )
        if not published:
            r = httpx.patch(
                f"{client.base_url}/v3/releases/{rel.id}",
                headers=client.get_headers(),
                verify=client.verify_ssl,
                json={"published": False},
            )
            assert r.status_code == 200, r.text
        return rel

    allowed, too_new = release("1.0.0"), release("2.0.0")
    release("1.1.0", published=False)
    rels = parsed(getv3mereleases.sync_detailed(client=me), 200, list)
    assert [r.id for r in rels] == [allowed.id]
    r = rels[0]
    assert isinstance(r, UserReleaseDto)
    assert (r.version, r.platform, r.total_files, r.product.display_name) == ("1.0.0", "linux", 1, p.display_name)
    assert [f.name for f in r.files] == ["app.tgz"]
    utc(r.created_at)
    # releaseId: the licenses that may have it
    assert [m.id for m in parsed(getv3melicenses.sync_detailed(client=me, release_id=allowed.id), 200, list)] == [lic.id]
    assert parsed(getv3melicenses.sync_detailed(client=me, release_id=too_new.id), 200, list) == []


def test_two_factor_secret_recovery_codes_and_login(client):
    u, email, password = new_user(client)
    me = session_client(client, email, password)
    error(postv3me2fa_recovery_codes.sync_detailed(client=me), 409, "CONFLICT")
    sec = parsed(postv3me2fa_secret.sync_detailed(client=me), 200, TwoFactorSecretDto)
    assert sec.email == email and sec.url.startswith("otpauth://totp/OpenLex:")
    secret = sec.url.split("secret=")[1].split("&")[0]

    def me_update(**tfa):
        return patchv3me.sync_detailed(
            client=me, json_body=MeUpdateRequestModel(first_name="Ada", last_name="L", email=email, **tfa)
        )

    error(me_update(two_factor_enabled=True), 400, "TWO_FACTOR_AUTHENTICATION_CODE_MISSING")
    on = parsed(me_update(two_factor_enabled=True, two_factor_code=totp(secret)), 200, UserDto)
    assert on.two_factor_enabled is True
    error(postv3me2fa_secret.sync_detailed(client=me), 409, "CONFLICT")
    error(login(client, email, password), 400, "TWO_FACTOR_AUTHENTICATION_CODE_MISSING")
    session_client(client, email, password, two_factor_code=totp(secret))

    codes = parsed(postv3me2fa_recovery_codes.sync_detailed(client=me), 200, TwoFactorRecoveryCodesDto)
    assert len(codes.recovery_codes) == 10 and len(set(codes.recovery_codes)) == 10
    session_client(client, email, password, two_factor_recovery_code=codes.recovery_codes[0])
    # each code works once
    error(
        login(client, email, password, two_factor_recovery_code=codes.recovery_codes[0]),
        400,
        "TWO_FACTOR_AUTHENTICATION_CODE_INVALID",
    )
    session_client(client, email, password, two_factor_recovery_code=codes.recovery_codes[1])
    off = parsed(me_update(two_factor_enabled=False, two_factor_code=totp(secret)), 200, UserDto)
    assert off.two_factor_enabled is False
    session_client(client, email, password)


def test_license_stats_and_geo_location(client):
    before = parsed(getv3analyticslicenses.sync_detailed(client=client), 200, LicenseStatsDto)
    p = new_product(client)
    patch = httpx.patch(
        f"{client.base_url}/v3/products/{p.id}",
        headers=client.get_headers(),
        verify=client.verify_ssl,
        json={"trialLength": 86400},
    )
    assert patch.status_code == 200, patch.text
    lic = new_license(client, p.id, allowed_activations=10)
    new_license(client, p.id, revoked=True)
    new_license(client, p.id, suspended=True)
    after = parsed(getv3analyticslicenses.sync_detailed(client=client), 200, LicenseStatsDto)
    assert (after.active - before.active, after.revoked - before.revoked, after.suspended - before.suspended) == (1, 1, 1)

    for n, country in [(50, "DE"), (51, "de"), (52, "JP"), (53, None)]:
        device(client, p.id, lic.key, n, country)
        device(client, p.id, None, n, country, trial=True)
    want = [(2, "DE"), (1, None), (1, "JP")]
    for call in (getv3analyticsactivationsgeo_location, getv3analyticstrial_activationsgeo_location):
        rows = parsed(call.sync_detailed(client=client, product_id=p.id), 200, list)
        assert all(isinstance(r, ActivationsByCountryDto) for r in rows)
        assert [(r.activations, r.country_code) for r in rows] == want


def test_metadata_visible_is_kept_and_hides_from_activations(client):
    p = parsed(
        postv3products.sync_detailed(
            client=client,
            json_body=Postv3ProductsJsonBody(
                name=f"vis-{uuid.uuid4().hex[:6]}",
                metadata=[
                    ProductMetadataRequestModel(key="shown", value="1", visible=True),
                    ProductMetadataRequestModel(key="hidden", value="2", visible=False),
                ],
            ),
        ),
        201,
        ProductDto,
    )
    got = parsed(getv3productsid.sync_detailed(p.id, client=client), 200, ProductDto)
    assert sorted((m.key, m.visible) for m in got.metadata) == [("hidden", False), ("shown", True)]
    lic = new_license(
        client,
        p.id,
        metadata=[
            LicenseMetadataRequestModel(key="plan", value="pro", visible=True),
            LicenseMetadataRequestModel(key="internal", value="crm-17", visible=False),
        ],
    )
    lic = parsed(getv3licensesid.sync_detailed(lic.id, client=client), 200, LicenseDto)
    assert sorted((m.key, m.visible) for m in lic.metadata) == [("internal", False), ("plan", True)]
    answer = device(client, p.id, lic.key, 60)
    claims = token_claims(answer["activationToken"])
    assert [m["key"] for m in claims["lmd"]] == ["plan"]
    assert [m["key"] for m in claims["pmd"]] == ["shown"]
