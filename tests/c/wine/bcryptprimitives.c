/* Test-only shim for running Rust-built DLLs under Wine 8 (Debian 12), which lacks
 * bcryptprimitives.dll. Rust's std (1.78+) imports ProcessPrng from it; Windows 10 and
 * later ship it. Forwards to BCryptGenRandom with the system RNG. Never shipped: only
 * scripts/platforms.sh copies it next to the test executables it runs under Wine.
 * SPDX-License-Identifier: MIT OR Apache-2.0 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) {
            return FALSE;
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
