/*
 * A small JSON reader for the spec runner: enough for wast2json's output
 * (objects, arrays, strings with escapes, numbers, true, false, null).
 */
#ifndef WT_SPEC_JSON_H
#define WT_SPEC_JSON_H

#include <stddef.h>

typedef enum json_type {
  JSON_NULL,
  JSON_BOOL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT,
} json_type_t;

typedef struct json json_t;
struct json {
  json_type_t type;
  char *str;       /* JSON_STRING: decoded UTF-8, NUL-terminated */
  size_t len;      /* JSON_STRING: length in bytes (may hold NULs) */
  double num;      /* JSON_NUMBER; JSON_BOOL: 0 or 1 */
  size_t n;        /* JSON_ARRAY, JSON_OBJECT: number of items */
  json_t **items;  /* JSON_ARRAY, JSON_OBJECT: the values */
  char **keys;     /* JSON_OBJECT: the keys */
};

/* Parses `len` bytes of text. Returns NULL and writes a message into `err`
 * (of `cap` bytes) when the text is not valid JSON. */
json_t *json_parse(const char *text, size_t len, char *err, size_t cap);
void json_free(json_t *value);

/* The member `key` of an object, or NULL. */
const json_t *json_get(const json_t *object, const char *key);
/* The string member `key` of an object, or NULL when absent or not a
 * string. */
const char *json_str(const json_t *object, const char *key);

#endif
