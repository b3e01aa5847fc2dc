/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of zlib, gzip and PNG; and
 * FNV-1a 64, the hash of the duplicate-finding tables. */
#ifndef LSTMCORR_CHECKSUM_H
#define LSTMCORR_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC over `bytes` more bytes: start with crc = 0; lc_crc32(0, "123456789", 9) is
 * 0xCBF43926. Feeding a buffer in pieces gives the same result as feeding it whole. */
uint32_t lc_crc32(uint32_t crc, const void *data, size_t bytes);

/* 64-bit FNV-1a of `bytes` bytes (not for integrity: a fast, well-spread table hash). */
uint64_t lc_fnv1a64(const void *data, size_t bytes);

#endif
