/* parse: the decoder registry and the dispatch of one log to its decoder
 * (see parse.h for the contract).
 *
 * For each record: the syslog header is split once; the decoder of the
 * device's kind (or the one whose sniff() claims the message, for "auto")
 * runs; a decline rolls the fields back and falls back to the generic
 * `syslog` decoder; then the common fields are added (@timestamp,
 * event.original, observer.*, log.syslog.*). Allocation only from the
 * record's arena. Thread-safe as long as each thread has its own records
 * and stats. */
#include "parse/parse.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "core/ym_log.h"
#include "core/ym_time.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"

/* Fields are gathered in a scratch list on the stack, then copied into the
 * batch's arena at their exact count: a presized arena list (48 slots, 1.5
 * KiB) for a log of 20 fields made the batch pool twice as big as the logs
 * needed. A log with more fields than this grows into the arena as usual. */
#define PARSE_FIELDS_SCRATCH 128

/* Sniff order: the most specific formats first (FTD before ASA, FireEye
 * and NSP before the generic CEF/LEEF they may be carried in), JSON before
 * the catch-all syslog (which never sniffs). */
static const struct parse_decoder *const registry[] = {
    &parse_decoder_ftd,     &parse_decoder_asa,  &parse_decoder_fireeye,
    &parse_decoder_nsp,     &parse_decoder_panos, &parse_decoder_cef,
    &parse_decoder_leef,    &parse_decoder_json, &parse_decoder_syslog,
    NULL,
};

const struct parse_decoder *const *parse_decoders(void) { return registry; }

const struct parse_decoder *parse_decoder_find(const char *kind)
{
    if (!kind)
        return NULL;
    for (size_t i = 0; registry[i]; i++)
        if (!strcmp(registry[i]->kind, kind))
            return registry[i];
    return NULL;
}

static const struct parse_decoder *sniff_msg(const char *msg, size_t len)
{
    for (size_t i = 0; registry[i]; i++)
        if (registry[i]->sniff && registry[i]->sniff(msg, len))
            return registry[i];
    return &parse_decoder_syslog;
}

const char *parse_detect_kind(const char *raw, size_t len)
{
    struct parse_syslog_hdr hdr;
    parse_syslog_header(raw, len, NULL, 0, &hdr);
    return sniff_msg(hdr.msg.p, hdr.msg.len)->kind;
}

static int wants_auto(const char *kind)
{
    return !kind || !*kind || !strcmp(kind, "auto");
}

/* Which known fields a record already has: one pass over the list instead
 * of one search per common field. */
struct seen_ids {
    uint64_t bits[(ECS__COUNT + 63) / 64];
};

static void seen_init(struct seen_ids *seen, const struct ym_fields *f)
{
    memset(seen, 0, sizeof *seen);
    for (uint32_t i = 0; i < f->count; i++)
        if (f->v[i].id < ECS__COUNT)
            seen->bits[f->v[i].id / 64] |= 1ull << (f->v[i].id % 64);
}

static int seen_has(const struct seen_ids *seen, enum parse_ecs_id id)
{
    return (seen->bits[id / 64] >> (id % 64)) & 1;
}

/* Both return 0 when the field could not be added (the arena is full). */
static int add_if_unset(struct ym_fields *f, const struct seen_ids *seen, enum parse_ecs_id id,
                        const char *s, size_t len)
{
    if (s && len && !seen_has(seen, id))
        return ecs_add(f, id, s, len) != NULL;
    return 1;
}

static int add_int_if_unset(struct ym_fields *f, const struct seen_ids *seen, enum parse_ecs_id id,
                            int64_t v)
{
    if (!seen_has(seen, id))
        return ecs_add_int(f, id, v) != NULL;
    return 1;
}

/* The fields every log gets, whatever the decoder did. Returns 0 when
 * some could not be added (the batch's arena is full). */
