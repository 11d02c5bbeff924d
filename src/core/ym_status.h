/* ym_status: the one status enum of yamori.
 *
 * Fallible functions return an enum ym_status; results come back through
 * out-parameters. Modules may keep finer codes inside but map them to this
 * enum at their boundary. ym_status_str() never returns NULL and the string
 * is static. Any thread may call it. */
#ifndef YM_STATUS_H
#define YM_STATUS_H

enum ym_status {
    YM_OK = 0,
    YM_ENOMEM,    /* out of memory (data plane: arena or queue bound hit) */
    YM_EINVAL,    /* invalid argument or configuration */
    YM_EPARSE,    /* input in our format but broken */
    YM_EDECLINED, /* input not in this decoder's format: try the next one */
    YM_EFULL,     /* a bounded queue or buffer is full */
    YM_EIO,       /* system call or file failure; errno says more */
    YM_EDB,       /* database failure */
    YM_ETIMEOUT,  /* waited too long */
    YM_ENOTFOUND, /* no such thing */
    YM_ECLOSED,   /* queue or connection closed */
    YM_ECORRUPT,  /* stored data failed a check (hash, checksum) */
};

const char *ym_status_str(enum ym_status st);

/* Where an error was found, for errors with a position (a bad config key, a
 * rule that will not compile). Filled by the callee; all strings owned by
 * the struct (fixed buffers). */
struct ym_error {
    char file[256];
    int line;      /* 1-based; 0 = unknown */
    int column;    /* 1-based; 0 = unknown */
    char reason[512];
};

void ym_error_set(struct ym_error *err, const char *file, int line, int column,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
