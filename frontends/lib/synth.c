/* Demo alerts: six attack scenarios (scan, brute force, web exploit, C2 beacon, exfiltration,
 * lateral movement) and a background of common benign signatures, all in Snort fast.log form. */
#include "synth.h"
#include "rng.h"
#include "stratify.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct signature {
    unsigned sid;
    const char *msg;
    const char *classification;
    int priority;
    const char *proto;
    int port; /* usual destination port; 0 = a random high port */
} signature;

typedef struct scenario {
    const char *name;
    int attacker_internal; /* an infected inside host rather than an outside attacker */
    int victim_external;   /* the other end is outside (C2 server, drop site) */
    int victims;           /* distinct victims the attacker touches */
    double weight;         /* share of the incident alerts */
    double minutes;        /* length of the incident window */
    signature signatures[4];
} scenario;

static const scenario scenarios[LC_SYNTH_MAX_INCIDENTS] = {
    {"portscan", 0, 0, 24, 3.0, 40.0,
     {{2001219, "ET SCAN Potential SSH Scan", "Attempted Information Leak", 2, "TCP", 22},
      {2009358, "ET SCAN Nmap Scripting Engine User-Agent Detected (Nmap Scripting Engine)", "Web Application Attack", 1, "TCP", 80},
      {2010937, "ET SCAN Suspicious inbound to mySQL port 3306", "Potentially Bad Traffic", 2, "TCP", 3306},
      {2002911, "ET SCAN Potential VNC Scan 5900-5920", "Attempted Information Leak", 2, "TCP", 5900}}},
    {"ssh-bruteforce", 0, 0, 1, 2.0, 90.0,
     {{2006546, "ET SCAN LibSSH Based Frequent SSH Connections Likely BruteForce Attack", "Attempted Administrator Privilege Gain", 1, "TCP", 22},
      {2003068, "ET SCAN Potential SSH Scan OUTBOUND", "Attempted Information Leak", 2, "TCP", 22},
      {2001219, "ET SCAN Potential SSH Scan", "Attempted Information Leak", 2, "TCP", 22},
      {2228000, "SURICATA SSH invalid banner", "Generic Protocol Command Decode", 3, "TCP", 22}}},
    {"web-exploit", 0, 0, 1, 2.0, 120.0,
     {{2006445, "ET WEB_SERVER Possible SQL Injection Attempt SELECT FROM", "Web Application Attack", 1, "TCP", 80},
      {2034647, "ET EXPLOIT Apache log4j RCE Attempt (http ldap) (CVE-2021-44228)", "Attempted Administrator Privilege Gain", 1, "TCP", 443},
      {2009714, "ET WEB_SERVER Script tag in URI Possible Cross Site Scripting Attempt", "Web Application Attack", 1, "TCP", 80},
      {2011768, "ET WEB_SERVER PHP tags in HTTP POST", "Web Application Attack", 1, "TCP", 80}}},
    {"c2-beacon", 1, 1, 1, 1.5, 300.0,
     {{2028591, "ET MALWARE Cobalt Strike Beacon Observed", "A Network Trojan was detected", 1, "TCP", 443},
      {2027863, "ET JA3 Hash - Possible Malware - Suspected Cobalt Strike", "Unknown Traffic", 3, "TCP", 443},
      {2018959, "ET POLICY HTTP traffic on port 443 (POST)", "Potentially Bad Traffic", 2, "TCP", 443},
      {2013028, "ET POLICY curl User-Agent Outbound", "Attempted Information Leak", 2, "TCP", 8080}}},
    {"dns-exfil", 1, 1, 1, 1.0, 60.0,
     {{2013016, "ET POLICY Large DNS Query Possible Tunneling", "Potentially Bad Traffic", 2, "UDP", 53},
      {2027757, "ET DNS Query for .to TLD", "Potentially Bad Traffic", 2, "UDP", 53},
      {2014702, "ET DNS Non-DNS or Non-Compliant DNS traffic on DNS port Opcode 8 through 15 set", "Potentially Bad Traffic", 2, "UDP", 53},
      {2011802, "ET POLICY FTP STOR command", "Potential Corporate Privacy Violation", 1, "TCP", 21}}},
    {"lateral-smb", 1, 0, 6, 1.0, 45.0,
     {{2024218, "ET EXPLOIT Possible ETERNALBLUE MS17-010 Echo Request", "Attempted Administrator Privilege Gain", 1, "TCP", 445},
      {2025701, "ET POLICY SMB2 NT Create AndX Request For an Executable File", "Potential Corporate Privacy Violation", 1, "TCP", 445},
      {2010784, "ET POLICY PsExec service created", "Potential Corporate Privacy Violation", 1, "TCP", 445},
      {2101411, "GPL SNMP public access udp", "Attempted Information Leak", 2, "UDP", 161}}},
};

