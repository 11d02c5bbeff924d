#include "intake/intake_relp.h"

#include <stdio.h>
#include <string.h>

#define TXNR_DIGITS_MAX 9
#define DATALEN_DIGITS_MAX 9
#define COMMAND_MAX 32

#define OPEN_OFFERS "200 OK\nrelp_version=0\nrelp_software=yamori\ncommands=syslog"
#define UNKNOWN_TEXT "500 unknown command"

/* Reads 1..max digits at buf[*pos]. 1 = number read, 0 = need more bytes,
 * -1 = malformed. */
static int read_number(const char *buf, size_t len, size_t *pos, int max, uint32_t *out)
{
    uint32_t v = 0;
    size_t i = *pos;
    int n = 0;
    while (i < len && buf[i] >= '0' && buf[i] <= '9') {
        if (++n > max)
            return -1;
        v = v * 10 + (uint32_t)(buf[i] - '0');
        i++;
    }
    if (i == len)
        return 0;
    if (n == 0)
        return -1;
    *pos = i;
    *out = v;
    return 1;
}

enum ym_status intake_relp_parse(const char *buf, size_t len, struct intake_relp_frame *fr,
                                 size_t *frame_len)
{
    *frame_len = 0;
    size_t pos = 0;
    uint32_t txnr = 0, datalen = 0;
    int r = read_number(buf, len, &pos, TXNR_DIGITS_MAX, &txnr);
    if (r <= 0)
        return r < 0 ? YM_EPARSE : YM_OK;
    if (buf[pos] != ' ')
        return YM_EPARSE;
    pos++;
    size_t cmd_start = pos;
    while (pos < len && ((buf[pos] >= 'a' && buf[pos] <= 'z') || (buf[pos] >= 'A' && buf[pos] <= 'Z'))) {
        if (pos - cmd_start >= COMMAND_MAX)
            return YM_EPARSE;
        pos++;
    }
    if (pos == len)
        return YM_OK;
    if (pos == cmd_start || buf[pos] != ' ')
        return YM_EPARSE;
    size_t cmd_len = pos - cmd_start;
    pos++;
    r = read_number(buf, len, &pos, DATALEN_DIGITS_MAX, &datalen);
    if (r <= 0)
        return r < 0 ? YM_EPARSE : YM_OK;
    if (datalen > INTAKE_RELP_DATA_MAX)
        return YM_EPARSE;
    size_t data_start = pos;
    if (datalen > 0 || buf[pos] == ' ') {
        if (buf[pos] != ' ')
            return YM_EPARSE;
        data_start = pos + 1;
    }
    /* data, then the trailer LF */
    if (len - data_start < (size_t)datalen + 1)
        return YM_OK;
    if (buf[data_start + datalen] != '\n')
        return YM_EPARSE;
    fr->txnr = txnr;
    fr->command = buf + cmd_start;
    fr->command_len = cmd_len;
    fr->data = buf + data_start;
    fr->data_len = datalen;
    *frame_len = data_start + datalen + 1;
    return YM_OK;
}

int intake_relp_is(const struct intake_relp_frame *fr, const char *cmd)
{
    size_t n = strlen(cmd);
    return fr->command_len == n && memcmp(fr->command, cmd, n) == 0;
}

void intake_relp_window_init(struct intake_relp_window *w) { memset(w, 0, sizeof *w); }

int intake_relp_window_full(const struct intake_relp_window *w)
{
    return w->count >= INTAKE_RELP_WINDOW;
}

enum ym_status intake_relp_window_push(struct intake_relp_window *w, uint32_t txnr,
                                       enum intake_relp_rsp kind, int ready)
{
    if (w->count >= INTAKE_RELP_WINDOW)
        return YM_EFULL;
    struct intake_relp_pending *e = &w->ring[(w->head + w->count) % INTAKE_RELP_WINDOW];
    e->txnr = txnr;
    e->kind = (uint8_t)kind;
    e->ready = ready ? 1 : 0;
    w->count++;
    if (!ready)
        w->unacked++;
    return YM_OK;
}

enum ym_status intake_relp_window_ack(struct intake_relp_window *w, uint32_t txnr)
{
    /* Acks come in commit order, which is arrival order, so the match is
     * almost always the first entry not ready yet. */
    for (uint32_t i = 0; i < w->count; i++) {
        struct intake_relp_pending *e = &w->ring[(w->head + i) % INTAKE_RELP_WINDOW];
        if (!e->ready && e->txnr == txnr && e->kind == INTAKE_RELP_RSP_OK) {
            e->ready = 1;
            w->unacked--;
            return YM_OK;
        }
    }
    return YM_ENOTFOUND;
}

static int format_rsp(char *out, size_t cap, const struct intake_relp_pending *e)
{
    const char *text = "200 OK";
    switch ((enum intake_relp_rsp)e->kind) {
    case INTAKE_RELP_RSP_OPEN: text = OPEN_OFFERS; break;
    case INTAKE_RELP_RSP_UNKNOWN: text = UNKNOWN_TEXT; break;
    case INTAKE_RELP_RSP_OK:
    case INTAKE_RELP_RSP_CLOSE: break;
    }
    int n = snprintf(out, cap, "%u rsp %zu %s\n", (unsigned)e->txnr, strlen(text), text);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

size_t intake_relp_window_drain(struct intake_relp_window *w, char *out, size_t cap,
                                int *close_after)
{
    size_t used = 0;
    *close_after = 0;
    while (w->count) {
        struct intake_relp_pending *e = &w->ring[w->head];
        if (!e->ready)
            break;
        int n = format_rsp(out + used, cap - used, e);
        if (n < 0)
            break;
        used += (size_t)n;
        w->head = (w->head + 1) % INTAKE_RELP_WINDOW;
        w->count--;
        if (e->kind == INTAKE_RELP_RSP_CLOSE) {
            *close_after = 1;
            break;
        }
    }
    return used;
}
