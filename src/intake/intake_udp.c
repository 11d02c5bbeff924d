/* intake_udp: the syslog UDP reader (recvmmsg; one datagram = one log;
 * kernel drops counted from SO_RXQ_OVFL; datagrams that find the pipeline
 * full are dropped and counted, never buffered).
 * Threads: the intake thread only. */
#include "intake/intake_types.h"

#include <string.h>

#include "core/ym_log.h"
#include "core/ym_time.h"
#include "intake/intake_net.h"

/* ---- UDP -------------------------------------------------------------- */

void intake_udp_read(struct intake *in, struct listener *l)
{
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < UDP_VLEN; i++) {
            in->udp_iov[i].iov_base = in->udp_buf + (size_t)i * UDP_DGRAM_BYTES;
            in->udp_iov[i].iov_len = UDP_DGRAM_BYTES;
            struct msghdr *m = &in->udp_msgs[i].msg_hdr;
            m->msg_iov = &in->udp_iov[i];
            m->msg_iovlen = 1;
            m->msg_name = &in->udp_addr[i];
            m->msg_namelen = sizeof in->udp_addr[i];
            m->msg_control = in->udp_ctrl[i];
            m->msg_controllen = sizeof in->udp_ctrl[i];
            m->msg_flags = 0;
        }
        int n = recvmmsg(l->fd, in->udp_msgs, UDP_VLEN, MSG_DONTWAIT, NULL);
        if (n <= 0)
            return;
        in->now_ns = ym_time_now_ns();
        for (int i = 0; i < n; i++) {
            struct msghdr *m = &in->udp_msgs[i].msg_hdr;
            for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
                    uint32_t total;
                    memcpy(&total, CMSG_DATA(cm), sizeof total);
                    in->local.udp_kernel_drops += total - in->udp_ovfl_last;
                    in->udp_ovfl_last = total;
                }
            }
            const char *p = in->udp_buf + (size_t)i * UDP_DGRAM_BYTES;
            size_t len = in->udp_msgs[i].msg_len;
            while (len && (p[len - 1] == '\n' || p[len - 1] == '\r' || p[len - 1] == '\0'))
                len--;
            if (!len)
                continue;
            struct ym_record *rec = intake_record_add(in, p, len);
            if (!rec) {
                in->local.udp_dropped++;
                YM_LOG_RATELIMITED(YM_LOG_WARN, "udp: pipeline full, datagram dropped");
                intake_pause_streams(in);
                continue;
            }
            if (m->msg_flags & MSG_TRUNC) {
                rec->flags |= YM_REC_TRUNCATED;
                in->local.truncated++;
            }
            struct ym_peer peer;
            intake_net_peer((struct sockaddr *)&in->udp_addr[i], &peer);
            intake_record_fill(in, rec, YM_TR_UDP, &peer, &in->udp_cache);
        }
        if (n < UDP_VLEN)
            return;
    }
}

