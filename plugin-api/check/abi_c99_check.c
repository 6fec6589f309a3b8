/* Compiled with -std=c99 -pedantic -Werror: the public C headers must stay plain C99. */
#include <sr/abi.h>

/* A translation unit must declare something under -pedantic. */
typedef int sr_abi_c99_check_unit;
