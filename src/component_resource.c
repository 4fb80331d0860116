/* Component resources: host-defined resource types, and each store's
 * resource table, which every own and borrow handle of wt refers to.
 *
 * A table entry is either a host resource (a host pointer of a
 * wt_resource_type_t, known to Wasmtime by its slot number as "rep") or a
 * guest resource (Wasmtime's wasmtime_component_resource_any_t). Handles
 * carry the table's id, the slot and the slot's generation, so that a
 * handle whose entry was dropped, consumed, or ended with its call is
 * refused, never mistaken for the slot's next resource. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { MAGIC_RESOURCE_TYPE = 0x77745254u };

struct wt_resource_type {
  uint32_t magic;
  atomic_uint refs; /* the caller's, linkers', table entries' */
  uint32_t id;      /* Wasmtime's host resource type number */
  wasmtime_component_resource_type_t *raw;
  wt_resource_dtor_t dtor;
  void *env;
  void (*finalizer)(void *);
  char name[];
};

static atomic_uint next_type_id = 1;
static atomic_ulong next_table_id = 1;

static bool type_ok(const wt_resource_type_t *t) {
  return t && t->magic == MAGIC_RESOURCE_TYPE;
}

static wt_resource_type_t *type_ref(wt_resource_type_t *t) {
  atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
  return t;
}