static int add_common(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                       const struct parse_decoder *dec, struct ym_record *rec)
{
    struct ym_fields *f = &rec->fields;
    struct seen_ids seen;
    seen_init(&seen, f);
    int ok = 1;
    if (!seen_has(&seen, ECS_TIMESTAMP)) {
        int64_t t = rec->time_ns ? rec->time_ns : hdr->time_ns;
        if (!t)
            t = rec->received_ns ? rec->received_ns : (ctx->now_ns ? ctx->now_ns : ym_time_now_ns());
        rec->time_ns = t;
        char buf[40];
        size_t n = ym_time_format_rfc3339(t, buf, sizeof buf);
        ok &= ym_fields_add_copy(f, ECS_TIMESTAMP, parse_ecs_name(ECS_TIMESTAMP), buf, n) != NULL;
    } else if (!rec->time_ns) {
        rec->time_ns = hdr->time_ns ? hdr->time_ns : rec->received_ns;
    }
    ok &= add_if_unset(f, &seen, ECS_EVENT_ORIGINAL, rec->raw, rec->raw_len);
    if (hdr->pri >= 0) {
        ok &= add_int_if_unset(f, &seen, ECS_LOG_SYSLOG_PRIORITY, hdr->pri);
        ok &= add_int_if_unset(f, &seen, ECS_LOG_SYSLOG_FACILITY_CODE, hdr->pri >> 3);
        ok &= add_int_if_unset(f, &seen, ECS_LOG_SYSLOG_SEVERITY_CODE, hdr->pri & 7);
    }
    if (hdr->version > 0)
        ok &= add_int_if_unset(f, &seen, ECS_LOG_SYSLOG_VERSION, hdr->version);
    ok &= add_if_unset(f, &seen, ECS_LOG_SYSLOG_HOSTNAME, hdr->hostname.p, hdr->hostname.len);
    ok &= add_if_unset(f, &seen, ECS_LOG_SYSLOG_APPNAME, hdr->appname.p, hdr->appname.len);
    ok &= add_if_unset(f, &seen, ECS_LOG_SYSLOG_PROCID, hdr->procid.p, hdr->procid.len);
    ok &= add_if_unset(f, &seen, ECS_LOG_SYSLOG_MSGID, hdr->msgid.p, hdr->msgid.len);
    /* An appliance is the observer of what it logs; a generic syslog or
     * JSON source is a host, and says so in host.hostname. */
    int appliance = dec && dec != &parse_decoder_syslog && dec != &parse_decoder_json;
    if (appliance)
        ok &= add_if_unset(f, &seen, ECS_OBSERVER_HOSTNAME, hdr->hostname.p, hdr->hostname.len);
    const struct ym_device *dev = rec->device;
    if (dev && dev->configured && dev->name)
        ok &= add_if_unset(f, &seen, ECS_OBSERVER_NAME, dev->name, strlen(dev->name));
    return ok;
}

/* Moves a list gathered in scratch memory into the arena, exactly sized.
 * When the arena is full the fields are lost (the raw log is kept). */
static enum ym_status settle_fields(struct ym_fields *f)
{
    struct ym_field *v = f->count ? ym_arena_alloc(f->arena, f->count * sizeof *v) : NULL;
    if (v)
        memcpy(v, f->v, f->count * sizeof *v);
    enum ym_status st = v || !f->count ? YM_OK : YM_ENOMEM;
    if (!v)
        f->count = 0;
    f->v = v;
    f->cap = f->count;
    return st;
}

void parse_record(const struct parse_ctx *ctx, struct ym_record *rec, struct parse_stats *stats)
{
    struct parse_ctx c = *ctx;
    if (!c.now_ns)
        c.now_ns = ym_time_now_ns();
    struct parse_syslog_hdr hdr;
    parse_syslog_header(rec->raw, rec->raw_len, c.timezone, c.now_ns, &hdr);

    const struct parse_decoder *dec =
        wants_auto(c.kind) ? sniff_msg(hdr.msg.p, hdr.msg.len) : parse_decoder_find(c.kind);
    if (!dec)
        dec = &parse_decoder_syslog;
    struct ym_fields *f = &rec->fields;
    struct ym_field scratch[PARSE_FIELDS_SCRATCH];
    int scratched = f->cap == 0 && f->arena;
    if (scratched) {
        f->v = scratch;
        f->cap = PARSE_FIELDS_SCRATCH;
    }
    uint32_t mark = f->count;
    int64_t time_mark = rec->time_ns;
    enum ym_status st = dec->decode(&c, &hdr, rec);
    if (st != YM_OK && st != YM_EPARSE && dec != &parse_decoder_syslog) {
        f->count = mark;
        rec->time_ns = time_mark;
        dec = &parse_decoder_syslog;
        st = dec->decode(&c, &hdr, rec);
    }
    if (st == YM_OK) {
        if (stats)
            stats->parsed++;
    } else if (st == YM_EPARSE) {
        rec->flags |= YM_REC_PARSE_ERROR;
        if (!ym_fields_get_id(f, ECS_ERROR_MESSAGE)) {
            char *m = ym_arena_printf(f->arena, "%s: could not read the whole log", dec->kind);
            if (m)
                ecs_add(f, ECS_ERROR_MESSAGE, m, strlen(m));
        }
        if (stats)
            stats->parse_errors++;
    } else {
        /* Nobody read it: keep it as a message with the common fields. */
        f->count = mark;
        rec->time_ns = time_mark;
        rec->flags |= YM_REC_UNPARSED;
        if (hdr.msg.p && hdr.msg.len)
            ecs_add(f, ECS_MESSAGE, hdr.msg.p, hdr.msg.len);
        dec = NULL;
        if (stats)
            stats->unparsed++;
    }
    /* A full arena leaves the fields partial (the raw log is kept whole in
     * the archive): flag and count it as a parse error, never silently. */
    int complete = add_common(&c, &hdr, dec, rec);
    if (scratched && f->v == scratch)
        complete &= settle_fields(f) == YM_OK;
    if (!complete && !(rec->flags & YM_REC_PARSE_ERROR)) {
        rec->flags |= YM_REC_PARSE_ERROR;
        if (stats) {
            if (st == YM_OK)
                stats->parsed--;
            else
                stats->unparsed--;
            stats->parse_errors++;
        }
    }
}

