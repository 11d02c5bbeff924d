#include "core/ym_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ym_status_str(enum ym_status st)
{
    switch (st) {
    case YM_OK: return "ok";
    case YM_ENOMEM: return "out of memory";
    case YM_EINVAL: return "invalid argument";
    case YM_EPARSE: return "parse error";
    case YM_EDECLINED: return "declined";
    case YM_EFULL: return "full";
    case YM_EIO: return "I/O error";
    case YM_EDB: return "database error";
    case YM_ETIMEOUT: return "timed out";
    case YM_ENOTFOUND: return "not found";
    case YM_ECLOSED: return "closed";
    case YM_ECORRUPT: return "corrupt data";
    }
    return "unknown status";
}

void ym_error_set(struct ym_error *err, const char *file, int line, int column,
                  const char *fmt, ...)
{
    if (!err)
        return;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->reason, sizeof err->reason, fmt, ap);
    va_end(ap);
}
