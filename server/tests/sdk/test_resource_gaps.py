"""The vendor's management client drives the rest of its resource paths:
license metadata and meter attributes as their own resources, the CSV
exports, user password reset and role, personal access tokens read and
revoked, release files read and deleted.

Every call goes through the vendor's generated functions, so each answer is
parsed by the vendor's DTO classes (see test_management_api.py)."""

import csv
import io
import uuid

import httpx
from cryptlex_web_api_client import AuthenticatedClient, Client
from cryptlex_web_api_client.api.activations import getv3activations, postv3activationsmeter_attributesid
from cryptlex_web_api_client.api.licenses import (
    deletev3licensesmetadataid,
    deletev3licensesmeter_attributesid,
    getv3licensesexport,
    getv3licensesid,
    postv3licensesmeter_attributesidreset,
)
from cryptlex_web_api_client.api.personal_access_tokens import (
    getv3personal_access_tokensid,
    patchv3personal_access_tokensid,
    postv3personal_access_tokens,
)
from cryptlex_web_api_client.api.release_files import (
    deletev3release_filesid,
    getv3release_filesid,
    postv3release_files,
)
from cryptlex_web_api_client.api.releases import postv3releases
from cryptlex_web_api_client.api.trial_activations import getv3trial_activationsexport
from cryptlex_web_api_client.api.users import (
    getv3usersexport,
    getv3usersid,
    patchv3usersid,
    postv3users,
    postv3usersidreset_password,
    postv3usersidreset_password_token,
    postv3usersidupdate_password,
)
from cryptlex_web_api_client.api.products import getv3products
from cryptlex_web_api_client.models import (
    AccessTokenDto,
    ActivationMeterAttributeIncrementResponseDto,
    LicenseDto,
    LicenseMetadataRequestModel,
    LicenseMeterAttributeRequestModel,
    MetadataDto,
    LicenseMeterAttributeDto,
    PersonalAccessTokenDto,
    PersonalAccessTokenRevokeRequestModel,
    Postv3ActivationsmeterAttributesidJsonBody,
    Postv3PersonalAccessTokensJsonBody,
    Postv3ReleaseFilesJsonBody,
    Postv3ReleasesJsonBody,
    Postv3UsersidresetPasswordJsonBody,
    Postv3UsersidupdatePasswordJsonBody,
    Postv3UsersJsonBody,
    ReleaseDto,
    ReleaseFileDto,
    ResetPasswordTokenDto,
    UserDto,
    UserUpdateRequestModel,
)
from test_management_api import activate, error, fingerprint, new_license, new_product, parsed, utc


def csv_rows(resp):
    """The vendor's exports answer 200 with CSV (the SDK leaves it unparsed)."""
    assert resp.status_code == 200, (resp.status_code, resp.content)
    assert resp.headers["content-type"].startswith("text/csv"), resp.headers
    return list(csv.DictReader(io.StringIO(resp.content.decode())))


