/* Compiled with -std=c99 -pedantic -Werror: the public C headers must stay plain C99. */
#include <sr/abi.h>
#include <sr/services/kv_store.h>
#include <sr/services/spawner_directory.h>

/* A translation unit must declare something under -pedantic. */
typedef int sr_abi_c99_check_unit;
