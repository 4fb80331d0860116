/* Random WIT types and values through a component and back. The input
 * picks a type T; a component is generated (once per distinct T) that
 * imports the host function `echo: func(x: T) -> T`, at the root or in the
 * instance "host", and exports `run: func(x: T) -> T`, whose core function
 * only hands its flat core values (or the pointers the canonical ABI passes
 * instead) to the lowered import and returns what it returns. The host's
 * echo gives its argument back. Then values of T, built from the rest of
 * the input, are passed to run:
 *  - a valid value must reach echo and come back deep-equal;
 *  - a value made invalid in one place must fail with WT_ERROR_MISUSE and
 *    never reach wasm;
 *  - an invalid result from echo must fail the call with WT_ERROR_MISUSE.
 * Any other outcome is a finding (__builtin_trap).
 *
 * Input: byte 0 bit 0 puts echo in the instance "host"; then the type,
 * depth-first; then up to four calls, each a mode byte and the value's
 * bytes. Missing bytes read as zero. */
#include <math.h>
#include <stdarg.h>

#include "fuzz_common.h"

#define MAXT 40    /* type nodes of one input */
#define MAXN 6     /* items of a record or tuple, cases of a variant */
#define MAXD 4     /* nesting depth of types */
#define MAXFLAT 17 /* flat core values tracked: 17 stands for "over 16" */
#define MAXV 4096  /* wt_cval_t of one call */
#define MAXB 65536 /* string and byte list bytes of one call */
#define BUDGET 160 /* values one value of T holds before lists stop growing */
#define CALLS 4
/* The static return pointer and where the bump allocator starts. A type of
 * MAXT nodes takes less than 32 bytes a node in memory (8 of its own and at
 * most 7 of padding before and after), so its value fits below HEAP. */
#define RETPTR 16
#define HEAP 2048

_Static_assert(RETPTR + 32 * MAXT <= HEAP, "the return area overlaps the heap");

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- types ---- */

typedef struct ty {
  wt_cvalkind_t k; /* the value kind: WT_CVAL_BYTES for list<u8> */
  int n;           /* items, fields, cases or flags */
  /* list and option: [0]; result: [0] ok, [1] err; record and tuple: one
   * per item; variant: one per case. NULL: no payload. */
  const struct ty *sub[MAXN];
  int id; /* record, variant, enum and flags are named $T<id> */
} ty;

static ty types[MAXT];
static int ntypes;
static const ty *named[MAXT];
static int nnamed;
static const ty u32_type = {.k = WT_CVAL_U32};

static bool is_named(wt_cvalkind_t k) {
  return k == WT_CVAL_RECORD || k == WT_CVAL_VARIANT || k == WT_CVAL_ENUM ||
         k == WT_CVAL_FLAGS;
}

static const ty *gen_type(cursor *c, int depth) {
  static const wt_cvalkind_t pick[] = {
      WT_CVAL_BOOL,   WT_CVAL_S8,     WT_CVAL_U8,      WT_CVAL_S16,
      WT_CVAL_U16,    WT_CVAL_S32,    WT_CVAL_U32,     WT_CVAL_S64,
      WT_CVAL_U64,    WT_CVAL_F32,    WT_CVAL_F64,     WT_CVAL_CHAR,
      WT_CVAL_STRING, WT_CVAL_LIST,   WT_CVAL_BYTES,   WT_CVAL_RECORD,
      WT_CVAL_TUPLE,  WT_CVAL_VARIANT, WT_CVAL_ENUM,   WT_CVAL_OPTION,
      WT_CVAL_RESULT, WT_CVAL_FLAGS,  WT_CVAL_RECORD,  WT_CVAL_VARIANT};
  if (ntypes == MAXT)
    return &u32_type;
  ty *t = &types[ntypes++];
  memset(t, 0, sizeof *t);
  unsigned b = (unsigned)take(c, 1);
  t->k = pick[b % (sizeof pick / sizeof pick[0])];
  bool nests = t->k == WT_CVAL_LIST || t->k == WT_CVAL_RECORD ||
               t->k == WT_CVAL_TUPLE || t->k == WT_CVAL_VARIANT ||
               t->k == WT_CVAL_OPTION || t->k == WT_CVAL_RESULT;
  if (nests && (depth >= MAXD || ntypes >= MAXT - 1))
    t->k = pick[b % 13];
  switch (t->k) {
  case WT_CVAL_LIST:
  case WT_CVAL_OPTION:
    t->n = 1;
    t->sub[0] = gen_type(c, depth + 1);
    /* list<u8> is a byte span, in and out. */
    if (t->k == WT_CVAL_LIST && t->sub[0]->k == WT_CVAL_U8)
      t->k = WT_CVAL_BYTES;
    break;
  case WT_CVAL_RESULT: {
    unsigned shape = (unsigned)take(c, 1);
    t->n = 2;
    t->sub[0] = shape & 1 ? gen_type(c, depth + 1) : NULL;
    t->sub[1] = shape & 2 ? gen_type(c, depth + 1) : NULL;
    break;
  }
  case WT_CVAL_RECORD:
  case WT_CVAL_TUPLE:
    t->n = 1 + (int)(take(c, 1) % MAXN);
    for (int i = 0; i < t->n; i++)
      t->sub[i] = gen_type(c, depth + 1);
    break;
  case WT_CVAL_VARIANT: {
    t->n = 1 + (int)(take(c, 1) % MAXN);
    unsigned has = (unsigned)take(c, 1);
    for (int i = 0; i < t->n; i++)
      t->sub[i] = has >> i & 1 ? gen_type(c, depth + 1) : NULL;
    break;
  }
  case WT_CVAL_ENUM:
    t->n = 1 + (int)(take(c, 1) % 12);
    break;
  case WT_CVAL_FLAGS:
    t->n = 1 + (int)(take(c, 1) % 32);
    break;
  default:
    break;
  }
  /* Named after their parts, so that $T<id> is defined after what it
   * refers to. */
  if (is_named(t->k)) {
    t->id = nnamed;
    named[nnamed++] = t;
  }
  return t;
}

