/* OpenLex C examples: shared configuration and status checking.
   SPDX-License-Identifier: MIT OR Apache-2.0 */
#ifndef OPENLEX_EXAMPLES_COMMON_H
#define OPENLEX_EXAMPLES_COMMON_H

#include <stdint.h>

#include "LexTypes.h"

/* Strings. The examples keep text in UTF-8 `char` strings. On Windows the API's CHARTYPE is
   wchar_t (UTF-16), so arguments go through LA_STR() and output buffers (CHARTYPE arrays of
   LA_UNITS() units) through LA_U8() before printing; elsewhere both are the identity.
   example_init() must run first in main: on Windows it replaces argv with UTF-8 copies of the
   wide command line and unbuffers stdout; elsewhere it line-buffers stdout. */
#define LA_UNITS(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
#ifdef _WIN32
const CHARTYPE *la_str(const char *utf8);
const char *la_u8(const CHARTYPE *wide);
#define LA_STR(s) la_str(s)
#define LA_U8(s) la_u8(s)
#else
#define LA_STR(s) (s)
#define LA_U8(s) (s)
#endif
void example_init(int *argc, char ***argv);

/* Settings shared by the examples. Each comes from a command-line flag or, failing that,
   from an environment variable:
     --product-data TEXT   OPENLEX_PRODUCT_DATA   product data (Product > Product Data)
     --product-id ID       OPENLEX_PRODUCT_ID     product id (GUID)
     --license-key KEY     OPENLEX_LICENSE_KEY    license key
     --host URL            OPENLEX_HOST           license server, e.g. https://127.0.0.1:8443
     --data-dir DIR        OPENLEX_DATA_DIR       optional directory for the local store */
typedef struct {
    const char *product_data;
    const char *product_id;
    const char *license_key;
    const char *host;
    const char *data_dir;
} example_config;

/* Fills `cfg` from the environment. */
void config_from_env(example_config *cfg);

/* If argv[*i] is one of the flags above, consumes it and its value (advancing *i) and
   returns 1; returns 0 for any other argument. Exits with status 2 on a missing value. */
int config_parse_flag(example_config *cfg, int argc, char **argv, int *i);

/* Exits with status 2 and a message naming the flag and variable when `value` is unset. */
void config_require(const char *value, const char *flag, const char *env_name);

/* Prints "<call> -> <STATUS_NAME> (<code>)" to stderr and exits with status 1 unless
   `status` is LA_OK or one of the `n_ok` extra codes in `ok`. Returns `status`. */
int check(const char *call, int status);
int check_any(const char *call, int status, const int *ok, int n_ok);

/* SetDataDirectory (when cfg->data_dir is set), SetProductData and SetProductId(LA_USER),
   each checked. */
void setup_product(const example_config *cfg);

/* Formats a unix time as "YYYY-MM-DD HH:MM:SS UTC", or "never" for 0. */
const char *format_date(uint32_t unix_seconds, char *buf, unsigned buflen);

#endif /* OPENLEX_EXAMPLES_COMMON_H */
