#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
  const char *p, *end;
  char *err;
  size_t cap;
  int failed;
} reader_t;

static void fail(reader_t *r, const char *what) {
  if (!r->failed)
    snprintf(r->err, r->cap, "%s", what);
  r->failed = 1;
}

static void skip_space(reader_t *r) {
  while (r->p < r->end &&
         (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

static json_t *node(json_type_t type) {
  json_t *v = calloc(1, sizeof *v);
  if (v)
    v->type = type;
  return v;
}

static int hex4(reader_t *r, uint32_t *out) {
  if (r->end - r->p < 4)
    return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = *r->p++;
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (uint32_t)(c - 'A' + 10);
    else
      return 0;
  }
  *out = v;
  return 1;
}

static size_t put_utf8(char *out, uint32_t cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xc0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  out[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

/* Reads a string after its opening quote; the result is NUL-terminated and
 * its byte length stored in *len. Decoded text is never longer than the
 * escaped text, so the source length bounds the buffer. */
static char *read_string(reader_t *r, size_t *len) {
  const char *start = r->p;
  while (r->p < r->end && *r->p != '"') {
    if (*r->p == '\\')
      r->p++;
    r->p++;
  }
  if (r->p >= r->end) {
    fail(r, "unterminated string");
    return NULL;
  }
  const char *stop = r->p++;
  char *out = malloc((size_t)(stop - start) + 1);
  if (!out) {
    fail(r, "out of memory");
    return NULL;
  }
  size_t n = 0;
  reader_t sub = {start, stop, r->err, r->cap, 0};
  while (sub.p < sub.end) {
    char c = *sub.p++;
    if (c != '\\') {
      out[n++] = c;
      continue;
    }
    char e = *sub.p++;
    switch (e) {
    case '"': out[n++] = '"'; break;
    case '\\': out[n++] = '\\'; break;
    case '/': out[n++] = '/'; break;
    case 'b': out[n++] = '\b'; break;
    case 'f': out[n++] = '\f'; break;
    case 'n': out[n++] = '\n'; break;
    case 'r': out[n++] = '\r'; break;
    case 't': out[n++] = '\t'; break;
    case 'u': {
      uint32_t cp, lo;
      if (!hex4(&sub, &cp)) {
        free(out);
        fail(r, "bad \\u escape");
        return NULL;
      }
      if (cp >= 0xd800 && cp < 0xdc00 && sub.end - sub.p >= 6 &&
          sub.p[0] == '\\' && sub.p[1] == 'u') {
        sub.p += 2;
        if (hex4(&sub, &lo) && lo >= 0xdc00 && lo < 0xe000)
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
      }
      n += put_utf8(out + n, cp);
      break;
    }
    default:
      free(out);
      fail(r, "bad escape in string");
      return NULL;
    }
  }
  out[n] = '\0';
  *len = n;
  return out;
}

static json_t *read_value(reader_t *r, int depth);

static int append(json_t *v, json_t *item, char *key) {
  if ((v->n & (v->n - 1)) == 0) { /* grow at powers of two */
    size_t cap = v->n ? v->n * 2 : 1;
    json_t **items = realloc(v->items, cap * sizeof *items);
    if (!items)
      return 0;
    v->items = items;
    if (v->type == JSON_OBJECT) {
      char **keys = realloc(v->keys, cap * sizeof *keys);
      if (!keys)
        return 0;
      v->keys = keys;
    }
  }
  v->items[v->n] = item;
  if (v->type == JSON_OBJECT)
    v->keys[v->n] = key;
  v->n++;
  return 1;
}

static json_t *read_container(reader_t *r, int depth, int object) {
  json_t *v = node(object ? JSON_OBJECT : JSON_ARRAY);
  char close = object ? '}' : ']';
  if (!v) {
    fail(r, "out of memory");
    return NULL;
  }
  skip_space(r);
  if (r->p < r->end && *r->p == close) {
    r->p++;
    return v;
  }
  for (;;) {
    char *key = NULL;
    size_t klen;
    skip_space(r);
    if (object) {
      if (r->p >= r->end || *r->p != '"') {
        fail(r, "expected a key");
        break;
      }
      r->p++;
      if (!(key = read_string(r, &klen)))
        break;
      skip_space(r);
      if (r->p >= r->end || *r->p != ':') {
        free(key);
        fail(r, "expected ':'");
        break;
      }
      r->p++;
    }
    json_t *item = read_value(r, depth + 1);
    if (!item || !append(v, item, key)) {
      json_free(item);
      free(key);
      fail(r, "out of memory");
      break;
    }
    skip_space(r);
    if (r->p < r->end && *r->p == ',') {
      r->p++;
      continue;
    }
    if (r->p < r->end && *r->p == close) {
      r->p++;
      return v;
    }
    fail(r, object ? "expected ',' or '}'" : "expected ',' or ']'");
    break;
  }
  json_free(v);
  return NULL;
}

static int word(reader_t *r, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
    return 0;
  r->p += n;
  return 1;
}

static json_t *read_value(reader_t *r, int depth) {
  if (depth > 64) {
    fail(r, "nested too deeply");
    return NULL;
  }
  skip_space(r);
  if (r->p >= r->end) {
    fail(r, "unexpected end of input");
    return NULL;
  }
  char c = *r->p;
  if (c == '{' || c == '[') {
    r->p++;
    return read_container(r, depth, c == '{');
  }
  if (c == '"') {
    r->p++;
    size_t len;
    char *s = read_string(r, &len);
    json_t *v = s ? node(JSON_STRING) : NULL;
    if (!v) {
      free(s);
      fail(r, "out of memory");
      return NULL;
    }
    v->str = s;
    v->len = len;
    return v;
  }
  json_t *v = NULL;
  if (word(r, "true") || word(r, "false")) {
    if ((v = node(JSON_BOOL)))
      v->num = r->p[-1] == 'e' && r->p[-2] == 'u';
  } else if (word(r, "null")) {
    v = node(JSON_NULL);
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    char buf[64];
    size_t n = 0;
    while (r->p < r->end && n + 1 < sizeof buf &&
           strchr("+-.eE0123456789", *r->p))
      buf[n++] = *r->p++;
    buf[n] = '\0';
    if ((v = node(JSON_NUMBER)))
      v->num = strtod(buf, NULL);
  } else {
    fail(r, "unexpected character");
    return NULL;
  }
  if (!v)
    fail(r, "out of memory");
  return v;
}

json_t *json_parse(const char *text, size_t len, char *err, size_t cap) {
  reader_t r = {text, text + len, err, cap, 0};
  json_t *v = read_value(&r, 0);
  skip_space(&r);
  if (v && r.p != r.end)
    fail(&r, "trailing text after the value");
  if (r.failed) {
    json_free(v);
    return NULL;
  }
  return v;
}

void json_free(json_t *v) {
  if (!v)
    return;
  for (size_t i = 0; i < v->n; i++) {
    json_free(v->items[i]);
    if (v->keys)
      free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->str);
  free(v);
}

const json_t *json_get(const json_t *o, const char *key) {
  if (!o || o->type != JSON_OBJECT)
    return NULL;
  for (size_t i = 0; i < o->n; i++)
    if (strcmp(o->keys[i], key) == 0)
      return o->items[i];
  return NULL;
}

const char *json_str(const json_t *o, const char *key) {
  const json_t *v = json_get(o, key);
  return v && v->type == JSON_STRING ? v->str : NULL;
}