/* The payload type of case `i` of an option, result or variant. */
static const ty *case_type(const ty *t, uint32_t i) {
  return t->k == WT_CVAL_OPTION ? (i == 1 ? t->sub[0] : NULL) : t->sub[i];
}

static uint32_t case_count(const ty *t) {
  return t->k == WT_CVAL_OPTION || t->k == WT_CVAL_RESULT ? 2
                                                          : (uint32_t)t->n;
}

/* ---- the canonical ABI's flattening (CanonicalABI.md, "Flattening") ---- */

typedef struct flat {
  int n;
  char t[MAXFLAT]; /* 'i' i32, 'I' i64, 'f' f32, 'F' f64 */
} flat;

static void flat_push(flat *f, char t) {
  if (f->n < MAXFLAT)
    f->t[f->n++] = t;
}

static char flat_join(char a, char b) {
  if (a == b)
    return a;
  if ((a == 'i' && b == 'f') || (a == 'f' && b == 'i'))
    return 'i';
  return 'I';
}

static void flatten(const ty *t, flat *f) {
  switch (t->k) {
  case WT_CVAL_S64:
  case WT_CVAL_U64:
    flat_push(f, 'I');
    break;
  case WT_CVAL_F32:
    flat_push(f, 'f');
    break;
  case WT_CVAL_F64:
    flat_push(f, 'F');
    break;
  case WT_CVAL_STRING:
  case WT_CVAL_LIST:
  case WT_CVAL_BYTES:
    flat_push(f, 'i');
    flat_push(f, 'i');
    break;
  case WT_CVAL_RECORD:
  case WT_CVAL_TUPLE:
    for (int i = 0; i < t->n; i++)
      flatten(t->sub[i], f);
    break;
  case WT_CVAL_VARIANT:
  case WT_CVAL_OPTION:
  case WT_CVAL_RESULT: {
    /* The discriminant, then each position joined over the cases. */
    flat joined = {0};
    for (uint32_t i = 0; i < case_count(t); i++) {
      const ty *p = case_type(t, i);
      if (!p)
        continue;
      flat pf = {0};
      flatten(p, &pf);
      for (int k = 0; k < pf.n; k++) {
        if (k < joined.n)
          joined.t[k] = flat_join(joined.t[k], pf.t[k]);
        else
          flat_push(&joined, pf.t[k]);
      }
    }
    flat_push(f, 'i');
    for (int k = 0; k < joined.n; k++)
      flat_push(f, joined.t[k]);
    break;
  }
  default: /* bool, the small integers, char, enum, flags (up to 32) */
    flat_push(f, 'i');
    break;
  }
}

/* ---- WAT text ---- */

typedef struct buf {
  char *p;
  size_t n, cap;
} buf;

static void put(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0,
                      fmt, ap);
    va_end(ap);
    if (w < 0)
      abort();
    if (b->p && b->n + (size_t)w < b->cap) {
      b->n += (size_t)w;
      return;
    }
    b->cap = (b->cap + (size_t)w + 1) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p)
      abort();
  }
}

static const char *scalar_name(wt_cvalkind_t k) {
  return k == WT_CVAL_F32 ? "f32" : k == WT_CVAL_F64 ? "f64"
                                                     : wt_cvalkind_name(k);
}

/* How T is written where it is used. */
static void type_ref(buf *b, const ty *t) {
  switch (t->k) {
  case WT_CVAL_LIST:
    put(b, "(list ");
    type_ref(b, t->sub[0]);
    put(b, ")");
    break;
  case WT_CVAL_BYTES:
    put(b, "(list u8)");
    break;
  case WT_CVAL_OPTION:
    put(b, "(option ");
    type_ref(b, t->sub[0]);
    put(b, ")");
    break;
  case WT_CVAL_RESULT:
    put(b, "(result");
    if (t->sub[0]) {
      put(b, " ");
      type_ref(b, t->sub[0]);
    }
    if (t->sub[1]) {
      put(b, " (error ");
      type_ref(b, t->sub[1]);
      put(b, ")");
    }
    put(b, ")");
    break;
  case WT_CVAL_TUPLE:
    put(b, "(tuple");
    for (int i = 0; i < t->n; i++) {
      put(b, " ");
      type_ref(b, t->sub[i]);
    }
    put(b, ")");
    break;
  case WT_CVAL_RECORD:
  case WT_CVAL_VARIANT:
  case WT_CVAL_ENUM:
  case WT_CVAL_FLAGS:
    put(b, "$T%d", t->id);
    break;
  default:
    put(b, "%s", scalar_name(t->k));
    break;
  }
}