def test_license_metadata_and_meter_attributes_as_resources(client):
    p = new_product(client)
    lic = new_license(
        client,
        p.id,
        allowed_activations=2,
        metadata=[
            LicenseMetadataRequestModel(key="plan", value="pro", visible=True),
            LicenseMetadataRequestModel(key="seats", value="5", visible=True),
        ],
        meter_attributes=[
            LicenseMeterAttributeRequestModel(name="exports", allowed_uses=10, visible=True),
            LicenseMeterAttributeRequestModel(name="prints", allowed_uses=-1, visible=True),
        ],
    )
    assert all(isinstance(m, MetadataDto) and m.id for m in lic.metadata)
    assert all(isinstance(m, LicenseMeterAttributeDto) and m.id for m in lic.meter_attributes)
    plan = next(m for m in lic.metadata if m.key == "plan")
    exports = next(m for m in lic.meter_attributes if m.name == "exports")
    prints = next(m for m in lic.meter_attributes if m.name == "prints")

    # a device uses the meter through the vendor's activation endpoint
    activate(client, p.id, lic.key, fingerprint(7))
    act = parsed(getv3activations.sync_detailed(client=client, license_id=lic.id), 200, list)[0]
    body = Postv3ActivationsmeterAttributesidJsonBody(increment=3, activation_id=act.id)
    body["fingerprint"] = fingerprint(7)
    inc = parsed(
        postv3activationsmeter_attributesid.sync_detailed("exports", client=client, json_body=body),
        200,
        ActivationMeterAttributeIncrementResponseDto,
    )
    got = parsed(getv3licensesid.sync_detailed(lic.id, client=client), 200, LicenseDto)
    used = next(m for m in got.meter_attributes if m.id == exports.id)
    assert (used.total_uses, used.gross_uses) == (3, 3), inc

    # reset: total uses back to zero, gross uses kept; the DTO is the license
    reset = parsed(
        postv3licensesmeter_attributesidreset.sync_detailed(exports.id, client=client), 200, LicenseDto
    )
    after = next(m for m in reset.meter_attributes if m.id == exports.id)
    assert (after.total_uses, after.gross_uses) == (0, 3)
    # and the device's own count restarts too: 10 more uses fit again
    body = Postv3ActivationsmeterAttributesidJsonBody(increment=10, activation_id=act.id)
    body["fingerprint"] = fingerprint(7)
    parsed(
        postv3activationsmeter_attributesid.sync_detailed("exports", client=client, json_body=body),
        200,
        ActivationMeterAttributeIncrementResponseDto,
    )

    # delete one metadata entry and one meter attribute; the rest stay
    assert deletev3licensesmetadataid.sync_detailed(plan.id, client=client).status_code == 204
    assert deletev3licensesmeter_attributesid.sync_detailed(prints.id, client=client).status_code == 204
    got = parsed(getv3licensesid.sync_detailed(lic.id, client=client), 200, LicenseDto)
    assert [m.key for m in got.metadata] == ["seats"]
    assert [m.name for m in got.meter_attributes] == ["exports"]
    # gone: 404 in the vendor's shape, also for ids of no license
    error(deletev3licensesmetadataid.sync_detailed(plan.id, client=client), 404, "NOT_FOUND")
    error(deletev3licensesmeter_attributesid.sync_detailed(prints.id, client=client), 404, "NOT_FOUND")
    error(postv3licensesmeter_attributesidreset.sync_detailed(prints.id, client=client), 404, "NOT_FOUND")
    error(deletev3licensesmetadataid.sync_detailed("no-such-entry", client=client), 404, "NOT_FOUND")
    # the ids stay while a PATCH replaces the lists with the same keys
    r = httpx.patch(
        f"{client.base_url}/v3/licenses/{lic.id}",
        headers=client.get_headers(),
        verify=client.verify_ssl,
        json={"metadata": [{"key": "seats", "value": "6"}, {"key": "tier", "value": "gold"}]},
    )
    assert r.status_code == 200, r.text
    md = {m["key"]: m for m in LicenseDto.from_dict(r.json()).to_dict()["metadata"]}
    assert md["seats"]["id"] == next(m.id for m in got.metadata if m.key == "seats")
    assert md["tier"]["id"] and md["tier"]["id"] != md["seats"]["id"]


def test_license_export_is_csv_with_filters(client, anonymous):
    p = new_product(client)
    other = new_product(client)
    email = f"sdk-{uuid.uuid4().hex[:8]}@example.com"
    u = parsed(
        postv3users.sync_detailed(
            client=client,
            json_body=Postv3UsersJsonBody(first_name="E", last_name="X", email=email, password="correct horse 1"),
        ),
        201,
        UserDto,
    )
    a = new_license(client, p.id, user_id=u.id, notes="a, \"quoted\"")
    b = new_license(client, p.id)
    new_license(client, other.id)
    rows = csv_rows(getv3licensesexport.sync_detailed(client=client, product_id=p.id))
    assert sorted(r["id"] for r in rows) == sorted([a.id, b.id])
    row = next(r for r in rows if r["id"] == a.id)
    assert (row["key"], row["productId"], row["userEmail"], row["type"]) == (a.key, p.id, email, "node-locked")
    assert row["totalActivations"] == "0" and row["createdAt"].endswith("Z")
    by_user = csv_rows(getv3licensesexport.sync_detailed(client=client, user_id=u.id))
    assert [r["id"] for r in by_user] == [a.id]
    by_email = csv_rows(getv3licensesexport.sync_detailed(client=client, email=email.upper()))
    assert [r["id"] for r in by_email] == [a.id]
    assert csv_rows(getv3licensesexport.sync_detailed(client=client, email="nobody@example.com")) == []
    error(getv3licensesexport.sync_detailed(client=client, query="x"), 400, "VALIDATION_FAILED")
    error(getv3licensesexport.sync_detailed(client=anonymous), 401, "UNAUTHORIZED")


