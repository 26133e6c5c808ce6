/*
 * pgzip.h - one gzip stream compressed by several threads: the input is
 * cut into 128 KiB chunks, each deflated on its own (primed with the 32
 * KiB before it, so little ratio is lost) and ended on a byte boundary
 * with a sync flush, the last one with a final block; the pieces joined
 * in order are one valid deflate stream. The CRC-32 of the whole is
 * combined from the pieces'. Only the calling thread writes.
 */
#ifndef LR_PGZIP_H
#define LR_PGZIP_H

#include <stddef.h>

struct lr_pgz;

/* Writes n bytes to the back end for ctx: 0, or -1 after reporting. */
typedef int (*lr_pgz_out)(void *ctx, const unsigned char *p, size_t n);

/* Starts nthreads (>= 1) compressing threads at level 1..9. Returns
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