/* Everyday alerts. Several share a signature with an incident (background scans, curl, DNS). */
static const signature benign_signatures[] = {
    {2200074, "SURICATA TCPv4 invalid checksum", "Generic Protocol Command Decode", 3, "TCP", 0},
    {2210045, "SURICATA STREAM Packet with invalid ack", "Generic Protocol Command Decode", 3, "TCP", 443},
    {2210029, "SURICATA STREAM ESTABLISHED invalid ack", "Generic Protocol Command Decode", 3, "TCP", 443},
    {2230010, "SURICATA TLS invalid record/traffic", "Generic Protocol Command Decode", 3, "TCP", 443},
    {2012647, "ET POLICY Dropbox.com Offsite File Backup in Use", "Potential Corporate Privacy Violation", 1, "TCP", 443},
    {2016149, "ET INFO Session Traversal Utilities for NAT (STUN Binding Request)", "Attempted User Privilege Gain", 2, "UDP", 3478},
    {2013504, "ET POLICY GNU/Linux APT User-Agent Outbound likely related to package management", "Not Suspicious Traffic", 3, "TCP", 80},
    {2013028, "ET POLICY curl User-Agent Outbound", "Attempted Information Leak", 2, "TCP", 80},
    {2100366, "GPL ICMP_INFO PING *NIX", "Misc activity", 3, "ICMP", -1},
    {2100384, "GPL ICMP_INFO PING", "Misc activity", 3, "ICMP", -1},
    {2027390, "ET USER_AGENTS Microsoft Device Metadata Retrieval Client User-Agent", "Unknown Traffic", 3, "TCP", 80},
    {2022973, "ET POLICY Possible Kali Linux hostname in DHCP Request Packet", "Potential Corporate Privacy Violation", 1, "UDP", 67},
    {2025275, "ET INFO Windows OS Submitting USB Metadata to Microsoft", "Misc activity", 3, "TCP", 80},
    {2027758, "ET DNS Query for .cc TLD", "Potentially Bad Traffic", 2, "UDP", 53},
    {2027757, "ET DNS Query for .to TLD", "Potentially Bad Traffic", 2, "UDP", 53},
    {2001219, "ET SCAN Potential SSH Scan", "Attempted Information Leak", 2, "TCP", 22},
    {2002911, "ET SCAN Potential VNC Scan 5900-5920", "Attempted Information Leak", 2, "TCP", 5900},
    {2009714, "ET WEB_SERVER Script tag in URI Possible Cross Site Scripting Attempt", "Web Application Attack", 1, "TCP", 80},
    {2019401, "ET POLICY Vulnerable Java Version 1.8.x Detected", "Potentially Bad Traffic", 2, "TCP", 80},
    {2015744, "ET INFO EXE IsDebuggerPresent (Used in Malware Anti-Debugging)", "Misc activity", 3, "TCP", 0},
    {2221010, "SURICATA HTTP unable to match response to request", "Generic Protocol Command Decode", 3, "TCP", 80},
    {2260002, "SURICATA Applayer Detect protocol only one direction", "Generic Protocol Command Decode", 3, "TCP", 443},
    {2018918, "ET POLICY Outdated Windows Flash Version IE", "Potentially Bad Traffic", 2, "TCP", 80},
    {2402000, "ET DROP Dshield Block Listed Source group 1", "Misc Attack", 2, "TCP", 0},
};
#define BENIGN_SIGNATURES (sizeof benign_signatures / sizeof benign_signatures[0])

#define SPAN_SECONDS (5.0 * 86400.0) /* the demo covers five days */
#define INSIDE_HOSTS 48
#define OUTSIDE_HOSTS 160

typedef struct address_book {
    char inside[INSIDE_HOSTS][LC_IP_TEXT_MAX];
    char outside[OUTSIDE_HOSTS][LC_IP_TEXT_MAX];
} address_book;

static void public_address(lc_rng *rng, char out[LC_IP_TEXT_MAX])
{
    /* First octets that are neither private, loopback nor multicast. */
    static const int first[] = {23, 31, 45, 52, 62, 77, 85, 91, 104, 118, 134, 151, 176, 185, 193, 203, 212};
    /* One draw per statement: argument evaluation order is unspecified in C. */
    int a = first[lc_rng_below(rng, sizeof first / sizeof first[0])];
    int b = (int)lc_rng_below(rng, 256);
    int c = (int)lc_rng_below(rng, 256);
    int d = 1 + (int)lc_rng_below(rng, 254);
    snprintf(out, LC_IP_TEXT_MAX, "%d.%d.%d.%d", a, b, c, d);
}

