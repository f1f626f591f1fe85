"""Activation logs and analytics read through the vendor's management client
(cryptlex-python-sdk 1.0.3): its generated functions call openlex-server and
its DTO classes parse every answer."""

import datetime

import httpx
from cryptlex_web_api_client.api.activation_logs import getv3activation_logs, getv3activation_logsid
from cryptlex_web_api_client.api.analytics import (
    getv3analyticsactivations,
    getv3analyticsactivationsapp_version,
    getv3analyticsactivationsos,
    getv3analyticsactivationsos_version,
    getv3analyticsactivationsvm_name,
    getv3analyticsstats,
    getv3analyticstrial_activations,
    getv3analyticstrial_activationsos,
    getv3analyticstrial_activationsos_version,
    getv3analyticstrial_activationsvm_name,
)
from cryptlex_web_api_client.models import (
    AccountStatsDto,
    ActivationLogDto,
    ActivationsByAppVersionDto,
    ActivationsByDateDto,
    ActivationsByOsDto,
    ActivationsByOsVersionDto,
    ActivationsByVmDto,
)
from cryptlex_web_api_client.models.geo_location_dto import GeoLocationDto

from test_management_api import activate, error, fingerprint, new_license, new_product, parsed, utc


def test_activation_logs_list_filter_page_get(client, anonymous):
    p = new_product(client)
    lic = new_license(client, p.id, allowed_activations=1)
    activate(client, p.id, lic.key, fingerprint(31))
    refused = httpx.post(
        f"{client.base_url}/v3/activations",
        json={"productId": p.id, "key": lic.key, "fingerprint": fingerprint(32), "os": "windows",
              "osVersion": "11", "appVersion": "9.9", "hostname": "other", "userHash": "u", "vmName": "KVM"},
        verify=client.verify_ssl,
    )
    assert refused.status_code == 409 and refused.json()["code"] == "ACTIVATION_LIMIT_REACHED", refused.text

    logs = parsed(getv3activation_logs.sync_detailed(client=client, license_id=lic.id, sort="createdAt"), 200, list)
    assert len(logs) == 2 and all(isinstance(l, ActivationLogDto) for l in logs)
    ok, no = logs
    assert ok.license_id == lic.id and ok.action == "activation" and ok.os.value == "linux"
    assert ok.os_version == "6.1" and ok.app_version == "1.2.3" and ok.hostname == "sdk-host"
    assert isinstance(ok.location, GeoLocationDto) and ok.location.ip_address == "127.0.0.1"
    assert ok.container is False
    utc(ok.created_at)
    # openlex fields the vendor's DTO drops: the outcome
    raw = httpx.get(
        f"{client.base_url}/v3/activation-logs/{no.id}", headers=client.get_headers(), verify=client.verify_ssl
    ).json()
    assert raw["errorCode"] == "ACTIVATION_LIMIT_REACHED" and raw["licenseKey"] == lic.key
    assert no.os.value == "windows" and no.vm_name == "KVM" and no.app_version == "9.9"

    by_product = parsed(getv3activation_logs.sync_detailed(client=client, product_id=p.id), 200, list)
    assert {l.id for l in by_product} == {ok.id, no.id}
    assert by_product[0].id == no.id, "newest first by default"
    page2 = parsed(getv3activation_logs.sync_detailed(client=client, product_id=p.id, limit=1, page=2), 200, list)
    assert [l.id for l in page2] == [by_product[1].id]
    at = parsed(getv3activation_logs.sync_detailed(client=client, license_id=lic.id, created_at=ok.created_at), 200, list)
    assert ok.id in {l.id for l in at}
    later = ok.created_at + datetime.timedelta(days=1)
    assert parsed(getv3activation_logs.sync_detailed(client=client, license_id=lic.id, created_at=later), 200, list) == []

    one = parsed(getv3activation_logsid.sync_detailed(ok.id, client=client), 200, ActivationLogDto)
    assert one.id == ok.id and one.license_id == lic.id
    error(getv3activation_logsid.sync_detailed("nope", client=client), 404, "NOT_FOUND")
    error(getv3activation_logs.sync_detailed(client=anonymous), 401, "UNAUTHORIZED")
    error(getv3activation_logs.sync_detailed(client=client, query="x"), 400, "VALIDATION_FAILED")