/* The definition of a named type. */
static void type_def(buf *b, const ty *t) {
  switch (t->k) {
  case WT_CVAL_RECORD:
    put(b, "(record");
    for (int i = 0; i < t->n; i++) {
      put(b, " (field \"f%d\" ", i);
      type_ref(b, t->sub[i]);
      put(b, ")");
    }
    break;
  case WT_CVAL_VARIANT:
    put(b, "(variant");
    for (int i = 0; i < t->n; i++) {
      put(b, " (case \"c%d\"", i);
      if (t->sub[i]) {
        put(b, " ");
        type_ref(b, t->sub[i]);
      }
      put(b, ")");
    }
    break;
  case WT_CVAL_ENUM:
    put(b, "(enum");
    for (int i = 0; i < t->n; i++)
      put(b, " \"e%d\"", i);
    break;
  default: /* flags */
    put(b, "(flags");
    for (int i = 0; i < t->n; i++)
      put(b, " \"g%d\"", i);
    break;
  }
  put(b, ")");
}

static const char *core_name(char t) {
  return t == 'i' ? "i32" : t == 'I' ? "i64" : t == 'f' ? "f32" : "f64";
}

/* The component for T. The lowered echo takes flat(T), or one pointer when
 * flat(T) has over 16 values, and, when flat(T) has more than one value, a
 * return pointer last instead of a result. The lifted run takes the same
 * parameters and returns the one flat value or a pointer to the result in
 * memory: its core function passes its parameters on, with RETPTR as the
 * return pointer, and returns RETPTR. */
static void component_wat(buf *b, const ty *root, bool in_instance) {
  const char *ind = in_instance ? "    " : "  ";
  put(b, "(component\n");
  if (in_instance)
    put(b, "  (import \"host\" (instance $h\n");
  for (int i = 0; i < nnamed; i++) {
    put(b, "%s(type $t%d ", ind, i);
    type_def(b, named[i]);
    put(b, ")\n");
    put(b, "%s(%s \"t%d\" (type $T%d (eq $t%d)))\n", ind,
        in_instance ? "export" : "import", i, i, i);
  }
  buf fty = {0};
  put(&fty, "(param \"x\" ");
  type_ref(&fty, root);
  put(&fty, ") (result ");
  type_ref(&fty, root);
  put(&fty, ")");
  if (in_instance) {
    put(b, "    (export \"echo\" (func %s))))\n", fty.p);
    for (int i = 0; i < nnamed; i++)
      put(b, "  (alias export $h \"t%d\" (type $T%d))\n", i, i);
    put(b, "  (alias export $h \"echo\" (func $echo))\n");
  } else {
    put(b, "  (import \"echo\" (func $echo %s))\n", fty.p);
  }
  put(b,
      "  (core module $mem\n"
      "    (memory (export \"mem\") 1)\n"
      "    (global $next (mut i32) (i32.const %d))\n"
      "    (func (export \"realloc\") (param i32 i32 i32 i32) (result i32)\n"
      "      (local $p i32) (local $end i32) (local $have i32)\n"
      "      (local.set $p (i32.and\n"
      "        (i32.add (global.get $next) (i32.sub (local.get 2)"
      " (i32.const 1)))\n"
      "        (i32.sub (i32.const 0) (local.get 2))))\n"
      "      (local.set $end (i32.add (local.get $p) (local.get 3)))\n"
      "      (local.set $have (i32.mul (memory.size) (i32.const 65536)))\n"
      "      (if (i32.gt_u (local.get $end) (local.get $have))\n"
      "        (then (if (i32.eq (i32.const -1) (memory.grow (i32.shr_u\n"
      "            (i32.add (i32.sub (local.get $end) (local.get $have))\n"
      "              (i32.const 65535)) (i32.const 16))))\n"
      "          (then unreachable))))\n"
      "      (global.set $next (local.get $end))\n"
      "      (local.get $p)))\n"
      "  (core instance $mi (instantiate $mem))\n"
      "  (alias core export $mi \"mem\" (core memory $m))\n"
      "  (alias core export $mi \"realloc\" (core func $realloc))\n"
      "  (core func $echo_l (canon lower (func $echo) (memory $m)"
      " (realloc $realloc)))\n"
      "  (core instance $hi (export \"echo\" (func $echo_l)))\n",
      HEAP);
  flat f = {0};
  flatten(root, &f);
  bool by_pointer = f.n > 16, retptr = f.n > 1;
  int np = by_pointer ? 1 : f.n;
  buf params = {0}, args = {0};
  put(&params, "(param");
  put(&args, "%s", "");
  for (int i = 0; i < np; i++) {
    put(&params, " %s", by_pointer ? "i32" : core_name(f.t[i]));
    put(&args, " (local.get %d)", i);
  }
  put(&params, ")");
  if (retptr)
    put(b,
        "  (core module $main\n"
        "    (import \"h\" \"echo\" (func $echo %s (param i32)))\n"
        "    (func (export \"run\") %s (result i32)\n"
        "      (call $echo%s (i32.const %d)) (i32.const %d)))\n",
        params.p, params.p, args.p, RETPTR, RETPTR);
  else
    put(b,
        "  (core module $main\n"
        "    (import \"h\" \"echo\" (func $echo %s (result %s)))\n"
        "    (func (export \"run\") %s (result %s)\n"
        "      (call $echo%s)))\n",
        params.p, core_name(f.t[0]), params.p, core_name(f.t[0]), args.p);
  put(b,
      "  (core instance $main (instantiate $main"
      " (with \"h\" (instance $hi))))\n"
      "  (func (export \"run\") %s\n"
      "    (canon lift (core func $main \"run\") (memory $m)"
      " (realloc $realloc))))\n",
      fty.p);
  free(fty.p);
  free(params.p);
  free(args.p);
}