def test_trial_activation_and_user_exports(client):
    p = new_product(client)
    r = httpx.patch(
        f"{client.base_url}/v3/products/{p.id}",
        headers=client.get_headers(),
        verify=client.verify_ssl,
        json={"trialLength": 7 * 86400},
    )
    assert r.status_code == 200, r.text
    activate(client, p.id, None, fingerprint(9), trial=True)
    rows = csv_rows(getv3trial_activationsexport.sync_detailed(client=client, product_id=p.id))
    assert len(rows) == 1 and rows[0]["productId"] == p.id and rows[0]["os"] == "linux"
    assert rows[0]["expiresAt"].endswith("Z")
    email = f"sdk-{uuid.uuid4().hex[:8]}@example.com"
    u = parsed(
        postv3users.sync_detailed(
            client=client,
            json_body=Postv3UsersJsonBody(first_name="Grace", last_name="Hopper", email=email, password="correct horse 1"),
        ),
        201,
        UserDto,
    )
    users = csv_rows(getv3usersexport.sync_detailed(client=client))
    row = next(r for r in users if r["id"] == u.id)
    assert (row["email"], row["firstName"], row["lastName"], row["role"]) == (email, "Grace", "Hopper", "user")


def login(client, email, password):
    r = httpx.post(
        f"{client.base_url}/v3/accounts/login",
        json={"email": email, "password": password},
        verify=client.verify_ssl,
    )
    return r


