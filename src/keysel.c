/*
 * keysel.c - --columns for JSON: plain key names, matched at any depth,
 * and key paths, matched from an element's root a step at a time. A
 * path's steps are numbered across all paths, so that where a container
 * stands on every path at once is one 64-bit set (lr_keystate).
 */
#include "keysel.h"

#include <cjson/cJSON.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

#define KS_MAX_STEPS 64 /* bits of lr_keystate */
#define KS_SEEN_MAX 24  /* keys named in the message */

enum step_kind { STEP_KEY, STEP_INDEX, STEP_ANY_INDEX };

struct step {
	enum step_kind kind;
	char *key;   /* STEP_KEY: the name, or a glob when glob */
	int glob;
	uint32_t index;
	int last;    /* the path's last step */
	size_t item; /* the --columns item it belongs to */
};

struct item {
	const char *text; /* as given, for messages */
	char *name;       /* a plain name (or glob), or NULL for a path */
	int glob;
	int matched;
};

struct lr_keysel {
	struct item *items;
	size_t nitems;
	struct step steps[KS_MAX_STEPS];
	size_t nsteps;
	lr_keystate root;
	size_t unmatched;
	/* keys seen while an item is unmatched, for the message */
	char *seen[KS_SEEN_MAX];
	size_t nseen;
	int seen_more;
};

static int has_glob(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

/* Adds the steps of the path p (item i). Returns 0, or -1 after
 * reporting. */
static int parse_path(struct lr_keysel *ks, size_t i, const char *p)
{
	const char *s = p;
	size_t first = ks->nsteps;

	while (*s) {
		struct step *st;

		if (ks->nsteps == KS_MAX_STEPS) {
			lr_error_usage("--columns: more than %d steps in the key paths",
				       KS_MAX_STEPS);
			return -1;
		}
		st = &ks->steps[ks->nsteps];
		memset(st, 0, sizeof *st);
		st->item = i;
		if (*s == '[') {
			const char *close = strchr(s, ']');
			size_t len = close ? (size_t)(close - s - 1) : 0;

			if (len == 1 && s[1] == '*') {
				st->kind = STEP_ANY_INDEX;
			} else if (len > 0 && len < 10 && strspn(s + 1, "0123456789") == len) {
				st->kind = STEP_INDEX;
				st->index = (uint32_t)strtoul(s + 1, NULL, 10);
			} else {
				lr_error_usage("--columns '%s': a key path takes [N] or [*] for array "
					       "items (a key with '.' or '[' in it: name:%s)",
					       p, p);
				return -1;
			}
			s = close + 1;
		} else {
			size_t len = strcspn(s, ".[");

			if (len == 0) {
				lr_error_usage("--columns '%s': an empty key in the path", p);
				return -1;
			}
			st->kind = STEP_KEY;
			st->key = strndup(s, len);
			if (!st->key) {
				lr_error_sys("out of memory");
				return -1;
			}
			st->glob = has_glob(st->key);
			s += len;
		}
		ks->nsteps++;
		if (*s == '.') {
			s++;
			if (!*s || *s == '.' || *s == '[') {
				lr_error_usage("--columns '%s': an empty key in the path", p);
				return -1;
			}
		}
	}
	ks->steps[ks->nsteps - 1].last = 1;
	ks->root |= (lr_keystate)1 << first;
	return 0;
}

struct lr_keysel *lr_keysel_new(const struct lr_options *o)
{
	struct lr_keysel *ks = calloc(1, sizeof *ks);
	size_t i;

	if (ks)
		ks->items = calloc(o->ncols ? o->ncols : 1, sizeof *ks->items);
	if (!ks || !ks->items) {
		free(ks);
		lr_error_sys("out of memory");
		return NULL;
	}
	ks->nitems = o->ncols;
	for (i = 0; i < o->ncols; i++) {
		const struct lr_colspec *cs = &o->cols[i];
		struct item *it = &ks->items[i];

		if (!cs->name) {
			lr_error_usage("--columns on JSON input takes key names, not positions");
			goto fail;
		}
		it->text = cs->name;
		if (cs->name_hi) {
			lr_error_usage("--columns '%s:%s': a range of names is for CSV columns (a "
				       "JSON key with ':' in it: name:%s:%s)",
				       cs->name, cs->name_hi, cs->name, cs->name_hi);
			goto fail;
		}
		if (!cs->literal && strpbrk(cs->name, ".[")) {
			if (parse_path(ks, i, cs->name) < 0)
				goto fail;
			continue;
		}
		it->name = strdup(cs->name);
		if (!it->name) {
			lr_error_sys("out of memory");
			goto fail;
		}
		it->glob = !cs->literal && has_glob(it->name);
	}
	ks->unmatched = ks->nitems;
	return ks;
fail:
	lr_keysel_free(ks);
	return NULL;
}

void lr_keysel_free(struct lr_keysel *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->nitems; i++)
		free(ks->items[i].name);
	for (i = 0; i < ks->nsteps; i++)
		free(ks->steps[i].key);
	for (i = 0; i < ks->nseen; i++)
		free(ks->seen[i]);
	free(ks->items);
	free(ks);
}

