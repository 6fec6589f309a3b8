/* Freezes the ABI layout as seen by a C compiler (compile-time checks). */
#include <sr/abi.h>
#include <sr/services/kv_store.h>
#include <sr/services/spawner_directory.h>

#include <stddef.h>
#include <stdio.h>

#define SR_FROZEN_SIZE(type, size, align)                               \
  _Static_assert(sizeof(struct type) == (size), #type " changed size"); \
  _Static_assert(_Alignof(struct type) == (align), #type " changed alignment")
#define SR_FROZEN_OFFSET(type, field, offset) \
  _Static_assert(offsetof(struct type, field) == (offset), #type "." #field " moved")

#include "frozen_layout.inc"

int main(void) {
  printf("plugin ABI %d.%d layout matches the frozen layout (C)\n", SR_ABI_MAJOR, SR_ABI_MINOR);
  return 0;
}