static void fill_address_book(lc_rng *rng, address_book *book)
{
    for (int k = 0; k < INSIDE_HOSTS; k++) {
        /* Workstations on 192.168.1.0/24, servers on 10.0.0.0/24. */
        if (k < 8)
            snprintf(book->inside[k], LC_IP_TEXT_MAX, "10.0.0.%d", 2 + k * 3);
        else
            snprintf(book->inside[k], LC_IP_TEXT_MAX, "192.168.1.%d", 20 + (k - 8) * 4 + (int)lc_rng_below(rng, 4));
    }
    for (int k = 0; k < OUTSIDE_HOSTS; k++)
        public_address(rng, book->outside[k]);
}

static int random_high_port(lc_rng *rng)
{
    return 32768 + (int)lc_rng_below(rng, 28232);
}

static lc_status emit(lc_alert_set *out, const char *incident, const signature *sig, double time, int year,
                      const char *src, int src_port, const char *dst, int dst_port)
{
    double whole = floor(time);
    long long rest = (long long)whole % 86400;
    /* Month and day from the day number within the year. */
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    double year_start = lc_time_from_civil(year, 1, 1, 0, 0, 0);
    long long day_of_year = (long long)((whole - year_start) / 86400.0);
    int month = 0;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    while (month < 11) {
        int n = month_days[month] + (month == 1 && leap);
        if (day_of_year < n)
            break;
        day_of_year -= n;
        month++;
    }
    int micros = (int)((time - whole) * 1e6);
    char endpoints[2 * LC_IP_TEXT_MAX + 32];
    if (src_port >= 0)
        snprintf(endpoints, sizeof endpoints, "%s:%d -> %s:%d", src, src_port, dst, dst_port);
    else
        snprintf(endpoints, sizeof endpoints, "%s -> %s", src, dst);
    char text[512];
    int len = snprintf(text, sizeof text,
                       "%02d/%02lld-%02lld:%02lld:%02lld.%06d  [**] [1:%u:%d] %s [**] [Classification: %s] "
                       "[Priority: %d] {%s} %s",
                       month + 1, day_of_year + 1, rest / 3600, rest / 60 % 60, rest % 60, micros, sig->sid,
                       1 + (int)(sig->sid % 7), sig->msg, sig->classification, sig->priority, sig->proto, endpoints);
    lc_alert *alert;
    LC_TRY(lc_alert_set_add(out, incident, text, (size_t)len, LC_CUT_UNKNOWN, &alert));
    alert->time = time;
    snprintf(alert->src_ip, sizeof alert->src_ip, "%s", src);
    snprintf(alert->dst_ip, sizeof alert->dst_ip, "%s", dst);
    alert->src_port = src_port;
    alert->dst_port = src_port >= 0 ? dst_port : -1;
    return LC_OK;
}

static lc_status emit_incident(lc_alert_set *out, lc_rng *rng, const scenario *s, const address_book *book,
                               size_t count, double span_start, int year)
{
    char attacker[LC_IP_TEXT_MAX];
    char victims[24][LC_IP_TEXT_MAX];
    int victim_count = s->victims < 24 ? s->victims : 24;
    if (s->attacker_internal)
        snprintf(attacker, LC_IP_TEXT_MAX, "%s", book->inside[8 + lc_rng_below(rng, INSIDE_HOSTS - 8)]);
    else
        public_address(rng, attacker);
    for (int v = 0; v < victim_count; v++) {
        if (s->victim_external)
            public_address(rng, victims[v]);
        else
            snprintf(victims[v], LC_IP_TEXT_MAX, "%s", book->inside[lc_rng_below(rng, INSIDE_HOSTS)]);
    }
    double start = span_start + lc_rng_uniform(rng) * (SPAN_SECONDS - s->minutes * 60.0);
    double beacon = 30.0 + lc_rng_uniform(rng) * 60.0;
    for (size_t k = 0; k < count; k++) {
        /* Early signatures (reconnaissance) are more frequent than later ones. */
        double u = lc_rng_uniform(rng);
        const signature *sig = &s->signatures[u < 0.4 ? 0 : u < 0.7 ? 1 : u < 0.9 ? 2 : 3];
        double time = start + lc_rng_uniform(rng) * s->minutes * 60.0;
        if (s->victim_external && s->attacker_internal && sig == &s->signatures[0])
            time = start + fmod((double)k * beacon + lc_rng_uniform(rng) * 3.0, s->minutes * 60.0);
        const char *victim = victims[lc_rng_below(rng, (uint64_t)victim_count)];
        int dst_port = sig->port > 0 ? sig->port : random_high_port(rng);
        int src_port = random_high_port(rng);
        /* Now and then the alert fires on the reply, with the ends swapped. */
        if (lc_rng_uniform(rng) < 0.15)
            LC_TRY(emit(out, s->name, sig, time, year, victim, dst_port, attacker, src_port));
        else
            LC_TRY(emit(out, s->name, sig, time, year, attacker, src_port, victim, dst_port));
    }
    return LC_OK;
}

