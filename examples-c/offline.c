/* OpenLex C example: offline activation (modelled on the vendor's Sample.cpp, in C99).
 *
 * Step 1, on the offline machine:   offline --request request.dat
 *         writes an offline activation request (GenerateOfflineActivationRequest).
 *         Take the file to the license server and get a response file for it.
 * Step 2, on the same machine:      offline --response response.dat
 *         activates from the response (ActivateLicenseOffline) and checks IsLicenseGenuine.
 * Both may be given at once.
 *
 * Product data, product id, license key and data directory come from the flags
 * --product-data, --product-id, --license-key, --data-dir or from OPENLEX_PRODUCT_DATA,
 * OPENLEX_PRODUCT_ID, OPENLEX_LICENSE_KEY, OPENLEX_DATA_DIR.
 * Exit status: 0 on success, 1 on a failed call, 2 on a usage error.
 * SPDX-License-Identifier: MIT OR Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "LexActivator.h"
#include "common.h"
#include "status.h"

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--request REQUEST_FILE] [--response RESPONSE_FILE]\n"
            "          [--product-data TEXT] [--product-id ID] [--license-key KEY] [--data-dir DIR]\n"
            "Flags default to OPENLEX_PRODUCT_DATA, OPENLEX_PRODUCT_ID, OPENLEX_LICENSE_KEY and\n"
            "OPENLEX_DATA_DIR.\n",
            prog);
}

int main(int argc, char **argv)
{
    static const int activated[] = { LA_EXPIRED, LA_SUSPENDED };
    example_config cfg;
    const char *request = NULL;
    const char *response = NULL;
    int i, status;

    example_init(&argc, &argv);
    config_from_env(&cfg);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(argv[0]);
            return 0;
        } else if ((strcmp(argv[i], "--request") == 0 || strcmp(argv[i], "--response") == 0)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "error: %s needs a file path\n", argv[i]);
                return 2;
            }
            if (strcmp(argv[i], "--request") == 0) {
                request = argv[i + 1];
            } else {
                response = argv[i + 1];
            }
            i++;
        } else if (!config_parse_flag(&cfg, argc, argv, &i)) {
            fprintf(stderr, "error: unknown argument '%s'\n", argv[i]);
            usage(argv[0]);
            return 2;
        }
    }
    if (request == NULL && response == NULL) {
        usage(argv[0]);
        return 2;
    }
    config_require(cfg.license_key, "--license-key", "OPENLEX_LICENSE_KEY");

    setup_product(&cfg);
    check("SetLicenseKey", SetLicenseKey(LA_STR(cfg.license_key)));

    if (request != NULL) {
        check("GenerateOfflineActivationRequest", GenerateOfflineActivationRequest(LA_STR(request)));
        printf("Offline activation request written to %s\n", request);
    }
    if (response != NULL) {
        status = check_any("ActivateLicenseOffline", ActivateLicenseOffline(LA_STR(response)),
                           activated, 2);
        printf("ActivateLicenseOffline: %s\n", la_status_name(status));
        status = check_any("IsLicenseGenuine", IsLicenseGenuine(), activated, 2);
        printf("IsLicenseGenuine: %s\n", la_status_name(status));
    }
    printf("done\n");
    return 0;
}
