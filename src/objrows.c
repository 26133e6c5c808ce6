/*
 * objrows.c - JSON objects to CSV rows (objrows.h). The tokens of one
 * element are walked with a stack of open containers; each scalar is
 * kept under its flattened key until the element ends, then the row is
 * laid out in the header's order. Keys are found by a hash table, after
 * a first look at the place the first object had them.
 */
#include "objrows.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

#define OR_DEPTH_MAX 1002         /* the decoder's nesting limit, and the root */
#define OR_PATH_MAX 4096          /* longest flattened key */
#define OR_COLS_MAX 16384         /* widest row */
#define OR_ROW_TEXT_MAX (2u << 20) /* text of one row's values */

struct level {
	char type;      /* '{' or '[' */
	char expect_key;
	uint32_t index; /* array: the item being read */
	size_t plen;    /* length of the container's own key */
};

struct value {
	size_t off, len; /* in the row arena */
	int kind;        /* LR_CELL_NUM or LR_CELL_TEXT */
	int set;
};

struct lr_objrows {
	int write_header;
	uint64_t nelem;  /* elements begun */
	uint64_t line;   /* where the element began */
	const char *name;
	/* the header: the first object's keys */
	char **names;
	size_t ncols, capcols;
	int have_header;
	uint32_t *hash;  /* column + 1 by hash of its name; 0: free */
	size_t hashcap;
	/* the element being read */
	int in_elem, depth;
	struct level stack[OR_DEPTH_MAX];
	char path[OR_PATH_MAX + 32];
	size_t plen;
	struct value *vals;
	size_t nset;
	char *arena;
	size_t alen, acap;
};

struct lr_objrows *lr_objrows_new(int write_header)
{
	struct lr_objrows *r = calloc(1, sizeof *r);

	if (!r) {
		lr_error_sys("out of memory");
		return NULL;
	}
	r->write_header = write_header;
	return r;
}

void lr_objrows_free(struct lr_objrows *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->ncols; i++)
		free(r->names[i]);
	free(r->names);
	free(r->hash);
	free(r->vals);
	free(r->arena);
	free(r);
}

static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

static int same_name(const char *a, const char *b, size_t n)
{
	return strlen(a) == n && memcmp(a, b, n) == 0;
}

/* The column named s[0..n), or -1. */
static long find(const struct lr_objrows *r, const char *s, size_t n)
{
	size_t i;

	if (!r->hashcap)
		return -1;
	for (i = name_hash(s, n) & (r->hashcap - 1); r->hash[i]; i = (i + 1) & (r->hashcap - 1))
		if (same_name(r->names[r->hash[i] - 1], s, n))
			return (long)r->hash[i] - 1;
	return -1;
}

static void hash_put(struct lr_objrows *r, size_t col)
{
	size_t i = name_hash(r->names[col], strlen(r->names[col])) & (r->hashcap - 1);

	while (r->hash[i])
		i = (i + 1) & (r->hashcap - 1);
	r->hash[i] = (uint32_t)col + 1;
}

/* Appends the header column named s[0..n). Returns 0, or -1 after
 * reporting. */
static int add_column(struct lr_objrows *r, const char *s, size_t n)
{
	size_t i;

	if (r->ncols == OR_COLS_MAX) {
		lr_error_at(r->name, r->line, 0,
			    "element %llu: more than %d keys, too many columns for a CSV row",
			    (unsigned long long)r->nelem, OR_COLS_MAX);
		return -1;
	}
	if (r->ncols == r->capcols) {
		size_t cap = r->capcols ? 2 * r->capcols : 16;
		char **names = realloc(r->names, cap * sizeof *names);
		struct value *vals = names ? realloc(r->vals, cap * sizeof *vals) : NULL;

		if (names)
			r->names = names;
		if (!vals) {
			lr_error_sys("out of memory");
			return -1;
		}
		memset(vals + r->capcols, 0, (cap - r->capcols) * sizeof *vals);
		r->vals = vals;
		r->capcols = cap;
	}
	if (!(r->names[r->ncols] = strndup(s, n))) {
		lr_error_sys("out of memory");
		return -1;
	}
	r->ncols++;
	if (2 * r->ncols > r->hashcap) {
		free(r->hash);
		r->hashcap = r->hashcap ? 2 * r->hashcap : 64;
		if (!(r->hash = calloc(r->hashcap, sizeof *r->hash))) {
			r->hashcap = 0;
			lr_error_sys("out of memory");
			return -1;
		}
		for (i = 0; i < r->ncols; i++)
			hash_put(r, i);
	} else
		hash_put(r, r->ncols - 1);
	return 0;
}

