"""The vendor's management client drives openlex-server's admin API.

Every call goes through the vendor's generated functions
(`cryptlex_web_api_client.api.*`), so every answer is parsed by the vendor's
DTO classes: a field of the wrong type (a unix-seconds date, an unknown enum
value, `null` where an object is expected) fails the test at parse time.
"""

import datetime
import json
import uuid

from cryptlex_web_api_client.api.activations import (
    deletev3activationsid,
    getv3activations,
    getv3activationsid,
)
from cryptlex_web_api_client.api.licenses import (
    deletev3licensesid,
    getv3licenses,
    getv3licensesid,
    patchv3licensesid,
    postv3licenses,
    postv3licensesidextend,
    postv3licensesidrenew,
)
from cryptlex_web_api_client.api.personal_access_tokens import (
    deletev3personal_access_tokensid,
    getv3personal_access_tokens,
    postv3personal_access_tokens,
)
from cryptlex_web_api_client.api.products import (
    deletev3productsid,
    getv3products,
    getv3productsid,
    patchv3productsid,
    postv3products,
)
from cryptlex_web_api_client.api.releases import (
    deletev3releasesid,
    getv3releases,
    getv3releasesid,
    postv3releases,
)
from cryptlex_web_api_client.api.trial_activations import (
    deletev3trial_activationsid,
    getv3trial_activations,
    getv3trial_activationsid,
    postv3trial_activationsidextend,
)
from cryptlex_web_api_client.api.users import (
    deletev3usersid,
    getv3users,
    getv3usersid,
    patchv3usersid,
    postv3users,
)
from cryptlex_web_api_client.models import (
    AccessTokenDto,
    ActivationDto,
    HttpErrorResponseDto,
    LicenseDto,
    LicenseMetadataRequestModel,
    LicenseMeterAttributeRequestModel,
    LicenseUpdateRequestModel,
    PersonalAccessTokenDto,
    Postv3LicensesidextendJsonBody,
    Postv3LicensesJsonBody,
    Postv3PersonalAccessTokensJsonBody,
    Postv3ProductsJsonBody,
    Postv3ReleasesJsonBody,
    Postv3TrialActivationsidextendJsonBody,
    Postv3UsersJsonBody,
    ProductDto,
    ProductRequestModel,
    ReleaseDto,
    TrialActivationDto,
    UserDto,
    UserRequestModel,
)
from cryptlex_web_api_client.models.license_request_model_expiration_strategy import (
    LicenseRequestModelExpirationStrategy,
)
from cryptlex_web_api_client.models.license_request_model_type import (
    LicenseRequestModelType,
)

import httpx


def parsed(resp, status, cls):
    """The answer's DTO, after checking the status and the DTO class."""
    assert resp.status_code == status, (resp.status_code, resp.content)
    if cls is list:
        assert isinstance(resp.parsed, list), resp.content
    else:
        assert isinstance(resp.parsed, cls), (type(resp.parsed), resp.content)
    return resp.parsed


def error(resp, status, code):
    """An error answer: the vendor's HttpErrorResponseDto with `code`.

    Where the vendor's schema lists no body for `status` on that endpoint
    (e.g. 400 on a GET list), the SDK leaves `parsed` empty; the body is then
    parsed with the same DTO class directly."""
    assert resp.status_code == status, (resp.status_code, resp.content)
    err = resp.parsed if resp.parsed is not None else HttpErrorResponseDto.from_dict(json.loads(resp.content))
    assert isinstance(err, HttpErrorResponseDto), resp.content
    assert err.code == code, resp.content
    assert err.message
    return err


def utc(d):
    """The vendor's dates are timezone-aware UTC datetimes."""
    assert isinstance(d, datetime.datetime), d
    assert d.utcoffset() == datetime.timedelta(0), d
    return d


def new_product(client, name=None):
    name = name or f"sdk-{uuid.uuid4().hex[:8]}"
    return parsed(
        postv3products.sync_detailed(
            client=client,
            json_body=Postv3ProductsJsonBody(name=name, display_name=name.upper(), description="made by the vendor's SDK"),
        ),
        201,
        ProductDto,
    )


def new_license(client, product_id, **fields):
    return parsed(
        postv3licenses.sync_detailed(
            client=client, json_body=Postv3LicensesJsonBody(product_id=product_id, **fields)
        ),
        201,
        LicenseDto,
    )


