"""The vendor's module name (``cryptlex.lexactivator``), served by OpenLex's ``openlex`` package.

Apps written for the vendor's wheel run unchanged::

    from cryptlex.lexactivator import LexActivator, LexStatusCodes, PermissionFlags, LexActivatorException

The vendor's submodules (``cryptlex.lexactivator.lexactivator``, ``.lexactivator_exception``,
``.lexstatus_codes``, ``.lexrelease``) are OpenLex's modules of the same names.
"""

import sys as _sys

from openlex import *  # noqa: F401,F403
from openlex import __all__, __version__  # noqa: F401
from openlex import lexactivator, lexactivator_exception, lexrelease, lexstatus_codes

for _name, _module in (("lexactivator", lexactivator), ("lexactivator_exception", lexactivator_exception),
                       ("lexrelease", lexrelease), ("lexstatus_codes", lexstatus_codes)):
    _sys.modules[__name__ + "." + _name] = _module
del _name, _module
