"""OpenLex: Python binding for libLexActivator, API-compatible with the vendor's
``cryptlex.lexactivator`` package. Port an app by changing the import::

    from openlex import LexActivator, LexStatusCodes, LexActivatorException, PermissionFlags
"""

from .lexactivator import (ActivationMode, DataStoreInfo, FeatureEntitlement, LexActivator,
                           LicenseLookupInfo, LicenseMeterAttribute, Metadata, OrganizationAddress,
                           PermissionFlags, ProductVersionFeatureFlag, ReleaseFlags, UserLicense)
from ._native import LibraryNotFoundError
from .lexactivator_exception import LexActivatorException
from .lexrelease import Release, ReleaseFile
from .lexstatus_codes import LexStatusCodes

__version__ = "3.46.0"

__all__ = [
    "LexActivator", "LexStatusCodes", "LexActivatorException", "PermissionFlags", "ReleaseFlags",
    "LicenseMeterAttribute", "FeatureEntitlement", "ProductVersionFeatureFlag", "ActivationMode",
    "OrganizationAddress", "Metadata", "UserLicense", "DataStoreInfo", "LicenseLookupInfo",
    "Release", "ReleaseFile", "LibraryNotFoundError",
]
