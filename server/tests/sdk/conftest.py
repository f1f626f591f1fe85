"""Fixtures: the vendor's management client (cryptlex-python-sdk, installed
from PyPI by ci.sh) pointed at a real openlex-server that
scripts/with-server.sh started for this run."""

import os

import pytest
from cryptlex_web_api_client import AuthenticatedClient


@pytest.fixture(scope="session")
def client():
    url = os.environ["OPENLEX_SERVER_URL"]
    return AuthenticatedClient(
        base_url=url,
        token=os.environ["OPENLEX_ADMIN_TOKEN"],
        verify_ssl=os.environ["SSL_CERT_FILE"],
        timeout=30.0,
    )


@pytest.fixture(scope="session")
def anonymous(client):
    """A client with a token the server never issued."""
    return AuthenticatedClient(
        base_url=client.base_url, token="olat_not_a_token", verify_ssl=client.verify_ssl
    )