def test_products_crud_list_and_errors(client, anonymous):
    p = new_product(client)
    assert p.id and p.public_key.startswith("-----BEGIN PUBLIC KEY-----")
    assert p.display_name == p.name.upper()
    utc(p.created_at)
    utc(p.updated_at)
    got = parsed(getv3productsid.sync_detailed(p.id, client=client), 200, ProductDto)
    assert (got.id, got.name, got.public_key) == (p.id, p.name, p.public_key)
    upd = parsed(
        patchv3productsid.sync_detailed(
            p.id,
            client=client,
            json_body=ProductRequestModel(name=p.name, display_name="Renamed", description="d2"),
        ),
        200,
        ProductDto,
    )
    assert (upd.display_name, upd.description) == ("Renamed", "d2")
    assert upd.updated_at >= p.updated_at
    # pages
    for _ in range(2):
        new_product(client)
    page1 = parsed(getv3products.sync_detailed(client=client, page=1, limit=2), 200, list)
    page2 = parsed(getv3products.sync_detailed(client=client, page=2, limit=2), 200, list)
    assert len(page1) == 2 and all(isinstance(x, ProductDto) for x in page1 + page2)
    assert not {x.id for x in page1} & {x.id for x in page2}
    oldest = parsed(getv3products.sync_detailed(client=client, sort="createdAt", limit=100), 200, list)
    assert [x.created_at for x in oldest] == sorted(x.created_at for x in oldest)
    # the product data download (product.dat)
    r = httpx.get(
        f"{client.base_url}/v3/products/{p.id}/product.dat",
        headers=client.get_headers(),
        verify=client.verify_ssl,
    )
    assert r.status_code == 200, r.text
    assert r.text.strip() and "BEGIN" not in r.text
    # errors: the vendor's {code, message}
    error(getv3productsid.sync_detailed("no-such-product", client=client), 404, "NOT_FOUND")
    error(getv3products.sync_detailed(client=anonymous), 401, "UNAUTHORIZED")
    error(getv3products.sync_detailed(client=client, limit=1000), 400, "VALIDATION_FAILED")
    error(
        postv3products.sync_detailed(client=client, json_body=Postv3ProductsJsonBody(name="")),
        400,
        "VALIDATION_FAILED",
    )
    assert deletev3productsid.sync_detailed(p.id, client=client).status_code == 204
    error(getv3productsid.sync_detailed(p.id, client=client), 404, "NOT_FOUND")


