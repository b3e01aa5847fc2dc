/* Masking volatile parts of alert text before encoding: timestamps, IP addresses, ports. */
#ifndef LSTMCORR_MASK_H
#define LSTMCORR_MASK_H

#include <stddef.h>

#include "alerts.h"

enum {
    LC_MASK_TIMESTAMP = 1u, /* MM/DD-HH:MM:SS(.f), MM/DD/YY(YY)-..., ISO 8601 -> <TIMESTAMP> */
    LC_MASK_IP = 2u,        /* IPv4 and IPv6 addresses -> <IP> */
    LC_MASK_PORT = 4u       /* the port of ip:port or [ipv6]:port -> <PORT> */
};

/* "timestamp,ip,port" (any subset, any order), "all", or "none"/"" -> flags. */
lc_status lc_mask_parse(const char *list, unsigned *flags);
/* Masked copy of text (malloc'd, NUL-terminated, *out_len bytes). flags 0 copies unchanged. */
lc_status lc_mask_text(const char *text, size_t len, unsigned flags, char **out, size_t *out_len);
/* Mask every alert's text in place; parsed fields (time, IPs, ports) are left as they were. */
lc_status lc_mask_alerts(lc_alert_set *set, unsigned flags);

#endif
