#pragma once

namespace sr::host {

// Tunes glibc's malloc for a long-running server whose threads hand small blocks to each other
// (a request parsed on an I/O thread, its event freed on the event thread, a batch built on a
// worker and freed on the store's writer). Call first in main, before any thread starts.
// Each setting is left alone when its MALLOC_*_ environment variable is set, so that an
// operator can still choose.
//   - one arena instead of 8 per core: a block freed on another thread returns to the one
//     heap, whose holes every thread reuses (each thread's tcache still serves most small
//     blocks without the arena's lock);
//   - blocks of 64 KiB and more are mapped and unmapped on their own (a fixed threshold: by
//     default glibc raises it after each large free, so that the next large temporaries,
//     such as the serialized spawner list, stay in the heap and pin it);
//   - free memory at a heap's top above 64 KiB goes back to the system, with no extra pad.
// What each bought is in bench/README.md ("Memory").
void TuneAllocator();

}  // namespace sr::host