static void type_unref(wt_resource_type_t *t) {
  if (atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
    return;
  if (t->finalizer)
    t->finalizer(t->env);
  wasmtime_component_resource_type_delete(t->raw);
  t->magic = WT_MAGIC_DEAD;
  free(t);
}

wt_error_t *wt_resource_type_new(const char *name, wt_resource_dtor_t dtor,
                                 void *env, void (*finalizer)(void *),
                                 wt_resource_type_t **out) {
  static const char fn[] = "wt_resource_type_new";
  wt_error_t *err = NULL;
  if (!name)
    err = wt__misuse(fn, "name is NULL");
  else if (!out)
    err = wt__misuse(fn, "out is NULL");
  size_t len = name ? strlen(name) : 0;
  wt_resource_type_t *t = err ? NULL : malloc(sizeof *t + len + 1);
  if (!err && !t)
    err = wt__error(WT_ERROR_WASMTIME, "%s: out of memory", fn);
  if (err) {
    if (finalizer)
      finalizer(env);
    return err;
  }
  t->magic = MAGIC_RESOURCE_TYPE;
  atomic_init(&t->refs, 1);
  t->id = atomic_fetch_add(&next_type_id, 1);
  t->raw = wasmtime_component_resource_type_new_host(t->id);
  t->dtor = dtor;
  t->env = env;
  t->finalizer = finalizer;
  memcpy(t->name, name, len + 1);
  *out = t;
  return NULL;
}

void wt_resource_type_delete(wt_resource_type_t *type) {
  if (type_ok(type))
    type_unref(type);
}

const char *wt_resource_type_name(const wt_resource_type_t *type) {
  return type_ok(type) ? type->name : "";
}

/* ---- the store's table ---- */

/* HOST_BORROW is a borrow of a host resource given to a host function: it
 * ends with that call, while the resource (its `target`) lives on. */
enum entry_state { FREE, HOST, GUEST, HOST_BORROW };

typedef struct entry {
  uint32_t gen;      /* starts at 1; bumped when the entry is freed */
  uint8_t state;     /* enum entry_state */
  bool owned;        /* HOST: the host holds the own handle (not wasm);
                        GUEST: an own handle, not a borrow (which ends
                        when the host call it was given to returns) */
  bool given;        /* GUEST own: passed to wasm by a call under way */
  uint32_t next;     /* FREE: the next free slot, or UINT32_MAX */
  uint32_t target, target_gen;     /* HOST_BORROW: the HOST entry */
  void *rep;                       /* HOST */
  wt_resource_type_t *type;        /* HOST: a reference */
  wasmtime_component_resource_any_t *any; /* GUEST: owned here */
} entry;

struct wt__rtable {
  uint64_t id;
  entry *e;
  uint32_t len, cap, free;
};

static struct wt__rtable *table_of(wt_store_t *store) {
  if (store->resources)
    return store->resources;
  struct wt__rtable *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->id = atomic_fetch_add(&next_table_id, 1);
  t->free = UINT32_MAX;
  store->resources = t;
  return t;
}

/* A new entry's slot, or UINT32_MAX when out of memory. */
static uint32_t entry_new(struct wt__rtable *t) {
  if (t->free != UINT32_MAX) {
    uint32_t s = t->free;
    t->free = t->e[s].next;
    return s;
  }
  if (t->len == t->cap) {
    uint32_t cap = t->cap ? t->cap * 2 : 16;
    if (cap <= t->cap || cap > (1u << 30))
      return UINT32_MAX;
    entry *e = realloc(t->e, (size_t)cap * sizeof *e);
    if (!e)
      return UINT32_MAX;
    t->e = e;
    t->cap = cap;
  }
  memset(&t->e[t->len], 0, sizeof t->e[t->len]);
  t->e[t->len].gen = 1;
  return t->len++;
}

/* Frees entry `s` (what it holds is the caller's to release). */
static void entry_free(struct wt__rtable *t, uint32_t s) {
  entry *e = &t->e[s];
  e->state = FREE;
  e->owned = e->given = false;
  e->gen = e->gen + 1 ? e->gen + 1 : 1;
  e->rep = NULL;
  e->type = NULL;
  e->any = NULL;
  e->next = t->free;
  t->free = s;
}

static wt_cval_t handle_of(const struct wt__rtable *t, uint32_t s,
                           wt_cvalkind_t kind) {
  wt_cval_t v;
  memset(&v, 0, sizeof v);
  v.kind = kind;
  v.of.resource.store_id_ = t->id;
  v.of.resource.slot_ = s;
  v.of.resource.gen_ = t->e[s].gen;
  return v;
}

static wt_error_t *stale(const char *fn, const char *place) {
  return wt__misuse(fn, "%s%sthe resource handle is stale: its resource was "
                    "dropped or given to wasm, or it was borrowed for a call "
                    "that has returned", place, place[0] ? ": " : "");
}

/* The live entry a handle refers to (for a borrow of a host resource, the
 * resource's own entry, with *borrowed set), or NULL with a misuse error.
 * *slot is the entry's slot. */
static entry *entry_of(const char *fn, const char *place, wt_store_t *store,
                       const wt_cval_t *v, bool *borrowed, uint32_t *slot,
                       wt_error_t **err) {
  struct wt__rtable *t = store->resources;
  const wt_resource_t *h = &v->of.resource;
  *borrowed = false;
  if (!t || h->store_id_ != t->id) {
    *err = wt__misuse(fn, "%s%sthe resource handle belongs to another store "
                      "(or is not a handle)", place, place[0] ? ": " : "");
    return NULL;
  }
  uint32_t s = h->slot_;
  if (s >= t->len || t->e[s].gen != h->gen_ || t->e[s].state == FREE) {
    *err = stale(fn, place);
    return NULL;
  }
  if (t->e[s].state == HOST_BORROW) {
    uint32_t g = t->e[s].target_gen;
    s = t->e[s].target;
    if (t->e[s].gen != g || t->e[s].state != HOST) {
      *err = stale(fn, place);
      return NULL;
    }
    *borrowed = true;
  }
  *slot = s;
  return &t->e[s];
}

wt_error_t *wt_resource_new(wt_store_t *store, wt_resource_type_t *type,
                            void *rep, wt_cval_t *out) {
  static const char fn[] = "wt_resource_new";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!type_ok(type))
    return wt__misuse(fn, "type is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  struct wt__rtable *t = table_of(store);
  uint32_t s = t ? entry_new(t) : UINT32_MAX;
  if (s == UINT32_MAX)
    return wt__error(WT_ERROR_WASMTIME, "%s: out of memory", fn);
  entry *e = &t->e[s];
  e->state = HOST;
  e->owned = true;
  e->rep = rep;
  e->type = type_ref(type);
  *out = handle_of(t, s, WT_CVAL_OWN);
  return NULL;
}

wt_error_t *wt_resource_rep(wt_store_t *store, const wt_cval_t *handle,
                            const wt_resource_type_t *type, void **rep) {
  static const char fn[] = "wt_resource_rep";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!handle || !rep)
    return wt__misuse(fn, "handle or rep is NULL");
  if (!type_ok(type))
    return wt__misuse(fn, "type is NULL or deleted");
  if (handle->kind != WT_CVAL_OWN && handle->kind != WT_CVAL_BORROW)
    return wt__misuse(fn, "expected own or borrow, got %s",
                      wt_cvalkind_name(handle->kind));
  bool borrowed;
  uint32_t s;
  entry *e = entry_of(fn, "", store, handle, &borrowed, &s, &err);
  if (!e)
    return err;
  if (e->state != HOST)
    return wt__misuse(fn, "the handle is a resource of a component, not of "
                          "the host");
  if (e->type != type)
    return wt__misuse(fn, "the resource is a %s, not a %s", e->type->name,
                      type->name);
  if (!borrowed && !e->owned)
    return wt__misuse(fn, "the own handle was given to wasm");
  *rep = e->rep;
  return NULL;
}

