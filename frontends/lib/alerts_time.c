/* Timestamps to Unix seconds without the C library's time zone machinery: everything is UTC. */
#include "alerts.h"

#include <math.h>

/* Days from 1970-01-01 to a proleptic Gregorian date (the era-based civil-day formula). */
static long days_from_civil(long year, int month, int day)
{
    year -= month <= 2;
    long era = (year >= 0 ? year : year - 399) / 400;
    long year_of_era = year - era * 400;
    long day_of_year = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

double lc_time_from_civil(int year, int month, int day, int hour, int minute, double second)
{
    return (double)days_from_civil(year, month, day) * 86400.0 + hour * 3600.0 + minute * 60.0 + second;
}

static int digits_at(const char *text, size_t len, size_t pos, int count, int *value)
{
    if (pos + (size_t)count > len)
        return 0;
    int v = 0;
    for (int k = 0; k < count; k++) {
        char c = text[pos + (size_t)k];
        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (c - '0');
    }
    *value = v;
    return 1;
}

static int valid_clock(int month, int day, int year, int hour, int minute, int second)
{
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60)
        return 0;
    /* Without a year, allow Feb 29: the year may be a leap year. */
    return day <= (year ? days_in_month(year, month) : (month == 2 ? 29 : days_in_month(2001, month)));
}

/* ".ffffff": fraction digits after a dot; returns bytes used (0 when there is no fraction). */
static size_t parse_fraction(const char *text, size_t len, size_t pos, double *fraction)
{
    *fraction = 0.0;
    if (pos >= len || text[pos] != '.')
        return 0;
    size_t end = pos + 1;
    double scale = 0.1;
    while (end < len && text[end] >= '0' && text[end] <= '9') {
        *fraction += (text[end] - '0') * scale;
        scale /= 10.0;
        end++;
    }
    if (end == pos + 1)
        return 0;
    return end - pos;
}

size_t lc_time_parse_iso8601(const char *text, size_t len, double *seconds)
{
    int year, month, day, hour = 0, minute = 0, second = 0;
    double fraction = 0.0;
    if (!digits_at(text, len, 0, 4, &year) || len < 10 || text[4] != '-' ||
        !digits_at(text, len, 5, 2, &month) || text[7] != '-' || !digits_at(text, len, 8, 2, &day))
        return 0;
    size_t pos = 10;
    if (pos < len && (text[pos] == 'T' || text[pos] == ' ') && digits_at(text, len, pos + 1, 2, &hour) &&
        pos + 3 < len && text[pos + 3] == ':' && digits_at(text, len, pos + 4, 2, &minute)) {
        pos += 6;
        if (pos < len && text[pos] == ':' && digits_at(text, len, pos + 1, 2, &second)) {
            pos += 3;
            pos += parse_fraction(text, len, pos, &fraction);
        }
    }
    if (year < 1 || !valid_clock(month, day, year, hour, minute, second))
        return 0;
    double offset = 0.0;
    if (pos < len && text[pos] == 'Z') {
        pos++;
    } else if (pos > 10 && pos < len && (text[pos] == '+' || text[pos] == '-')) {
        int oh, om = 0;
        size_t used = 0;
        if (digits_at(text, len, pos + 1, 2, &oh)) {
            used = 3;
            if (pos + 3 < len && text[pos + 3] == ':' && digits_at(text, len, pos + 4, 2, &om))
                used = 6;
            else if (digits_at(text, len, pos + 3, 2, &om))
                used = 5;
            if (oh > 23 || om > 59)
                return 0;
            offset = (text[pos] == '+' ? 1.0 : -1.0) * (oh * 3600.0 + om * 60.0);
            pos += used;
        }
    }
    *seconds = lc_time_from_civil(year, month, day, hour, minute, second + fraction) - offset;
    return pos;
}

size_t lc_time_parse_fast(const char *text, size_t len, int year, double *seconds, int *has_year)
{
    int month, day, hour, minute, second, written_year = 0;
    double fraction = 0.0;
    *has_year = 0;
    if (!digits_at(text, len, 0, 2, &month) || len < 6 || text[2] != '/' || !digits_at(text, len, 3, 2, &day))
        return 0;
    size_t pos = 5;
    if (pos < len && text[pos] == '/') {
        if (digits_at(text, len, pos + 1, 4, &written_year) && pos + 5 < len && text[pos + 5] == '-') {
            pos += 5;
        } else if (digits_at(text, len, pos + 1, 2, &written_year)) {
            written_year += 2000; /* two-digit years as Snort -y and Suricata write them */
            pos += 3;
        } else {
            return 0;
        }
        *has_year = 1;
    }
    if (pos >= len || text[pos] != '-' || !digits_at(text, len, pos + 1, 2, &hour) || pos + 3 >= len ||
        text[pos + 3] != ':' || !digits_at(text, len, pos + 4, 2, &minute) || pos + 6 >= len ||
        text[pos + 6] != ':' || !digits_at(text, len, pos + 7, 2, &second))
        return 0;
    pos += 9;
    pos += parse_fraction(text, len, pos, &fraction);
    int effective_year = *has_year ? written_year : year;
    if (!valid_clock(month, day, effective_year, hour, minute, second))
        return 0;
    *seconds = effective_year ? lc_time_from_civil(effective_year, month, day, hour, minute, second + fraction)
                              : NAN;
    return pos;
}
