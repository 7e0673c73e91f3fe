/* The kernel's crc32_le(seed, buf, len) (reflected polynomial 0xEDB88320, no inversion), as hibernation chains it. */
#ifndef TORPOR_CRC_H
#define TORPOR_CRC_H
#include <stddef.h>
#include <stdint.h>

uint32_t torpor_crc32_le(uint32_t crc, const uint8_t *p, size_t len);

#endif