/* Runs a host resource's destructor and frees its entry. */
static void host_destroy(struct wt__rtable *t, uint32_t s) {
  entry *e = &t->e[s];
  wt_resource_type_t *type = e->type;
  void *rep = e->rep;
  entry_free(t, s);
  if (type->dtor)
    type->dtor(type->env, rep);
  type_unref(type);
}

wt_error_t *wt_resource_drop(wt_store_t *store, const wt_cval_t *handle) {
  static const char fn[] = "wt_resource_drop";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!handle)
    return wt__misuse(fn, "handle is NULL");
  if (handle->kind != WT_CVAL_OWN)
    return wt__misuse(fn, "expected own, got %s (a borrow ends with its "
                          "call)",
                      wt_cvalkind_name(handle->kind));
  bool borrowed;
  uint32_t s;
  entry *e = entry_of(fn, "", store, handle, &borrowed, &s, &err);
  if (!e)
    return err;
  struct wt__rtable *t = store->resources;
  if (borrowed)
    return wt__misuse(fn, "the handle is a borrow, which ends with its call");
  if (e->state == HOST) {
    if (!e->owned)
      return wt__misuse(fn, "the own handle was given to wasm");
    host_destroy(t, s);
    return NULL;
  }
  if (!e->owned)
    return wt__misuse(fn, "the handle is a borrow, which ends with its call");
  if (e->given)
    return wt__misuse(fn, "the own handle was given to wasm");
  wasmtime_component_resource_any_t *any = e->any;
  entry_free(t, s);
  /* Dropping a guest resource may run its destructor, which is wasm. */
  if ((err = wt__stack_check(fn, store)) != NULL) {
    wasmtime_component_resource_any_delete(any);
    return err;
  }
  wt__store_enter(store);
  wasmtime_error_t *werr = wasmtime_component_resource_any_drop(store->ctx, any);
  err = wt__call_result(store, WT_ERROR_TRAP, werr, NULL);
  wasmtime_component_resource_any_delete(any);
  wt__store_leave(store);
  return err;
}

void wt__resources_free(wt_store_t *store) {
  struct wt__rtable *t = store->resources;
  if (!t)
    return;
  store->resources = NULL;
  for (uint32_t s = 0; s < t->len; s++) {
    entry *e = &t->e[s];
    if (e->state == HOST)
      host_destroy(t, s);
    else if (e->state == GUEST)
      wasmtime_component_resource_any_delete(e->any);
    /* HOST_BORROW entries hold nothing. */
  }
  free(t->e);
  free(t);
}

/* ---- lowering and lifting, for component_val.c ---- */

struct wt__rpend {
  struct wt__rpend *next;
  enum { GIVE_HOST, LEND_HOST, GIVE_GUEST, END_SCOPE } what;
  uint32_t slot, gen; /* the entry, as it was when recorded */
  wasmtime_component_resource_any_t *made; /* GIVE_HOST, LEND_HOST: the
                                              resource made for the call */
};

static bool pend_add(wt_arena_t *arena, wt__rpend **list, int what,
                     const struct wt__rtable *t, uint32_t slot,
                     wasmtime_component_resource_any_t *made) {
  wt__rpend *p;
  if (wt_arena_alloc(arena, sizeof *p, (void **)&p) != NULL)
    return false;
  p->next = *list;
  p->what = what;
  p->slot = slot;
  p->gen = t->e[slot].gen;
  p->made = made;
  *list = p;
  return true;
}

/* The entry a record names, if it is still the same resource. */
static entry *pend_entry(struct wt__rtable *t, const wt__rpend *p,
                         uint8_t state) {
  entry *e = &t->e[p->slot];
  return e->gen == p->gen && e->state == state ? e : NULL;
}

