/* Fuzz target: the configuration loader (core/ym_config.h). Any bytes as
 * yamori.yaml must give either a config or an error with a reason, never a
 * crash or a leak. The input is handed over as a file (memfd), the way the
 * loader reads it. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/ym_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("yamori.yaml", 0);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct ym_config *cfg = NULL;
    struct ym_error err;
    memset(&err, 0, sizeof err);
    if (ym_config_load(path, &cfg, &err) == YM_OK) {
        /* A loaded config is complete and consistent. */
        if (!cfg->data_dir || (cfg->tls.enabled && !cfg->tls_config.cert_file))
            __builtin_trap();
        for (size_t i = 0; i < cfg->device_count; i++)
            if (!ym_config_tenant(cfg, cfg->devices[i].tenant))
                __builtin_trap();
        ym_config_free(cfg);
    } else if (!err.reason[0]) {
        __builtin_trap(); /* every error says why */
    }
    close(fd);
    return 0;
}