def test_licenses_crud_filters_renew_extend_suspend_revoke(client):
    p = new_product(client)
    lic = new_license(
        client,
        p.id,
        allowed_activations=3,
        validity=86400,
        expiration_strategy=LicenseRequestModelExpirationStrategy.IMMEDIATE,
        type=LicenseRequestModelType.NODE_LOCKED,
        metadata=[LicenseMetadataRequestModel(key="plan", value="pro", visible=True)],
        meter_attributes=[LicenseMeterAttributeRequestModel(name="exports", allowed_uses=10, visible=True)],
        notes="from the SDK",
    )
    assert lic.key and lic.product_id == p.id and lic.allowed_activations == 3
    assert lic.type.value == "node-locked" and lic.expiration_strategy.value == "immediate"
    assert [(m.key, m.value) for m in lic.metadata] == [("plan", "pro")]
    assert [(m.name, m.allowed_uses) for m in lic.meter_attributes] == [("exports", 10)]
    created = utc(lic.created_at)
    expires = utc(lic.expires_at)
    assert abs((expires - created).total_seconds() - 86400) <= 2
    # lifetime license: expiresAt null
    life = new_license(client, p.id)
    assert life.expires_at is None
    got = parsed(getv3licensesid.sync_detailed(lic.id, client=client), 200, LicenseDto)
    assert (got.key, got.notes) == (lic.key, "from the SDK")
    # list: filters and pages
    by_key = parsed(getv3licenses.sync_detailed(client=client, key=lic.key), 200, list)
    assert [x.id for x in by_key] == [lic.id]
    of_product = parsed(getv3licenses.sync_detailed(client=client, product_id=p.id, limit=1), 200, list)
    assert len(of_product) == 1 and of_product[0].product_id == p.id
    second = parsed(
        getv3licenses.sync_detailed(client=client, product_id=p.id, limit=1, page=2), 200, list
    )
    assert len(second) == 1 and second[0].id != of_product[0].id
    # renew: the expiry moves by the validity
    renewed = parsed(postv3licensesidrenew.sync_detailed(lic.id, client=client), 200, LicenseDto)
    assert abs((renewed.expires_at - expires).total_seconds() - 86400) <= 2
    # extend: by extensionLength seconds
    extended = parsed(
        postv3licensesidextend.sync_detailed(
            lic.id, client=client, json_body=Postv3LicensesidextendJsonBody(extension_length=3600)
        ),
        200,
        LicenseDto,
    )
    assert abs((extended.expires_at - renewed.expires_at).total_seconds() - 3600) <= 2
    # suspend and revoke via PATCH; metadata and meter attributes replaced
    upd = parsed(
        patchv3licensesid.sync_detailed(
            lic.id,
            client=client,
            json_body=LicenseUpdateRequestModel(
                suspended=True,
                allowed_activations=5,
                metadata=[LicenseMetadataRequestModel(key="plan", value="team", visible=True)],
                meter_attributes=[LicenseMeterAttributeRequestModel(name="exports", allowed_uses=20, visible=True)],
            ),
        ),
        200,
        LicenseDto,
    )
    assert upd.suspended is True and upd.revoked is False and upd.allowed_activations == 5
    assert [(m.key, m.value) for m in upd.metadata] == [("plan", "team")]
    assert [(m.name, m.allowed_uses) for m in upd.meter_attributes] == [("exports", 20)]
    rev = parsed(
        patchv3licensesid.sync_detailed(lic.id, client=client, json_body=LicenseUpdateRequestModel(revoked=True)),
        200,
        LicenseDto,
    )
    assert rev.revoked is True
    # a vendor filter openlex-server does not answer is a 400, never an
    # unfiltered page that looks filtered (docs/SERVER.md lists them)
    e = error(getv3licenses.sync_detailed(client=client, product_id=p.id, revoked=True), 400, "VALIDATION_FAILED")
    assert "revoked" in e.message
    # errors
    error(
        postv3licenses.sync_detailed(client=client, json_body=Postv3LicensesJsonBody(product_id="nope")),
        400,
        "VALIDATION_FAILED",
    )
    error(
        postv3licensesidextend.sync_detailed(
            life.id, client=client, json_body=Postv3LicensesidextendJsonBody(extension_length=-5)
        ),
        400,
        "VALIDATION_FAILED",
    )
    # wrong types: 400 with the field named
    r = httpx.post(
        f"{client.base_url}/v3/licenses",
        headers=client.get_headers(),
        verify=client.verify_ssl,
        json={"productId": p.id, "allowedActivations": "three", "someFieldWeIgnore": 1},
    )
    assert r.status_code == 400 and r.json()["code"] == "VALIDATION_FAILED", r.text
    assert "invalid type" in r.json()["message"], r.text
    # unknown fields are ignored
    r = httpx.post(
        f"{client.base_url}/v3/licenses",
        headers=client.get_headers(),
        verify=client.verify_ssl,
        json={"productId": p.id, "someFieldWeIgnore": {"x": 1}},
    )
    assert r.status_code == 201, r.text
    LicenseDto.from_dict(r.json())
    assert deletev3licensesid.sync_detailed(lic.id, client=client).status_code == 204
    error(getv3licensesid.sync_detailed(lic.id, client=client), 404, "NOT_FOUND")


