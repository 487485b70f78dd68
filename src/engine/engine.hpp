#pragma once
// The running engine: loads and lints the config, builds the pipeline (labels, routers, plugins),
// starts it, serves signals (TERM/INT stop, USR1 flush + log reopen, HUP/USR2 reload) and stops it.
#include "engine/run_options.hpp"

namespace shipper {

// Runs until stopped (SIGTERM/SIGINT); returns the process exit code: 0 after a graceful stop,
// 1 when the config is invalid or a plugin fails to start (then nothing stays started).
int run_engine(const RunOptions& options);

}  // namespace shipper