/* ---- the kind of an `auto` device, learned from its first logs ----
 *
 * A device whose kind is not configured (every unknown sender, and devices
 * configured with kind auto) has its first PARSE_LEARN_LINES logs sniffed
 * one by one. When one specific decoder claimed PARSE_LEARN_AGREE of them,
 * the device keeps that kind for the rest of the run, exactly as if it had
 * been configured (logs it declines fall back to generic syslog). A device
 * no specific decoder wins (a plain syslog host, a relay mixing formats)
 * stays sniffed per log. Workers share the table without locks: slots are
 * claimed with a compare-and-swap on the device pointer, votes are atomic
 * counters. Devices live as long as the process (ym_device.h), so the
 * pointers stay valid; a full table only means no learning for the rest. */
#define PARSE_LEARN_LINES 16
#define PARSE_LEARN_AGREE 12
#define PARSE_LEARN_SLOTS 16384 /* > configured devices + INTAKE_UNKNOWN_MAX */
#define PARSE_REGISTRY_MAX 16

struct learn_slot {
    _Atomic(const struct ym_device *) dev;
    _Atomic(const struct parse_decoder *) kind; /* NULL until learned */
    atomic_uint seen;
    atomic_uint votes[PARSE_REGISTRY_MAX];
};

static struct learn_slot learned[PARSE_LEARN_SLOTS];

static struct learn_slot *learn_slot_of(const struct ym_device *dev)
{
    uint64_t h = (uint64_t)(uintptr_t)dev * 0x9E3779B97F4A7C15ull;
    for (size_t probe = 0; probe < 64; probe++) {
        struct learn_slot *sl = &learned[(h + probe) % PARSE_LEARN_SLOTS];
        const struct ym_device *cur = atomic_load_explicit(&sl->dev, memory_order_acquire);
        if (cur == dev)
            return sl;
        if (!cur) {
            const struct ym_device *expected = NULL;
            if (atomic_compare_exchange_strong(&sl->dev, &expected, dev) || expected == dev)
                return sl;
        }
    }
    return NULL;
}

static size_t registry_index(const struct parse_decoder *d)
{
    for (size_t i = 0; registry[i] && i < PARSE_REGISTRY_MAX; i++)
        if (registry[i] == d)
            return i;
    return PARSE_REGISTRY_MAX;
}

/* The kind to read this log of an auto device with. */
static const char *auto_kind(const struct ym_record *rec)
{
    struct learn_slot *sl = rec->device ? learn_slot_of(rec->device) : NULL;
    if (!sl)
        return "auto";
    const struct parse_decoder *k = atomic_load_explicit(&sl->kind, memory_order_acquire);
    if (k)
        return k->kind;
    if (atomic_load_explicit(&sl->seen, memory_order_relaxed) >= PARSE_LEARN_LINES)
        return "auto"; /* no winner: keep sniffing per log */
    const struct parse_decoder *d = parse_decoder_find(parse_detect_kind(rec->raw, rec->raw_len));
    if (!d)
        return "auto";
    atomic_fetch_add_explicit(&sl->seen, 1, memory_order_relaxed);
    size_t i = registry_index(d);
    if (d != &parse_decoder_syslog && i < PARSE_REGISTRY_MAX &&
        atomic_fetch_add_explicit(&sl->votes[i], 1, memory_order_relaxed) + 1 == PARSE_LEARN_AGREE) {
        const struct parse_decoder *none = NULL;
        if (atomic_compare_exchange_strong(&sl->kind, &none, d))
            ym_log(YM_LOG_INFO, "parse: device \"%s\" (tenant %s) sends %s logs; reading it as kind %s",
                   rec->device->name ? rec->device->name : "?",
                   rec->device->tenant ? rec->device->tenant : "?", d->kind, d->kind);
    }
    return d->kind;
}

void parse_batch(struct ym_batch *batch, int64_t now_ns, struct parse_stats *stats)
{
    if (!now_ns)
        now_ns = ym_time_now_ns();
    for (uint32_t i = 0; i < batch->count; i++) {
        struct ym_record *rec = &batch->recs[i];
        const struct ym_device *dev = rec->device;
        const char *kind = dev && dev->kind ? dev->kind : "auto";
        struct parse_ctx ctx = {
            .kind = wants_auto(kind) ? auto_kind(rec) : kind,
            .timezone = dev ? dev->timezone : NULL,
            .now_ns = now_ns,
        };
        parse_record(&ctx, rec, stats);
    }
}