/* ---- values ---- */

static wt_cval_t vpool[MAXV];
static int nv;
static char bpool[MAXB];
static size_t nb;
/* Every value built, with its type: where a mutation may strike. */
static struct {
  wt_cval_t *v;
  const ty *t;
} nodes[MAXV];
static int nnodes;

static wt_cval_t *new_vals(size_t n) {
  if (nv + n > MAXV)
    fail("the value pool is too small");
  wt_cval_t *v = &vpool[nv];
  nv += (int)n;
  memset(v, 0, n * sizeof *v);
  return v;
}

static char *new_bytes(size_t n) {
  if (nb + n > MAXB)
    fail("the byte pool is too small");
  char *p = &bpool[nb];
  nb += n;
  return p;
}

static uint32_t gen_char(cursor *c) {
  uint32_t ch;
  switch (take(c, 1) % 4) {
  case 0:
    return (uint32_t)take(c, 1) & 0x7f;
  case 1:
    return 0x80 + (uint32_t)take(c, 2) % 0x780;
  default:
    ch = (uint32_t)take(c, 3) % 0x110000;
    return ch >= 0xd800 && ch <= 0xdfff ? ch - 0x800 : ch;
  }
}

static size_t utf8_put(char *p, uint32_t ch) {
  if (ch < 0x80) {
    p[0] = (char)ch;
    return 1;
  }
  if (ch < 0x800) {
    p[0] = (char)(0xc0 | ch >> 6);
    p[1] = (char)(0x80 | (ch & 0x3f));
    return 2;
  }
  if (ch < 0x10000) {
    p[0] = (char)(0xe0 | ch >> 12);
    p[1] = (char)(0x80 | (ch >> 6 & 0x3f));
    p[2] = (char)(0x80 | (ch & 0x3f));
    return 3;
  }
  p[0] = (char)(0xf0 | ch >> 18);
  p[1] = (char)(0x80 | (ch >> 12 & 0x3f));
  p[2] = (char)(0x80 | (ch >> 6 & 0x3f));
  p[3] = (char)(0x80 | (ch & 0x3f));
  return 4;
}

static uint32_t gen_f32(cursor *c) {
  static const uint32_t special[] = {
      0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000,
      0xffc00000, 0x7f800001, 0x7fffffff, 0x00000001, 0x7f7fffff};
  unsigned b = (unsigned)take(c, 1);
  if (b % 4 == 0)
    return special[b / 4 % (sizeof special / sizeof special[0])];
  return (uint32_t)take(c, 4);
}

static uint64_t gen_f64(cursor *c) {
  static const uint64_t special[] = {
      0, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
      0x7ff8000000000000, 0xfff8000000000000, 0x7ff0000000000001,
      0x7fffffffffffffff, 1, 0x7fefffffffffffff};
  unsigned b = (unsigned)take(c, 1);
  if (b % 4 == 0)
    return special[b / 4 % (sizeof special / sizeof special[0])];
  return take(c, 8);
}