/* Keeps the value t[0..n) under the current key. */
static int store(struct lr_objrows *r, int kind, const char *t, size_t n)
{
	long col = -1;
	struct value *v;

	if (!r->have_header) {
		if (find(r, r->path, r->plen) < 0 && add_column(r, r->path, r->plen) < 0)
			return -1;
	}
	if (r->nset < r->ncols && same_name(r->names[r->nset], r->path, r->plen))
		col = (long)r->nset; /* where the first object had it */
	else
		col = find(r, r->path, r->plen);
	if (col < 0) {
		lr_error_at(r->name, r->line, 0,
			    "element %llu has the key '%s', which the first element has not: CSV "
			    "rows need the same keys in every object",
			    (unsigned long long)r->nelem, lr_quote_bytes(r->path, r->plen));
		return -1;
	}
	v = &r->vals[col];
	if (v->set) {
		lr_error_at(r->name, r->line, 0, "element %llu has the key '%s' twice",
			    (unsigned long long)r->nelem, lr_quote_bytes(r->path, r->plen));
		return -1;
	}
	if (n > OR_ROW_TEXT_MAX - r->alen) {
		lr_error_at(r->name, r->line, 0, "element %llu: more than %u bytes of values in a row",
			    (unsigned long long)r->nelem, OR_ROW_TEXT_MAX);
		return -1;
	}
	/* allocated at the first value even when it is empty (a null), so
	 * that the arena is never a null pointer once a value is stored */
	if (r->alen + n > r->acap || !r->arena) {
		size_t cap = r->acap ? r->acap : 4096;
		char *a;

		while (cap < r->alen + n)
			cap *= 2;
		if (!(a = realloc(r->arena, cap))) {
			lr_error_sys("out of memory");
			return -1;
		}
		r->arena = a;
		r->acap = cap;
	}
	memcpy(r->arena + r->alen, t, n);
	v->off = r->alen;
	v->len = n;
	v->kind = kind;
	v->set = 1;
	r->alen += n;
	r->nset++;
	return 0;
}

/* Sets the current key to the container's key, '.', then s[0..n). */
static int set_path(struct lr_objrows *r, const char *s, size_t n)
{
	size_t base = r->stack[r->depth - 1].plen;

	if (base + 1 + n > OR_PATH_MAX) {
		lr_error_at(r->name, r->line, 0, "element %llu: a key path longer than %d bytes",
			    (unsigned long long)r->nelem, OR_PATH_MAX);
		return -1;
	}
	r->plen = base;
	if (base)
		r->path[r->plen++] = '.';
	memcpy(r->path + r->plen, s, n);
	r->plen += n;
	return 0;
}

/* A value begins: an array item's key is its number. */
static int value_begins(struct lr_objrows *r)
{
	char num[16];

	if (r->depth == 0 || r->stack[r->depth - 1].type != '[')
		return 0;
	return set_path(r, num,
			(size_t)snprintf(num, sizeof num, "%u", r->stack[r->depth - 1].index + 1));
}

static int emit(struct lr_block *out, enum lr_cell_kind kind, const char *t, size_t n)
{
	struct lr_cell *c = lr_block_add(out, kind, t, n);

	if (!c) {
		lr_error_data("a row too wide for the output block");
		return -1;
	}
	c->copied = 1;
	if (kind == LR_CELL_END)
		c->term = '\n';
	return 0;
}

