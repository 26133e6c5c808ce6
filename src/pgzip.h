/*
 * pgzip.h - gzip output compressed in pieces, by one thread or several.
 * Built with libdeflate, each 256 KiB of input is a gzip member of its
 * own (a gzip file is a series of members, and every reader takes them
 * all); with zlib alone (and several threads), the input is cut into
 * 128 KiB chunks, each deflated on its own (primed with the 32 KiB
 * before it, so little ratio is lost) and ended on a byte boundary with
 * a sync flush, the last one with a final block, so that the pieces
 * joined in order are one deflate stream whose CRC-32 is combined from
 * the pieces'. Only the calling thread writes.
 */
#ifndef LR_PGZIP_H
#define LR_PGZIP_H

#include <stddef.h>

/* Set to 1 by the build where libdeflate is there (Makefile). */
#ifndef LR_HAVE_LIBDEFLATE
#define LR_HAVE_LIBDEFLATE 0
#endif

struct lr_pgz;

/* Writes n bytes to the back end for ctx: 0, or -1 after reporting. */
typedef int (*lr_pgz_out)(void *ctx, const unsigned char *p, size_t n);

/* Starts nthreads (>= 1) compressing threads at level 1..9 (with
 * libdeflate and one thread, the calling thread compresses). Returns
 * NULL after reporting (errors name name). */
struct lr_pgz *lr_pgz_open(int level, int nthreads, lr_pgz_out out, void *ctx,
			   const char *name);

/* Compresses p[0..n), writing finished pieces as they come, in order.
 * Returns 0, or -1 after reporting. */
int lr_pgz_write(struct lr_pgz *z, const unsigned char *p, size_t n);

/* Ends the stream: the last piece, the rest of the pieces, the trailer.
 * Returns 0, or -1 after reporting. */
int lr_pgz_finish(struct lr_pgz *z);

/* Stops the threads and frees z (after lr_pgz_finish, or instead of it
 * when the output is being thrown away). */
void lr_pgz_free(struct lr_pgz *z);

#endif