def test_analytics_stats_and_breakdowns(client, anonymous):
    p = new_product(client)
    patch = httpx.patch(
        f"{client.base_url}/v3/products/{p.id}",
        headers=client.get_headers(),
        verify=client.verify_ssl,
        json={"trialLength": 86400},
    )
    assert patch.status_code == 200, patch.text
    lic = new_license(client, p.id, allowed_activations=5)
    for n in (41, 42):
        activate(client, p.id, lic.key, fingerprint(n))
    activate(client, p.id, None, fingerprint(43), trial=True)

    stats = parsed(getv3analyticsstats.sync_detailed(client=client), 200, AccountStatsDto)
    assert stats.products >= 1 and stats.licenses >= 1 and stats.activations >= 2 and stats.trial_activations >= 1
    assert stats.email_templates == 0

    now = datetime.datetime.now(datetime.timezone.utc)
    window = dict(product_id=p.id, start_date=now - datetime.timedelta(days=2), end_date=now + datetime.timedelta(days=1))
    days = parsed(getv3analyticsactivations.sync_detailed(client=client, **window), 200, list)
    assert all(isinstance(d, ActivationsByDateDto) for d in days)
    assert sum(d.activations for d in days) == 2
    assert utc(days[-1].activated_at).hour == 0
    tdays = parsed(getv3analyticstrial_activations.sync_detailed(client=client, **window), 200, list)
    assert sum(d.activations for d in tdays) == 1

    oses = parsed(getv3analyticsactivationsos.sync_detailed(client=client, **window), 200, list)
    assert [(o.os.value, o.activations) for o in oses] == [("linux", 2)]
    assert all(isinstance(o, ActivationsByOsDto) for o in oses)
    vers = parsed(getv3analyticsactivationsos_version.sync_detailed(client=client, **window), 200, list)
    assert isinstance(vers[0], ActivationsByOsVersionDto) and (vers[0].os_version, vers[0].activations) == ("6.1", 2)
    apps = parsed(
        getv3analyticsactivationsapp_version.sync_detailed(client=client, license_id=lic.id, **window), 200, list
    )
    assert isinstance(apps[0], ActivationsByAppVersionDto) and (apps[0].app_version, apps[0].activations) == ("1.2.3", 2)
    vms = parsed(getv3analyticsactivationsvm_name.sync_detailed(client=client, **window), 200, list)
    assert isinstance(vms[0], ActivationsByVmDto) and (vms[0].vm_name, vms[0].activations) == (None, 2)

    toses = parsed(getv3analyticstrial_activationsos.sync_detailed(client=client, **window), 200, list)
    assert [(o.os.value, o.activations) for o in toses] == [("linux", 1)]
    tvers = parsed(getv3analyticstrial_activationsos_version.sync_detailed(client=client, **window), 200, list)
    assert [(v.os_version, v.activations) for v in tvers] == [("6.1", 1)]
    tvms = parsed(getv3analyticstrial_activationsvm_name.sync_detailed(client=client, **window), 200, list)
    assert [(v.vm_name, v.activations) for v in tvms] == [(None, 1)]

    # an empty window; errors in the vendor's shape
    past = dict(product_id=p.id, start_date=now - datetime.timedelta(days=9), end_date=now - datetime.timedelta(days=8))
    assert parsed(getv3analyticsactivations.sync_detailed(client=client, **past), 200, list) == []
    backwards = dict(start_date=now, end_date=now - datetime.timedelta(days=1))
    error(getv3analyticsactivationsos.sync_detailed(client=client, **backwards), 400, "VALIDATION_FAILED")
    error(getv3analyticsstats.sync_detailed(client=anonymous), 401, "UNAUTHORIZED")
