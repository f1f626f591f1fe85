/* OpenLex C example: trials (modelled on the vendor's Sample.cpp, in C99).
 *
 * 1. A local trial: ActivateLocalTrial(30 days), IsLocalTrialGenuine, GetLocalTrialExpiryDate.
 *    No server is involved; the trial is recorded in the local store.
 * 2. When a host is given, a verified trial on the server: ActivateTrial, IsTrialGenuine,
 *    GetTrialExpiryDate (the product needs a trial length on the server).
 *
 * Usage: trial [--product-data TEXT] [--product-id ID] [--host URL] [--data-dir DIR]
 * Flags default to OPENLEX_PRODUCT_DATA, OPENLEX_PRODUCT_ID, OPENLEX_HOST, OPENLEX_DATA_DIR.
 * Exit status: 0 when the trials are active, 1 on a failed call or expired trial, 2 on usage.
 * SPDX-License-Identifier: MIT OR Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "LexActivator.h"
#include "common.h"
#include "status.h"

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--product-data TEXT] [--product-id ID] [--host URL] [--data-dir DIR]\n"
            "Flags default to OPENLEX_PRODUCT_DATA, OPENLEX_PRODUCT_ID, OPENLEX_HOST and\n"
            "OPENLEX_DATA_DIR. Without a host only the local trial runs.\n",
            prog);
}

static int local_trial(void)
{
    int status;
    uint32_t expiry = 0;
    char date[64];

    status = ActivateLocalTrial(30);
    if (status == LA_LOCAL_TRIAL_EXPIRED) {
        printf("Local trial: expired\n");
        return 1;
    }
    check("ActivateLocalTrial", status);
    printf("ActivateLocalTrial(30): LA_OK\n");

    status = IsLocalTrialGenuine();
    if (status == LA_LOCAL_TRIAL_EXPIRED) {
        printf("Local trial: expired\n");
        return 1;
    }
    check("IsLocalTrialGenuine", status);
    check("GetLocalTrialExpiryDate", GetLocalTrialExpiryDate(&expiry));
    printf("Local trial is genuine; it expires %s\n", format_date(expiry, date, sizeof date));
    return 0;
}

static int verified_trial(const char *host)
{
    int status;
    uint32_t expiry = 0;
    char date[64];
    CHARTYPE id[BUFFER_SIZE_256];

    check("SetCryptlexHost", SetCryptlexHost(LA_STR(host)));
    check("SetTrialActivationMetadata", SetTrialActivationMetadata(LA_STR("example"), LA_STR("trial")));
    status = ActivateTrial();
    if (status == LA_TRIAL_EXPIRED) {
        printf("Verified trial: expired\n");
        return 1;
    }
    check("ActivateTrial", status);
    printf("ActivateTrial: LA_OK\n");

    status = IsTrialGenuine();
    if (status == LA_TRIAL_EXPIRED) {
        printf("Verified trial: expired\n");
        return 1;
    }
    check("IsTrialGenuine", status);
    check("GetTrialExpiryDate", GetTrialExpiryDate(&expiry));
    check("GetTrialId", GetTrialId(id, LA_UNITS(id)));
    printf("Verified trial %s is genuine; it expires %s\n", LA_U8(id),
           format_date(expiry, date, sizeof date));
    return 0;
}

int main(int argc, char **argv)
{
    example_config cfg;
    int i, failed = 0;

    example_init(&argc, &argv);
    config_from_env(&cfg);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(argv[0]);
            return 0;
        } else if (!config_parse_flag(&cfg, argc, argv, &i)) {
            fprintf(stderr, "error: unknown argument '%s'\n", argv[i]);
            usage(argv[0]);
            return 2;
        }
    }

    setup_product(&cfg);
    failed |= local_trial();
    if (cfg.host != NULL) {
        failed |= verified_trial(cfg.host);
    } else {
        printf("No host given: skipping the verified trial\n");
    }
    printf(failed ? "trial: some trial has expired\n" : "done\n");
    return failed ? 1 : 0;
}
