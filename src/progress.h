/*
 * progress.h - one progress bar on standard error for the whole run:
 * files done, bytes done of the total, rate and time left, redrawn at
 * most five times a second, and shown only once the work has taken a
 * second (unless forced), so that quick runs print nothing. Whether to
 * show it at all is the caller's choice.
 */
#ifndef LR_PROGRESS_H
#define LR_PROGRESS_H

#include <stdint.h>

struct lr_progress {
	const char *name;  /* the input being read */
	int64_t total;     /* bytes of all inputs, or -1 if unknown */
	uint64_t before;   /* bytes of the inputs finished */
	uint64_t done;     /* bytes of the current input so far */
	unsigned long file, nfiles;
	double start, last;
	int force;         /* draw from the start (--progress) */
	int tty;           /* standard error is a terminal: redraw in place */
	int drawn;
};

/* Starts the bar for nfiles inputs of total bytes (-1: unknown). With
 * force it is drawn from the start, else only after a second. */
void lr_progress_start(struct lr_progress *p, unsigned long nfiles, int64_t total, int force);

/* The next input begins. */
void lr_progress_file(struct lr_progress *p, const char *name);

/* done bytes of the current input are read: redraws if it is time. */
void lr_progress_update(struct lr_progress *p, uint64_t done);

/* The current input is finished after done bytes. */
void lr_progress_file_done(struct lr_progress *p, uint64_t done);

/* Ends the bar: erased when it was drawn on a terminal, its last state
 * kept on a line of its own when it was forced elsewhere. */
void lr_progress_end(struct lr_progress *p);

#endif