def test_user_role_password_reset_and_update(client):
    email = f"sdk-{uuid.uuid4().hex[:8]}@example.com"
    u = parsed(
        postv3users.sync_detailed(
            client=client,
            json_body=Postv3UsersJsonBody(
                first_name="Ada", last_name="L", email=email, password="first password", role="user"
            ),
        ),
        201,
        UserDto,
    )
    assert (u.role, u.roles) == ("user", ["user"])
    # reset: a token (shown once) for the portal, then the new password with it, no bearer
    tok = parsed(postv3usersidreset_password_token.sync_detailed(u.id, client=client), 200, ResetPasswordTokenDto)
    assert tok.reset_password_token
    no_auth = Client(base_url=client.base_url, verify_ssl=client.verify_ssl)
    error(
        postv3usersidreset_password.sync_detailed(
            u.id, client=no_auth, json_body=Postv3UsersidresetPasswordJsonBody(new_password="second password", token="wrong")
        ),
        400,
        "VALIDATION_FAILED",
    )
    r = postv3usersidreset_password.sync_detailed(
        u.id,
        client=no_auth,
        json_body=Postv3UsersidresetPasswordJsonBody(new_password="second password", token=tok.reset_password_token),
    )
    assert r.status_code == 204, r.content
    assert login(client, email, "first password").json()["code"] == "AUTHENTICATION_FAILED"
    session = login(client, email, "second password")
    assert session.status_code == 200, session.text
    # the token works once
    error(
        postv3usersidreset_password.sync_detailed(
            u.id,
            client=no_auth,
            json_body=Postv3UsersidresetPasswordJsonBody(new_password="third password", token=tok.reset_password_token),
        ),
        400,
        "VALIDATION_FAILED",
    )
    error(
        postv3usersidreset_password.sync_detailed(
            "missing", client=no_auth, json_body=Postv3UsersidresetPasswordJsonBody(new_password="x" * 8, token="t")
        ),
        404,
        "NOT_FOUND",
    )
    # update: as the user (their session), with the old password
    as_user = AuthenticatedClient(
        base_url=client.base_url, token=session.json()["accessToken"], verify_ssl=client.verify_ssl
    )
    error(
        postv3usersidupdate_password.sync_detailed(
            u.id,
            client=as_user,
            json_body=Postv3UsersidupdatePasswordJsonBody(old_password="wrong password", new_password="third password"),
        ),
        400,
        "AUTHENTICATION_FAILED",
    )
    # the administrator's token is no session of the user
    error(
        postv3usersidupdate_password.sync_detailed(
            u.id,
            client=client,
            json_body=Postv3UsersidupdatePasswordJsonBody(old_password="second password", new_password="third password"),
        ),
        401,
        "UNAUTHORIZED",
    )
    r = postv3usersidupdate_password.sync_detailed(
        u.id,
        client=as_user,
        json_body=Postv3UsersidupdatePasswordJsonBody(old_password="second password", new_password="third password"),
    )
    assert r.status_code == 204, r.content
    assert login(client, email, "third password").status_code == 200
    # a password change ends the user's sessions
    error(
        postv3usersidupdate_password.sync_detailed(
            u.id,
            client=as_user,
            json_body=Postv3UsersidupdatePasswordJsonBody(old_password="third password", new_password="fourth password"),
        ),
        401,
        "UNAUTHORIZED",
    )
    # role: set through the vendor's update model; reset tokens are for the `user` role only
    upd = parsed(
        patchv3usersid.sync_detailed(
            u.id,
            client=client,
            json_body=UserUpdateRequestModel(first_name="Ada", last_name="L", email=email, role="reseller"),
        ),
        200,
        UserDto,
    )
    assert upd.role == "reseller"
    assert parsed(getv3usersid.sync_detailed(u.id, client=client), 200, UserDto).roles == ["reseller"]
    error(postv3usersidreset_password_token.sync_detailed(u.id, client=client), 409, "CONFLICT")


def test_personal_access_token_get_and_revoke(client):
    created = parsed(
        postv3personal_access_tokens.sync_detailed(
            client=client, json_body=Postv3PersonalAccessTokensJsonBody(name="revoke-me", scopes=["product:read"])
        ),
        201,
        AccessTokenDto,
    )
    listed = httpx.get(
        f"{client.base_url}/v3/personal-access-tokens?limit=100", headers=client.get_headers(), verify=client.verify_ssl
    ).json()
    tid = next(t["id"] for t in listed if t["name"] == "revoke-me")
    one = parsed(getv3personal_access_tokensid.sync_detailed(tid, client=client), 200, PersonalAccessTokenDto)
    assert (one.name, one.scopes, one.revoked, one.expires_at) == ("revoke-me", ["product:read"], False, None)
    utc(one.updated_at)
    holder = AuthenticatedClient(base_url=client.base_url, token=created.access_token, verify_ssl=client.verify_ssl)
    parsed(getv3products.sync_detailed(client=holder), 200, list)
    revoked = parsed(
        patchv3personal_access_tokensid.sync_detailed(
            tid, client=client, json_body=PersonalAccessTokenRevokeRequestModel(revoked=True)
        ),
        200,
        PersonalAccessTokenDto,
    )
    assert revoked.revoked is True
    error(getv3products.sync_detailed(client=holder), 401, "UNAUTHORIZED")
    # a revoked token stays revoked, and stays readable
    error(
        patchv3personal_access_tokensid.sync_detailed(
            tid, client=client, json_body=PersonalAccessTokenRevokeRequestModel(revoked=False)
        ),
        400,
        "VALIDATION_FAILED",
    )
    assert parsed(getv3personal_access_tokensid.sync_detailed(tid, client=client), 200, PersonalAccessTokenDto).revoked
    error(getv3personal_access_tokensid.sync_detailed("missing", client=client), 404, "NOT_FOUND")


