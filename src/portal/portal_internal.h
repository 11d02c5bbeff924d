/* portal_internal: the server object shared by the portal's modules
 * (portal.c, portal_auth.c, portal_sse.c, portal_static.c, portal_api_*.c).
 * Only src/portal/ includes it.
 *
 * Shared mutable state and its locks:
 *  - throttle table: portal_throttle.c, its own mutex (any pool thread).
 *  - rule set cache: rules_lock (any pool thread).
 *  - SSE hub: portal_sse.c, its own mutex (pool threads and the hub thread).
 *  - answer cache: portal_cache.c, its own mutex (any pool thread).
 * Everything else is set before the daemon starts and read-only after. */
#ifndef PORTAL_INTERNAL_H
#define PORTAL_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ym_config.h"
#include "detect/detect.h"
#include "portal/portal.h"
#include "state/state_users.h"

struct MHD_Daemon;
struct portal_throttle;
struct portal_sse;
struct portal_cache;

struct portal {
    const struct ym_config *cfg;
    const char *data_dir;
    char *web_dir;          /* realpath of the static files; NULL = none found */
    struct MHD_Daemon *mhd;
    int tls;
    int port;
    char *cert_pem, *key_pem;
    pthread_key_t db_key;   /* each pool thread's state.db connection */
    int db_key_made;
    char *openapi;          /* generated once */
    struct state_session_limits limits;
    struct portal_throttle *throttle;
    struct portal_sse *sse;
    struct portal_cache *cache;
    pthread_mutex_t rules_lock;
    struct detect_set *rules; /* compiled on first use; under rules_lock */
    int rules_tried;
    char rules_error[512];
};

/* ---- portal_throttle.c ---- */

#define PORTAL_THROTTLE_ACCOUNT_MAX 5  /* failed logins of one account */
#define PORTAL_THROTTLE_ADDRESS_MAX 20 /* failed logins from one address */

struct portal_throttle *portal_throttle_create(void);
void portal_throttle_destroy(struct portal_throttle *t);
/* 1 if logins of user, or from address, are refused now. */
int portal_throttle_blocked(struct portal_throttle *t, const char *user, const char *address,
                            int64_t now_ns);
void portal_throttle_failed(struct portal_throttle *t, const char *user, const char *address,
                            int64_t now_ns);
/* A successful login of user. */
void portal_throttle_clear(struct portal_throttle *t, const char *user, int64_t now_ns);

/* ---- portal_cache.c ---- */

struct portal_cache *portal_cache_create(void);
void portal_cache_destroy(struct portal_cache *c);
/* The state changed: answers computed before are not served again. */
void portal_cache_bump(struct portal_cache *c);
/* A copy of the answer stored under key (owned: free()) if fresh, or aged
 * (same generation) while another caller computes the new one; after a
 * change, waits (bounded) for a caller already computing. NULL = compute
 * it and put it with the *generation returned here (body NULL = gave up).
 * loose = 1: the answer only ages (changes do not make it stale). */
char *portal_cache_get(struct portal_cache *c, const char *key, int loose, size_t *len,
                       uint64_t *generation);
void portal_cache_put(struct portal_cache *c, const char *key, const char *body, size_t len,
                      int ttl_ms, uint64_t generation);

/* ---- portal_tls.c ---- */

/* Loads the configured certificate and key, or DATA/portal/{cert,key}.pem,
 * making a self-signed pair there first if absent (*made = 1). PEM texts
 * are owned by the caller. */
enum ym_status portal_tls_load(const struct ym_config *cfg, const char *host, char **cert_pem,
                               char **key_pem, char *path_out, size_t path_len, int *made,
                               struct ym_error *err);

/* ---- portal_sse.c ---- */

enum ym_status portal_sse_start(struct portal *p, struct portal_sse **out);
/* Ends every stream (they answer end-of-stream) and stops the hub. Call
 * before MHD_stop_daemon. */
void portal_sse_stop(struct portal_sse *s);

/* ---- portal_static.c ---- */

struct MHD_Connection;
struct MHD_Response;
/* The response for a static GET (a file of web_dir, or index.html for
 * page routes), with *status set; NULL = out of memory. */
struct MHD_Response *portal_static_response(struct portal *p, const char *url, int *status);
/* Finds the static directory: configured, else ./web (run from the repo),
 * else <prefix>/share/yamori/web. Owned result or NULL. */
char *portal_static_find(const char *configured);

#endif