static void gen_val(cursor *c, const ty *t, wt_cval_t *v) {
  memset(v, 0, sizeof *v);
  v->kind = t->k;
  nodes[nnodes].v = v;
  nodes[nnodes].t = t;
  nnodes++;
  switch (t->k) {
  case WT_CVAL_BOOL:
    v->of.boolean = take(c, 1) & 1;
    break;
  case WT_CVAL_S8:
    v->of.s8 = (int8_t)take(c, 1);
    break;
  case WT_CVAL_U8:
    v->of.u8 = (uint8_t)take(c, 1);
    break;
  case WT_CVAL_S16:
    v->of.s16 = (int16_t)take(c, 2);
    break;
  case WT_CVAL_U16:
    v->of.u16 = (uint16_t)take(c, 2);
    break;
  case WT_CVAL_S32:
    v->of.s32 = (int32_t)take(c, 4);
    break;
  case WT_CVAL_U32:
    v->of.u32 = (uint32_t)take(c, 4);
    break;
  case WT_CVAL_S64:
    v->of.s64 = (int64_t)take(c, 8);
    break;
  case WT_CVAL_U64:
    v->of.u64 = take(c, 8);
    break;
  case WT_CVAL_F32: {
    uint32_t bits = gen_f32(c);
    memcpy(&v->of.f32, &bits, sizeof bits);
    break;
  }
  case WT_CVAL_F64: {
    uint64_t bits = gen_f64(c);
    memcpy(&v->of.f64, &bits, sizeof bits);
    break;
  }
  case WT_CVAL_CHAR:
    v->of.ch = gen_char(c);
    break;
  case WT_CVAL_STRING: {
    size_t n = take(c, 1) % 7, len = 0;
    char *p = new_bytes(4 * n);
    for (size_t i = 0; i < n; i++)
      len += utf8_put(p + len, gen_char(c));
    v->of.str.data = len || take(c, 1) & 1 ? p : NULL;
    v->of.str.len = len;
    break;
  }
  case WT_CVAL_BYTES: {
    size_t n = take(c, 1) % 33;
    char *p = new_bytes(n);
    for (size_t i = 0; i < n; i++)
      p[i] = (char)take(c, 1);
    v->of.bytes.data = n ? p : NULL;
    v->of.bytes.len = n;
    break;
  }
  case WT_CVAL_LIST:
  case WT_CVAL_RECORD:
  case WT_CVAL_TUPLE: {
    size_t n = (size_t)t->n;
    if (t->k == WT_CVAL_LIST)
      n = nnodes < BUDGET ? take(c, 1) % 5 : 0;
    wt_cval_t *items = new_vals(n);
    for (size_t i = 0; i < n; i++)
      gen_val(c, t->sub[t->k == WT_CVAL_LIST ? 0 : i], &items[i]);
    v->of.items.items = n ? items : NULL;
    v->of.items.len = n;
    break;
  }
  case WT_CVAL_ENUM:
    v->of.choice.index = (uint32_t)(take(c, 1) % (uint64_t)t->n);
    break;
  case WT_CVAL_VARIANT:
  case WT_CVAL_OPTION:
  case WT_CVAL_RESULT: {
    uint32_t i = (uint32_t)(take(c, 1) % case_count(t));
    v->of.choice.index = i;
    const ty *p = case_type(t, i);
    if (p) {
      wt_cval_t *payload = new_vals(1);
      gen_val(c, p, payload);
      v->of.choice.payload = payload;
    }
    break;
  }
  case WT_CVAL_FLAGS:
    v->of.flags = (uint32_t)take(c, 4) &
                  (t->n == 32 ? 0xffffffffu : (1u << t->n) - 1);
    break;
  default:
    break;
  }
}

/* An extra value for a place that must not have one. */
static wt_cval_t *stray(void) {
  wt_cval_t *v = new_vals(1);
  v->kind = WT_CVAL_U32;
  v->of.u32 = 7;
  return v;
}

/* Makes one of the values of the last gen_val() invalid, as
 * wt_component_func_call() documents misuse: a wrong kind, bad UTF-8, a
 * surrogate char, NULL data with a length, a tuple or record of the wrong
 * length, an unknown case, a payload missing or given for a case without
 * one, a flag bit beyond the type's flags. Returns what it did. */
static const char *mutate(cursor *c, int first) {
  int k = first + (int)(take(c, 2) % (uint64_t)(nnodes - first));
  wt_cval_t *v = nodes[k].v;
  const ty *t = nodes[k].t;
  unsigned m = (unsigned)take(c, 1);
  switch (t->k) {
  case WT_CVAL_CHAR:
    if (m % 3 == 1) {
      v->of.ch = 0xd800 + (uint32_t)take(c, 2) % 0x800;
      return "surrogate char";
    }
    if (m % 3 == 2) {
      v->of.ch = 0x110000 + (uint32_t)take(c, 3);
      return "char beyond U+10FFFF";
    }
    break;
  case WT_CVAL_STRING:
    if (m % 3 == 1) {
      /* Each of these breaks UTF-8 wherever it goes, even inside a
       * character; the truncated sequence goes at the end. */
      static const char *const bad[] = {"\xff", "\xc0\x80", "\xed\xa0\x80",
                                        "\xf4\x90\x80\x80", "\x80",
                                        "\xe2\x82"};
      const char *ins = bad[take(c, 1) % 6];
      size_t len = v->of.str.len, il = strlen(ins);
      size_t at = ins[0] == '\xe2' ? len : (size_t)take(c, 1) % (len + 1);
      char *p = new_bytes(len + il);
      if (at)
        memcpy(p, v->of.str.data, at);
      memcpy(p + at, ins, il);
      if (len > at)
        memcpy(p + at + il, v->of.str.data + at, len - at);
      v->of.str.data = p;
      v->of.str.len = len + il;
      return "string not UTF-8";
    }
    if (m % 3 == 2) {
      v->of.str.data = NULL;
      v->of.str.len += 1 + take(c, 1) % 4;
      return "string data NULL";
    }
    break;
  case WT_CVAL_BYTES:
    if (m % 2) {
      v->of.bytes.data = NULL;
      v->of.bytes.len += 1 + take(c, 1) % 4;
      return "bytes data NULL";
    }
    break;
  case WT_CVAL_LIST:
  case WT_CVAL_RECORD:
  case WT_CVAL_TUPLE:
    if (m % 4 == 1 || (m % 4 != 0 && t->k == WT_CVAL_LIST)) {
      v->of.items.items = NULL;
      v->of.items.len += 1 + take(c, 1) % 4;
      return "items NULL";
    }
    if (m % 4 == 2) {
      v->of.items.len--;
      return t->k == WT_CVAL_TUPLE ? "tuple too short" : "record field missing";
    }
    if (m % 4 == 3) {
      size_t n = v->of.items.len;
      wt_cval_t *items = new_vals(n + 1);
      memcpy(items, v->of.items.items, n * sizeof *items);
      items[n] = *stray();
      v->of.items.items = items;
      v->of.items.len = n + 1;
      return t->k == WT_CVAL_TUPLE ? "tuple too long" : "record field extra";
    }
    break;
  case WT_CVAL_ENUM:
    if (m % 3 == 1) {
      v->of.choice.index = (uint32_t)t->n + (uint32_t)take(c, 4) % 1000;
      return "enum case unknown";
    }
    if (m % 3 == 2) {
      v->of.choice.payload = stray();
      return "enum with a payload";
    }
    break;
  case WT_CVAL_VARIANT:
  case WT_CVAL_OPTION:
  case WT_CVAL_RESULT:
    if (m % 3 == 1) {
      v->of.choice.index = case_count(t) + (uint32_t)take(c, 4) % 1000;
      return "case unknown";
    }
    if (m % 3 == 2) {
      bool has = case_type(t, v->of.choice.index) != NULL;
      v->of.choice.payload = has ? NULL : stray();
      return has ? "payload missing" : "payload extra";
    }
    break;
  case WT_CVAL_FLAGS:
    if (m % 2 && t->n < 32) {
      v->of.flags |= 1u << (t->n + (int)(take(c, 1) % (uint64_t)(32 - t->n)));
      return "flag beyond the type";
    }
    break;
  default:
    break;
  }
  /* Any kind but the right one, a few outside wt_cvalkind_t too. */
  static const int odd[] = {0, 29, 99, -1};
  unsigned r = (unsigned)take(c, 1) % 32;
  int kind = r < 28 ? (int)r + 1 : odd[r - 28];
  if (kind == (int)t->k)
    kind = kind % 28 + 1;
  v->kind = (wt_cvalkind_t)kind;
  return "wrong kind";
}

