// shipper: command line only. Flags become an Engine run or a lint (src/app).
#include <malloc.h>

#include "app/app.hpp"

int main(int argc, char** argv) {
  // Buffer chunks and read batches are megabytes each and are freed and made again all the
  // time. With glibc's defaults each one is a fresh mmap whose pages fault in again (zeroed by
  // the kernel) on every reuse; keeping them in the heap makes the reuse free. 32 MiB is glibc's
  // ceiling for the threshold; freed memory above 64 MiB at the top of the heap goes back.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  return shipper::app::run_app(argc, argv);
}