def test_release_files_get_and_delete(client):
    p = new_product(client)
    rel = parsed(
        postv3releases.sync_detailed(
            client=client,
            json_body=Postv3ReleasesJsonBody(
                name="R", version="2.0.0", channel="stable", platform="linux", product_id=p.id
            ),
        ),
        201,
        ReleaseDto,
    )
    for name in ("a.tar.gz", "b.zip"):
        rel = parsed(
            postv3release_files.sync_detailed(
                client=client,
                json_body=Postv3ReleaseFilesJsonBody(
                    name=name, url=f"https://downloads.example.com/{name}", size=10, checksum="c", secured=True,
                    release_id=rel.id,
                ),
            ),
            201,
            ReleaseDto,
        )
    a, b = rel.files
    got = parsed(getv3release_filesid.sync_detailed(a.id, client=client), 200, ReleaseFileDto)
    assert (got.name, got.release_id, got.extension, got.secured, got.size) == ("a.tar.gz", rel.id, "gz", True, 10)
    utc(got.created_at)
    assert deletev3release_filesid.sync_detailed(a.id, client=client).status_code == 204
    error(getv3release_filesid.sync_detailed(a.id, client=client), 404, "NOT_FOUND")
    error(deletev3release_filesid.sync_detailed(a.id, client=client), 404, "NOT_FOUND")
    left = httpx.get(
        f"{client.base_url}/v3/releases/{rel.id}", headers=client.get_headers(), verify=client.verify_ssl
    ).json()
    assert [f["id"] for f in left["files"]] == [b.id] and left["totalFiles"] == 1


def test_me_the_logged_in_user_and_their_devices(client):
    from cryptlex_web_api_client.api.users import getv3me, getv3meactivations, getv3meactivationsid, patchv3me
    from cryptlex_web_api_client.models import ActivationDto, MeUpdateRequestModel

    email = f"sdk-{uuid.uuid4().hex[:8]}@example.com"
    u = parsed(
        postv3users.sync_detailed(
            client=client,
            json_body=Postv3UsersJsonBody(first_name="Mary", last_name="S", email=email, password="correct horse 1"),
        ),
        201,
        UserDto,
    )
    p = new_product(client)
    lic = new_license(client, p.id, user_id=u.id, allowed_activations=3)
    other = new_license(client, p.id, allowed_activations=1)
    activate(client, p.id, lic.key, fingerprint(21))
    activate(client, p.id, lic.key, fingerprint(22))
    activate(client, p.id, other.key, fingerprint(23))
    session = login(client, email, "correct horse 1")
    assert session.status_code == 200, session.text
    me = AuthenticatedClient(base_url=client.base_url, token=session.json()["accessToken"], verify_ssl=client.verify_ssl)
    got = parsed(getv3me.sync_detailed(client=me), 200, UserDto)
    assert (got.id, got.email, got.first_name) == (u.id, email, "Mary")
    upd = parsed(
        patchv3me.sync_detailed(
            client=me, json_body=MeUpdateRequestModel(first_name="Mary", last_name="Shelley", email=email, company="F")
        ),
        200,
        UserDto,
    )
    assert (upd.name, upd.company) == ("Mary Shelley", "F")
    mine = parsed(getv3meactivations.sync_detailed(client=me), 200, list)
    assert len(mine) == 2 and all(isinstance(a, ActivationDto) and a.license_id == lic.id for a in mine)
    page2 = parsed(getv3meactivations.sync_detailed(client=me, limit=1, page=2), 200, list)
    assert len(page2) == 1 and page2[0].id in {a.id for a in mine}
    one = parsed(getv3meactivationsid.sync_detailed(mine[0].id, client=me), 200, ActivationDto)
    assert one.id == mine[0].id
    # another user's device is not found; no session is 401
    theirs = parsed(getv3activations.sync_detailed(client=client, license_id=other.id), 200, list)[0]
    error(getv3meactivationsid.sync_detailed(theirs.id, client=me), 404, "NOT_FOUND")
    error(getv3me.sync_detailed(client=client), 401, "USER_NOT_AUTHENTICATED")