/* ---- checks ---- */

static bool same(const ty *t, const wt_cval_t *a, const wt_cval_t *b,
                 bool nul) {
  if (a->kind != t->k || b->kind != t->k)
    return false;
  switch (t->k) {
  case WT_CVAL_BOOL:
    return a->of.boolean == b->of.boolean;
  case WT_CVAL_S8:
  case WT_CVAL_U8:
    return a->of.u8 == b->of.u8;
  case WT_CVAL_S16:
  case WT_CVAL_U16:
    return a->of.u16 == b->of.u16;
  case WT_CVAL_S32:
  case WT_CVAL_U32:
  case WT_CVAL_CHAR:
    return a->of.u32 == b->of.u32;
  case WT_CVAL_S64:
  case WT_CVAL_U64:
    return a->of.u64 == b->of.u64;
  case WT_CVAL_F32: {
    /* The component model has one NaN: its bits may change on the way. */
    uint32_t x, y;
    memcpy(&x, &a->of.f32, 4);
    memcpy(&y, &b->of.f32, 4);
    return x == y || (isnan(a->of.f32) && isnan(b->of.f32));
  }
  case WT_CVAL_F64: {
    uint64_t x, y;
    memcpy(&x, &a->of.f64, 8);
    memcpy(&y, &b->of.f64, 8);
    return x == y || (isnan(a->of.f64) && isnan(b->of.f64));
  }
  case WT_CVAL_STRING:
  case WT_CVAL_BYTES:
    /* A result's bytes are followed by a NUL byte. */
    if (nul && (!b->of.str.data || b->of.str.data[b->of.str.len] != '\0'))
      return false;
    return a->of.str.len == b->of.str.len &&
           (a->of.str.len == 0 ||
            memcmp(a->of.str.data, b->of.str.data, a->of.str.len) == 0);
  case WT_CVAL_LIST:
  case WT_CVAL_RECORD:
  case WT_CVAL_TUPLE:
    if (a->of.items.len != b->of.items.len)
      return false;
    if (t->k != WT_CVAL_LIST && b->of.items.len != (size_t)t->n)
      return false;
    for (size_t i = 0; i < a->of.items.len; i++)
      if (!same(t->sub[t->k == WT_CVAL_LIST ? 0 : i], &a->of.items.items[i],
                &b->of.items.items[i], nul))
        return false;
    return true;
  case WT_CVAL_ENUM:
    return a->of.choice.index == b->of.choice.index && !b->of.choice.payload;
  case WT_CVAL_VARIANT:
  case WT_CVAL_OPTION:
  case WT_CVAL_RESULT: {
    if (a->of.choice.index != b->of.choice.index)
      return false;
    const ty *p = case_type(t, a->of.choice.index);
    if (!p)
      return !b->of.choice.payload;
    return b->of.choice.payload &&
           same(p, a->of.choice.payload, b->of.choice.payload, nul);
  }
  case WT_CVAL_FLAGS:
    return a->of.flags == b->of.flags;
  default:
    return false;
  }
}