static lc_status emit_benign(lc_alert_set *out, lc_rng *rng, const address_book *book, double span_start,
                             int year)
{
    /* Zipf: the signature of rank r has weight 1/(r+1), so a few make most of the noise, as on
     * real sensors. Ranks are spread over the table so that shared signatures get middle ranks. */
    double harmonic = 0.0;
    for (size_t r = 0; r < BENIGN_SIGNATURES; r++)
        harmonic += 1.0 / (double)(r + 1);
    double u = lc_rng_uniform(rng) * harmonic;
    size_t rank = 0;
    while (rank + 1 < BENIGN_SIGNATURES && u >= 1.0 / (double)(rank + 1)) {
        u -= 1.0 / (double)(rank + 1);
        rank++;
    }
    size_t pick = (rank * 7 + 3) % BENIGN_SIGNATURES;
    const signature *sig = &benign_signatures[pick];
    double time = span_start + lc_rng_uniform(rng) * SPAN_SECONDS;
    const char *inside = book->inside[lc_rng_below(rng, INSIDE_HOSTS)];
    const char *outside = book->outside[lc_rng_below(rng, OUTSIDE_HOSTS)];
    int inbound = strncmp(sig->msg, "ET SCAN", 7) == 0 || strncmp(sig->msg, "ET WEB_SERVER", 13) == 0 ||
                  strncmp(sig->msg, "ET DROP", 7) == 0;
    const char *src = inbound ? outside : inside, *dst = inbound ? inside : outside;
    if (sig->port < 0)
        return emit(out, LC_BENIGN_NAME, sig, time, year, src, -1, dst, -1);
    int dst_port = sig->port > 0 ? sig->port : random_high_port(rng);
    return emit(out, LC_BENIGN_NAME, sig, time, year, src, random_high_port(rng), dst, dst_port);
}

void lc_synth_defaults(lc_synth_options *opts)
{
    opts->count = 2000;
    opts->incidents = LC_SYNTH_MAX_INCIDENTS;
    opts->benign_fraction = 0.5;
    opts->seed = 1;
    opts->year = 2024;
}

const char *lc_synth_incident_name(int k)
{
    return k >= 0 && k < LC_SYNTH_MAX_INCIDENTS ? scenarios[k].name : NULL;
}

lc_status lc_synth(const lc_synth_options *opts, lc_alert_set *out)
{
    if (opts->incidents < 1 || opts->incidents > LC_SYNTH_MAX_INCIDENTS)
        return lc_fail(LC_ERR_INVALID, "synth: incidents must be 1..%d, got %d", LC_SYNTH_MAX_INCIDENTS, opts->incidents);
    if (!(opts->benign_fraction >= 0.0 && opts->benign_fraction <= 1.0))
        return lc_fail(LC_ERR_INVALID, "synth: benign fraction must be in [0, 1]");
    if (opts->year < 1971 || opts->year > 9999)
        return lc_fail(LC_ERR_INVALID, "synth: year %d out of range", opts->year);
    lc_rng rng;
    lc_rng_seed(&rng, opts->seed);
    address_book book;
    fill_address_book(&rng, &book);
    double span_start = lc_time_from_civil(opts->year, 3, 4, 0, 0, 0);

    size_t incident_total = (size_t)llround((double)opts->count * (1.0 - opts->benign_fraction));
    double weight_sum = 0.0;
    for (int k = 0; k < opts->incidents; k++)
        weight_sum += scenarios[k].weight;
    size_t assigned = 0;
    size_t size_before = out->count;
    for (int k = 0; k < opts->incidents; k++) {
        size_t n = k + 1 == opts->incidents ? incident_total - assigned
                                            : (size_t)floor((double)incident_total * scenarios[k].weight / weight_sum);
        assigned += n;
        LC_TRY(emit_incident(out, &rng, &scenarios[k], &book, n, span_start, opts->year));
    }
    for (size_t k = incident_total; k < opts->count; k++)
        LC_TRY(emit_benign(out, &rng, &book, span_start, opts->year));
    /* Shuffle only what this call added. */
    lc_alert_set added = *out;
    added.alerts += size_before;
    added.count -= size_before;
    lc_assign_cuts(&added, opts->seed);
    return LC_OK;
}
