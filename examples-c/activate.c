/* OpenLex C example: online license activation (modelled on the vendor's Sample.cpp, in C99).
 *
 * Usage: activate [--deactivate] [--product-data TEXT] [--product-id ID]
 *                 [--license-key KEY] [--host URL] [--data-dir DIR]
 * Every flag falls back to an environment variable: OPENLEX_PRODUCT_DATA, OPENLEX_PRODUCT_ID,
 * OPENLEX_LICENSE_KEY, (optional) OPENLEX_HOST and (optional) OPENLEX_DATA_DIR.
 * Without a host the library talks to the host in the product data (openlex-server puts its
 * public URL there), or to the vendor's cloud host when the product data names none.
 *
 * Exit status: 0 on success, 1 when a LexActivator call fails (its status name is printed
 * to stderr), 2 on a usage error.
 * --wait SECONDS keeps the process alive that long after the checks so that background
 * server syncs (and so the license callback) can be seen; use a license with a short
 * server sync interval.
 * SPDX-License-Identifier: MIT OR Apache-2.0 */
#define _POSIX_C_SOURCE 200809L /* sleep() */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "LexActivator.h"
#include "common.h"
#include "status.h"

/* Runs on a library thread after each background server sync. */
static void LA_CC license_callback(uint32_t status)
{
    printf("[callback] license status: %s (%u)\n", la_status_name((int)status), status);
    fflush(stdout);
}

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--deactivate] [--wait SECONDS] [--product-data TEXT] [--product-id ID]\n"
            "          [--license-key KEY] [--host URL] [--data-dir DIR]\n"
            "Flags default to OPENLEX_PRODUCT_DATA, OPENLEX_PRODUCT_ID, OPENLEX_LICENSE_KEY,\n"
            "OPENLEX_HOST and OPENLEX_DATA_DIR. Without a host the one in the product data is used\n"
            "(else the vendor's cloud host).\n",
            prog);
}

int main(int argc, char **argv)
{
    /* Activated states: the license is activated even when expired or suspended. */
    static const int activated[] = { LA_EXPIRED, LA_SUSPENDED };
    example_config cfg;
    int deactivate = 0;
    unsigned wait_seconds = 0;
    int i, status;
    CHARTYPE buf[BUFFER_SIZE_1024];
    char date[64];
    uint32_t expiry = 0, total = 0;
    int64_t allowed = 0;

    example_init(&argc, &argv);
    config_from_env(&cfg);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--deactivate") == 0) {
            deactivate = 1;
        } else if (strcmp(argv[i], "--wait") == 0 && i + 1 < argc) {
            wait_seconds = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(argv[0]);
            return 0;
        } else if (!config_parse_flag(&cfg, argc, argv, &i)) {
            fprintf(stderr, "error: unknown argument '%s'\n", argv[i]);
            usage(argv[0]);
            return 2;
        }
    }
    config_require(cfg.license_key, "--license-key", "OPENLEX_LICENSE_KEY");

    check("GetLibraryVersion", GetLibraryVersion(buf, LA_UNITS(buf)));
    printf("LexActivator library version: %s\n", LA_U8(buf));

    setup_product(&cfg);
    if (cfg.host != NULL) {
        check("SetCryptlexHost", SetCryptlexHost(LA_STR(cfg.host)));
        printf("Host: %s (SetCryptlexHost)\n", cfg.host);
    } else {
        printf("Host: from the product data (the vendor's cloud host if it names none)\n");
    }
    check("SetLicenseKey", SetLicenseKey(LA_STR(cfg.license_key)));
    check("SetActivationMetadata", SetActivationMetadata(LA_STR("example"), LA_STR("1")));
    check("SetLicenseCallback", SetLicenseCallback(license_callback));

    status = check_any("ActivateLicense", ActivateLicense(), activated, 2);
    printf("ActivateLicense: %s\n", la_status_name(status));

    status = check_any("IsLicenseGenuine", IsLicenseGenuine(), activated, 2);
    printf("IsLicenseGenuine: %s\n", la_status_name(status));
    if (status == LA_EXPIRED) {
        printf("The license is genuinely activated but has expired.\n");
    } else if (status == LA_SUSPENDED) {
        printf("The license is genuinely activated but has been suspended.\n");
    } else {
        printf("The license is genuinely activated.\n");
    }

    printf("License details:\n");
    check("GetLicenseKey", GetLicenseKey(buf, LA_UNITS(buf)));
    printf("  key:                 %s\n", LA_U8(buf));
    check("GetLicenseType", GetLicenseType(buf, LA_UNITS(buf)));
    printf("  type:                %s\n", LA_U8(buf));
    check("GetActivationId", GetActivationId(buf, LA_UNITS(buf)));
    printf("  activation id:       %s\n", LA_U8(buf));
    check("GetLicenseExpiryDate", GetLicenseExpiryDate(&expiry));
    printf("  expiry date:         %s\n", format_date(expiry, date, sizeof date));
    check("GetLicenseAllowedActivations", GetLicenseAllowedActivations(&allowed));
    check("GetLicenseTotalActivations", GetLicenseTotalActivations(&total));
    if (allowed < 0) {
        printf("  activations:         %u of unlimited\n", total);
    } else {
        printf("  activations:         %u of %lld\n", total, (long long)allowed);
    }
    check("GetLicenseUserName", GetLicenseUserName(buf, LA_UNITS(buf)));
    printf("  user name:           %s\n", buf[0] != '\0' ? LA_U8(buf) : "(none)");
    check("GetLicenseUserEmail", GetLicenseUserEmail(buf, LA_UNITS(buf)));
    printf("  user email:          %s\n", buf[0] != '\0' ? LA_U8(buf) : "(none)");
    check("GetActivationMetadata", GetActivationMetadata(LA_STR("example"), buf, LA_UNITS(buf)));
    printf("  metadata 'example':  %s\n", LA_U8(buf));

    if (wait_seconds > 0) {
        printf("Waiting %u s for background server syncs...\n", wait_seconds);
        while (wait_seconds > 0) {
            wait_seconds = sleep(wait_seconds);
        }
    }

    if (deactivate) {
        check("DeactivateLicense", DeactivateLicense());
        printf("DeactivateLicense: LA_OK (the seat is free again)\n");
    }
    printf("done\n");
    return 0;
}