/* A value in WAVE-like text, for reports; stops at kinds it does not know. */
static void show(FILE *f, const ty *t, const wt_cval_t *v) {
  if (v->kind != t->k) {
    fprintf(f, "<kind %d, want %s>", (int)v->kind, wt_cvalkind_name(t->k));
    return;
  }
  switch (t->k) {
  case WT_CVAL_BOOL:
    fprintf(f, "%s", v->of.boolean ? "true" : "false");
    break;
  case WT_CVAL_S8:
  case WT_CVAL_S16:
  case WT_CVAL_S32:
  case WT_CVAL_S64:
    fprintf(f, "%lld",
            t->k == WT_CVAL_S8    ? (long long)v->of.s8
            : t->k == WT_CVAL_S16 ? (long long)v->of.s16
            : t->k == WT_CVAL_S32 ? (long long)v->of.s32
                                  : (long long)v->of.s64);
    break;
  case WT_CVAL_U8:
  case WT_CVAL_U16:
  case WT_CVAL_U32:
  case WT_CVAL_U64:
    fprintf(f, "%llu",
            t->k == WT_CVAL_U8    ? (unsigned long long)v->of.u8
            : t->k == WT_CVAL_U16 ? (unsigned long long)v->of.u16
            : t->k == WT_CVAL_U32 ? (unsigned long long)v->of.u32
                                  : (unsigned long long)v->of.u64);
    break;
  case WT_CVAL_F32: {
    uint32_t x;
    memcpy(&x, &v->of.f32, 4);
    fprintf(f, "f32:%08x", x);
    break;
  }
  case WT_CVAL_F64: {
    uint64_t x;
    memcpy(&x, &v->of.f64, 8);
    fprintf(f, "f64:%016llx", (unsigned long long)x);
    break;
  }
  case WT_CVAL_CHAR:
    fprintf(f, "U+%04X", (unsigned)v->of.ch);
    break;
  case WT_CVAL_STRING:
  case WT_CVAL_BYTES:
    fprintf(f, t->k == WT_CVAL_STRING ? "\"" : "b\"");
    for (size_t i = 0; v->of.str.data && i < v->of.str.len; i++)
      fprintf(f, "\\x%02x", (unsigned char)v->of.str.data[i]);
    fprintf(f, "\"%s", v->of.str.data ? "" : "(NULL)");
    if (!v->of.str.data && v->of.str.len)
      fprintf(f, "[len %zu]", v->of.str.len);
    break;
  case WT_CVAL_LIST:
  case WT_CVAL_RECORD:
  case WT_CVAL_TUPLE:
    fprintf(f, t->k == WT_CVAL_LIST ? "[" : t->k == WT_CVAL_RECORD ? "{" : "(");
    if (!v->of.items.items && v->of.items.len)
      fprintf(f, "NULL, len %zu", v->of.items.len);
    for (size_t i = 0; v->of.items.items && i < v->of.items.len; i++) {
      if (i)
        fprintf(f, ", ");
      const ty *s = t->k == WT_CVAL_LIST ? t->sub[0]
                    : i < (size_t)t->n   ? t->sub[i]
                                         : &u32_type;
      show(f, s, &v->of.items.items[i]);
    }
    fprintf(f, t->k == WT_CVAL_LIST ? "]" : t->k == WT_CVAL_RECORD ? "}" : ")");
    break;
  case WT_CVAL_ENUM:
  case WT_CVAL_VARIANT:
  case WT_CVAL_OPTION:
  case WT_CVAL_RESULT: {
    uint32_t i = v->of.choice.index;
    fprintf(f, "case %u", (unsigned)i);
    if (v->of.choice.payload) {
      const ty *p = t->k != WT_CVAL_ENUM && i < case_count(t)
                        ? case_type(t, i)
                        : NULL;
      fprintf(f, "(");
      show(f, p ? p : &u32_type, v->of.choice.payload);
      fprintf(f, ")");
    }
    break;
  }
  case WT_CVAL_FLAGS:
    fprintf(f, "flags 0x%x", (unsigned)v->of.flags);
    break;
  default:
    break;
  }
}

/* ---- the host's echo ---- */

enum { ECHO_ARG, ECHO_OWN, ECHO_BAD };

static struct {
  int calls;
  int mode;
  const ty *t;
  const wt_cval_t *expect; /* what echo must receive */
  const wt_cval_t *bad;    /* what ECHO_BAD returns */
} echo_state;

static const char *current_wat;

static void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "fuzz_component: ");
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  if (current_wat)
    fprintf(stderr, "component:\n%s\n", current_wat);
  __builtin_trap();
}

static wt_error_t *echo(void *env, wt_store_t *store, const wt_cval_t *args,
                        size_t nargs, wt_cval_t *results, size_t nresults,
                        wt_arena_t *arena) {
  (void)env, (void)store, (void)arena;
  echo_state.calls++;
  if (nargs != 1 || nresults != 1)
    fail("echo got %zu arguments and %zu results", nargs, nresults);
  if (!echo_state.expect) {
    fprintf(stderr, "echo got: ");
    show(stderr, echo_state.t, &args[0]);
    fprintf(stderr, "\n");
    fail("an invalid argument reached wasm");
  }
  if (!same(echo_state.t, echo_state.expect, &args[0], false)) {
    fprintf(stderr, "passed: ");
    show(stderr, echo_state.t, echo_state.expect);
    fprintf(stderr, "\necho got: ");
    show(stderr, echo_state.t, &args[0]);
    fprintf(stderr, "\n");
    fail("echo's argument differs from run's");
  }
  /* The arguments live in the host arena until the callback returns, and
   * wt copies the result once it has: a result may point at them. */
  results[0] = echo_state.mode == ECHO_ARG   ? args[0]
               : echo_state.mode == ECHO_OWN ? *echo_state.expect
                                             : *echo_state.bad;
  return NULL;
}

