/* OpenLex C examples: shared configuration and status checking.
   SPDX-License-Identifier: MIT OR Apache-2.0 */
#include "common.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "LexActivator.h"
#include "status.h"

static const char *env_or_null(const char *name)
{
    const char *v = getenv(name);
    return (v != NULL && v[0] != '\0') ? v : NULL;
}

void config_from_env(example_config *cfg)
{
    cfg->product_data = env_or_null("OPENLEX_PRODUCT_DATA");
    cfg->product_id = env_or_null("OPENLEX_PRODUCT_ID");
    cfg->license_key = env_or_null("OPENLEX_LICENSE_KEY");
    cfg->host = env_or_null("OPENLEX_HOST");
    cfg->data_dir = env_or_null("OPENLEX_DATA_DIR");
}

int config_parse_flag(example_config *cfg, int argc, char **argv, int *i)
{
    static const struct {
        const char *flag;
        size_t offset;
    } flags[] = {
        { "--product-data", offsetof(example_config, product_data) },
        { "--product-id", offsetof(example_config, product_id) },
        { "--license-key", offsetof(example_config, license_key) },
        { "--host", offsetof(example_config, host) },
        { "--data-dir", offsetof(example_config, data_dir) },
    };
    size_t k;
    for (k = 0; k < sizeof flags / sizeof flags[0]; k++) {
        if (strcmp(argv[*i], flags[k].flag) == 0) {
            if (*i + 1 >= argc) {
                fprintf(stderr, "error: %s needs a value\n", flags[k].flag);
                exit(2);
            }
            *(const char **)((char *)cfg + flags[k].offset) = argv[*i + 1];
            *i += 1;
            return 1;
        }
    }
    return 0;
}

void config_require(const char *value, const char *flag, const char *env_name)
{
    if (value == NULL || value[0] == '\0') {
        fprintf(stderr, "error: missing %s (or set %s)\n", flag, env_name);
        exit(2);
    }
}

int check_any(const char *call, int status, const int *ok, int n_ok)
{
    int k;
    if (status == LA_OK) {
        return status;
    }
    for (k = 0; k < n_ok; k++) {
        if (status == ok[k]) {
            return status;
        }
    }
    fflush(stdout);
    fprintf(stderr, "error: %s -> %s (%d)\n", call, la_status_name(status), status);
    exit(1);
}

int check(const char *call, int status)
{
    return check_any(call, status, NULL, 0);
}

void setup_product(const example_config *cfg)
{
    config_require(cfg->product_data, "--product-data", "OPENLEX_PRODUCT_DATA");
    config_require(cfg->product_id, "--product-id", "OPENLEX_PRODUCT_ID");
    if (cfg->data_dir != NULL) {
        /* Must come before SetProductData. */
        check("SetDataDirectory", SetDataDirectory(cfg->data_dir));
    }
    check("SetProductData", SetProductData(cfg->product_data));
    check("SetProductId", SetProductId(cfg->product_id, LA_USER));
}

const char *format_date(uint32_t unix_seconds, char *buf, unsigned buflen)
{
    time_t t = (time_t)unix_seconds;
    struct tm *tm;
    if (unix_seconds == 0) {
        snprintf(buf, buflen, "never");
        return buf;
    }
    tm = gmtime(&t);
    if (tm == NULL || strftime(buf, buflen, "%Y-%m-%d %H:%M:%S UTC", tm) == 0) {
        snprintf(buf, buflen, "%lu", (unsigned long)unix_seconds);
    }
    return buf;
}
