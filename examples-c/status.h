/* OpenLex C examples: status code names for printing.
   SPDX-License-Identifier: MIT OR Apache-2.0 */
#ifndef OPENLEX_EXAMPLES_STATUS_H
#define OPENLEX_EXAMPLES_STATUS_H

/* Returns the LexStatusCodes.h name of `status` ("LA_OK", "LA_E_INET", ...),
   or "LA_UNKNOWN_STATUS" for a code the header does not define. Never NULL. */
const char *la_status_name(int status);

#endif /* OPENLEX_EXAMPLES_STATUS_H */