/* ---- compiled components, one per distinct text ---- */

#define CACHE 64

static struct {
  char *wat;
  wt_component_t *component;
} cache[CACHE];
static int ncache;

static wt_component_t *component_for(wt_engine_t *engine, const char *wat) {
  for (int i = 0; i < ncache; i++)
    if (strcmp(cache[i].wat, wat) == 0)
      return cache[i].component;
  if (ncache == CACHE) {
    for (int i = 0; i < ncache; i++) {
      free(cache[i].wat);
      wt_component_delete(cache[i].component);
    }
    ncache = 0;
  }
  wt_component_t *component = NULL;
  wt_error_t *err = wt_component_new_wat(engine, wat, &component);
  if (err)
    fail("the component does not compile: %s", wt_error_message(err));
  cache[ncache].wat = strdup(wat);
  if (!cache[ncache].wat)
    abort();
  cache[ncache++].component = component;
  return component;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static wt_engine_t *engine;
  static wt_component_linker_t *linker;
  static wt_arena_t *arena;
  if (!engine) {
    wt_config_t *config = wt_config_new();
    MUST(wt_engine_new(config, &engine));
    wt_config_delete(config);
    MUST(wt_component_linker_new(engine, &linker));
    MUST(wt_component_linker_define_func(linker, NULL, "echo", echo, NULL,
                                         NULL));
    MUST(wt_component_linker_define_func(linker, "host", "echo", echo, NULL,
                                         NULL));
    MUST(wt_arena_new(&arena));
  }
  cursor c = {data, size};
  bool in_instance = take(&c, 1) & 1;
  ntypes = nnamed = 0;
  const ty *t = gen_type(&c, 0);
  buf wat = {0};
  component_wat(&wat, t, in_instance);
  current_wat = wat.p;
  wt_component_t *component = component_for(engine, wat.p);

  wt_store_t *store;
  MUST(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  wt_error_t *err =
      wt_component_linker_instantiate(linker, store, component, &inst);
  if (err)
    fail("instantiation failed: %s", wt_error_message(err));
  wt_component_func_t run;
  if ((err = wt_component_instance_func(store, &inst, "run", &run)))
    fail("no run: %s", wt_error_message(err));

  for (int call = 0; call < CALLS && (call == 0 || c.n > 0); call++) {
    unsigned mode = (unsigned)take(&c, 1) % 8;
    nv = nnodes = 0;
    nb = 0;
    wt_arena_reset(arena);
    wt_cval_t *arg = new_vals(1);
    gen_val(&c, t, arg);
    const char *what = NULL;
    echo_state.calls = 0;
    echo_state.t = t;
    echo_state.expect = arg;
    echo_state.mode = mode & 1 ? ECHO_OWN : ECHO_ARG;
    if (mode == 5 || mode == 6) {
      what = mutate(&c, 0);
      echo_state.expect = NULL;
    } else if (mode == 7) {
      wt_cval_t *bad = new_vals(1);
      int first = nnodes;
      gen_val(&c, t, bad);
      what = mutate(&c, first);
      echo_state.bad = bad;
      echo_state.mode = ECHO_BAD;
    }
    wt_cval_t out, before;
    memset(&out, 0xa5, sizeof out);
    memcpy(&before, &out, sizeof out);
    err = wt_component_func_call(store, &run, arg, 1, &out, 1, arena);
    if (!what) {
      if (err) {
        fprintf(stderr, "value: ");
        show(stderr, t, arg);
        fprintf(stderr, "\n");
        fail("a valid call failed: %s (%s)", wt_error_message(err),
             wt_error_kind_name(wt_error_kind(err)));
      }
      if (echo_state.calls != 1)
        fail("echo ran %d times", echo_state.calls);
      if (!same(t, arg, &out, true)) {
        fprintf(stderr, "passed: ");
        show(stderr, t, arg);
        fprintf(stderr, "\nback:   ");
        show(stderr, t, &out);
        fprintf(stderr, "\n");
        fail("the value came back changed");
      }
      continue;
    }
    const wt_cval_t *bad = mode == 7 ? echo_state.bad : arg;
    if (!err || wt_error_kind(err) != WT_ERROR_MISUSE) {
      fprintf(stderr, "%s: ", mode == 7 ? "echo returned" : "passed");
      show(stderr, t, bad);
      fprintf(stderr, "\n");
      fail("%s %s: %s", what, err ? "failed as" : "succeeded",
           err ? wt_error_message(err) : "");
    }
    if (mode == 7 && (echo_state.calls != 1 ||
                      !strstr(wt_error_message(err), "host function")))
      fail("echo's invalid result (%s): echo ran %d times, \"%s\"", what,
           echo_state.calls, wt_error_message(err));
    if (mode != 7 && echo_state.calls != 0)
      fail("an invalid argument (%s) reached echo", what);
    if (memcmp(&out, &before, sizeof out) != 0)
      fail("a failed call wrote its result");
    check_error(err);
    /* A host function's failure leaves the store trapped. */
    if (mode == 7)
      break;
  }
  wt_store_delete(store);
  current_wat = NULL;
  free(wat.p);
  return 0;
}