def activate(client, product_id, key, fingerprint, trial=False):
    """A device activates through the client API (what LexActivator sends)."""
    body = {
        "productId": product_id,
        "fingerprint": fingerprint,
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
    r = httpx.post(
        f"{client.base_url}/v3/{'trial-activations' if trial else 'activations'}",
        json=body,
        verify=client.verify_ssl,
    )
    assert r.status_code in (200, 201), r.text
    return r


def fingerprint(n):
    return "".join(f"{n:02x}" for _ in range(32))


def test_activations_list_get_delete(client):
    p = new_product(client)
    lic = new_license(client, p.id, allowed_activations=2)
    activate(client, p.id, lic.key, fingerprint(1))
    activate(client, p.id, lic.key, fingerprint(2))
    acts = parsed(getv3activations.sync_detailed(client=client, license_id=lic.id), 200, list)
    assert len(acts) == 2 and all(isinstance(a, ActivationDto) for a in acts)
    a = acts[0]
    assert a.license_id == lic.id and a.os.value == "linux" and a.app_version == "1.2.3"
    utc(a.created_at)
    one = parsed(getv3activationsid.sync_detailed(a.id, client=client), 200, ActivationDto)
    assert one.id == a.id and one.hostname == "sdk-host"
    page = parsed(getv3activations.sync_detailed(client=client, license_id=lic.id, limit=1, page=2), 200, list)
    assert len(page) == 1 and page[0].id != parsed(
        getv3activations.sync_detailed(client=client, license_id=lic.id, limit=1, page=1), 200, list
    )[0].id
    assert parsed(getv3licensesid.sync_detailed(lic.id, client=client), 200, LicenseDto).total_activations == 2
    # update: the vendor's PATCH /v3/activations/{id} (the sync) with its request model
    from cryptlex_web_api_client.api.activations import patchv3activationsid
    from cryptlex_web_api_client.models import ActivationRequestModel, ActivationTokenDto
    from cryptlex_web_api_client.models.activation_request_model_os import ActivationRequestModelOs

    raw = httpx.get(f"{client.base_url}/v3/activations/{a.id}", headers=client.get_headers(), verify=client.verify_ssl)
    fp = raw.json()["fingerprint"]  # an openlex field the vendor's ActivationDto drops
    assert fp in (fingerprint(1), fingerprint(2))
    tok = parsed(
        patchv3activationsid.sync_detailed(
            a.id,
            client=client,
            json_body=ActivationRequestModel(
                os=ActivationRequestModelOs.LINUX, fingerprint=fp, hostname="sdk-host", app_version="1.2.4",
                user_hash="u", product_id=p.id, key=lic.key, os_version="6.2",
            ),
        ),
        200,
        ActivationTokenDto,
    )
    assert tok.activation_token.count(".") == 2
    synced = parsed(getv3activationsid.sync_detailed(a.id, client=client), 200, ActivationDto)
    assert synced.app_version == "1.2.4" and synced.os_version == "6.2"
    utc(synced.last_synced_at)
    assert deletev3activationsid.sync_detailed(a.id, client=client).status_code == 204
    error(getv3activationsid.sync_detailed(a.id, client=client), 404, "NOT_FOUND")
    left = parsed(getv3activations.sync_detailed(client=client, license_id=lic.id), 200, list)
    assert len(left) == 1


def test_trial_activations_list_get_extend_delete(client):
    p = new_product(client)
    patch = httpx.patch(
        f"{client.base_url}/v3/products/{p.id}",
        headers=client.get_headers(),
        verify=client.verify_ssl,
        json={"trialLength": 7 * 86400},
    )
    assert patch.status_code == 200, patch.text
    activate(client, p.id, None, fingerprint(7), trial=True)
    trials = parsed(getv3trial_activations.sync_detailed(client=client, product_id=p.id), 200, list)
    assert len(trials) == 1 and isinstance(trials[0], TrialActivationDto)
    t = trials[0]
    assert t.product_id == p.id and t.os.value == "linux"
    expires = utc(t.expires_at)
    one = parsed(getv3trial_activationsid.sync_detailed(t.id, client=client), 200, TrialActivationDto)
    assert one.id == t.id
    ext = parsed(
        postv3trial_activationsidextend.sync_detailed(
            t.id, client=client, json_body=Postv3TrialActivationsidextendJsonBody(extension_length=86400)
        ),
        200,
        TrialActivationDto,
    )
    assert abs((ext.expires_at - expires).total_seconds() - 86400) <= 2
    assert deletev3trial_activationsid.sync_detailed(t.id, client=client).status_code == 204
    error(getv3trial_activationsid.sync_detailed(t.id, client=client), 404, "NOT_FOUND")


def test_users_crud_and_filters(client):
    email = f"sdk-{uuid.uuid4().hex[:8]}@example.com"
    u = parsed(
        postv3users.sync_detailed(
            client=client,
            json_body=Postv3UsersJsonBody(
                first_name="Ada", last_name="Lovelace", email=email, company="Analytical", password="correct horse 1"
            ),
        ),
        201,
        UserDto,
    )
    assert (u.email, u.company, u.name) == (email, "Analytical", "Ada Lovelace")
    utc(u.created_at)
    got = parsed(getv3usersid.sync_detailed(u.id, client=client), 200, UserDto)
    assert got.id == u.id and got.two_factor_enabled is False
    found = parsed(getv3users.sync_detailed(client=client, email=email), 200, list)
    assert [x.id for x in found] == [u.id]
    upd = parsed(
        patchv3usersid.sync_detailed(
            u.id, client=client, json_body=UserRequestModel(first_name="Ada", last_name="King", email=email)
        ),
        200,
        UserDto,
    )
    assert upd.name == "Ada King"
    error(
        postv3users.sync_detailed(
            client=client, json_body=Postv3UsersJsonBody(first_name="A", last_name="B", email=email, password="x")
        ),
        400,
        "VALIDATION_FAILED",
    )
    assert deletev3usersid.sync_detailed(u.id, client=client).status_code == 204
    error(getv3usersid.sync_detailed(u.id, client=client), 404, "NOT_FOUND")


def test_releases_crud(client):
    p = new_product(client)
    rel = parsed(
        postv3releases.sync_detailed(
            client=client,
            json_body=Postv3ReleasesJsonBody(
                name="First", version="1.0.0", channel="stable", platform="linux", private=False, notes="n",
                product_id=p.id,
            ),
        ),
        201,
        ReleaseDto,
    )
    assert (rel.version, rel.channel, rel.platform, rel.product_id) == ("1.0.0", "stable", "linux", p.id)
    utc(rel.created_at)
    got = parsed(getv3releasesid.sync_detailed(rel.id, client=client), 200, ReleaseDto)
    assert got.id == rel.id
    listed = parsed(getv3releases.sync_detailed(client=client, product_id=p.id), 200, list)
    assert [x.id for x in listed] == [rel.id]
    # files, the vendor's /v3/release-files
    from cryptlex_web_api_client.api.release_files import getv3release_files, postv3release_files
    from cryptlex_web_api_client.api.releases import getv3releaseslatest, postv3releasesidpublish
    from cryptlex_web_api_client.models import Postv3ReleaseFilesJsonBody, ReleaseFileDto

    with_file = parsed(
        postv3release_files.sync_detailed(
            client=client,
            json_body=Postv3ReleaseFilesJsonBody(
                name="app-1.0.0.tar.gz", url="https://downloads.example.com/app-1.0.0.tar.gz", size=1234,
                checksum="abc", secured=False, release_id=rel.id,
            ),
        ),
        201,
        ReleaseDto,
    )
    assert with_file.total_files == 1 and with_file.files[0].name == "app-1.0.0.tar.gz"
    files = parsed(getv3release_files.sync_detailed(client=client, release_id=rel.id), 200, list)
    assert len(files) == 1 and isinstance(files[0], ReleaseFileDto) and files[0].size == 1234
    # publish, then the latest release for a license of the product
    draft = parsed(
        postv3releases.sync_detailed(
            client=client,
            json_body=Postv3ReleasesJsonBody(
                name="Second", version="1.1.0", channel="stable", platform="linux", product_id=p.id,
            ),
        ),
        201,
        ReleaseDto,
    )
    r = httpx.patch(f"{client.base_url}/v3/releases/{draft.id}", headers=client.get_headers(),
                    verify=client.verify_ssl, json={"published": False})
    assert r.status_code == 200 and r.json()["published"] is False, r.text
    lic = new_license(client, p.id)
    latest = parsed(
        getv3releaseslatest.sync_detailed(client=client, platform="linux", product_id=p.id, key=lic.key),
        200,
        ReleaseDto,
    )
    assert latest.version == "1.0.0"
    pub = parsed(postv3releasesidpublish.sync_detailed(draft.id, client=client), 200, ReleaseDto)
    assert pub.published is True
    latest = parsed(
        getv3releaseslatest.sync_detailed(client=client, platform="linux", product_id=p.id, key=lic.key),
        200,
        ReleaseDto,
    )
    assert latest.version == "1.1.0"
    error(postv3releasesidpublish.sync_detailed("missing", client=client), 404, "NOT_FOUND")
    assert deletev3releasesid.sync_detailed(rel.id, client=client).status_code == 204
    error(getv3releasesid.sync_detailed(rel.id, client=client), 404, "NOT_FOUND")


def test_personal_access_tokens(client, anonymous):
    created = parsed(
        postv3personal_access_tokens.sync_detailed(
            client=client,
            json_body=Postv3PersonalAccessTokensJsonBody(name="sdk", scopes=["license:read"]),
        ),
        201,
        AccessTokenDto,
    )
    assert created.access_token
    listed = parsed(getv3personal_access_tokens.sync_detailed(client=client, limit=100), 200, list)
    mine = [t for t in listed if isinstance(t, PersonalAccessTokenDto) and t.name == "sdk"]
    assert len(mine) == 1 and mine[0].scopes == ["license:read"] and mine[0].expires_at is None
    ro = client.__class__(base_url=client.base_url, token=created.access_token, verify_ssl=client.verify_ssl)
    parsed(getv3licenses.sync_detailed(client=ro), 200, list)
    error(getv3products.sync_detailed(client=ro), 403, "FORBIDDEN")
    assert deletev3personal_access_tokensid.sync_detailed(mine[0].id, client=client).status_code == 204
    error(getv3licenses.sync_detailed(client=ro), 401, "UNAUTHORIZED")


def test_license_policies_products_reference_licenses_inherit(client):
    from cryptlex_web_api_client.api.license_policies import (
        deletev3license_policiesid,
        getv3license_policies,
        getv3license_policiesid,
        patchv3license_policiesid,
        postv3license_policies,
    )
    from cryptlex_web_api_client.models import (
        LicensePolicyDto,
        LicensePolicyRequestModel,
        Postv3LicensePoliciesJsonBody,
    )
    from cryptlex_web_api_client.models.license_policy_request_model_expiration_strategy import (
        LicensePolicyRequestModelExpirationStrategy,
    )
    from cryptlex_web_api_client.models.license_policy_request_model_type import (
        LicensePolicyRequestModelType,
    )

    pol = parsed(
        postv3license_policies.sync_detailed(
            client=client,
            json_body=Postv3LicensePoliciesJsonBody(
                name="floating-3", allowed_activations=3, validity=86400, server_sync_interval=600,
                type=LicensePolicyRequestModelType.HOSTED_FLOATING, lease_duration=300,
                expiration_strategy=LicensePolicyRequestModelExpirationStrategy.IMMEDIATE,
            ),
        ),
        201,
        LicensePolicyDto,
    )
    assert (pol.name, pol.allowed_activations, pol.validity, pol.type.value) == ("floating-3", 3, 86400, "hosted-floating")
    utc(pol.created_at)
    got = parsed(getv3license_policiesid.sync_detailed(pol.id, client=client), 200, LicensePolicyDto)
    assert got.id == pol.id and got.lease_duration == 300
    upd = parsed(
        patchv3license_policiesid.sync_detailed(
            pol.id,
            client=client,
            json_body=LicensePolicyRequestModel(name="floating-4", allowed_activations=4,
                                                type=LicensePolicyRequestModelType.HOSTED_FLOATING),
        ),
        200,
        LicensePolicyDto,
    )
    assert (upd.name, upd.allowed_activations, upd.validity) == ("floating-4", 4, 86400)
    listed = parsed(getv3license_policies.sync_detailed(client=client, limit=100), 200, list)
    assert pol.id in [x.id for x in listed] and all(isinstance(x, LicensePolicyDto) for x in listed)
    # a product references it; its licenses start from it and may override
    p = parsed(
        postv3products.sync_detailed(
            client=client, json_body=Postv3ProductsJsonBody(name="with-policy", license_policy_id=pol.id)
        ),
        201,
        ProductDto,
    )
    inherited = new_license(client, p.id)
    assert (inherited.allowed_activations, inherited.validity, inherited.type.value, inherited.lease_duration,
            inherited.server_sync_interval) == (4, 86400, "hosted-floating", 300, 600)
    assert inherited.expires_at is not None
    overridden = new_license(client, p.id, allowed_activations=9)
    assert (overridden.allowed_activations, overridden.validity) == (9, 86400)
    # errors: an unknown policy, a policy in use
    error(
        postv3products.sync_detailed(
            client=client, json_body=Postv3ProductsJsonBody(name="bad", license_policy_id="nope")
        ),
        400,
        "VALIDATION_FAILED",
    )
    error(deletev3license_policiesid.sync_detailed(pol.id, client=client), 409, "CONFLICT")
    assert deletev3productsid.sync_detailed(p.id, client=client).status_code == 204
    assert deletev3license_policiesid.sync_detailed(pol.id, client=client).status_code == 204
    error(getv3license_policiesid.sync_detailed(pol.id, client=client), 404, "NOT_FOUND")


def test_trial_policies_drive_a_products_trials(client):
    from cryptlex_web_api_client.api.trial_policies import (
        deletev3trial_policiesid,
        getv3trial_policies,
        getv3trial_policiesid,
        patchv3trial_policiesid,
        postv3trial_policies,
    )
    from cryptlex_web_api_client.models import (
        Postv3TrialPoliciesJsonBody,
        TrialPolicyDto,
        TrialPolicyRequestModel,
    )

    pol = parsed(
        postv3trial_policies.sync_detailed(
            client=client, json_body=Postv3TrialPoliciesJsonBody(name="two-days", trial_length=2 * 86400)
        ),
        201,
        TrialPolicyDto,
    )
    assert (pol.name, pol.trial_length, pol.fingerprint_matching_strategy.value) == ("two-days", 172800, "fuzzy")
    utc(pol.created_at)
    assert parsed(getv3trial_policiesid.sync_detailed(pol.id, client=client), 200, TrialPolicyDto).id == pol.id
    listed = parsed(getv3trial_policies.sync_detailed(client=client, limit=100), 200, list)
    assert pol.id in [x.id for x in listed]
    p = new_product(client)
    upd = parsed(
        patchv3productsid.sync_detailed(
            p.id, client=client, json_body=ProductRequestModel(name=p.name, trial_policy_id=pol.id)
        ),
        200,
        ProductDto,
    )
    assert upd.id == p.id
    # the product's trials follow the policy (its inline trialLength is 0)
    activate(client, p.id, None, fingerprint(9), trial=True)
    t = parsed(getv3trial_activations.sync_detailed(client=client, product_id=p.id), 200, list)[0]
    assert abs((t.expires_at - t.created_at).total_seconds() - 172800) <= 2
    # a policy change applies at once: a new device gets the new length
    parsed(
        patchv3trial_policiesid.sync_detailed(
            pol.id, client=client, json_body=TrialPolicyRequestModel(name="three-days", trial_length=3 * 86400)
        ),
        200,
        TrialPolicyDto,
    )
    activate(client, p.id, None, fingerprint(10), trial=True)
    lengths = sorted(
        round((x.expires_at - x.created_at).total_seconds())
        for x in parsed(getv3trial_activations.sync_detailed(client=client, product_id=p.id), 200, list)
    )
    assert [abs(a - b) <= 2 for a, b in zip(lengths, [172800, 259200])] == [True, True], lengths
    error(
        postv3trial_policies.sync_detailed(
            client=client, json_body=Postv3TrialPoliciesJsonBody(name="zero", trial_length=0)
        ),
        400,
        "VALIDATION_FAILED",
    )
    error(deletev3trial_policiesid.sync_detailed(pol.id, client=client), 409, "CONFLICT")
    assert deletev3productsid.sync_detailed(p.id, client=client).status_code == 204
    assert deletev3trial_policiesid.sync_detailed(pol.id, client=client).status_code == 204
    error(getv3trial_policiesid.sync_detailed(pol.id, client=client), 404, "NOT_FOUND")


def test_event_logs_list_filter_get(client, anonymous):
    from cryptlex_web_api_client.api.event_logs import getv3event_logs, getv3event_logsid
    from cryptlex_web_api_client.models import ChangesDto, EventLogDto

    p = new_product(client)
    lic = new_license(client, p.id, allowed_activations=2)
    parsed(
        patchv3licensesid.sync_detailed(
            lic.id, client=client, json_body=LicenseUpdateRequestModel(allowed_activations=4)
        ),
        200,
        LicenseDto,
    )
    activate(client, p.id, lic.key, fingerprint(7))
    # the vendor's `query` finds the license's entries, newest first
    rows = parsed(getv3event_logs.sync_detailed(client=client, query=lic.id), 200, list)
    assert [(e.resource, e.action) for e in rows] == [("license", "updated"), ("license", "created")]
    assert all(isinstance(e, EventLogDto) for e in rows)
    upd = rows[0]
    utc(upd.created_at)
    assert upd.resource_id == lic.id and upd.ip_address == "127.0.0.1"
    assert [c.property_name for c in upd.changes] == ["allowedActivations"]
    assert isinstance(upd.changes[0], ChangesDto)
    assert (upd.changes[0].old_value, upd.changes[0].new_value) == (2, 4)
    # the client's activation is an event of the activation
    acts = parsed(getv3event_logs.sync_detailed(client=client, query="activation", limit=100), 200, list)
    assert any(e.action == "created" for e in acts)
    # pages and oldest-first sort
    page1 = parsed(getv3event_logs.sync_detailed(client=client, limit=1, page=1, sort="createdAt"), 200, list)
    page2 = parsed(getv3event_logs.sync_detailed(client=client, limit=1, page=2, sort="createdAt"), 200, list)
    assert len(page1) == len(page2) == 1 and page1[0].id != page2[0].id
    one = parsed(getv3event_logsid.sync_detailed(upd.id, client=client), 200, EventLogDto)
    assert one.id == upd.id and one.changes[0].new_value == 4
    error(getv3event_logsid.sync_detailed("nope", client=client), 404, "NOT_FOUND")
    error(getv3event_logs.sync_detailed(client=anonymous), 401, "UNAUTHORIZED")


def test_webhooks_crud_events_and_a_signed_delivery(client, anonymous):
    import hashlib
    import hmac
    import http.server
    import queue
    import threading

    from cryptlex_web_api_client.api.webhooks import (
        deletev3webhooksid,
        getv3webhooks,
        getv3webhooksevents,
        getv3webhooksid,
        patchv3webhooksid,
        postv3webhooks,
    )
    from cryptlex_web_api_client.models import (
        Postv3WebhooksJsonBody,
        WebhookDto,
        WebhookRequestModel,
    )
    from cryptlex_web_api_client.models.getv_3_webhooksevents_response_200 import (
        Getv3WebhookseventsResponse200,
    )

    got = queue.Queue()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.put(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        events = parsed(getv3webhooksevents.sync_detailed(client=client), 200, Getv3WebhookseventsResponse200)
        assert "license.expiring-soon" in events["license"]
        url = f"http://127.0.0.1:{srv.server_port}/hook"
        w = parsed(
            postv3webhooks.sync_detailed(
                client=client,
                json_body=Postv3WebhooksJsonBody(
                    name="shop", url=url, token="sdk-secret-1", active=True, events=["license.created"]
                ),
            ),
            201,
            WebhookDto,
        )
        assert (w.url, w.token, w.active, w.events) == (url, "sdk-secret-1", True, ["license.created"])
        utc(w.created_at)
        p = new_product(client)
        lic = new_license(client, p.id)
        headers, body = got.get(timeout=15)
        sig = hmac.new(b"sdk-secret-1", body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(sig, headers["x-openlex-signature"])
        payload = json.loads(body)
        assert payload["type"] == "license.created" and payload["data"]["key"] == lic.key
        assert headers["x-openlex-event-id"] == payload["id"]
        # the delivered DTO is the vendor's LicenseDto
        assert LicenseDto.from_dict(payload["data"]).id == lic.id
        listed = parsed(getv3webhooks.sync_detailed(client=client, limit=100), 200, list)
        assert any(x.id == w.id for x in listed) and all(isinstance(x, WebhookDto) for x in listed)
        upd = parsed(
            patchv3webhooksid.sync_detailed(w.id, client=client, json_body=WebhookRequestModel(active=False)),
            200,
            WebhookDto,
        )
        assert upd.active is False
        assert parsed(getv3webhooksid.sync_detailed(w.id, client=client), 200, WebhookDto).active is False
        error(
            postv3webhooks.sync_detailed(
                client=client,
                json_body=Postv3WebhooksJsonBody(name="x", url="http://example.com/h", events=["license.created"]),
            ),
            400,
            "VALIDATION_FAILED",
        )
        assert deletev3webhooksid.sync_detailed(w.id, client=client).status_code == 204
        error(getv3webhooksid.sync_detailed(w.id, client=client), 404, "NOT_FOUND")
        error(getv3webhooks.sync_detailed(client=anonymous), 401, "UNAUTHORIZED")
    finally:
        srv.shutdown()
