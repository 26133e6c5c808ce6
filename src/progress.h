/*
 * progress.h - a one-line progress bar on standard error: bytes done,
 * rate and time left, redrawn at most five times a second. Whether to
 * show it is the caller's choice.
 */
#ifndef LR_PROGRESS_H
#define LR_PROGRESS_H

#include <stdint.h>

struct lr_progress {
	const char *name;
	int64_t total;     /* bytes, or -1 if unknown */
	double start, last;
	int drawn;
};

void lr_progress_start(struct lr_progress *p, const char *name, int64_t total);

/* Redraws for done bytes if enough time has passed. */
void lr_progress_update(struct lr_progress *p, uint64_t done);

/* Draws the final state and ends the line. */
void lr_progress_end(struct lr_progress *p, uint64_t done);

#endif