/* The element is read: its row (after the header, for the first). */
static int element_ends(struct lr_objrows *r, struct lr_block *out)
{
	size_t i;

	r->in_elem = 0;
	if (!r->have_header) {
		r->have_header = 1;
		if (r->write_header && r->ncols) {
			for (i = 0; i < r->ncols; i++)
				if (emit(out, LR_CELL_TEXT, r->names[i], strlen(r->names[i])) < 0)
					return -1;
			if (emit(out, LR_CELL_END, NULL, 0) < 0)
				return -1;
		}
	}
	if (r->nset < r->ncols) {
		for (i = 0; r->vals[i].set; i++)
			;
		lr_error_at(r->name, r->line, 0,
			    "element %llu has no key '%s', which the first element has: CSV rows "
			    "need the same keys in every object",
			    (unsigned long long)r->nelem, lr_quote_bytes(r->names[i], strlen(r->names[i])));
		return -1;
	}
	for (i = 0; i < r->ncols; i++) {
		struct value *v = &r->vals[i];

		if (emit(out, v->kind, r->arena + v->off, v->len) < 0)
			return -1;
		v->set = 0;
	}
	r->nset = 0;
	r->alen = 0;
	return r->ncols ? emit(out, LR_CELL_END, NULL, 0) : 0;
}

/* A string token: a key, or a value written decoded. */
static int string_token(struct lr_objrows *r, const char *t, size_t n)
{
	struct level *top = &r->stack[r->depth - 1];
	cJSON *s = cJSON_ParseWithLength(t, n);
	int rc;

	if (!cJSON_IsString(s)) {
		cJSON_Delete(s);
		lr_error_sys("out of memory");
		return -1;
	}
	if (top->type == '{' && top->expect_key) {
		top->expect_key = 0;
		rc = set_path(r, s->valuestring, strlen(s->valuestring));
	} else
		rc = value_begins(r) < 0
			     ? -1
			     : store(r, LR_CELL_TEXT, s->valuestring, strlen(s->valuestring));
	cJSON_Delete(s);
	return rc;
}

int lr_objrows_cell(struct lr_objrows *r, const struct lr_block *in, const struct lr_cell *c,
		    struct lr_block *out)
{
	const char *t = lr_cell_out(in, c);
	size_t n = c->out_len;
	struct level *top;

	if (c->kind == LR_CELL_END)
		return 0;
	if (c->kind == LR_CELL_ROW)
		return r->in_elem ? element_ends(r, out) : 0;
	if (!r->in_elem) {
		r->in_elem = 1;
		r->nelem++;
		r->line = c->line;
		r->name = in->name;
		r->depth = 0;
		r->plen = 0;
		if (c->kind != LR_CELL_TEXT || *t != '{') {
			lr_error_at(in->name, c->line, c->col,
				    "element %llu is not an object, but the first was: CSV rows from "
				    "JSON objects take their header from the first one's keys",
				    (unsigned long long)r->nelem);
			return -1;
		}
	}
	top = r->depth ? &r->stack[r->depth - 1] : NULL;
	if (c->kind == LR_CELL_NUM)
		return value_begins(r) < 0 ? -1 : store(r, LR_CELL_NUM, t, n);
	switch (*t) {
	case '{':
	case '[':
		if (value_begins(r) < 0)
			return -1;
		if (r->depth == OR_DEPTH_MAX) {
			lr_error_data("internal error: nesting deeper than the decoder allows");
			return -1;
		}
		top = &r->stack[r->depth++];
		top->type = *t;
		top->expect_key = *t == '{';
		top->index = 0;
		top->plen = r->plen;
		return 0;
	case '}':
	case ']':
		r->depth--;
		return 0;
	case ',':
		if (top->type == '{')
			top->expect_key = 1;
		else
			top->index++;
		return 0;
	case ':':
		return 0;
	case '"':
		return string_token(r, t, n);
	case 'n': /* null: an empty field */
		return value_begins(r) < 0 ? -1 : store(r, LR_CELL_TEXT, "", 0);
	default: /* true, false, and numbers -c left alone */
		return value_begins(r) < 0 ? -1 : store(r, LR_CELL_TEXT, t, n);
	}
}