/* Whether Wasmtime's resource type `rt` is the host type `type`. */
static bool is_type(const wasmtime_component_resource_type_t *rt,
                    const wt_resource_type_t *type) {
  return wasmtime_component_resource_type_equal(rt, type->raw);
}

wt_error_t *wt__res_lower(wt_store_t *store, const char *fn, const char *place,
                          const char *text,
                          const wasmtime_component_valtype_t *t,
                          const wt_cval_t *v, wt_arena_t *arena,
                          wt__rpend **pend,
                          wasmtime_component_resource_any_t **out) {
  bool own = t->kind == WASMTIME_COMPONENT_VALTYPE_OWN;
  const wasmtime_component_resource_type_t *rt = own ? t->of.own : t->of.borrow;
  wt_error_t *err = NULL;
  bool borrowed;
  uint32_t s;
  entry *e = entry_of(fn, place, store, v, &borrowed, &s, &err);
  if (!e)
    return err;
  if (e->state == HOST) {
    if (!is_type(rt, e->type))
      return wt__misuse(fn, "%s: the resource is a %s, of another resource "
                        "type than the %s expected, in %s",
                        place, e->type->name, own ? "own" : "borrow", text);
    if (own && borrowed)
      return wt__misuse(fn, "%s: a borrowed resource cannot be given as own, "
                        "in %s", place, text);
    if (!borrowed && !e->owned)
      return wt__misuse(fn, "%s: the own handle was given to wasm, in %s",
                        place, text);
    /* A borrow is lent as an own that wt takes back after the call:
     * Wasmtime makes host borrows only inside host calls. */
    wasmtime_component_resource_host_t *h =
        wasmtime_component_resource_host_new(true, s, e->type->id);
    wasmtime_component_resource_any_t *any = NULL;
    wasmtime_error_t *werr =
        wasmtime_component_resource_host_to_any(store->ctx, h, &any);
    wasmtime_component_resource_host_delete(h);
    if (werr)
      return wt__from_wasmtime(WT_ERROR_WASMTIME, werr);
    if (!pend_add(arena, pend, own ? GIVE_HOST : LEND_HOST, store->resources,
                  s, any)) {
      wasmtime_component_resource_any_delete(any);
      return wt__error(WT_ERROR_WASMTIME, "out of memory");
    }
    /* Given at once, so that the same own cannot be given twice in one
     * call; wasm may give it back before the call returns. */
    if (own)
      store->resources->e[s].owned = false;
    *out = any;
    return NULL;
  }
  wasmtime_component_resource_type_t *gt =
      wasmtime_component_resource_any_type(e->any);
  bool same = wasmtime_component_resource_type_equal(gt, rt);
  wasmtime_component_resource_type_delete(gt);
  if (!same)
    return wt__misuse(fn, "%s: the resource is of another resource type than "
                      "the %s expected, in %s",
                      place, own ? "own" : "borrow", text);
  if (own && !e->owned)
    return wt__misuse(fn, "%s: a borrowed resource cannot be given as own, in "
                      "%s", place, text);
  if (own && e->given)
    return wt__misuse(fn, "%s: the own handle was given to wasm, in %s", place,
                      text);
  if (own && !pend_add(arena, pend, GIVE_GUEST, store->resources, s, NULL))
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  if (own)
    e->given = true;
  *out = e->any;
  return NULL;
}

/* Takes a host resource made for a call back out of Wasmtime's table. */
static void take_back(wt_store_t *store, wasmtime_component_resource_any_t *any) {
  wasmtime_component_resource_host_t *h = NULL;
  wasmtime_error_t *werr =
      wasmtime_component_resource_any_to_host(store->ctx, any, &h);
  if (werr)
    wasmtime_error_delete(werr); /* wasm took it: nothing to take back */
  else
    wasmtime_component_resource_host_delete(h);
}

