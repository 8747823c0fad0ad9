/* SPDX-License-Identifier: ISC */
/*
 * lwIP's compiler/platform header for hvt guests: freestanding x86_64, our
 * libc subset only. Included by every lwIP file through lwip/arch.h, so it
 * must not pull in anything beyond the compiler's and our libc's headers.
 */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Under -nostdinc there is no inttypes.h, limits.h, ctype.h or unistd.h:
 * lwIP then uses its own helpers, given what follows. */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_LIMITS_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1

/* gcc's limits.h chains to the C library's; lwIP needs only INT_MAX (it
 * also becomes SSIZE_MAX for lwIP's own ssize_t). */
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif

#define X8_F "02x"
#define U16_F "hu"
#define S16_F "hd"
#define X16_F "hx"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define BYTE_ORDER LITTLE_ENDIAN
#define lwip_htons(x) __builtin_bswap16(x)
#define lwip_htonl(x) __builtin_bswap32(x)

/* -ffreestanding implies -fno-builtin: ask for the builtins explicitly so
 * small constant-size copies (addresses, headers) are inlined again. */
#define MEMCPY(d, s, n) __builtin_memcpy((d), (s), (n))
#define SMEMCPY(d, s, n) __builtin_memcpy((d), (s), (n))
#define MEMMOVE(d, s, n) __builtin_memmove((d), (s), (n))

/* Random numbers for local ports and the like (lwip_port.c). */
uint32_t lwip_port_rand(void);
#define LWIP_RAND() lwip_port_rand()

/* Diagnostics go to the console; a failed assertion aborts the guest
 * (the tender reports it), as lwIP's state is then unknown. */
void lwip_port_assert(const char *msg, int line, const char *file)
    __attribute__((noreturn));
#define LWIP_PLATFORM_DIAG(x)                                                  \
	do {                                                                   \
		printf x;                                                      \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) lwip_port_assert((x), __LINE__, __FILE__)

#endif /* LWIP_ARCH_CC_H */