int lr_keysel_has_paths(const struct lr_keysel *ks)
{
	return ks->nsteps > 0;
}

lr_keystate lr_keysel_root(const struct lr_keysel *ks)
{
	return ks->root;
}

static void matched(struct lr_keysel *ks, size_t item)
{
	if (!ks->items[item].matched) {
		ks->items[item].matched = 1;
		ks->unmatched--;
	}
}

static int name_matches(const char *pattern, int glob, const char *key, size_t klen)
{
	if (glob)
		return fnmatch(pattern, key, 0) == 0;
	return strlen(pattern) == klen && memcmp(pattern, key, klen) == 0;
}

/* Keeps the key for the message while items are unmatched. */
static void remember(struct lr_keysel *ks, const char *key, size_t klen)
{
	size_t i;

	if (ks->seen_more)
		return;
	for (i = 0; i < ks->nseen; i++)
		if (strlen(ks->seen[i]) == klen && memcmp(ks->seen[i], key, klen) == 0)
			return;
	if (ks->nseen == KS_SEEN_MAX || !(ks->seen[ks->nseen] = strndup(key, klen))) {
		ks->seen_more = 1;
		return;
	}
	ks->nseen++;
}

int lr_keysel_key(struct lr_keysel *ks, lr_keystate st, const char *k, size_t n,
		  lr_keystate *child)
{
	cJSON *decoded = NULL;
	const char *key = k + 1;
	size_t i, klen = n - 2;
	int sel = 0;

	*child = 0;
	if (memchr(k, '\\', n)) {
		/* compared by what it says, as cJSON decodes it */
		decoded = cJSON_ParseWithLength(k, n);
		if (!cJSON_IsString(decoded)) {
			cJSON_Delete(decoded);
			return 0;
		}
		key = decoded->valuestring;
		klen = strlen(key);
	}
	if (ks->unmatched)
		remember(ks, key, klen);
	for (i = 0; i < ks->nitems; i++) {
		const struct item *it = &ks->items[i];

		if (it->name && name_matches(it->name, it->glob, key, klen)) {
			sel = 1;
			matched(ks, i);
		}
	}
	while (st) {
		int b = __builtin_ctzll(st);
		const struct step *s = &ks->steps[b];

		st &= st - 1;
		if (s->kind != STEP_KEY || !name_matches(s->key, s->glob, key, klen))
			continue;
		if (s->last) {
			sel = 1;
			matched(ks, s->item);
		} else
			*child |= (lr_keystate)1 << (b + 1);
	}
	cJSON_Delete(decoded);
	return sel;
}

int lr_keysel_index(struct lr_keysel *ks, lr_keystate st, uint32_t index, lr_keystate *child)
{
	int sel = 0;

	*child = 0;
	while (st) {
		int b = __builtin_ctzll(st);
		const struct step *s = &ks->steps[b];

		st &= st - 1;
		if (s->kind == STEP_KEY || (s->kind == STEP_INDEX && s->index != index))
			continue;
		if (s->last) {
			sel = 1;
			matched(ks, s->item);
		} else
			*child |= (lr_keystate)1 << (b + 1);
	}
	return sel;
}

int lr_keysel_finish(struct lr_keysel *ks, const char *name)
{
	char list[400];
	size_t i, k = 0, bad = ks->nitems;

	for (i = 0; i < ks->nitems && bad == ks->nitems; i++)
		if (!ks->items[i].matched)
			bad = i;
	list[0] = '\0';
	for (i = 0; i < ks->nseen && k < sizeof list - 8; i++) {
		int w = snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
				 lr_quote_bytes(ks->seen[i], strlen(ks->seen[i])));

		k += w > 0 ? (size_t)w : 0;
	}
	if (k >= sizeof list - 8 || ks->seen_more)
		memcpy(list + (k < sizeof list - 8 ? k : sizeof list - 8), ", ...", 6);
	if (bad < ks->nitems) {
		if (ks->nseen)
			lr_error_usage("%s: --columns: '%s' matches no key; the keys are %s", name,
				       ks->items[bad].text, list);
		else
			lr_error_usage("%s: --columns: '%s' matches no key; the input has no "
				       "objects",
				       name, ks->items[bad].text);
	}
	for (i = 0; i < ks->nitems; i++)
		ks->items[i].matched = 0;
	for (i = 0; i < ks->nseen; i++)
		free(ks->seen[i]);
	ks->nseen = 0;
	ks->seen_more = 0;
	ks->unmatched = ks->nitems;
	return bad < ks->nitems ? -1 : 0;
}