void wt__res_settle(wt_store_t *store, wt__rpend *pend, bool given) {
  struct wt__rtable *t = store->resources;
  for (wt__rpend *p = pend; p; p = p->next) {
    entry *e;
    switch (p->what) {
    case GIVE_HOST:
      if (!given) {
        take_back(store, p->made);
        if ((e = pend_entry(t, p, HOST)) != NULL)
          e->owned = true;
      }
      wasmtime_component_resource_any_delete(p->made);
      break;
    case LEND_HOST:
      take_back(store, p->made);
      wasmtime_component_resource_any_delete(p->made);
      break;
    case GIVE_GUEST:
      if ((e = pend_entry(t, p, GUEST)) == NULL)
        break;
      if (given) {
        wasmtime_component_resource_any_delete(e->any);
        entry_free(t, p->slot);
      } else {
        e->given = false;
      }
      break;
    case END_SCOPE:
      if ((e = pend_entry(t, p, GUEST)) != NULL) {
        wasmtime_component_resource_any_delete(e->any);
        entry_free(t, p->slot);
      } else if (pend_entry(t, p, HOST_BORROW)) {
        entry_free(t, p->slot);
      }
      break;
    }
  }
}

wt_error_t *wt__res_lift(wt_store_t *store,
                         const wasmtime_component_valtype_t *t,
                         const wasmtime_component_resource_any_t *any,
                         wt_arena_t *arena, wt__rpend **scope,
                         wt_cval_t *out) {
  bool own = t->kind == WASMTIME_COMPONENT_VALTYPE_OWN;
  struct wt__rtable *tab = table_of(store);
  if (!tab)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  /* A host resource comes back to its entry: for an own, that takes it out
   * of Wasmtime's table. Guest resources are not host resources. */
  wasmtime_component_resource_host_t *h = NULL;
  wasmtime_error_t *werr =
      wasmtime_component_resource_any_to_host(store->ctx, any, &h);
  uint32_t s;
  if (!werr) {
    s = wasmtime_component_resource_host_rep(h);
    uint32_t ty = wasmtime_component_resource_host_type(h);
    wasmtime_component_resource_host_delete(h);
    if (s >= tab->len || tab->e[s].state != HOST || tab->e[s].type->id != ty)
      return wt__error(WT_ERROR_WASMTIME,
                       "a host resource of rep %u came back that wt did not "
                       "make", (unsigned)s);
    if (own) {
      tab->e[s].owned = true;
      *out = handle_of(tab, s, WT_CVAL_OWN);
      return NULL;
    }
    uint32_t b = entry_new(tab);
    if (b == UINT32_MAX)
      return wt__error(WT_ERROR_WASMTIME, "out of memory");
    tab->e[b].state = HOST_BORROW;
    tab->e[b].target = s;
    tab->e[b].target_gen = tab->e[s].gen;
    if (!pend_add(arena, scope, END_SCOPE, tab, b, NULL)) {
      entry_free(tab, b);
      return wt__error(WT_ERROR_WASMTIME, "out of memory");
    }
    *out = handle_of(tab, b, WT_CVAL_BORROW);
    return NULL;
  }
  wasmtime_error_delete(werr);
  /* A guest resource gets an entry of its own. */
  s = entry_new(tab);
  if (s == UINT32_MAX)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  entry *e = &tab->e[s];
  e->state = GUEST;
  e->owned = own;
  e->any = wasmtime_component_resource_any_clone(any);
  if (!own && !pend_add(arena, scope, END_SCOPE, tab, s, NULL)) {
    wasmtime_component_resource_any_delete(e->any);
    entry_free(tab, s);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  *out = handle_of(tab, s, own ? WT_CVAL_OWN : WT_CVAL_BORROW);
  return NULL;
}

/* ---- destructors of host resources that wasm dropped ---- */

wasmtime_error_t *wt__res_dtor(void *env, wasmtime_context_t *ctx,
                               uint32_t rep) {
  wt_resource_type_t *type = env;
  wt_store_t *store = wasmtime_context_get_data(ctx);
  struct wt__rtable *t = store->resources;
  if (!t || rep >= t->len || t->e[rep].state != HOST ||
      t->e[rep].type != type)
    return NULL; /* not wt's; nothing to release */
  host_destroy(t, rep);
  return NULL;
}

void wt__res_type_ref(wt_resource_type_t *type) { type_ref(type); }
void wt__res_type_unref(void *type) { type_unref(type); }
bool wt__res_type_ok(const wt_resource_type_t *type) { return type_ok(type); }
const wasmtime_component_resource_type_t *
wt__res_type_raw(const wt_resource_type_t *type) {
  return type->raw;
}
